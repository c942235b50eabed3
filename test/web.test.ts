/**
 * The search page in a real browser (headless Chromium): the static site `kbsearch site` writes,
 * served by a plain static file server on 127.0.0.1 with and without range requests; typing,
 * facets, the keyboard, the article view and the URL; and the engine in the page giving the
 * library's ranked ids, scores and snippets for a few hundred dev queries.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { inflateRawSync } from "node:zlib";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { buildIndex } from "../src/index.js";
import { KbIndex } from "../src/query/engine.js";
import type { SearchResult } from "../src/query/types.js";
import { pack } from "msgpackr";
import { LIST_FIELDS } from "../src/store/docmeta.js";
import { decodeMsgpack } from "../src/store/msgpack.js";
import { IndexReader } from "../src/store/reader.js";
import { decodeDates, decodeFacetColumns, decodeSetList, encodeFacetColumns, encodeMonthDays, encodeSetList } from "../src/web/site-docmeta.js";
import { SiteIndex } from "../src/web/site-index.js";
import { IndexReader as SourceReader } from "../src/store/index-reader.js";
import { filterRange, siteFiles, tellingPath, type SiteManifest, type TellingFile } from "../src/web/manifest.js";
import { tellingTerms } from "../src/query/related.js";
import { MIN_CORRECTION_DOC_FREQ } from "../src/query/expand.js";
import { buildTermFilter, mayHold } from "../src/web/term-filter.js";
import { writeSite, type SiteOptions } from "../src/web/site.js";
import { chromiumPath, launchChromium, NO_CHROMIUM } from "./browser.js";
import { buildSampleIndex, dataStartOf, projectRoot, sharedTarball, spawnCli } from "./helpers.js";
import { serveStatic, type StaticServer } from "./static-server.js";

const skip = chromiumPath ? false : NO_CHROMIUM;


async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 }).catch(() => assert.fail(`the page did not start: ${errors.join("; ")}`));
  return page;
}

/** Types like a user and waits for the hits of what was typed. */
async function typeQuery(page: Page, q: string): Promise<void> {
  await page.fill("#q", "");
  await page.type("#q", q, { delay: 20 });
  await until(page, (query) => new URL(location.href).searchParams.get("q") === query && document.querySelector("#status")?.textContent?.includes("match"), q);
}

/** Waits for `condition` in the page; a timeout says what the page showed then. */
async function until<A>(page: Page, condition: (arg: A) => unknown, arg?: A): Promise<void> {
  try {
    await page.waitForFunction(condition as (arg: unknown) => unknown, arg, { timeout: 15_000 });
  } catch (err) {
    const status = await page.locator("#status").textContent().catch(() => "?");
    assert.fail(`timed out waiting for ${condition.toString()} (${JSON.stringify(arg)}): the page is at ${page.url()}, its status "${status}" (${(err as Error).message.split("\n")[0]})`);
  }
}

const titles = (page: Page) => page.locator("#results a.title").allTextContents();

