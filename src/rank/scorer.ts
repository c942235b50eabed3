/**
 * Scores the documents matching a query plan, word group at a time over their postings, and keeps
 * the best. A group's best alternative counts (a correction never adds to the word it corrects).
 * A document's score is its BM25F sum, plus the bonuses of features.ts for fields holding most of
 * the query and a title saying it in order, times a coordination factor for the share of the query
 * it holds. Per-document scratch lives in slots handed out as documents are first met, so a query
 * touches memory in proportion to the documents it matches, not to the archive.
 */
import type { PlannedAlternative, PlannedGroup, QueryPlan } from "../query/expand.js";
import type { IndexReader } from "../store/index-reader.js";
import { FIELD, FIELD_COUNT } from "../store/format.js";
import { addDoc, docBits, hasDoc } from "../store/doc-bits.js";
import { BODY_ONLY_MASK, DecodedPostings } from "../store/postings.js";
import { inverseAverages, occurrenceUnits, pseudoFrequency, saturate, singleBodyPoints } from "./bm25f.js";
import {
  coordination,
  coordinationPower,
  coverageBonus,
  coveredMass,
  fullPhrasePairs,
  hintWeights,
  PHRASE_WORDS,
  queryWeights,
  queryWordsHeldBonus,
  queryWordsPhraseBonus,
  readLead,
  titleHeldBonus,
  titleMaskOf,
  titlePhraseShare,
  typedWords,
} from "./features.js";
import { TopK } from "./topk.js";
import { WEIGHTS } from "./weights.js";

/**
 * A query word held by more than this share of the archive only adds to articles its weightier
 * words found (the weightiest word always brings its articles in); it brings in none of its own.
 * Such articles would lack the query's heavy words and could not rank, and sparing their scoring
 * is most of the work of a query with common words. The result's `total` counts the articles the
 * weightier words found. At 10% rather than 5%, an article holding an error message's or a
 * question's words of middling rarity ("mode", "prompt", "checked") is scored though it lacks the
 * user's one rare word ("notepad"): on realistic queries written since (100, never tuned on)
 * MRR@10 .823 -> .843 (errmsg .820 -> .860, keywords .920 -> .960), forum posts .651 (=),
 * real-dev .736 (=), dev unchanged. It costs CPU per search: +10-14% over the dev set's short
 * queries (p99 +6-10%), +25-30% over people's long ones (real-dev and the sets written since),
 * measured in fresh processes of the build before and this one, taking turns.
 */
export const COMMON_SHARE = 0.1;
/** ...and by at least this many articles (a small archive scores everything). */
export const COMMON_MIN_DOCS = 1000;
/**
 * Unless the weightier words are held by fewer articles than this: then a common word brings its
 * own in too. The rarest word a user types may be their own ("before i mess with it") and find
 * none of the right articles. (50 does as well as 200 on the eval sets, scoring a fifth fewer.)
 */
export const MIN_CANDIDATES = 50;
/** The fields with a coverage bonus (features.ts coverageBonus), whose idf mass each slot sums. */
const COVERED_FIELDS = WEIGHTS.coverageBonus.flatMap((w, f) => (w > 0 ? [f] : []));
const TITLE_COVERED = COVERED_FIELDS.indexOf(FIELD.title);
const QUERY_WORDS_COVERED = COVERED_FIELDS.indexOf(FIELD.queryWords);
const TITLE_FIELD = 1 << FIELD.title;
/** The covered fields as a field mask: most matches, in the body only, hold none of them. */
const COVERED_MASK = COVERED_FIELDS.reduce((mask, f) => mask | (1 << f), 0);

export interface ScoredDoc {
  doc: number;
  score: number;
  /** How many of the query's word groups it matched. */
  matched: number;
}

export interface Scored {
  /** Best first, at most `k`. */
  top: ScoredDoc[];
  /** The largest share of the query's idf mass any candidate's title or query words hold (readLead). */
  namedShare: number;
  /** Documents matching any group. */
  total: number;
  /** The document asked about by `score(..., watch)`, when it matched at all. */
  watched: ScoredDoc | undefined;
}

/** The postings a group's alternatives hold together (an upper bound on the documents it matches). */
function docFreqOf(group: PlannedGroup): number {
  return group.alternatives.reduce((sum, alt) => sum + alt.entry.docFreq, 0);
}

