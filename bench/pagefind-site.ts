/**
 * The archive as Pagefind indexes it, for the site benchmark: each article rendered as a minimal
 * HTML page at its archive path (kb/NNN/QNNNNNN/) and handed to Pagefind's Node API in memory (no
 * 60,000 files written and crawled), its index written once under bench/.cache and reused while
 * the kbsearch index it was made from is the same. Pagefind is installed on first use
 * (peers/install.ts), not by npm ci.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { IndexReader } from "../src/store/reader.js";
import { BENCH_PACKAGES, ensureBenchPackage } from "./peers/install.js";

/** What the cached index was made from: rebuilt when any of it changes. */
interface Made {
  pagefind: string;
  index: string;
  articles: number;
  seconds: number;
}

/** The part of Pagefind's Node API used here (its types come with the package, which a fresh checkout lacks). */
interface PagefindApi {
  createIndex(config: { forceLanguage?: string }): Promise<{ errors: string[]; index?: PagefindIndex }>;
  close(): Promise<unknown>;
}
interface PagefindIndex {
  addHTMLFile(file: { url: string; content: string }): Promise<{ errors: string[] }>;
  writeFiles(options: { outputPath: string }): Promise<{ errors: string[] }>;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** A page loading Pagefind's search script, for the benchmark to search through in Chromium. */
function writeSearchPage(dir: string): void {
  writeFileSync(join(dir, "search.html"), `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module">window.pagefind = await import("/pagefind/pagefind.js"); await window.pagefind.init(); document.body.dataset.ready = "true";</script></body></html>`);
}

/** An article's page on the archive's site, where Pagefind's hits point. */
export function articlePath(id: string): string {
  return `/kb/${String(Math.floor(Number(id.slice(1)) / 1000)).padStart(3, "0")}/${id}/`;
}

/**
 * Pagefind's index of the articles of the kbsearch index at `indexDir` (the first `limit` of
 * them), in `dir`/pagefind, with `dir`/search.html loading its search script. Returns how long
 * indexing took, now or when the cached index was made.
 */
export async function pagefindSite(dir: string, indexDir: string, limit: number, log: (m: string) => void): Promise<Made> {
  const reader = IndexReader.open(indexDir);
  const articles = Math.min(limit, reader.docCount);
  const wanted = { pagefind: BENCH_PACKAGES.pagefind!, index: reader.checksum, articles };
  const madeFile = join(dir, "made.json");
  if (existsSync(madeFile) && existsSync(join(dir, "pagefind", "pagefind.js"))) {
    const made = JSON.parse(readFileSync(madeFile, "utf8")) as Made;
    if (made.pagefind === wanted.pagefind && made.index === wanted.index && made.articles === wanted.articles) {
      reader.close();
      writeSearchPage(dir);
      log(`Pagefind's index of ${articles} articles from ${dir} (made in ${made.seconds.toFixed(0)} s)`);
      return made;
    }
  }
  ensureBenchPackage("pagefind");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`indexing ${articles} articles with Pagefind ${wanted.pagefind} (once; kept in ${dir})`);
  // Named by a variable: the package is not there when this compiles.
  const packageName = "pagefind";
  const pagefind = (await import(packageName)) as PagefindApi;
  const started = performance.now();
  const { index, errors } = await pagefind.createIndex({ forceLanguage: "en" });
  if (!index) throw new Error(`pagefind: ${errors.join("; ")}`);
  // In batches: Pagefind's service takes files concurrently, and a batch bounds what is in flight.
  for (let first = 0; first < articles; first += 64) {
    const batch: Promise<{ errors: string[] }>[] = [];
    for (let doc = first; doc < Math.min(articles, first + 64); doc++) {
      const a = reader.stored(doc);
      const title = escape(`${a.id}: ${a.title}`);
      batch.push(index.addHTMLFile({
        url: articlePath(a.id),
        content: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><pre>${escape(a.text)}</pre></body></html>`,
      }));
    }
    for (const added of await Promise.all(batch)) if (added.errors.length) throw new Error(`pagefind: ${added.errors.join("; ")}`);
    if (first % 8192 === 0 && first > 0) log(`  ${first} articles in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const written = await index.writeFiles({ outputPath: join(dir, "pagefind") });
  if (written.errors.length) throw new Error(`pagefind: ${written.errors.join("; ")}`);
  await pagefind.close();
  reader.close();
  const made: Made = { ...wanted, seconds: (performance.now() - started) / 1000 };
  writeSearchPage(dir);
  writeFileSync(madeFile, JSON.stringify(made) + "\n");
  log(`Pagefind indexed ${articles} articles in ${made.seconds.toFixed(0)} s`);
  return made;
}
