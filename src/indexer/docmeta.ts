/**
 * Collects each article's filterable facts as the build goes and encodes the docMeta section
 * (layout in store/docmeta.ts). What the archive leaves implicit is derived from the archive
 * itself: a title tag nearly always seen with one product (XADM, XCON: Microsoft Exchange) gives
 * that product to the articles with the tag that name none; the versions field's platform prefixes
 * (`winnt:4.0`, `WINDOWS:3.1`) count as operating systems; the keywords are the Keywords line's
 * and the footer's (Technology, Issue type, Solution Type).
 */
import { pack } from "msgpackr";
import type { Article } from "../parse/types.js";
import { bytesOf } from "../store/bytes.js";
import { dateNumber, LIST_FIELDS, MAX_DISTINCT, type DocMetaColumns, type DocMetaList, type EncodedDocMeta, type ListField } from "../store/docmeta.js";

/** A tag names a product when at least this share of its articles that name products name that one... */
const TAG_PRODUCT_SHARE = 0.9;
/** ...and at least this many do. */
const TAG_PRODUCT_MIN_ARTICLES = 5;

/** An article's filterable facts, as the build collects them. */
export type Facts = Pick<Article, "tag" | "modified" | "products" | "appliesTo" | "keywords" | "technology" | "issueType" | "solutionType" | "operatingSystems" | "versions">;

/** One article's row of the section: its own products (not yet completed from its tag), the rest as stored. */
interface DocRow {
  modified: number;
  tag: string;
  lists: Record<ListField, string[]>;
}

export class DocMetaBuilder {
  private readonly modified: number[] = [];
  private readonly tags: string[] = [];
  private readonly lists = Object.fromEntries(LIST_FIELDS.map((f) => [f, [] as string[][]])) as Record<ListField, string[][]>;

  add(article: Facts): void {
    this.addRow({
      modified: dateNumber(article.modified),
      tag: article.tag,
      lists: {
        products: article.products,
        appliesTo: unique(article.appliesTo.map(productOfAppliesTo).filter((name) => name !== "")),
        // `kw:` reads every keyword the article carries: the Keywords line's and the footer's
        // Technology, Issue type and Solution Type (most articles say kbbug only in the footer).
        keywords: unique([...article.keywords, ...article.technology, ...article.issueType, ...article.solutionType]),
        os: unique([...article.operatingSystems, ...article.versions.flatMap(platformOf)].map((os) => os.toLowerCase())),
        versions: unique(article.versions.flatMap(versionsOf)),
      },
    });
  }

  /** Adds document `doc` of a previous index's section as it was, but for the products its tag gave it. */
  carry(previous: DocMetaColumns, doc: number): void {
    const lists = Object.fromEntries(LIST_FIELDS.map((f) => [f, valuesOf(previous.lists[f], doc)])) as Record<ListField, string[]>;
    if (previous.productsFromTag[doc]) lists.products = [];
    this.addRow({ modified: previous.modified[doc]!, tag: previous.tags[previous.tagOf[doc]!]!, lists });
  }

  private addRow(row: DocRow): void {
    this.modified.push(row.modified);
    this.tags.push(row.tag);
    for (const f of LIST_FIELDS) this.lists[f].push(row.lists[f]);
  }

  /** The encoded section, products completed from the tags that stand for one. */
  finish(): Uint8Array {
    const tagProducts = productsOfTags(this.tags, this.lists.products);
    const fromTag = this.lists.products.map((own, doc) => (own.length ? undefined : tagProducts.get(this.tags[doc]!)));
    const products = this.lists.products.map((own, doc) => fromTag[doc] ?? own);
    const tags = new Table([""]);
    const encoded: EncodedDocMeta = {
      modified: bytesOf(Uint32Array.from(this.modified)),
      tagOf: bytesOf(Uint16Array.from(this.tags, (tag) => tags.id(tag))),
      tags: tags.names,
      productsFromTag: Uint8Array.from(fromTag, (p) => (p ? 1 : 0)),
      lists: Object.fromEntries(LIST_FIELDS.map((f) => [f, encodeList(f === "products" ? products : this.lists[f])])) as EncodedDocMeta["lists"],
    };
    return pack(encoded);
  }
}

/** The values document `doc` holds in one list. */
function valuesOf(list: DocMetaList, doc: number): string[] {
  const values: string[] = [];
  for (let i = list.starts[doc]!; i < list.starts[doc + 1]!; i++) values.push(list.names[list.ids[i]!]!);
  return values;
}

/** Tags whose articles (those naming products) nearly all name one product, and that product. */
function productsOfTags(tags: string[], products: string[][]): Map<string, string[]> {
  const seen = new Map<string, { articles: number; byProduct: Map<string, number> }>();
  tags.forEach((tag, doc) => {
    if (!tag || !products[doc]!.length) return;
    const entry = seen.get(tag) ?? { articles: 0, byProduct: new Map<string, number>() };
    entry.articles++;
    for (const p of products[doc]!) entry.byProduct.set(p, (entry.byProduct.get(p) ?? 0) + 1);
    seen.set(tag, entry);
  });
  const named = new Map<string, string[]>();
  for (const [tag, { articles, byProduct }] of seen) {
    if (articles < TAG_PRODUCT_MIN_ARTICLES) continue;
    const [product, count] = [...byProduct].sort((a, b) => b[1] - a[1])[0]!;
    if (count >= articles * TAG_PRODUCT_SHARE) named.set(tag, [product]);
  }
  return named;
}

/** `Microsoft Exchange Server, version 5.5` -> `Microsoft Exchange Server`. */
export function productOfAppliesTo(line: string): string {
  return line
    .replace(/^the operating system:\s*/i, "")
    .replace(/,?\s+(?:versions?\b|used with\b).*$/i, "")
    .replace(/[,:]\s*$/, "")
    .trim();
}

/** The platform of a versions entry: `winnt:4.0,5.0` -> winnt. */
function platformOf(entry: string): string[] {
  const colon = entry.indexOf(":");
  return colon > 0 ? [entry.slice(0, colon)] : [];
}

/** The versions of a versions entry: `winnt:4.0,5.0` -> 4.0, 5.0. */
function versionsOf(entry: string): string[] {
  return entry.slice(entry.indexOf(":") + 1).split(/[,;]/).map((v) => v.trim()).filter((v) => v !== "");
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Distinct strings numbered as first met. */
class Table {
  private readonly ids = new Map<string, number>();
  constructor(readonly names: string[] = []) {
    names.forEach((name, i) => this.ids.set(name, i));
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      if (this.names.length > MAX_DISTINCT) throw new Error(`more than ${MAX_DISTINCT} distinct values in one docMeta list`);
      id = this.names.push(name) - 1;
      this.ids.set(name, id);
    }
    return id;
  }
}

function encodeList(perDoc: string[][]): EncodedDocMeta["lists"][ListField] {
  const table = new Table();
  const starts = new Uint32Array(perDoc.length + 1);
  const ids: number[] = [];
  perDoc.forEach((values, doc) => {
    for (const v of values) ids.push(table.id(v));
    starts[doc + 1] = ids.length;
  });
  return { names: table.names, starts: bytesOf(starts), ids: bytesOf(Uint16Array.from(ids)) };
}
