/**
 * `kbsearch site DIR`: a static search site, the page and the index as files any static host
 * serves (the layouts are in manifest.ts). And the page's files on their own, for a server that
 * serves the page itself (pageAssets).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { pack } from "msgpackr";
import { KbSearchError } from "../errors.js";
import { packageRoot } from "../paths.js";
import type { ByteSource } from "../store/byte-source.js";
import { u32 } from "../store/bytes.js";
import { dataStart as dataStartAfter, HEADER_LENGTH_AT, INDEX_FILE, PREAMBLE_BYTES, SECTION_NAMES, type SectionName, type StoredHeader } from "../store/format.js";
import { decodeMsgpack } from "../store/msgpack.js";
import { IndexReader, type TermEntry } from "../store/index-reader.js";
import { nodeCodecs } from "../store/node-codecs.js";
import { LIST_FIELDS } from "../store/docmeta.js";
import { encodeFacetColumns, encodeMonthDays, encodeSetList } from "./site-docmeta.js";
import { MIN_CORRECTION_DOC_FREQ } from "../query/expand.js";
import { tellingTerms } from "../query/related.js";
import { buildTermFilter } from "./term-filter.js";
import { compressedListPath, filterRange, MANIFEST_FILE, SITE_FORMAT, tellingPath, type CompressedLists, type TellingFile, type TellingFiles, type DocMetaFiles, type PackedFile, type RangeFilter, siteFilePath, type SiteLayout, type SiteManifest } from "./manifest.js";
import { pageHtml, type PageOptions } from "./page-html.js";

export type { PageOptions } from "./page-html.js";

/** Where the archive publishes its articles (an article's page is under kb/NNN/QNNNNNN/). */
export const DEFAULT_ARTICLE_BASE = "https://jeffpar.github.io/kbarchive/kb/";
/** The largest file a site holds: GitHub Pages refuses files over 100 MB and warns past 50. */
export const MAX_SITE_FILE_BYTES = 40 * 1024 * 1024;
/** Pieces (layout "pieces") by section: about what one look-up, list or hit reads there, so a query fetches little it does not read. */
const PIECE_BYTES: Partial<Record<SectionName, number>> = { dictionary: 4 * 1024, postings: 8 * 1024, store: 8 * 1024, storeOffsets: 512 };
const OTHER_PIECE_BYTES = 64 * 1024;
/** Postings lists this long are also written deflated (some 670 of the archive's 300,000 terms, 9 MB of its 15.6 MB of postings, 40% smaller). */
const COMPRESSED_LIST_BYTES = 4096;
/** Articles a telling-terms file holds: some 3 KB deflated, one request when an article's related are asked for. */
const TELLING_DOCS_PER_FILE = 64;
/** How the sections the page reads whole are filtered before deflating (manifest.ts): they shrink by a quarter to nine tenths. */
const SECTION_FILTERS: Partial<Record<SectionName, RangeFilter>> = { blockOffsets: "delta32planes", storeDocs: "delta32planes", storeOffsets: "delta32planes", fieldLengths: "columns5" };

export interface SiteOptions extends PageOptions {
  /** The folder holding kbsearch.idx. */
  indexDir: string;
  layout?: SiteLayout;
  /** Postings lists this long or longer are also written compressed (default COMPRESSED_LIST_BYTES; tests take less, for a small index's short lists). */
  compressListsFrom?: number;
}

export interface SiteReport {
  dir: string;
  layout: SiteLayout;
  files: number;
  bytes: number;
  largestFile: number;
  articles: number;
}

