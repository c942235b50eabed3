/**
 * The static site's costs in Chromium, beside Pagefind's: bytes and requests per query (the first
 * query on a cold page, the page's code included, on 40 pages by default so that p95 is not the
 * largest of a handful; and later queries), p50/p95 over the dev queries (people's with --people), the time from typing to
 * results on localhost; Pagefind indexing the same articles rendered as HTML pages, its bytes per
 * query on the same queries and its relevance on dev.jsonl and real-dev.jsonl. Measures; asserts
 * nothing.
 *
 * Usage: npm run bench:site [-- --queries N] [--cold N] [--people] [--no-pagefind] [--no-kbsearch] [--json FILE]
 * Needs ../shared/kbarchive/kb.tar.gz and Chromium (CHROMIUM_PATH or /usr/bin/chromium); Pagefind
 * is installed on first use (peers/install.ts), not by npm ci, and its index of the archive is
 * made once and kept in bench/.cache/pagefind-site (pagefind-site.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Browser, Page } from "playwright-core";
import { writeSite } from "../src/web/site.js";
import type { SiteLayout } from "../src/web/manifest.js";
import { chromiumPath, launchChromium } from "../test/browser.js";
import { serveStatic, type StaticServer } from "../test/static-server.js";
import { percentile, sampleEvenly } from "./measure.js";
import { pagefindSite } from "./pagefind-site.js";
import { K, summarizeSearch, type Scores } from "./metrics.js";
import { kbsearch } from "./peers/kbsearch.js";
import { benchCacheDir, benchIndexDir, commandLine, ensureIndex, loadEvalSet, peopleQueries, requireArchive, type EvalQuery } from "./shared.js";

const USAGE = "npm run bench:site [-- --queries N] [--cold N] [--people] [--no-pagefind] [--no-kbsearch] [--json FILE]";

interface Distribution {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? 0, mean: sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length) };
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** What a cold page's bytes are for: the page's code, opening the index, the query's own reads, the facets' columns. */
const PARTS = ["page", "open", "query", "facets"] as const;
type Part = (typeof PARTS)[number];

function bytesByPart(requests: { path: string; bytes: number }[]): Record<Part, number> {
  const by: Record<Part, number> = { page: 0, open: 0, query: 0, facets: 0 };
  for (const { path, bytes } of requests) {
    const part: Part = !path.startsWith("/index/") ? "page" : /^\/index\/(manifest\.json|open\.bin)$/.test(path) ? "open" : path.startsWith("/index/docmeta/") ? "facets" : "query";
    by[part] += bytes;
  }
  return by;
}

