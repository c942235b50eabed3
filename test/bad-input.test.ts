/**
 * Bad articles and bad sources, end to end through `kbsearch index`: each bad article is reported
 * with its path and reason while the rest are indexed; a source that breaks off or holds nothing
 * usable fails with exit 4 and a clear message, and the index already there is left unchanged.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { KbIndex } from "../src/query/engine.js";
import { MAX_ARTICLE_BYTES } from "../src/read/source.js";
import { INDEX_FILE } from "../src/store/format.js";
import { hasStackTrace, random, runCli, sampleCorpus, serveLocally, spawnCli, type Run, SAMPLE_ARTICLES } from "./helpers.js";

let tmp = "";
/** The sample corpus plus one folder of bad articles. */
let mixed = "";
/** An index of the sample corpus that failed builds must leave as it is. */
let kept = "";
let keptBytes: Buffer;
let server: Awaited<ReturnType<typeof serveLocally>> | undefined;
let base = "";

const sampleArticle = readFileSync(join(sampleCorpus, "kb", "901", "Q901288", "README.md"), "utf8");
/** The sample article Q901288 renumbered. */
const renumbered = (n: number) => sampleArticle.replaceAll("Q901288", `Q${n}`);

/** Bad article name -> its bytes, and what the build must say of it (undefined: indexed). */
const BAD: [string, () => Buffer | string, RegExp | undefined][] = [
  ["Q1000001", () => "", /empty file/],
  ["Q1000002", () => " \r\n\t\n", /empty file/],
  ["Q1000003", () => renumbered(1000003).replace(/^---[\s\S]*?---\n/, ""), undefined], // no front matter
  ["Q1000004", () => renumbered(1000004).replace(/\{% (end)?raw %\}/g, ""), /no \{% raw %\} block/],
  ["Q1000005", () => Buffer.from(renumbered(1000005).replace("spawned", "sp\u00e9wned"), "latin1"), undefined], // not UTF-8
  ["Q1000006", () => renumbered(1000006).replace(/\n/g, "\r\n"), undefined],
  ["Q1000007", () => Buffer.from(Array.from({ length: 20_000 }, random(3)).map((x) => Math.floor(x * 256))), /binary file \(it holds NUL bytes\)/],
  ["Q1000008", () => renumbered(1000008).replace("\tQuestion:", `\tQuestion:\n${"\theap corruption again\n".repeat(Math.ceil(MAX_ARTICLE_BYTES / 22))}`), /too large for a KB article \(4\.\d MB; the limit is 4 MB\)/],
  ["Q1000009", () => "\0\0\0\0binary\0\0{% raw %}\0\0\0{% endraw %}", /binary file/],
];

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Asserts a failed build: exit 4, `message` on stderr, no stack trace, the kept index unchanged. */
function assertFailedKeepingIndex(run: Run, message: RegExp): void {
  assert.equal(run.status, 4, run.stderr);
  assert.match(run.stderr, message);
  assert.ok(!hasStackTrace(run.stderr), run.stderr);
  assert.deepEqual(readFileSync(join(kept, INDEX_FILE)), keptBytes, "the index changed");
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-bad-"));
  mixed = join(tmp, "mixed");
  cpSync(sampleCorpus, mixed, { recursive: true });
  for (const [name, content] of BAD) write(join(mixed, "kb", "bad", name, "README.md"), content());
  execFileSync("tar", ["-czf", "mixed.tar.gz", "-C", tmp, "mixed"], { cwd: tmp });
  const whole = readFileSync(join(tmp, "mixed.tar.gz"));
  writeFileSync(join(tmp, "cut.tar.gz"), whole.subarray(0, whole.length >> 1));
  write(join(tmp, "all-bad", "kb", "1", "Q1", "README.md"), "");
  write(join(tmp, "all-bad", "kb", "2", "Q2", "README.md"), "no raw block\n");

  kept = join(tmp, "kept");
  assert.equal(runCli(["index", sampleCorpus, "--index", kept]).status, 0);
  keptBytes = readFileSync(join(kept, INDEX_FILE));

  server = await serveLocally((request, response) => {
    if (request.url === "/mixed.tar.gz") {
      response.writeHead(200, { "content-length": whole.length });
      response.write(whole.subarray(0, whole.length >> 1), () => response.socket?.destroy());
      return;
    }
    response.writeHead(404).end("not found");
  });
  base = server.base;
});

