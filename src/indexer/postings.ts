/**
 * Accumulates the inverted index while articles stream in: terms are interned to numbers, each
 * term's postings are encoded as they arrive (store/postings.ts), so the build holds compact
 * bytes, not objects per posting. Past a bound, the lists so far are spilled to temporary files in
 * runs (each term's bytes in term order) and memory starts afresh: a term's list is the same
 * bytes cut in pieces, since documents only ever append to it, so writing the index joins each
 * term's pieces run by run without decoding anything.
 */
import { FIELD, FIELD_COUNT, FIELD_POSITION_SPAN } from "../store/format.js";
import { encodePosting, encodePositions } from "../store/postings.js";
import { TempFile, temporaryPath, type SequentialReader } from "../store/temp-file.js";
import { TermLists } from "./term-lists.js";

/** The finished inverted index: terms in sorted order with their encoded postings, one list after another. */
export interface InvertedIndex {
  terms: string[];
  docFreqs: Uint32Array;
  /** Byte length of each term's list in `postings`. */
  lengths: Uint32Array;
  postings: ListsSection;
  /** Byte length of each term's list in `positions`, and the lists (store/postings.ts, encodePositions; the writer puts each one's skip table before it). */
  positionLengths: Uint32Array;
  positions: ListsSection;
}

/**
 * A section of per-term lists, one after another in term order, read once: written out whole
 * (`writeTo`), or taken list by list (`lists`, for merging with a previous index's).
 */
export interface ListsSection {
  readonly length: number;
  /** Hands the section's bytes to `write` in order, in pieces (views valid only during the call). */
  writeTo(write: (bytes: Uint8Array) => void): void;
  /** Each term's list, in term order. */
  lists(): Iterable<Uint8Array>;
}

/** Lists held in one array, with each one's length. */
export function listsInMemory(bytes: Uint8Array, lengths: ArrayLike<number>): ListsSection {
  return {
    length: bytes.length,
    writeTo: (write) => write(bytes),
    *lists() {
      for (let i = 0, offset = 0; i < lengths.length; offset += lengths[i++]!) yield bytes.subarray(offset, offset + lengths[i]!);
    },
  };
}

/** Where a builder spills its lists, and past how many bytes of them in memory. */
export interface PostingsSpill {
  dir: string;
  maxBytes: number;
}

export class PostingsBuilder {
  /** The temporary files spilled runs go to (created at the first spill), and each run's lists' lengths by term id. */
  private spilled: { postings: TempFile; positions: TempFile; runs: Run[] } | undefined;
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

  /** `spill`: where to spill the lists, and past what; none, they are all held in memory. */
  constructor(private readonly spill?: PostingsSpill) {}

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
    if (this.spill && this.lists.bytesUsed + this.positionLists.bytesUsed > this.spill.maxBytes) this.spillRun();
  }

  /** Appends every term's lists so far to the temporary files, in term order, and empties them. */
  private spillRun(): void {
    const dir = this.spill!.dir;
    this.spilled ??= { postings: new TempFile(dir, temporaryPath(dir, "postings")), positions: new TempFile(dir, temporaryPath(dir, "positions")), runs: [] };
    const { postings, positions, runs } = this.spilled;
    const run: Run = {
      postingsStart: postings.length, positionsStart: positions.length,
      lengths: new Uint32Array(this.termCount), positionLengths: new Uint32Array(this.termCount),
    };
    for (const id of this.sortedIds()) {
      run.lengths[id] = this.lists.length(id);
      run.positionLengths[id] = this.positionLists.length(id);
      this.lists.pieces(id, (bytes) => postings.append(bytes));
      this.positionLists.pieces(id, (bytes) => positions.append(bytes));
    }
    runs.push(run);
    this.lists.clear();
    this.positionLists.clear();
  }

  /** Removes the temporary files of spilled runs (once the index is written, or the build failed). */
  dispose(): void {
    this.spilled?.postings.remove();
    this.spilled?.positions.remove();
    this.spilled = undefined;
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

  /** Term ids in the vocabulary's order (JS string order: the reader binary-searches in the same order). */
  private sortedIds(): number[] {
    return this.termList.map((_, i) => i).sort((a, b) => compare(this.termList[a]!, this.termList[b]!));
  }

  /**
   * Sorts the vocabulary. The lists are read from memory and the spilled runs as the index is
   * written, once; `dispose` removes the runs after.
   */
  finish(): InvertedIndex {
    const order = this.sortedIds();
    const runs = this.spilled?.runs ?? [];
    const total = (id: number, inMemory: TermLists, runLengths: (run: Run) => Uint32Array) =>
      runs.reduce((sum, run) => sum + (runLengths(run)[id] ?? 0), inMemory.length(id));
    const lengths = Uint32Array.from(order, (id) => total(id, this.lists, (run) => run.lengths));
    const positionLengths = Uint32Array.from(order, (id) => total(id, this.positionLists, (run) => run.positionLengths));
    return {
      terms: order.map((i) => this.termList[i]!),
      docFreqs: Uint32Array.from(order, (i) => this.docFreq[i]!),
      lengths,
      postings: this.section(order, lengths, this.lists, this.spilled?.postings, (run) => [run.postingsStart, run.lengths]),
      positionLengths,
      positions: this.section(order, positionLengths, this.positionLists, this.spilled?.positions, (run) => [run.positionsStart, run.positionLengths]),
    };
  }

  /** The lists `order` names, each its pieces from the spilled runs in turn, then from memory. */
  private section(order: number[], lengths: Uint32Array, inMemory: TermLists, file: TempFile | undefined, ofRun: (run: Run) => [number, Uint32Array]): ListsSection {
    const runs = (this.spilled?.runs ?? []).map(ofRun);
    const writeList = (readers: SequentialReader[], id: number, write: (bytes: Uint8Array) => void) => {
      runs.forEach(([, runLengths], r) => readers[r]!.pipe(runLengths[id] ?? 0, write));
      inMemory.pieces(id, write);
    };
    return {
      length: lengths.reduce((sum, n) => sum + n, 0),
      writeTo(write) {
        const readers = runs.map(([start]) => file!.reader(start));
        for (const id of order) writeList(readers, id, write);
      },
      *lists() {
        const readers = runs.map(([start]) => file!.reader(start));
        for (let i = 0; i < order.length; i++) {
          const list = new Uint8Array(lengths[i]!);
          let at = 0;
          writeList(readers, order[i]!, (bytes) => {
            list.set(bytes, at);
            at += bytes.length;
          });
          yield list;
        }
      },
    };
  }
}

/** One spill: where its lists start in the temporary files, and each term's lists' lengths there (by term id; none for terms met later). */
interface Run {
  postingsStart: number;
  positionsStart: number;
  lengths: Uint32Array;
  positionLengths: Uint32Array;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function grow<T extends Int32Array | Uint32Array>(a: T): T {
  const grown = new (a.constructor as new (n: number) => T)(a.length * 2);
  grown.set(a);
  return grown;
}