describe("the static site in Chromium", { skip }, () => {
  let indexDir: string;
  let sites: string;
  let browser: Browser;
  const servers: StaticServer[] = [];
  let ranged: StaticServer;
  let plain: StaticServer;
  let rangesOnPlain: StaticServer;

  before(async () => {
    indexDir = await buildSampleIndex("kbsearch-web-index-");
    sites = mkdtempSync(join(tmpdir(), "kbsearch-web-sites-"));
    writeSite(join(sites, "ranges"), { indexDir, layout: "ranges" });
    writeSite(join(sites, "pieces"), { indexDir, layout: "pieces", articleBase: "https://example.org/kb/" });
    ranged = await serveStatic(join(sites, "ranges"), { ranges: true });
    plain = await serveStatic(join(sites, "pieces"), { ranges: false });
    rangesOnPlain = await serveStatic(join(sites, "ranges"), { ranges: false });
    servers.push(ranged, plain, rangesOnPlain);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    rmSync(indexDir, { recursive: true, force: true });
    rmSync(sites, { recursive: true, force: true });
  });

  for (const [name, server] of [["range requests (layout ranges)", () => ranged], ["no range requests (layout pieces)", () => plain], ["a host ignoring range requests (layout ranges)", () => rangesOnPlain]] as const) {
    it(`a query typed shows the right article first: ${name}`, async () => {
      const page = await openPage(browser, server().url);
      await typeQuery(page, "heap corruption");
      assert.match((await titles(page))[0]!, /^Q949387: MSMI\.EXE Stops with Access Violation After Heap Corruption/);
      assert.equal(await page.locator("#status").textContent(), "7 articles match.");
      // Highlighted snippet words are the query's.
      const marks = await page.locator("#results li:first-child .snippet mark").allTextContents();
      assert.ok(marks.length > 0 && marks.every((m) => /^(heap|corruption)/i.test(m)), marks.join(","));
      await typeQuery(page, "printer driver");
      assert.match((await titles(page))[0]!, /^Q947325: Remove a Printer Driver from Windows NT 4\.0/);
      await page.close();
    });
  }

  it("kbsearch serve answers / with the page, which searches through its API", async () => {
    const { child, done } = spawnCli(["serve", "--port", "0", "--no-suggest", "--index", indexDir]);
    try {
      // The server says where it listens on its first line.
      const base = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (s: string) => {
          out += s;
          const at = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (at) resolve(at[1]!);
        });
        void done.then((run) => reject(new Error(`serve ended: ${run.stderr}`)));
      });
      const page = await openPage(browser, `${base}?q=${encodeURIComponent("heap corruption")}`);
      const searched: string[] = [];
      page.on("request", (r) => searched.push(new URL(r.url()).pathname));
      await until(page, () => document.querySelector("#status")?.textContent === "7 articles match.");
      assert.match((await titles(page))[0]!, /^Q949387: MSMI\.EXE Stops with Access Violation After Heap Corruption/);
      await typeQuery(page, "printer driver");
      assert.match((await titles(page))[0]!, /^Q947325: Remove a Printer Driver from Windows NT 4\.0/);
      // Through the API, not the index's files.
      assert.ok(searched.some((p) => p === "/api/search"), searched.join(" "));
      assert.ok(!searched.some((p) => p.startsWith("/index/")), searched.join(" "));
      await page.close();
    } finally {
      child.kill("SIGTERM");
      assert.equal((await done).status, 0);
    }
  });

  it("a misspelt query says did you mean, and searches the spelling", async () => {
    const page = await openPage(browser, `${ranged.url}?q=${encodeURIComponent("heap corruptoin")}`);
    await page.waitForSelector("#didyoumean:not([hidden])");
    assert.match((await page.locator("#didyoumean").textContent())!, /Did you mean heap corruption\?/);
    assert.match((await titles(page))[0]!, /^Q949387:/);
    await page.close();
  });

  it("facets narrow the hits to the product and year clicked", async () => {
    const page = await openPage(browser, `${ranged.url}?q=access+violation`);
    await page.waitForSelector("#facets .facet");
    assert.equal(await page.locator("#status").textContent(), "11 articles match.");
    await page.locator("#facets .facet", { hasText: "Microsoft Exchange" }).click();
    await until(page, () => new URL(location.href).searchParams.get("q") === 'access violation product:"Microsoft Exchange"' && document.querySelector("#status")?.textContent === "3 articles match.");
    const facts = await page.locator("#results .facts").allTextContents();
    assert.equal(facts.length, 3);
    for (const f of facts) assert.match(f, /Microsoft Exchange/);
    assert.deepEqual(await page.locator("#filters li").allTextContents(), ['product:"Microsoft Exchange" ×']);
    await page.locator("#facets .facet", { hasText: "1999" }).click();
    await until(page, () => /year:1999$/.test(new URL(location.href).searchParams.get("q") ?? "") && /^[12] articles? match\.$/.test(document.querySelector("#status")?.textContent ?? ""));
    for (const f of await page.locator("#results .facts").allTextContents()) assert.match(f, /Microsoft Exchange.*1999-/);
    // Removing a filter widens again.
    await page.locator("#filters button").first().click();
    await until(page, () => new URL(location.href).searchParams.get("q") === "access violation year:1999");
    await page.close();
  });

  it("the keyboard: / focuses the box, arrows move through hits, Enter opens, Esc goes back", async () => {
    const page = await openPage(browser, ranged.url);
    await page.locator("h1").click();
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "q");
    await page.keyboard.type("access violation", { delay: 10 });
    await until(page, () => document.querySelector("#status")?.textContent === "11 articles match.");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const second = (await titles(page))[1]!;
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), second);
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "q");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#article:not([hidden]) pre.text");
    assert.equal(new URL(page.url()).searchParams.get("id"), "Q940211");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#article", { state: "hidden" });
    assert.equal(new URL(page.url()).searchParams.get("id"), null);
    assert.equal(new URL(page.url()).searchParams.get("q"), "access violation");
    assert.match((await titles(page))[0]!, /^Q940211:/);
    await page.close();
  });

  it("the article view: the text with the query's words marked, related articles, the archive's page", async () => {
    const page = await openPage(browser, `${plain.url}?q=heap+corruption&id=Q949387`);
    await page.waitForSelector("#article .related li");
    assert.equal(await page.locator("#article-title").textContent(), "Q949387: MSMI.EXE Stops with Access Violation After Heap Corruption");
    const marks = await page.locator("#article pre mark").allTextContents();
    assert.ok(marks.length >= 2 && marks.every((m) => /^(heap|corruption)/i.test(m)), marks.join(","));
    const related = await page.locator("#article .related a").allTextContents();
    assert.ok(related.length > 0 && !related.some((r) => r.startsWith("Q949387")));
    assert.equal(await page.locator("#article a", { hasText: "on the archive's site" }).getAttribute("href"), "https://example.org/kb/949/Q949387/");
    // A related article opens in place; the back button returns.
    await page.locator("#article .related a").first().click();
    await until(page, () => new URL(location.href).searchParams.get("id") !== "Q949387" && document.querySelector("#article-title")?.textContent?.startsWith(new URL(location.href).searchParams.get("id")!));
    await page.goBack();
    await until(page, () => document.querySelector("#article-title")?.textContent?.startsWith("Q949387"));
    await page.close();
  });

  it("an article is shown as soon as it is read, its related articles after, when found", async () => {
    const page = await openPage(browser, `${plain.url}?q=heap+corruption`);
    await page.waitForSelector("#results a.title");
    // Related articles that are never found: the article is shown all the same.
    await page.evaluate(() => {
      window.kbsearchPage!.backend.related = () => new Promise(() => {});
    });
    await page.locator("#results a.title").first().click();
    await page.waitForSelector("#article:not([hidden]) pre.text");
    assert.match((await page.locator("#article-title").textContent()) ?? "", /^Q\d+: /);
    assert.equal(await page.locator("#article .related").count(), 0);
    assert.equal(await page.evaluate(() => document.body.dataset.related ?? null), null);
    await page.close();
  });

  it("the URL round trip: ?q= opens with its hits, typing updates it, the back button returns", async () => {
    const page = await openPage(browser, `${ranged.url}?q=servpack`);
    await until(page, () => document.querySelector("#status")?.textContent === "5 articles match.");
    assert.equal(await page.inputValue("#q"), "servpack");
    assert.match((await titles(page))[0]!, /^Q979914:/);
    await page.locator("#results a.title").first().click();
    await page.waitForSelector("#article:not([hidden])");
    await page.goBack();
    await page.waitForSelector("#article", { state: "hidden" });
    assert.equal(new URL(page.url()).searchParams.get("q"), "servpack");
    await typeQuery(page, "printer driver");
    await page.locator("#search button[type=submit]").click();
    await page.goBack();
    await until(page, () => new URL(location.href).searchParams.get("q") === "servpack");
    await until(page, () => document.querySelector("#status")?.textContent === "5 articles match.");
    assert.equal(await page.inputValue("#q"), "servpack");
    await page.close();
  });

  it("a phone-sized screen: no sideways scrolling, facets above the hits", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true });
    await page.goto(`${ranged.url}?q=access+violation`);
    await page.waitForSelector("#facets .facet");
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
    const [facets, hits, firstHit] = await Promise.all([page.locator("#facets").boundingBox(), page.locator("#results").boundingBox(), page.locator("#results .hit").first().boundingBox()]);
    assert.ok(facets!.y < hits!.y);
    // The facets take a row a group: the first hit, its snippet too, is on the first screen.
    assert.ok(firstHit!.y + firstHit!.height <= 740, `the first hit ends at ${firstHit!.y + firstHit!.height} px`);
    await page.close();
  });
});

