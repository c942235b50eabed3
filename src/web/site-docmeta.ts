/**
 * The docMeta columns as a static site ships them (store/docmeta.ts holds them for the index),
 * coded so that a page fetches few bytes for what a query asks about. Written by site.ts (Node),
 * read by browser-codecs.ts (the page); each file a msgpack map, deflated on the site.
 *
 *   facets.bin  what facets count: per document its title tag, its product list and its year,
 *               as one "kind" of article (the archive has some 950 such triples for 60,000
 *               articles: tags go with products, and both with years), a varint per document
 *               naming its kind, the commonest kinds first (one byte for most documents); the
 *               products' distinct lists as the list files below hold them
 *   dates.bin   the rest of each date, month * 100 + day, as two byte planes (high bytes, then
 *               low): fetched only by a date filter or a sort by date
 *   LIST.bin    one per list field but products (appliesTo, keywords, os, versions): the distinct
 *               lists documents hold ("sets"), and a varint per document naming its set, the
 *               commonest first
 *
 * The index's own coding (a u32 offset per document into u16 ids, a u32 date) is what a build
 * updating it wants; these are four to six times smaller, which a first query on a cold page pays.
 */
import type { DocMetaColumns, DocMetaList } from "../store/docmeta.js";
import { ByteReader, ByteWriter } from "../store/varint.js";

/** facets.bin's map. */
export interface EncodedFacetColumns {
  tags: string[];
  /** The products' names, and the distinct product lists documents hold (as EncodedSetList's sets). */
  productNames: string[];
  productSets: Uint8Array;
  /** Per kind, commonest first: varint tag index, product set index, year (0: no date). */
  kinds: Uint8Array;
  /** Per document: varint kind index. */
  docKinds: Uint8Array;
}

/** A list field as distinct sets of values and, per document, the set it holds. */
export interface EncodedSetList {
  names: string[];
  /** Per set, commonest first: varint count, then varint index into names per value. */
  sets: Uint8Array;
  /** Per document: varint set index. */
  docSets: Uint8Array;
}

/** dates.bin's map. */
export interface EncodedMonthDays {
  /** Per document month * 100 + day (0: no date), u16 as two planes: every high byte, then every low byte. */
  planes: Uint8Array;
}

/** What facets.bin gives the page. */
export interface FacetColumns {
  tags: string[];
  tagOf: Uint16Array;
  years: Uint16Array;
  products: DocMetaList;
}

/** Numbers keyed by a string, commonest first: the index of each document's key in that order. */
function byFrequency(keys: string[]): { order: string[]; indexOf: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  // Ties by key, so that the same index writes the same site.
  const order = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  return { order, indexOf: new Map(order.map((key, i) => [key, i])) };
}

function varints(values: Iterable<number>): Uint8Array {
  const out = new ByteWriter();
  for (const v of values) out.varint(v);
  return out.view().slice();
}

/** A list's distinct sets, commonest first, and each document's set. */
function setsOf(list: DocMetaList, docCount: number): { sets: Uint8Array; setOf: number[] } {
  const keys = Array.from({ length: docCount }, (_, doc) => Array.from(list.ids.subarray(list.starts[doc]!, list.starts[doc + 1]!)).join(","));
  const { order, indexOf } = byFrequency(keys);
  const sets = new ByteWriter();
  for (const key of order) {
    const ids = key === "" ? [] : key.split(",").map(Number);
    sets.varint(ids.length);
    for (const id of ids) sets.varint(id);
  }
  return { sets: sets.view().slice(), setOf: keys.map((k) => indexOf.get(k)!) };
}

export function encodeSetList(list: DocMetaList, docCount: number): EncodedSetList {
  const { sets, setOf } = setsOf(list, docCount);
  return { names: list.names, sets, docSets: varints(setOf) };
}

export function decodeSetList(encoded: EncodedSetList, docCount: number): DocMetaList {
  const sets = decodeSets(encoded.sets, encoded.names.length);
  const docSets = new ByteReader(encoded.docSets);
  const setOf = Uint32Array.from({ length: docCount }, () => checked(docSets.varint(), sets.length, "a document's list"));
  if (!docSets.done) throw new Error("a list has more documents than the index");
  return listOf(encoded.names, sets, setOf);
}

