/**
 * The on-disk index: one file, `kbsearch.idx`, laid out so that a query reads only what it needs.
 *
 *   [0, 8)    magic "KBSRCHIX"
 *   [8, 12)   format version (u32 LE)
 *   [12, 16)  header length H (u32 LE)
 *   [16, 20)  CRC-32 of the header
 *   [20, 20+H) header, msgpack (StoredHeader): counts, analyzer id, field statistics, the offset
 *             and length of every section below, and the data region's length and chunk checksums
 *   data region, from the next 8-byte boundary, checksummed in chunks (checksum.ts); in it the
 *   sections, each 8-byte aligned:
 *     blockIndex   every dictionary block's key, "\n"-joined UTF-8 (read at open): the first
 *                  block's first term, then the shortest beginning of a block's first term that
 *                  sorts after the term before it
 *     blockOffsets u32 offset of every dictionary block in `dictionary`, plus its end (read at open)
 *     dictionary   blocks of TERMS_PER_BLOCK front-coded terms with df, postings offset and length
 *     postings     per term, per document: varint(docDelta << 1 | simple); when not simple, a
 *                  byte naming the tf in each field by a fixed table (field-codes.ts), or an escape
 *                  byte, a field mask byte and a varint tf for each field in the mask; then the
 *                  term's title positions, delta-coded. "simple" means tf 1 in the body field
 *                  only, the commonest case by far.
 *     positions    per term, a skip table when it has more than SKIP_INTERVAL postings, then per posting
 *                  its word positions in each field (store/postings.ts; read only by a phrase)
 *     positionOffsets u32 offset of every term's positions list, plus the end
 *     fieldLengths a byte per document per field, the length's code (fieldLengthCode; read at open:
 *                  BM25F length normalization), 0 for a field whose length is not kept (LENGTH_KEPT)
 *     ids          (article number, doc) pairs sorted by number, as varint gaps (read for id look-ups)
 *     docMeta      brotli-compressed: per document the facts filters, facets and sorting need, as columns over small
 *                  string tables (docmeta.ts; read only by a query with filters, facets or a sort)
 *     sources      per document the digest of its source file, 8 bytes (sources.ts; read only by a build
 *                  updating the index)
 *     storeDocs    u32 per stored block: its first document; then the document count
 *     storeOffsets u32 per stored block + end (read at open)
 *     store        blocks, each a msgpack array of packed records (storedRecord), deflated with the store
 *                  dictionary: one document to a block (an index written by an earlier kbsearch has a few
 *                  to a block, ~16 KB of text, which readers read as well). A hit shown reads and
 *                  inflates only its own article (3.3 KB of text on average, 0.9 KB compressed)
 */

import type { Article } from "../parse/types.js";

export const MAGIC = "KBSRCHIX";
/**
 * 2: title positions in postings; 3: stored documents packed one by one; 4: header and data
 * checksums; 5: the docMeta section; 6: the sources section, docMeta's products-from-tag column and
 * stored blocks ending where their documents say (what an update needs to carry unchanged articles
 * over, and to recompress few blocks); 7: a posting's field frequencies as one code byte of a fixed
 * table rather than a field mask and a varint per field (the postings 5.6 MB smaller over the whole
 * archive); 8: stored blocks of ~16 KB deflated with the store dictionary (a hit inflates an eighth
 * of what it did), records as arrays; 9: docMeta's keywords hold the footer's Technology, Issue
 * type and Solution Type too; 10: the positions sections (each term's word positions in every field,
 * for phrases); 11: a skip table at the head of each long positions list (where each block of
 * SKIP_INTERVAL postings starts in the term's postings and positions), so that a phrase seeks through
 * a common word's lists instead of reading them whole. Other versions are refused with advice to rebuild.
 * (Format 11 indexes written since keep body lengths in steps of 10%, none for the meta field, and
 * shorter block-index keys; one written before is read as it is, and an update carrying its
 * articles over keeps their lengths as a fresh build would.)
 */
export const FORMAT_VERSION = 11;
export const INDEX_FILE = "kbsearch.idx";
export const PREAMBLE_BYTES = 20;
/** Where the preamble keeps the header's length (a u32, little-endian). */
export const HEADER_LENGTH_AT = 12;

/**
 * Where an index's data region starts: the 8-byte boundary after the preamble and a header of
 * `headerLength` bytes (arithmetic, not bit masks: a damaged length may pass 2^31).
 */
export function dataStart(headerLength: number): number {
  return Math.ceil((PREAMBLE_BYTES + headerLength) / 8) * 8;
}
export const TERMS_PER_BLOCK = 64;
/**
 * The store's deflate dictionary is at most deflate's window: lines many articles share
 * (store-dictionary.ts), so that small blocks compress nearly as well as large ones.
 */
export const STORE_DICTIONARY_BYTES = 32 * 1024;

/**
 * Field lengths take a byte each: a code for the length's logarithm in steps of 5%, as search
 * engines keep their length norms (fieldLengthCode says which codes a field's lengths take).
 */
