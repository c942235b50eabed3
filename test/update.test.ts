/**
 * Updating an index: a build over an existing index reads anew only the articles that are new or
 * changed, drops those gone, and gives exactly the index a fresh build of the same source gives.
 * Also: what it reports, the sources reordered, and an index that cannot be updated (damaged, an
 * older format, --full) built afresh with the reason said.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIndex, KbSearchError, openIndex } from "../src/index.js";
import { FORMAT_VERSION, INDEX_FILE } from "../src/store/format.js";
import { IndexReader } from "../src/store/reader.js";
import { assertSameIndex, hasStackTrace, projectRoot, runCli, sampleCorpus, SAMPLE_ARTICLES } from "./helpers.js";

let tmp = "";
/** Source A: the sample corpus and some Exchange articles; B: A with articles added, changed, removed and spoilt. */
let sourceA = "";
let sourceB = "";
/** B built from scratch: what every update to B must equal. */
let freshB = "";

/** An article's file: kb/NNN/QNNNNNN/README.md, NNN its number's thousands. */
const article = (root: string, id: string) => join(root, "kb", String(Math.floor(Number(id.slice(1)) / 1000)).padStart(3, "0"), id, "README.md");

/** Copies article `from` of `root` as article `to`, its text changed by `edit`. */
function copyArticle(root: string, from: string, to: string, edit: (text: string) => string = (t) => t): void {
  const text = readFileSync(article(root, from), "utf8").replaceAll(from, to);
  mkdirSync(join(article(root, to), ".."), { recursive: true });
  writeFileSync(article(root, to), edit(text));
}

/** Copies article `from` of `root` as article `to` into `target`'s kb/x/ folder. */
function copyArticleBetween(root: string, from: string, target: string, to: string): void {
  mkdirSync(join(target, "kb", "x", to), { recursive: true });
  writeFileSync(join(target, "kb", "x", to, "README.md"), readFileSync(article(root, from), "utf8").replaceAll(from, to));
}

function editArticle(root: string, id: string, edit: (text: string) => string): void {
  const path = article(root, id);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  assert.notEqual(after, before, `${id} unchanged by its edit`);
  writeFileSync(path, after);
}

const ADDED = 2;
const CHANGED = 2;
/** One article deleted, one now malformed. */
const REMOVED = 2;
/** The sample articles, six more XADM articles, and a copy of Q45712 under another folder (a duplicate). */
const ARTICLES_A = SAMPLE_ARTICLES + 6;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-update-"));
  sourceA = join(tmp, "a");
  cpSync(sampleCorpus, sourceA, { recursive: true });
  // Seven XADM articles naming Exchange teach the build that XADM stands for it, so the eighth,
  // naming no product, is given Exchange; in B one of the seven names another product, which is
  // too many for the tag to stand for Exchange (90%), and the eighth must lose it.
  for (const n of [0, 1, 2, 3, 4]) copyArticle(sourceA, "Q915632", `Q91570${n}`);
  copyArticle(sourceA, "Q915632", "Q915705", (t) => t.replace("Product(s): Microsoft Exchange", "Product(s): "));
  mkdirSync(join(sourceA, "kb", "999", "Q999999"), { recursive: true });
  cpSync(article(sourceA, "Q45712"), join(sourceA, "kb", "999", "Q999999", "README.md"));

  sourceB = join(tmp, "b");
  cpSync(sourceA, sourceB, { recursive: true });
  editArticle(sourceB, "Q949387", (t) => t.replace("may stop without warning", "may stop without any warning"));
  editArticle(sourceB, "Q915701", (t) => t.replace("Product(s): Microsoft Exchange", "Product(s): Microsoft Windows NT"));
  rmSync(join(sourceB, "kb", "903"), { recursive: true });
  writeFileSync(article(sourceB, "Q947301"), "");
  copyArticle(sourceB, "Q949387", "Q949999");
  copyArticle(sourceB, "Q984455", "Q984999");
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The products the index's docMeta gives article `id` (its own, or those its tag stands for). */
function productsOf(dir: string, id: string): string[] {
  const reader = IndexReader.open(dir);
  try {
    const { products } = reader.docMeta().lists;
    const doc = reader.docForArticle(Number(id.slice(1)))!;
    return Array.from(products.ids.subarray(products.starts[doc], products.starts[doc + 1]), (i) => products.names[i]!);
  } finally {
    reader.close();
  }
}

