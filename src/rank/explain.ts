/**
 * How one document's score was made: for each query word the alternative that counted, split over
 * the fields it matched in, and the coverage and title phrase bonuses. Recomputes what the scorer summed, for the hits
 * shown only, so ranking can be reasoned about (`kbsearch --explain`).
 */
import type { PlannedGroup } from "../query/expand.js";
import type { ScorePart } from "../query/types.js";
import { FIELD, FIELD_COUNT, FIELDS } from "../store/format.js";
import { decodePostings } from "../store/postings.js";
import type { IndexReader, TermEntry } from "../store/reader.js";
import { fieldFrequency, inverseAverages, saturate } from "./bm25f.js";
import { coverageBonus, groupWeights, PHRASE_BONUS, positionMask, titlePhraseShare } from "./scorer.js";

export function explainScore(index: IndexReader, groups: readonly PlannedGroup[], doc: number): ScorePart[] {
  const invAvg = inverseAverages(index.header.avgFieldLength);
  const at = doc * FIELD_COUNT;
  const parts: ScorePart[] = [];
  let queryMass = 0;
  const fieldMass = new Array<number>(FIELD_COUNT).fill(0);
  const titleMasks = groups.map(() => 0);
  groups.forEach((group, g) => {
    const weights = groupWeights(index, group);
    queryMass += Math.max(...weights);
    let best: { points: number; fields: number[]; tfs: number[]; i: number } | undefined;
    group.alternatives.forEach((alt, i) => {
      const posting = postingOf(index, alt.entry, doc);
      if (!posting) return;
      const { tfs, titleMask } = posting;
      titleMasks[g]! |= titleMask;
      const fields = tfs.map((tf, f) => (tf ? fieldFrequency(f, tf, index.fieldLengths[at + f]!, invAvg) : 0));
      const pseudo = fields.reduce((a, b) => a + b, 0);
      const points = weights[i]! * saturate(pseudo);
      if (!best || points > best.points) best = { points, fields: fields.map((x) => (x / pseudo) * points), tfs, i };
    });
    if (!best) return;
    const { fields, tfs, i } = best;
    const alt = group.alternatives[i]!;
    tfs.forEach((tf, f) => {
      if (tf) fieldMass[f]! += Math.max(...weights);
    });
    fields.forEach((points, f) => {
      if (points > 0) parts.push({ field: FIELDS[f]!, term: alt.entry.term, kind: alt.kind, tf: tfs[f]!, points });
    });
  });
  fieldMass.forEach((mass, f) => {
    const bonus = coverageBonus(f, mass, queryMass);
    if (bonus > 0) parts.push({ field: `${FIELDS[f]} coverage`, term: "", kind: "bonus", tf: 0, points: bonus });
  });
  const phrase = PHRASE_BONUS * titlePhraseShare(groups, titleMasks, 0);
  if (phrase > 0) parts.push({ field: "title phrase", term: "", kind: "bonus", tf: 0, points: phrase });
  return parts.sort((a, b) => b.points - a.points);
}

/** The document's per-field frequencies of a term and where it stands in the title, or undefined when it lacks the term. */
function postingOf(index: IndexReader, entry: TermEntry, doc: number): { tfs: number[]; titleMask: number } | undefined {
  let found: { tfs: number[]; titleMask: number } | undefined;
  decodePostings(index.postings(entry), (d, tfs, titlePositions) => {
    if (d === doc) found = { tfs: Array.from(tfs), titleMask: positionMask(titlePositions, tfs[FIELD.title]!) };
  });
  return found;
}
