/**
 * Scores the documents matching a query plan, word group at a time over their postings, and keeps
 * the best. A group's best alternative counts (a correction never adds to the word it corrects).
 * A document's score is its BM25F sum, plus coverage bonuses for fields holding most of the query
 * and a phrase bonus for a title saying it in order, times a coordination factor for the share of
 * the query it holds. Per-document scratch lives in slots handed out as documents are first met,
 * so a query touches memory in proportion to the documents it matches, not to the archive.
 */
import type { PlannedAlternative, PlannedGroup, QueryPlan } from "../query/expand.js";
import type { IndexReader } from "../store/index-reader.js";
import { FIELD, FIELD_COUNT, LENGTH_OF_CODE } from "../store/format.js";
import { addDoc, docBits, hasDoc } from "../store/doc-bits.js";
import { BODY_ONLY_MASK, DecodedPostings } from "../store/postings.js";
import { idf, inverseAverages, occurrenceUnits, pseudoFrequency, saturate, singleBodyPoints } from "./bm25f.js";
import { TopK } from "./topk.js";
import { WEIGHTS } from "./weights.js";

/**
 * Coverage bonus per field (FIELDS order): points for a field holding the query's words, times the
 * square of the share of the query's idf mass found there. A title that says what the query says is
 * the best evidence the archive offers (users paste error messages and name problems the way titles
 * do); so are the query words support engineers attached, and a symptom told in the lead sections.
 */
// COVERAGE_BONUS: WEIGHTS.coverageBonus (weights.ts), where the ranking's weights are kept together.
export const COVERAGE_POWER = 2;
/**
 * The power of the lead's share for a query the lead is emphasized for (see LEAD_EMPHASIS): a
 * symptom is told in one article's SYMPTOMS whole, while its near neighbours hold most of its words
 * there and the rest elsewhere, so holding all of them there is what tells (the 4th power rather
 * than the square, with LEAD_EMPHASIS 12: dev symptom MRR .899 -> .915, real-dev errmsg .896 ->
 * .903, keywords .833 -> .900, no class lower; the cube: querywords .930 -> .928. The 5th rather
 * than the 4th, with LEAD_EMPHASIS 16: symptom .922 -> .927; the 6th: .924). A pasted dialog holds
 * words of the user's own, which no lead holds: for it the power stays at DIALOG_LEAD_POWER (at
 * the 5th, real-dev errmsg fell .903 -> .861).
 */
export const EMPHASIZED_LEAD_POWER = 5;
export const DIALOG_LEAD_POWER = 4;
/**
 * Points for a title that says the query's words as the query does: times the share of the
 * query's neighbouring word pairs that stand the same distance apart in the title (stopwords
 * count, so "could not open the file" matches that phrase, not "the file could not be opened").
 */
// PHRASE_BONUS: WEIGHTS.phraseBonus (weights.ts), where the ranking's weights are kept together.
/**
 * A symptom of this many typed words or more, told as a list of plain words (plainWordList), of
 * which no candidate's title or query words hold PHRASELESS_NAMED_SHARE of the idf mass (see
 * LEAD_EMPHASIS), earns no title phrase points: a title sharing a pair of its words shares a turn
 * of phrase, not the problem (dev symptom MRR .915 -> .920, no class lower; for shorter queries
 * too, where a pair is most of the query, typo fell .925 -> .924; for messages typed with their
 * stopwords too, real-dev errmsg nDCG fell .718 -> .709; with abbreviations too, "nt4 sp6 blue
 * screen" let an article on neither into its top five). At a share of .8 rather than 1, a title
 * query with a stray word ("windows nt x emergency repair process screens") keeps its phrase
 * points, dev unchanged; at .67, dev symptom .931 -> .930, at .5, .926.
 */
export const PHRASELESS_SYMPTOM_WORDS = 4;
export const PHRASELESS_NAMED_SHARE = 0.8;
/**
 * In a pasted dialog (see pastedDialog) a title saying this many of its neighbouring word pairs as
 * it does earns the whole phrase bonus: a title names the message, not the user's paths, products
 * and versions around it (real-dev errmsg MRR .892 -> .896, nDCG .704 -> .711, no class lower;
 * at 3 or 4, dev errmsg fell to .986-.990).
 */
