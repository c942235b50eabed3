/**
 * Which articles say a phrase, answered from the index: the phrase's terms' postings narrow the
 * articles to those holding every term, and their positions (the positions section) tell those
 * where the terms stand at the phrase's distances, in one field (title, query words, keywords and
 * products, or the text's sections), stopwords keeping their places as in the phrase. Exact for
 * every article, with no stored text read, so a phrase's total is exact too.
 */
import { DecodedPostings, positionsIn } from "../store/postings.js";
import type { IndexReader } from "../store/index-reader.js";
import type { PhraseTerms } from "./verify.js";

/** One byte per document, 1 for those (of `within`, when given) that say `phrase` (two terms or more). */
export function phraseDocs(reader: IndexReader, phrase: PhraseTerms, within?: Uint8Array): Uint8Array {
  const says = new Uint8Array(reader.docCount);
  const terms = [...new Set(phrase.map((p) => p.term))];
  const entries = terms.map((term) => reader.lookup(term));
  if (entries.some((e) => e === undefined)) return says;
  // The documents (of `within`) holding every term: each term's postings count once per document.
  const held = new Uint8Array(reader.docCount);
  const decoded = entries.map((entry) => {
    const postings = new DecodedPostings().decode(reader.postings(entry!));
    for (let n = 0; n < postings.count; n++) held[postings.docs[n]!]!++;
    return postings;
  });
  const candidates = new Uint8Array(reader.docCount);
  for (let doc = 0; doc < held.length; doc++) if (held[doc] === terms.length && (!within || within[doc])) candidates[doc] = 1;
  const positions = new Map<string, Map<number, number[]>>();
  terms.forEach((term, i) => positions.set(term, positionsIn(decoded[i]!, reader.positions(entries[i]!), candidates)));
  const first = positions.get(phrase[0]!.term)!;
  for (const [doc, starts] of first) {
    const at = phrase.map((p) => ({ offset: p.offset, positions: positions.get(p.term)!.get(doc)! }));
    if (starts.some((start) => at.every(({ offset, positions }) => holdsPosition(positions, start + offset)))) says[doc] = 1;
  }
  return says;
}

/** Whether the ascending `positions` hold `wanted`. */
function holdsPosition(positions: number[], wanted: number): boolean {
  let lo = 0;
  let hi = positions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] === wanted) return true;
    if (positions[mid]! < wanted) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
