/**
 * Reads an index by offset: at open only the header, the dictionary's block index and the field
 * lengths; then, per query, one dictionary block and one postings list per term, and the stored
 * records of the hits shown. Nothing else of the file is decoded. The bytes come from a ByteSource
 * (a local file, or HTTP in a browser) and the decompression from ReaderCodecs, so this module
 * runs unchanged in Node and in a browser; reader.ts opens a local file.
 */
import { ANALYZER_ID } from "../analyze/analyzer.js";
import { KbSearchError } from "../errors.js";
import {
  dataStart, FIELD_COUNT, FORMAT_VERSION, HEADER_LENGTH_AT, MAGIC, PREAMBLE_BYTES, SECTION_NAMES,
  type IndexHeader, type SectionName, type StoredDoc, type StoredHeader,
} from "./format.js";
import { BytesNotHere, type ByteRange, type ByteSource } from "./byte-source.js";
import { u32 } from "./bytes.js";
import { CHUNK_BYTES, chunkCount, firstBadChunk } from "./chunks.js";
import { storeDictionaryBytes, type ReaderCodecs, type TellingTerm } from "./codecs.js";
import type { DocMetaColumns } from "./docmeta.js";
import { headerProblem, isOffsetTable, isRange } from "./header-check.js";
import { binaryElement, decodeMsgpack } from "./msgpack.js";
import { decodeSources } from "./sources.js";
import { storedDocOf } from "./stored-record.js";
import { LruCache } from "./lru.js";
import { TermDictionary, type TermEntry } from "./term-dictionary.js";
import { ByteReader } from "./varint.js";

export type { TermEntry } from "./term-dictionary.js";

const EMPTY = new Uint8Array(0);
/** Postings and positions lists of this many bytes or more are kept once read (a shorter one is a read of a few pages)... */
const KEPT_LIST_BYTES = 4096;
/** ...up to this many bytes of them (the commonest word's postings take 160 KB). */
const KEPT_LISTS_BYTES = 8 * 1024 * 1024;

/** What a full check of an index found. */
export interface VerifyReport {
  path: string;
  bytes: number;
  chunks: number;
}

export class IndexReader {
  readonly header: IndexHeader;
  readonly path: string;
  /** The header's CRC-32 as 8 hex digits. The header holds every data chunk's checksum, so this names the whole file's content. */
  readonly checksum: string;
  /** Field lengths as stored, FIELD_COUNT codes per document (LENGTH_OF_CODE gives the length). */
  readonly fieldLengthCodes: Uint8Array;
  private readonly source: ByteSource;
  private readonly codecs: ReaderCodecs;
  readonly fileSize: number;
  private readonly dataStart: number;
  private readonly integrity: StoredHeader["integrity"];
  /** Per data chunk, 1 once its checksum has matched: each chunk is checked once per open. */
  private readonly verified: Uint8Array;
  private readonly rebuild: string;
  private readonly dictionary: TermDictionary;
  /**
   * Where each stored block starts in the store section, and where the last ends: read at open from
   * a local file (one read less per hit). A source that fetches over a network (one with willRead)
   * reads the two offsets of each block it needs instead: for the whole archive, an article to a
   * block, the table is 240 KB (87 deflated), while a query reads ten blocks' offsets.
   */
  private readonly storeOffsets: Uint32Array | undefined;
  private ids: Uint32Array | undefined;
  /** The storeDocs section, read on the first stored document asked for. */
  private storeStarts: Uint32Array | undefined;
  private meta: DocMetaColumns | undefined;
  /** The last stored block read, decompressed: a msgpack array of its documents, each packed on its own. */
  private storeBlock: { index: number; bytes: Uint8Array } | undefined;
  /**
   * Long postings and positions lists as read, by the bytes they hold: the archive's common words
   * come back query after query, and a phrase's scoring reads again the lists its phrase just read.
   */
  private readonly lists = new LruCache<number, Uint8Array>(KEPT_LISTS_BYTES, (bytes) => bytes.buffer.byteLength);