export const DIALOG_PHRASE_PAIRS = 5;
/**
 * A query typed without stopwords (its words at neighbouring positions) has dropped the title's
 * little words ("installing run network" for "How to Install and Run Over a Network"): there a
 * pair the title says in order with up to LOOSE_PAIR_GAP more words between counts for
 * LOOSE_PAIR_CREDIT of a pair (dev paraphrase MRR .986 -> .989, typo .920 -> .925, no class lower;
 * at credit .5 querywords fell to .929, and for queries typed with their stopwords errmsg fell to
 * .990). Two-word queries too ("user moving" for "User has Moved"), once titles and query words
 * made of a query's words are favoured (NAMED_HELD_BONUS): paraphrase .989 -> .990, typo .937 ->
 * .941, querywords unchanged; held-out title queries .981 -> .985 (without that favour, two-word
 * queries cost querywords .932 -> .930).
 */
export const LOOSE_PAIR_CREDIT = 0.4;
export const LOOSE_PAIR_GAP = 2;
/**
 * Scores are multiplied by the share of the query's idf mass an article holds, to this power: an
 * article lacking a rare query word falls far, one lacking a chatty word ("how", "my") hardly.
 */
// COORDINATION_POWER: WEIGHTS.coordinationPower (weights.ts), where the ranking's weights are kept together.
/** Queries up to this many words get the full power. */
export const COORDINATION_WORDS = 4;
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
/**
 * Points for a how-to question whose words make up an article's title, times the share of the
 * title's words it holds: such a title names the task asked about ("How to Remove DoubleSpace and
 * Preserve Your Files" for "how do i get rid of doublespace"). For queries typed with their
 * stopwords it favoured the shorter of two titles saying the same error, so they go without.
 * At 32 points rather than 8 (both fits of bench/fit-weights.ts, on folds 0,1 and on 2,3, raised
 * it): real-dev how-to MRR .488 -> .567 on folds 0,1 and .456 -> .522 on held-out folds 2,3, no
 * other class of either set changed; at 48, folds 0,1 fell back to .562.
 */
// TITLE_HELD_BONUS: WEIGHTS.titleHeldBonus (weights.ts), where the ranking's weights are kept together.
/** Title words the question must hold for the bonus: one shared word says little. */
const TITLE_HELD_MIN = 2;
/**
 * A query typed as a list of words, without stopwords, is what a user recalls of a title ("user
 * moving" for "User has Moved") or the words support engineers attached ("dr imc"), and names the
 * article whose title or query words it makes up: a field holding every query word earns
 * NAMED_HELD_BONUS times the share of the field's words the query's make up. The query words'
 * share is raised to QUERY_WORDS_HELD_POWER: their lists run long, and one holding a symptom's
 * words whole is a neighbour as often as the answer (dev querywords MRR .932 -> .950, typo .925 ->
 * .937, no class lower; on queries made from articles outside the dev set, titles
 * .976 -> .981, query words .640 -> .668, symptoms unchanged. The title alone: querywords fell to
 * .928; the query words' share unsquared: symptom fell .931 -> .930; the title's squared too:
 * typo .941 -> .938; at 8 points rather than 10, querywords .944, typo .939; at 12, held-out
 * titles fell .985 -> .984).
 */
// NAMED_HELD_BONUS: WEIGHTS.namedHeldBonus (weights.ts), where the ranking's weights are kept together.
export const QUERY_WORDS_HELD_POWER = 2;
/**
 * A query-words line holding every word of a list of words typed without stopwords is the support
 * engineers' own tag for that search, as a title saying the query is the article's own name for it:
 * it earns the title phrase points (none for a symptom told as a list, see PHRASELESS_SYMPTOM_WORDS),
 * times the share of the line's words the query's make up to this power, since a long line of tags
 * holding them says less than a short one ("heap corruption" in Q149387's "heap corruption crash":
 * rank 16 -> 9 on the full archive. Dev querywords MRR .950 -> .963, on the held-out folds 2-3
 * .959 -> .970, no dev or real-dev class lower. At the 1st power rather than the square root,
 * querywords .966 but Q149387 12th; as full points at every share, querywords .957, typo .941).
 */
export const QUERY_WORDS_PHRASE_POWER = 0.5;
/**
 * A query making up less than this share of a query-words line is one tag among many there, not
 * the search the line was written for (dev symptom "creative fine artist play" lost its article to
 * one holding its four words among some fifty; symptom MRR .9299 -> .9306).
 */