/** A folder holding the index of `source` built from scratch. */
async function fresh(name: string, source: string) {
  const dir = join(tmp, name);
  const report = await buildIndex(source, { indexDir: dir });
  assert.equal(report.update, undefined);
  return { dir, report };
}

describe("updating an index", () => {
  before(async () => {
    freshB = (await fresh("fresh-b", sourceB)).dir;
  });

  test("reads anew only what was added or changed, and equals a fresh build byte for byte", async () => {
    const { dir, report: reportA } = await fresh("a-to-b", sourceA);
    assert.equal(reportA.articles, ARTICLES_A);
    assert.deepEqual(productsOf(dir, "Q915705"), ["Microsoft Exchange"]);

    // Another folder than the index was built from: confirmed with `replace`.
    const report = await buildIndex(sourceB, { indexDir: dir, replace: true });
    assert.deepEqual(report.update, { added: ADDED, changed: CHANGED, removed: REMOVED, unchanged: ARTICLES_A - CHANGED - REMOVED });
    assert.equal(report.rebuiltBecause, undefined);
    assert.equal(report.articles, ARTICLES_A + ADDED - REMOVED);
    const freshReport = (await fresh("fresh-b-again", sourceB)).report;
    for (const key of ["articles", "terms", "skipped", "textBytes", "indexBytes"] as const) assert.deepEqual(report[key], freshReport[key], key);
    assert.deepEqual(report.skipped.map((s) => s.reason), ["empty file", "duplicate of article Q45712, already indexed"]);
    assertSameIndex(dir, freshB);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);

    // Q915705 no longer takes Exchange from its tag; the changed and added articles are searched as they are now.
    assert.deepEqual(productsOf(dir, "Q915705"), []);
    assert.deepEqual(productsOf(dir, "Q915701"), ["Microsoft Windows NT"]);
    const updated = await openIndex(dir);
    try {
      assert.deepEqual(updated.search('"stop without any warning"').hits.map((h) => h.id).sort(), ["Q949387", "Q949999"]);
      assert.equal(updated.get("Q903381"), undefined);
      assert.equal(updated.get("Q947301"), undefined);
    } finally {
      updated.close();
    }
  });

  test("an update with nothing changed carries every article over, and the index stays the same", async () => {
    const { dir } = await fresh("same", sourceB);
    const report = await buildIndex(sourceB, { indexDir: dir });
    assert.deepEqual(report.update, { added: 0, changed: 0, removed: 0, unchanged: ARTICLES_A + ADDED - REMOVED });
    assertSameIndex(dir, freshB);
  });

  test("an update back from B to A equals A built from scratch", async () => {
    const dir = join(tmp, "b-to-a");
    cpSync(freshB, dir, { recursive: true });
    const report = await buildIndex(sourceA, { indexDir: dir, replace: true });
    // B's malformed article is whole again in A: read anew, so counted as added.
    assert.deepEqual(report.update, { added: 2, changed: CHANGED, removed: ADDED, unchanged: ARTICLES_A - CHANGED - 2 });
    assertSameIndex(dir, (await fresh("fresh-a", sourceA)).dir);
  });

  test("an update from a source sharing no article with the index equals a fresh build", async () => {
    const other = join(tmp, "other");
    for (const id of ["Q903381", "Q947301"]) cpSync(article(sourceA, id), article(other, id));
    const dir = join(tmp, "b-to-other");
    cpSync(freshB, dir, { recursive: true });
    const report = await buildIndex(other, { indexDir: dir, replace: true });
    assert.deepEqual(report.update, { added: 2, changed: 0, removed: ARTICLES_A + ADDED - REMOVED, unchanged: 0 });
    assertSameIndex(dir, (await fresh("fresh-other", other)).dir);
  });

  test("a tarball listing the articles in another order: those met out of order are read anew, the result is the same", async () => {
    const tarball = (name: string, files: string[]) => {
      const path = join(tmp, name);
      execFileSync("tar", ["-czf", path, "--no-recursion", "-C", sourceB, ...files]);
      return path;
    };
    const files = execFileSync("find", ["kb", "-name", "README.md"], { cwd: sourceB, encoding: "utf8" }).trim().split("\n").sort();
    const inOrder = tarball("in-order.tar.gz", files);
    // The first half's two quarters swapped: the second quarter's articles come first now.
    const quarter = Math.floor(files.length / 4);
    const reordered = tarball("reordered.tar.gz", [...files.slice(quarter, 2 * quarter), ...files.slice(0, quarter), ...files.slice(2 * quarter)]);
    const { dir } = await fresh("reorder", inOrder);
    const report = await buildIndex(reordered, { indexDir: dir, replace: true });
    assert.deepEqual(report.update, { added: 0, changed: 0, removed: 0, unchanged: report.articles });
    assertSameIndex(dir, (await fresh("fresh-reordered", reordered)).dir);
  });
});