/** The sets as EncodedSetList codes them, each value checked to name one of `names` values. */
function decodeSets(bytes: Uint8Array, names: number): number[][] {
  const reader = new ByteReader(bytes);
  const sets: number[][] = [];
  while (!reader.done) {
    const count = reader.varint();
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(checked(reader.varint(), names, "a list's value"));
    sets.push(ids);
  }
  return sets;
}

/** The list documents hold when document d holds sets[setOf[d]]. */
function listOf(names: string[], sets: number[][], setOf: ArrayLike<number>): DocMetaList {
  const docCount = setOf.length;
  let total = 0;
  for (let doc = 0; doc < docCount; doc++) total += sets[setOf[doc]!]!.length;
  const starts = new Uint32Array(docCount + 1);
  const ids = new Uint16Array(total);
  let at = 0;
  for (let doc = 0; doc < docCount; doc++) {
    starts[doc] = at;
    for (const id of sets[setOf[doc]!]!) ids[at++] = id;
  }
  starts[docCount] = at;
  return { names, starts, ids };
}

export function encodeFacetColumns(meta: DocMetaColumns, docCount: number): EncodedFacetColumns {
  const products = setsOf(meta.lists.products, docCount);
  const keys = Array.from({ length: docCount }, (_, doc) => `${meta.tagOf[doc]},${products.setOf[doc]},${yearOf(meta.modified[doc]!)}`);
  const { order, indexOf } = byFrequency(keys);
  return {
    tags: meta.tags,
    productNames: meta.lists.products.names,
    productSets: products.sets,
    kinds: varints(order.flatMap((key) => key.split(",").map(Number))),
    docKinds: varints(keys.map((k) => indexOf.get(k)!)),
  };
}

export function decodeFacetColumns(encoded: EncodedFacetColumns, docCount: number): FacetColumns {
  const sets = decodeSets(encoded.productSets, encoded.productNames.length);
  const kindsReader = new ByteReader(encoded.kinds);
  const kinds: [number, number, number][] = [];
  while (!kindsReader.done) kinds.push([checked(kindsReader.varint(), encoded.tags.length, "a tag"), checked(kindsReader.varint(), sets.length, "a product list"), kindsReader.varint()]);
  const docKinds = new ByteReader(encoded.docKinds);
  const tagOf = new Uint16Array(docCount);
  const years = new Uint16Array(docCount);
  const setOf = new Uint32Array(docCount);
  for (let doc = 0; doc < docCount; doc++) {
    const [tag, set, year] = kinds[checked(docKinds.varint(), kinds.length, "a document's kind")]!;
    tagOf[doc] = tag;
    setOf[doc] = set;
    years[doc] = year;
  }
  if (!docKinds.done) throw new Error("the facet columns have more documents than the index");
  return { tags: encoded.tags, tagOf, years, products: listOf(encoded.productNames, sets, setOf) };
}

export function encodeMonthDays(modified: Uint32Array): EncodedMonthDays {
  const planes = new Uint8Array(modified.length * 2);
  modified.forEach((date, doc) => {
    const monthDay = date % 10_000;
    planes[doc] = monthDay >> 8;
    planes[modified.length + doc] = monthDay & 0xff;
  });
  return { planes };
}

/** The documents' dates (yyyymmdd, 0 for none) from their years and dates.bin. */
export function decodeDates(years: Uint16Array, encoded: EncodedMonthDays): Uint32Array {
  const n = years.length;
  if (encoded.planes.length !== n * 2) throw new Error(`the dates do not cover ${n} documents`);
  return Uint32Array.from(years, (year, doc) => year * 10_000 + ((encoded.planes[doc]! << 8) | encoded.planes[n + doc]!));
}

/** A date's year (yyyymmdd -> yyyy; 0 stays 0). */
export function yearOf(date: number): number {
  return Math.floor(date / 10_000);
}

function checked(index: number, size: number, what: string): number {
  if (index >= size) throw new Error(`${what} out of range (${index} of ${size})`);
  return index;
}
