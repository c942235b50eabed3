/**
 * Parsing and analysis on worker threads: the index is the one the build's own thread makes, byte
 * for byte, malformed and duplicate articles reported the same and in the same order, for fresh
 * builds and updates; a worker that fails fails the build and leaves the index as it was.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIndex, type BuildReport } from "../src/indexer/build.js";
import { KbSearchError } from "../src/errors.js";
import { INDEX_FILE } from "../src/store/format.js";
import { assertSameIndex, projectRoot, sampleCorpus, SAMPLE_ARTICLES } from "./helpers.js";

let tmp = "";
/** The sample corpus with a malformed article, a binary file and a duplicate among its articles. */
let source = "";

/** The build's thread alone; a worker from the first article; two workers after a few articles here. */
const SETUPS = [
  { workers: 0 },
  { workers: 1, inlineFiles: 0 },
  { workers: 2, inlineFiles: 7 },
];

function articleFile(root: string, folder: string, id: string): string {
  mkdirSync(join(root, "kb", folder, id), { recursive: true });
  return join(root, "kb", folder, id, "README.md");
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-parallel-"));
  source = join(tmp, "source");
  cpSync(sampleCorpus, source, { recursive: true });
  writeFileSync(articleFile(source, "500", "Q500001"), "---\ntitle: no raw block here\n---\n");
  writeFileSync(articleFile(source, "500", "Q500002"), Buffer.from([0x41, 0, 0x42]));
  const some = readdirSync(join(source, "kb"), { recursive: true }).map(String).find((p) => p.endsWith("README.md"))!;
  cpSync(join(source, "kb", some), articleFile(source, "999", "Q999999"));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function build(name: string, from: string, analysis: (typeof SETUPS)[number], full = true): Promise<BuildReport> {
  // An update here reads a changed copy of the source: replacing is what it is for.
  return buildIndex(from, { indexDir: join(tmp, name), full, analysis, replace: true });
}

test("analysis on worker threads gives the index the build's thread gives, byte for byte", async () => {
  const reports = [];
  for (const [i, analysis] of SETUPS.entries()) reports.push(await build(`fresh-${i}`, source, analysis));
  assert.equal(reports[0]!.articles, SAMPLE_ARTICLES);
  assert.deepEqual(reports[0]!.skipped.map((s) => s.path.split("/").at(-2)), ["Q500001", "Q500002", "Q999999"]);
  for (const [i, report] of reports.entries()) {
    assert.deepEqual(report.skipped, reports[0]!.skipped, `skipped, setup ${i}`);
    assert.equal(report.terms, reports[0]!.terms);
    assertSameIndex(join(tmp, "fresh-0"), join(tmp, `fresh-${i}`));
  }
});

test("an update analyzing on worker threads equals a fresh build and counts the same", async () => {
  const changed = join(tmp, "changed");
  cpSync(source, changed, { recursive: true });
  const files = readdirSync(join(changed, "kb"), { recursive: true }).map(String).filter((p) => p.endsWith("README.md") && !/^(500|999)\//.test(p)).sort();
  const edited = join(changed, "kb", files[3]!);
  writeFileSync(edited, readFileSync(edited, "utf8").replace("{% endraw %}", "A sentence added by an edit.\n{% endraw %}"));
  rmSync(join(changed, "kb", files[10]!));
  await build("fresh-changed", changed, SETUPS[0]!);
  const counts = [];
  for (const [i, analysis] of SETUPS.entries()) {
    cpSync(join(tmp, "fresh-0"), join(tmp, `update-${i}`), { recursive: true });
    const report = await build(`update-${i}`, changed, analysis, false);
    counts.push(report.update);
    assertSameIndex(join(tmp, "fresh-changed"), join(tmp, `update-${i}`));
  }
  assert.ok(counts[0] && counts[0].changed === 1 && counts[0].removed === 1, JSON.stringify(counts[0]));
  for (const c of counts) assert.deepEqual(c, counts[0]);
});

test("a worker thread that fails, or cannot start, fails the build and leaves the index as it was", async () => {
  const dir = join(tmp, "kept");
  await build("kept", source, SETUPS[0]!);
  const before = readFileSync(join(dir, INDEX_FILE));
  const workers = [
    new URL(`file://${join(projectRoot, "dist", "test", "fixtures", "failing-analysis-worker.js")}`),
    new URL(`file://${join(projectRoot, "dist", "test", "fixtures", "no-such-worker.js")}`),
  ];
  for (const workerUrl of workers) {
    await assert.rejects(
      buildIndex(source, { indexDir: dir, full: true, analysis: { workers: 1, inlineFiles: 3, workerUrl } }),
      (err: unknown) => err instanceof KbSearchError && err.code === "build" && /worker thread/.test(err.message) && /left as it was/.test(err.message),
    );
    assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(before), `${workerUrl}: the index changed`);
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes(".tmp-")), [], "temporary files left");
  }
});
