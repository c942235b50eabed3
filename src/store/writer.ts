/**
 * Writes an index file (layout in format.ts) and publishes it atomically: everything goes to a
 * temporary file beside the old index, is flushed to disk, then renamed over it, so a failed or
 * interrupted build leaves the previous index in place and readers never see half a file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, crc32 } from "node:zlib";
import { pack } from "msgpackr";
import { KbSearchError } from "../errors.js";
import type { InvertedIndex } from "../indexer/postings.js";
import { bytesOf } from "./bytes.js";
import { ChunkChecksums } from "./checksum.js";
import { StoreBlockCompressor, storeDictionaryCrc } from "./store-blocks.js";
import type { IndexReader } from "./reader.js";
import {
  endsStoreBlock, FIELD_COUNT, FORMAT_VERSION, INDEX_FILE, LENGTH_OF_CODE, lengthCode, MAGIC, PREAMBLE_BYTES, TERMS_PER_BLOCK,
  type SectionName, type SectionRange, type StoredHeader,
} from "./format.js";
import { withSkipTables } from "./postings.js";
import { ByteWriter } from "./varint.js";

const compress = promisify(brotliCompress);
/** The docMeta section: quality 6 over a 256 KB window, as fast as 5 and smaller. */
const BROTLI_OPTIONS = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6, [zlibConstants.BROTLI_PARAM_LGWIN]: 18 } };
const encoder = new TextEncoder();
/** Temporary files are named `kbsearch.idx.tmp-PID`. */
const TEMP_INFIX = ".tmp-";

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
  /** Its field lengths' codes there (lengthCode). */
  lengthCodes: ArrayLike<number>;
}

export class IndexWriter {
  private fieldLengths = new Uint8Array(FIELD_COUNT * 1024);
  private readonly numbers: number[] = [];
  private readonly digests: Uint8Array[] = [];
  /** The stored records of the block being filled: new ones, and carried ones by their previous document. */
  private pending: (Uint8Array | number)[] = [];
  /** Bytes of the source files of the pending documents (endsStoreBlock). */
  private pendingBytes = 0;
  /** Compressed store blocks, in order; compression runs on the thread pool while analysis goes on. */
  private readonly storeBlocks: Promise<Uint8Array>[] = [];
  private readonly compressor = new StoreBlockCompressor();
  /** Each store block's first document. */
  private readonly storeStarts: number[] = [];
  private sourceBytes = 0;
  private readonly fieldTotals = new Array<number>(FIELD_COUNT).fill(0);

