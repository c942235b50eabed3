/**
 * Decodes MessagePack, the encoding of the index's header, stored documents and docMeta section.
 * The index is written with msgpackr; the reader decodes with this instead, since loading msgpackr
 * (its packer comes along with its unpacker) is a large share of a one-shot search's start-up. It
 * reads every format msgpackr writes for plain data (nil, booleans, integers, floats, strings, binary,
 * arrays, maps); an extension type or a truncated value is an error.
 */

const decoder = new TextDecoder("utf-8", { fatal: true });
/** Shorter strings are decoded by hand: a TextDecoder call costs more than the loop. */
const SHORT_STRING = 24;

/** The value `bytes` hold; throws when they hold anything but exactly one value. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const reader = new MsgpackReader(bytes);
  const value = reader.value();
  if (reader.pos !== bytes.length) throw new Error(`msgpack: ${bytes.length - reader.pos} bytes past the value`);
  return value;
}

/**
 * Element `index` of a msgpack array of binary values (a stored block's packed documents), without
 * decoding the elements before it; undefined when the array is shorter.
 */
export function binaryElement(bytes: Uint8Array, index: number): Uint8Array | undefined {
  const reader = new MsgpackReader(bytes);
  const length = reader.arrayLength();
  if (index >= length) return undefined;
  for (let i = 0; i < index; i++) reader.binary();
  return reader.binary();
}

class MsgpackReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(): unknown {
    const type = this.u8();
    if (type < 0x80) return type;
    if (type < 0x90) return this.map(type & 0x0f);
    if (type < 0xa0) return this.array(type & 0x0f);
    if (type < 0xc0) return this.string(type & 0x1f);
    if (type >= 0xe0) return type - 0x100;
    switch (type) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return this.take(this.u8());
      case 0xc5: return this.take(this.u16());
      case 0xc6: return this.take(this.u32());
      case 0xca: return this.advance(4, (at) => this.view.getFloat32(at));
      case 0xcb: return this.advance(8, (at) => this.view.getFloat64(at));
      case 0xcc: return this.u8();
      case 0xcd: return this.u16();
      case 0xce: return this.u32();
      case 0xcf: return this.advance(8, (at) => Number(this.view.getBigUint64(at)));
      case 0xd0: return this.advance(1, (at) => this.view.getInt8(at));
      case 0xd1: return this.advance(2, (at) => this.view.getInt16(at));
      case 0xd2: return this.advance(4, (at) => this.view.getInt32(at));
      case 0xd3: return this.advance(8, (at) => Number(this.view.getBigInt64(at)));
      case 0xd9: return this.string(this.u8());
      case 0xda: return this.string(this.u16());
      case 0xdb: return this.string(this.u32());
      case 0xdc: return this.array(this.u16());
      case 0xdd: return this.array(this.u32());
      case 0xde: return this.map(this.u16());
      case 0xdf: return this.map(this.u32());
      default: throw new Error(`msgpack: unsupported type 0x${type.toString(16)} at ${this.pos - 1}`);
    }
  }

  arrayLength(): number {
    const type = this.u8();
    if (type >= 0x90 && type < 0xa0) return type & 0x0f;
    if (type === 0xdc) return this.u16();
    if (type === 0xdd) return this.u32();
    throw new Error(`msgpack: expected an array at ${this.pos - 1}`);
  }

  binary(): Uint8Array {
    const type = this.u8();
    if (type === 0xc4) return this.take(this.u8());
    if (type === 0xc5) return this.take(this.u16());
    if (type === 0xc6) return this.take(this.u32());
    throw new Error(`msgpack: expected binary data at ${this.pos - 1}`);
  }

  private array(length: number): unknown[] {
    const items = new Array<unknown>(length);
    for (let i = 0; i < length; i++) items[i] = this.value();
    return items;
  }

  private map(size: number): Record<string, unknown> {
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      const key = this.value();
      if (typeof key !== "string" && typeof key !== "number") throw new Error(`msgpack: a map key of type ${typeof key} at ${this.pos}`);
      entries[key] = this.value();
    }
    return entries;
  }

  private string(length: number): string {
    const start = this.pos;
    const end = this.skip(length);
    const bytes = this.bytes;
    if (length <= SHORT_STRING) {
      let text = "";
      for (let i = start; i < end; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
        text += String.fromCharCode(c);
      }
      return text;
    }
    return decoder.decode(bytes.subarray(start, end));
  }

  private take(length: number): Uint8Array {
    const start = this.pos;
    return this.bytes.subarray(start, this.skip(length));
  }

  private u8(): number {
    return this.bytes[this.skip(1) - 1]!;
  }

  private u16(): number {
    return this.view.getUint16(this.skip(2) - 2);
  }

  private u32(): number {
    return this.view.getUint32(this.skip(4) - 4);
  }

  /** Reads `size` bytes at the current position with `read`, moving past them. */
  private advance<T>(size: number, read: (at: number) => T): T {
    const at = this.pos;
    this.skip(size);
    return read(at);
  }

  /** Moves past `length` bytes, returning where they end; throws when the input ends first. */
  private skip(length: number): number {
    const end = this.pos + length;
    if (end > this.bytes.length) throw new Error(`msgpack: truncated (a value at ${this.pos} needs ${length} bytes, ${this.bytes.length - this.pos} left)`);
    this.pos = end;
    return end;
  }
}
