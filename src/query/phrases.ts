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
import { DecodedPostings, END, PostingSeeker } from "../store/postings.js";
import type { IndexReader } from "../store/index-reader.js";
import type { PhraseTerms } from "./verify.js";

/** Per distinct term of a phrase, the block of postings its seeker decodes into (reused from phrase to phrase). */
const blocks: DecodedPostings[] = [];

/** One byte per document, 1 for those (of `within`, when given) that say `phrase` (two terms or more). */
export function phraseDocs(reader: IndexReader, phrase: PhraseTerms, within?: Uint8Array): Uint8Array {
  const says = new Uint8Array(reader.docCount);
  const distinct = [...new Set(phrase.map((p) => p.term))];
  const entries = distinct.map((term) => reader.lookup(term));
  if (entries.some((e) => e === undefined)) return says;
  // Rarest first: its documents are the candidates, the others only sought to.
  const order = distinct.map((_, i) => i).sort((a, b) => entries[a]!.docFreq - entries[b]!.docFreq);
  const terms = order.map((i, t) => {
    const entry = entries[i]!;
    return new PostingSeeker(reader.postings(entry), reader.positions(entry), entry.docFreq, (blocks[t] ??= new DecodedPostings()));
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

/**
 * The scratch of the document being checked, reused from document to document and phrase to
 * phrase (a common phrase checks tens of thousands): per term its positions and how many, per word
 * where its search through them stands.
 */
const scratch = { positions: [] as Int32Array[], counts: new Int32Array(16), from: new Int32Array(16) };

/**
 * Whether the current document of every term (all at the same one) holds the phrase in one of
 * `fields`, looked for a field at a time: the document is done at the first field saying it, the
 * later fields' positions (the body's, the most) left unread.
 */
function saysPhrase(terms: PostingSeeker[], words: { term: number; offset: number }[], fields: number): boolean {
  for (let f = 0; 1 << f <= fields; f++) if (fields & (1 << f) && saysPhraseIn(terms, words, 1 << f)) return true;
  return false;
}

/**
 * Whether the current document holds the phrase in `fields`: each occurrence of the word with the
 * fewest positions there anchors a start, and each other word must stand at the start plus its
 * offset. Starts rise, so each word's place in its positions only moves forward.
 */
function saysPhraseIn(terms: PostingSeeker[], words: { term: number; offset: number }[], fields: number): boolean {
  if (scratch.counts.length < terms.length) scratch.counts = new Int32Array(terms.length * 2);
  if (scratch.from.length < words.length) scratch.from = new Int32Array(words.length * 2);
  const { positions, counts, from } = scratch;
  for (let t = 0; t < terms.length; t++) {
    const room = terms[t]!.positionCount();
    if (!positions[t] || positions[t]!.length < room) positions[t] = new Int32Array(Math.max(room, 64, (positions[t]?.length ?? 0) * 2));
    counts[t] = terms[t]!.read(fields, positions[t]!);
  }
  let anchor = 0;
  for (let w = 1; w < words.length; w++) if (counts[words[w]!.term]! < counts[words[anchor]!.term]!) anchor = w;
  const anchors = positions[words[anchor]!.term]!;
  const anchorCount = counts[words[anchor]!.term]!;
  const anchorOffset = words[anchor]!.offset;
  from.fill(0, 0, words.length);
  for (let a = 0; a < anchorCount; a++) {
    const start = anchors[a]! - anchorOffset;
    let all = true;
    for (let w = 0; w < words.length && all; w++) {
      const { term, offset } = words[w]!;
      const list = positions[term]!;
      const length = counts[term]!;
      const wanted = start + offset;
      let i = from[w]!;
      while (i < length && list[i]! < wanted) i++;
      from[w] = i;
      all = i < length && list[i] === wanted;
    }
    if (all) return true;
  }
  return false;
}
