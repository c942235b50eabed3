/**
 * Opens an index file and reads from it by offset: at open only the header, the dictionary's
 * block index and the field lengths; then, per query, one dictionary block and one postings list
 * per term, and the stored records of the hits shown. Nothing else of the file is decoded.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { unpack } from "msgpackr/unpack";
import { ANALYZER_ID } from "../analyze/analyzer.js";
import { KbSearchError } from "../errors.js";
import {
  DOCS_PER_STORE_BLOCK, FIELD_COUNT, FORMAT_VERSION, INDEX_FILE, MAGIC, PREAMBLE_BYTES, SECTION_NAMES, TERMS_PER_BLOCK,
  type IndexHeader, type SectionName, type StoredDoc,
} from "./format.js";
import { ByteReader } from "./varint.js";

/** A term's dictionary entry. */
export interface TermEntry {
  term: string;
  docFreq: number;
  /** Byte range of its postings within the postings section. */
  offset: number;
  length: number;
}

const decoder = new TextDecoder();
/** At most this many decoded dictionary blocks are kept (of ~4,700 in the full archive). */
const BLOCK_CACHE_LIMIT = 1024;
const REBUILD = "run `kbsearch index SOURCE` to rebuild it";

export class IndexReader {
  readonly header: IndexHeader;
  readonly path: string;
  /** Field lengths, FIELD_COUNT per document. */
  readonly fieldLengths: Uint16Array;
  private readonly fd: number;
  readonly fileSize: number;
  private readonly dataStart: number;
  private readonly blockFirstTerms: string[];
  private readonly blockOffsets: Uint32Array;
  private ids: Uint32Array | undefined;
  /** The last stored block read: its documents, each still packed. */
  private storeBlock: { index: number; docs: Uint8Array[] } | undefined;
  /** Decoded dictionary blocks: queries (and a word's spelling variants) keep coming back to the same ones. */
  private readonly blockCache = new Map<number, TermEntry[]>();

