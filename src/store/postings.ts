/**
 * The postings codec, shared by the builder and the reader. Per term, per document in order:
 * varint(docDelta << 1 | simple). "simple" means tf 1 in the body field only, the commonest case
 * by far; otherwise a byte follows naming the term's frequency in each field, a code of the fixed
 * table in field-codes.ts (or, for the few tuples it lacks, ESCAPE, a field mask byte and a varint
 * tf for each field in the mask), then, when the term is in the title, its title positions
 * (delta-coded varints, tf of them): titles are short, and where the query's words stand in them
 * tells a title that says the query from one that merely holds its words.
 */
import { CODE_COUNT, CODE_FIELDS, CODE_TFS, CODE_TITLE_TF, ESCAPE, fieldCode } from "./field-codes.js";
import { hasDoc } from "./doc-bits.js";
import { FIELD, FIELD_COUNT, FIELD_POSITION_SPAN, SKIP_INTERVAL } from "./format.js";
import { ByteReader, type ByteSink, type ByteWriter } from "./varint.js";

/** The field mask of a posting in the body only. */
export const BODY_ONLY_MASK = 1 << FIELD.body;

/**
 * Appends one posting; `tfs[at + f]` holds the term's frequency in field f of the document, and
 * `titlePositions` its word positions in the title, in order (one per title occurrence).
 */
export function encodePosting(out: ByteSink, docDelta: number, tfs: ArrayLike<number>, at = 0, titlePositions: readonly number[] = []): void {
  let mask = 0;
  for (let f = 0; f < FIELD_COUNT; f++) if (tfs[at + f]) mask |= 1 << f;
  if (mask === BODY_ONLY_MASK && tfs[at + FIELD.body] === 1) {
    out.varint(docDelta * 2 + 1);
    return;
  }
  out.varint(docDelta * 2);
  const code = fieldCode(tfs, at);
  out.byte(code);
  if (code === ESCAPE) {
    out.byte(mask);
    for (let f = 0; f < FIELD_COUNT; f++) if (tfs[at + f]) out.varint(tfs[at + f]!);
  }
  if (titlePositions.length !== (tfs[at + FIELD.title] ?? 0)) {
    throw new Error(`title positions (${titlePositions.length}) do not match the title tf (${tfs[at + FIELD.title]})`);
  }
  let last = 0;
  for (const pos of titlePositions) {
    out.varint(pos - last);
    last = pos;
  }
}

/**
 * The positions section holds, per term, one entry per posting in the postings' order: the
 * term's word positions in each field the posting names, field by field, each field's as varints
 * of the gap from the one before (the first from 0). How many there are in each field is the
 * posting's frequency there, so the entry needs no count of its own.
 *
 * Appends one posting's entry; `positions` are field x FIELD_POSITION_SPAN + word position.
 */
export function encodePositions(out: ByteSink, positions: number[]): void {
  positions.sort((a, b) => a - b);
  let field = -1;
  let last = 0;
  for (const at of positions) {
    const f = Math.floor(at / FIELD_POSITION_SPAN);
    if (f !== field) {
      field = f;
      last = 0;
    }
    const pos = at - f * FIELD_POSITION_SPAN;
    out.varint(pos - last);
    last = pos;
  }
}

/** How many positions posting `i` of `decoded` has in the positions section: its frequencies summed. */
function positionCount(decoded: DecodedPostings, i: number): number {
  const at = i * FIELD_COUNT;
  const tfs = decoded.tfs;
  return tfs[at]! + tfs[at + 1]! + tfs[at + 2]! + tfs[at + 3]! + tfs[at + 4]!;
}

/** Where each posting's entry starts in a term's positions list, and where the last ends (count + 1 offsets). */
function entryStarts(decoded: DecodedPostings, positions: Uint8Array): Int32Array {
  const starts = new Int32Array(decoded.count + 1);
  let pos = 0;
  for (let i = 0; i < decoded.count; i++) {
    starts[i] = pos;
    for (let n = positionCount(decoded, i); n > 0; n--) {
      if (pos >= positions.length) throw new Error("positions list shorter than its postings say");
      while (positions[pos++]! & 0x80);
    }
  }
  starts[decoded.count] = pos;
  return starts;
}