describe("the engine in the browser gives the library's results", { skip }, () => {
  let indexDir: string;
  let site: string;
  let server: StaticServer;
  let browser: Browser;
  let ownIndex = true;

  before(async () => {
    // The whole archive when ../shared has it: the dev queries are written for it.
    if (sharedTarball) {
      indexDir = mkdtempSync(join(tmpdir(), "kbsearch-web-full-"));
      await buildIndex(sharedTarball, { indexDir });
    } else {
      indexDir = await buildSampleIndex("kbsearch-web-same-");
    }
    site = mkdtempSync(join(tmpdir(), "kbsearch-web-same-site-"));
    writeSite(site, { indexDir, layout: "ranges" });
    server = await serveStatic(site, { ranges: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (ownIndex) rmSync(indexDir, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  });

  it("300 dev queries: the same ranked ids, scores, snippets, totals and corrections", { timeout: 600_000 }, async () => {
    const devFile = sharedTarball ? join(projectRoot, "..", "shared", "eval", "dev.jsonl") : undefined;
    const queries = devFile
      ? readFileSync(devFile, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { query: string }).query).filter((_, i) => i % 5 === 0).slice(0, 300)
      : sampleQueries();
    assert.ok(queries.length >= 100, `${queries.length} queries`);
    // A few with filters, facets and paging: the refined path and the docMeta files.
    const cases: [string, object][] = [
      ...queries.map((q): [string, object] => [q, { limit: 10 }]),
      ["access violation", { limit: 5, offset: 3, facets: true }],
      ["product:exchange mta", { facets: true }],
      ['"access violation" -heap', { limit: 10 }],
      ["printer year:1999..2001", { sort: "date" }],
      ["driver os:winnt", { facets: true }],
      ["setup kw:kbbug", { limit: 10 }],
      ["excel version:5.0", { limit: 10 }],
      ["word tag:WORD", { facets: true }],
      ["Q949387", { limit: 3 }],
    ];
    const library = KbIndex.open(indexDir);
    const page = await openPage(browser, server.url);
    const strip = ({ tookMs: _t, ...rest }: SearchResult) => rest;
    let compared = 0;
    for (const [q, options] of cases) {
      const inBrowser = await page.evaluate(([query, opts]) => window.kbsearchPage!.index!.search(query, opts), [q, options] as const);
      assert.deepEqual(strip(inBrowser), strip(library.search(q, options)), `query ${JSON.stringify(q)} ${JSON.stringify(options)}`);
      compared++;
    }
    library.close();
    assert.equal(compared, cases.length);
    await page.close();
  });
});

/** Queries over the sample corpus when the archive's dev set is not at hand: its articles' title words, two and three at a time. */
function sampleQueries(): string[] {
  const words = ["heap", "corruption", "printer", "driver", "access", "violation", "servpack", "spooler", "exchange", "mta", "dll", "memory", "windows", "install", "error", "server", "sql", "query", "network", "crash"];
  const queries: string[] = [];
  for (let i = 0; i < words.length; i++) for (let j = i + 1; j < words.length; j++) queries.push(`${words[i]} ${words[j]}`);
  return queries.slice(0, 150).concat(words.map((w) => `${w.slice(0, -1)}x`));
}

/**
 * A fetch answering from the site's files as a static host with range requests serves them, with
 * no server; `asked` hears each request: its path, and the range's [start, end) when it has one.
 */
function siteFetcher(site: string, asked: (path: string, range?: [number, number]) => void): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    const bytes = readFileSync(join(site, path));
    const range = /^bytes=(\d+)-(\d+)$/.exec(new Headers(init?.headers).get("range") ?? "");
    if (!range) {
      asked(path);
      return new Response(bytes);
    }
    const [start, end] = [Number(range[1]), Number(range[2]) + 1];
    asked(path, [start, end]);
    return new Response(bytes.subarray(start, end), { status: 206 });
  }) as typeof fetch;
}

