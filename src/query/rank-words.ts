/**
 * Ranks the documents for one parsed query: the scorer's best, with the article the query names
 * by number first. The engine's plain search and each branch of a query with operators share it.
 */
import type { Scorer } from "../rank/scorer.js";
import type { IndexReader } from "../store/index-reader.js";
import type { QueryPlan } from "./expand.js";
import type { ParsedQuery } from "./types.js";

export interface RankedDoc {
  doc: number;
  score: number;
  /** "id" when the query named this article by number. */
  match: "id" | "text";
  /** What scored it, when the query's branches score apart (`a OR b`): what `explain` tells its score by. */
  scoredBy?: ScoredBy;
}

/** How one plan's documents were scored: the plan, and how much of it the candidates' titles or query words named (features.ts readLead). */
export interface ScoredBy {
  plan: QueryPlan;
  namedShare: number;
}

export interface WordRanking {
  /** Best first, at most `k`. */
  ranked: RankedDoc[];
  /** Documents matching at all. */
  total: number;
  /** The named article number when the index lacks it. */
  missingArticle: number | undefined;
  /** The scorer's named share for the query (readLead), which `explain` needs. */
  namedShare: number;
}

/**
 * The best `k` documents for `plan`; with `allowed`, only documents whose byte there is 1. With
 * `each`, every document matching is told to it with its score, but the one the query names by
 * number, which is ranked first as the id match. With `matched`, every document matching has its
 * byte there set to 1.
 */
export function rankWords(reader: IndexReader, scorer: Scorer, parsed: ParsedQuery, plan: QueryPlan, k: number, allowed?: Uint8Array, each?: (doc: number, score: number) => void, matched?: Uint8Array): WordRanking {
  const named = parsed.articleNumber === undefined ? undefined : reader.docForArticle(parsed.articleNumber);
  const pinnedDoc = named !== undefined && (!allowed || allowed[named]) ? named : undefined;
  const scored = scorer.score(plan, k, pinnedDoc, allowed, each && ((doc, score) => doc !== pinnedDoc && each(doc, score)), matched);
  if (matched && pinnedDoc !== undefined) matched[pinnedDoc] = 1;
  const ranked: RankedDoc[] = [];
  if (pinnedDoc !== undefined) ranked.push({ doc: pinnedDoc, score: scored.watched?.score ?? 0, match: "id" });
  for (const s of scored.top) if (s.doc !== pinnedDoc) ranked.push({ doc: s.doc, score: s.score, match: "text" });
  const pinnedOnly = pinnedDoc !== undefined && !scored.watched ? 1 : 0;
  return {
    ranked,
    total: scored.total + pinnedOnly,
    namedShare: scored.namedShare,
    missingArticle: parsed.articleNumber !== undefined && named === undefined ? parsed.articleNumber : undefined,
  };
}
