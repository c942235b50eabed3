/**
 * Scores the documents matching a query plan, word group at a time over their postings, and keeps
 * the best. A group's best alternative counts (a correction never adds to the word it corrects).
 * Documents matching every group rank above those matching only some; among them BM25F decides,
 * plus a bonus for holding the query's words in the title (see TITLE_BONUS).
 */
import type { PlannedAlternative, PlannedGroup, QueryPlan } from "../query/expand.js";
import type { IndexReader } from "../store/reader.js";
import { FIELD, FIELD_COUNT } from "../store/format.js";
import { decodePostings } from "../store/postings.js";
import { idf, inverseAverages, pseudoFrequency, saturate } from "./bm25f.js";
import { TopK } from "./topk.js";

/**
 * Coverage bonus per field (FIELDS order): points for a field holding the query's words, times the
 * square of the share of the query's idf mass found there. A title that says what the query says is
 * the best evidence the archive offers (users paste error messages and name problems the way titles
 * do); so are the query words support engineers attached, and a symptom told in the lead sections.
 */
export const COVERAGE_BONUS: readonly number[] = [5, 5, 0, 3, 0];
export const COVERAGE_POWER = 2;
/**
 * Points for a title that says the query's words as the query does: times the share of the
 * query's neighbouring word pairs that stand the same distance apart in the title (stopwords
 * count, so "could not open the file" matches that phrase, not "the file could not be opened").
 */
export const PHRASE_BONUS = 10;
/**
 * Scores are multiplied by the share of the query's idf mass an article holds, to this power: an
 * article lacking a rare query word falls far, one lacking a chatty word ("how", "my") hardly.
 */
export const COORDINATION_POWER = 3;
/** Queries up to this many words get the full power. */
export const COORDINATION_WORDS = 4;
/**
 * A query word held by more than this share of the archive only adds to articles its rarer words
 * found; it brings in none of its own. Such articles would lack the query's heavy words and could
 * not rank, and sparing their scoring is most of the work of a query with common words. The
 * result's `total` counts the articles the rarer words found.
 */
export const COMMON_SHARE = 0.05;
/** Title positions past this are not compared (titles are rarely longer). */
const TITLE_POSITIONS = 32;
/** Query words past this take no part in the phrase bonus (bounds the scratch space). */
const PHRASE_WORDS = 16;
const COVERED_FIELDS = COVERAGE_BONUS.flatMap((w, f) => (w > 0 ? [f] : []));

export interface ScoredDoc {
  doc: number;
  score: number;
  /** How many of the query's word groups it matched. */
  matched: number;
}

export interface Scored {
  /** Best first, at most `k`. */
  top: ScoredDoc[];
  /** Documents matching any group. */
  total: number;
  /** The document asked about by `score(..., watch)`, when it matched at all. */
  watched: ScoredDoc | undefined;
}

/** One group's alternatives' weights times their idf: what a match on each is worth at most. */
export function groupWeights(index: IndexReader, group: PlannedGroup): number[] {
  return group.alternatives.map((a) => a.weight * idf(index.docCount, a.entry.docFreq));
}

/** The coverage bonus of field f for a document holding `fieldMass` of the query's `queryMass` there. */
export function coverageBonus(f: number, fieldMass: number, queryMass: number): number {
  return queryMass > 0 ? COVERAGE_BONUS[f]! * (fieldMass / queryMass) ** COVERAGE_POWER : 0;
}

/**
 * The factor for holding `matchedMass` of the query's idf mass: missing a rare word costs much, a
 * common one little. Long queries (pasted dialogs, sentences) hold words of the user's own (paths,
 * names) that no article has, so the power falls as the query grows.
 */
export function coordination(matchedMass: number, queryMass: number, words: number): number {
  const power = COORDINATION_POWER * Math.min(1, COORDINATION_WORDS / words);
  return queryMass > 0 ? (matchedMass / queryMass) ** power : 1;
}

