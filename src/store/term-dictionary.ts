/**
 * The index's term dictionary as the reader reads it: blocks of TERMS_PER_BLOCK front-coded terms
 * (writer.ts), found by the block index's first keys, each read and decoded only when a query
 * looks up a term in it. Where the block's bytes come from, and what a failure to decode them
 * becomes, are the reader's (index-reader.ts): this module knows the blocks' layout alone.
 */
import { TERMS_PER_BLOCK } from "./format.js";
import { LruCache } from "./lru.js";
import { ByteReader } from "./varint.js";

/** A term's dictionary entry. */
export interface TermEntry {
  term: string;
  docFreq: number;
  /** Byte range of its postings within the postings section. */
  offset: number;
  length: number;
  /** Its place in the dictionary's order (0 for the first term), which indexes the positionOffsets section. */
  ordinal: number;
}

/** Where a dictionary block lies in the dictionary section. */
export interface BlockRange {
  offset: number;
  length: number;
}

/** How the dictionary gets a block's bytes, and runs a decoding step so that its failure reads as damage to the index. */
export interface DictionaryAccess {
  read(offset: number, length: number): Uint8Array;
  decoding<T>(what: string, decode: () => T): T;
}

const decoder = new TextDecoder();
const ASCII_TERM = /^[\x00-\x7f]*$/;
/** At most this many decoded dictionary blocks are kept (of ~4,700 in the full archive)... */
const BLOCK_CACHE_LIMIT = 1024;
/** ...and this many as read (~500 bytes each): every query looks up words, each in its block, and a read is a system call. */
const BLOCK_BYTES_CACHE_LIMIT = 4096;

export class TermDictionary {
  /** Decoded blocks, least recently used first: queries (and a word's spelling variants) keep coming back to the same ones. */
  private readonly blockCache = new LruCache<number, TermEntry[]>(BLOCK_CACHE_LIMIT);
  /** Blocks as read, for scanBlock: a word's variants that differ late fall in the same block, and queries share words. */
  private readonly blockBytesCache = new LruCache<number, Uint8Array>(BLOCK_BYTES_CACHE_LIMIT);

  /** `keys`: each block's first term (writer.ts blockKey); `offsets`: where each block starts in the section, and where the last ends. */
  constructor(
    private readonly keys: readonly string[],
    private readonly offsets: Uint32Array,
    private readonly access: DictionaryAccess,
  ) {}

  get blockCount(): number {
    return this.keys.length;
  }

  /** The dictionary entry of `term`, or undefined when the index does not hold it. */
  lookup(term: string): TermEntry | undefined {
    const block = this.blockFor(term);
    if (block < 0) return undefined;
    if (!this.blockCache.has(block) && ASCII_TERM.test(term)) return this.scanBlock(block, term);
    // A block's terms are in order: binary search them too.
    const entries = this.readBlock(block);
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = entries[mid]!.term;
      if (t === term) return entries[mid];
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * The dictionary entries of `terms` (undefined for a term the index lacks), in their order, as
   * `lookup` gives them one at a time: the terms falling in one dictionary block are found in one
   * pass over it, in order, where a misspelt word's hundreds of spellings would each scan their
   * block from its start.
   */
  lookupAll(terms: readonly string[]): (TermEntry | undefined)[] {
    const found: (TermEntry | undefined)[] = new Array(terms.length).fill(undefined);
    const byBlock = new Map<number, number[]>();
    terms.forEach((term, i) => {
      const block = this.blockFor(term);
      if (block < 0) return;
      const wanted = byBlock.get(block);
      if (wanted) wanted.push(i);
      else byBlock.set(block, [i]);
    });
    for (const [block, wanted] of byBlock) {
      if (this.blockCache.has(block) || !wanted.every((i) => ASCII_TERM.test(terms[i]!))) {
        for (const i of wanted) found[i] = this.lookup(terms[i]!);
      } else {
        wanted.sort((a, b) => (terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0));
        this.access.decoding(`dictionary block (${block})`, () => this.scanBlockFor(block, terms, wanted, found));
      }
    }
    return found;
  }

  /** Terms starting with `prefix`, in order, at most `limit`. */
  withPrefix(prefix: string, limit: number): TermEntry[] {
    const found: TermEntry[] = [];
    for (let block = Math.max(0, this.blockFor(prefix)); block < this.blockCount; block++) {
      for (const entry of this.readBlock(block)) {
        if (entry.term.startsWith(prefix)) {
          found.push(entry);
          if (found.length >= limit) return found;
        } else if (entry.term > prefix) {
          return found;
        }
      }
    }
    return found;
  }

  /** Every term's entry, in order. */
  *allTerms(): Generator<TermEntry> {
    for (let block = 0; block < this.blockCount; block++) yield* this.decodeBlock(block);
  }

  /** The blocks holding `terms` that lookups would read (none kept yet), as ranges of the section. */
  blocksToRead(terms: Iterable<string>): BlockRange[] {
    const blocks = new Set<number>();
    for (const term of terms) {
      const block = this.blockFor(term);
      if (block >= 0 && !this.blockCache.has(block) && !this.blockBytesCache.has(block)) blocks.add(block);
    }
    return [...blocks].map((b) => ({ offset: this.offsets[b]!, length: this.offsets[b + 1]! - this.offsets[b]! }));
  }

  /** Binary search for the last block whose key is <= term; -1 when term sorts before all. */
  private blockFor(term: string): number {
    let lo = 0;
    let hi = this.keys.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid]! <= term) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** A block, decoded, from the cache when there. */
  private readBlock(block: number): TermEntry[] {
    return this.blockCache.get(block, (b) => this.decodeBlock(b));
  }