/** Builds the sample's index and writes its site (layout ranges, with `options`), runs `body` over both, then removes them. */
async function withSampleSite(name: string, options: Partial<SiteOptions>, body: (indexDir: string, site: string) => Promise<void>): Promise<void> {
  const indexDir = await buildSampleIndex(`kbsearch-web-${name}-`);
  const site = mkdtempSync(join(tmpdir(), `kbsearch-web-${name}-site-`));
  try {
    writeSite(site, { indexDir, layout: "ranges", ...options });
    await body(indexDir, site);
  } finally {
    rmSync(indexDir, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  }
}

describe("the site's manifest", () => {
  it("lists the index's files by their sizes alone: in order they are the index, byte for byte, in both layouts", async () => {
    for (const layout of ["ranges", "pieces"] as const) {
      await withSampleSite(`files-${layout}`, { layout }, async (indexDir, site) => {
        const manifest = JSON.parse(readFileSync(join(site, "index", "manifest.json"), "utf8")) as SiteManifest & { files?: unknown };
        assert.equal(manifest.files, undefined, "no list of paths and offsets");
        const files = siteFiles(manifest);
        if (layout === "pieces") assert.ok(files.length > 3, `${files.length} pieces`);
        const index = readFileSync(join(indexDir, "kbsearch.idx"));
        assert.equal(files.at(-1)!.end, index.length);
        assert.ok(Buffer.concat(files.map((f) => readFileSync(join(site, f.path)))).equals(index), layout);
      });
    }
  });
});

describe("the site's compressed postings lists", () => {
  it("are fetched in place of their ranges, and the engine reads the same bytes from them", async () => {
    await withSampleSite("lists", { compressListsFrom: 24 }, async (indexDir, site) => {
      // The sample's lists are short: compress every one of 24 bytes or more.
      const manifest = JSON.parse(readFileSync(join(site, "index", "manifest.json"), "utf8")) as SiteManifest;
      // Each list's file is named by its place in the index: the manifest lists none of them.
      const listed = readdirSync(join(site, "index", "lists"));
      assert.ok(listed.length > 10, `${listed.length} lists compressed`);
      assert.deepEqual(Object.keys(manifest.lists).sort(), ["end", "fromBytes", "start"]);
      const indexFile = readFileSync(join(indexDir, "kbsearch.idx"));
      for (const name of listed) {
        const position = Number(name.replace(/\.bin$/, ""));
        assert.ok(position >= manifest.lists.start && position < manifest.lists.end, name);
        const list = inflateRawSync(readFileSync(join(site, "index", "lists", name)));
        assert.ok(list.length >= manifest.lists.fromBytes && list.equals(indexFile.subarray(position, position + list.length)), name);
      }
      const asked: string[] = [];
      const index = await SiteIndex.open("http://site.test/", siteFetcher(site, (path) => asked.push(path)));
      const library = KbIndex.open(indexDir);
      const strip = ({ tookMs: _t, ...rest }: SearchResult) => rest;
      for (const q of ["heap corruption", "printer driver spooler", "exchange mta", "access violation -heap"]) {
        assert.deepEqual(strip(await index.search(q)), strip(library.search(q)), q);
      }
      library.close();
      assert.ok(asked.some((path) => path.startsWith("/index/lists/")), "a compressed list was fetched");
    });
  });
});

describe("a host ignoring range requests", () => {
  it("sends an index file whole once: the page asks for it once, not once for every range it needs", async () => {
    await withSampleSite("noranges", {}, async (indexDir, site) => {
      const asked = new Map<string, number>();
      // As python3 -m http.server does: a Range header is ignored, the whole file sent with a 200.
      const fetcher = (async (input: string | URL | Request) => {
        const path = new URL(String(input)).pathname;
        asked.set(path, (asked.get(path) ?? 0) + 1);
        // An index file takes a while to come, as a large one does: a search starts before it has.
        if (/kbsearch\.idx\.\d+$/.test(path)) await new Promise((resolve) => setTimeout(resolve, 50));
        return new Response(readFileSync(join(site, path)));
      }) as typeof fetch;
      const index = await SiteIndex.open("http://site.test/", fetcher);
      const library = KbIndex.open(indexDir);
      const strip = ({ tookMs: _t, ...rest }: SearchResult) => rest;
      for (const q of ["heap corruption", "printer driver spooler", "windws printr", "exchange mta"]) assert.deepEqual(strip(await index.search(q)), strip(library.search(q)), q);
      library.close();
      const indexFiles = [...asked].filter(([path]) => /kbsearch\.idx\.\d+$/.test(path));
      assert.ok(indexFiles.length > 0);
      assert.deepEqual(indexFiles.filter(([, n]) => n > 1), [], JSON.stringify(indexFiles));
    });
  });
});

describe("the site's related articles", () => {
  it("come from each article's telling terms listed when the site was written: the library's related, far fewer reads", async () => {
    await withSampleSite("related", {}, async (indexDir, site) => {
      const manifest = JSON.parse(readFileSync(join(site, "index", "manifest.json"), "utf8")) as SiteManifest;
      assert.ok(manifest.telling, "the manifest names the telling terms' files");
      // Each article's listed terms are what the library works out from its text.
      const reader = IndexReader.open(indexDir);
      for (let doc = 0; doc < reader.docCount; doc++) {
        const file = decodeMsgpack(inflateRawSync(readFileSync(join(site, tellingPath(doc, manifest.telling.docsPerFile))))) as TellingFile;
        const first = file.counts.slice(0, doc % manifest.telling.docsPerFile).reduce((a, b) => a + b, 0);
        const listed = file.terms.slice(first, first + file.counts[doc % manifest.telling.docsPerFile]!);
        assert.deepEqual(listed, tellingTerms(reader, reader.stored(doc)).map((t) => t.term), `doc ${doc}`);
      }
      reader.close();
      const asked: string[] = [];
      const index = await SiteIndex.open("http://site.test/", siteFetcher(site, (path) => asked.push(path)));
      const library = KbIndex.open(indexDir);
      const strip = ({ tookMs: _t, ...rest }: SearchResult) => rest;
      for (const id of ["Q949387", "Q912044", "Q45712"]) {
        await index.get(id);
        const before = asked.length;
        assert.deepEqual(strip(await index.related(id, { limit: 5 })), strip(library.related(id, { limit: 5 })), id);
        if (id === "Q949387") assert.ok(asked.slice(before).some((path) => path.startsWith("/index/telling/")), "related fetched the telling terms");
      }
      library.close();
    });
  });
});

describe("the site's filter of the terms a correction may be", () => {
  it("never turns away a term in enough articles, and lets few others through", async () => {
    const indexDir = await buildSampleIndex("kbsearch-web-filter-");
    try {
      const reader = IndexReader.open(indexDir);
      const common = [...reader.allTerms()].filter((e) => e.docFreq >= MIN_CORRECTION_DOC_FREQ).map((e) => e.term);
      reader.close();
      assert.ok(common.length > 100, `${common.length} terms`);
      const filter = buildTermFilter(common, MIN_CORRECTION_DOC_FREQ);
      assert.ok(common.every((term) => mayHold(filter, term)));
      // Spellings of letters, as a misspelt word's are: the filter holds terms of a to z alone.
      const letters = (n: number) => Array.from(n.toString(26), (digit) => String.fromCharCode(97 + parseInt(digit, 26))).join("");
      const others = Array.from({ length: 5000 }, (_, i) => `zq${letters(i)}x`);
      const through = others.filter((term) => mayHold(filter, term)).length;
      assert.ok(through < others.length * 0.08, `${through} of ${others.length} let through`);
      // Terms of other characters are passed, never turned away, and take no room.
      assert.ok(["win32k", "0x0000001e", "c.exe", "café"].every((term) => mayHold(filter, term)));
      const lettersOnly = common.filter((term) => /^[a-z]+$/.test(term));
      assert.ok(lettersOnly.length < common.length, "the sample has terms of other characters");
      assert.equal(filter.bits.length, buildTermFilter(lettersOnly, MIN_CORRECTION_DOC_FREQ).bits.length);
    } finally {
      rmSync(indexDir, { recursive: true, force: true });
    }
  });

  it("spares a misspelt word's dictionary look-ups in the page: the library's corrections and hits, a fraction of the look-ups", async () => {
    await withSampleSite("filter-site", {}, async (indexDir, site) => {
      // Counts the terms the engine looks up in the dictionary (every spelling of a misspelt word it tries).
      const lookupAll = SourceReader.prototype.lookupAll;
      let lookedUp = 0;
      SourceReader.prototype.lookupAll = function (this: SourceReader, terms: readonly string[]) {
        lookedUp += terms.length;
        return lookupAll.call(this, terms);
      };
      try {
        const manifest = JSON.parse(readFileSync(join(site, "index", "manifest.json"), "utf8")) as SiteManifest;
        assert.ok(manifest.correctionFilter, "the manifest names the filter");
        const library = KbIndex.open(indexDir);
        const strip = ({ tookMs: _t, ...rest }: SearchResult) => rest;
        const counted: Record<string, number> = {};
        const files: string[] = [];
        for (const withFilter of [false, true]) {
          const fromFiles = siteFetcher(site, (path) => files.push(path));
          // The same site, its manifest without the filter the first time round: as a site written before it.
          const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
            if (new URL(String(input)).pathname.endsWith("/manifest.json")) return new Response(JSON.stringify({ ...manifest, correctionFilter: withFilter ? manifest.correctionFilter : undefined }));
            return fromFiles(input, init);
          }) as typeof fetch;
          const index = await SiteIndex.open("http://site.test/", fetcher);
          for (const q of ["heap corruptoin", "windws printr", "spooler stoped"]) {
            const expected = strip(library.search(q));
            const before = lookedUp;
            const result = await index.search(q);
            counted[String(withFilter)] = (counted[String(withFilter)] ?? 0) + lookedUp - before;
            assert.ok(result.corrections.length > 0, q);
            assert.deepEqual(strip(result), expected, `${q} ${withFilter ? "with" : "without"} the filter`);
          }
        }
        library.close();
        assert.ok(files.includes(`/${manifest.correctionFilter}`), "the filter was fetched");
        assert.ok(counted["true"]! < counted["false"]! / 5, JSON.stringify(counted));
      } finally {
        SourceReader.prototype.lookupAll = lookupAll;
      }
    });
  });
});