  /**
   * Reads the index `source` holds; throws KbSearchError (index-corrupt, index-version), whose
   * messages end with `rebuild`, the advice to rebuild the index ("" for none). Checks the header's
   * checksum, the file's length and the sections read at open; with codecs that verify chunks,
   * every later read checks the chunks it touches. The reader owns the source (close() closes it).
   */
  constructor(source: ByteSource, codecs: ReaderCodecs, rebuild: string) {
    this.source = source;
    this.codecs = codecs;
    this.path = source.name;
    this.rebuild = rebuild;
    this.fileSize = source.size;
    const preamble = this.readAt(0, Math.min(PREAMBLE_BYTES, this.fileSize));
    const view = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
    if (preamble.length < 12 || String.fromCharCode(...preamble.subarray(0, 8)) !== MAGIC) throw this.corrupt("is not a kbsearch index");
    const version = view.getUint32(8, true);
    if (version !== FORMAT_VERSION) {
      const whose = version < FORMAT_VERSION ? "an older" : "a newer";
      throw new KbSearchError("index-version", `${this.path} was built by ${whose} kbsearch (index format ${version}; this one reads format ${FORMAT_VERSION})${this.advice()}`);
    }
    if (preamble.length < PREAMBLE_BYTES) throw this.corrupt(`is truncated (${this.fileSize} bytes)`);
    const headerLength = view.getUint32(HEADER_LENGTH_AT, true);
    this.dataStart = dataStart(headerLength);
    if (this.dataStart > this.fileSize) throw this.corrupt(`is truncated or its header length is damaged (${this.fileSize} bytes, its header alone needs ${this.dataStart})`);
    const headerBytes = this.readAt(PREAMBLE_BYTES, headerLength);
    if (codecs.crc32(headerBytes) !== view.getUint32(16, true)) throw this.corrupt("has a damaged header (checksum mismatch)");
    this.checksum = view.getUint32(16, true).toString(16).padStart(8, "0");
    const { integrity, ...header } = this.decodeHeader(headerBytes);
    if (header.analyzerId !== ANALYZER_ID) {
      throw new KbSearchError("index-version", `${this.path} was built by analyzer ${header.analyzerId}; this kbsearch uses ${ANALYZER_ID}${this.advice()}`);
    }
    if (header.storeDictionaryCrc !== codecs.crc32(storeDictionaryBytes())) {
      throw new KbSearchError("index-version", `${this.path} was built with another store dictionary than this kbsearch's${this.advice()}`);
    }
    const expected = this.dataStart + integrity.dataBytes;
    if (this.fileSize !== expected) {
      throw this.corrupt(this.fileSize < expected ? `is truncated (${this.fileSize} of ${expected} bytes)` : `has ${this.fileSize - expected} bytes past its end`);
    }
    if (integrity.chunkCrcs.length !== chunkCount(integrity.dataBytes) * 4) throw this.corrupt("has a damaged header (checksum table)");
    for (const name of SECTION_NAMES) {
      const s = header.sections[name];
      if (s.offset + s.length > integrity.dataBytes) throw this.corrupt(`is damaged (section ${name} lies past the end)`);
    }
    this.header = header;
    this.integrity = integrity;
    this.verified = new Uint8Array(chunkCount(integrity.dataBytes));
    const blockKeys = header.blockCount ? new TextDecoder().decode(this.section("blockIndex")).split("\n") : [];
    const blockOffsets = u32(this.section("blockOffsets"));
    this.storeOffsets = source.willRead ? undefined : u32(this.section("storeOffsets"));
    this.fieldLengthCodes = this.section("fieldLengths");
    if (blockKeys.length !== header.blockCount || this.fieldLengthCodes.length !== header.docCount * FIELD_COUNT) {
      throw this.corrupt("is damaged (dictionary or field lengths do not match the header)");
    }
    // Offset tables: every later read between two of their entries is then within its section.
    if (!isOffsetTable(blockOffsets, header.blockCount ? header.blockCount + 1 : 0, header.sections.dictionary.length)) {
      throw this.corrupt("is damaged (the dictionary's block offsets)");
    }
    this.dictionary = new TermDictionary(blockKeys, blockOffsets, {
      read: (offset, length) => this.sectionRange("dictionary", offset, length),
      decoding: (what, decode) => this.decoding(what, decode),
    });
    if (this.storeOffsets && !isOffsetTable(this.storeOffsets, undefined, header.sections.store.length)) throw this.corrupt("is damaged (the store's block offsets)");
  }

