/**
 * Phrase speed, which the speed runner measures with the rest (`npm run bench`) and `npm run
 * bench:phrases` alone: kbsearch's warm latency over two phrase sets, each in a fresh process
 * (warm.js) over the full archive's index. Titles' phrases as people paste them, and phrases of the
 * archive's commonest words, whose terms' lists are the longest there are.
 */
import { measureWarm, sampleEvenly } from "./measure.js";
import { loadEvalSet } from "./shared.js";
import type { WarmFigures } from "./warm.js";

export const PHRASE_SETS = ["title", "common"] as const;
export type PhraseSet = (typeof PHRASE_SETS)[number];

/** Titles' phrases timed: the dev set's error messages (the words of a title, in its order), quoted. */
const TITLE_PHRASES = 200;

/**
 * Phrases every word of which is among the archive's commonest (each term in 10,000 to 60,000 of
 * its 60,335 articles), some matching tens of thousands of articles: any query must answer within a second.
 */
const COMMON_PHRASES = [
  "the file is not", "windows nt", "microsoft windows", "could not open the file", "access violation",
  "is not", "to the file", "the following", "for more information", "this article", "microsoft windows nt",
  "the following error message", "more information", "you receive the following error message",
  "this problem occurs", "to work around this problem", "microsoft has confirmed this to be a problem",
  "the information in this article applies to", "for additional information", "click start point to programs",
  "windows 95", "control panel", "the program", "does not work", "in the registry",
];

export function isPhraseSet(name: string): name is PhraseSet {
  return (PHRASE_SETS as readonly string[]).includes(name);
}

const quoted = (text: string) => `"${text.replaceAll('"', " ").trim()}"`;

/** A set's queries, each a quoted phrase. */
export function phraseQueries(set: PhraseSet): string[] {
  if (set === "common") return COMMON_PHRASES.map(quoted);
  return sampleEvenly(loadEvalSet("dev.jsonl").filter((q) => q.class === "errmsg").map((q) => q.query), TITLE_PHRASES).map(quoted);
}

/** Phrases a runner searches untimed before timing a set: the dev set's paraphrases, quoted (none of the timed queries). */
export function warmUpPhrases(): string[] {
  return loadEvalSet("dev.jsonl").filter((q) => q.class === "paraphrase").map((q) => quoted(q.query));
}

export type PhraseFigures = Record<PhraseSet, WarmFigures>;

/** Both sets' warm figures over the kbsearch index in `dir`. */
export function measurePhrases(dir: string): PhraseFigures {
  return { title: measureWarm("kbsearch", dir, Infinity, "title"), common: measureWarm("kbsearch", dir, Infinity, "common") };
}

export function phraseTable(figures: PhraseFigures): string {
  const ms = (value: number | undefined) => value?.toFixed(2) ?? "-";
  const row = (label: string, f: WarmFigures) =>
    `| ${label} | ${f.queries} | ${ms(f.p50Ms)} / ${ms(f.p95Ms)} / ${ms(f.p99Ms)} | ${f.maxMs.toFixed(1)} (${f.slowest}) | ${ms(f.cpuP50Ms)} / ${ms(f.cpuP95Ms)} / ${ms(f.cpuP99Ms)} | ${ms(f.cpuPerQueryMs)} |`;
  return [
    "| phrases | queries | warm p50 / p95 / p99 (ms) | slowest (ms) | CPU per query p50 / p95 / p99 (ms) | CPU per query, mean (ms) |",
    "|---|---:|---|---|---|---:|",
    row("titles' phrases (dev error messages, quoted)", figures.title),
    row("phrases of the commonest words", figures.common),
  ].join("\n");
}