/** Group numbers, the group a match on which weighs most first (the rarest content word, not a chatty one). */
function heaviestFirst(groups: readonly PlannedGroup[], masses: readonly number[]): number[] {
  return groups.map((_, g) => g).sort((a, b) => masses[b]! - masses[a]! || docFreqOf(groups[a]!) - docFreqOf(groups[b]!));
}

/** Scores queries over one index, reusing its per-document scratch arrays from query to query. */
export class Scorer {
  /** Per document: its slot in this query, valid when `met` holds it. */
  private readonly slotOf: Int32Array;
  /** The documents this query has met (doc-bits.ts: every posting looks its document up there). */
  private readonly met: Uint32Array;
  private groupEpoch = 0;
  private slots = new Slots(1024);
  /** Slots below this may hold an earlier query's values; those above are all zero. */
  private dirty = 0;
  private readonly postings = new DecodedPostings();
  /** One occurrence's pseudo frequency by field and length code (bm25f occurrenceUnits). */
  private readonly units: Float64Array;
  /** A once-in-the-body posting's points before its weight, by body length code (singleBodyPoints). */
  private readonly singleBody: Float64Array;

  constructor(private readonly index: IndexReader) {
    this.slotOf = new Int32Array(index.docCount);
    this.met = docBits(index.docCount);
    this.units = occurrenceUnits(inverseAverages(index.header.avgFieldLength));
    this.singleBody = singleBodyPoints(this.units);
  }

