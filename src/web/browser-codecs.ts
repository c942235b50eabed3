/**
 * The reader's codecs in a browser: CRC-32 in JavaScript, fflate's inflater (which takes the store
 * dictionary, as zlib does), and the docMeta section from the site's own files for it: a browser
 * has no synchronous brotli, and a query needing only dates and products need not fetch the
 * keyword lists. Columns not yet fetched throw BytesNotHere naming their file.
 */
import { inflateSync } from "fflate";
import { BytesNotHere } from "../store/byte-source.js";
import { storeDictionaryBytes, type ReaderCodecs } from "../store/codecs.js";
import { decodeDocMetaColumns, decodeDocMetaList, LIST_FIELDS, type DocMetaColumns, type DocMetaList, type EncodedDocMeta, type ListField } from "../store/docmeta.js";
import { decodeMsgpack } from "../store/msgpack.js";
import type { DocMetaFiles } from "./manifest.js";

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

export function browserCodecs(files: DocMetaFiles, fetched: FetchedFiles): ReaderCodecs {
  return {
    crc32,
    inflateStoreBlock: (compressed) => inflateSync(compressed, { dictionary: storeDictionaryBytes() }),
    docMeta: (_read, docCount) => siteDocMeta(files, fetched, docCount),
    verifiesChunks: false,
  };
}

/** The docMeta columns from the site's files: the lists each decoded on first use, or BytesNotHere until fetched. */
function siteDocMeta(files: DocMetaFiles, fetched: FetchedFiles, docCount: number): DocMetaColumns {
  const columns = fetched.get(files.columns);
  if (!columns) throw new BytesNotHere([], [files.columns]);
  const decoded = decodeDocMetaColumns(decodeMsgpack(columns) as Omit<EncodedDocMeta, "lists">, docCount);
  const lists = {} as Record<ListField, DocMetaList>;
  const made = new Map<ListField, DocMetaList>();
  for (const field of LIST_FIELDS) {
    Object.defineProperty(lists, field, {
      enumerable: true,
      get(): DocMetaList {
        let list = made.get(field);
        if (!list) {
          const path = files.lists[field]!;
          const bytes = fetched.get(path);
          if (!bytes) throw new BytesNotHere([], [path]);
          list = decodeDocMetaList(decodeMsgpack(bytes) as EncodedDocMeta["lists"][ListField], field, docCount);
          made.set(field, list);
        }
        return list;
      },
    });
  }
  return { ...decoded, lists };
}
