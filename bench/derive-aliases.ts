/**
 * Derives, from the archive itself, what its own short product names stand for: the letters of a
 * title tag (`WD97`, `ACC97`, `XADM`) or a technology keyword (`kbVB600`, `kbWinNTS400`) name the
 * product that nearly all the articles carrying them apply to. Writes src/query/derived-aliases.ts,
 * which src/query/aliases.ts reads; names users type that the archive never uses stay hand-written there.
 * Usage: npm run derive-aliases [-- SOURCE] (SOURCE defaults to ../shared/kbarchive/kb.tar.gz).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArticle } from "../src/parse/article.js";
import type { Article } from "../src/parse/types.js";
import { packageRoot } from "../src/paths.js";
import { readSource } from "../src/read/source.js";
import { archiveTarball } from "./shared.js";

/** What the derivation looks at in an article. */
export type TaggedArticle = Pick<Article, "tag" | "technology" | "appliesTo" | "title" | "text" | "sections">;

/** A short name the archive uses and the product its articles apply to. */
export interface DerivedProduct {
  /** Lower-case letters of the tag (`wd`, `vb`, `winnts`). */
  name: string;
  /** The product as the archive names it, lower-case, without "Microsoft", platform and edition (`visual basic`). */
  words: string;
  /** Articles carrying the name as a tag, and how many of them apply to the product. */
  articles: number;
  applying: number;
  /** Articles whose title or text uses the name as a word, and how many of them apply to the product. */
  usedBy: number;
  usedApplying: number;
  /** Whether the name alone, as articles write it, means the product (`vfp`, `sms`; not `fax`, `smtp`). */
  alone: boolean;
}

/** A tag term articles carry (`kbvb600`, `wd97`), and the product and archive version it stands for. */
export interface DerivedTagTerm {
  term: string;
  name: string;
  version: string;
  articles: number;
}

export interface DerivedAliases {
  articles: number;
  products: DerivedProduct[];
  terms: DerivedTagTerm[];
}

/**
 * A name stands for a product when more than MIN_SHARE of at least MIN_ARTICLES of its articles apply
 * to it. Products that go together share articles (Windows NT Server and Workstation, Exchange and
 * Outlook Web Access), so only the share of the first counts; a suite's tag (`OFF97`: 8 of 10 articles
 * Word, 7 Excel, 7 PowerPoint) names none.
 */
const MIN_SHARE = 0.8;
const MIN_ARTICLES = 10;
/** A tag term stands for a version when at least this share of its articles name that version of the product. */
const MIN_VERSION_SHARE = 0.5;

/** `WD97`, `ACC97`, `XADM`, `FS2000`: letters, then an optional version. */
const TITLE_TAG = /^([A-Z]+)(\d*)$/;
/** `kbVB600`, `kbWinNTS400`, `kbExchange550`, `kbiis400`: a name, then a version (required: `kbAudDeveloper` names an audience). */
const TECHNOLOGY_TAG = /^kb([A-Za-z]+?)(\d+)$/;
/** An applies-to entry's versions end the product's name (", versions 5.0, 6.0", " 97"). */
const VERSION_TAIL = /,?\s+(?:versions?\b|\d).*$/i;
const EDITION =
  /,?\s*\b(?:Enterprise|Professional|Learning|Standard|Developer|Developer's|Personal|Academic|Control Creation|Working Model|Small Business|Terminal Server)\s+Edition\b/gi;
/** Words an applies-to entry adds to the product's name: the maker, a note, the platform, the bits, the edition. */
const NOISE = [/^Microsoft\s+/i, /^The\s+/i, /\s*\([^)]*\)/g, /\s+operating system\b/gi, /,?\s*\b(?:16|32|64)-bit\b,?/gi, /,?\s*\bfor\s+Windows\b(?:\s+(?:NT|95|98|3\.\d+))?/gi, EDITION];

/**
 * The product an applies-to entry names, cleaned: "Microsoft Visual Basic Enterprise Edition for
 * Windows, version 6.0" -> "visual basic". Undefined for entries naming no product ("the operating
 * system: ...", "... used with:").
 */
export function productOf(entry: string): string | undefined {
  if (entry.includes(":")) return undefined;
  let name = entry;
  for (const noise of NOISE) name = name.replace(noise, " ");
  name = name.replace(VERSION_TAIL, "").replace(/[\s,]+$/, "").replace(/\s+/g, " ").trim().toLowerCase();
  return /^[a-z]/.test(name) ? name : undefined;
}

