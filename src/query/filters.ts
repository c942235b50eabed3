/**
 * Field and date filters over the docMeta section: which articles a query's filters let through,
 * as one byte per document. Values of one field are alternatives (`year:1998 year:1999`), filters
 * of different fields must all hold, and a negated filter (`-tag:PRB`) removes what it matches.
 * `section:` looks at the text, not the metadata, and is checked in verify.ts.
 */
import type { DocMetaColumns, DocMetaList } from "../store/docmeta.js";
import type { IndexReader } from "../store/index-reader.js";
import { PRODUCT_NAMES } from "./aliases.js";
import { articleNumberIn } from "./parse.js";
import type { Filter } from "./syntax.js";
import { ownValue } from "../own.js";

/** Filters decided by the metadata (all but `section:`). */
export function metadataFilters(filters: readonly Filter[]): Filter[] {
  return filters.filter((f) => f.kind === "date" || f.field !== "section");
}

/** One byte per document, 1 for those every filter lets through; undefined when there are none. */
export function filterMask(reader: IndexReader, filters: readonly Filter[]): Uint8Array | undefined {
  const relevant = metadataFilters(filters);
  if (relevant.length === 0) return undefined;
  const needsMeta = relevant.some((f) => f.kind === "date" || f.field !== "id");
  const meta = needsMeta ? reader.docMeta() : undefined;
  const mask = new Uint8Array(reader.docCount).fill(1);
  const groups = new Map<string, Filter[]>();
  for (const f of relevant) {
    // Dates group by the name typed: `year:1998 year:1999` is either year, `since` and `until` both hold.
    const key = `${f.negated ? "-" : ""}${f.kind === "date" ? f.label.split(":")[0] : f.field}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const group of groups.values()) {
    const matches = group.map((f) => matcher(reader, meta, f));
    const negated = group[0]!.negated;
    for (let doc = 0; doc < mask.length; doc++) {
      if (mask[doc] && matches.some((m) => m(doc)) === negated) mask[doc] = 0;
    }
  }
  return mask;
}

/** Whether a document matches one filter (negation aside). */
function matcher(reader: IndexReader, meta: DocMetaColumns | undefined, filter: Filter): (doc: number) => boolean {
  if (filter.kind === "date") {
    const { from, to } = filter;
    return (doc) => meta!.modified[doc]! >= from && meta!.modified[doc]! <= to;
  }
  const value = filter.value.toLowerCase();
  switch (filter.field) {
    case "id": {
      const number = articleNumberIn(filter.value);
      const wanted = number === undefined ? undefined : reader.docForArticle(number);
      return (doc) => doc === wanted;
    }
    case "product": {
      // `product:sms` is Systems Management Server; a name that is one of its product's words
      // (`exchange` for Exchange Server, `fax`) filters as typed, so as to keep its other products.
      const spelled = ownValue(PRODUCT_NAMES, value);
      const words = wordsOf(spelled && !wordsOf(spelled).includes(value) ? spelled : value);
      const names = (name: string) => words.every((w) => wordsOf(name).includes(w));
      const inProducts = holds(meta!.lists.products, names);
      const inAppliesTo = holds(meta!.lists.appliesTo, names);
      const tagged = meta!.tags.map((tag) => tag !== "" && tag.toLowerCase() === value);
      return (doc) => inProducts(doc) || inAppliesTo(doc) || tagged[meta!.tagOf[doc]!]!;
    }
    case "tag": {
      const tagged = meta!.tags.map((tag) => tag !== "" && tag.toLowerCase() === value);
      return (doc) => tagged[meta!.tagOf[doc]!]!;
    }
    case "kw":
      return holds(meta!.lists.keywords, (name) => name.toLowerCase() === value);
    case "os":
      return holds(meta!.lists.os, (name) => lettersAndDigits(name) === lettersAndDigits(value));
    case "version":
      return holds(meta!.lists.versions, (name) => sameVersion(name, value));
    case "section":
      return () => true;
  }
}

/** A test of whether a document holds, in `list`, a value `wanted` accepts (each value tested once). */
function holds(list: DocMetaList, wanted: (name: string) => boolean): (doc: number) => boolean {
  const accepted = list.names.map(wanted);
  return (doc) => {
    for (let i = list.starts[doc]!; i < list.starts[doc + 1]!; i++) if (accepted[list.ids[i]!]) return true;
    return false;
  };
}

function wordsOf(name: string): string[] {
  return name.toLowerCase().split(/[^a-z0-9+#.]+/).filter((w) => w !== "");
}

function lettersAndDigits(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** `4`, `4.0` and `4.00` are one version; `4.00b` and `4.5` are others. */
function sameVersion(a: string, b: string): boolean {
  const norm = (v: string) => v.toLowerCase().replace(/^(\d+)(?:\.0+)?$/, "$1").replace(/^(\d+\.\d*?)0+$/, "$1");
  return norm(a) === norm(b);
}
