/** The read stage: directory walks, tarballs on disk and over HTTP, and how each fails. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeSource, isArticlePath, readSource, SourceError } from "../src/read/source.js";
import { readTar, TarError, type TarEntry } from "../src/read/tar.js";
import type { SkippedEntry } from "../src/read/types.js";
import { NO_SHARED, serveLocally, sharedTarball } from "./helpers.js";

const SHARED_ARTICLES = 60_335;
const LONG_DIRS = "a-rather-long-directory-name-to-push-paths-past-100/".repeat(3);

let tmp = "";
let server: Awaited<ReturnType<typeof serveLocally>> | undefined;
let base = "";

const fixture = (name: string) => join(tmp, name);

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function tar(args: string[]): void {
  execFileSync("tar", args, { cwd: tmp });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-read-"));

  // tree/: two articles (one with an invalid UTF-8 byte), non-articles, a symlink at an article
  // path, and folders a directory walk must leave out.
  const root = fixture("tree/kbarchive-master");
  write(join(root, "README.md"), "# kbarchive\n");
  write(join(root, "kb/149/Q149387/README.md"), '---\ntitle: "Q149387: XFOR: café"\n---\nBody.\n');
  write(join(root, "kb/010/Q10022/README.md"), Buffer.concat([Buffer.from("bad byte: "), Buffer.from([0xff]), Buffer.from("\n")]));
  write(join(root, "kb/010/Q10022/notes.txt"), "not an article\n");
  write(join(root, ".git/Q1/README.md"), "hidden\n");
  write(join(root, "node_modules/Q2/README.md"), "dependency\n");
  mkdirSync(join(root, "kb/010/Q99999"));
  symlinkSync("../Q10022/README.md", join(root, "kb/010/Q99999/README.md"));
  tar(["-czf", "tree.tar.gz", "--sort=name", "--exclude=.git", "--exclude=node_modules", "-C", "tree", "kbarchive-master"]);
  tar(["-cf", "tree.tar", "--format=pax", "--sort=name", "--exclude=.git", "--exclude=node_modules", "-C", "tree", "kbarchive-master"]);

  // long/: one article whose path is longer than the 100-byte name field, in three encodings.
  write(fixture(`long/kbarchive-master/${LONG_DIRS}Q123456/README.md`), "long path\n");
  tar(["-czf", "long-pax.tar.gz", "--format=pax", "--pax-option=comment=github-commit-id", "-C", "long", "kbarchive-master"]);
  tar(["-czf", "long-gnu.tar.gz", "--format=gnu", "-C", "long", "kbarchive-master"]);
  tar(["-czf", "long-ustar.tar.gz", "--format=ustar", "-C", "long", "kbarchive-master"]);

  // big/: 20 articles of incompressible text, so that half of the tarball holds some of them.
  for (let i = 0; i < 20; i++) write(fixture(`big/kb/Q${1000 + i}/README.md`), randomBytes(12_000).toString("base64"));
  tar(["-czf", "big.tar.gz", "--sort=name", "-C", "big", "kb"]);
  tar(["-cf", "big.tar", "--sort=name", "-C", "big", "kb"]);
  const big = readFileSync(fixture("big.tar.gz"));
  writeFileSync(fixture("cut.tar.gz"), big.subarray(0, big.length >> 1));
  const plain = readFileSync(fixture("big.tar"));
  writeFileSync(fixture("cut.tar"), plain.subarray(0, plain.length >> 1));

  write(fixture("notes.txt"), "just text\n");
  write(fixture("fake.tar.gz"), "not gzip at all\n");

  server = await serveLocally((request, response) => {
    const serve = (path: string) => {
      response.writeHead(200, { "content-type": "application/gzip", "content-length": statSync(path).size });
      createReadStream(path).pipe(response);
    };
    // Sends half the body, then drops the connection.
    const closeEarly = (headers: http.OutgoingHttpHeaders) => {
      response.writeHead(200, headers);
      response.write(big.subarray(0, big.length >> 1), () => response.socket?.destroy());
    };
    switch (request.url) {
      case "/tree.tar.gz":
        return serve(fixture("tree.tar.gz"));
      case "/shared.tar.gz":
        return sharedTarball ? serve(sharedTarball) : response.writeHead(404).end();
      case "/redirect":
        return response.writeHead(302, { location: "/tree.tar.gz" }).end();
      case "/loop":
        return response.writeHead(302, { location: "/loop" }).end();
      case "/short":
        return closeEarly({ "content-length": big.length });
      case "/short-chunked":
        return closeEarly({});
      default:
        return response.writeHead(404).end("not found");
    }
  });
  base = server.base;
});

after(() => {
  server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Outcome {
  paths: string[];
  texts: Map<string, string>;
  bytes: number[];
  skipped: SkippedEntry[];
  progress: [number, number | undefined][];
  error?: unknown;
}

/** Reads a whole source, keeping what came before an error (texts only when asked: the full archive is 200 MB). */
async function collect(spec: string, keepText = true): Promise<Outcome> {
  const outcome: Outcome = { paths: [], texts: new Map(), bytes: [], skipped: [], progress: [] };
  try {
    const options = {
      onSkip: (skipped: SkippedEntry) => outcome.skipped.push(skipped),
      onProgress: (read: number, total: number | undefined) => outcome.progress.push([read, total]),
    };
    for await (const entry of readSource(spec, options)) {
      outcome.paths.push(entry.path);
      if (keepText) outcome.texts.set(entry.path, entry.text);
      outcome.bytes.push(entry.bytes);
    }
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

function assertSourceError(error: unknown, pattern: RegExp): void {
  assert.ok(error instanceof SourceError, `expected a SourceError, got ${String(error)}`);
  assert.match(error.message, pattern);
}

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function tarEntries(chunks: AsyncIterable<Buffer>): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  for await (const entry of readTar(chunks)) entries.push({ ...entry, data: Buffer.from(entry.data) });
  return entries;
}

test("isArticlePath accepts Q<digits>/README.md at any depth, nothing else", () => {
  for (const path of ["kbarchive-master/kb/149/Q149387/README.md", "kb/149/Q149387/README.md", "Q149387/README.md", "./kb/010/Q10022/README.md"]) {
    assert.equal(isArticlePath(path), true, path);
  }
  for (const path of ["README.md", "kb/149/README.md", "kb/Q149387/notes.md", "kb/QX149/README.md", "kb/XQ149387/README.md", "kb/Q149387/README.md/", "kb/Q149387/readme.md"]) {
    assert.equal(isArticlePath(path), false, path);
  }
});

test("describeSource tells directories, tarballs and URLs apart", () => {
  assert.equal(describeSource(fixture("tree")).kind, "directory");
  assert.deepEqual(describeSource(fixture("tree.tar.gz")), { kind: "tarball", path: fixture("tree.tar.gz"), gzip: true, bytes: statSync(fixture("tree.tar.gz")).size });
  assert.equal((describeSource(fixture("tree.tar")) as { gzip: boolean }).gzip, false);
  assert.deepEqual(describeSource("https://example.com/kb.tar.gz"), { kind: "url", url: "https://example.com/kb.tar.gz" });
});

test("a directory yields its articles in sorted order, leaving out dot folders and node_modules", async () => {
  const outcome = await collect(fixture("tree"));
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.paths, ["kbarchive-master/kb/010/Q10022/README.md", "kbarchive-master/kb/149/Q149387/README.md"]);
  assert.equal(outcome.texts.get("kbarchive-master/kb/010/Q10022/README.md"), "bad byte: \uFFFD\n");
  assert.match(outcome.texts.get("kbarchive-master/kb/149/Q149387/README.md")!, /café/);
  assert.deepEqual(outcome.bytes, [12, Buffer.byteLength('---\ntitle: "Q149387: XFOR: café"\n---\nBody.\n')]);
  assert.deepEqual(outcome.skipped.map((s) => s.path), ["kbarchive-master/kb/010/Q99999/README.md"]);
  assert.match(outcome.skipped[0]!.reason, /not a regular file/);
});

