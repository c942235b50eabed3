/**
 * Writes an index file (layout in format.ts) and publishes it atomically: everything goes to a
 * temporary file beside the old index, is flushed to disk, then renamed over it, so a failed or
 * interrupted build leaves the previous index in place and readers never see half a file. The
 * stored blocks, the bulk of an index, go to a temporary file of their own as they are compressed
 * once they pass MAX_STORED_BYTES, and are copied into the index at the end, so a build holds
 * little of a large source's (temp-file.ts).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, crc32 } from "node:zlib";
import { pack } from "msgpackr";
import { KbSearchError } from "../errors.js";
import type { InvertedIndex } from "../indexer/postings.js";
import { bytesOf } from "./bytes.js";
import { ChunkChecksums, chunkCount } from "./checksum.js";
import { StoreBlockCompressor, storeDictionaryCrc } from "./store-blocks.js";
import type { IndexReader } from "./reader.js";
import {
  dataStart, FIELD_COUNT, fieldLengthCode, FORMAT_VERSION, HEADER_LENGTH_AT, INDEX_FILE, LENGTH_OF_CODE, MAGIC, PREAMBLE_BYTES, TERMS_PER_BLOCK,
  SECTION_NAMES, type SectionName, type SectionRange, type StoredHeader,
} from "./format.js";
import { encodeSkipTable, skipTableBytes } from "./postings.js";
import { TEMP_INFIX, TempFile, temporaryPath, writeFailure } from "./temp-file.js";
import { ByteWriter } from "./varint.js";

const compress = promisify(brotliCompress);
/** The docMeta section: quality 6 over a 256 KB window, as fast as 5 and smaller. */
const BROTLI_OPTIONS = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6, [zlibConstants.BROTLI_PARAM_LGWIN]: 18 } };
const encoder = new TextEncoder();
/**
 * Compressed stored blocks held in memory, at most (the whole archive's are 50 MB): past this they
 * all go to a temporary file, so a large source's build holds only the few being compressed.
 */
export const MAX_STORED_BYTES = 32 * 1024 * 1024;
/** Bytes written to the index file at a time (sections in memory and streamed alike go through it). */
const WRITE_BUFFER_BYTES = 1 << 20;

/** A section as the writer takes it: bytes in memory, or a length and a way to hand its bytes over in order. */
type Section = Uint8Array | { readonly length: number; writeTo(write: (bytes: Uint8Array) => void): void };

/** One article as handed to the writer. */
export interface DocumentToStore {
  number: number;
  /** The digest of the source file it was read from (sources.ts). */
  digest: Uint8Array;
  /** The size of that file in bytes (the header's textBytes sums them). */
  sourceBytes: number;
  /** Length in terms of each field (FIELDS order). */
  fieldLengths: ArrayLike<number>;
  /** Its StoredDoc, msgpack-packed (packed where it was analyzed, maybe another thread). */
  stored: Uint8Array;
}

/** An article carried over unchanged from the previous index: its stored record and length codes are copied from there. */
export interface CarriedDocument extends Omit<DocumentToStore, "stored" | "fieldLengths"> {
  /** Its document in the previous index. */
  from: number;
  /** Its field lengths' codes there (fieldLengthCode). */
  lengthCodes: ArrayLike<number>;
}

export class IndexWriter {
  private fieldLengths = new Uint8Array(FIELD_COUNT * 1024);
  private readonly numbers: number[] = [];
  private readonly digests: Uint8Array[] = [];
  /**
   * Compressed store blocks, in order as they are done (compression runs on the thread pool while
   * analysis goes on, a few blocks at a time): held in memory up to `maxStoredBytes`, then all in
   * a temporary file. `stored` settles once the last block handed over is in, and `storedLengths`
   * holds each block's size.
   */
  private heldBlocks: Uint8Array[] = [];
  private heldBytes = 0;
  private storeFile: TempFile | undefined;
  private stored: Promise<void> = Promise.resolve();
  private readonly storedLengths: number[] = [];
  private readonly compressor = new StoreBlockCompressor();
  /** Each store block's first document. */
  private readonly storeStarts: number[] = [];
  private sourceBytes = 0;
  private readonly fieldTotals = new Array<number>(FIELD_COUNT).fill(0);

