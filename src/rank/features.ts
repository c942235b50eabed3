/**
 * The parts of a document's score beyond each word's BM25F points, each worked out from what the
 * document holds: what the query's words weigh, the coverage bonuses of fields holding most of the
 * query, how the lead counts for the query (a symptom told in running words, a pasted dialog), the
 * title's phrase, the title and query-words held bonuses, and the coordination factor. The scorer
 * (scorer.ts) works them out for every candidate, the explanation (explain.ts) for one document:
 * one definition, so that a hit's score is what its explanation adds up to.
 */
import type { PlannedGroup, QueryPlan } from "../query/expand.js";
import type { IndexReader } from "../store/index-reader.js";
import { FIELD, LENGTH_OF_CODE } from "../store/format.js";
import type { DecodedPostings } from "../store/postings.js";
import { idf } from "./bm25f.js";
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
 * In a pasted dialog (see readAsDialog) a title saying this many of its neighbouring word pairs as
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
 * How-to questions, which name a task as titles do, go without: with it, they lost. A long query
 * asking no how-to question (a pasted dialog, or a problem told at length: see readAsDialog) stands
 * whole in the SYMPTOMS of the article whose subject it is, while a title holds a part of it and an
 * article merely quoting it holds it in running text: there the multiplier's gain is the number of
 * typed words, not LEAD_EMPHASIS, since the longer the paste, the more its standing in the lead says
 * (real-dev errmsg MRR .854 -> .892, nDCG .697 -> .704; no dev or real-dev class lower).
 */
// LEAD_EMPHASIS: WEIGHTS.leadEmphasis (weights.ts), where the ranking's weights are kept together.
/** Title positions past this are not compared (titles are rarely longer). */
const TITLE_POSITIONS = 32;
/** Query words past this take no part in the phrase bonus (bounds the scratch space). */
export const PHRASE_WORDS = 16;

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
  return readAsDialog(plan) && !plainWordList(plan.groups);
}

/** The lead coverage multiplier for `plan` when the candidates' titles or query words hold at most `namedShare` of its idf mass (see LEAD_EMPHASIS). */
export function leadEmphasis(plan: QueryPlan, namedShare: number): number {
  if (plan.intent === "howTo") return 1;
  return 1 + (dialogLead(plan) ? typedWords(plan.groups) : WEIGHTS.leadEmphasis) * (1 - namedShare) ** 2;
}

/** Whether the query's words stand at neighbouring positions: typed as a list of words, without the stopwords of a sentence. */
function typedWithoutStopwords(groups: readonly PlannedGroup[]): boolean {
  return groups.length > 0 && groups[groups.length - 1]!.word.pos - groups[0]!.word.pos === groups.length - 1;
}

/** A query typed as a list of plain words (no identifiers, abbreviations or names), without stopwords: how a symptom is told in keywords. */
function plainWordList(groups: readonly PlannedGroup[]): boolean {
  return typedWithoutStopwords(groups) && groups.every((g) => g.word.plain);
}

/**
 * The share of its points an intent hint (query/expand.ts) adds for `plan` when the candidates'
 * titles or query words hold at most `namedShare` of its idf mass. A how-to question's, whole. A
 * problem told in the user's own words wants the article whose symptom it is when the archive has
 * one naming it, and the troubleshooting guide of its area when none does ("my printer wont print
 * anything from word 97"): there the share is (1 - namedShare)^2, as the lead's emphasis is.
 * Set at full share on real-dev's first 40 queries, the hint lost on people's queries written
 * since. Gated so, real-dev's later 96 MRR@10 .694 -> .703 and the forum posts .692 -> .701
 * (headlines .646 -> .662), real-extra .863, dev and the fresh symptoms unchanged; the first 40
 * .852 -> .789. At the 1st power .697 / .694, at the 4th .701 / .701; with no hint at all
 * .702 / .709 (first 40 .769), but then no guide answers a problem nothing names.
 */
function hintShare(plan: QueryPlan, namedShare: number): number {
  return plan.intent === "problem" ? Math.max(0, 1 - namedShare) ** 2 : 1;
}

/** What each of `plan`'s hints weighs (its weight times its idf, times hintShare) when candidates' titles or query words name `namedShare` of the query: the scorer's and the explanation's. */
export function hintWeights(index: IndexReader, plan: QueryPlan, namedShare: number): number[] {
  const share = hintShare(plan, namedShare);
  return plan.hints.map((h) => share * h.weight * idf(index.docCount, h.entry.docFreq));
}

/** The neighbouring word pairs a title must say for `plan`'s whole phrase bonus (see DIALOG_PHRASE_PAIRS). */
export function fullPhrasePairs(plan: QueryPlan): number {
  return readAsDialog(plan) ? DIALOG_PHRASE_PAIRS : Infinity;
}

/**
 * Whether the lead reads `plan` as a pasted dialog's: a long query asking no how-to question, an
 * error dialog pasted whole with the user's own context, or a problem told at length. Either stands whole in the SYMPTOMS of the article whose subject it
 * is. One in the user's voice ("i", "my", "wont") was once left out, as a sentence rather than a
 * dialog; but people paste a message and add "happens every time i ...". Read so, every set of
 * people's queries written after the rule was set rose or held (MRR@10): real-extra .863 -> .871,
 * the forum posts .701 -> .708, real-blind's first 90 .809 -> .815 and its 180 never read .856 ->
 * .862; real-dev's later 96 .706 either way; 14 queries higher and 8 lower in all. Dev and the
 * fresh symptoms unchanged.
 */
function readAsDialog(plan: QueryPlan): boolean {
  return plan.intent !== "howTo" && typedWords(plan.groups) >= LONG_QUERY_WORDS;
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