/** A fresh page (no cache) at `url`. */
async function coldPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** kbsearch's page: first queries on cold pages, then every query typed into one page. */
async function measureSite(browser: Browser, server: StaticServer, queries: EvalQuery[], coldCount: number) {
  const first: { bytes: number; requests: number; bytesWithFacets: number; requestsWithFacets: number; ms: number; by: Record<Part, number> }[] = [];
  for (const q of sampleEvenly(queries, coldCount)) {
    const before = { ...server.sent };
    const logged = server.log.length;
    const page = await coldPage(browser, `${server.url}?q=${encodeURIComponent(q.query)}`);
    await page.waitForSelector("body[data-results]", { timeout: 60_000 });
    const ms = await page.evaluate(() => performance.now());
    const atResults = { ...server.sent };
    await page.waitForSelector("body[data-facets]", { timeout: 60_000 }).catch(() => undefined);
    first.push({
      bytes: atResults.bytes - before.bytes,
      requests: atResults.requests - before.requests,
      bytesWithFacets: server.sent.bytes - before.bytes,
      requestsWithFacets: server.sent.requests - before.requests,
      ms,
      by: bytesByPart(server.log.slice(logged)),
    });
    await page.context().close();
  }
  // Later queries: typed into a page that has answered one query, each timed from the input event to its hits shown.
  const page = await coldPage(browser, `${server.url}?q=${encodeURIComponent("windows")}`);
  await page.waitForSelector("body[data-facets]", { timeout: 60_000 });
  const later: { bytes: number; requests: number; ms: number; bytesToResults: number }[] = [];
  for (const q of queries) {
    const before = { ...server.sent };
    const ms = await typeQuery(page, q.query);
    later.push({ bytes: server.sent.bytes - before.bytes, requests: server.sent.requests - before.requests, ms, bytesToResults: 0 });
  }
  // Opening a hit: the first hit of every tenth query clicked in the same page, timed to its
  // article shown and to its related articles listed, and the bytes until both.
  const opened: { msToArticle: number; msToRelated: number; bytes: number }[] = [];
  for (const q of queries.filter((_, i) => i % 10 === 0)) {
    if (await page.locator("#article:not([hidden])").count()) {
      await page.keyboard.press("Escape");
      await page.waitForSelector("#article", { state: "hidden" });
    }
    await typeQuery(page, q.query);
    const link = page.locator("#results a.title").first();
    if ((await link.count()) === 0) continue;
    const before = { ...server.sent };
    const started = await page.evaluate(() => {
      delete document.body.dataset.related;
      return performance.now();
    });
    await link.click();
    await page.waitForSelector("#article:not([hidden]) pre.text", { timeout: 60_000 });
    const atArticle = await page.evaluate(() => performance.now());
    const id = new URL(page.url()).searchParams.get("id");
    await page.waitForFunction((want) => document.body.dataset.related === want, id, { timeout: 60_000 });
    const atRelated = await page.evaluate(() => performance.now());
    opened.push({ msToArticle: atArticle - started, msToRelated: atRelated - started, bytes: server.sent.bytes - before.bytes });
  }
  await page.context().close();
  return {
    openingAHit: {
      msToArticle: distribution(opened.map((o) => o.msToArticle)),
      msToRelated: distribution(opened.map((o) => o.msToRelated)),
      bytes: distribution(opened.map((o) => o.bytes)),
    },
    firstQuery: {
      bytesToResults: distribution(first.map((f) => f.bytes)),
      requestsToResults: distribution(first.map((f) => f.requests)),
      bytesWithFacets: distribution(first.map((f) => f.bytesWithFacets)),
      requestsWithFacets: distribution(first.map((f) => f.requestsWithFacets)),
      msFromNavigationToResults: distribution(first.map((f) => f.ms)),
      bytesByPart: Object.fromEntries(PARTS.map((part) => [part, distribution(first.map((f) => f.by[part]))])),
    },
    laterQueries: {
      bytes: distribution(later.map((l) => l.bytes)),
      requests: distribution(later.map((l) => l.requests)),
      msFromTypingToResults: distribution(later.map((l) => l.ms)),
    },
  };
}

/**
 * Types `query` into the page's box as one input event and waits for its hits, then its facets;
 * resolves with the milliseconds from the event to the hits shown (the search's pause included).
 */
function typeQuery(page: Page, query: string): Promise<number> {
  return page.evaluate(async (q) => {
    const body = document.body;
    const ticket = body.dataset.results;
    const input = document.getElementById("q") as HTMLInputElement;
    const started = performance.now();
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise<void>((resolve) => {
      const check = () => (body.dataset.results !== ticket ? resolve() : requestAnimationFrame(check));
      check();
    });
    const shown = performance.now() - started;
    const marked = body.dataset.results;
    await new Promise<void>((resolve) => {
      const check = () => (body.dataset.facets === marked ? resolve() : setTimeout(check, 2));
      check();
    });
    return shown;
  }, query);
}