/** One file of the page: its bytes and the Content-Type to serve them with. */
export interface PageAsset {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * The page's files by path ("index.html", "kbsearch.js", "kbsearch.css"): what a server serving
 * the page at `/` sends. With `options.api` the page searches through that HTTP API instead of
 * reading the index files; `options.articleBase` is where hits link to.
 */
export function pageAssets(options: PageOptions = {}): Map<string, PageAsset> {
  const webDir = join(packageRoot, "dist", "web");
  const read = (name: string): Uint8Array => {
    try {
      return readFileSync(join(webDir, name));
    } catch (err) {
      throw new KbSearchError("build", `the page's ${name} is missing from ${webDir}: run \`npm run build\``, { cause: err });
    }
  };
  return new Map<string, PageAsset>([
    ["index.html", { bytes: new TextEncoder().encode(pageHtml(options)), contentType: "text/html; charset=utf-8" }],
    ["kbsearch.js", { bytes: read("kbsearch.js"), contentType: "text/javascript; charset=utf-8" }],
    ["kbsearch.css", { bytes: read("kbsearch.css"), contentType: "text/css; charset=utf-8" }],
  ]);
}

/** Writes the site into `dir` (made if missing; a previous site there is replaced). */
export function writeSite(dir: string, options: SiteOptions): SiteReport {
  const layout = options.layout ?? "ranges";
  const file = readIndexFile(options.indexDir);
  // Opened as the page opens it, to learn which ranges the page reads at open and on first use.
  const recorder = new RecordingSource(file, join(options.indexDir, INDEX_FILE));
  const reader = new IndexReader(recorder, { ...nodeCodecs, verifiesChunks: false }, `run \`kbsearch index SOURCE --index ${options.indexDir}\` to rebuild it`);
  reader.storeBlockOf(0);
  const openRanges = recorder.take();
  reader.docForArticle(0);
  const idRanges = recorder.take();
  const meta = reader.docMeta();
  recorder.take();

  prepareDir(dir);
  const written: { path: string; bytes: number }[] = [];
  const write = (path: string, bytes: Uint8Array) => {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    written.push({ path, bytes: bytes.length });
  };
  const dataStart = dataStartAfter(file.readUInt32LE(HEADER_LENGTH_AT));
  const filterOf = (position: number, length: number): RangeFilter => {
    const name = SECTION_NAMES.find((n) => dataStart + reader.header.sections[n].offset === position && reader.header.sections[n].length === length);
    return name === undefined ? "" : SECTION_FILTERS[name] ?? "";
  };
  const header = pageHeader(file);
  const bytesAt = (pos: number, len: number) => (pos + len <= header.length ? header.subarray(pos, pos + len) : file.subarray(pos, pos + len));
  const packFile = (path: string, read: [number, number][]): PackedFile => {
    const ranges = read.map(([pos, len]): [number, number, RangeFilter] => [pos, len, filterOf(pos, len)]);
    write(path, deflateRawSync(Buffer.concat(ranges.map(([pos, len, filter]) => filterRange(bytesAt(pos, len), filter, false))), { level: 9 }));
    return { path, ranges };
  };
  const storeOffsets = reader.header.sections.storeOffsets;
  const packed = [
    packFile("index/open.bin", openRanges),
    packFile("index/ids.bin", idRanges),
    { ...packFile("index/store-offsets.bin", [[dataStart + storeOffsets.offset, storeOffsets.length]]), wholeFromSecondUse: true },
  ];

  const docMeta: DocMetaFiles = { facets: "index/docmeta/facets.bin", dates: "index/docmeta/dates.bin", lists: {} };
  write(docMeta.facets, deflatedPack(encodeFacetColumns(meta, reader.docCount)));
  write(docMeta.dates, deflatedPack(encodeMonthDays(meta.modified)));
  for (const field of LIST_FIELDS) {
    if (field === "products") continue;
    docMeta.lists[field] = `index/docmeta/${field}.bin`;
    write(docMeta.lists[field], deflatedPack(encodeSetList(meta.lists[field], reader.docCount)));
  }

  const fileSizes: number[] = [];
  const cuts = layout === "ranges" ? rangeCuts(file.length) : pieceCuts(file, reader, dataStart);
  cuts.forEach((start, i) => {
    const end = cuts[i + 1] ?? file.length;
    write(siteFilePath(layout, i), file.subarray(start, end));
    fileSizes.push(end - start);
  });

  // One pass over the dictionary: every term's document frequency, for both files made of them, and the long lists.
  const docFreqs = new Map<string, number>();
  const listsFrom = options.compressListsFrom ?? COMPRESSED_LIST_BYTES;
  const longLists: TermEntry[] = [];
  for (const entry of reader.allTerms()) {
    docFreqs.set(entry.term, entry.docFreq);
    if (entry.length >= listsFrom) longLists.push(entry);
  }
  const telling = writeTellingTerms(reader, docFreqs, write);
  const correctionFilter = writeCorrectionFilter(docFreqs, write);
  const lists = compressLongLists(reader, longLists, listsFrom, dataStart + reader.header.sections.postings.offset, file, write);

  const manifest: SiteManifest = {
    format: SITE_FORMAT,
    size: file.length,
    checksum: file.readUInt32LE(16).toString(16).padStart(8, "0"),
    layout,
    fileSizes,
    packed,
    docMeta,
    lists,
    telling,
    correctionFilter,
    articles: reader.docCount,
  };
  write(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(manifest)));
  for (const [name, asset] of pageAssets({ ...options, preload: [packed[0]!.path] })) write(name, asset.bytes);
  // GitHub Pages would otherwise run the folder through Jekyll first.
  write(".nojekyll", new Uint8Array(0));
  reader.close();
  return {
    dir,
    layout,
    files: written.length,
    bytes: written.reduce((sum, f) => sum + f.bytes, 0),
    largestFile: Math.max(...written.map((f) => f.bytes)),
    articles: manifest.articles,
  };
}

