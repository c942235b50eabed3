/**
 * A stored document as the store packs it: its fields in a fixed order, without their names (the
 * names would be a tenth of a small article's compressed record). Packed by the build, unpacked
 * by the reader for each hit shown.
 */
import type { StoredDoc } from "./format.js";

export type StoredRecord = [
  id: string, title: string, tag: string, products: string[], modified: string, bodyStart: number, bodyEnd: number, text: string,
];

export function storedRecord(doc: StoredDoc): StoredRecord {
  return [doc.id, doc.title, doc.tag, doc.products, doc.modified, doc.bodyStart, doc.bodyEnd, doc.text];
}

/** The document a decoded record holds; throws when it is not a StoredRecord. */
export function storedDocOf(record: unknown): StoredDoc {
  if (!Array.isArray(record) || record.length !== 8) throw new Error("a stored record is not an array of 8");
  const [id, title, tag, products, modified, bodyStart, bodyEnd, text] = record as unknown[];
  const strings = [id, title, tag, modified, text].every((v) => typeof v === "string");
  const productList = Array.isArray(products) && products.every((p) => typeof p === "string");
  if (!strings || !productList || !Number.isInteger(bodyStart) || !Number.isInteger(bodyEnd)) throw new Error("a stored record has a field of the wrong type");
  return { id, title, tag, products, modified, bodyStart, bodyEnd, text } as StoredDoc;
}
