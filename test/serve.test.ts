/**
 * `kbsearch serve`: the HTTP API's answers against the JSON schema of --json and against the
 * library's own results, its 4xx answers to bad and malformed requests, path traversal,
 * compression and ETags, the reload after a rebuild, and a clean stop on SIGTERM.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { buildIndex, KbIndex } from "../src/index.js";
import { LIMITS } from "../src/serve/params.js";
import { SearchServer } from "../src/serve/server.js";
import { AnswerCache } from "../src/serve/answer-cache.js";
import { FORMAT_VERSION, INDEX_FILE } from "../src/store/format.js";
import { hasStackTrace, projectRoot, runCli, sampleCorpus, spawnCli } from "./helpers.js";
import { assertSearchResultSchema, assertStoredDocSchema } from "./result-schema.js";

const HEAP = "Q949387";
let tmp: string;
let indexDir: string;
let server: SearchServer;
let base: string;
const logged: string[] = [];

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-serve-"));
  indexDir = join(tmp, "index");
  await buildIndex(sampleCorpus, { indexDir });
  server = new SearchServer({ indexDir, suggest: true, log: (line) => logged.push(line) });
  const { port } = await server.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  await server?.close(0);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

async function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  const res = await fetch(base + path, { headers, method });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function getJson(path: string): Promise<unknown> {
  const answer = await get(path);
  assert.equal(answer.status, 200, `${path}: ${answer.body}`);
  assert.equal(answer.headers.get("content-type"), "application/json; charset=utf-8");
  return JSON.parse(answer.body);
}

/** Sends `request` as it is on a new connection (no client library tidying it up) and returns the raw answer. */
async function raw(request: string | Buffer): Promise<{ status: number; text: string }> {
  const socket = connect(Number(new URL(base).port), "127.0.0.1");
  await once(socket, "connect");
  socket.end(request);
  let text = "";
  socket.setEncoding("latin1").on("data", (s: string) => (text += s));
  await once(socket, "close");
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
}

/** A 4xx answer with a JSON error body and no stack trace. */
function assertJsonError(answer: { status: number; body: string }, status: number, label: string): void {
  assert.equal(answer.status, status, `${label}: ${answer.body}`);
  const body = JSON.parse(answer.body) as { error: unknown; status: unknown };
  assert.equal(typeof body.error, "string", label);
  assert.equal(body.status, status, label);
  assert.ok(!hasStackTrace(answer.body), label);
}

/** A result without its timing, which differs from run to run. */
function untimed(result: unknown): unknown {
  return { ...(result as object), tookMs: 0 };
}