  /** `previous` is the index that carried documents come from. */
  constructor(private readonly previous?: IndexReader) {}

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
    this.add(doc, Array.from(doc.fieldLengths, lengthCode), doc.stored);
  }

  addCarried(doc: CarriedDocument): void {
    if (!this.previous) throw new Error("a carried document needs the previous index");
    this.add(doc, doc.lengthCodes, doc.from);
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
    this.pending.push(stored);
    this.pendingBytes += doc.sourceBytes;
    if (endsStoreBlock(doc.digest, this.pendingBytes)) this.flushStoreBlock();
  }

  /**
   * Lays out every section and writes the file into `dir`, replacing any index there. Returns its
   * size. Throws KbSearchError "build" when it cannot be written, leaving the old index in place.
   */
  async publish(dir: string, inverted: InvertedIndex, info: { source: string; analyzerId: string; docMeta: Uint8Array }): Promise<number> {
    this.flushStoreBlock();
    const docCount = this.numbers.length;
    const storeBlocks = await Promise.all(this.storeBlocks);
    const dictionary = encodeDictionary(inverted);
    const positions = withSkipTables(inverted);

    const sections: Record<SectionName, Uint8Array> = {
      blockIndex: encoder.encode(dictionary.firstTerms.join("\n")),
      blockOffsets: bytesOf(Uint32Array.from(dictionary.blockOffsets)),
      dictionary: dictionary.bytes,
      postings: inverted.postings,
      positions: positions.positions,
      positionOffsets: bytesOf(Uint32Array.from(offsetsOf(positions.lengths))),
      fieldLengths: this.fieldLengths.slice(0, docCount * FIELD_COUNT),
      ids: encodeIds(this.numbers),
      docMeta: await compress(info.docMeta, BROTLI_OPTIONS),
      sources: concat(this.digests),
      storeDocs: bytesOf(Uint32Array.from([...this.storeStarts, docCount])),
      storeOffsets: bytesOf(Uint32Array.from(offsetsOf(storeBlocks.map((b) => b.length)))),
      store: concat(storeBlocks),
    };

    // The data region: each section at its 8-byte aligned offset, zero padding between.
    const ranges = {} as Record<SectionName, SectionRange>;
    const data: Uint8Array[] = [];
    const checksums = new ChunkChecksums();
    let dataBytes = 0;
    for (const [name, bytes] of Object.entries(sections) as [SectionName, Uint8Array][]) {
      const padding = new Uint8Array(align8(dataBytes) - dataBytes);
      ranges[name] = { offset: dataBytes + padding.length, length: bytes.length };
      for (const piece of [padding, bytes]) {
        data.push(piece);
        checksums.update(piece);
        dataBytes += piece.length;
      }
    }
    const header: StoredHeader = {
      formatVersion: FORMAT_VERSION,
      analyzerId: info.analyzerId,
      createdAt: new Date().toISOString(),
      source: info.source,
      docCount,
      termCount: inverted.terms.length,
      blockCount: dictionary.firstTerms.length,
      avgFieldLength: this.fieldTotals.map((total) => (docCount ? total / docCount : 0)),
      textBytes: this.sourceBytes,
      storeDictionaryCrc: storeDictionaryCrc(),
      sections: ranges,
      integrity: { dataBytes, chunkCrcs: checksums.finish() },
    };
    const headerBytes = pack(header);
    const preamble = Buffer.alloc(PREAMBLE_BYTES);
    preamble.write(MAGIC, 0, "latin1");
    preamble.writeUInt32LE(FORMAT_VERSION, 8);
    preamble.writeUInt32LE(headerBytes.length, 12);
    preamble.writeUInt32LE(crc32(headerBytes), 16);
    const headerEnd = PREAMBLE_BYTES + headerBytes.length;
    return writeAtomically(dir, [preamble, headerBytes, new Uint8Array(align8(headerEnd) - headerEnd), ...data]);
  }

  private flushStoreBlock(): void {
    if (this.pending.length === 0) return;
    this.storeStarts.push(this.numbers.length - this.pending.length);
    const same = this.previousBlockAsIs();
    if (same) {
      this.storeBlocks.push(Promise.resolve(same));
    } else {
      // Each document is packed on its own, so a reader unpacks only the one it wants.
      const packed = this.pending.map((doc) => (typeof doc === "number" ? this.previous!.packedStored(doc) : doc));
      this.storeBlocks.push(this.compressor.compress(pack(packed)));
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * The previous index's compressed block when the pending documents are exactly that block's,
   * in order: it is copied, not recompressed (what makes an update of a few articles fast).
   */
  private previousBlockAsIs(): Uint8Array | undefined {
    const first = this.pending[0];
    if (typeof first !== "number") return undefined;
    const block = this.previous!.storeBlockOf(first);
    if (block.first !== first || this.pending.length !== block.end - first || this.pending.some((doc, i) => doc !== first + i)) return undefined;
    return this.previous!.compressedStoreBlock(block.index);
  }
}

/** Front-coded dictionary blocks: per term, shared-prefix length, suffix, df and postings length. */
function encodeDictionary(inverted: InvertedIndex): { bytes: Uint8Array; firstTerms: string[]; blockOffsets: number[] } {
  const out = new ByteWriter(1 << 20);
  const firstTerms: string[] = [];
  const blockOffsets: number[] = [];
  let postingsOffset = 0;
  let prev = "";
  inverted.terms.forEach((term, i) => {
    if (i % TERMS_PER_BLOCK === 0) {
      firstTerms.push(term);
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
  return { bytes: out.view(), firstTerms, blockOffsets };
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

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Writes `pieces` to a temporary file in `dir`, flushes it, renames it over the index and returns
 * its size. On any failure (a full disk, say) the temporary file is removed and the index there
 * before is left as it was.
 */
function writeAtomically(dir: string, pieces: Uint8Array[]): number {
  const finalPath = join(dir, INDEX_FILE);
  const tmpPath = `${finalPath}${TEMP_INFIX}${process.pid}`;
  let size = 0;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmpPath, "w");
    try {
      for (const bytes of pieces) {
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, size + done);
        size += bytes.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmpPath, finalPath);
  } catch (err) {
    rmSync(tmpPath, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const advice = code === "ENOSPC" || code === "EDQUOT" ? "free some disk space and build again" : "check the folder and build again";
    throw new KbSearchError("build", `could not write the index in ${dir} (${(err as Error).message}); the index there before is unchanged: ${advice}`, { cause: err });
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
