/**
 * Ranks the documents for one parsed query: the scorer's best, with the article the query names
 * by number first. The engine's plain search and each branch of a query with operators share it.
 */
import type { Scored, Scorer } from "../rank/scorer.js";
import { findTerms, type FoundTerm } from "../analyze/term-places.js";
import { queryRun, RUN_BRIDGE, runIn, runPoints, VERBATIM_DEPTH, type RunScore } from "../rank/verbatim.js";
import { BytesNotHere } from "../store/byte-source.js";
import type { StoredDoc } from "../store/format.js";
import type { IndexReader } from "../store/index-reader.js";
import { planTerms, type QueryPlan } from "./expand.js";
import type { ParsedQuery } from "./types.js";

export interface RankedDoc {
  doc: number;
  score: number;
  /** "id" when the query named this article by number. */
  match: "id" | "text";
  /** What scored it, when the query's branches score apart (`a OR b`): what `explain` tells its score by. */
  scoredBy?: ScoredBy;
  /** The longest run of the query's words it says verbatim, and the points that added (rank/verbatim.ts), when rescored for one. */
  verbatim?: RunScore;
  /** What rescoring read of it, which showing it need not read again. */
  read?: ReadForRescoring;
}

/** A document's stored record, and where the plan's terms stand in its text (analyze/term-places.ts). */
export interface ReadForRescoring {
  stored: StoredDoc;
  /** The terms sought: the snippet takes its highlights from `found` when these hold every term it shows. */
  sought: ReadonlySet<string>;
  found: FoundTerm[];
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
 * byte there set to 1. Ranked by score, the first VERBATIM_DEPTH are rescored by the runs of the
 * query's words they say verbatim (rank/verbatim.ts); told to `each`, scores are the scorer's.
 */
export function rankWords(reader: IndexReader, scorer: Scorer, parsed: ParsedQuery, plan: QueryPlan, k: number, allowed?: Uint8Array, each?: (doc: number, score: number) => void, matched?: Uint8Array): WordRanking {
  const named = parsed.articleNumber === undefined ? undefined : reader.docForArticle(parsed.articleNumber);
  const pinnedDoc = named !== undefined && (!allowed || allowed[named]) ? named : undefined;
  const depth = each ? k : Math.max(k, VERBATIM_DEPTH);
  // A plain scoring (no filter, no listing) is known by its query: one kept while its rescoring waits
  // on text. Worked out only where one is kept or to be kept: a local file never waits.
  const keyOf = () => (allowed || each || matched ? undefined : JSON.stringify([parsed.text, depth, pinnedDoc]));
  const waiting = awaitingText.get(scorer);
  awaitingText.delete(scorer);
  const scored = waiting && waiting.key === keyOf() ? waiting.scored : scorer.score(plan, depth, pinnedDoc, allowed, each && ((doc, score) => doc !== pinnedDoc && each(doc, score)), matched);
  if (matched && pinnedDoc !== undefined) matched[pinnedDoc] = 1;
  const byText: RankedDoc[] = scored.top.filter((s) => s.doc !== pinnedDoc).map((s) => ({ doc: s.doc, score: s.score, match: "text" }));
  if (!each) {
    try {
      rescoreVerbatim(reader, parsed.text, plan, byText);
    } catch (err) {
      const key = err instanceof BytesNotHere ? keyOf() : undefined;
      if (key !== undefined) awaitingText.set(scorer, { key, scored });
      throw err;
    }
  }
  const ranked: RankedDoc[] = [];
  if (pinnedDoc !== undefined) ranked.push({ doc: pinnedDoc, score: scored.watched?.score ?? 0, match: "id" });
  ranked.push(...byText.slice(0, k));
  const pinnedOnly = pinnedDoc !== undefined && !scored.watched ? 1 : 0;
  return {
    ranked,
    total: scored.total + pinnedOnly,
    namedShare: scored.namedShare,
    missingArticle: parsed.articleNumber !== undefined && named === undefined ? parsed.articleNumber : undefined,
  };
}

/**
 * A plain query's scoring whose rescoring stopped at stored text not fetched yet (a browser's source
 * threw BytesNotHere): the same search run again once it is fetched takes it, rather than scoring
 * the query a second time. A local file never throws so, and never sets it.
 */
const awaitingText = new WeakMap<Scorer, { key: string; scored: Scored }>();

/**
 * Adds to each of the first VERBATIM_DEPTH of `ranked` (best first) the points of the longest run
 * of the query's words its title or text says verbatim, and orders them again. Those further down
 * keep their scores, which no rescored one's falls below: the points are never negative. The plan's
 * terms are sought in the text along with the run's, for the snippets of the hits shown.
 */
function rescoreVerbatim(reader: IndexReader, text: string, plan: QueryPlan, ranked: RankedDoc[]): void {
  const run = queryRun(text);
  if (!run || ranked.length === 0) return;
  const sought = new Set([...run.terms, ...planTerms(plan)]);
  const top = ranked.slice(0, VERBATIM_DEPTH);
  // Said at once: a browser fetches the page's stored text together (the hits show it after).
  reader.willReadStored(top.map((r) => r.doc));
  for (const r of top) {
    const stored = reader.stored(r.doc);
    const found = findTerms(stored.text, sought, 0, RUN_BRIDGE);
    r.read = { stored, sought, found };
    // The title sought with the same terms: one place finder serves the query (rank/verbatim.ts).
    const words = Math.max(runIn(run, findTerms(stored.title, sought, 0, RUN_BRIDGE)), runIn(run, found));
    const points = runPoints(words);
    if (points > 0) {
      r.score += points;
      r.verbatim = { words, points };
    }
  }
  // Ties keep the scorer's order (a stable sort): the newer issue of a text first.
  top.sort((a, b) => b.score - a.score);
  ranked.splice(0, top.length, ...top);
}
