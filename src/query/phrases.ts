/**
 * Which articles say a phrase, answered from the index: the phrase's terms' postings narrow the
 * articles to those holding every term, and their positions (the positions section) tell those
 * where the terms stand at the phrase's distances, in one field (title, query words, keywords and
 * products, or the text's sections), stopwords keeping their places as in the phrase. Exact for
 * every article, with no stored text read, so a phrase's total is exact too.
 *
 * The work is kept to the articles that can still say it, as search engines answer phrases: the
 * postings are intersected from the rarest term's, the others' lists advanced by galloping; only an
 * article holding every term in a field they share has its positions read, and only in those
 * fields; each term's positions list is read once, front to back, entries of articles not needed
 * stepped over; and an article is done at the phrase's first occurrence in it.
 */
import { DecodedPostings, PositionCursor } from "../store/postings.js";
import { FIELD_COUNT } from "../store/format.js";
import type { IndexReader } from "../store/index-reader.js";
import type { PhraseTerms } from "./verify.js";

/** Decoded postings reused from phrase to phrase, one per distinct term of a phrase. */
const decodedPool: DecodedPostings[] = [];
/** Per distinct term, its positions in the article being checked. */
const positionsPool: Int32Array[] = [];

/** One byte per document, 1 for those (of `within`, when given) that say `phrase` (two terms or more). */
export function phraseDocs(reader: IndexReader, phrase: PhraseTerms, within?: Uint8Array): Uint8Array {
  const says = new Uint8Array(reader.docCount);
  const distinct = [...new Set(phrase.map((p) => p.term))];
  const entries = distinct.map((term) => reader.lookup(term));
  if (entries.some((e) => e === undefined)) return says;
  // Rarest first: its postings are the candidates, and the others are only looked into.
  const order = distinct.map((_, i) => i).sort((a, b) => entries[a]!.docFreq - entries[b]!.docFreq);
  const terms = order.map((i, n) => {
    const entry = entries[i]!;
    const postings = (decodedPool[n] ??= new DecodedPostings()).decode(reader.postings(entry));
    return new TermCursor(postings, new PositionCursor(postings, reader.positions(entry)), n);
  });
  // Each word of the phrase as the term (by its place in `terms`) that stands at its offset.
  const words = phrase.map((p) => ({ term: order.findIndex((i) => distinct[i] === p.term), offset: p.offset }));
  const [rarest, ...others] = terms as [TermCursor, ...TermCursor[]];
  const candidates = rarest.postings;
  for (let i = 0; i < candidates.count; i++) {
    const doc = candidates.docs[i]!;
    if (within && !within[doc]) continue;
    rarest.at = i;
    let fields = candidates.fields[i]!;
    for (let t = 0; t < others.length && fields !== 0; t++) fields = others[t]!.seek(doc) ? fields & others[t]!.fields() : 0;
    if (fields !== 0 && saysPhrase(terms, words, fields)) says[doc] = 1;
  }
  return says;
}

/** A term's place in its postings while the candidates are walked, in document order. */
class TermCursor {
  /** The posting at or after the last document sought. */
  at = 0;

  constructor(
    readonly postings: DecodedPostings,
    readonly positions: PositionCursor,
    /** Which scratch positions array is this term's. */
    readonly slot: number,
  ) {}

  /** Moves to the first posting of a document `doc` or after; true when it is `doc`'s. */
  seek(doc: number): boolean {
    const { docs, count } = this.postings;
    let lo = this.at;
    if (lo >= count) return false;
    if (docs[lo]! < doc) {
      // Galloping: double the step until past `doc`, then halve back into it.
      let step = 1;
      let hi = lo + 1;
      while (hi < count && docs[hi]! < doc) {
        lo = hi;
        step *= 2;
        hi = lo + step;
      }
      if (hi > count) hi = count;
      // docs[lo] < doc; docs[hi] >= doc or hi === count.
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (docs[mid]! < doc) lo = mid;
        else hi = mid;
      }
      lo = hi;
    }
    this.at = lo;
    return lo < count && docs[lo] === doc;
  }

  /** The fields the current posting's term is in. */
  fields(): number {
    return this.postings.fields[this.at]!;
  }

  /** The current posting's positions in `fields`, in a scratch array, and how many. */
  read(fields: number): { list: Int32Array; length: number } {
    const at = this.at * FIELD_COUNT;
    const tfs = this.postings.tfs;
    const room = tfs[at]! + tfs[at + 1]! + tfs[at + 2]! + tfs[at + 3]! + tfs[at + 4]!;
    let list = positionsPool[this.slot];
    if (!list || list.length < room) list = positionsPool[this.slot] = new Int32Array(Math.max(room, 64, (list?.length ?? 0) * 2));
    return { list, length: this.positions.read(this.at, fields, list) };
  }
}

/**
 * Whether the current document of every term (all at the same one) holds the phrase in one of
 * `fields`: each occurrence of the word with the fewest positions there anchors a start, and each
 * other word must stand at the start plus its offset. Starts rise, so each word's place in its
 * positions only moves forward.
 */
function saysPhrase(terms: TermCursor[], words: { term: number; offset: number }[], fields: number): boolean {
  const read = terms.map((t) => t.read(fields));
  let anchor = 0;
  for (let w = 1; w < words.length; w++) if (read[words[w]!.term]!.length < read[words[anchor]!.term]!.length) anchor = w;
  const { list: anchors, length: anchorCount } = read[words[anchor]!.term]!;
  const from = words.map(() => 0);
  for (let a = 0; a < anchorCount; a++) {
    const start = anchors[a]! - words[anchor]!.offset;
    let all = true;
    for (let w = 0; w < words.length && all; w++) {
      const { list, length } = read[words[w]!.term]!;
      const wanted = start + words[w]!.offset;
      let i = from[w]!;
      while (i < length && list[i]! < wanted) i++;
      from[w] = i;
      all = i < length && list[i] === wanted;
    }
    if (all) return true;
  }
  return false;
}