test("the kb/ folder itself is a source too", async () => {
  const outcome = await collect(fixture("tree/kbarchive-master/kb"));
  assert.deepEqual(outcome.paths, ["010/Q10022/README.md", "149/Q149387/README.md"]);
});

test("a .tar.gz yields the same articles, reports the symlink, and reports progress to the end", async () => {
  const outcome = await collect(fixture("tree.tar.gz"));
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.paths, ["kbarchive-master/kb/010/Q10022/README.md", "kbarchive-master/kb/149/Q149387/README.md"]);
  assert.equal(outcome.texts.get("kbarchive-master/kb/010/Q10022/README.md"), "bad byte: \uFFFD\n");
  assert.deepEqual(outcome.skipped.map((s) => s.path), ["kbarchive-master/kb/010/Q99999/README.md"]);
  const size = statSync(fixture("tree.tar.gz")).size;
  assert.deepEqual(outcome.progress.at(-1), [size, size]);
});

test("a plain .tar is read as well", async () => {
  const outcome = await collect(fixture("tree.tar"));
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.paths.length, 2);
});

test("paths longer than 100 bytes survive pax, GNU and ustar encodings", async () => {
  const expected = `kbarchive-master/${LONG_DIRS}Q123456/README.md`;
  assert.ok(expected.length > 100);
  for (const name of ["long-pax.tar.gz", "long-gnu.tar.gz", "long-ustar.tar.gz"]) {
    const outcome = await collect(fixture(name));
    assert.equal(outcome.error, undefined, name);
    assert.deepEqual(outcome.paths, [expected], name);
    assert.equal(outcome.texts.get(expected), "long path\n");
  }
});