/**
 * Reads one term's positions list alongside its decoded postings, in posting order: an entry is
 * decoded only when asked for, the entries before it stepped over (a varint's bytes but the last
 * have the high bit), so a phrase reads the positions of only the documents it still needs.
 */
export class PositionCursor {
  /** The posting whose entry starts at `byte`. */
  private entry = 0;
  private byte = 0;
  /** The posting last read, and where its entry starts: it may be read again, for other fields. */
  private last = -1;
  private lastStart = 0;

  constructor(
    readonly postings: DecodedPostings,
    private readonly positions: Uint8Array,
  ) {}

  /**
   * Writes posting `i`'s positions in the fields `fields` names (bit f for field f) to `out`, as
   * field x FIELD_POSITION_SPAN + word position, ascending, and returns how many; `out` must have
   * room for the posting's frequencies summed. `i` must not be below the last posting read.
   */
  read(i: number, fields: number, out: Int32Array): number {
    const { tfs } = this.postings;
    const bytes = this.positions;
    let pos: number;
    if (i === this.last) {
      pos = this.lastStart;
    } else {
      if (i < this.entry) throw new Error(`positions are read in posting order (posting ${i} after ${this.entry})`);
      pos = this.lastStart = this.skipVarints(this.byte, stepped(tfs, this.entry, i));
      this.last = i;
    }
    const at = i * FIELD_COUNT;
    let n = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const tf = tfs[at + f]!;
      if (!(fields & (1 << f))) {
        pos = this.skipVarints(pos, tf);
        continue;
      }
      const base = f * FIELD_POSITION_SPAN;
      let last = 0;
      for (let k = tf; k > 0; k--) {
        let b = bytes[pos++]!;
        let v = b & 0x7f;
        for (let shift = 7; b & 0x80; shift += 7) {
          b = bytes[pos++]!;
          v |= (b & 0x7f) << shift;
        }
        last += v;
        out[n++] = base + last;
      }
    }
    if (pos > bytes.length) throw new Error("positions list shorter than its postings say");
    this.entry = i + 1;
    this.byte = pos;
    return n;
  }

  /** Where the `count` varints from `pos` end. */
  private skipVarints(pos: number, count: number): number {
    const bytes = this.positions;
    const end = bytes.length;
    while (count > 0 && pos < end) if (!(bytes[pos++]! & 0x80)) count--;
    if (count > 0) throw new Error("positions list shorter than its postings say");
    return pos;
  }
}

/** The positions postings [from, to) of `tfs` hold: their frequencies summed. */
function stepped(tfs: Uint16Array, from: number, to: number): number {
  let n = 0;
  for (let at = from * FIELD_COUNT, end = to * FIELD_COUNT; at < end; at++) n += tfs[at]!;
  return n;
}

/**
 * A positions list of more than SKIP_INTERVAL postings starts with a skip table: for each block of
 * SKIP_INTERVAL postings after the first, three u32 (little-endian): the document of the posting
 * before the block, where the block starts in the term's postings list, and where its first entry
 * starts among the positions entries (which follow the table). How many entries the table has
 * follows from the term's document frequency, so the list needs no count of its own.
 */
const SKIP_ENTRY_BYTES = 12;

/** Bytes of the skip table at the head of the positions list of a term in `docFreq` documents. */
export function skipTableBytes(docFreq: number): number {
  return Math.floor(Math.max(0, docFreq - 1) / SKIP_INTERVAL) * SKIP_ENTRY_BYTES;
}

