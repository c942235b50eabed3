/**
 * kbsearch as a library, as a program outside the package uses it: imported or required by
 * name from another folder, the bundled sample found by its exported path, bad options and a
 * closed index met with a KbSearchError.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIndex, KbSearchError, openIndex, sampleCorpus, type KbIndex, type SearchOptions } from "../src/index.js";
import { projectRoot, SAMPLE_ARTICLES } from "./helpers.js";

let tmp = "";
let index: KbIndex;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-library-"));
  await buildIndex(sampleCorpus, { indexDir: join(tmp, "index") });
  index = await openIndex(join(tmp, "index"));
});

after(() => {
  index?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A program in its own folder whose node_modules/kbsearch is this package; returns its run. */
function runProgram(name: string, source: string): { status: number | null; stdout: string; stderr: string } {
  const dir = join(tmp, `program-${name}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(projectRoot, join(dir, "node_modules", "kbsearch"), "dir");
  writeFileSync(join(dir, name), source);
  const env: NodeJS.ProcessEnv = { ...process.env, KBSEARCH_INDEX: join(dir, "never-used") };
  const run = spawnSync(process.execPath, [name], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("the package from outside", () => {
  test('require("kbsearch") from CommonJS builds the bundled sample by its exported path and searches it', () => {
    const run = runProgram(
      "program.cjs",
      `const { buildIndex, openIndex, sampleCorpus, KbSearchError } = require("kbsearch");
       (async () => {
         const report = await buildIndex(sampleCorpus, { indexDir: "idx" });
         const index = await openIndex("idx");
         console.log(JSON.stringify({ articles: report.articles, top: index.search("heap corruption").hits[0].id, error: typeof KbSearchError }));
         index.close();
       })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { articles: SAMPLE_ARTICLES, top: "Q949387", error: "function" });
  });

  test('import from "kbsearch" in an ES module elsewhere finds the sample too', () => {
    const run = runProgram("program.mjs", `import { sampleCorpus, buildIndex } from "kbsearch";\nconsole.log((await buildIndex(sampleCorpus, { indexDir: "idx" })).articles);\n`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), String(SAMPLE_ARTICLES));
  });
});

describe("bad options and a closed index throw a KbSearchError", () => {
  const bad: [string, SearchOptions][] = [
    ['sort: "bogus"', { sort: "bogus" as SearchOptions["sort"] }],
    ['year: "abc"', { year: "abc" }],
    ['year: "1999..1998"', { year: "1999..1998" }],
    ['since: "garbage"', { since: "garbage" }],
    ['until: "2000-13-45"', { until: "2000-13-45" }],
    ['product: ""', { product: "" }],
    ["page: 0", { page: 0 }],
    ["page: 2, offset: 5", { page: 2, offset: 5 }],
    ["limit: -1", { limit: -1 }],
    ['limit: "5"', { limit: "5" as unknown as number }],
  ];
  for (const [what, options] of bad) {
    test(`search() with ${what}`, () => {
      assert.throws(() => index.search("heap", options), (err) => err instanceof KbSearchError && err.code === "usage" && err.exitCode === 2);
      assert.throws(() => index.related("Q949387", options), KbSearchError);
    });
  }

  test("good options still answer: sort date, a year range, a product, a page", () => {
    assert.ok(index.search("heap", { sort: "date", year: "1998..2001", product: "windows nt", page: 1 }).hits.length > 0);
  });

  test("search(), get(), related() and stats() after close(): KbSearchError, not EBADF; closing twice is harmless", async () => {
    const closing = await openIndex(join(tmp, "index"));
    closing.close();
    closing.close();
    for (const use of [() => closing.search("heap"), () => closing.get("Q949387"), () => closing.related("Q949387"), () => closing.stats()]) {
      assert.throws(use, (err) => err instanceof KbSearchError && /closed/.test(err.message));
    }
  });
});