test("readTar gives the same entries however the stream is chunked", async () => {
  const data = readFileSync(fixture("tree.tar"));
  const whole = await tarEntries(chunked(data, data.length));
  assert.ok(whole.some((e) => e.type === "other" && e.path === "kbarchive-master/kb/010/"), "directories come as other");
  assert.deepEqual(whole.filter((e) => e.type === "file").map((e) => e.path), [
    "kbarchive-master/README.md",
    "kbarchive-master/kb/010/Q10022/README.md",
    "kbarchive-master/kb/010/Q10022/notes.txt",
    "kbarchive-master/kb/149/Q149387/README.md",
  ]);
  for (const size of [1, 7, 511, 513, 4096]) assert.deepEqual(await tarEntries(chunked(data, size)), whole, `chunks of ${size}`);
});

test("readTar rejects a bad header checksum with its byte offset, after the entries before it", async () => {
  const data = Buffer.from(readFileSync(fixture("big.tar")));
  const second = data.indexOf("kb/Q1001/\0"); // after kb/, kb/Q1000/ and its README.md
  assert.equal(second % 512, 0);
  data[second] = 0x41;
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const entry of readTar(chunked(data, 1000))) seen.push(entry.path);
    })(),
    (error: unknown) => error instanceof TarError && error.message === `not a tar archive or corrupt at byte ${second}`,
  );
  assert.deepEqual(seen, ["kb/", "kb/Q1000/", "kb/Q1000/README.md"]);
});

test("a truncated .tar.gz fails as corrupt or truncated, after yielding what came before", async () => {
  const outcome = await collect(fixture("cut.tar.gz"));
  assertSourceError(outcome.error, /cut\.tar\.gz is corrupt or truncated/);
  assert.ok(outcome.paths.length > 0 && outcome.paths.length < 20, `${outcome.paths.length} entries before the cut`);
  assert.deepEqual(outcome.paths, outcome.paths.map((_, i) => `kb/Q${1000 + i}/README.md`));
});

test("a truncated plain .tar names the entry it breaks off in", async () => {
  const outcome = await collect(fixture("cut.tar"));
  assertSourceError(outcome.error, /truncated: it ends inside kb\/Q10\d\d\/README\.md/);
  assert.ok(outcome.paths.length > 0);
});

test("an empty stream and a zero-padded end are told apart", async () => {
  await assert.rejects(tarEntries(chunked(Buffer.alloc(0), 1)), /stream is empty/);
  assert.deepEqual(await tarEntries(chunked(Buffer.alloc(10_240), 512)), []);
});

test("a file that is not an archive, a corrupt .tar.gz and a missing path are SourceErrors", async () => {
  assertSourceError((await collect(fixture("notes.txt"))).error, /is not a directory nor a \.tar\.gz tarball/);
  assertSourceError((await collect(fixture("fake.tar.gz"))).error, /fake\.tar\.gz is corrupt or truncated \(gzip: /);
  assertSourceError((await collect(fixture("missing"))).error, /missing does not exist: give a kbarchive checkout/);
});

test("a tarball URL streams its articles and reports progress against Content-Length", async () => {
  const outcome = await collect(`${base}/tree.tar.gz`);
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.paths, ["kbarchive-master/kb/010/Q10022/README.md", "kbarchive-master/kb/149/Q149387/README.md"]);
  const size = statSync(fixture("tree.tar.gz")).size;
  assert.deepEqual(outcome.progress.at(-1), [size, size]);
});

test("redirects are followed, but not forever", async () => {
  const outcome = await collect(`${base}/redirect`);
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.paths.length, 2);
  assertSourceError((await collect(`${base}/loop`)).error, /more than 5 redirects/);
});

test("an HTTP error status is a SourceError naming the status and the URL", async () => {
  const outcome = await collect(`${base}/nothing-here.tar.gz`);
  assertSourceError(outcome.error, new RegExp(`HTTP 404 Not Found from ${base}/nothing-here\\.tar\\.gz`));
});

test("a connection that closes early is an error, not a short read", async () => {
  for (const path of ["/short", "/short-chunked"]) {
    const outcome = await collect(`${base}${path}`);
    assertSourceError(outcome.error, new RegExp(`${base}${path}.*truncated`));
    assert.ok(outcome.paths.length < 20, path);
  }
});

test("an unreachable server is a SourceError", async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/kb.tar.gz`;
  await new Promise((resolve) => closed.close(resolve));
  assertSourceError((await collect(url)).error, /cannot download .*ECONNREFUSED/);
});

test("the full archive streams from disk: every article", async (t) => {
  if (!sharedTarball) return t.skip(NO_SHARED);
  const outcome = await collect(sharedTarball, false);
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.paths.length, SHARED_ARTICLES);
  assert.deepEqual(outcome.skipped, []);
});

test("the full archive streams over HTTP: every article", async (t) => {
  if (!sharedTarball) return t.skip(NO_SHARED);
  const outcome = await collect(`${base}/shared.tar.gz`, false);
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.paths.length, SHARED_ARTICLES);
  const size = statSync(sharedTarball).size;
  assert.deepEqual(outcome.progress.at(-1), [size, size]);
});