const LENGTH_STEP = Math.log(1.05);
/** The code of `length`, to the nearest step of 5%. */
export function lengthCode(length: number): number {
  return codeInSteps(length, 1);
}

/** The code of `length` to the nearest of every `stride`-th code (steps of 5% each); 0 for a stride of 0. */
function codeInSteps(length: number, stride: number): number {
  if (length <= 0 || stride === 0) return 0;
  return Math.min(255, stride * Math.round(Math.log(length) / (stride * LENGTH_STEP)) + 1);
}
/** The length each code stands for. */
export const LENGTH_OF_CODE = Uint16Array.from({ length: 256 }, (_, code) => (code === 0 ? 0 : Math.min(0xffff, Math.round(Math.exp((code - 1) * LENGTH_STEP)))));

/** The fields an article is indexed in, in posting-mask bit order. */
export const FIELDS = ["title", "queryWords", "meta", "lead", "body"] as const;
export type FieldName = (typeof FIELDS)[number];
export const FIELD = { title: 0, queryWords: 1, meta: 2, lead: 3, body: 4 } as const;
export const FIELD_COUNT = FIELDS.length;
/**
 * How many codes apart the lengths kept of each field lie. The body's use every other code, steps
 * of 10%: its length normalization needs no finer a one (dev MRR@10 unchanged on every class,
 * real-dev's held-out folds .753 -> .752), and the archive's body lengths, which a static site's page fetches whole when it opens,
 * deflate to 6 KB less (the lead's at 10% too would save as much again, but a dev symptom query fell
 * a place). The meta field's length is not kept (0): a list of tag, products and keywords is no
 * longer for being about more, so BM25F does not normalize it (its b is 0, rank/weights.ts), and the
 * 39 KB its lengths took of that fetch bought nothing (without it real-dev MRR@10 on the folds not
 * tuned .735 -> .753, tuned folds unchanged at .717, dev .976 / .965 -> .975 / .965, one typo query).
 */
const LENGTH_CODE_STRIDE: readonly number[] = FIELDS.map((field) => (field === "meta" ? 0 : field === "body" ? 2 : 1));
/** Whether the index keeps a field's length (FIELDS order). */
export const LENGTH_KEPT: readonly boolean[] = LENGTH_CODE_STRIDE.map((stride) => stride > 0);

/** The code the index keeps for field `field`'s length `length`: 0 for a field whose length is not kept. */
export function fieldLengthCode(field: number, length: number): number {
  return codeInSteps(length, LENGTH_CODE_STRIDE[field]!);
}

export const SECTION_NAMES = [
  "blockIndex", "blockOffsets", "dictionary", "postings", "positions", "positionOffsets", "fieldLengths",
  "ids", "docMeta", "sources", "storeDocs", "storeOffsets", "store",
] as const;

/**
 * A position in the positions section is a word's position in its field plus the field's number
 * times this: one ascending sequence per posting, no phrase spanning two fields (word positions
 * stay below it: the archive's longest article has some 40,000 words).
 */
export const FIELD_POSITION_SPAN = 1 << 20;
export type SectionName = (typeof SECTION_NAMES)[number];

/**
 * A term's postings are in blocks of this many for seeking (store/postings.ts: the skip table a
 * positions list of more postings starts with). Lucene's choice, near enough: a seek decodes at most
 * one block, and the tables take about 1% of the index.
 */
export const SKIP_INTERVAL = 128;

/** Byte range of a section in the file. */
export interface SectionRange {
  offset: number;
  length: number;
}

/** The msgpack header at the top of the file. */
export interface IndexHeader {
  formatVersion: number;
  analyzerId: string;
  createdAt: string;
  /** What the index was built from, as the user named it. */
  source: string;
  docCount: number;
  termCount: number;
  blockCount: number;
  /** Mean length in terms of each field over all documents, as stored (their codes' lengths; FIELDS order). */
  avgFieldLength: number[];
  /** Bytes of the source files of the articles it holds. */
  textBytes: number;
  /** CRC-32 of the store dictionary the stored blocks were compressed with (store-blocks.ts). */
  storeDictionaryCrc: number;
  sections: Record<SectionName, SectionRange>;
}

/** The header as written: the checksums are the reader's own business, not part of IndexHeader. */
export interface StoredHeader extends IndexHeader {
  integrity: {
    /** Length of the data region; the file is exactly its start plus this. */
    dataBytes: number;
    /** CRC-32 of each chunk of the data region, u32 LE. */
    chunkCrcs: Uint8Array;
  };
}

/** What is stored per document for presenting a hit. */
export interface DocMeta extends Pick<Article, "id" | "title" | "tag" | "products" | "modified"> {
  /** Where the body starts and ends in the stored text (snippets come from there). */
  bodyStart: number;
  bodyEnd: number;
}

/**
 * A document as stored: what presenting a hit needs, and its text for snippets and `show`. The
 * header's other facts (versions, OS, keywords) are in the text, and in docMeta for filters.
 */
export interface StoredDoc extends DocMeta {
  /** The article as printed in the archive (the raw block, dedented). */
  text: string;
}