/** The archive's spelling of a tag's version: `600` -> `6.0`, `550` -> `5.5`, `351` -> `3.51`, `7` -> `7.0`; years stay. */
export function tagVersion(digits: string): string {
  if (digits.length === 1) return `${digits}.0`;
  if (digits.length === 3) return `${digits[0]}.${digits.slice(1)}`.replace(/(\.\d)0$/, "$1");
  return digits;
}

/** The tags an article carries as [term, name, version digits]: its title tag, and its technology keywords. */
export function tagsOf(article: TaggedArticle): [term: string, name: string, digits: string][] {
  const tags: [string, string, string][] = [];
  const title = TITLE_TAG.exec(article.tag);
  if (title) tags.push([article.tag.toLowerCase(), title[1]!.toLowerCase(), title[2]!]);
  for (const keyword of article.technology) {
    const m = TECHNOLOGY_TAG.exec(keyword);
    if (m) tags.push([keyword.toLowerCase(), m[1]!.toLowerCase(), m[2]!]);
  }
  return tags;
}

/** The products an article applies to, and each "product version" its applies-to entries name. */
function appliedProducts(article: TaggedArticle): { products: Set<string>; versions: Set<string> } {
  const products = new Set<string>();
  const versions = new Set<string>();
  for (const entry of article.appliesTo) {
    const product = productOf(entry);
    if (!product) continue;
    products.add(product);
    for (const v of entry.matchAll(/\b\d+(?:\.\d+)?\b/g)) versions.add(`${product} ${v[0]}`);
  }
  return { products, versions };
}

/** First pass: per tag name and per tag term, the products their articles apply to. */
class TagCounts {
  articles = 0;
  /** name -> articles, and per product the articles applying to it. */
  private readonly names = new Map<string, { articles: number; products: Map<string, number> }>();
  /** term -> its name and digits, its articles, and per "product version" the articles naming it. */
  private readonly terms = new Map<string, { name: string; digits: string; articles: number; versions: Map<string, number> }>();

  add(article: TaggedArticle): void {
    this.articles++;
    const tags = tagsOf(article);
    if (tags.length === 0) return;
    const { products, versions } = appliedProducts(article);
    for (const name of new Set(tags.map(([, n]) => n))) {
      const counts = this.names.get(name) ?? { articles: 0, products: new Map() };
      counts.articles++;
      for (const p of products) counts.products.set(p, (counts.products.get(p) ?? 0) + 1);
      this.names.set(name, counts);
    }
    for (const [term, name, digits] of tags) {
      if (!digits) continue;
      const counts = this.terms.get(term) ?? { name, digits, articles: 0, versions: new Map() };
      counts.articles++;
      for (const v of versions) counts.versions.set(v, (counts.versions.get(v) ?? 0) + 1);
      this.terms.set(term, counts);
    }
  }

  /** Names with one clear product: name -> [product, articles, applying]. */
  products(): Map<string, [words: string, articles: number, applying: number]> {
    const found = new Map<string, [string, number, number]>();
    for (const [name, counts] of this.names) {
      if (counts.articles < MIN_ARTICLES) continue;
      // Ties go to the shorter, then the alphabetically first name, so that the result is stable.
      const [first] = [...counts.products].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
      if (!first || first[1] <= MIN_SHARE * counts.articles) continue;
      found.set(name, [first[0], counts.articles, first[1]]);
    }
    return found;
  }

  /** Tag terms whose articles name the term's version of its name's product. */
  termsFor(products: ReadonlyMap<string, [string, number, number]>): DerivedTagTerm[] {
    const found: DerivedTagTerm[] = [];
    for (const [term, counts] of this.terms) {
      const product = products.get(counts.name)?.[0];
      if (!product || counts.articles < MIN_ARTICLES) continue;
      const version = tagVersion(counts.digits);
      if ((counts.versions.get(`${product} ${version}`) ?? 0) >= MIN_VERSION_SHARE * counts.articles) {
        found.push({ term, name: counts.name, version, articles: counts.articles });
      }
    }
    return found.sort((a, b) => (a.term < b.term ? -1 : 1));
  }
}

/** Second pass: for each name found, the articles whose words use it, and how many apply to its product. */
class NameUsage {
  private readonly used = new Map<string, [usedBy: number, applying: number]>();

  constructor(private readonly products: ReadonlyMap<string, [string, number, number]>) {}