describe("answers", () => {
  const searches: [string, Parameters<KbIndex["search"]>[1]][] = [
    ["heap corruption", {}],
    ["heap corruption", { limit: 3, offset: 1, explain: true }],
    ["printer", { page: 2, limit: 2 }],
    ["exchange", { facets: true, sort: "date" }],
    ["server", { product: "exchange", year: "1999", sort: "id" }],
    ["setup", { since: "1998", until: "2001-06" }],
    ["windws printr", {}],
    ["kb 949387", {}],
    ["Q999999", {}],
    ['"could not" -printer product:', {}],
  ];

  test("GET /api/search gives the library's SearchResult for every option, valid against the --json schema", async () => {
    const index = KbIndex.open(indexDir);
    try {
      for (const [q, options] of searches) {
        const params = new URLSearchParams({ q });
        for (const [name, value] of Object.entries(options ?? {})) params.set(name, String(value));
        const result = await getJson(`/api/search?${params}`);
        assertSearchResultSchema(result, `${params}`);
        assert.deepEqual(untimed(result), untimed(JSON.parse(JSON.stringify(index.search(q, options)))), `${params}`);
      }
    } finally {
      index.close();
    }
  });

  test("the JSON is what kbsearch --json prints for the same query and options", async () => {
    const cli = runCli(["--json", "--facets", "--sort", "date", "-n", "4", "--product", "exchange", "server", "--index", indexDir]);
    assert.equal(cli.status, 0, cli.stderr);
    const api = await getJson("/api/search?q=server&facets=1&sort=date&limit=4&product=exchange");
    assert.deepEqual(untimed(api), untimed(JSON.parse(cli.stdout)));
  });

  test("GET /api/articles/ID gives the stored article, as show --json; GET /api/related/ID a SearchResult", async () => {
    const article = await getJson(`/api/articles/${HEAP}`);
    assertStoredDocSchema(article);
    const cli = runCli(["show", HEAP, "--json", "--index", indexDir]);
    assert.deepEqual(article, JSON.parse(cli.stdout));
    assert.deepEqual(await getJson("/api/articles/kb949387"), article, "any form of the number");
    const related = (await getJson(`/api/related/${HEAP}?limit=3`)) as { query: string; hits: { id: string }[] };
    assertSearchResultSchema(related);
    assert.equal(related.query, `related:${HEAP}`);
    assert.ok(related.hits.length > 0 && related.hits.every((h) => h.id !== HEAP));
    assertJsonError(await get("/api/articles/Q1"), 404, "an article the index lacks");
  });

  test("GET /api/stats gives the index's stats with its checksum; GET /api/suggest titles starting as typed", async () => {
    const stats = (await getJson("/api/stats")) as { docCount: number; checksum: string; serve: object };
    const cli = JSON.parse(runCli(["stats", "--json", "--index", indexDir]).stdout) as { path: string; indexFrom: string };
    // Where the CLI found the index is the CLI's own business: the API names no file.
    const { path: _path, indexFrom: _from, ...cliStats } = cli;
    const { serve: _serve, ...apiStats } = stats;
    assert.deepEqual(apiStats, cliStats);
    assert.match(stats.checksum, /^[0-9a-f]{8}$/);
    // The sample's suggestions take moments to build.
    let answer = await get("/api/suggest?q=heap+corr");
    for (let i = 0; answer.status === 503 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await get("/api/suggest?q=heap+corr");
    }
    assert.equal(answer.status, 200, answer.body);
    const { suggestions } = JSON.parse(answer.body) as { suggestions: { id: string; title: string }[] };
    assert.ok(suggestions.some((s) => s.id === HEAP), JSON.stringify(suggestions));
    assert.ok(suggestions.every((s) => /\bheap\b/i.test(s.title) && /\bcorr/i.test(s.title)), JSON.stringify(suggestions));
  });
});