  /** Opens `dir/kbsearch.idx`; throws KbSearchError (index-missing, index-corrupt, index-version). */
  static open(dir: string): IndexReader {
    const path = join(dir, INDEX_FILE);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "" : ` (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`;
      throw new KbSearchError("index-missing", `no index at ${dir}${why}: run \`kbsearch index SOURCE --index ${dir}\` to build one`, { cause: err });
    }
    try {
      return new IndexReader(fd, path);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  private constructor(fd: number, path: string) {
    this.fd = fd;
    this.path = path;
    this.fileSize = fstatSync(fd).size;
    const preamble = this.readAt(0, Math.min(PREAMBLE_BYTES, this.fileSize));
    if (preamble.length < PREAMBLE_BYTES || Buffer.from(preamble.subarray(0, 8)).toString("latin1") !== MAGIC) {
      throw new KbSearchError("index-corrupt", `${path} is not a kbsearch index: ${REBUILD}`);
    }
    const view = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
    const version = view.getUint32(8, true);
    if (version !== FORMAT_VERSION) {
      throw new KbSearchError("index-version", `${path} has index format ${version}; this kbsearch reads format ${FORMAT_VERSION}: ${REBUILD}`);
    }
    const headerLength = view.getUint32(12, true);
    const header = this.decodeHeader(headerLength);
    if (header.analyzerId !== ANALYZER_ID) {
      throw new KbSearchError("index-version", `${path} was built by analyzer ${header.analyzerId}; this kbsearch uses ${ANALYZER_ID}: ${REBUILD}`);
    }
    this.header = header;
    this.dataStart = (PREAMBLE_BYTES + headerLength + 7) & ~7;
    for (const name of SECTION_NAMES) {
      const s = header.sections[name];
      if (!s || this.dataStart + s.offset + s.length > this.fileSize) {
        throw new KbSearchError("index-corrupt", `${path} is truncated or damaged (section ${name}): ${REBUILD}`);
      }
    }
    this.blockFirstTerms = header.blockCount ? decoder.decode(this.section("blockIndex")).split("\n") : [];
    this.blockOffsets = u32(this.section("blockOffsets"));
    this.fieldLengths = u16(this.section("fieldLengths"));
    if (this.blockFirstTerms.length !== header.blockCount || this.fieldLengths.length !== header.docCount * FIELD_COUNT) {
      throw new KbSearchError("index-corrupt", `${path} is damaged (dictionary or field lengths do not match the header): ${REBUILD}`);
    }
  }

  private decodeHeader(length: number): IndexHeader {
    try {
      const header = unpack(this.readAt(PREAMBLE_BYTES, length)) as IndexHeader;
      if (typeof header !== "object" || header === null || !header.sections) throw new Error("no sections");
      return header;
    } catch (err) {
      throw new KbSearchError("index-corrupt", `${this.path} has a damaged header: ${REBUILD}`, { cause: err });
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  get docCount(): number {
    return this.header.docCount;
  }

  /** The dictionary entry of `term`, or undefined when the index does not hold it. */
  lookup(term: string): TermEntry | undefined {
    const block = this.blockFor(term);
    if (block < 0) return undefined;
    return this.readBlock(block).find((e) => e.term === term);
  }

  /** Terms starting with `prefix`, in order, at most `limit`. */
  withPrefix(prefix: string, limit: number): TermEntry[] {
    const found: TermEntry[] = [];
    for (let block = Math.max(0, this.blockFor(prefix)); block < this.header.blockCount; block++) {
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

  postings(entry: TermEntry): Uint8Array {
    return this.readAt(this.sectionStart("postings") + entry.offset, entry.length);
  }

  /** The document holding article `number`, or undefined. */
  docForArticle(number: number): number | undefined {
    this.ids ??= u32(this.section("ids"));
    let lo = 0;
    let hi = this.ids.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = this.ids[mid * 2]!;
      if (n === number) return this.ids[mid * 2 + 1];
      if (n < number) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The document's stored record; the last block read is kept, since neighbouring hits often share it. */
  stored(doc: number): StoredDoc {
    const index = Math.floor(doc / DOCS_PER_STORE_BLOCK);
    if (this.storeBlock?.index !== index) {
      const offsets = u32(this.readAt(this.sectionStart("storeOffsets") + index * 4, 8));
      const packed = this.readAt(this.sectionStart("store") + offsets[0]!, offsets[1]! - offsets[0]!);
      this.storeBlock = { index, docs: this.unpackStored(index, () => unpack(brotliDecompressSync(packed)) as Uint8Array[]) };
    }
    const packedDoc = this.storeBlock.docs[doc % DOCS_PER_STORE_BLOCK];
    if (!packedDoc) throw new KbSearchError("index-corrupt", `${this.path} lacks stored document ${doc}: ${REBUILD}`);
    return this.unpackStored(index, () => unpack(packedDoc) as StoredDoc);
  }

  /** Runs a decoding step of stored block `index`, turning a failure into a clear index error. */
  private unpackStored<T>(index: number, decode: () => T): T {
    try {
      return decode();
    } catch (err) {
      throw new KbSearchError("index-corrupt", `${this.path} has a damaged stored block (${index}): ${REBUILD}`, { cause: err });
    }
  }

  /** Binary search for the last block whose first term is <= term; -1 when term sorts before all. */
  private blockFor(term: string): number {
    let lo = 0;
    let hi = this.blockFirstTerms.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.blockFirstTerms[mid]! <= term) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private readBlock(block: number): TermEntry[] {
    let entries = this.blockCache.get(block);
    if (!entries) {
      if (this.blockCache.size >= BLOCK_CACHE_LIMIT) this.blockCache.clear();
      entries = this.decodeBlock(block);
      this.blockCache.set(block, entries);
    }
    return entries;
  }

  private decodeBlock(block: number): TermEntry[] {
    const start = this.blockOffsets[block]!;
    const r = new ByteReader(this.readAt(this.sectionStart("dictionary") + start, this.blockOffsets[block + 1]! - start));
    let offset = r.varint();
    const entries: TermEntry[] = [];
    let prev = "";
    for (let i = 0; i < TERMS_PER_BLOCK && !r.done; i++) {
      const shared = r.varint();
      const suffixLength = r.varint();
      const term = prev.slice(0, shared) + decoder.decode(r.raw(suffixLength));
      const docFreq = r.varint();
      const length = r.varint();
      entries.push({ term, docFreq, offset, length });
      offset += length;
      prev = term;
    }
    return entries;
  }

  private sectionStart(name: SectionName): number {
    return this.dataStart + this.header.sections[name].offset;
  }

  private section(name: SectionName): Uint8Array {
    return this.readAt(this.sectionStart(name), this.header.sections[name].length);
  }

  private readAt(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) throw new KbSearchError("index-corrupt", `${this.path} is truncated: ${REBUILD}`);
      done += n;
    }
    return buf;
  }
}

/** Typed views need aligned offsets; copy when a buffer's offset is not. */
function u32(bytes: Uint8Array): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
}

function u16(bytes: Uint8Array): Uint16Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length >> 1);
}
