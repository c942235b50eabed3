/** Unsigned LEB128 variable-length integers: small numbers (most deltas and counts) take one byte. */

/** Where varints and bytes are written. */
export interface ByteSink {
  varint(value: number): void;
  byte(value: number): void;
}

/** A growable byte buffer for writing varints and raw bytes. */
export class ByteWriter implements ByteSink {
  bytes: Uint8Array;
  length = 0;

  constructor(initialSize = 64) {
    this.bytes = new Uint8Array(initialSize);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  varint(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }

  byte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /** Appends `data`, or its bytes [start, end). */
  raw(data: Uint8Array, start = 0, end = data.length): void {
    const length = end - start;
    this.ensure(length);
    if (length < 16) {
      // A posting's few bytes: a loop beats creating a subarray to copy from.
      for (let i = 0; i < length; i++) this.bytes[this.length + i] = data[start + i]!;
    } else {
      this.bytes.set(data.subarray(start, end), this.length);
    }
    this.length += length;
  }

  /** The written bytes (a view, not a copy). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Bytes that end before the value read from them does, or a varint longer than 32 bits. */
export class TruncatedError extends Error {
  override name = "TruncatedError";
}

/** Reads varints and raw bytes from a buffer, front to back; throws TruncatedError rather than read past its end. */
export class ByteReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  varint(): number {
    const b = this.bytes;
    const end = b.length;
    if (this.pos >= end) throw this.truncated();
    let byte = b[this.pos++]!;
    let value = byte & 0x7f;
    let shift = 7;
    while (byte & 0x80) {
      if (this.pos >= end || shift > 28) throw this.truncated();
      byte = b[this.pos++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    }
    return value >>> 0;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw this.truncated();
    return this.bytes[this.pos++]!;
  }

  raw(length: number): Uint8Array {
    if (!(length >= 0 && this.pos + length <= this.bytes.length)) throw this.truncated();
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** Copies the next `length` bytes into out[at, at + length), as raw() reads them but without a view made per read. */
  rawInto(out: Uint8Array, at: number, length: number): void {
    if (!(length >= 0 && this.pos + length <= this.bytes.length)) throw this.truncated();
    const b = this.bytes;
    for (let i = 0; i < length; i++) out[at + i] = b[this.pos + i]!;
    this.pos += length;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  private truncated(): TruncatedError {
    return new TruncatedError(`bytes end inside a value at ${this.pos} of ${this.bytes.length}`);
  }
}