  /**
   * Writes the index into `dir`; `previous` is the index that carried documents come from;
   * `maxStoredBytes` of compressed stored blocks are held in memory, more go to a temporary file.
   */
  constructor(private readonly dir: string, private readonly previous?: IndexReader, private readonly maxStoredBytes = MAX_STORED_BYTES) {}

  get docCount(): number {
    return this.numbers.length;
  }

  /** Bytes of the source files of the documents added so far. */
  get textBytes(): number {
    return this.sourceBytes;
  }

  /** Resolves once the stored blocks waiting to be compressed hold at most `bytes` (undefined: already so). */
  storeBacklogAtMost(bytes: number): Promise<void> | undefined {
    return this.compressor.backlogAtMost(bytes);
  }

  addDocument(doc: DocumentToStore): void {
    this.add(doc, Array.from(doc.fieldLengths, (length, f) => fieldLengthCode(f, length)), doc.stored);
  }

  addCarried(doc: CarriedDocument): void {
    if (!this.previous) throw new Error("a carried document needs the previous index");
    // An index written before kept every length in finer steps, and the meta field's: as a fresh build keeps them.
    this.add(doc, Array.from(doc.lengthCodes, (code, f) => fieldLengthCode(f, LENGTH_OF_CODE[code]!)), doc.from);
  }

  private add(doc: Omit<DocumentToStore, "stored" | "fieldLengths">, lengthCodes: ArrayLike<number>, stored: Uint8Array | number): void {
    const n = this.numbers.length;
    this.numbers.push(doc.number);
    this.digests.push(doc.digest);
    if ((n + 1) * FIELD_COUNT > this.fieldLengths.length) {
      const grown = new Uint8Array(this.fieldLengths.length * 2);
      grown.set(this.fieldLengths);
      this.fieldLengths = grown;
    }
    for (let f = 0; f < FIELD_COUNT; f++) {
      const code = lengthCodes[f]!;
      this.fieldLengths[n * FIELD_COUNT + f] = code;
      // Means of the lengths as stored, so an index carrying documents over has a fresh build's.
      this.fieldTotals[f]! += LENGTH_OF_CODE[code]!;
    }
    this.sourceBytes += doc.sourceBytes;
    this.storeDocument(stored);
  }

  /**
   * Lays out every section and writes the file into its folder, replacing any index there. Returns
   * its size. Throws KbSearchError "build" when it cannot be written, leaving the old index in
   * place. The stored blocks' temporary file is removed either way.
   */
  async publish(inverted: InvertedIndex, info: { source: string; analyzerId: string; docMeta: Uint8Array }): Promise<number> {
    try {
      return await this.write(inverted, info);
    } finally {
      await this.dispose();
    }
  }