describe("stored blocks", () => {
  /** Each stored block of the index in `dir`, compressed, as a hex string. */
  function storedBlocks(dir: string): string[] {
    const reader = IndexReader.open(dir);
    try {
      const blocks: string[] = [];
      for (let doc = 0; doc < reader.docCount; ) {
        const block = reader.storeBlockOf(doc);
        blocks.push(Buffer.from(reader.compressedStoreBlock(block.index)).toString("hex"));
        doc = block.end;
      }
      return blocks;
    } finally {
      reader.close();
    }
  }

  test("articles added and removed add and drop their own stored blocks; every other block is carried as it was", async () => {
    const many = join(tmp, "many");
    const kb = join(sampleCorpus, "kb");
    const samples = readdirSync(kb).flatMap((group) => readdirSync(join(kb, group)));
    const COPIES = 3;
    for (let copy = 1; copy <= COPIES; copy++) {
      samples.forEach((id, i) => copyArticleBetween(sampleCorpus, id, many, `Q${1_000_000 + copy * 100 + i}`));
    }
    const { dir } = await fresh("many", many);
    const before = storedBlocks(dir);
    assert.equal(before.length, samples.length * COPIES, "an article to a block");
    copyArticleBetween(sampleCorpus, samples[0]!, many, "Q1000150");
    copyArticleBetween(sampleCorpus, samples[1]!, many, "Q1000250");
    rmSync(join(many, "kb", "x", "Q1000333"), { recursive: true });
    const report = await buildIndex(many, { indexDir: dir });
    assert.deepEqual(report.update, { added: 2, changed: 0, removed: 1, unchanged: samples.length * COPIES - 1 });
    const after = storedBlocks(dir);
    const kept = new Set(before);
    assert.equal(after.length, before.length + 1);
    assert.equal(after.filter((block) => !kept.has(block)).length, 2, "only the two added articles' blocks are new");
    assertSameIndex(dir, (await fresh("many-fresh", many)).dir);
  });

  test("an index holding several articles to a stored block (as kbsearch wrote them before) is read, and an update stores each on its own", async () => {
    const dir = join(tmp, "several-to-a-block");
    cpSync(join(projectRoot, "test", "fixtures", `index-v${FORMAT_VERSION}`), dir, { recursive: true });
    const reader = IndexReader.open(dir);
    const shared = reader.storeBlockOf(1);
    reader.close();
    assert.deepEqual(shared, { index: 0, first: 0, end: 2 }, "the fixture's two articles share a block");
    const index = await openIndex(dir);
    assert.deepEqual([index.get("Q45712")?.id, index.get("Q901288")?.id], ["Q45712", "Q901288"]);
    index.close();
    // Laid out as test/fixtures/make-index.ts laid them out, so that their digests are the same.
    const source = join(tmp, "several-source", "kb");
    for (const article of ["045/Q45712", "901/Q901288"]) cpSync(join(sampleCorpus, "kb", article), join(source, article), { recursive: true });
    // Confirmed: the fixture was built from a folder of its own.
    const report = await buildIndex(source, { indexDir: dir, replace: true });
    assert.equal(report.update?.unchanged, 2, JSON.stringify(report));
    assert.equal(storedBlocks(dir).length, 2);
    assertSameIndex(dir, (await fresh("several-fresh", source)).dir);
  });
});