/**
 * The preamble and header as the page reads them: the data chunks' checksums zeroed (the page does
 * not check chunks, and 22 KB of checksums do not compress), the header's own checksum made anew.
 */
function pageHeader(file: Buffer): Buffer {
  const headerLength = file.readUInt32LE(HEADER_LENGTH_AT);
  const out = Buffer.from(file.subarray(0, PREAMBLE_BYTES + headerLength));
  const headerBytes = out.subarray(PREAMBLE_BYTES);
  const { integrity } = decodeMsgpack(headerBytes) as StoredHeader;
  // The decoder gives binary values as views of its input: the table's place in the header.
  const at = integrity.chunkCrcs.byteOffset - headerBytes.byteOffset;
  if (integrity.chunkCrcs.buffer !== headerBytes.buffer || at < 0) throw new Error("the header's checksum table is not where the decoder read it");
  headerBytes.fill(0, at, at + integrity.chunkCrcs.length);
  out.writeUInt32LE(crc32(headerBytes), 16);
  return out;
}

/** A value as the page's msgpack files hold it: packed, then deflated. */
function deflatedPack(value: unknown): Uint8Array {
  return deflateRawSync(pack(value), { level: 9 });
}

/** Writes the filter of the terms a spelling correction may be (term-filter.ts); returns its path. */
function writeCorrectionFilter(docFreqs: ReadonlyMap<string, number>, write: (path: string, bytes: Uint8Array) => void): string {
  const terms: string[] = [];
  for (const [term, docFreq] of docFreqs) if (docFreq >= MIN_CORRECTION_DOC_FREQ) terms.push(term);
  const path = "index/corrections.bin";
  write(path, deflatedPack(buildTermFilter(terms, MIN_CORRECTION_DOC_FREQ)));
  return path;
}

/** Writes every article's most telling terms, TELLING_DOCS_PER_FILE articles a file (manifest.ts's TellingFiles). */
function writeTellingTerms(reader: IndexReader, docFreqs: ReadonlyMap<string, number>, write: (path: string, bytes: Uint8Array) => void): TellingFiles {
  for (let first = 0; first < reader.docCount; first += TELLING_DOCS_PER_FILE) {
    const file: TellingFile = { counts: [], terms: [], tfs: [] };
    for (let doc = first; doc < Math.min(first + TELLING_DOCS_PER_FILE, reader.docCount); doc++) {
      const terms = tellingTerms(reader, reader.stored(doc), docFreqs);
      file.counts.push(terms.length);
      for (const { term, tf } of terms) {
        file.terms.push(term);
        file.tfs.push(tf);
      }
    }
    write(tellingPath(first, TELLING_DOCS_PER_FILE), deflatedPack(file));
  }
  return { docsPerFile: TELLING_DOCS_PER_FILE };
}