describe("bad requests get a 4xx with a JSON error", () => {
  test("parameters: unknown, repeated, malformed, out of bounds", async () => {
    const cases: [string, number][] = [
      ["/api/search", 400],
      ["/api/search?q=heap&lmit=5", 400],
      ["/api/search?q=heap&q=printer", 400],
      ["/api/search?q=%E0%A4%A", 400],
      ["/api/search?q=%ZZ", 400],
      ["/api/search?q=%C0%AF", 400],
      ["/api/search?q=heap&limit=abc", 400],
      ["/api/search?q=heap&limit=-1", 400],
      [`/api/search?q=heap&limit=${LIMITS.limit + 1}`, 400],
      [`/api/search?q=heap&offset=${LIMITS.offset + 1}`, 400],
      ["/api/search?q=heap&page=0", 400],
      ["/api/search?q=heap&page=100000", 400],
      ["/api/search?q=heap&page=2&offset=10", 400],
      ["/api/search?q=heap&limit=1e3", 400],
      ["/api/search?q=heap&sort=score", 400],
      ["/api/search?q=heap&facets=maybe", 400],
      [`/api/search?q=${"a".repeat(LIMITS.queryChars + 1)}`, 400],
      [`/api/search?q=${"a+".repeat(LIMITS.urlChars / 2 + 10)}`, 414],
      ["/api/related/Q949387?q=heap", 400],
      ["/api/stats?verbose=1", 400],
      ["/api/suggest", 400],
      [`/api/suggest?q=heap&limit=${LIMITS.suggestions + 1}`, 400],
      ["/api/nothing", 404],
      ["/api/search/", 404],
      ["/api/articles/", 404],
      ["/api/articles/%E0%A4%A", 400],
      ["/api/articles/Q949387.json", 404],
      ["/api/related/heap", 404],
    ];
    for (const [path, status] of cases) assertJsonError(await get(path), status, path);
    // In bounds, the same parameters answer.
    assert.equal((await get(`/api/search?q=${"a".repeat(LIMITS.queryChars)}&limit=${LIMITS.limit}&offset=${LIMITS.offset}`)).status, 200);
  });

  test("methods other than GET and HEAD get a 405 naming the allowed ones; HEAD gets the headers alone", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const answer = await get("/api/search?q=heap", {}, method);
      assertJsonError(answer, 405, method);
      assert.equal(answer.headers.get("allow"), "GET, HEAD");
    }
    const head = await get("/api/search?q=heap", {}, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
    assert.ok(Number(head.headers.get("content-length")) > 100);
  });

  test("requests Node's parser refuses (headers over 16 kB, garbage) get a JSON error, and the server goes on", async () => {
    const huge = await raw(`GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`);
    assert.equal(huge.status, 431, huge.text.slice(0, 200));
    assert.match(huge.text, /"error":/);
    for (const request of ["NONSENSE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /api/stats HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "\x00\x01\x02\r\n\r\n"]) {
      const answer = await raw(request);
      assert.ok(answer.status >= 400 && answer.status < 500, `${JSON.stringify(request)}: ${answer.text.slice(0, 200)}`);
      assert.ok(!hasStackTrace(answer.text), JSON.stringify(request));
    }
    assert.equal((await get("/api/stats")).status, 200);
  });

  test("nothing outside the server's own answers: traversal in any spelling finds no file", async () => {
    const targets = [
      "/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
      "/api/articles/../../../../etc/passwd",
      "/api/articles/..%2F..%2F..%2Fetc%2Fpasswd",
      "/api/articles/%2e%2e%2f%2e%2e%2fpackage.json",
      "/api/related/..%5c..%5cpackage.json",
      "//etc/passwd",
      "/package.json",
      "/dist/src/index.js",
      `/${indexDir}/${INDEX_FILE}`,
      "/api/articles/Q949387%00.json",
      "http://127.0.0.1/etc/passwd",
    ];
    for (const target of targets) {
      const answer = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.ok(answer.status >= 400 && answer.status < 500, `${target}: ${answer.text.slice(0, 300)}`);
      assert.doesNotMatch(answer.text, /root:|"name": "kbsearch"|KBSRCHIX/, target);
    }

  });
});