/** Pagefind in Chromium: bytes and requests per query (cold, then later), and its top 10 for each query. */
async function measurePagefind(browser: Browser, server: StaticServer, queries: EvalQuery[], coldCount: number, relevanceQueries: EvalQuery[], onBytes: (bytes: PagefindBytes) => void) {
  const top10 = (page: Page, query: string) =>
    page.evaluate(async ([q, k]) => {
      const pf = (window as unknown as { pagefind: { search(q: string): Promise<{ results: { data(): Promise<{ url: string }> }[] } | null> } }).pagefind;
      const found = await pf.search(q);
      const data = await Promise.all((found?.results ?? []).slice(0, k).map((r) => r.data()));
      return data.map((d) => /Q\d+/.exec(d.url)?.[0] ?? d.url);
    }, [query, K] as const);
  const first: { bytes: number; requests: number }[] = [];
  for (const q of sampleEvenly(queries, coldCount)) {
    const before = { ...server.sent };
    const page = await coldPage(browser, `${server.url}search.html`);
    await page.waitForSelector("body[data-ready]", { state: "attached", timeout: 60_000 });
    await top10(page, q.query);
    first.push({ bytes: server.sent.bytes - before.bytes, requests: server.sent.requests - before.requests });
    await page.context().close();
  }
  const page = await coldPage(browser, `${server.url}search.html`);
  await page.waitForSelector("body[data-ready]", { state: "attached", timeout: 60_000 });
  await top10(page, "windows");
  const later: { bytes: number; requests: number }[] = [];
  for (const q of queries) {
    const before = { ...server.sent };
    await top10(page, q.query);
    later.push({ bytes: server.sent.bytes - before.bytes, requests: server.sent.requests - before.requests });
  }
  const bytes: PagefindBytes = {
    firstQuery: { bytes: distribution(first.map((f) => f.bytes)), requests: distribution(first.map((f) => f.requests)) },
    laterQueries: { bytes: distribution(later.map((l) => l.bytes)), requests: distribution(later.map((l) => l.requests)) },
  };
  // Kept before the relevance queries, the longest part.
  onBytes(bytes);
  const ranked = new Map<string, string[]>();
  for (const q of relevanceQueries) {
    if (!ranked.has(q.query)) ranked.set(q.query, await top10(page, q.query));
    if (ranked.size % 250 === 0) log(`  Pagefind: ${ranked.size} queries ranked`);
  }
  await page.context().close();
  return { bytes, ranked };
}

interface PagefindBytes {
  firstQuery: { bytes: Distribution; requests: Distribution };
  laterQueries: { bytes: Distribution; requests: Distribution };
}

type Measured = Awaited<ReturnType<typeof measureSite>>;
type PagefindMeasured = PagefindBytes;

