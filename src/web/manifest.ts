/**
 * How a static site lays an index out as files (`index/manifest.json`), shared by the writer
 * (site.ts, Node) and the page's reader (site-source.ts, browser). Offsets are the index file's
 * (kbsearch.idx), which the site holds cut into files: the reader asks for ranges of the index as
 * if it were one file, and the site source finds them in the files.
 */

/**
 * 3: docMeta as site-docmeta.ts codes it; the header without the data chunks' checksums; long
 * postings lists compressed; offset tables filtered as "delta32planes"; the store's offsets read
 * block by block, not at open. 4: the index's files listed by their sizes alone (fileSizes),
 * the compressed lists by their place in the index (CompressedLists).
 */
export const SITE_FORMAT = 4;
export const MANIFEST_FILE = "index/manifest.json";

/**
 * "ranges": a few large files (each under the 50 MB a host such as GitHub Pages takes), read by
 * HTTP range requests. "pieces": many small files, each fetched whole, for hosts that do not answer
 * range requests: cut where the index's units end (dictionary blocks, stored blocks), sized to what
 * one query reads of each section.
 */
export type SiteLayout = "ranges" | "pieces";

/** A file of the site holding bytes [start, end) of the index. */
export interface SiteFile {
  path: string;
  start: number;
  end: number;
}

/** The path of the site's `i`-th index file in `layout`. */
export function siteFilePath(layout: SiteLayout, i: number): string {
  return layout === "ranges" ? `index/kbsearch.idx.${i}` : `index/pieces/${String(i).padStart(5, "0")}.bin`;
}

/** The index's files of a site, in order, from the sizes its manifest lists. */
export function siteFiles(manifest: Pick<SiteManifest, "layout" | "fileSizes">): SiteFile[] {
  let start = 0;
  return manifest.fileSizes.map((size, i) => ({ path: siteFilePath(manifest.layout, i), start, end: (start += size) }));
}

/**
 * A file holding several ranges of the index, deflated together: what opening the index reads
 * (fetched at open, one request for all of it) and whole sections read at once (the article
 * numbers), which compress to half or less.
 */
export interface PackedFile {
  path: string;
  /** [position, length, filter] of each range, in the order their bytes follow one another. */
  ranges: [number, number, RangeFilter][];
  /**
   * Fetched whole only from the second search that reads it on: the first reads just the ranges it
   * needs from the index files. The store's offsets are so: a first query reads ten blocks' offsets
   * (a few hundred bytes) rather than the table (87 kB for the archive, an article to a block); a
   * reader who searches again fetches the table then, and the queries after it read their blocks
   * without first fetching their offsets.
   */
  wholeFromSecondUse?: boolean;
}

/**
 * How a range's bytes are rearranged before deflating, as PNG filters rows, so that they compress
 * better; the page undoes it. "delta32planes": an ascending array of u32 (offsets) as differences
 * from the one before, then regrouped byte by byte (every first byte, then every second...), so the
 * high bytes, mostly zero, lie together. "columns5": a byte per field per document (the field
 * lengths) regrouped field by field.
 */
export type RangeFilter = "" | "delta32planes" | "columns5";

/** Applies `filter` (`undo` false, the writer) or undoes it (the page), into a new array. */
export function filterRange(bytes: Uint8Array, filter: RangeFilter, undo: boolean): Uint8Array {
  if (filter === "delta32planes") return undo ? undoDeltas(regroup(bytes, 4, true)) : regroup(deltas(bytes), 4, false);
  if (filter === "columns5") return regroup(bytes, 5, undo);
  return new Uint8Array(bytes);
}

/** Rows of `width` bytes as columns (`undo` false) or back; bytes past the last whole row stay at the end. */
function regroup(bytes: Uint8Array, width: number, undo: boolean): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const rows = Math.floor(bytes.length / width);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < width; column++) {
      if (undo) out[row * width + column] = bytes[column * rows + row]!;
      else out[column * rows + row] = bytes[row * width + column]!;
    }
  }
  out.set(bytes.subarray(rows * width), rows * width);
  return out;
}