describe("headers", () => {
  test("compression follows Accept-Encoding: br first, then gzip, none for small bodies or when refused", async () => {
    const path = "/api/search?q=heap+corruption&limit=10";
    const plain = await get(path, { "Accept-Encoding": "identity" });
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.equal(plain.headers.get("vary"), "Accept-Encoding");
    const expected = untimed(JSON.parse(plain.body));
    // fetch() decompresses on its own; a raw request shows the bytes as sent.
    for (const [accept, encoding] of [["gzip, deflate, br", "br"], ["gzip", "gzip"], ["br;q=0, gzip", "gzip"], ["*", "br"], ["deflate", undefined]] as const) {
      const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${accept}\r\nConnection: close\r\n\r\n`);
      const headerEnd = Buffer.from(answer.text, "latin1").indexOf("\r\n\r\n");
      const head = answer.text.slice(0, headerEnd);
      const body = Buffer.from(answer.text, "latin1").subarray(headerEnd + 4);
      assert.equal(/content-encoding: (\S+)/i.exec(head)?.[1], encoding, accept);
      const json = encoding === "br" ? brotliDecompressSync(body) : encoding === "gzip" ? gunzipSync(body) : body;
      assert.deepEqual(untimed(JSON.parse(json.toString("utf8"))), expected, accept);
      assert.equal(Number(/content-length: (\d+)/i.exec(head)?.[1]), body.length, accept);
    }
    const small = await raw("GET /api/suggest?q=zzzz HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n");
    assert.doesNotMatch(small.text, /content-encoding/i, "a body under 1 kB goes as it is");
  });

  test("an ETag made of the index's checksum: If-None-Match gets a 304 with no body", async () => {
    const { checksum } = (await getJson("/api/stats")) as { checksum: string };
    const first = await get("/api/search?q=printer");
    const etag = first.headers.get("etag")!;
    assert.match(etag, new RegExp(`^W/"${checksum}-`));
    assert.equal(first.headers.get("cache-control"), "public, no-cache");
    const again = await get("/api/search?q=printer", { "If-None-Match": etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, "");
    assert.equal(again.headers.get("etag"), etag);
    assert.equal((await get("/api/search?q=printer", { "If-None-Match": 'W/"00000000-0"' })).status, 200);
    const error = await get("/api/search?q=printer&limit=x");
    assert.equal(error.headers.get("cache-control"), "no-store");
    assert.equal(error.headers.get("etag"), null);
  });
});

describe("answers kept to send again", () => {
  const counts = async (at: string) => ((await (await fetch(`${at}/api/stats`)).json()) as { serve: { answers: { hits: number; misses: number } } }).serve.answers;

  test("a search or related list asked again is sent from memory, the same bytes, in any encoding", async () => {
    const path = "/api/search?q=printer+driver&limit=4&facets=true";
    const before = await counts(base);
    const first = await get(path, { "Accept-Encoding": "identity" });
    const again = await get(path, { "Accept-Encoding": "identity" });
    const compressed = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n`);
    const related = [await get(`/api/related/${HEAP}?limit=2&offset=1`), await get(`/api/related/${HEAP}?limit=2&offset=1`)];
    const after = await counts(base);
    assert.equal(after.misses - before.misses, 2, "the search and the related list made once each");
    assert.equal(after.hits - before.hits, 3, "then sent from memory");
    // Its timing included: the very answer made the first time.
    assert.equal(again.body, first.body);
    assert.equal(related[1]!.body, related[0]!.body);
    const headerEnd = Buffer.from(compressed.text, "latin1").indexOf("\r\n\r\n");
    assert.equal(brotliDecompressSync(Buffer.from(compressed.text, "latin1").subarray(headerEnd + 4)).toString("utf8"), first.body);
    // Another request is another answer: a different limit is searched.
    assert.notEqual((await get(path.replace("limit=4", "limit=5"))).body, first.body);
    // A bad request is refused each time, never kept.
    for (let i = 0; i < 2; i++) assert.equal((await get("/api/search?q=printer&limit=x")).status, 400);
    assert.equal((await counts(base)).hits, after.hits);
  });

  test("--cache-mb 0 keeps none: every request is searched", async () => {
    const own = new SearchServer({ indexDir, suggest: false, log: () => undefined, cacheBytes: 0 });
    const { port } = await own.listen(0, "127.0.0.1");
    const at = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${at}/api/search?q=printer`)).status, 200);
      assert.deepEqual(await counts(at), { hits: 0, misses: 0 });
    } finally {
      await own.close(0);
    }
  });

  test("the memory kept is bounded: the least recently asked answers are dropped", () => {
    const cache = new AnswerCache(10_000);
    const made: string[] = [];
    const answer = (request: string) => cache.get("c1", request, () => (made.push(request), "x".repeat(1000))).data.length;
    for (let i = 0; i < 20; i++) answer(`/q${i}`);
    answer("/q19");
    assert.equal(made.length, 20, "the last asked is kept");
    answer("/q0");
    assert.equal(made.length, 21, "the first asked was dropped to make room");
    answer("/q0");
    cache.get("c2", "/q0", () => (made.push("/q0 of another index"), "y"));
    assert.equal(made.length, 22, "an answer of another index is another answer");
    cache.clear();
    answer("/q19");
    assert.equal(made.length, 23, "cleared when the index is reopened");
  });
});