/** The figures the goals name, side by side (kB are 1,000 bytes). */
function summary(report: Record<string, unknown>): Record<string, Record<string, number>> {
  const kB = (n: number) => Math.round(n / 100) / 10;
  const rows: Record<string, Record<string, number>> = {};
  for (const layout of ["ranges", "pieces"]) {
    const m = report[`kbsearch-${layout}`] as Measured | undefined;
    if (!m) continue;
    rows[`kbsearch (${layout})`] = {
      firstQueryKBp50: kB(m.firstQuery.bytesWithFacets.p50),
      firstQueryKBp95: kB(m.firstQuery.bytesWithFacets.p95),
      firstQueryRequestsP50: m.firstQuery.requestsWithFacets.p50,
      laterQueryKBp50: kB(m.laterQueries.bytes.p50),
      laterQueryKBp95: kB(m.laterQueries.bytes.p95),
      laterQueryRequestsP50: m.laterQueries.requests.p50,
      laterQueryRequestsP95: m.laterQueries.requests.p95,
      msTypingToResultsP50: Math.round(m.laterQueries.msFromTypingToResults.p50),
      msTypingToResultsP95: Math.round(m.laterQueries.msFromTypingToResults.p95),
      msToArticleP50: Math.round(m.openingAHit.msToArticle.p50),
      msToArticleP95: Math.round(m.openingAHit.msToArticle.p95),
      msToRelatedP50: Math.round(m.openingAHit.msToRelated.p50),
      openingAHitKBp50: kB(m.openingAHit.bytes.p50),
    };
  }
  const pf = report.pagefind as PagefindMeasured | undefined;
  if (pf) {
    rows.pagefind = {
      firstQueryKBp50: kB(pf.firstQuery.bytes.p50),
      firstQueryKBp95: kB(pf.firstQuery.bytes.p95),
      firstQueryRequestsP50: pf.firstQuery.requests.p50,
      laterQueryKBp50: kB(pf.laterQueries.bytes.p50),
      laterQueryKBp95: kB(pf.laterQueries.bytes.p95),
      laterQueryRequestsP50: pf.laterQueries.requests.p50,
      laterQueryRequestsP95: pf.laterQueries.requests.p95,
    };
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = commandLine(USAGE, () =>
    parseArgs({
      options: {
        queries: { type: "string", default: "400" },
        cold: { type: "string", default: "40" },
        people: { type: "boolean", default: false },
        "no-pagefind": { type: "boolean", default: false },
        "no-kbsearch": { type: "boolean", default: false },
        json: { type: "string", default: join(benchCacheDir, "site.json") },
      },
    }),
  );
  requireArchive();
  if (!chromiumPath) throw new Error("no Chromium: apt-get install -y chromium, or set CHROMIUM_PATH");
  ensureIndex(kbsearch);
  const dev = loadEvalSet("dev.jsonl");
  const realDev = loadEvalSet("real-dev.jsonl");
  // People's queries (long questions, pasted dialogs, forum posts) in place of dev's, with --people.
  const timed = values.people ? peopleQueries() : dev;
  const queries = sampleEvenly(timed, Math.min(timed.length, Number(values.queries)));
  const coldCount = Number(values.cold);
  const browser = await launchChromium();
  const report: Record<string, unknown> = { querySet: values.people ? "people" : "dev", queries: queries.length, coldPages: coldCount, chromium: browser.version() };
  try {
    for (const layout of values["no-kbsearch"] ? [] : (["ranges", "pieces"] as SiteLayout[])) {
      const dir = join(benchCacheDir, `site-${layout}`);
      const site = writeSite(dir, { indexDir: benchIndexDir, layout });
      // Text gzipped as GitHub Pages serves it; the index files are binary and go as they are.
      const server = await serveStatic(dir, { ranges: layout === "ranges", gzip: true });
      log(`kbsearch site, layout ${layout}: ${site.files} files, ${(site.bytes / 1e6).toFixed(1)} MB`);
      report[`kbsearch-${layout}`] = { site, ...(await measureSite(browser, server, queries, coldCount)) };
      await server.close();
      // Written as each part is done: Pagefind's part takes the longest.
      writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
    }
    if (!values["no-pagefind"]) {
      const dir = join(benchCacheDir, "pagefind-site");
      const made = await pagefindSite(dir, benchIndexDir, Infinity, log);
      const server = await serveStatic(dir, { ranges: false, gzip: true });
      log("Pagefind");
      const about = { version: made.pagefind, articles: made.articles, indexingSeconds: Math.round(made.seconds) };
      const measured = await measurePagefind(browser, server, queries, coldCount, [...dev, ...realDev], (bytes) => {
        report.pagefind = { ...about, ...bytes };
        writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
      });
      await server.close();
      const index = kbsearch.open(benchIndexDir);
      const relevance: Record<string, Record<string, Record<string, Scores>>> = {};
      for (const [name, set] of [["dev.jsonl", dev], ["real-dev.jsonl", realDev]] as const) {
        relevance[name] = {
          kbsearch: Object.fromEntries(summarizeSearch(set, (q) => index.search(q, K).map((h) => h.id))),
          pagefind: Object.fromEntries(summarizeSearch(set, (q) => measured.ranked.get(q) ?? [])),
        };
      }
      index.close();
      report.pagefind = { ...about, ...measured.bytes, relevance };
    }
  } finally {
    await browser.close();
  }
  report.summary = summary(report);
  writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  log(`figures written to ${values.json}`);
}

await main();