/** The share of the query's neighbouring word pairs that stand as far apart in the title (masks of title positions per group). */
export function titlePhraseShare(groups: readonly PlannedGroup[], titleMasks: ArrayLike<number>, at: number): number {
  const pairs = Math.min(groups.length, PHRASE_WORDS) - 1;
  if (pairs < 1) return 0;
  let adjacent = 0;
  for (let g = 0; g < pairs; g++) {
    const gap = groups[g + 1]!.word.pos - groups[g]!.word.pos;
    if (gap > 0 && ((titleMasks[at + g]! << gap) & titleMasks[at + g + 1]!) !== 0) adjacent++;
  }
  return adjacent / pairs;
}

/** Title positions as a bit mask (those below TITLE_POSITIONS). */
export function positionMask(positions: ArrayLike<number>, count: number): number {
  let mask = 0;
  for (let i = 0; i < count; i++) if (positions[i]! < TITLE_POSITIONS) mask |= 1 << positions[i]!;
  return mask;
}

/** The fields a term occurs in, as a bit mask. */
export function fieldMask(tfs: ArrayLike<number>): number {
  let mask = 0;
  for (let f = 0; f < FIELD_COUNT; f++) if (tfs[f]) mask |= 1 << f;
  return mask;
}

/** The postings a group's alternatives hold together (an upper bound on the documents it matches). */
function docFreqOf(group: PlannedGroup): number {
  return group.alternatives.reduce((sum, alt) => sum + alt.entry.docFreq, 0);
}

/** Group numbers, the group matching the fewest documents first. */
function rarestFirst(groups: readonly PlannedGroup[]): number[] {
  return groups.map((_, g) => g).sort((a, b) => docFreqOf(groups[a]!) - docFreqOf(groups[b]!));
}

/** Scores queries over one index, reusing its per-document scratch arrays from query to query. */
export class Scorer {
  private readonly scores: Float64Array;
  /** Per document, per field: the idf mass of the query words found there. */
  private readonly fieldMass: Float64Array;
  /** Per document: the idf mass of the query words it holds anywhere. */
  private readonly matchedMass: Float64Array;
  private readonly best: Float64Array;
  /** Per document: the fields its best alternative for the current group matched in (a bit mask). */
  private readonly bestFields: Uint8Array;
  /** Per document, per query word (up to PHRASE_WORDS): where its alternatives stand in the title. */
  private readonly titleMasks: Int32Array;
  private readonly matched: Uint8Array;
  private readonly stamp: Uint32Array;
  private epoch = 0;
  private readonly invAvg: Float64Array;

  constructor(private readonly index: IndexReader) {
    const n = index.docCount;
    this.scores = new Float64Array(n);
    this.fieldMass = new Float64Array(n * FIELD_COUNT);
    this.matchedMass = new Float64Array(n);
    this.best = new Float64Array(n);
    this.bestFields = new Uint8Array(n);
    this.titleMasks = new Int32Array(n * PHRASE_WORDS);
    this.matched = new Uint8Array(n);
    this.stamp = new Uint32Array(n);
    this.invAvg = inverseAverages(index.header.avgFieldLength);
  }