describe("the page", () => {
  // The page's files as the page's builder hands them over (src/web/): what the server does with them is under test here.
  const script = `/* the page's script */\n${"console.log('kbsearch');\n".repeat(200)}`;
  const assets = new Map([
    ["index.html", { bytes: new TextEncoder().encode('<!doctype html><title>KB</title><script src="kbsearch.js" defer></script>'), contentType: "text/html; charset=utf-8" }],
    ["kbsearch.js", { bytes: new TextEncoder().encode(script), contentType: "text/javascript; charset=utf-8" }],
  ]);

  test("/ is the page (with its query in the URL), its files by exact name, compressed once, with ETags and a CSP", async () => {
    const own = new SearchServer({ indexDir, suggest: false, log: () => undefined, page: assets });
    const { port } = await own.listen(0, "127.0.0.1");
    const at = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers });
    try {
      for (const path of ["/", "/?q=heap+corruption", "/index.html"]) {
        const res = await at(path);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8", path);
        assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/, path);
        assert.match(await res.text(), /<script src="kbsearch.js"/, path);
      }
      const js = await at("/kbsearch.js", { "Accept-Encoding": "br" });
      assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
      assert.equal(js.headers.get("content-encoding"), "br");
      assert.equal(await js.text(), script);
      const etag = js.headers.get("etag")!;
      assert.equal((await at("/kbsearch.js", { "If-None-Match": etag })).status, 304);
      for (const path of ["/kbsearch.css", "/%6bbsearch.js", "/kbsearch.js/", "/web/kbsearch.js", "/dist/web/kbsearch.js"]) {
        assert.equal((await at(path)).status, 404, path);
      }
      // fetch() would tidy the dots away; sent as typed, they name no file either.
      const socket = connect(port, "127.0.0.1");
      await once(socket, "connect");
      socket.end("GET /../web/kbsearch.js HTTP/1.1\r\nHost: x\r\n\r\n");
      let text = "";
      socket.setEncoding("utf8").on("data", (s: string) => (text += s));
      await once(socket, "close");
      assert.match(text, /^HTTP\/1\.1 404/);
      assert.equal((await at("/api/search?q=heap")).status, 200, "the API beside the page");
    } finally {
      await own.close(0);
    }
  });

  test("without a page, / lists the API as JSON", async () => {
    const home = (await getJson("/")) as { api: string[] };
    assert.ok(home.api.includes("/api/search?q=QUERY"));
    assertJsonError(await get("/kbsearch.js"), 404, "no page, no page files");
  });
});