  /**
   * The best `k` documents for `plan`'s groups (its hints add to documents those match); `watch`
   * names one more document whose score is wanted wherever it ranks. With `allowed`, only
   * documents whose byte there is 1 are scored (a query's filters). With `each`, every document
   * matched is told to it with its score, every one then scored in full (none passed over for
   * falling below the k-th best): what a query ordered otherwise than by score needs. With
   * `matched`, every document matched has its byte there set to 1.
   */
  score(plan: QueryPlan, k: number, watch?: number, allowed?: Uint8Array, each?: (doc: number, score: number) => void, matched?: Uint8Array): Scored {
    const { groups, hints } = plan;
    // Every list this query reads, said at once: a browser fetches them together.
    this.index.willReadPostings([...groups.flatMap((g) => g.alternatives.map((a) => a.entry)), ...hints.map((h) => h.entry)]);
    const { slotOf, met, units, singleBody } = this;
    met.fill(0);
    const lengths = this.index.fieldLengthCodes;
    let used = 0;
    const weightsOf = queryWeights(this.index, groups);
    const masses = weightsOf.map((weights) => Math.max(...weights));
    const queryMass = masses.reduce((sum, mass) => sum + mass, 0);
    const commonDocFreq = Math.max(COMMON_MIN_DOCS, this.index.docCount * COMMON_SHARE);
    const words = typedWords(groups);
    const power = coordinationPower(words);
    const order = heaviestFirst(groups, masses);
    // A common word only adds to articles the weightier words found (see COMMON_SHARE), unless
    // those are held by fewer than MIN_CANDIDATES. By group number: whether it brings its articles in.
    let held = 0;
    const opens = new Array<boolean>(groups.length).fill(false);
    order.forEach((g, nth) => {
      opens[g] = nth === 0 || docFreqOf(groups[g]!) <= commonDocFreq || held < MIN_CANDIDATES;
      if (opens[g]) held += docFreqOf(groups[g]!);
    });
    // The groups bringing articles in are read first, then those only adding to them: an article
    // met after a group that only adds would lack that group's points, and rank below the score
    // --explain gives it (19 of the eval sets' 1,830 queries had such a hit in their top 10).
    const sequence = [...order.filter((g) => opens[g]), ...order.filter((g) => !opens[g])];
    // Zeroing the slots the last query used, in bulk, spares zeroing each slot as it is opened.
    // Room for every document the query can open a slot for (each posting of an opening group,
    // and the watched document) is made before, once.
    this.slots.clearBelow(this.dirty);
    this.dirty = 0;
    const room = 1 + order.reduce((sum, g) => sum + (opens[g] ? docFreqOf(groups[g]!) : 0), 0);
    if (room > this.slots.capacity) this.slots = new Slots(Math.min(2 ** Math.ceil(Math.log2(room)), this.index.docCount + 1));
    const sl = this.slots;
    // With `allowed`, an opening group's postings of documents it does not allow are stepped over
    // as they are decoded (a phrase allows a few of a common word's tens of thousands): none of
    // them could be met, since every document met is allowed but the watched one, which is kept too.
    const openable = allowed && allowedBits(allowed);
    if (openable && watch !== undefined && watch < this.index.docCount) addDoc(openable, watch);
    // The document asked about is met whatever its words, so its score is its own.
    if (watch !== undefined && watch < this.index.docCount) used = this.openSlot(watch, used);
    sequence.forEach((g) => {
      const group = groups[g]!;
      const weights = weightsOf[g]!;
      const mass = masses[g]!;
      const opening = opens[g]!;
      const groupEpoch = ++this.groupEpoch;
      // The slots this group met, in the slots' own scratch array rather than a growing list.
      let inGroup = 0;
      group.alternatives.forEach((alt, i) => {
        const weight = weights[i]!;
        // A group that opens no slots only adds to the documents met: the others' postings are stepped over.
        const postings = this.postings.decode(this.index.postings(alt.entry), opening ? openable : met);
        const { docs, tfs, fields } = postings;
        for (let p = 0; p < postings.count; p++) {
          const doc = docs[p]!;
          let slot: number;
          if (hasDoc(met, doc)) {
            slot = slotOf[doc]!;
          } else {
            if (!opening || (allowed && !allowed[doc])) continue;
            slot = used;
            used = this.openSlot(doc, used);
          }
          if (sl.groupStamp[slot] !== groupEpoch) {
            sl.groupStamp[slot] = groupEpoch;
            sl.best[slot] = 0;
            sl.groupMembers[inGroup++] = slot;
          }
          const at = p * FIELD_COUNT;
          const inFields = fields[p]!;
          const once = inFields === BODY_ONLY_MASK && tfs[at + FIELD.body] === 1;
          const points = weight * (once ? singleBody[lengths[doc * FIELD_COUNT + FIELD.body]!]! : saturate(pseudoFrequency(tfs, at, lengths, doc * FIELD_COUNT, units)));
          if (inFields & TITLE_FIELD) {
            const mask = titleMaskOf(postings, p);
            sl.titleHeld[slot]! |= mask;
            if (g < PHRASE_WORDS) sl.titleMasks[slot * PHRASE_WORDS + g]! |= mask;
          }
          if (points > sl.best[slot]!) {
            sl.best[slot] = points;
            sl.bestFields[slot] = inFields;
            sl.bestMass[slot] = weight;
          }
        }
      });
      for (let m = 0; m < inGroup; m++) {
        const slot = sl.groupMembers[m]!;
        sl.matched[slot]!++;
        sl.matchedMass[slot]! += mass;
        sl.scores[slot]! += sl.best[slot]!;
        if ((sl.bestFields[slot]! & COVERED_MASK) === 0) continue;
        for (let c = 0; c < COVERED_FIELDS.length; c++) {
          if (sl.bestFields[slot]! & (1 << COVERED_FIELDS[c]!)) sl.fieldMass[slot * COVERED_FIELDS.length + c]! += coveredMass(COVERED_FIELDS[c]!, mass, sl.bestMass[slot]!);
        }
      }
    });

    // Final scores overwrite the sums in place; the heap holds slots, not objects. Articles scoring
    // the same are the archive's duplicates (one text issued again for another product or release):
    // the later document, which a build indexes in article number order, is the newer issue and
    // goes first (dev: symptom MRR .929 -> .931, querywords .930 -> .932, no query lower).
    const { scores, docOf } = sl;
    const top = new TopK<number>(k, (a, b) => (scores[a] !== scores[b] ? scores[a]! > scores[b]! : docOf[a]! > docOf[b]!));
    let total = 0;
    // Articles holding the same query words share a factor: each is worked out once (a power is dear).
    const factors = new Map<number, number>();
    let namedMass = 0;
    for (let slot = 0; slot < used; slot++) {
      const at = slot * COVERED_FIELDS.length;
      namedMass = Math.max(namedMass, sl.fieldMass[at + TITLE_COVERED]!, sl.fieldMass[at + QUERY_WORDS_COVERED]!);
    }
    // A query without idf mass (nothing to weigh) counts as named whole: no emphasis.
    const namedShare = queryMass > 0 ? namedMass / queryMass : 1;
    const lead = readLead(plan, namedShare);
    // Hints after the named share: how much a problem's guide counts depends on it (features.ts hintShare).
    this.addHints(hints, hintWeights(this.index, plan, namedShare));
    const phrasePairs = fullPhrasePairs(plan);
    const watchedSlot = watch === undefined || !hasDoc(met, watch) ? -1 : slotOf[watch]!;
    // The most a slot's bonuses can add, so that most slots are passed over before their powers are
    // worked out: a share raised to a power of 1 or more is at most the share itself, and the held
    // bonus is at most its points (the how-to one for a how-to question, the named one otherwise).
    const coverageCeiling = COVERED_FIELDS.map((f) => (queryMass > 0 ? (WEIGHTS.coverageBonus[f]! * (f === FIELD.lead ? lead.emphasis : 1)) / queryMass : 0));
    const heldCeiling = plan.intent === "howTo" ? WEIGHTS.titleHeldBonus : WEIGHTS.namedHeldBonus;
    const titleCeiling = lead.phrasePoints + heldCeiling;
    for (let slot = 0; slot < used; slot++) {
      if (sl.matched[slot] === 0) continue;
      total++;
      if (matched) matched[docOf[slot]!] = 1;
      const at = slot * COVERED_FIELDS.length;
      const queryWordsMass = sl.fieldMass[at + QUERY_WORDS_COVERED]!;
      // The score to beat: the k-th best's, once k are kept (the watched document is always scored).
      const floor = top.worst();
      const cut = floor !== undefined && slot !== watchedSlot && !each ? scores[floor]! : -Infinity;
      let ceiling = scores[slot]!;
      for (let c = 0; c < COVERED_FIELDS.length; c++) ceiling += sl.fieldMass[at + c]! * coverageCeiling[c]!;
      if (sl.titleHeld[slot] !== 0) ceiling += titleCeiling;
      if (queryWordsMass > 0) ceiling += WEIGHTS.namedHeldBonus + lead.phrasePoints;
      // The slack covers rounding: a share a hair over 1 raised to a power exceeds itself by as little.
      if (ceiling * (1 + 1e-9) < cut) continue;
      let score = scores[slot]!;
      for (let c = 0; c < COVERED_FIELDS.length; c++) {
        const fieldMass = sl.fieldMass[at + c]!;
        if (fieldMass > 0) score += coverageBonus(COVERED_FIELDS[c]!, fieldMass, queryMass, lead.emphasis, lead.power);
      }
      // Most articles a query meets hold none of its words in their title.
      if (sl.titleHeld[slot] !== 0) {
        if (lead.phrasePoints > 0) score += lead.phrasePoints * titlePhraseShare(groups, sl.titleMasks, slot * PHRASE_WORDS, phrasePairs);
        score += titleHeldBonus(plan, sl.titleHeld[slot]!, lengths[docOf[slot]! * FIELD_COUNT + FIELD.title]!, sl.fieldMass[at + TITLE_COVERED]!, queryMass);
      }
      if (queryWordsMass > 0) {
        const lengthCode = lengths[docOf[slot]! * FIELD_COUNT + FIELD.queryWords]!;
        score += queryWordsHeldBonus(plan, lengthCode, queryWordsMass, queryMass) + queryWordsPhraseBonus(plan, lengthCode, queryWordsMass, queryMass, lead.phrasePoints, sl.fieldMass[at + TITLE_COVERED]!);
      }
      // The factor is at most 1: a score already below the cut cannot enter.
      if (score < cut) continue;
      const matchedMass = sl.matchedMass[slot]!;
      if (matchedMass < queryMass) {
        let factor = factors.get(matchedMass);
        if (factor === undefined) factors.set(matchedMass, (factor = coordination(matchedMass, queryMass, power)));
        score *= factor;
      }
      scores[slot] = score;
      each?.(docOf[slot]!, score);
      top.offer(slot);
    }
    const scored = (slot: number): ScoredDoc => ({ doc: docOf[slot]!, score: scores[slot]!, matched: sl.matched[slot]! });
    const watched = watchedSlot >= 0 && sl.matched[watchedSlot]! > 0 ? scored(watchedSlot) : undefined;
    return { top: top.sorted().map(scored), namedShare, total, watched };
  }

