/**
 * Verbatim runs: the longest stretch of the query, word after word as typed, that an article says
 * in the same order at the same distances (stopwords keeping their places). A pasted error message
 * or a sentence of the article's own is the surest sign of its article, and the BM25F sum, which
 * weighs each word apart, cannot see it: "There are too many edits in the document. This operation
 * will be incomplete." finds every word in many articles, but all of them in a row only in the one
 * quoting it.
 *
 * Worked out from the stored text of the first page's articles only, as a second stage (a rescorer,
 * as search engines rescore their top documents with what is too dear to weigh for every match):
 * the page's text is read to show its snippets anyway, and a run rarely lifts an article from
 * further down (rescoring the first 20 gave the same MRR@10 as the first 10 on the four eval sets).
 */
import { analyzeToTokens } from "../analyze/analyzer.js";
import type { FoundTerm } from "../analyze/term-places.js";

/** How many of the best-scored articles are rescored: the first page. */
export const VERBATIM_DEPTH = 10;
/** A run counts from this many words: two in a row are a common pairing ("service pack", "access denied"), not a quotation. */
export const MIN_RUN = 3;
/** Points for each word of a run past MIN_RUN - 1. */
export const RUN_WORD_POINTS = 1;

/**
 * Query words closer than this many characters in an article are read in one stretch: words a run
 * holds apart (stopwords, or another word in the place of the query's) are short, and the text
 * between places further apart is not analyzed (analyze/term-places.ts).
 */
export const RUN_BRIDGE = 48;

/** A query's words as typed, for finding runs of them: each term (by number) and its place, stopwords counted. */
export interface QueryRun {
  tokens: { term: string; number: number; pos: number }[];
  terms: ReadonlySet<string>;
  /** Each distinct term's number, in query order. */
  numbers: ReadonlyMap<string, number>;
}

/** The query's words for `runIn`, or undefined when it has too few to make a run. */
export function queryRun(text: string): QueryRun | undefined {
  const analyzed = analyzeToTokens(text);
  if (new Set(analyzed.map((t) => t.pos)).size < MIN_RUN) return undefined;
  const numbers = new Map<string, number>();
  for (const t of analyzed) if (!numbers.has(t.term)) numbers.set(t.term, numbers.size);
  const tokens = analyzed.map((t) => ({ term: t.term, number: numbers.get(t.term)!, pos: t.pos }));
  return { tokens, terms: new Set(numbers.keys()), numbers };
}

/**
 * The longest run of the query's words among those `found` in one text (findTerms with RUN_BRIDGE;
 * other terms found are passed over): from each place of a query word, the query's next words are
 * looked for at their distances. A place and a term's number are one key of one set (a search
 * rescores ten articles: a set per article, not one per word).
 */
export function runIn(run: QueryRun, found: readonly FoundTerm[]): number {
  const { tokens, numbers } = run;
  const slots = numbers.size;
  const held = new Set<number>();
  for (const f of found) {
    const number = numbers.get(f.term);
    if (number !== undefined) held.add(f.pos * slots + number);
  }
  let longest = 0;
  for (const f of found) {
    const number = numbers.get(f.term);
    if (number === undefined) continue;
    // Each query token of this term may start a run here.
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.number !== number) continue;
      let words = 1;
      for (let j = i + 1; j < tokens.length && held.has((f.pos + tokens[j]!.pos - tokens[i]!.pos) * slots + tokens[j]!.number); j++) {
        if (tokens[j]!.pos !== tokens[j - 1]!.pos) words++;
      }
      if (words > longest) longest = words;
    }
  }
  return longest;
}

/** A rescored article's longest run, and the points it added. */
export interface RunScore {
  words: number;
  points: number;
}

/** The points a run of `words` words adds to an article's score. */
export function runPoints(words: number): number {
  return words >= MIN_RUN ? RUN_WORD_POINTS * (words - MIN_RUN + 1) : 0;
}