describe("lifecycle", () => {
  test("an index rebuilt in place is answered from at the next request, without a restart; a broken one is not", async () => {
    const dir = join(tmp, "reload");
    await buildIndex(sampleCorpus, { indexDir: dir });
    const own = new SearchServer({ indexDir: dir, suggest: false, log: () => undefined });
    const { port } = await own.listen(0, "127.0.0.1");
    const at = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
    try {
      const before = (await (await at("/api/stats")).json()) as { docCount: number; checksum: string };
      assert.equal((await at(`/api/articles/${HEAP}`)).status, 200);
      const etag = (await at("/api/search?q=heap")).headers.get("etag")!;

      // Rebuild without the heap corruption article: the build renames its new file into place.
      const source = join(tmp, "fewer");
      cpSync(sampleCorpus, source, { recursive: true });
      rmSync(join(source, "kb", "949", HEAP), { recursive: true });
      await buildIndex(source, { indexDir: dir, replace: true });

      const after = (await (await at("/api/stats")).json()) as { docCount: number; checksum: string; serve: { generation: number } };
      assert.equal(after.docCount, before.docCount - 1);
      assert.notEqual(after.checksum, before.checksum);
      assert.equal(after.serve.generation, 2);
      assert.equal((await at(`/api/articles/${HEAP}`)).status, 404);
      const search = await fetch(`http://127.0.0.1:${port}/api/search?q=heap`, { headers: { "If-None-Match": etag } });
      assert.equal(search.status, 200, "the old ETag no longer matches");
      assert.ok(!((await search.json()) as { hits: { id: string }[] }).hits.some((h) => h.id === HEAP));

      // A file that is no index, renamed into place: the open index goes on answering.
      writeFileSync(join(dir, "junk"), "not an index at all");
      renameSync(join(dir, "junk"), join(dir, INDEX_FILE));
      const kept = (await (await at("/api/stats")).json()) as { checksum: string };
      assert.equal(kept.checksum, after.checksum);
      assert.equal((await at("/api/search?q=printer")).status, 200);
    } finally {
      await own.close(0);
    }
  });

  test("requests wait their turn; past the waiting limit a 503 with a JSON error", async () => {
    const own = new SearchServer({ indexDir, suggest: false, log: () => undefined, maxWaiting: 4 });
    const { port } = await own.listen(0, "127.0.0.1");
    try {
      // Twelve connections, each sending its request at once: four wait, the rest are refused.
      const sockets = await Promise.all(Array.from({ length: 12 }, async () => {
        const socket = connect(port, "127.0.0.1");
        await once(socket, "connect");
        return socket;
      }));
      const answers = sockets.map((socket) => {
        let text = "";
        socket.setEncoding("utf8").on("data", (s: string) => (text += s));
        return once(socket, "close").then(() => text);
      });
      // The server (this thread) accepts them, then is kept busy while all twelve requests arrive,
      // so that it reads them in one go as a loaded server does.
      await new Promise((r) => setTimeout(r, 200));
      // Sent without half-closing: the server closes each connection after its answer.
      for (const socket of sockets) socket.write("GET /api/search?q=heap+corruption HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      for (const until = Date.now() + 100; Date.now() < until; );
      const texts = await Promise.all(answers);
      const statuses = texts.map((t) => Number(/^HTTP\/1\.1 (\d{3})/.exec(t)?.[1]));
      assert.ok(statuses.every((s) => s === 200 || s === 503), String(statuses));
      assert.equal(statuses.filter((s) => s === 200).length, 4, String(statuses));
      for (const text of texts.filter((t) => t.startsWith("HTTP/1.1 503"))) {
        assert.match(text, /Retry-After: 1/);
        assert.match(text, /"error":"the server is busy/);
      }
    } finally {
      await own.close(0);
    }
  });

  test("kbsearch serve stops cleanly on SIGTERM: exit 0, no stack trace, the port closed", async () => {
    const { child, done } = spawnCli(["serve", "--port", "0", "--index", indexDir, "--no-suggest"]);
    let stdout = "";
    child.stdout!.on("data", (s: Buffer) => (stdout += s.toString()));
    while (!/http:\/\/127\.0\.0\.1:\d+\//.test(stdout)) {
      assert.equal(child.exitCode, null, "the server should be running");
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)![1]!;
    assert.equal((await fetch(`${url}/api/search?q=heap`)).status, 200);
    // A keep-alive connection left open must not hold the stop up.
    const idle = connect(Number(new URL(url).port), "127.0.0.1");
    await once(idle, "connect");
    idle.write("GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n");
    await once(idle, "data");
    const killedAt = Date.now();
    child.kill("SIGTERM");
    const run = await done;
    idle.destroy();
    assert.equal(run.status, 0, run.stderr);
    assert.ok(Date.now() - killedAt < 5000, "the stop should not wait for idle connections");
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.match(run.stderr, /SIGTERM/);
    await assert.rejects(fetch(`${url}/api/stats`));
  });

  test("kbsearch serve --workers 2: two processes answer on one port, and SIGTERM stops them all", async () => {
    const { child, done } = spawnCli(["serve", "--port", "0", "--index", indexDir, "--no-suggest", "--workers", "2"]);
    let stdout = "";
    child.stdout!.on("data", (s: Buffer) => (stdout += s.toString()));
    while (!/http:\/\/127\.0\.0\.1:\d+\/, 2 workers/.test(stdout)) {
      assert.equal(child.exitCode, null, "the server should be running");
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)![1]!;
    const pids = new Set<number>();
    // Connections go to the workers in turn; each request on a connection of its own.
    for (let i = 0; i < 8 && pids.size < 2; i++) {
      const stats = (await (await fetch(`${url}/api/stats`, { headers: { Connection: "close" } })).json()) as { serve: { pid: number } };
      pids.add(stats.serve.pid);
    }
    assert.equal(pids.size, 2, "both workers should answer");
    assert.ok(!pids.has(child.pid!), "the primary only starts the workers");
    child.kill("SIGTERM");
    const run = await done;
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), "every worker should have stopped");
  });

  test("an index of another version stops serve, one process or several, with exit 3 and one message", () => {
    const dir = join(tmp, "old-version");
    cpSync(join(projectRoot, "test", "fixtures", `index-v${FORMAT_VERSION - 1}`), dir, { recursive: true });
    for (const extra of [[], ["--workers", "2"]]) {
      const run = runCli(["serve", "--port", "0", "--index", dir, "--no-suggest", ...extra], { timeout: 60_000 });
      assert.equal(run.status, 3, `${extra.join(" ")}: ${run.stderr}`);
      assert.equal(run.stderr.match(/built by an older kbsearch/g)?.length, 1, run.stderr);
      assert.ok(!hasStackTrace(run.stderr), run.stderr);
    }
  });

  test("a port already taken is a usage error (exit 2), not a stack trace", () => {
    const run = runCli(["serve", "--port", new URL(base).port, "--index", indexDir, "--no-suggest"]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
  });
});
