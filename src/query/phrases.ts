/**
 * Which articles say a phrase, answered from the index: the phrase's terms' postings narrow the
 * articles to those holding every term, and their positions (the positions section) tell those
 * where the terms stand at the phrase's distances, in one field (title, query words, keywords and
 * products, or the text's sections), stopwords keeping their places as in the phrase. Exact for
 * every article, with no stored text read, so a phrase's total is exact too.
 *
 * The work is kept to the articles that can still say it, as search engines answer phrases: the
 * terms' postings are intersected from the rarest, each term seeking to the next article the others
 * can share, through its lists' skip tables a block at a time (PostingSeeker), so a common word's
 * blocks between are never read; only an article holding every term in a field they share has its
 * positions read, and only in those fields; and an article is done at the phrase's first occurrence.
 */
import { END, PostingSeeker } from "../store/postings.js";
import type { IndexReader } from "../store/index-reader.js";
import type { PhraseTerms } from "./verify.js";

/** Per distinct term of a phrase, its positions in the article being checked (reused from phrase to phrase). */
const positionsPool: Int32Array[] = [];

/** One byte per document, 1 for those (of `within`, when given) that say `phrase` (two terms or more). */
export function phraseDocs(reader: IndexReader, phrase: PhraseTerms, within?: Uint8Array): Uint8Array {
  const says = new Uint8Array(reader.docCount);
  const distinct = [...new Set(phrase.map((p) => p.term))];
  const entries = distinct.map((term) => reader.lookup(term));
  if (entries.some((e) => e === undefined)) return says;
  // Rarest first: its documents are the candidates, the others only sought to.
  const order = distinct.map((_, i) => i).sort((a, b) => entries[a]!.docFreq - entries[b]!.docFreq);
  const terms = order.map((i) => {
    const entry = entries[i]!;
    return new PostingSeeker(reader.postings(entry), reader.positions(entry), entry.docFreq);
  });
  // Each word of the phrase as the term (by its place in `terms`) that stands at its offset.
  const words = phrase.map((p) => ({ term: order.findIndex((i) => distinct[i] === p.term), offset: p.offset }));
  const rarest = terms[0]!;
  let doc = rarest.seek(0);
  while (doc !== END) {
    if (within && !within[doc]) {
      doc = rarest.seek(doc + 1);
      continue;
    }
    // Each other term seeks to the candidate; one past it names the next candidate there can be.
    let next = doc;
    let fields = rarest.fields();
    for (let t = 1; t < terms.length && next === doc; t++) {
      next = terms[t]!.seek(doc);
      if (next === doc) fields &= terms[t]!.fields();
    }
    if (next === doc) {
      if (fields !== 0 && saysPhrase(terms, words, fields)) says[doc] = 1;
      next = doc + 1;
    }
    if (next === END) break;
    doc = rarest.seek(next);
  }
  return says;
}

/** The current posting's positions of term number `t` in `fields`, in a scratch array, and how many. */
function positionsOf(term: PostingSeeker, t: number, fields: number): { list: Int32Array; length: number } {
  const room = term.positionCount();
  let list = positionsPool[t];
  if (!list || list.length < room) list = positionsPool[t] = new Int32Array(Math.max(room, 64, (list?.length ?? 0) * 2));
  return { list, length: term.read(fields, list) };
}

/**
 * Whether the current document of every term (all at the same one) holds the phrase in one of
 * `fields`: each occurrence of the word with the fewest positions there anchors a start, and each
 * other word must stand at the start plus its offset. Starts rise, so each word's place in its
 * positions only moves forward.
 */
function saysPhrase(terms: PostingSeeker[], words: { term: number; offset: number }[], fields: number): boolean {
  const read = terms.map((term, t) => positionsOf(term, t, fields));
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