describe("when the index there cannot be updated", () => {
  test("a damaged index is built afresh, saying so (from another source only when that is confirmed)", async () => {
    const { dir } = await fresh("damaged", sourceA);
    const bytes = readFileSync(join(dir, INDEX_FILE));
    bytes[bytes.length - 100]! ^= 0x40;
    writeFileSync(join(dir, INDEX_FILE), bytes);
    await assert.rejects(buildIndex(sourceB, { indexDir: dir }), (err: unknown) => err instanceof KbSearchError && err.code === "source" && /cannot be updated \(.*damaged.*\), and it was built from .*\/a, not from .*\/b; the index was left as it was: to replace it, run again with --replace \(or --full\)$/.test(err.message));
    assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(bytes), "the damaged index is left for the user to decide");
    const report = await buildIndex(sourceB, { indexDir: dir, replace: true });
    assert.equal(report.update, undefined);
    assert.match(report.rebuiltBecause ?? "", /kbsearch\.idx is damaged: checksum mismatch in bytes \d+-\d+ \(section store\)$/);
    assertSameIndex(dir, freshB);
  });

  test("an index of the previous format is built afresh, saying so (CLI)", () => {
    const dir = join(tmp, "older");
    cpSync(join(projectRoot, "test", "fixtures", `index-v${FORMAT_VERSION - 1}`), dir, { recursive: true });
    const refused = runCli(["index", sourceB, "--index", dir]);
    assert.equal(refused.status, 4, refused.stderr);
    assert.match(refused.stderr, /cannot be updated \(.*older kbsearch.*\), and it was built from .*, not from .*; the index was left as it was: to replace it, run again with --replace/);
    const run = runCli(["index", sourceB, "--index", dir, "--replace"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^built afresh, since .*kbsearch\\.idx was built by an older kbsearch \\(index format ${FORMAT_VERSION - 1}; this one reads format ${FORMAT_VERSION}\\)\\n`));
    assert.doesNotMatch(run.stdout, /updated index/);
    assertSameIndex(dir, freshB);
  });

  test("the CLI sums an update up in one line; --full builds afresh", () => {
    const dir = join(tmp, "cli");
    assert.equal(runCli(["index", sourceA, "--index", dir]).status, 0);
    const update = runCli(["index", sourceB, "--index", dir, "--replace"]);
    assert.equal(update.status, 0, update.stderr);
    assert.match(update.stdout, new RegExp(`^updated index: ${ADDED} added, ${CHANGED} changed, ${REMOVED} removed, ${ARTICLES_A - CHANGED - REMOVED} unchanged \\(\\d+\\.\\d s\\)\\nindexed ${ARTICLES_A + ADDED - REMOVED} articles`));
    assert.match(update.stdout, /Q947301\/README\.md: empty file/);
    const full = runCli(["index", sourceB, "--index", dir, "--full"]);
    assert.equal(full.status, 0, full.stderr);
    assert.match(full.stdout, /^indexed \d+ articles/);
    const json = runCli(["index", sourceB, "--index", dir, "--json"]);
    assert.deepEqual(JSON.parse(json.stdout).update, { added: 0, changed: 0, removed: 0, unchanged: ARTICLES_A + ADDED - REMOVED });
    assertSameIndex(dir, freshB);
  });

  test("a source failing halfway through an update leaves the index as it was", () => {
    const dir = join(tmp, "cut");
    assert.equal(runCli(["index", sourceA, "--index", dir]).status, 0);
    const before = readFileSync(join(dir, INDEX_FILE));
    const whole = join(tmp, "whole.tar.gz");
    execFileSync("tar", ["-czf", whole, "-C", sourceB, "kb"]);
    const tarball = readFileSync(whole);
    const cut = join(tmp, "cut.tar.gz");
    writeFileSync(cut, tarball.subarray(0, tarball.length >> 1));
    const run = runCli(["index", cut, "--index", dir]);
    assert.equal(run.status, 4, run.stderr);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(before));
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
  });
});
