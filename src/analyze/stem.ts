/**
 * Porter stemming from `natural`, imported by its module path: the package root loads all of
 * natural (hundreds of ms), the stemmer module alone a few. The analyzer caches its results.
 */
import porter from "natural/lib/natural/stemmers/porter_stemmer.js";

/** Stems a lower-case alphabetic word. */
export function stem(word: string): string {
  return porter.stem(word);
}