  /**
   * The best `k` documents for `plan`'s groups (its hints add to documents those match); `watch`
   * names one more document whose score is wanted wherever it ranks.
   */
  score(plan: QueryPlan, k: number, watch?: number): Scored {
    const { groups, hints } = plan;
    const { scores, matchedMass, fieldMass, best, bestFields, titleMasks, matched, stamp, invAvg } = this;
    const lengths = this.index.fieldLengths;
    const phraseWords = Math.min(groups.length, PHRASE_WORDS);
    const touched: number[] = [];
    const queryMass = groups.reduce((sum, group) => sum + Math.max(...groupWeights(this.index, group)), 0);
    const commonDocFreq = this.index.docCount * COMMON_SHARE;
    rarestFirst(groups).forEach((g, nth) => {
      const group = groups[g]!;
      const weights = groupWeights(this.index, group);
      const mass = Math.max(...weights);
      // A common word only adds to articles the rarer words found (see COMMON_SHARE).
      const opens = nth === 0 || docFreqOf(group) <= commonDocFreq;
      const epoch = ++this.epoch;
      const inGroup: number[] = [];
      group.alternatives.forEach((alt, i) => {
        const weight = weights[i]!;
        decodePostings(this.index.postings(alt.entry), (doc, tfs, titlePositions) => {
          if (stamp[doc] !== epoch) {
            if (matched[doc] === 0) {
              if (!opens) return;
              touched.push(doc);
              scores[doc] = 0;
              matchedMass[doc] = 0;
              for (const f of COVERED_FIELDS) fieldMass[doc * FIELD_COUNT + f] = 0;
              titleMasks.fill(0, doc * PHRASE_WORDS, doc * PHRASE_WORDS + phraseWords);
            }
            stamp[doc] = epoch;
            inGroup.push(doc);
            best[doc] = 0;
          }
          const points = weight * saturate(pseudoFrequency(tfs, lengths, doc * FIELD_COUNT, invAvg));
          if (g < PHRASE_WORDS && tfs[FIELD.title]) titleMasks[doc * PHRASE_WORDS + g]! |= positionMask(titlePositions, tfs[FIELD.title]!);
          if (points > best[doc]!) {
            best[doc] = points;
            bestFields[doc] = fieldMask(tfs);
          }
        });
      });
      for (const doc of inGroup) {
        matched[doc]!++;
        matchedMass[doc]! += mass;
        scores[doc]! += best[doc]!;
        for (const f of COVERED_FIELDS) if (bestFields[doc]! & (1 << f)) fieldMass[doc * FIELD_COUNT + f]! += mass;
      }
    });
    this.addHints(hints);

    // Final scores overwrite the sums in place; the heap holds document numbers, not objects.
    const top = new TopK<number>(k, (a, b) => (scores[a] !== scores[b] ? scores[a]! > scores[b]! : a < b));
    for (const doc of touched) {
      let score = scores[doc]!;
      for (const f of COVERED_FIELDS) score += coverageBonus(f, fieldMass[doc * FIELD_COUNT + f]!, queryMass);
      score += PHRASE_BONUS * titlePhraseShare(groups, titleMasks, doc * PHRASE_WORDS);
      if (matchedMass[doc]! < queryMass) score *= coordination(matchedMass[doc]!, queryMass, groups.length);
      scores[doc] = score;
      top.offer(doc);
    }
    const scored = (doc: number): ScoredDoc => ({ doc, score: scores[doc]!, matched: matched[doc]! });
    const result = { top: top.sorted().map(scored), total: touched.length, watched: watch !== undefined && matched[watch] ? scored(watch) : undefined };
    for (const doc of touched) matched[doc] = 0;
    return result;
  }

  /** Adds to each document the groups matched the points of the best hint it holds. */
  private addHints(hints: readonly PlannedAlternative[]): void {
    const { scores, best, matched, stamp, invAvg } = this;
    const lengths = this.index.fieldLengths;
    const epoch = ++this.epoch;
    const hinted: number[] = [];
    for (const hint of hints) {
      const weight = hint.weight * idf(this.index.docCount, hint.entry.docFreq);
      decodePostings(this.index.postings(hint.entry), (doc, tfs) => {
        if (matched[doc] === 0) return;
        const points = weight * saturate(pseudoFrequency(tfs, lengths, doc * FIELD_COUNT, invAvg));
        if (stamp[doc] !== epoch) {
          stamp[doc] = epoch;
          hinted.push(doc);
          best[doc] = points;
        } else if (points > best[doc]!) {
          best[doc] = points;
        }
      });
    }
    for (const doc of hinted) scores[doc]! += best[doc]!;
  }
}