describe("the site's index at open", () => {
  it("leaves out the store's offsets, which a query reads for its hits' blocks alone", async () => {
    await withSampleSite("open", {}, async (indexDir, site) => {
      const reader = IndexReader.open(indexDir);
      const { storeOffsets } = reader.header.sections;
      reader.close();
      const indexFile = readFileSync(join(indexDir, "kbsearch.idx"));
      const tableStart = dataStartOf(indexFile) + storeOffsets.offset;
      const manifest = JSON.parse(readFileSync(join(site, "index", "manifest.json"), "utf8")) as { packed: { ranges: [number, number][] }[] };
      const opened = manifest.packed[0]!.ranges;
      assert.ok(opened.every(([position, length]) => position + length <= tableStart || position >= tableStart + storeOffsets.length), JSON.stringify(opened));
      const asked: [number, number][] = [];
      const files: string[] = [];
      const index = await SiteIndex.open(
        "http://site.test/",
        siteFetcher(site, (path, range) => {
          files.push(path);
          if (range) asked.push(range);
        }),
      );
      const library = KbIndex.open(indexDir);
      const strip = ({ tookMs: _t, ...rest }: SearchResult) => rest;
      // The sample's index is one file of the site, from 0: its ranges are the index's.
      const offsetsAsked = () => asked.filter(([from, to]) => from < tableStart + storeOffsets.length && to > tableStart).length;
      assert.deepEqual(strip(await index.search("heap corruption")), strip(library.search("heap corruption")));
      assert.ok(offsetsAsked() > 0, "the hits' offsets were fetched");
      assert.ok(!files.includes("/index/store-offsets.bin"), "a first search fetches no offsets table");
      // A second search reading offsets fetches the table whole; the searches after it fetch no offsets.
      assert.deepEqual(strip(await index.search("printer driver")), strip(library.search("printer driver")));
      assert.ok(files.includes("/index/store-offsets.bin"), "the second search fetched the table");
      const before = offsetsAsked();
      for (const q of ["exchange mta", "access violation", "spooler"]) assert.deepEqual(strip(await index.search(q)), strip(library.search(q)), q);
      assert.equal(offsetsAsked(), before);
      library.close();
    });
  });

  it("offset tables filtered for deflate come back as they were, the input untouched", () => {
    const offsets = Buffer.alloc(4 * 6 + 3);
    [0, 700, 1_500, 70_000, 70_001, 2 ** 32 - 1].forEach((value, i) => offsets.writeUInt32LE(value, i * 4));
    offsets.set([1, 2, 3], 24);
    const before = Buffer.from(offsets);
    const filtered = filterRange(offsets, "delta32planes", false);
    assert.deepEqual(Buffer.from(offsets), before, "the writer's input, a Buffer, is left as it was");
    assert.notDeepEqual(Buffer.from(filtered), before);
    assert.deepEqual(Buffer.from(filterRange(filtered, "delta32planes", true)), before);
  });
});

