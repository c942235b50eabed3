/**
 * Porter stemming as `natural` 8 does it (porter.ts, held to natural's output by its test): the
 * index's terms are natural's stems, and the analyzer caches its results.
 */
import { porterStem } from "./porter.js";

/** Stems a lower-case alphabetic word. */
export function stem(word: string): string {
  return porterStem(word);
}