/** The skip table of a term's postings list and its positions entries (the list without a table), of `docFreq` postings. */
export function encodeSkipTable(postings: Uint8Array, entries: Uint8Array, docFreq: number): Uint8Array {
  const table = new Uint8Array(skipTableBytes(docFreq));
  if (table.length === 0) return table;
  const view = new DataView(table.buffer);
  const decoded = new DecodedPostings().decode(postings);
  if (decoded.count !== docFreq) throw new Error(`a postings list of ${decoded.count} postings, its term in ${docFreq} documents`);
  const starts = entryStarts(decoded, entries);
  const cursor = new PostingCursor(postings, undefined);
  for (let i = 0; cursor.next(); i++) {
    if (i === 0 || i % SKIP_INTERVAL !== 0) continue;
    const at = (i / SKIP_INTERVAL - 1) * SKIP_ENTRY_BYTES;
    view.setUint32(at, decoded.docs[i - 1]!, true);
    view.setUint32(at + 4, cursor.start, true);
    view.setUint32(at + 8, starts[i]!, true);
  }
  return table;
}

/**
 * The positions section as written: each term's positions list of `entries` (one after another,
 * `entryLengths` bytes each) with its skip table before it. Returns the section and each list's length.
 */
export function withSkipTables(lists: { docFreqs: Uint32Array; lengths: Uint32Array; postings: Uint8Array; positionLengths: Uint32Array; positions: Uint8Array }): { positions: Uint8Array; lengths: Uint32Array } {
  const { docFreqs, lengths, postings, positionLengths, positions } = lists;
  const tableBytes = docFreqs.reduce((sum, df) => sum + skipTableBytes(df), 0);
  const out = new Uint8Array(positions.length + tableBytes);
  const outLengths = new Uint32Array(docFreqs.length);
  let postingsAt = 0;
  let entriesAt = 0;
  let at = 0;
  for (let t = 0; t < docFreqs.length; t++) {
    const entries = positions.subarray(entriesAt, (entriesAt += positionLengths[t]!));
    const termPostings = postings.subarray(postingsAt, (postingsAt += lengths[t]!));
    const table = skipTableBytes(docFreqs[t]!) > 0 ? encodeSkipTable(termPostings, entries, docFreqs[t]!) : undefined;
    if (table) out.set(table, at);
    out.set(entries, at + (table?.length ?? 0));
    outLengths[t] = (table?.length ?? 0) + entries.length;
    at += outLengths[t]!;
  }
  return { positions: out, lengths: outLengths };
}

/**
 * Seeks through one term's postings and reads its positions, a block of SKIP_INTERVAL postings at a
 * time, as search engines answer phrases: the skip table tells which block a document sought can
 * be in, and only that block is decoded; blocks passed over are not read at all, in either list.
 */
export class PostingSeeker {
  /** The posting the seeker is at in the current block. */
  private at = 0;
  private blockNumber = -1;
  private readonly blocks: number;
  private readonly table: DataView;
  private readonly entries: Uint8Array;
  private positions: PositionCursor | undefined;
  /** The document the seeker is at, or END once past the last. */
  doc = -1;

  /**
   * `postings` and `positions` are the term's lists as stored, `docFreq` its document count; `block`
   * is where the current block is decoded (a seeker's own, or one reused from seeker to seeker).
   */
  constructor(private readonly postings: Uint8Array, positions: Uint8Array, docFreq: number, private readonly block = new DecodedPostings()) {
    const tableBytes = skipTableBytes(docFreq);
    if (tableBytes > positions.length) throw new Error("positions list shorter than its skip table");
    this.table = new DataView(positions.buffer, positions.byteOffset, tableBytes);
    this.entries = positions.subarray(tableBytes);
    this.blocks = tableBytes / SKIP_ENTRY_BYTES + 1;
  }

