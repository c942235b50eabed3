/**
 * Updating an index. The index already at the build's target, checked whole first, tells for each
 * source file whether it holds that very file (by digest) and lends what it made of it: postings,
 * field lengths, facts and stored record. Only new and changed articles are then parsed and
 * analyzed, and the result is the index a fresh build of the same source gives, byte for byte but
 * for the header's build time and source name.
 */
import { createHash } from "node:crypto";
import { closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { KbSearchError } from "../errors.js";
import { articleNumber } from "../parse/article.js";
import type { DocMetaColumns } from "../store/docmeta.js";
import { FIELD_COUNT, INDEX_FILE } from "../store/format.js";
import { mergePositions, mergePostings, skipTableBytes } from "../store/postings.js";
import { IndexReader } from "../store/reader.js";
import { DIGEST_BYTES } from "../store/sources.js";
import { ByteWriter } from "../store/varint.js";
import type { IndexWriter } from "../store/writer.js";
import type { DocMetaBuilder } from "./docmeta.js";
import { listsInMemory, type InvertedIndex } from "./postings.js";

/** What an update did, by article. */
export interface UpdateCounts {
  added: number;
  /** In the index before, re-read because their source file changed. */
  changed: number;
  /** In the index before, gone from the source now (or no longer usable: see the skipped list). */
  removed: number;
  unchanged: number;
}

/**
 * The digest a source file is known by: its text's, and the article number its path gives, since
 * the parser falls back on that number when the text names none.
 */
export function sourceDigest(path: string, text: string): Uint8Array {
  return createHash("sha1").update(`${articleNumber(path) ?? ""}\n`).update(text).digest().subarray(0, DIGEST_BYTES);
}

/** Why the index there cannot be updated, and what can still be read of it. */
export interface CannotUpdate {
  reason: string;
  /** A regular file stands in the index's place (not a folder or a FIFO: those hold no index to lose). */
  isIndexFile: boolean;
  /** The source its header names, when that can still be read (recordedSource). */
  builtFrom: string | undefined;
}

/** How many bytes of a damaged index are searched for the source its header names (the header starts with it). */
const SOURCE_SEARCH_BYTES = 64 * 1024;
/** msgpack's encoding of the header's key "source": a fixstr of 6 bytes. */
const SOURCE_KEY = Buffer.from([0xa6, ...Buffer.from("source")]);

/**
 * The source an index file's header names, read as well as a damaged file or one of another format
 * allows: the string after the header's key "source", wherever it stands in the file's first
 * bytes (a damaged header length or checksum does not stop it). Undefined when none can be read.
 */
export function recordedSource(file: string): string | undefined {
  let head: Buffer;
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      head = Buffer.alloc(SOURCE_SEARCH_BYTES);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const at = head.indexOf(SOURCE_KEY);
  if (at < 0) return undefined;
  let start = at + SOURCE_KEY.length + 1;
  const type = head[start - 1];
  let length: number;
  if (type === undefined) return undefined;
  if (type >= 0xa0 && type <= 0xbf) length = type & 0x1f;
  else if (type === 0xd9 && start < head.length) length = head[start++]!;
  else if (type === 0xda && start + 1 < head.length) length = head.readUInt16BE((start += 2) - 2);
  else return undefined;
  if (start + length > head.length) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(start, start + length));
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Digests as map keys. */
function digestKey(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString("latin1");
}

export class PreviousIndex {
  private readonly byDigest = new Map<string, number>();
  private readonly numbers: Uint32Array;
  private readonly digests: Uint8Array;
  private readonly lengthCodes: Uint8Array;
  private readonly docMeta: DocMetaColumns;
  /** Each previous document's number in the new index, -1 until (unless) it is carried over. */
  private readonly renumber: Int32Array;
  private lastCarried = -1;
  private readonly counts: UpdateCounts = { added: 0, changed: 0, removed: 0, unchanged: 0 };

  /**
   * The index in `dir` ready to be updated; otherwise why it cannot be, and the source its header
   * names as far as it can still be read (`cannot` undefined when there is no index: a first
   * build needs no reason). Every byte of it is checked first, so that nothing damaged is carried
   * into the new index.
   */
  static open(dir: string): { previous: PreviousIndex } | { cannot: CannotUpdate | undefined } {
    let reader: IndexReader | undefined;
    try {
      reader = IndexReader.open(dir, "");
      reader.verify();
      return { previous: new PreviousIndex(reader) };
    } catch (err) {
      reader?.close();
      if (!(err instanceof KbSearchError)) throw err;
      if (err.code === "index-missing") return { cannot: undefined };
      const file = join(dir, INDEX_FILE);
      const isIndexFile = isFile(file);
      return { cannot: { reason: err.message, isIndexFile, builtFrom: isIndexFile ? recordedSource(file) : undefined } };
    }
  }

  private constructor(readonly reader: IndexReader) {
    this.numbers = reader.articleNumbers();
    this.digests = reader.sourceDigests();
    this.lengthCodes = reader.fieldLengthCodes;
    this.docMeta = reader.docMeta();
    this.renumber = new Int32Array(reader.docCount).fill(-1);
    const digests = this.digests;
    for (let doc = 0; doc < reader.docCount; doc++) {
      this.byDigest.set(digestKey(digests.subarray(doc * DIGEST_BYTES, (doc + 1) * DIGEST_BYTES)), doc);
    }
  }

  /** True when a previous document holds the source file with this digest (carriable or not). */
  holds(digest: Uint8Array): boolean {
    return this.byDigest.has(digestKey(digest));
  }

  /**
   * The previous document that holds the source file with this digest, when it can be carried
   * over: documents keep the source's order, so one met out of its old order is read anew.
   */
  carriable(digest: Uint8Array): number | undefined {
    const doc = this.byDigest.get(digestKey(digest));
    return doc !== undefined && doc > this.lastCarried ? doc : undefined;
  }

  /** The article number of previous document `doc`. */
  numberOf(doc: number): number {
    return this.numbers[doc]!;
  }

  /** Adds previous document `from` to the new index, as its next document: its stored record, lengths and facts. */
  carry(from: number, sourceBytes: number, writer: IndexWriter, docMeta: DocMetaBuilder): void {
    this.renumber[from] = writer.docCount;
    this.lastCarried = from;
    this.counts.unchanged++;
    writer.addCarried({
      number: this.numbers[from]!,
      digest: this.digests.subarray(from * DIGEST_BYTES, (from + 1) * DIGEST_BYTES),
      sourceBytes,
      lengthCodes: this.lengthCodes.subarray(from * FIELD_COUNT, (from + 1) * FIELD_COUNT),
      from,
    });
    docMeta.carry(this.docMeta, from);
  }

  /** Counts an article that was read anew: added, changed, or unchanged but met out of its old order. */
  countRead(number: number, digest: Uint8Array): void {
    const before = this.reader.docForArticle(number);
    if (before === undefined) this.counts.added++;
    else if (this.byDigest.get(digestKey(digest)) === before) this.counts.unchanged++;
    else this.counts.changed++;
  }

  /** What the update did, once every article is in. */
  finishCounts(): UpdateCounts {
    return { ...this.counts, removed: this.reader.docCount - this.counts.unchanged - this.counts.changed };
  }

  /**
   * The new inverted index: per term, the postings of the carried documents (renumbered) and those
   * of the articles read anew (`fresh`, already in the new numbering), in document order. A term
   * left with no document (all its articles gone or changed) is dropped, as a fresh build would.
   */
  merge(fresh: InvertedIndex): InvertedIndex {
    if (this.lastCarried < 0) return fresh; // Nothing carried over: the new articles' postings are all there is.
    const carried = this.reader.allPostings();
    const carriedPositions = this.reader.allPositions();
    const positionOffsets = this.reader.allPositionOffsets();
    const out = new ByteWriter(carried.length + fresh.postings.length);
    const outPositions = new ByteWriter(carriedPositions.length + fresh.positions.length);
    const terms: string[] = [];
    const docFreqs: number[] = [];
    const lengths: number[] = [];
    const positionLengths: number[] = [];
    type Lists = { postings: Uint8Array; positions: Uint8Array };
    const add = (term: string, before: Lists, added: Lists, addedCount: number) => {
      const start = out.length;
      const positionsStart = outPositions.length;
      let count = addedCount;
      // A term only new articles hold is already encoded in the new numbering.
      if (before.postings.length === 0) {
        out.raw(added.postings);
        outPositions.raw(added.positions);
      } else {
        count = mergePostings(out, before.postings, this.renumber, added.postings);
        if (count > 0) mergePositions(outPositions, before, this.renumber, added);
      }
      if (count === 0) return;
      terms.push(term);
      docFreqs.push(count);
      lengths.push(out.length - start);
      positionLengths.push(outPositions.length - positionsStart);
    };
    const none: Lists = { postings: new Uint8Array(0), positions: new Uint8Array(0) };
    let next = 0;
    const freshPostings = fresh.postings.lists()[Symbol.iterator]();
    const freshPositions = fresh.positions.lists()[Symbol.iterator]();
    /** Adds the next term of `fresh`, with `before` the previous index's lists of the same term. */
    const addFresh = (before: Lists) => {
      const added = { postings: freshPostings.next().value as Uint8Array, positions: freshPositions.next().value as Uint8Array };
      add(fresh.terms[next]!, before, added, fresh.docFreqs[next]!);
      next++;
    };
    for (const entry of this.reader.allTerms()) {
      while (next < fresh.terms.length && fresh.terms[next]! < entry.term) addFresh(none);
      // The entries alone: the writer puts a skip table before each list anew.
      const positions = carriedPositions.subarray(positionOffsets[entry.ordinal]! + skipTableBytes(entry.docFreq), positionOffsets[entry.ordinal + 1]!);
      const before = { postings: carried.subarray(entry.offset, entry.offset + entry.length), positions };
      if (fresh.terms[next] === entry.term) addFresh(before);
      else add(entry.term, before, none, 0);
    }
    while (next < fresh.terms.length) addFresh(none);
    return {
      terms, docFreqs: Uint32Array.from(docFreqs), lengths: Uint32Array.from(lengths), postings: listsInMemory(out.view(), lengths),
      positionLengths: Uint32Array.from(positionLengths), positions: listsInMemory(outPositions.view(), positionLengths),
    };
  }

  close(): void {
    this.reader.close();
  }
}
