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
 * further down (the first 20 rescored rank as the first 10 do on every eval set).
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

/** A query's words as typed, for finding runs of them: each term and its place, stopwords counted. */
export interface QueryRun {
  tokens: { term: string; pos: number }[];
  terms: ReadonlySet<string>;
}

/** The query's words for `runIn`, or undefined when it has too few to make a run. */
export function queryRun(text: string): QueryRun | undefined {
  const tokens = analyzeToTokens(text).map((t) => ({ term: t.term, pos: t.pos }));
  if (new Set(tokens.map((t) => t.pos)).size < MIN_RUN) return undefined;
  return { tokens, terms: new Set(tokens.map((t) => t.term)) };
}

/** The longest run of the query's words among those `found` in one text (findTerms with RUN_BRIDGE; other terms found are passed over). */
export function runIn(run: QueryRun, found: readonly FoundTerm[]): number {
  const places = new Map<string, Set<number>>();
  for (const term of run.terms) places.set(term, new Set());
  for (const f of found) places.get(f.term)?.add(f.pos);
  return longestRun(run.tokens, places);
}

/** The points a run of `words` words adds to an article's score. */
export function runPoints(words: number): number {
  return words >= MIN_RUN ? RUN_WORD_POINTS * (words - MIN_RUN + 1) : 0;
}

/**
 * The longest stretch tokens[i..j) standing in the text at the query's own distances from some
 * place of its first word, counted in the query's places (the parts of `kernel32.dll` share one).
 */
function longestRun(tokens: readonly { term: string; pos: number }[], places: ReadonlyMap<string, ReadonlySet<number>>): number {
  let longest = 0;
  for (let i = 0; i < tokens.length; i++) {
    const starts = places.get(tokens[i]!.term)!;
    for (const start of starts) {
      let words = 1;
      let j = i + 1;
      for (; j < tokens.length && places.get(tokens[j]!.term)!.has(start + tokens[j]!.pos - tokens[i]!.pos); j++) {
        if (tokens[j]!.pos !== tokens[j - 1]!.pos) words++;
      }
      if (words > longest) longest = words;
    }
  }
  return longest;
}