  /** Moves to the first posting of a document at `target` or after and returns its document (END past the last). */
  seek(target: number): number {
    if (this.doc >= target || this.doc === END) return this.doc;
    const block = this.block;
    if (this.blockNumber < 0 || block.docs[block.count - 1]! < target) {
      if (this.blockNumber === this.blocks - 1) return (this.doc = END);
      // The last block whose previous document is before the target holds it, if any does.
      let lo = Math.max(this.blockNumber + 1, 0);
      let hi = this.blocks - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (this.before(mid) < target) lo = mid;
        else hi = mid - 1;
      }
      this.load(lo);
    }
    const { docs, count } = this.block;
    let i = this.at;
    while (i < count && docs[i]! < target) i++;
    this.at = i;
    this.doc = i < count ? docs[i]! : END;
    return this.doc;
  }

  /** The fields the current posting's term is in (bit f for field f). */
  fields(): number {
    return this.block.fields[this.at]!;
  }

  /** How many positions the current posting has in all. */
  positionCount(): number {
    return positionCount(this.block, this.at);
  }

  /** The current posting's positions in `fields`, into `out` (PositionCursor.read); returns how many. */
  read(fields: number, out: Int32Array): number {
    return this.positions!.read(this.at, fields, out);
  }

  /** The document before block `n` (-1 for the first). */
  private before(n: number): number {
    return n === 0 ? -1 : this.table.getUint32((n - 1) * SKIP_ENTRY_BYTES, true);
  }

  private load(n: number): void {
    const start = (b: number, field: number) => (b === 0 ? 0 : this.table.getUint32((b - 1) * SKIP_ENTRY_BYTES + field, true));
    const last = n + 1 >= this.blocks;
    const postingsStart = start(n, 4);
    const postingsEnd = last ? this.postings.length : start(n + 1, 4);
    const entriesStart = start(n, 8);
    if (postingsStart > postingsEnd || postingsEnd > this.postings.length || entriesStart > this.entries.length) throw new Error("a skip table points past its lists");
    this.block.decode(this.postings.subarray(postingsStart, postingsEnd), undefined, this.before(n));
    this.positions = new PositionCursor(this.block, this.entries.subarray(entriesStart));
    this.blockNumber = n;
    this.at = 0;
  }
}

/** PostingSeeker's document once past its last posting. */
export const END = 0x7fffffff;

/** A term's postings decoded into flat arrays, reused from list to list (see decodePostings). */
export class DecodedPostings {
  count = 0;
  /** Document of each posting, ascending. */
  docs = new Int32Array(256);
  /** Per posting, FIELD_COUNT frequencies. */
  tfs = new Uint16Array(256 * FIELD_COUNT);
  /** Per posting, the fields it occurs in (bit f for field f): decoded with the tfs, so scoring need not work it out. */
  fields = new Uint8Array(256);
  /** Posting i's title positions are titlePositions[titleStart[i], titleStart[i + 1]). */
  titleStart = new Int32Array(257);
  titlePositions = new Uint16Array(256);

  private room(postings: number, positions: number): void {
    if (postings > this.docs.length) {
      const size = Math.max(postings, this.docs.length * 2);
      this.docs = grow(this.docs, size);
      this.tfs = grow(this.tfs, size * FIELD_COUNT);
      this.fields = grow(this.fields, size);
      this.titleStart = grow(this.titleStart, size + 1);
    }
    if (positions > this.titlePositions.length) this.titlePositions = grow(this.titlePositions, Math.max(positions, this.titlePositions.length * 2));
  }