  /** Gives `doc` the next slot (`used`); returns the new count in use. */
  private openSlot(doc: number, used: number): number {
    addDoc(this.met, doc);
    this.slotOf[doc] = used;
    this.slots.docOf[used] = doc;
    if (used >= this.dirty) this.dirty = used + 1;
    return used + 1;
  }

  /** Adds to each document the groups matched the points of the best hint it holds, hint i weighing weights[i] (features.ts hintWeights). */
  private addHints(hints: readonly PlannedAlternative[], weights: readonly number[]): void {
    const { slotOf, units, slots } = this;
    const lengths = this.index.fieldLengthCodes;
    const groupEpoch = ++this.groupEpoch;
    const hinted: number[] = [];
    hints.forEach((hint, i) => {
      const weight = weights[i]!;
      // A hint that counts for nothing (a problem its titles name whole) is not read.
      if (weight <= 0) return;
      const { count, docs, tfs } = this.postings.decode(this.index.postings(hint.entry));
      for (let p = 0; p < count; p++) {
        const doc = docs[p]!;
        if (!hasDoc(this.met, doc)) continue;
        const slot = slotOf[doc]!;
        const points = weight * saturate(pseudoFrequency(tfs, p * FIELD_COUNT, lengths, doc * FIELD_COUNT, units));
        if (slots.groupStamp[slot] !== groupEpoch) {
          slots.groupStamp[slot] = groupEpoch;
          hinted.push(slot);
          slots.best[slot] = points;
        } else if (points > slots.best[slot]!) {
          slots.best[slot] = points;
        }
      }
    });
    for (const slot of hinted) slots.scores[slot]! += slots.best[slot]!;
  }
}