after(() => {
  server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("bad articles", () => {
  for (const source of ["mixed", "mixed.tar.gz"]) {
    test(`${source}: each bad article is reported with path and reason; the rest are indexed`, () => {
      const dir = join(tmp, `index-${source}`);
      const run = runCli(["index", join(tmp, source), "--index", dir, "--json"]);
      assert.equal(run.status, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { articles: number; skipped: { path: string; reason: string }[] };
      const refused = BAD.filter(([, , reason]) => reason);
      assert.equal(report.articles, SAMPLE_ARTICLES + BAD.length - refused.length);
      assert.equal(report.skipped.length, refused.length, JSON.stringify(report.skipped));
      for (const [name, , reason] of refused) {
        const entry = report.skipped.find((s) => s.path.endsWith(`bad/${name}/README.md`));
        assert.ok(entry, `${name} is not reported`);
        assert.match(entry.reason, reason!, name);
      }
      const index = KbIndex.open(dir);
      try {
        assert.match(index.get("Q1000005")!.text, /sp\uFFFDwned/, "an invalid byte becomes U+FFFD");
        assert.ok(!index.get("Q1000006")!.text.includes("\r"), "CRLF reads as LF");
        assert.equal(index.get("Q1000003")!.title, index.get("Q901288")!.title, "no front matter: title from the heading");
        assert.equal(index.get("Q1000008"), undefined);
      } finally {
        index.close();
      }
    });
  }

  test("the text summary lists each skipped article with its reason", () => {
    const run = runCli(["index", mixed, "--index", join(tmp, "index-text")]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^skipped ${BAD.filter(([, , reason]) => reason).length}:$`, "m"));
    assert.match(run.stdout, /^ {2}kb\/bad\/Q1000008\/README\.md: too large for a KB article/m);
  });
});

describe("bad sources keep the index there", () => {
  test("a tarball cut off mid-entry: exit 4, corrupt or truncated", () => {
    assertFailedKeepingIndex(runCli(["index", join(tmp, "cut.tar.gz"), "--index", kept]), /cut\.tar\.gz is corrupt or truncated .*download it again/);
  });

  test("a source with no usable article: exit 4, each reason summed up", () => {
    assertFailedKeepingIndex(runCli(["index", join(tmp, "all-bad"), "--index", kept]), /no articles found in .*all-bad \(2 entries skipped: kb\/1\/Q1\/README\.md: empty file\.\.\.\); the index was left as it was/);
  });

  test("a missing source, a file that is no archive: exit 4", () => {
    assertFailedKeepingIndex(runCli(["index", join(tmp, "nothing"), "--index", kept]), /source .*nothing does not exist/);
    write(join(tmp, "notes.txt"), "text");
    assertFailedKeepingIndex(runCli(["index", join(tmp, "notes.txt"), "--index", kept]), /is not a directory nor a \.tar\.gz tarball/);
  });

  test("a URL that answers 404, or closes early: exit 4", async () => {
    assertFailedKeepingIndex((await spawnCli(["index", `${base}/gone.tar.gz`, "--index", kept]).done), /HTTP 404 Not Found from .*gone\.tar\.gz; check the URL/);
    assertFailedKeepingIndex((await spawnCli(["index", `${base}/mixed.tar.gz`, "--index", kept]).done), /download of .*mixed\.tar\.gz broke off, the archive is truncated .*try again/);
  });
});