  private async write(inverted: InvertedIndex, info: { source: string; analyzerId: string; docMeta: Uint8Array }): Promise<number> {
    const docCount = this.numbers.length;
    await this.stored;
    const { storeFile, heldBlocks } = this;
    const dictionary = encodeDictionary(inverted);
    const positions = withSkipTables(inverted);

    const sections: Record<SectionName, Section> = {
      blockIndex: encoder.encode(dictionary.blockKeys.join("\n")),
      blockOffsets: bytesOf(Uint32Array.from(dictionary.blockOffsets)),
      dictionary: dictionary.bytes,
      postings: inverted.postings,
      positions,
      positionOffsets: bytesOf(Uint32Array.from(offsetsOf(positions.listLengths))),
      fieldLengths: this.fieldLengths.slice(0, docCount * FIELD_COUNT),
      ids: encodeIds(this.numbers),
      docMeta: await compress(info.docMeta, BROTLI_OPTIONS),
      sources: concat(this.digests),
      storeDocs: bytesOf(Uint32Array.from([...this.storeStarts, docCount])),
      storeOffsets: bytesOf(Uint32Array.from(offsetsOf(this.storedLengths))),
      store: storeFile
        ? { length: storeFile.length, writeTo: (write) => storeFile.reader(0).pipe(storeFile.length, write) }
        : { length: this.heldBytes, writeTo: (write) => heldBlocks.forEach(write) },
    };

    // The data region: each section at its 8-byte aligned offset, zero padding between.
    const ranges = {} as Record<SectionName, SectionRange>;
    let dataBytes = 0;
    for (const name of SECTION_NAMES) {
      ranges[name] = { offset: align8(dataBytes), length: sections[name].length };
      dataBytes = ranges[name].offset + sections[name].length;
    }
    const header: StoredHeader = {
      formatVersion: FORMAT_VERSION,
      analyzerId: info.analyzerId,
      createdAt: new Date().toISOString(),
      source: info.source,
      docCount,
      termCount: inverted.terms.length,
      blockCount: dictionary.blockKeys.length,
      avgFieldLength: this.fieldTotals.map((total) => (docCount ? total / docCount : 0)),
      textBytes: this.sourceBytes,
      storeDictionaryCrc: storeDictionaryCrc(),
      sections: ranges,
      // Filled in once the data is written: a table of the same size packs to the same length.
      integrity: { dataBytes, chunkCrcs: new Uint8Array(chunkCount(dataBytes) * 4) },
    };
    return writeAtomically(this.dir, (file) => {
      const headerLength = pack(header).length;
      file.reserveHead(dataStart(headerLength));
      const checksums = new ChunkChecksums();
      file.onFlush = (bytes) => checksums.update(bytes);
      for (const name of SECTION_NAMES) {
        file.write(new Uint8Array(ranges[name].offset - (file.length - file.dataStart)));
        const section = sections[name];
        if (section instanceof Uint8Array) file.write(section);
        else section.writeTo((bytes) => file.write(bytes));
      }
      file.flush();
      header.integrity.chunkCrcs = checksums.finish();
      const headerBytes = pack(header);
      if (headerBytes.length !== headerLength) throw new Error("the index header changed length as its checksums were filled in");
      const preamble = Buffer.alloc(PREAMBLE_BYTES);
      preamble.write(MAGIC, 0, "latin1");
      preamble.writeUInt32LE(FORMAT_VERSION, 8);
      preamble.writeUInt32LE(headerBytes.length, HEADER_LENGTH_AT);
      preamble.writeUInt32LE(crc32(headerBytes), 16);
      file.writeAt(Buffer.concat([preamble, headerBytes]), 0);
    });
  }

  /**
   * Removes the temporary file of stored blocks once no block is on its way to it (the index is
   * written, or the build failed with blocks still compressing).
   */
  async dispose(): Promise<void> {
    await this.stored.catch(() => {});
    this.heldBlocks = [];
    this.storeFile?.remove();
    this.storeFile = undefined;
  }

  /**
   * Hands document `stored` (a new record, or a carried one by its previous document) to the
   * compressor as a stored block of its own (format.ts: a hit inflates only its article).
   */
  private storeDocument(stored: Uint8Array | number): void {
    this.storeStarts.push(this.numbers.length - 1);
    const same = typeof stored === "number" ? this.previousBlockAsIs(stored) : undefined;
    let block: Promise<Uint8Array>;
    if (same) {
      block = Promise.resolve(same);
    } else {
      // A block is an array of packed records (an index from before held several to a block).
      const packed = typeof stored === "number" ? this.previous!.packedStored(stored) : stored;
      block = this.compressor.compress(pack([packed]));
    }
    // Appended in order, each once it and the blocks before it are done.
    this.stored = this.stored.then(async () => {
      const bytes = await block;
      this.storedLengths.push(bytes.length);
      if (this.storeFile) return this.storeFile.append(bytes);
      this.heldBlocks.push(bytes);
      this.heldBytes += bytes.length;
      if (this.heldBytes <= this.maxStoredBytes) return;
      this.storeFile = new TempFile(this.dir, temporaryPath(this.dir, "store"));
      for (const held of this.heldBlocks) this.storeFile.append(held);
      this.heldBlocks = [];
    });
    // A build that fails before publishing never awaits it: not an unhandled rejection.
    this.stored.catch(() => {});
  }