  /** A block's bytes, kept as read; a copy of its own, since a read's bytes may be a view of a larger buffer, which keeping would keep. */
  private keptBlockBytes(block: number): Uint8Array {
    return this.blockBytesCache.get(block, (b) => new Uint8Array(this.blockBytes(b)));
  }

  /**
   * Finds in block `block` the entries of terms[wanted[...]], which are ASCII and in the
   * dictionary's order, into `found`: one pass over the block's terms, each rebuilt from the
   * letters it shares with the one before and compared with the next term still wanted.
   */
  private scanBlockFor(block: number, terms: readonly string[], wanted: readonly number[], found: (TermEntry | undefined)[]): void {
    const r = new ByteReader(this.keptBlockBytes(block));
    let offset = r.varint();
    let term: Uint8Array = termScratch;
    let next = 0;
    for (let i = 0; i < TERMS_PER_BLOCK && !r.done && next < wanted.length; i++) {
      const shared = r.varint();
      const suffixLength = r.varint();
      const length = shared + suffixLength;
      if (length > term.length) term = termScratch = grown(term, length);
      r.rawInto(term, shared, suffixLength);
      const docFreq = r.varint();
      const listLength = r.varint();
      // Terms wanted that sort before this one are not in the block; those equal to it (a term
      // may be asked for twice) are this entry.
      while (next < wanted.length && compareToBytes(terms[wanted[next]!]!, term, length) < 0) next++;
      let entry: TermEntry | undefined;
      while (next < wanted.length && compareToBytes(terms[wanted[next]!]!, term, length) === 0) {
        entry ??= { term: terms[wanted[next]!]!, docFreq, offset, length: listLength, ordinal: block * TERMS_PER_BLOCK + i };
        found[wanted[next++]!] = entry;
      }
      offset += listLength;
    }
  }

  /**
   * `term`'s entry in a block not cached, found by comparing bytes rather than decoding the block's
   * 64 terms into strings and entries: a misspelt word's variants look up hundreds of blocks once
   * each. `term` is ASCII, so the bytes it shares with a term are as many characters.
   */
  private scanBlock(block: number, term: string): TermEntry | undefined {
    return this.access.decoding(`dictionary block (${block})`, () => this.scanBlockBytes(block, term));
  }

  private scanBlockBytes(block: number, term: string): TermEntry | undefined {
    const bytes = this.keptBlockBytes(block);
    const r = new ByteReader(bytes);
    let offset = r.varint();
    // How many characters the term before shares with `term`.
    let common = 0;
    for (let i = 0; i < TERMS_PER_BLOCK && !r.done; i++) {
      const shared = r.varint();
      const suffixLength = r.varint();
      const suffixEnd = r.pos + suffixLength;
      // A term sharing more of the one before than `term` does differs from `term` where that one did.
      if (shared <= common) {
        common = shared;
        while (r.pos < suffixEnd && common < term.length && bytes[r.pos] === term.charCodeAt(common)) {
          r.pos++;
          common++;
        }
      }
      const matched = r.pos === suffixEnd && shared <= common && common === term.length;
      r.pos = suffixEnd;
      const docFreq = r.varint();
      const length = r.varint();
      if (matched) return { term, docFreq, offset, length, ordinal: block * TERMS_PER_BLOCK + i };
      offset += length;
    }
    return undefined;
  }

  private decodeBlock(block: number): TermEntry[] {
    return this.access.decoding(`dictionary block (${block})`, () => this.decodeBlockBytes(block));
  }

  private decodeBlockBytes(block: number): TermEntry[] {
    const r = new ByteReader(this.blockBytes(block));
    let offset = r.varint();
    const entries: TermEntry[] = [];
    let prev = "";
    for (let i = 0; i < TERMS_PER_BLOCK && !r.done; i++) {
      const shared = r.varint();
      const suffixLength = r.varint();
      const term = prev.slice(0, shared) + decoder.decode(r.raw(suffixLength));
      const docFreq = r.varint();
      const length = r.varint();
      entries.push({ term, docFreq, offset, length, ordinal: block * TERMS_PER_BLOCK + i });
      offset += length;
      prev = term;
    }
    return entries;
  }

  /** Block `block` as stored: its first postings offset, then its front-coded terms. */
  private blockBytes(block: number): Uint8Array {
    const start = this.offsets[block]!;
    return this.access.read(start, this.offsets[block + 1]! - start);
  }
}

/** Where scanBlockFor rebuilds a dictionary term's bytes (grown for a longer one). */
let termScratch: Uint8Array = new Uint8Array(256);

function grown(bytes: Uint8Array, length: number): Uint8Array {
  const more = new Uint8Array(Math.max(length, bytes.length * 2));
  more.set(bytes);
  return more;
}

/** How ASCII `term` sorts against the term whose UTF-8 bytes are bytes[0, length): below 0 before it, 0 the same, above 0 after. */
function compareToBytes(term: string, bytes: Uint8Array, length: number): number {
  const n = Math.min(term.length, length);
  for (let i = 0; i < n; i++) {
    const d = term.charCodeAt(i) - bytes[i]!;
    if (d !== 0) return d;
  }
  return term.length - length;
}
