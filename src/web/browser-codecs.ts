/**
 * The reader's codecs in a browser: CRC-32 in JavaScript, fflate's inflater (which takes the store
 * dictionary, as zlib does), and the docMeta section from the site's own files for it: a browser
 * has no synchronous brotli, and a query needing only tags, products and years (facets) need not
 * fetch the dates or the keyword lists. Columns not yet fetched throw BytesNotHere naming their file.
 */
import { inflateSync } from "fflate";
import { BytesNotHere } from "../store/byte-source.js";
import { storeDictionaryBytes, type ReaderCodecs, type TellingTerm } from "../store/codecs.js";
import { LIST_FIELDS, type DocMetaColumns, type DocMetaList, type ListField } from "../store/docmeta.js";
import { decodeMsgpack } from "../store/msgpack.js";
import { tellingPath, type DocMetaFiles, type TellingFile, type TellingFiles } from "./manifest.js";
import { mayHold, type TermFilter } from "./term-filter.js";
import { decodeDates, decodeFacetColumns, decodeSetList, type EncodedFacetColumns, type EncodedMonthDays, type EncodedSetList } from "./site-docmeta.js";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The site's docMeta files as fetched so far, by path (inflated). */
export type FetchedFiles = Map<string, Uint8Array>;

export function browserCodecs(files: DocMetaFiles, fetched: FetchedFiles, telling?: TellingFiles, correctionFilter?: string): ReaderCodecs {
  return {
    crc32,
    inflateStoreBlock: (compressed) => inflateSync(compressed, { dictionary: storeDictionaryBytes() }),
    docMeta: (_read, docCount) => siteDocMeta(files, fetched, docCount),
    verifiesChunks: false,
    ...(telling && { tellingTerms: listedTellingTerms(telling, fetched) }),
    ...(correctionFilter && { mayBeHeldIn: filteredTerms(correctionFilter, fetched) }),
  };
}

/** A site file's bytes as fetched (inflated); BytesNotHere naming it when it is not fetched yet. */
function fileBytes(fetched: FetchedFiles, path: string): Uint8Array {
  const bytes = fetched.get(path);
  if (!bytes) throw new BytesNotHere([], [path]);
  return bytes;
}

/** Whether a term may be in that many articles, by the site's filter (term-filter.ts), fetched when first asked. */
function filteredTerms(path: string, fetched: FetchedFiles): (term: string, minDocFreq: number) => boolean {
  let filter: TermFilter | undefined;
  return (term, minDocFreq) => {
    filter ??= decodeMsgpack(fileBytes(fetched, path)) as TermFilter;
    // A filter of commoner terms than asked about cannot turn any away.
    return minDocFreq < filter.minDocFreq || mayHold(filter, term);
  };
}

/** An article's telling terms from the site's files (manifest.ts's TellingFiles), a file fetched whole when first needed. */
function listedTellingTerms(telling: TellingFiles, fetched: FetchedFiles): (doc: number) => TellingTerm[] {
  const decoded = new Map<string, { starts: number[]; file: TellingFile }>();
  return (doc) => {
    const path = tellingPath(doc, telling.docsPerFile);
    let held = decoded.get(path);
    if (!held) {
      const file = decodeMsgpack(fileBytes(fetched, path)) as TellingFile;
      const starts = [0];
      for (const count of file.counts) starts.push(starts[starts.length - 1]! + count);
      decoded.set(path, (held = { starts, file }));
    }
    const nth = doc % telling.docsPerFile;
    const terms: TellingTerm[] = [];
    for (let i = held.starts[nth]!; i < held.starts[nth + 1]!; i++) terms.push({ term: held.file.terms[i]!, tf: held.file.tfs[i]! });
    return terms;
  };
}

/**
 * The docMeta columns from the site's files (site-docmeta.ts): tags, products and years from the
 * facets file, the full dates and the other lists each decoded on first use; a column whose file
 * is not fetched yet throws BytesNotHere naming it.
 */
function siteDocMeta(files: DocMetaFiles, fetched: FetchedFiles, docCount: number): DocMetaColumns {
  const facets = decodeFacetColumns(decodeMsgpack(fileBytes(fetched, files.facets)) as EncodedFacetColumns, docCount);
  let modified: Uint32Array | undefined;
  const lists = { products: facets.products } as Record<ListField, DocMetaList>;
  const made = new Map<ListField, DocMetaList>();
  for (const field of LIST_FIELDS) {
    if (field === "products") continue;
    Object.defineProperty(lists, field, {
      enumerable: true,
      get(): DocMetaList {
        let list = made.get(field);
        if (!list) made.set(field, (list = decodeSetList(decodeMsgpack(fileBytes(fetched, files.lists[field]!)) as EncodedSetList, docCount)));
        return list;
      },
    });
  }
  const columns = {
    tags: facets.tags,
    tagOf: facets.tagOf,
    years: facets.years,
    lists,
    get modified(): Uint32Array {
      return (modified ??= decodeDates(facets.years, decodeMsgpack(fileBytes(fetched, files.dates)) as EncodedMonthDays));
    },
    get productsFromTag(): Uint8Array {
      // Only a build updating an index reads it; a page never does.
      throw new Error("a static site does not carry which products come from tags");
    },
  };
  return columns;
}
