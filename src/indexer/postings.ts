/**
 * Accumulates the inverted index in memory while articles stream in: terms are interned to
 * numbers, each term's postings are encoded as they arrive (store/postings.ts), so the build
 * holds compact bytes, not objects per posting.
 */
import { FIELD, FIELD_COUNT, FIELD_POSITION_SPAN } from "../store/format.js";
import { encodePosting, encodePositions } from "../store/postings.js";
import { TermLists } from "./term-lists.js";

/** The finished inverted index: terms in sorted order with their encoded postings, one list after another. */
export interface InvertedIndex {
  terms: string[];
  docFreqs: Uint32Array;
  /** Byte length of each term's list in `postings`. */
  lengths: Uint32Array;
  postings: Uint8Array;
  /** Byte length of each term's list in `positions`, and the lists (store/postings.ts, encodePositions; the writer puts each one's skip table before it). */
  positionLengths: Uint32Array;
  positions: Uint8Array;
}

export class PostingsBuilder {
  private readonly termIds = new Map<string, number>();
  private termList: string[] = [];
  /** Each term's encoded postings. */
  private readonly lists = new TermLists();
  /** Each term's encoded positions, posting by posting. */
  private readonly positionLists = new TermLists();
  private lastDoc = new Int32Array(1 << 16);
  private docFreq = new Uint32Array(1 << 16);
  /** Term frequencies per field of the document being added, by term id. */
  private scratch = new Uint16Array(FIELD_COUNT << 16);
  /** Terms of the current document, and for each the document (+1) it last occurred in, for delta coding. */
  private docTerms: number[] = [];
  private docTermsPrev: number[] = [];
  /** Title word positions of the current document's terms, by term id. */
  private titlePositions = new Map<number, number[]>();
  /** Word positions of the current document's terms in every field (field x FIELD_POSITION_SPAN + position), by term id. */
  private positions = new Map<number, number[]>();
  private doc = -1;

  /** Starts a document; its terms follow through `add`, and `endDocument` encodes them. */
  startDocument(doc: number): void {
    this.doc = doc;
  }

  /** The term's id, numbering it when new. */
  termId(term: string): number {
    return this.termIds.get(term) ?? this.intern(term);
  }

  /** Adds one occurrence of term `id` (termId) in `field` at word position `pos`. */
  add(id: number, field: number, pos: number): void {
    if (this.lastDoc[id] !== this.doc + 1) {
      // lastDoc holds doc + 1 so that 0 means "no document yet".
      this.docTermsPrev.push(this.lastDoc[id]!);
      this.lastDoc[id] = this.doc + 1;
      this.docTerms.push(id);
    }
    const slot = id * FIELD_COUNT + field;
    if (this.scratch[slot]! < 0xffff) {
      this.scratch[slot]!++;
      const at = field * FIELD_POSITION_SPAN + Math.min(pos, FIELD_POSITION_SPAN - 1);
      const positions = this.positions.get(id);
      if (positions) positions.push(at);
      else this.positions.set(id, [at]);
      if (field === FIELD.title) {
        const positions = this.titlePositions.get(id);
        if (positions) positions.push(pos);
        else this.titlePositions.set(id, [pos]);
      }
    }
  }

  endDocument(): void {
    for (let i = 0; i < this.docTerms.length; i++) {
      const id = this.docTerms[i]!;
      const delta = this.doc + 1 - this.docTermsPrev[i]!;
      const slot = id * FIELD_COUNT;
      this.lists.select(id);
      encodePosting(this.lists, delta, this.scratch, slot, this.titlePositions.get(id));
      this.positionLists.select(id);
      encodePositions(this.positionLists, this.positions.get(id)!);
      this.scratch.fill(0, slot, slot + FIELD_COUNT);
      this.docFreq[id]!++;
    }
    this.docTerms.length = 0;
    this.docTermsPrev.length = 0;
    this.titlePositions.clear();
    this.positions.clear();
  }

  private intern(term: string): number {
    const id = this.termList.length;
    this.termIds.set(term, id);
    this.termList.push(term);
    this.lists.addList();
    this.positionLists.addList();
    if (id >= this.lastDoc.length) {
      this.lastDoc = grow(this.lastDoc);
      this.docFreq = grow(this.docFreq);
      const scratch = new Uint16Array(this.scratch.length * 2);
      scratch.set(this.scratch);
      this.scratch = scratch;
    }
    return id;
  }

  get termCount(): number {
    return this.termList.length;
  }

  /** Sorts the vocabulary (JS string order: the reader binary-searches in the same order). */
  finish(): InvertedIndex {
    const order = this.termList.map((_, i) => i).sort((a, b) => compare(this.termList[a]!, this.termList[b]!));
    const lengths = Uint32Array.from(order, (i) => this.lists.length(i));
    const positionLengths = Uint32Array.from(order, (i) => this.positionLists.length(i));
    return {
      terms: order.map((i) => this.termList[i]!),
      docFreqs: Uint32Array.from(order, (i) => this.docFreq[i]!),
      lengths,
      postings: concatLists(this.lists, order, lengths),
      positionLengths,
      positions: concatLists(this.positionLists, order, positionLengths),
    };
  }
}

/** The lists `order` names, one after another. */
function concatLists(lists: TermLists, order: number[], lengths: Uint32Array): Uint8Array {
  const out = new Uint8Array(lengths.reduce((sum, n) => sum + n, 0));
  let offset = 0;
  order.forEach((id, i) => {
    lists.copyTo(id, out, offset);
    offset += lengths[i]!;
  });
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function grow<T extends Int32Array | Uint32Array>(a: T): T {
  const grown = new (a.constructor as new (n: number) => T)(a.length * 2);
  grown.set(a);
  return grown;
}