describe("the site's docMeta files", () => {
  it("give back every column and list of the index's docMeta", async () => {
    const indexDir = await buildSampleIndex("kbsearch-web-docmeta-");
    try {
      const reader = IndexReader.open(indexDir);
      const meta = reader.docMeta();
      const n = reader.docCount;
      // Through msgpack, as the files carry them.
      const roundTrip = <T>(value: T): T => decodeMsgpack(pack(value)) as T;
      const facets = decodeFacetColumns(roundTrip(encodeFacetColumns(meta, n)), n);
      assert.deepEqual(facets.tags, meta.tags);
      assert.deepEqual([...facets.tagOf], [...meta.tagOf]);
      assert.deepEqual([...facets.years], [...meta.modified].map((date) => Math.floor(date / 10_000)));
      assert.deepEqual(facets.products, meta.lists.products);
      assert.deepEqual([...decodeDates(facets.years, roundTrip(encodeMonthDays(meta.modified)))], [...meta.modified]);
      for (const field of LIST_FIELDS) assert.deepEqual(decodeSetList(roundTrip(encodeSetList(meta.lists[field], n)), n), meta.lists[field], field);
      assert.ok(meta.lists.products.ids.length > 0 && meta.tags.length > 1 && meta.modified.some((d) => d > 0), "the sample has products, tags and dates to compare");
      reader.close();
    } finally {
      rmSync(indexDir, { recursive: true, force: true });
    }
  });

  it("refuse a document naming a kind the file lacks", async () => {
    const encoded = { tags: [""], productNames: [], productSets: Uint8Array.of(0), kinds: Uint8Array.of(0, 0, 0), docKinds: Uint8Array.of(0, 1) };
    assert.throws(() => decodeFacetColumns(encoded, 2), /kind out of range/);
  });
});

describe("the page's bundle", () => {
  it("holds the engine and none of Node's modules or the build stages", () => {
    const meta = JSON.parse(readFileSync(join(projectRoot, "dist", "web", "kbsearch.meta.json"), "utf8")) as { inputs: Record<string, { imports: { path: string }[] }> };
    const inputs = Object.keys(meta.inputs);
    for (const engine of ["src/query/search-engine.ts", "src/rank/scorer.ts", "src/present/snippet.ts", "src/analyze/analyzer.ts", "src/store/index-reader.ts", "src/text/sections.ts"]) {
      assert.ok(inputs.includes(engine), `${engine} is in the bundle`);
    }
    const stray = inputs.filter((path) => /^src\/(parse|read|indexer|cli|serve)\/|^src\/store\/(reader|writer|file-source|node-codecs|store-blocks|checksum)\.ts$/.test(path));
    assert.deepEqual(stray, []);
    const nodeImports = Object.values(meta.inputs).flatMap((input) => input.imports.map((i) => i.path)).filter((path) => path.startsWith("node:") || ["fs", "zlib", "worker_threads", "path"].includes(path));
    assert.deepEqual(nodeImports, []);
  });
});