  /** The header decoded, each count, length and offset in it checked to be a whole number in range before any is used. */
  private decodeHeader(bytes: Uint8Array): StoredHeader {
    let header: StoredHeader;
    try {
      header = decodeMsgpack(bytes) as StoredHeader;
    } catch (err) {
      throw this.corrupt("has a damaged header", err);
    }
    const problem = headerProblem(header);
    if (problem) throw this.corrupt(`has a damaged header (${problem})`);
    return header;
  }

  /** Reads the whole file and checks every checksum: what `kbsearch stats --verify` runs. */
  verify(): VerifyReport {
    const step = 64 * CHUNK_BYTES;
    for (let start = 0; start < this.integrity.dataBytes; start += step) {
      this.readData(this.dataStart + start, Math.min(step, this.integrity.dataBytes - start));
    }
    return { path: this.path, bytes: this.fileSize, chunks: this.verified.length };
  }

  close(): void {
    this.source.close();
  }

  get docCount(): number {
    return this.header.docCount;
  }

  /** The dictionary entry of `term`, or undefined when the index does not hold it (term-dictionary.ts). */
  lookup(term: string): TermEntry | undefined {
    return this.dictionary.lookup(term);
  }

  /** The dictionary entries of `terms`, in their order, each undefined the index lacks: as `lookup` gives them, in a pass per block. */
  lookupAll(terms: readonly string[]): (TermEntry | undefined)[] {
    return this.dictionary.lookupAll(terms);
  }

  /** Terms starting with `prefix`, in order, at most `limit`. */
  withPrefix(prefix: string, limit: number): TermEntry[] {
    return this.dictionary.withPrefix(prefix, limit);
  }

  postings(entry: TermEntry): Uint8Array {
    if (entry.length < KEPT_LIST_BYTES) return this.sectionRange("postings", entry.offset, entry.length);
    return this.lists.get(entry.offset, () => this.sectionRange("postings", entry.offset, entry.length));
  }

  /** The term's positions list (store/postings.ts: one entry per posting), read only by a phrase. */
  positions(entry: TermEntry): Uint8Array {
    const { start, end } = this.positionRange(entry.ordinal);
    const read = () => this.readData(this.sectionStart("positions") + start, end - start);
    // Kept apart from the postings lists' keys (their offsets, 0 or more).
    return end - start < KEPT_LIST_BYTES ? read() : this.lists.get(-1 - entry.ordinal, read);
  }

  /** Where term `ordinal`'s positions list lies in the positions section. */
  positionRange(ordinal: number): { start: number; end: number } {
    const offsets = this.readData(this.sectionStart("positionOffsets") + ordinal * 4, 8);
    const view = new DataView(offsets.buffer, offsets.byteOffset, offsets.byteLength);
    const start = view.getUint32(0, true);
    const end = view.getUint32(4, true);
    if (ordinal >= this.header.termCount || end < start || end > this.header.sections.positions.length) throw this.corrupt(`has a damaged positionOffsets section (term ${ordinal})`);
    return { start, end };
  }

  /**
   * Says a step of a query is about to read these terms' postings: a source fetching over a
   * network fetches them together (see ByteSource.willRead). Costs nothing on a local file.
   */
  willReadPostings(entries: readonly TermEntry[]): void {
    if (!this.source.willRead) return;
    const start = this.sectionStart("postings");
    this.source.willRead(entries.map((e) => ({ position: start + e.offset, length: e.length })));
  }