  /**
   * Decodes one term's postings. A single flat loop and flat results, rather than a callback per
   * posting: the scorer's loop over them stays monomorphic and fast from a process's first query.
   * With `kept` (doc-bits.ts), only the postings of the documents it holds are kept, the
   * others' bytes stepped over: a common word's list is mostly of documents its query has not met.
   * `before` is the document of the posting before `bytes` when they start a block of a list
   * (PostingSeeker), -1 for a whole list.
   */
  decode(bytes: Uint8Array, kept?: Uint32Array, before = -1): this {
    // Every posting and every position takes at least a byte: the list's length bounds both.
    this.room(bytes.length, bytes.length);
    const { docs, tfs, fields, titleStart, titlePositions } = this;
    // The hottest loop of a query: varints are read inline from a local position, not through a
    // ByteReader's methods (a query decodes lists of tens of thousands of postings).
    const end = bytes.length;
    let pos = 0;
    let n = 0;
    let positions = 0;
    // `before`: the document of the posting before these, when they are a block of a longer list.
    let doc = before;
    while (pos < end) {
      let b = bytes[pos++]!;
      let v = b & 0x7f;
      let shift = 7;
      while (b & 0x80) {
        b = bytes[pos++]!;
        v |= (b & 0x7f) << shift;
        shift += 7;
      }
      doc += v >>> 1;
      if (kept && !hasDoc(kept, doc)) {
        if (!(v & 1)) pos = payloadEnd(bytes, pos);
        continue;
      }
      docs[n] = doc;
      const at = n * FIELD_COUNT;
      titleStart[n] = positions;
      // The five fields' tfs are set one by one, not in a loop over FIELD_COUNT: decoding takes a
      // quarter less time so (a sixth field would need a line here; the codec's tests would fail).
      if (v & 1) {
        tfs[at] = 0;
        tfs[at + 1] = 0;
        tfs[at + 2] = 0;
        tfs[at + 3] = 0;
        tfs[at + 4] = 0;
        tfs[at + FIELD.body] = 1;
        fields[n] = BODY_ONLY_MASK;
      } else {
        const code = bytes[pos++]!;
        if (code !== ESCAPE) {
          const c = code * FIELD_COUNT;
          tfs[at] = CODE_TFS[c]!;
          tfs[at + 1] = CODE_TFS[c + 1]!;
          tfs[at + 2] = CODE_TFS[c + 2]!;
          tfs[at + 3] = CODE_TFS[c + 3]!;
          tfs[at + 4] = CODE_TFS[c + 4]!;
          fields[n] = CODE_FIELDS[code]!;
        } else {
          const mask = bytes[pos++]!;
          fields[n] = mask;
          for (let f = 0; f < FIELD_COUNT; f++) {
            let tf = 0;
            if (mask & (1 << f)) {
              b = bytes[pos++]!;
              tf = b & 0x7f;
              for (shift = 7; b & 0x80; shift += 7) {
                b = bytes[pos++]!;
                tf |= (b & 0x7f) << shift;
              }
            }
            tfs[at + f] = tf;
          }
        }
        const inTitle = tfs[at + FIELD.title]!;
        let title = 0;
        for (let i = 0; i < inTitle; i++) {
          b = bytes[pos++]!;
          let delta = b & 0x7f;
          for (shift = 7; b & 0x80; shift += 7) {
            b = bytes[pos++]!;
            delta |= (b & 0x7f) << shift;
          }
          titlePositions[positions++] = title += delta;
        }
      }
      n++;
    }
    titleStart[n] = positions;
    this.count = n;
    return this;
  }
}

/** Where the payload of a posting that is not simple, starting at `pos`, ends: its code, tfs and title positions stepped over. */
function payloadEnd(bytes: Uint8Array, pos: number): number {
  const code = bytes[pos++]!;
  let inTitle: number;
  if (code === ESCAPE) {
    const mask = bytes[pos++]!;
    inTitle = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (!(mask & (1 << f))) continue;
      let b = bytes[pos++]!;
      let tf = b & 0x7f;
      for (let shift = 7; b & 0x80; shift += 7) {
        b = bytes[pos++]!;
        tf |= (b & 0x7f) << shift;
      }
      if (f === FIELD.title) inTitle = tf;
    }
  } else {
    inTitle = CODE_TITLE_TF[code]!;
  }
  // Each title position is a varint: its bytes but the last have the high bit set.
  for (let i = 0; i < inTitle; i++) while (bytes[pos++]! & 0x80);
  return pos;
}

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, size: number): T {
  const grown = new (a.constructor as new (n: number) => T)(size);
  grown.set(a);
  return grown;
}