  add(article: TaggedArticle): void {
    const words = new Set<string>();
    for (const text of [article.title, ...article.sections.map((s) => article.text.slice(s.start, s.end))]) {
      for (const w of text.toLowerCase().matchAll(/[a-z]+/g)) if (this.products.has(w[0])) words.add(w[0]);
    }
    if (words.size === 0) return;
    const { products } = appliedProducts(article);
    for (const name of words) {
      const counts = this.used.get(name) ?? [0, 0];
      counts[0]++;
      if (products.has(this.products.get(name)![0])) counts[1]++;
      this.used.set(name, counts);
    }
  }

  of(name: string): [usedBy: number, applying: number] {
    return this.used.get(name) ?? [0, 0];
  }
}

/**
 * Derives the table from articles read twice (`read` is called once per pass): first which product
 * each tag name stands for, then whether articles use the name alone for it.
 */
export async function deriveAliases(read: () => AsyncIterable<TaggedArticle> | Iterable<TaggedArticle>): Promise<DerivedAliases> {
  const counts = new TagCounts();
  for await (const article of read()) counts.add(article);
  const found = counts.products();
  const usage = new NameUsage(found);
  for await (const article of read()) usage.add(article);
  const products = [...found]
    .map(([name, [words, articles, applying]]): DerivedProduct => {
      const [usedBy, usedApplying] = usage.of(name);
      const alone = words !== name && usedBy >= MIN_ARTICLES && usedApplying > MIN_SHARE * usedBy;
      return { name, words, articles, applying, usedBy, usedApplying, alone };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return { articles: counts.articles, products, terms: counts.termsFor(found) };
}

/** Every article of `source`, read and parsed as the indexer does (articles it skips are skipped here too). */
async function* articlesOf(source: string): AsyncGenerator<Article> {
  for await (const entry of readSource(source)) {
    try {
      yield parseArticle(entry.path, entry.text);
    } catch {
      continue;
    }
  }
}

export function deriveFromSource(source: string): Promise<DerivedAliases> {
  return deriveAliases(() => articlesOf(source));
}

/** The generated module's text: sorted, one entry a line, so that a rerun over the same archive gives the same bytes. */
export function renderModule(derived: DerivedAliases): string {
  const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;
  const lines = [
    "// Generated by bench/derive-aliases.ts from the archive: do not edit.",
    "// Regenerate with `npm run derive-aliases` (reads ../shared/kbarchive/kb.tar.gz); test/aliases.test.ts checks it is current.",
    `// ${derived.articles.toLocaleString("en-US")} articles read; a name is kept when > ${percent(MIN_SHARE, 1)} of >= ${MIN_ARTICLES} of its articles apply to one product.`,
    "",
    "/** The archive's short product names (title tag letters, technology keyword names) and the product their articles apply to. */",
    "export const TAG_PRODUCTS: Readonly<Record<string, string>> = {",
    ...derived.products.map((p) => `  ${JSON.stringify(p.name)}: ${JSON.stringify(p.words)}, // ${p.articles} articles, ${percent(p.applying, p.articles)}`),
    "};",
    "",
    "/** Names that mean their product when typed alone: >= 10 articles write the name, and > 80% of those apply to the product. */",
    "export const NAMES_ALONE: ReadonlySet<string> = new Set([",
    ...derived.products.filter((p) => p.alone).map((p) => `  ${JSON.stringify(p.name)}, // written in ${p.usedBy} articles, ${percent(p.usedApplying, p.usedBy)}`),
    "]);",
    "",
    "/** Tag terms articles carry (`wd97`, `kbvb600`): the name in TAG_PRODUCTS and the version, as the archive spells it, they stand for. */",
    "export const TAG_TERMS: Readonly<Record<string, readonly [name: string, version: string]>> = {",
    ...derived.terms.map((t) => `  ${JSON.stringify(t.term)}: [${JSON.stringify(t.name)}, ${JSON.stringify(t.version)}], // ${t.articles} articles`),
    "};",
    "",
  ];
  return lines.join("\n");
}

export const generatedModule = join(packageRoot, "src", "query", "derived-aliases.ts");

async function main(): Promise<void> {
  const source = process.argv[2] ?? archiveTarball;
  const derived = await deriveFromSource(source);
  writeFileSync(generatedModule, renderModule(derived));
  process.stderr.write(`derive-aliases: ${derived.products.length} names, ${derived.terms.length} tag terms from ${derived.articles} articles -> ${generatedModule}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`derive-aliases: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