/** The documents whose byte in `allowed` is 1, as doc-bits. */
function allowedBits(allowed: Uint8Array): Uint32Array {
  const bits = docBits(allowed.length);
  for (let doc = 0; doc < allowed.length; doc++) if (allowed[doc]) addDoc(bits, doc);
  return bits;
}

/** The scratch of the documents a query has met, one slot each. */
class Slots {
  readonly docOf: Int32Array;
  readonly scores: Float64Array;
  /** The idf mass of the query words the document holds anywhere. */
  readonly matchedMass: Float64Array;
  /** Per covered field (COVERED_FIELDS): the idf mass of the query words found there. */
  readonly fieldMass: Float64Array;
  /** The best alternative's points in the current group, the fields it matched in (a bit mask), and its weight times its idf. */
  readonly best: Float64Array;
  readonly bestFields: Uint8Array;
  readonly bestMass: Float64Array;
  /** Per query word (up to PHRASE_WORDS): where its alternatives stand in the title. */
  readonly titleMasks: Int32Array;
  /** Title positions holding any query word. */
  readonly titleHeld: Int32Array;
  /** How many groups matched. */
  readonly matched: Uint8Array;
  /** The group that last met the slot. */
  readonly groupStamp: Uint32Array;
  /** The slots the current group has met, in the order met (its first count entries). */
  readonly groupMembers: Int32Array;

  constructor(readonly capacity: number) {
    this.docOf = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
    this.matchedMass = new Float64Array(capacity);
    this.fieldMass = new Float64Array(capacity * COVERED_FIELDS.length);
    this.best = new Float64Array(capacity);
    this.bestFields = new Uint8Array(capacity);
    this.bestMass = new Float64Array(capacity);
    this.titleMasks = new Int32Array(capacity * PHRASE_WORDS);
    this.titleHeld = new Int32Array(capacity);
    this.matched = new Uint8Array(capacity);
    this.groupStamp = new Uint32Array(capacity);
    this.groupMembers = new Int32Array(capacity);
  }

  /** Zeroes the first `count` slots' sums, counts and masks (a slot's best, bestFields and bestMass are set per group). */
  clearBelow(count: number): void {
    this.scores.fill(0, 0, count);
    this.matchedMass.fill(0, 0, count);
    this.matched.fill(0, 0, count);
    this.groupStamp.fill(0, 0, count);
    this.fieldMass.fill(0, 0, count * COVERED_FIELDS.length);
    this.titleMasks.fill(0, 0, count * PHRASE_WORDS);
    this.titleHeld.fill(0, 0, count);
  }
}