/**
 * Appends to `out` the postings of `carried` (a previous index's list, each document renumbered
 * through `renumber`, those mapped to -1 left out) and those of `added` (in the new numbering),
 * in document order, and returns how many it wrote. Each posting's fields and positions are
 * copied as they are; only the document deltas are recomputed. `renumber` must keep the carried
 * documents in their order.
 */
export function mergePostings(out: ByteWriter, carried: Uint8Array, renumber: Int32Array, added: Uint8Array): number {
  const a = new PostingCursor(carried, renumber);
  const b = new PostingCursor(added, undefined);
  let last = -1;
  let count = 0;
  let hasA = a.next();
  let hasB = b.next();
  while (hasA || hasB) {
    const from = hasA && (!hasB || a.doc < b.doc) ? a : b;
    if (from.doc <= last) throw new Error(`postings out of order (document ${from.doc} after ${last})`);
    out.varint((from.doc - last) * 2 + (from.simple ? 1 : 0));
    out.raw(from.bytes, from.bodyStart, from.bodyEnd);
    last = from.doc;
    count++;
    if (from === a) hasA = a.next();
    else hasB = b.next();
  }
  return count;
}

const carriedDecoded = new DecodedPostings();
const addedDecoded = new DecodedPostings();

/**
 * Appends to `out` the positions entries that go with mergePostings' output for the same lists:
 * the carried postings' entries (documents renumbered, those mapped to -1 left out) and the added
 * ones', in document order, each entry's bytes copied as they are.
 */
export function mergePositions(out: ByteWriter, carried: { postings: Uint8Array; positions: Uint8Array }, renumber: Int32Array, added: { postings: Uint8Array; positions: Uint8Array }): void {
  const a = carriedDecoded.decode(carried.postings);
  const b = addedDecoded.decode(added.postings);
  const aStarts = entryStarts(a, carried.positions);
  const bStarts = entryStarts(b, added.positions);
  let i = 0;
  let j = 0;
  const nextCarried = () => {
    while (i < a.count && renumber[a.docs[i]!]! < 0) i++;
  };
  nextCarried();
  while (i < a.count || j < b.count) {
    if (i < a.count && (j >= b.count || renumber[a.docs[i]!]! < b.docs[j]!)) {
      out.raw(carried.positions, aStarts[i]!, aStarts[i + 1]!);
      i++;
      nextCarried();
    } else {
      out.raw(added.positions, bStarts[j]!, bStarts[j + 1]!);
      j++;
    }
  }
}

/** Steps through an encoded postings list, one posting at a time, without decoding its fields. */
class PostingCursor {
  /** Where the current posting starts (its delta), its document (renumbered), whether it is simple, and its bytes after the delta. */
  start = 0;
  doc = -1;
  simple = false;
  bodyStart = 0;
  bodyEnd = 0;
  private sourceDoc = -1;
  private readonly reader: ByteReader;

  constructor(readonly bytes: Uint8Array, private readonly renumber: Int32Array | undefined) {
    this.reader = new ByteReader(bytes);
  }

  /** Moves to the next posting kept by the renumbering; false at the end. */
  next(): boolean {
    const r = this.reader;
    while (!r.done) {
      this.start = r.pos;
      const v = r.varint();
      this.sourceDoc += v >>> 1;
      this.simple = (v & 1) === 1;
      this.bodyStart = r.pos;
      if (!this.simple) {
        const code = this.bytes[r.pos]!;
        if (code !== ESCAPE && code >= CODE_COUNT) throw new Error(`posting field code ${code} is not in the table`);
        r.pos = payloadEnd(this.bytes, r.pos);
      }
      this.bodyEnd = r.pos;
      this.doc = this.renumber ? this.renumber[this.sourceDoc]! : this.sourceDoc;
      if (this.doc >= 0) return true;
    }
    return false;
  }
}