  /**
   * The previous index's compressed block when carried document `previousDoc` was a block of its
   * own there: it is copied, not recompressed (what makes an update of a few articles fast).
   */
  private previousBlockAsIs(previousDoc: number): Uint8Array | undefined {
    const block = this.previous!.storeBlockOf(previousDoc);
    if (block.first !== previousDoc || block.end !== previousDoc + 1) return undefined;
    return this.previous!.compressedStoreBlock(block.index);
  }
}

/**
 * The positions section as written: each term's positions list with its skip table before it
 * (store/postings.ts), made a term at a time as the section is written, from the term's postings
 * and positions lists read again in order; and each list's length with its table.
 */
function withSkipTables(inverted: InvertedIndex): Section & { listLengths: Uint32Array } {
  const { docFreqs, postings, positions, positionLengths } = inverted;
  const listLengths = Uint32Array.from(docFreqs, (df, t) => skipTableBytes(df) + positionLengths[t]!);
  return {
    length: listLengths.reduce((sum, n) => sum + n, 0),
    listLengths,
    writeTo(write) {
      const postingLists = postings.lists()[Symbol.iterator]();
      let t = 0;
      for (const entries of positions.lists()) {
        const termPostings = postingLists.next().value as Uint8Array;
        const df = docFreqs[t++]!;
        if (skipTableBytes(df) > 0) write(encodeSkipTable(termPostings, entries, df));
        write(entries);
      }
    },
  };
}

/** Front-coded dictionary blocks: per term, shared-prefix length, suffix, df and postings length. */
function encodeDictionary(inverted: InvertedIndex): { bytes: Uint8Array; blockKeys: string[]; blockOffsets: number[] } {
  const out = new ByteWriter(1 << 20);
  const blockKeys: string[] = [];
  const blockOffsets: number[] = [];
  let postingsOffset = 0;
  let prev = "";
  inverted.terms.forEach((term, i) => {
    if (i % TERMS_PER_BLOCK === 0) {
      blockKeys.push(i === 0 ? term : blockKey(inverted.terms[i - 1]!, term));
      blockOffsets.push(out.length);
      out.varint(postingsOffset);
      prev = "";
    }
    let shared = 0;
    const limit = Math.min(prev.length, term.length);
    while (shared < limit && prev.charCodeAt(shared) === term.charCodeAt(shared)) shared++;
    const suffix = encoder.encode(term.slice(shared));
    out.varint(shared);
    out.varint(suffix.length);
    out.raw(suffix);
    out.varint(inverted.docFreqs[i]!);
    const length = inverted.lengths[i]!;
    out.varint(length);
    postingsOffset += length;
    prev = term;
  });
  blockOffsets.push(out.length);
  return { bytes: out.view(), blockKeys, blockOffsets };
}

/**
 * What the block index keeps of a block starting at `first` after one ending at `last`: the shortest
 * beginning of `first` that sorts after `last`. Every term of the block sorts at or after it and
 * every term before the block sorts before it, which is all a look-up asks of the block index, and
 * the archive's block index, which a static site's page fetches whole when it opens, is a quarter
 * smaller (25 -> 19 KB deflated). A pair of UTF-16 surrogates is not cut.
 */
function blockKey(last: string, first: string): string {
  let shared = 0;
  while (shared < last.length && last.charCodeAt(shared) === first.charCodeAt(shared)) shared++;
  let end = Math.min(first.length, shared + 1);
  const code = first.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff && end < first.length) end++;
  return first.slice(0, end);
}

