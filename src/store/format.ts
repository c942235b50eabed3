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
 *     blockIndex   first term of every dictionary block, "\n"-joined UTF-8 (read at open)
 *     blockOffsets u32 offset of every dictionary block in `dictionary`, plus its end (read at open)
 *     dictionary   blocks of TERMS_PER_BLOCK front-coded terms with df, postings offset and length
 *     postings     per term, per document: varint(docDelta << 1 | simple); when not simple, a
 *                  byte naming the tf in each field by a fixed table (field-codes.ts), or an escape
 *                  byte, a field mask byte and a varint tf for each field in the mask; then the
 *                  term's title positions, delta-coded. "simple" means tf 1 in the body field
 *                  only, the commonest case by far.
 *     fieldLengths a byte per document per field, the length's code (lengthCode; read at open:
 *                  BM25F length normalization)
 *     ids          (article number, doc) pairs sorted by number, as varint gaps (read for id look-ups)
 *     docMeta      brotli-compressed: per document the facts filters, facets and sorting need, as columns over small
 *                  string tables (docmeta.ts; read only by a query with filters, facets or a sort)
 *     sources      per document the digest of its source file, 8 bytes (sources.ts; read only by a build
 *                  updating the index)
 *     storeDocs    u32 per stored block: its first document; then the document count
 *     storeOffsets u32 per stored block + end (read at open)
 *     store        brotli-compressed msgpack arrays of 16 to 64 documents (endsStoreBlock), each one a
 *                  msgpack StoredDoc of its own (read for the hits shown: documents compress best
 *                  together, and a hit unpacks only its own)
 */

import type { Article } from "../parse/types.js";

export const MAGIC = "KBSRCHIX";
/**
 * 2: title positions in postings; 3: stored documents packed one by one; 4: header and data
 * checksums; 5: the docMeta section; 6: the sources section, docMeta's products-from-tag column and
 * stored blocks ending where their documents say (what an update needs to carry unchanged articles
 * over, and to recompress few blocks); 7: a posting's field frequencies as one code byte of a fixed
 * table rather than a field mask and a varint per field (the postings 5.6 MB smaller over the whole
 * archive). Other versions are refused with advice to rebuild.
 */
export const FORMAT_VERSION = 7;
export const INDEX_FILE = "kbsearch.idx";
export const PREAMBLE_BYTES = 20;
export const TERMS_PER_BLOCK = 64;
/** Stored blocks hold at least this many documents (but the last)... */
export const MIN_DOCS_PER_STORE_BLOCK = 16;
/** ...and at most this many. */
export const MAX_DOCS_PER_STORE_BLOCK = 64;

/**
 * Whether a stored block holding `docsInBlock` documents ends with the one whose source digest is
 * `digest`: past the minimum, one document in 16 ends a block (32 to a block on average). Where
 * blocks end depends on the documents, not on their positions, so an update adding or removing
 * an article recompresses the block or two around it rather than every block after it.
 */
export function endsStoreBlock(digest: Uint8Array, docsInBlock: number): boolean {
  return docsInBlock >= MAX_DOCS_PER_STORE_BLOCK || (docsInBlock >= MIN_DOCS_PER_STORE_BLOCK && (digest[0]! & 15) === 0);
}

/**
 * Field lengths take a byte each: the length's logarithm in steps of 5%, as search engines keep
 * their length norms. BM25F's length normalization needs no finer a length, and the whole archive's
 * lengths take 0.3 MB instead of 0.6.
 */
const LENGTH_STEP = Math.log(1.05);
export function lengthCode(length: number): number {
  return length <= 0 ? 0 : Math.min(255, Math.round(Math.log(length) / LENGTH_STEP) + 1);
}
/** The length each code stands for. */
export const LENGTH_OF_CODE = Uint16Array.from({ length: 256 }, (_, code) => (code === 0 ? 0 : Math.min(0xffff, Math.round(Math.exp((code - 1) * LENGTH_STEP)))));

/** The fields an article is indexed in, in posting-mask bit order. */
export const FIELDS = ["title", "queryWords", "meta", "lead", "body"] as const;
export type FieldName = (typeof FIELDS)[number];
export const FIELD = { title: 0, queryWords: 1, meta: 2, lead: 3, body: 4 } as const;
export const FIELD_COUNT = FIELDS.length;

export const SECTION_NAMES = [
  "blockIndex", "blockOffsets", "dictionary", "postings", "fieldLengths",
  "ids", "docMeta", "sources", "storeDocs", "storeOffsets", "store",
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

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
