/**
 * The ranking's weights, in one place: BM25F's saturation and per-field weights and length
 * normalization, the bonuses the scorer adds for titles and query words that say what the query
 * says, the coordination power, and what chatter and intent hints count for. Each was first set by
 * hand, one measurement at a time (the comments where each is used tell those measurements);
 * bench/fit-weights.ts fits them together to the relevance judgments, by coordinate ascent on some
 * folds of the development sets, judged on the others.
 */
export interface RankingWeights {
  /** BM25 saturation (bm25f.ts). */
  k1: number;
  /**
   * Field weights and length normalization, in FIELDS order: title, query words, meta, lead, body
   * (bm25f.ts). Meta's b stays 0: the index does not keep its length (store/format.ts LENGTH_KEPT).
   */
  fieldWeights: readonly number[];
  fieldB: readonly number[];
  /** Coverage bonus per field, FIELDS order; fields at 0 take no part (features.ts COVERAGE_BONUS). */
  coverageBonus: readonly number[];
  /** Title phrase points (features.ts PHRASE_BONUS). */
  phraseBonus: number;
  /** Power of the share of the query's idf mass an article holds (features.ts COORDINATION_POWER). */
  coordinationPower: number;
  /** How-to title-held points and list-of-words title/query-words points (features.ts). */
  titleHeldBonus: number;
  namedHeldBonus: number;
  /** Lead coverage emphasis for a short symptom no title names (features.ts LEAD_EMPHASIS). */
  leadEmphasis: number;
  /** What a chatty word counts for against a content word (query/chatter.ts). */
  chatterWeight: number;
  /** What an intent hint (`kbhowto` for a how-to question) counts for against a query word (query/expand.ts). */
  intentHint: number;
}

/** The weights the engine ranks with. */
export const WEIGHTS: RankingWeights = {
  k1: 1.2,
  fieldWeights: [4.0, 16.0, 1.5, 1.5, 1.0],
  fieldB: [0.3, 0.3, 0, 0.6, 0.75],
  coverageBonus: [5, 5, 0, 3, 0],
  phraseBonus: 10,
  coordinationPower: 1.5,
  titleHeldBonus: 32,
  namedHeldBonus: 10,
  leadEmphasis: 16,
  chatterWeight: 0.3,
  intentHint: 1,
};

/**
 * Replaces some weights, for fitting them (bench/fit-weights.ts): scorers made afterwards rank with
 * them. A field's coverage bonus must stay 0 or above 0 as it was: which fields take part is fixed.
 */
export function setWeights(changes: Partial<RankingWeights>): void {
  Object.assign(WEIGHTS, changes);
}