/** Each u32 less the one before (the first as it is); a tail of fewer than 4 bytes is kept. */
function deltas(bytes: Uint8Array): Uint8Array {
  return mapU32(bytes, (value, previous) => (value - previous) >>> 0);
}

function undoDeltas(bytes: Uint8Array): Uint8Array {
  return mapU32(bytes, (delta, previous) => (previous + delta) >>> 0, true);
}

/** `bytes` as little-endian u32, each mapped with the previous value (the input's, or with `running` the output's). */
function mapU32(bytes: Uint8Array, f: (value: number, previous: number) => number, running = false): Uint8Array {
  // A copy (a Node Buffer's slice() would be a view of the input).
  const out = new Uint8Array(bytes);
  const from = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const to = new DataView(out.buffer);
  let previous = 0;
  for (let at = 0; at + 4 <= bytes.length; at += 4) {
    const value = from.getUint32(at, true);
    const mapped = f(value, previous);
    to.setUint32(at, mapped, true);
    previous = running ? mapped : value;
  }
  return out;
}

/** The docMeta section as files of its own, each a deflated msgpack map (site-docmeta.ts). */
export interface DocMetaFiles {
  /** Tags, products and years: what facets count, and a tag or product filter asks about. */
  facets: string;
  /** The rest of every date: for a date filter or a sort by date. */
  dates: string;
  /** One file per list field but products (appliesTo, keywords, os, versions), loaded when a query asks about it. */
  lists: Record<string, string>;
}

/**
 * The long postings lists, each also as a deflated file of its own: a query with a common word
 * fetches that rather than the list's range, 40% fewer bytes. Every list of `fromBytes` or more in
 * the postings section, [start, end) of the index, is one, at compressedListPath(its position in
 * the index). A query reads a term's list whole, so such a read is a list; the manifest need not
 * list them (it did: 668 positions and lengths, 3.7 kB of every cold page's first fetch, gzipped).
 */
export interface CompressedLists {
  fromBytes: number;
  start: number;
  end: number;
}

/** The file of the compressed postings list at `position` of the index. */
export const compressedListPath = (position: number) => `index/lists/${position}.bin`;

/**
 * Every article's most telling terms (query/related.ts), worked out when the site is written: the
 * page's related articles then look up 15 words, not every word of the article. Files of
 * `docsPerFile` articles, in document order, each a deflated msgpack TellingFile.
 */
export interface TellingFiles {
  docsPerFile: number;
}

/** The file holding the telling terms of document `doc`. */
export const tellingPath = (doc: number, docsPerFile: number) => `index/telling/${Math.floor(doc / docsPerFile)}.bin`;

/** One telling file: each article's terms one after another, `counts` saying how many are each's. */
export interface TellingFile {
  counts: number[];
  terms: string[];
  tfs: number[];
}

export interface SiteManifest {
  format: number;
  /** The index file's length: the reader's source size. */
  size: number;
  /** The index's checksum (the header's CRC, hex): changes with every rebuild. */
  checksum: string;
  layout: SiteLayout;
  /**
   * The sizes of the index's files, in order: file i (siteFilePath) holds the bytes after the files
   * before it. Sizes alone, as a layout of 11,000 pieces listed with paths and offsets made a
   * manifest of 97 kB gzipped that every cold page fetched; this way it is 15.
   */
  fileSizes: number[];
  /** The first of these is fetched at open. */
  packed: PackedFile[];
  docMeta: DocMetaFiles;
  lists: CompressedLists;
  /** Absent from a site written before they were listed: the page then works them out. */
  telling?: TellingFiles;
  /** The file of the filter of the terms a correction may be (term-filter.ts), a deflated msgpack TermFilter; absent from older sites. */
  correctionFilter?: string;
  articles: number;
}
