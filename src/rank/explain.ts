/**
 * How one document's score was made: for each query word the alternative that counted, split over
 * the fields it matched in; the coverage, title phrase, title held, query words held and hint
 * points; what the coordination factor took away; and a rescored hit's verbatim run (verbatim.ts).
 * Recomputes what the scorer summed, for the hits shown only, so ranking can be reasoned about
 * (`kbsearch --explain`). The parts add up to the score.
 */
import type { PlannedAlternative, QueryPlan } from "../query/expand.js";
import type { ScorePart } from "../query/types.js";
import { FIELD, FIELD_COUNT, FIELDS, LENGTH_OF_CODE } from "../store/format.js";
import { DecodedPostings } from "../store/postings.js";
import type { IndexReader, TermEntry } from "../store/index-reader.js";
import { inverseAverages, occurrenceUnit, saturate } from "./bm25f.js";
import { coordination, coordinationPower, coverageBonus, coveredMass, fullPhrasePairs, hintWeights, queryWordsHeldBonus, queryWordsPhraseBonus, readLead, typedWords, queryWeights, titleHeldBonus, titleMaskOf, titlePhraseShare } from "./features.js";
import type { RunScore } from "./verbatim.js";

interface Match {
  alt: PlannedAlternative;
  /** The alternative's weight times its idf (queryWeights). */
  mass: number;
  points: number;
  /** Points per field, summing to `points`. */
  fields: number[];
  tfs: number[];
}

/** `namedShare`: how much of the query the candidates' titles or query words named, as the scorer found it over all of them (readLead). */
export function explainScore(index: IndexReader, plan: QueryPlan, doc: number, namedShare: number, verbatim?: RunScore): ScorePart[] {
  const invAvg = inverseAverages(index.header.avgFieldLength);
  const parts: ScorePart[] = [];
  const termParts = (m: Match) =>
    m.fields.forEach((points, f) => {
      if (points > 0) parts.push({ field: FIELDS[f]!, term: m.alt.entry.term, kind: m.alt.kind, tf: m.tfs[f]!, points });
    });
  /** The best of `alts` in the document, as the scorer counts it. */
  const bestOf = (alts: readonly PlannedAlternative[], weights: number[], titleMask?: { mask: number }): Match | undefined => {
    let best: Match | undefined;
    alts.forEach((alt, i) => {
      const posting = postingOf(index, alt.entry, doc);
      if (!posting) return;
      if (titleMask) titleMask.mask |= posting.titleMask;
      const fields = posting.tfs.map((tf, f) => (tf ? tf * occurrenceUnit(f, LENGTH_OF_CODE[index.fieldLengthCodes[doc * FIELD_COUNT + f]!]!, invAvg) : 0));
      const pseudo = fields.reduce((a, b) => a + b, 0);
      const points = weights[i]! * saturate(pseudo);
      if (!best || points > best.points) best = { alt, mass: weights[i]!, points, fields: fields.map((x) => (x / pseudo) * points), tfs: posting.tfs };
    });
    return best;
  };

  let queryMass = 0;
  let matchedMass = 0;
  const fieldMass = new Array<number>(FIELD_COUNT).fill(0);
  const titleMasks: number[] = [];
  const weightsOf = queryWeights(index, plan.groups);
  plan.groups.forEach((group, g) => {
    const weights = weightsOf[g]!;
    const mass = Math.max(...weights);
    queryMass += mass;
    const titleMask = { mask: 0 };
    const best = bestOf(group.alternatives, weights, titleMask);
    titleMasks.push(titleMask.mask);
    if (!best) return;
    matchedMass += mass;
    best.tfs.forEach((tf, f) => {
      if (tf) fieldMass[f]! += coveredMass(f, mass, best.mass);
    });
    termParts(best);
  });
  const lead = readLead(plan, namedShare);
  fieldMass.forEach((mass, f) => {
    const bonus = coverageBonus(f, mass, queryMass, lead.emphasis, lead.power);
    if (bonus > 0) parts.push({ field: `${FIELDS[f]} coverage`, term: "", kind: "bonus", tf: 0, points: bonus });
  });
  const phrase = lead.phrasePoints * titlePhraseShare(plan.groups, titleMasks, 0, fullPhrasePairs(plan));
  if (phrase > 0) parts.push({ field: "title phrase", term: "", kind: "bonus", tf: 0, points: phrase });
  const lengthCode = (f: number) => index.fieldLengthCodes[doc * FIELD_COUNT + f]!;
  const held = titleHeldBonus(plan, titleMasks.reduce((a, b) => a | b, 0), lengthCode(FIELD.title), fieldMass[FIELD.title]!, queryMass);
  if (held > 0) parts.push({ field: "title held", term: "", kind: "bonus", tf: 0, points: held });
  const queryWordsHeld = queryWordsHeldBonus(plan, lengthCode(FIELD.queryWords), fieldMass[FIELD.queryWords]!, queryMass);
  if (queryWordsHeld > 0) parts.push({ field: "queryWords held", term: "", kind: "bonus", tf: 0, points: queryWordsHeld });
  const queryWordsPhrase = queryWordsPhraseBonus(plan, lengthCode(FIELD.queryWords), fieldMass[FIELD.queryWords]!, queryMass, lead.phrasePoints, fieldMass[FIELD.title]!);
  if (queryWordsPhrase > 0) parts.push({ field: "queryWords phrase", term: "", kind: "bonus", tf: 0, points: queryWordsPhrase });
  const weights = hintWeights(index, plan, namedShare);
  const hint = matchedMass > 0 && weights.some((w) => w > 0) ? bestOf(plan.hints, weights) : undefined;
  if (hint) termParts(hint);
  const factor = coordination(matchedMass, queryMass, coordinationPower(typedWords(plan.groups)));
  if (factor < 1) {
    const total = parts.reduce((sum, p) => sum + p.points, 0);
    parts.push({ field: `coordination x${factor.toFixed(2)}`, term: "", kind: "bonus", tf: 0, points: total * factor - total });
  }
  // Added to the score as it stood (rank-words.ts rescoreVerbatim), after the coordination.
  if (verbatim) parts.push({ field: `verbatim run of ${verbatim.words} words`, term: "", kind: "bonus", tf: 0, points: verbatim.points });
  return parts.sort((a, b) => b.points - a.points);
}

/** The document's per-field frequencies of a term and where it stands in the title, or undefined when it lacks the term. */
function postingOf(index: IndexReader, entry: TermEntry, doc: number): { tfs: number[]; titleMask: number } | undefined {
  const postings = new DecodedPostings().decode(index.postings(entry));
  const p = postings.docs.subarray(0, postings.count).indexOf(doc);
  if (p < 0) return undefined;
  return { tfs: Array.from(postings.tfs.subarray(p * FIELD_COUNT, (p + 1) * FIELD_COUNT)), titleMask: titleMaskOf(postings, p) };
}