  /** Says the dictionary blocks holding `terms` are about to be looked up (see willReadPostings). */
  willLookUp(terms: Iterable<string>): void {
    if (!this.source.willRead) return;
    const blocks = this.dictionary.blocksToRead(terms);
    if (blocks.length === 0) return;
    const start = this.sectionStart("dictionary");
    this.source.willRead(blocks.map((b): ByteRange => ({ position: start + b.offset, length: b.length })));
  }

  /** Says the stored records of `docs` are about to be read (see willReadPostings). */
  willReadStored(docs: readonly number[]): void {
    if (!this.source.willRead) return;
    const blocks = [...new Set(docs.map((d) => this.storeBlockOf(d).index))].filter((block) => this.storeBlock?.index !== block);
    // Without the offsets table, each block's two offsets are fetched first: a round trip more.
    if (!this.storeOffsets) {
      const offsetsStart = this.sectionStart("storeOffsets");
      this.source.willRead(blocks.map((block): ByteRange => ({ position: offsetsStart + block * 4, length: 8 })));
    }
    const start = this.sectionStart("store");
    this.source.willRead(
      blocks.map((block): ByteRange => {
        const [from, to] = this.storeBlockRange(block);
        return { position: start + from, length: to - from };
      }),
    );
  }

  /** Each document's article number, by document (for sorting by number). */
  articleNumbers(): Uint32Array {
    const ids = this.idPairs();
    const numbers = new Uint32Array(this.docCount);
    for (let i = 0; i < ids.length; i += 2) numbers[ids[i + 1]!] = ids[i]!;
    return numbers;
  }

