/**
 * The build's postings bytes, one list per term, appended to a term at a time: in chunks of one
 * growing buffer, each chunk linked to the next, rather than a growing array per term (300,000
 * terms made as many small arrays, copied at every growth, and kept the collector busy).
 */
import type { ByteSink } from "../store/varint.js";

/** A list's first chunk holds this many bytes, each next chunk twice its predecessor's, up to MAX_CHUNK. */
const FIRST_CHUNK = 8;
const MAX_CHUNK = 4096;
/** After a chunk's bytes, the offset of the next chunk. */
const LINK_BYTES = 4;
/** A list's first chunk before it has one. */
const NO_CHUNK = -1;

export class TermLists implements ByteSink {
  private buffer = new Uint8Array(1 << 20);
  private used = 0;
  /** Per list: its first chunk, its current chunk's next free byte, end and size, its length. */
  private first: Int32Array = new Int32Array(1024);
  private next: Int32Array = new Int32Array(1024);
  private end: Int32Array = new Int32Array(1024);
  private size: Int32Array = new Int32Array(1024);
  private lengths: Int32Array = new Int32Array(1024);
  private count = 0;
  /** The selected list and its cursor (written back when another list is selected). */
  private list = -1;
  private at = 0;
  private limit = 0;
  private chunkSize = 0;
  private written = 0;

  /** Adds an empty list; returns its number. */
  addList(): number {
    const id = this.count++;
    if (id === this.first.length) {
      this.first = grow(this.first);
      this.next = grow(this.next);
      this.end = grow(this.end);
      this.size = grow(this.size);
      this.lengths = grow(this.lengths);
    }
    this.first[id] = NO_CHUNK;
    return id;
  }

  /** Bytes taken by the lists (their chunks and links): what they hold in memory, but for the buffer's spare room. */
  get bytesUsed(): number {
    return this.used;
  }

  /** Empties every list (its bytes were spilled), keeping the lists and the buffer for what comes next. */
  clear(): void {
    this.save();
    this.list = -1;
    this.used = 0;
    this.first.fill(NO_CHUNK, 0, this.count);
    this.lengths.fill(0, 0, this.count);
  }

  /** Makes `byte` and `varint` append to list `id`. */
  select(id: number): void {
    if (id === this.list) return;
    this.save();
    if (this.first[id] === NO_CHUNK) {
      // A list's first chunk is taken when it is first written to.
      const start = this.allocate(FIRST_CHUNK);
      this.first[id] = start;
      this.next[id] = start;
      this.end[id] = start + FIRST_CHUNK;
      this.size[id] = FIRST_CHUNK;
    }
    this.list = id;
    this.at = this.next[id]!;
    this.limit = this.end[id]!;
    this.chunkSize = this.size[id]!;
  }

  byte(value: number): void {
    if (this.at === this.limit) this.chain();
    this.buffer[this.at++] = value;
    this.written++;
  }

  varint(value: number): void {
    let v = value >>> 0;
    while (v >= 0x80) {
      this.byte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.byte(v);
  }

  length(id: number): number {
    this.save();
    return this.lengths[id]!;
  }

  /** Copies list `id` into `out` at `offset`. */
  copyTo(id: number, out: Uint8Array, offset: number): void {
    this.pieces(id, (bytes) => {
      out.set(bytes, offset);
      offset += bytes.length;
    });
  }

  /** Hands list `id` to `take` chunk by chunk (views of the buffer, valid only during the call). */
  pieces(id: number, take: (bytes: Uint8Array) => void): void {
    this.save();
    let left = this.lengths[id]!;
    let chunk = this.first[id]!;
    let size = FIRST_CHUNK;
    while (left > 0) {
      const n = Math.min(size, left);
      take(this.buffer.subarray(chunk, chunk + n));
      left -= n;
      if (left === 0) break;
      const link = chunk + size;
      chunk = this.buffer[link]! | (this.buffer[link + 1]! << 8) | (this.buffer[link + 2]! << 16) | (this.buffer[link + 3]! << 24);
      size = Math.min(MAX_CHUNK, size * 2);
    }
  }

  /** Writes the selected list's cursor back. */
  private save(): void {
    if (this.list < 0) return;
    this.next[this.list] = this.at;
    this.end[this.list] = this.limit;
    this.size[this.list] = this.chunkSize;
    this.lengths[this.list]! += this.written;
    this.written = 0;
  }

  /** Starts a new chunk for the selected list, linked from its full one. */
  private chain(): void {
    const size = Math.min(MAX_CHUNK, this.chunkSize * 2);
    const start = this.allocate(size);
    const link = this.limit;
    this.buffer[link] = start & 0xff;
    this.buffer[link + 1] = (start >>> 8) & 0xff;
    this.buffer[link + 2] = (start >>> 16) & 0xff;
    this.buffer[link + 3] = start >>> 24;
    this.at = start;
    this.limit = start + size;
    this.chunkSize = size;
  }

  /** Room for a chunk of `size` bytes and its link; returns where it starts. */
  private allocate(size: number): number {
    const start = this.used;
    this.used += size + LINK_BYTES;
    if (this.used > this.buffer.length) {
      if (this.used > 0x7fffffff) throw new Error("the postings outgrew 2 GB");
      const grown = new Uint8Array(Math.min(0x7fffffff, Math.max(this.used, this.buffer.length * 2)));
      grown.set(this.buffer.subarray(0, start));
      this.buffer = grown;
    }
    return start;
  }
}

function grow(a: Int32Array): Int32Array {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}