/** (article number, doc) pairs sorted by number, for id look-ups by binary search. */
/**
 * The ids section: (article number, doc) pairs sorted by number, each as varints of the number's
 * gap from the previous one and of the document's step from the previous one (zigzag, since a
 * source need not list articles in number order). Archives list them nearly in order: about two
 * bytes a pair.
 */
function encodeIds(numbers: number[]): Uint8Array {
  const order = numbers.map((_, doc) => doc).sort((a, b) => numbers[a]! - numbers[b]!);
  const out = new ByteWriter(order.length * 3);
  let lastNumber = 0;
  let lastDoc = -1;
  for (const doc of order) {
    out.varint(numbers[doc]! - lastNumber);
    const step = doc - lastDoc;
    out.varint(step >= 0 ? step * 2 : -step * 2 - 1);
    lastNumber = numbers[doc]!;
    lastDoc = doc;
  }
  return out.view();
}

/** Where each of pieces of these lengths starts when laid one after another, and where the last ends. */
function offsetsOf(lengths: ArrayLike<number>): number[] {
  const offsets = [0];
  for (let i = 0; i < lengths.length; i++) offsets.push(offsets[i]! + lengths[i]!);
  return offsets;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** The index file being written: buffered appends, a hook for each flushed piece (the checksums), and writes at an offset. */
class IndexFileWriter {
  private readonly buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private buffered = 0;
  /** Bytes written so far (flushed or not). */
  length = 0;
  /** Where the data region starts: after the room reserved for the preamble, header and padding. */
  dataStart = 0;
  /** Called with each piece of the data region as it is flushed. */
  onFlush: ((bytes: Uint8Array) => void) | undefined;
  private flushed = 0;

  constructor(private readonly fd: number) {}

  /** Leaves the file's first `bytes` bytes for the preamble and header, written last (writeAt). */
  reserveHead(bytes: number): void {
    this.writeAt(new Uint8Array(bytes), 0);
    this.length = this.flushed = this.dataStart = bytes;
  }

  write(bytes: Uint8Array): void {
    if (this.buffered + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) this.put(bytes);
    else {
      this.buffer.set(bytes, this.buffered);
      this.buffered += bytes.length;
    }
    this.length += bytes.length;
  }

  flush(): void {
    if (this.buffered === 0) return;
    this.put(this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }

  writeAt(bytes: Uint8Array, position: number): void {
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, position + done);
  }

  /** Appends `bytes` after what was flushed. */
  private put(bytes: Uint8Array): void {
    this.onFlush?.(bytes);
    this.writeAt(bytes, this.flushed);
    this.flushed += bytes.length;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Writes the index through `write` to a temporary file in `dir`, flushes it, renames it over the
 * index and returns its size. On any failure (a full disk, say) the temporary file is removed and
 * the index there before is left as it was.
 */
function writeAtomically(dir: string, write: (file: IndexFileWriter) => void): number {
  const finalPath = join(dir, INDEX_FILE);
  const tmpPath = temporaryPath(dir);
  let size = 0;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmpPath, "w");
    try {
      const file = new IndexFileWriter(fd);
      write(file);
      file.flush();
      size = file.length;
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmpPath, finalPath);
  } catch (err) {
    rmSync(tmpPath, { force: true });
    if (err instanceof KbSearchError) throw err;
    throw writeFailure(dir, err);
  }
  syncDirectory(dir);
  return size;
}

/**
 * Removes temporary files that builds killed while writing left in `dir`. Only the holder of the
 * build lock may call this, since a running build's temporary file looks the same.
 */
export function removeTemporaryFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // No folder yet, nothing left over.
  }
  for (const name of names) if (name.startsWith(INDEX_FILE + TEMP_INFIX)) rmSync(join(dir, name), { force: true });
}

/** Makes the rename itself durable; some platforms cannot open a directory, which is harmless. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directory fsync is best effort.
  }
}