export const QUERY_WORDS_PHRASE_MIN_SHARE = 1 / 3;
/** Queries of this many typed words (chatter counting as much as it weighs) are long... */
export const LONG_QUERY_WORDS = 6;
/** ...and their words count at most as much as one held by this share of the archive. */
export const RARE_SHARE = 0.004;
/**
 * A short query that no candidate's title or query words hold most of is not the name the archive
 * gives a problem but a symptom told in an article's running words, and the sections telling
 * symptoms and causes are the evidence: the lead coverage bonus is multiplied by
 * 1 + LEAD_EMPHASIS * (1 - s)^2, s the largest share of the query's idf mass any candidate's title
 * or query words hold (dev set: symptom MRR .884 -> .896, no class lower; the same at 4; with
 * EMPHASIZED_LEAD_POWER 4, .912 at 8, .915 at 12, .916 at 16 but querywords .930 -> .928 and the
 * golden "vc6 heap" lost its order; at 5, .927 at 16 and 20, .926 at 24, querywords .929).
 * How-to questions, which name a task as titles do, and long problems told in the user's own words
 * go without: with it, they lost. A long query in no user's voice is a pasted dialog, which stands
 * whole in the SYMPTOMS of the article whose subject it is, while a title holds a part of it and an
 * article merely quoting it holds it in running text: there the multiplier's gain is the number of
 * typed words, not LEAD_EMPHASIS, since the longer the paste, the more its standing in the lead says
 * (real-dev errmsg MRR .854 -> .892, nDCG .697 -> .704; no dev or real-dev class lower).
 */
// LEAD_EMPHASIS: WEIGHTS.leadEmphasis (weights.ts), where the ranking's weights are kept together.
/** Title positions past this are not compared (titles are rarely longer). */
const TITLE_POSITIONS = 32;
/** Query words past this take no part in the phrase bonus (bounds the scratch space). */
const PHRASE_WORDS = 16;
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

/**
 * Per group, its alternatives' weights times their idf: what a match on each is worth at most. In
 * a long query (a pasted dialog, a problem told in a sentence) the rarest words are mostly the
 * user's own: their paths, server names, values, odd words. Past a point rarity tells more about
 * the user than about the article, so there a word counts at most as one held by RARE_SHARE of
 * the archive, and the message's or sentence's other words decide.
 */
export function queryWeights(index: IndexReader, groups: readonly PlannedGroup[]): number[][] {
  const cap = typedWords(groups) >= LONG_QUERY_WORDS ? idf(index.docCount, index.docCount * RARE_SHARE) : Infinity;
  return groups.map((group) => group.alternatives.map((a) => a.weight * Math.min(cap, idf(index.docCount, a.entry.docFreq))));
}

/**
 * What a query word whose group weighs `groupMass` adds to field f's coverage when the alternative
 * matched there weighs `altMass` (its weight times its idf). A title holding a spelling's
 * correction or a word's alias is the title the user meant, so it holds the word whole; the lead,
 * telling a symptom in running words, holds only as much as the alternative weighs, so that an
 * alias there ("delete" for "get rid of") does not pass for the word (dev typo MRR .916 -> .920,
 * no class lower; counting alternatives by weight in the title too, typo fell to .903).
 */
export function coveredMass(f: number, groupMass: number, altMass: number): number {
  return f === FIELD.lead ? altMass : groupMass;
}

/**
 * The coverage bonus of field f for a document holding `fieldMass` of the query's `queryMass`
 * there; the lead's times the query's `leadEmphasis`, its share to `leadPower` (see readLead).
 */
export function coverageBonus(f: number, fieldMass: number, queryMass: number, leadEmphasis: number, leadPower = COVERAGE_POWER): number {
  if (queryMass <= 0) return 0;
  const lead = f === FIELD.lead;
  return WEIGHTS.coverageBonus[f]! * (fieldMass / queryMass) ** (lead ? leadPower : COVERAGE_POWER) * (lead ? leadEmphasis : 1);
}

/** How a query's lead and title phrase count, the same for every article it meets. */
export interface LeadReading {
  /** The lead coverage multiplier (leadEmphasis). */
  emphasis: number;
  /** The power of the lead's share in its coverage bonus (see EMPHASIZED_LEAD_POWER). */
  power: number;
  /** The title phrase points at full share (see PHRASELESS_SYMPTOM_WORDS). */
  phrasePoints: number;
}

