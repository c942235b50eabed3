/**
 * Field and date filters over the docMeta section: which articles a query's filters let through,
 * as one byte per document. Values of one field are alternatives (`year:1998 year:1999`), filters
 * of different fields must all hold, and a negated filter (`-tag:PRB`) removes what it matches.
 * `section:` looks at the text, not the metadata, and is checked in verify.ts.
 */
import type { DocMetaColumns, DocMetaList } from "../store/docmeta.js";
import type { IndexReader } from "../store/reader.js";
import { productNamed } from "./aliases.js";
import { ownValue } from "../own.js";
import { articleNumberIn } from "./parse.js";
import type { FieldName, Filter } from "./syntax.js";

/** Filters decided by the metadata (all but `section:`). */
export function metadataFilters(filters: readonly Filter[]): Filter[] {
  return filters.filter((f) => f.kind === "date" || f.field !== "section");
}

/**
 * One byte per document, 1 for those every filter lets through; undefined when there are none.
 * A filter whose value names nothing the index has (`product:bogus`) is said in `warnings`.
 */
export function filterMask(reader: IndexReader, filters: readonly Filter[], warnings: string[] = []): Uint8Array | undefined {
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
    const matches = group.map((f) => {
      const match = matcher(reader, meta, f);
      if (!match.known) warnings.push(`${f.label} matches no ${f.kind === "field" ? FIELD_NOUNS[f.field] : "date"} in the index`);
      return match.test;
    });
    const negated = group[0]!.negated;
    for (let doc = 0; doc < mask.length; doc++) {
      if (mask[doc] && matches.some((m) => m(doc)) === negated) mask[doc] = 0;
    }
  }
  return mask;
}

/** What a field's values are called in a warning. */
const FIELD_NOUNS: Record<FieldName, string> = { id: "article", product: "product", tag: "tag", kw: "keyword", os: "operating system", version: "version", section: "section" };

/** A filter's test of a document (negation aside), and whether any value in the index could pass it. */
interface Matcher {
  test: (doc: number) => boolean;
  known: boolean;
}

function matcher(reader: IndexReader, meta: DocMetaColumns | undefined, filter: Filter): Matcher {
  if (filter.kind === "date") {
    const { from, to } = filter;
    return { test: (doc) => meta!.modified[doc]! >= from && meta!.modified[doc]! <= to, known: true };
  }
  const value = filter.value.toLowerCase();
  switch (filter.field) {
    case "id": {
      const number = articleNumberIn(filter.value);
      const wanted = number === undefined ? undefined : reader.docForArticle(number);
      return { test: (doc) => doc === wanted, known: wanted !== undefined };
    }
    case "product": {
      const { names: productNames, version } = productWords(value);
      const named = (withVersion: boolean) => (name: string) => {
        const words = wordsOf(name);
        return productNames.some((p) => p.every((w) => words.includes(w))) && (!withVersion || words.includes(version!));
      };
      const lists = [meta!.lists.products, meta!.lists.appliesTo];
      const byName = lists.map((list) => holds(list, named(false)));
      const tagged = meta!.tags.map((tag) => tag !== "" && tag.toLowerCase() === value);
      const isTagged: Matcher = { test: (doc) => tagged[meta!.tagOf[doc]!]!, known: tagged.includes(true) };
      if (version === undefined) return anyOf([isTagged, ...byName]);
      // `nt4`: a name holding the version (Microsoft Windows 98), or the name and the version
      // among the article's versions (the archive mostly keeps them apart: winnt:4.0).
      const versioned = holds(meta!.lists.versions, (name) => sameVersion(name, version));
      const nameAndVersion: Matcher = { test: (doc) => versioned.test(doc) && byName.some((m) => m.test(doc)), known: versioned.known && byName.some((m) => m.known) };
      return anyOf([isTagged, ...lists.map((list) => holds(list, named(true))), nameAndVersion]);
    }
    case "tag": {
      const tagged = meta!.tags.map((tag) => tag !== "" && tag.toLowerCase() === value);
      return { test: (doc) => tagged[meta!.tagOf[doc]!]!, known: tagged.includes(true) };
    }
    case "kw":
      return holds(meta!.lists.keywords, (name) => name.toLowerCase() === value);
    case "os":
      return holds(meta!.lists.os, (name) => lettersAndDigits(name) === lettersAndDigits(value));
    case "version":
      return holds(meta!.lists.versions, (name) => sameVersion(name, value));
    case "section":
      return { test: () => true, known: true };
  }
}

/**
 * The names (each as its words) of the product a typed name stands for, and its version, as the
 * query's words are spelled out (aliases.ts): `win95` is windows and 95, `nt4` windows nt and 4.0,
 * `sms` Systems Management Server. A name that is one of its product's words (`exchange` for
 * Exchange Server, `fax`) filters as typed, so as to keep its other products.
 */
function productWords(value: string): { names: string[][]; version?: string } {
  const { product, version } = productNamed(value);
  const named = ownValue(FILTER_NAMES, product);
  if (named) return { names: named.map(wordsOf), version };
  if (wordsOf(product).includes(value)) return { names: [wordsOf(value)] };
  return { names: [wordsOf(product)], version };
}

/** Products whose short name the query searches as typed (aliases.ts says why), and the names articles give them. */
const FILTER_NAMES: Readonly<Record<string, readonly string[]>> = {
  iis: ["internet information server", "internet information services"],
};

/** A matcher passing what any of `matchers` passes. */
function anyOf(matchers: Matcher[]): Matcher {
  return { test: (doc) => matchers.some((m) => m.test(doc)), known: matchers.some((m) => m.known) };
}

/** A test of whether a document holds, in `list`, a value `wanted` accepts (each value tested once). */
function holds(list: DocMetaList, wanted: (name: string) => boolean): Matcher {
  const accepted = list.names.map(wanted);
  return {
    test: (doc) => {
      for (let i = list.starts[doc]!; i < list.starts[doc + 1]!; i++) if (accepted[list.ids[i]!]) return true;
      return false;
    },
    known: accepted.includes(true),
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
