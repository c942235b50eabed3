/**
 * The docMeta section: per article the facts that filters, facets and sorting need, kept apart
 * from the compressed stored documents so that a filtered query never decompresses an article to
 * learn its date or product. Columns over small string tables (msgpack, arrays as raw bytes):
 *
 *   modified  u32 per document: the date as yyyymmdd, 0 when the article gives none
 *   tags      the distinct title tags, "" first; tagOf: u16 per document, an index into tags
 *   productsFromTag  u8 per document: 1 when its products are not its own but those its title tag stands for
 *             (kept so that an update can tell the article's own products, from which tags are learnt)
 *   lists     per list field: names (its distinct values), starts (u32 per document + end) and
 *             ids (u16 per value held, an index into names)
 */
import { decodeMsgpack } from "./msgpack.js";
import { u16, u32 } from "./bytes.js";

/** The per-article lists a filter can ask about. */
export const LIST_FIELDS = ["products", "appliesTo", "keywords", "os", "versions"] as const;
export type ListField = (typeof LIST_FIELDS)[number];

/** One list field over all documents: document d holds names[ids[i]] for i in [starts[d], starts[d + 1]). */
export interface DocMetaList {
  names: string[];
  starts: Uint32Array;
  ids: Uint16Array;
}

/** The decoded section. */
export interface DocMetaColumns {
  modified: Uint32Array;
  tags: string[];
  tagOf: Uint16Array;
  productsFromTag: Uint8Array;
  lists: Record<ListField, DocMetaList>;
  /**
   * Each document's year (its date's yyyy, 0 for none), where a reader holds the years apart from
   * the dates: a static site's page fetches the whole dates only for a date filter or a sort.
   */
  years?: Uint16Array;
}

/** The section as msgpack holds it: typed arrays travel as their bytes. */
export interface EncodedDocMeta {
  modified: Uint8Array;
  tags: string[];
  tagOf: Uint8Array;
  productsFromTag: Uint8Array;
  lists: Record<ListField, { names: string[]; starts: Uint8Array; ids: Uint8Array }>;
}

/** The most distinct values a list or the tags may hold (ids are u16). */
export const MAX_DISTINCT = 0xffff;

/** `1999-03-23` -> 19990323; "" -> 0. */
export function dateNumber(date: string): number {
  return date ? Number(date.replaceAll("-", "")) : 0;
}

/** Decodes the section; throws when it does not describe `docCount` documents. */
export function decodeDocMeta(bytes: Uint8Array, docCount: number): DocMetaColumns {
  const raw = decodeMsgpack(bytes) as EncodedDocMeta;
  const lists = {} as Record<ListField, DocMetaList>;
  for (const field of LIST_FIELDS) lists[field] = decodeDocMetaList(raw.lists[field], field, docCount);
  return { ...decodeDocMetaColumns(raw, docCount), lists };
}

/** The columns but the lists, as encoded; throws when they do not describe `docCount` documents. */
export function decodeDocMetaColumns(raw: Omit<EncodedDocMeta, "lists">, docCount: number): Omit<DocMetaColumns, "lists"> {
  const columns = { modified: u32(raw.modified), tags: raw.tags, tagOf: u16(raw.tagOf), productsFromTag: raw.productsFromTag };
  if (columns.modified.length !== docCount || columns.tagOf.length !== docCount || columns.productsFromTag?.length !== docCount) throw new Error(`columns do not cover ${docCount} documents`);
  return columns;
}

/** One list field as encoded; throws when it does not describe `docCount` documents. */
export function decodeDocMetaList(list: EncodedDocMeta["lists"][ListField], field: ListField, docCount: number): DocMetaList {
  const decoded = { names: list.names, starts: u32(list.starts), ids: u16(list.ids) };
  if (decoded.starts.length !== docCount + 1) throw new Error(`list ${field} does not cover ${docCount} documents`);
  return decoded;
}