/** The lead reading of `plan` when the candidates' titles or query words hold at most `namedShare` of its idf mass. */
export function readLead(plan: QueryPlan, namedShare: number): LeadReading {
  const emphasis = leadEmphasis(plan, namedShare);
  const power = emphasis <= 1 ? COVERAGE_POWER : dialogLead(plan) ? DIALOG_LEAD_POWER : EMPHASIZED_LEAD_POWER;
  const toldSymptom = emphasis > 1 && namedShare < PHRASELESS_NAMED_SHARE && plainWordList(plan.groups) && typedWords(plan.groups) >= PHRASELESS_SYMPTOM_WORDS;
  return { emphasis, power, phrasePoints: toldSymptom ? 0 : WEIGHTS.phraseBonus };
}

/**
 * Whether `plan`'s lead is emphasized as a pasted dialog's rather than a told symptom's: a long list
 * of plain words is a symptom told at length, not a dialog (dev symptom MRR .927 -> .929, no class lower).
 */
function dialogLead(plan: QueryPlan): boolean {
  return pastedDialog(plan) && !plainWordList(plan.groups);
}

/** The lead coverage multiplier for `plan` when the candidates' titles or query words hold at most `namedShare` of its idf mass (see LEAD_EMPHASIS). */
export function leadEmphasis(plan: QueryPlan, namedShare: number): number {
  const words = typedWords(plan.groups);
  const long = words >= LONG_QUERY_WORDS;
  if (plan.intent === "howTo" || (long && !pastedDialog(plan))) return 1;
  return 1 + (dialogLead(plan) ? words : WEIGHTS.leadEmphasis) * (1 - namedShare) ** 2;
}

/** Whether the query's words stand at neighbouring positions: typed as a list of words, without the stopwords of a sentence. */
function typedWithoutStopwords(groups: readonly PlannedGroup[]): boolean {
  return groups.length > 0 && groups[groups.length - 1]!.word.pos - groups[0]!.word.pos === groups.length - 1;
}

/** A query typed as a list of plain words (no identifiers, abbreviations or names), without stopwords: how a symptom is told in keywords. */
function plainWordList(groups: readonly PlannedGroup[]): boolean {
  return typedWithoutStopwords(groups) && groups.every((g) => g.word.plain);
}

/** The neighbouring word pairs a title must say for `plan`'s whole phrase bonus (see DIALOG_PHRASE_PAIRS). */
export function fullPhrasePairs(plan: QueryPlan): number {
  return pastedDialog(plan) ? DIALOG_PHRASE_PAIRS : Infinity;
}

/** A long query in no user's voice: an error dialog pasted whole, with the user's own context. */
export function pastedDialog(plan: QueryPlan): boolean {
  return plan.intent === "other" && typedWords(plan.groups) >= LONG_QUERY_WORDS;
}

/**
 * The power the share of the query's idf mass an article holds is raised to (see coordination):
 * long queries (pasted dialogs, sentences) hold words of the user's own (paths, names, their own
 * way of saying it) that no article has, so the power falls as the number of typed `words` grows.
 */
export function coordinationPower(words: number): number {
  return WEIGHTS.coordinationPower * Math.min(1, (COORDINATION_WORDS / words) ** 2);
}

/** The factor for holding `matchedMass` of the query's idf mass: missing a rare word costs much, a common one little. */
export function coordination(matchedMass: number, queryMass: number, power: number): number {
  return queryMass > 0 ? (matchedMass / queryMass) ** power : 1;
}

/**
 * The share of the query's neighbouring word pairs that stand as far apart in the title (masks of
 * title positions per group), counting `fullPairs` such pairs as all of them; in a query typed
 * without stopwords, a pair standing a little further apart counts in part (see LOOSE_PAIR_CREDIT).
 */
export function titlePhraseShare(groups: readonly PlannedGroup[], titleMasks: ArrayLike<number>, at: number, fullPairs = Infinity): number {
  const pairs = Math.min(groups.length, PHRASE_WORDS) - 1;
  if (pairs < 1) return 0;
  const loose = typedWithoutStopwords(groups);
  let adjacent = 0;
  for (let g = 0; g < pairs; g++) {
    const gap = groups[g + 1]!.word.pos - groups[g]!.word.pos;
    if (gap <= 0) continue;
    const first = titleMasks[at + g]!;
    const second = titleMasks[at + g + 1]!;
    if (((first << gap) & second) !== 0) {
      adjacent++;
    } else if (loose) {
      let further = 0;
      for (let extra = 1; extra <= LOOSE_PAIR_GAP; extra++) further |= first << (gap + extra);
      if ((further & second) !== 0) adjacent += LOOSE_PAIR_CREDIT;
    }
  }
  return Math.min(1, adjacent / Math.min(pairs, fullPairs));
}

