/**
 * Scores the documents matching a query's terms, term at a time over their postings, and keeps
 * the best. Documents matching every known query term rank above those matching only some.
 */
import type { IndexReader } from "../store/reader.js";
import { FIELD_COUNT } from "../store/format.js";
import { decodePostings } from "../store/postings.js";
import { idf, inverseAverages, pseudoFrequency, saturate } from "./bm25f.js";
import { TopK } from "./topk.js";

export interface ScoredDoc {
  doc: number;
  score: number;
  /** How many of the query's terms it matched. */
  matched: number;
}

export interface Scored {
  /** Best first, at most `k`. */
  top: ScoredDoc[];
  /** Documents matching any term. */
  total: number;
  /** Whether a document matched any term. */
  matches(doc: number): boolean;
}

export function scoreQuery(index: IndexReader, terms: readonly string[], k: number): Scored {
  const entries = terms.map((t) => index.lookup(t)).filter((e) => e !== undefined);
  const n = index.docCount;
  const scores = new Float64Array(n);
  const matched = new Uint8Array(n);
  const touched: number[] = [];
  const lengths = index.fieldLengths;
  const invAvg = inverseAverages(index.header.avgFieldLength);

  for (const entry of entries) {
    const weight = idf(n, entry.docFreq);
    decodePostings(index.postings(entry), (doc, tfs) => {
      if (matched[doc] === 0) touched.push(doc);
      matched[doc]!++;
      scores[doc]! += weight * saturate(pseudoFrequency(tfs, lengths, doc * FIELD_COUNT, invAvg));
    });
  }

  const all = entries.length;
  const top = new TopK<ScoredDoc>(k, (a, b) => {
    const aAll = a.matched === all;
    const bAll = b.matched === all;
    if (aAll !== bAll) return aAll;
    if (a.score !== b.score) return a.score > b.score;
    return a.doc < b.doc;
  });
  for (const doc of touched) top.offer({ doc, score: scores[doc]!, matched: matched[doc]! });
  return { top: top.sorted(), total: touched.length, matches: (doc) => matched[doc]! > 0 };
}