/** Writes each of `entries`, the postings lists of `minBytes` or more, deflated into a file of its own (manifest.ts's CompressedLists). */
function compressLongLists(reader: IndexReader, entries: readonly TermEntry[], minBytes: number, postingsStart: number, file: Buffer, write: (path: string, bytes: Uint8Array) => void): CompressedLists {
  for (const entry of entries) {
    const position = postingsStart + entry.offset;
    write(compressedListPath(position), deflateRawSync(file.subarray(position, position + entry.length), { level: 9 }));
  }
  return { fromBytes: minBytes, start: postingsStart, end: postingsStart + reader.header.sections.postings.length };
}

function readIndexFile(indexDir: string): Buffer {
  try {
    return readFileSync(join(indexDir, INDEX_FILE));
  } catch (err) {
    throw new KbSearchError("index-missing", `no index at ${indexDir}: run \`kbsearch index SOURCE --index ${indexDir}\` to build one`, { cause: err });
  }
}

/** Clears the previous site's index from `dir`; refuses a folder holding anything but a site. */
function prepareDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length && !existsSync(join(dir, MANIFEST_FILE))) {
      throw new KbSearchError("usage", `${dir} holds files that are not a kbsearch site: name an empty or new folder`);
    }
    rmSync(join(dir, "index"), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}

/** Where "ranges" files start: as few files as the size limit allows. */
function rangeCuts(size: number): number[] {
  const cuts: number[] = [];
  for (let start = 0; start < size; start += MAX_SITE_FILE_BYTES) cuts.push(start);
  return cuts.length ? cuts : [0];
}

/** Where "pieces" start: at every section, and within one where its units (dictionary blocks, stored blocks) end past its piece size. */
function pieceCuts(file: Buffer, reader: IndexReader, dataStart: number): number[] {
  const sections = reader.header.sections;
  const sectionBytes = (name: SectionName) => file.subarray(dataStart + sections[name].offset, dataStart + sections[name].offset + sections[name].length);
  // Unit boundaries within a section, as offsets from its start; fixed steps where units are not at hand.
  const units: Partial<Record<SectionName, Uint32Array>> = { dictionary: u32(sectionBytes("blockOffsets")), store: u32(sectionBytes("storeOffsets")) };
  const cuts = [0, dataStart];
  for (const name of [...SECTION_NAMES].sort((a, b) => sections[a].offset - sections[b].offset)) {
    const { offset, length } = sections[name];
    const start = dataStart + offset;
    if (length === 0) continue;
    if (start > cuts[cuts.length - 1]!) cuts.push(start);
    const target = PIECE_BYTES[name] ?? OTHER_PIECE_BYTES;
    const bounds = units[name];
    let last = 0;
    if (bounds) {
      for (const b of bounds) if (b - last >= target && b < length) cuts.push(start + (last = b));
    } else {
      for (let b = target; b < length; b += target) cuts.push(start + b);
    }
  }
  return cuts;
}

/** The index file in memory, as a byte source recording what is read. */
class RecordingSource implements ByteSource {
  readonly size: number;
  private ranges: [number, number][] = [];

  constructor(private readonly file: Buffer, readonly name: string) {
    this.size = file.length;
  }

  read(position: number, length: number): Uint8Array {
    this.ranges.push([position, length]);
    return this.file.subarray(position, position + length);
  }

  /** As the page's source has one, the reader reads here what it reads in the page (the store's offsets block by block, not at open). */
  willRead(): void {}

  /** The ranges read since the last call, in order, each once. */
  take(): [number, number][] {
    const seen = new Set<string>();
    const ranges = this.ranges.filter(([p, l]) => !seen.has(`${p}+${l}`) && seen.add(`${p}+${l}`));
    this.ranges = [];
    return ranges;
  }

  close(): void {}
}