/**
 * The title-held points of a document for `plan`, by the share of the title's words
 * (`titleLengthCode`, stored) standing at the positions `held` (a mask) holds: for a how-to
 * question, and for a list of words whose every one the title holds (`titleMass` of the query's
 * `queryMass`, see NAMED_HELD_BONUS).
 */
export function titleHeldBonus(plan: QueryPlan, held: number, titleLengthCode: number, titleMass: number, queryMass: number): number {
  if (plan.intent !== "howTo" && !namesWhole(plan.groups, titleMass, queryMass)) return 0;
  const covered = bitCount(held);
  const titleLength = LENGTH_OF_CODE[titleLengthCode]!;
  if (covered < TITLE_HELD_MIN || titleLength === 0) return 0;
  const share = Math.min(1, covered / titleLength);
  return plan.intent === "howTo" ? WEIGHTS.titleHeldBonus * share : WEIGHTS.namedHeldBonus * share;
}

/**
 * The query-words-held points of a document for `plan`, whose query words (of `lengthCode`, stored)
 * hold `fieldMass` of the query's `queryMass`: for a list of words they hold every one of, by the
 * share of their words the query's make up (see NAMED_HELD_BONUS).
 */
export function queryWordsHeldBonus(plan: QueryPlan, lengthCode: number, fieldMass: number, queryMass: number): number {
  const length = LENGTH_OF_CODE[lengthCode]!;
  if (length === 0 || !namesWhole(plan.groups, fieldMass, queryMass)) return 0;
  return WEIGHTS.namedHeldBonus * Math.min(1, plan.groups.length / length) ** QUERY_WORDS_HELD_POWER;
}

/**
 * The query-words phrase points of a document for `plan` when a title phrase is worth `phrasePoints`:
 * for a list of words its query words (of `lengthCode`, stored) hold every one of, by the share of
 * their words the query's make up (see QUERY_WORDS_PHRASE_POWER), times the share of the query's
 * idf mass its title lacks (`titleMass` held): support engineers add query words for the searches
 * an article's title does not name, and a title holding the query has its own phrase points.
 */
export function queryWordsPhraseBonus(plan: QueryPlan, lengthCode: number, fieldMass: number, queryMass: number, phrasePoints: number, titleMass: number): number {
  const length = LENGTH_OF_CODE[lengthCode]!;
  if (length === 0 || phrasePoints === 0 || !namesWhole(plan.groups, fieldMass, queryMass)) return 0;
  const share = Math.min(1, plan.groups.length / length);
  if (share < QUERY_WORDS_PHRASE_MIN_SHARE) return 0;
  const untitled = Math.max(0, 1 - titleMass / queryMass);
  return phrasePoints * share ** QUERY_WORDS_PHRASE_POWER * untitled;
}

/**
 * Whether a field holding `fieldMass` of the query's `queryMass` holds every word of a query of
 * TITLE_HELD_MIN words or more typed without stopwords (the masses are summed in different orders,
 * so equal within rounding).
 */
function namesWhole(groups: readonly PlannedGroup[], fieldMass: number, queryMass: number): boolean {
  return groups.length >= TITLE_HELD_MIN && fieldMass >= queryMass * (1 - 1e-9) && typedWithoutStopwords(groups);
}

function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** Posting i's title positions as a bit mask (those below TITLE_POSITIONS). */
export function titleMaskOf(postings: DecodedPostings, i: number): number {
  let mask = 0;
  for (let p = postings.titleStart[i]!; p < postings.titleStart[i + 1]!; p++) {
    const pos = postings.titlePositions[p]!;
    if (pos < TITLE_POSITIONS) mask |= 1 << pos;
  }
  return mask;
}

/** How many words the user typed for these groups, chatter counting as much as it weighs. */
export function typedWords(groups: readonly PlannedGroup[]): number {
  return groups.reduce((sum, group) => sum + group.word.share * group.word.weight, 0);
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
    this.addHints(hints);

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

  /** Adds to each document the groups matched the points of the best hint it holds. */
  private addHints(hints: readonly PlannedAlternative[]): void {
    const { slotOf, units, slots } = this;
    const lengths = this.index.fieldLengthCodes;
    const groupEpoch = ++this.groupEpoch;
    const hinted: number[] = [];
    for (const hint of hints) {
      const weight = hint.weight * idf(this.index.docCount, hint.entry.docFreq);
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
    }
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