  /** The document holding article `number`, or undefined. */
  docForArticle(number: number): number | undefined {
    const ids = this.idPairs();
    let lo = 0;
    let hi = ids.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = ids[mid * 2]!;
      if (n === number) return ids[mid * 2 + 1];
      if (n < number) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Every document's filterable facts (the docMeta section), read and decoded on first use. */
  docMeta(): DocMetaColumns {
    if (!this.meta) {
      // The section's bytes are read outside the decoding's error handling: a source lacking them says so.
      let bytes: Uint8Array | undefined;
      const read = () => (bytes ??= this.section("docMeta"));
      this.meta = this.decoding("docMeta section", () => this.codecs.docMeta(read, this.docCount));
    }
    return this.meta;
  }

  /** False when `term` is surely in fewer than `minDocFreq` documents, told without the dictionary where the codecs can (a static site's filter); else true. */
  mayBeHeldIn(term: string, minDocFreq: number): boolean {
    return this.codecs.mayBeHeldIn?.(term, minDocFreq) ?? true;
  }

  /** Document `doc`'s most telling terms where the codecs list them (a static site's), else undefined. */
  listedTellingTerms(doc: number): readonly TellingTerm[] | undefined {
    return this.codecs.tellingTerms?.(doc);
  }

  /** (article number, doc) pairs sorted by number, decoded on first use (the writer's encodeIds). */
  private idPairs(): Uint32Array {
    if (!this.ids) this.ids = this.decoding("ids section", () => this.decodeIds());
    return this.ids;
  }

  private decodeIds(): Uint32Array {
    const r = new ByteReader(this.section("ids"));
    const pairs = new Uint32Array(this.docCount * 2);
    let number = 0;
    let doc = -1;
    for (let i = 0; i < pairs.length; i += 2) {
      number += r.varint();
      const step = r.varint();
      doc += step & 1 ? -((step + 1) >>> 1) : step >>> 1;
      pairs[i] = number;
      pairs[i + 1] = doc;
    }
    if (r.pos !== r.bytes.length || doc < 0 || doc >= this.docCount) throw this.corrupt("has a damaged ids section");
    return pairs;
  }

  /** The document's stored record; the last block read is kept, since neighbouring hits often share it. */
  stored(doc: number): StoredDoc {
    const packedDoc = this.packedStored(doc);
    return this.unpackStored(this.storeBlock!.index, () => storedDocOf(decodeMsgpack(packedDoc)));
  }

  /** The document's stored record still packed (msgpack), as the store keeps it. */
  packedStored(doc: number): Uint8Array {
    const block = this.storeBlockOf(doc);
    if (this.storeBlock?.index !== block.index) {
      const packed = this.compressedStoreBlock(block.index);
      this.storeBlock = { index: block.index, bytes: this.unpackStored(block.index, () => this.codecs.inflateStoreBlock(packed)) };
    }
    const bytes = this.storeBlock.bytes;
    const packedDoc = this.unpackStored(block.index, () => binaryElement(bytes, doc - block.first));
    if (!packedDoc) throw this.corrupt(`lacks stored document ${doc}`);
    return packedDoc;
  }

  /** The stored block holding `doc`, and the documents it holds, [first, end). */
  storeBlockOf(doc: number): { index: number; first: number; end: number } {
    const starts = (this.storeStarts ??= u32(this.section("storeDocs")));
    if (!(doc >= 0 && doc < this.docCount) || starts.length < 2 || starts[starts.length - 1] !== this.docCount) throw this.corrupt(`lacks stored document ${doc}`);
    // The last block whose first document is at or before doc.
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= doc) lo = mid;
      else hi = mid - 1;
    }
    return { index: lo, first: starts[lo]!, end: starts[lo + 1]! };
  }

  /** Stored block `index` as written: its documents, compressed. */
  compressedStoreBlock(index: number): Uint8Array {
    const [start, end] = this.storeBlockRange(index);
    return this.sectionRange("store", start, end - start);
  }

  /** Where stored block `index` lies in the store section, [start, end). */
  private storeBlockRange(index: number): [number, number] {
    if (this.storeOffsets) {
      const start = this.storeOffsets[index];
      const end = this.storeOffsets[index + 1];
      if (start === undefined || end === undefined) throw this.corrupt(`lacks stored block ${index}`);
      return [start, end];
    }
    // Read from the table one block at a time: checked here as isOffsetTable checks the whole table.
    if (!(Number.isInteger(index) && index >= 0 && (index + 2) * 4 <= this.header.sections.storeOffsets.length)) throw this.corrupt(`lacks stored block ${index}`);
    const pair = u32(this.sectionRange("storeOffsets", index * 4, 8));
    const start = pair[0]!;
    const end = pair[1]!;
    if (start > end || end > this.header.sections.store.length) throw this.corrupt("is damaged (the store's block offsets)");
    return [start, end];
  }

  /** Every term's dictionary entry, in order (for a build updating the index). */
  *allTerms(): Generator<TermEntry> {
    yield* this.dictionary.allTerms();
  }

  /** The whole postings section: each term's list lies at its entry's offset (for a build updating the index). */
  allPostings(): Uint8Array {
    return this.section("postings");
  }

  /** The whole positions section (for a build updating the index): term `ordinal`'s list is at allPositionOffsets()[ordinal]. */
  allPositions(): Uint8Array {
    return this.section("positions");
  }

  /** Where each term's positions list starts in the positions section, by ordinal, and where the last ends. */
  allPositionOffsets(): Uint32Array {
    const offsets = u32(this.section("positionOffsets"));
    if (offsets.length !== this.header.termCount + 1) throw this.corrupt("has a damaged positionOffsets section");
    return offsets;
  }

  /** Each document's source digest, DIGEST_BYTES apiece (for a build updating the index). */
  sourceDigests(): Uint8Array {
    try {
      return decodeSources(this.section("sources"), this.docCount);
    } catch (err) {
      throw this.corrupt("has a damaged sources section", err);
    }
  }

  /** Runs a decoding step of stored block `index`, turning a failure into a clear index error. */
  private unpackStored<T>(index: number, decode: () => T): T {
    return this.decoding(`stored block (${index})`, decode);
  }

  /** Runs a decoding step of `what`, turning a failure (bytes that run out, a value out of range) into an index-corrupt error. */
  private decoding<T>(what: string, decode: () => T): T {
    try {
      return decode();
    } catch (err) {
      // Bytes a fetching source has yet to fetch are not damage.
      if (err instanceof KbSearchError || err instanceof BytesNotHere) throw err;
      throw this.corrupt(`has a damaged ${what}`, err);
    }
  }

  private sectionStart(name: SectionName): number {
    return this.dataStart + this.header.sections[name].offset;
  }

  private section(name: SectionName): Uint8Array {
    return this.readData(this.sectionStart(name), this.header.sections[name].length);
  }

  /** Bytes [offset, offset + length) of a section, as an entry read from the file names them: checked to lie within it. */
  private sectionRange(name: SectionName, offset: number, length: number): Uint8Array {
    if (!isRange(offset, length, this.header.sections[name].length)) {
      throw this.corrupt(`is damaged (a read of ${length} bytes at ${offset} lies outside section ${name})`);
    }
    return this.readData(this.sectionStart(name) + offset, length);
  }

  /** Bytes of the data region, read whole chunks at a time until each chunk has been checked once. */
  private readData(position: number, length: number): Uint8Array {
    const relative = position - this.dataStart;
    if (!isRange(relative, length, this.integrity.dataBytes)) throw this.corrupt(`is damaged (a read at ${position} lies past the end)`);
    if (length === 0) return EMPTY;
    const first = Math.floor(relative / CHUNK_BYTES);
    const last = Math.floor((relative + length - 1) / CHUNK_BYTES);
    if (!this.codecs.verifiesChunks || this.verified.subarray(first, last + 1).every((v) => v === 1)) return this.readAt(position, length);
    const spanStart = first * CHUNK_BYTES;
    const span = this.readAt(this.dataStart + spanStart, Math.min((last + 1) * CHUNK_BYTES, this.integrity.dataBytes) - spanStart);
    const bad = firstBadChunk(span, first, this.integrity.chunkCrcs, this.codecs.crc32);
    if (bad >= 0) {
      const from = this.dataStart + bad * CHUNK_BYTES;
      throw this.corrupt(`is damaged: checksum mismatch in bytes ${from}-${Math.min(from + CHUNK_BYTES, this.fileSize)} (${this.sectionsAt(bad * CHUNK_BYTES)})`);
    }
    this.verified.fill(1, first, last + 1);
    return span.subarray(relative - spanStart, relative - spanStart + length);
  }

  /** The sections overlapping the chunk starting at data offset `start`, for error messages. */
  private sectionsAt(start: number): string {
    const names = SECTION_NAMES.filter((name) => {
      const s = this.header.sections[name];
      return s.offset < start + CHUNK_BYTES && s.offset + s.length > start;
    });
    return names.length ? `section ${names.join(", ")}` : "padding";
  }

  /** Bytes of the file; every read goes through here, so none is made of a range the file does not hold. */
  private readAt(position: number, length: number): Uint8Array {
    if (!isRange(position, length, this.fileSize)) throw this.corrupt(`is damaged or truncated (a read of ${length} bytes at ${position} lies past its ${this.fileSize} bytes)`);
    const bytes = this.source.read(position, length);
    if (bytes.length < length) throw this.corrupt("is truncated");
    return bytes;
  }

  /** An index-corrupt error naming the file and how to rebuild it. */
  private corrupt(what: string, cause?: unknown): KbSearchError {
    return new KbSearchError("index-corrupt", `${this.path} ${what}${this.advice()}`, { cause });
  }

  /** The rebuild advice as a message ends with it. */
  private advice(): string {
    return this.rebuild ? `: ${this.rebuild}` : "";
  }
}
