/**
 * Index integrity: fixtures of past formats and a corrupt file, and every kind of damage to a
 * fresh index (a flipped bit anywhere, a cut at any length, bytes appended) is refused with
 * index-corrupt and rebuild advice, or leaves the answers as they were: never different answers.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KbSearchError } from "../src/errors.js";
import { buildIndex } from "../src/indexer/build.js";
import { KbIndex } from "../src/query/engine.js";
import { CHUNK_BYTES } from "../src/store/checksum.js";
import { FORMAT_VERSION, INDEX_FILE } from "../src/store/format.js";
import { IndexReader } from "../src/store/reader.js";
import { hasStackTrace, projectRoot, random, runCli, sampleCorpus } from "./helpers.js";

const fixtures = join(projectRoot, "test", "fixtures");
const REGENERATE = "run `npm run build && node dist/test/fixtures/make-index.js` after a format change";

/** Asserts `fn` throws the KbSearchError `code`, naming the file and saying to run `kbsearch index`. */
function assertRefused(fn: () => unknown, code: string, file: string, label: string): KbSearchError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof KbSearchError, `${label}: expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `${label}: ${caught.message}`);
  assert.equal(caught.exitCode, 3, label);
  assert.ok(caught.message.includes(file), `${label}: the message names the file: ${caught.message}`);
  assert.match(caught.message, /run `kbsearch index SOURCE --index .+` to rebuild it/, label);
  return caught;
}

describe("fixture indexes", () => {
  test("every older format's fixture is refused as older, with rebuild advice (library and CLI)", () => {
    for (let version = 1; version < FORMAT_VERSION; version++) {
      const dir = join(fixtures, `index-v${version}`);
      assert.ok(existsSync(join(dir, INDEX_FILE)), `test/fixtures/index-v${version} is missing`);
      const error = assertRefused(() => IndexReader.open(dir), "index-version", join(dir, INDEX_FILE), `format ${version}`);
      assert.match(error.message, new RegExp(`an older kbsearch \\(index format ${version}; this one reads format ${FORMAT_VERSION}\\)`));
      const run = runCli(["heap", "--index", dir]);
      assert.equal(run.status, 3, run.stderr);
      assert.match(run.stderr, /^kbsearch: .*older kbsearch.*kbsearch index/);
      assert.ok(!hasStackTrace(run.stderr), run.stderr);
    }
  });

  test("the current format's fixture opens, passes a full check and finds its two articles", () => {
    const dir = join(fixtures, `index-v${FORMAT_VERSION}`);
    assert.ok(existsSync(join(dir, INDEX_FILE)), `test/fixtures/index-v${FORMAT_VERSION} is missing: ${REGENERATE}`);
    const reader = IndexReader.open(dir);
    try {
      assert.ok(reader.verify().chunks >= 1);
    } finally {
      reader.close();
    }
    const index = KbIndex.open(dir);
    try {
      assert.equal(index.stats().header.docCount, 2);
      assert.equal(index.get("Q45712")?.id, "Q45712");
      assert.equal(index.get("Q901288")?.id, "Q901288");
    } finally {
      index.close();
    }
  });

  test("the corrupt fixture is refused at open (library, search, stats)", () => {
    const dir = join(fixtures, "index-corrupt");
    assertRefused(() => IndexReader.open(dir), "index-corrupt", join(dir, INDEX_FILE), "corrupt fixture");
    for (const args of [["heap"], ["stats"], ["stats", "--verify"], ["show", "Q45712"]]) {
      const run = runCli([...args, "--index", dir]);
      assert.equal(run.status, 3, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, /kbsearch\.idx has a damaged header \(checksum mismatch\): run `kbsearch index SOURCE --index /);
      assert.ok(!hasStackTrace(run.stderr), run.stderr);
    }
  });
});

describe("damage to a fresh index", () => {
  let tmp = "";
  let good = "";
  let original: Buffer;
  const QUERIES = ["heap corruption", "access violation", "printer", "servpack", "Q949387", "windows 95 setup", "kernel32.dll"];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "kbsearch-integrity-"));
    good = join(tmp, "good");
    await buildIndex(sampleCorpus, { indexDir: good });
    original = readFileSync(join(good, INDEX_FILE));
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Every answer the index gives: each query's hits and every article's text, in one comparable value. */
  function answers(dir: string): unknown {
    const index = KbIndex.open(dir);
    try {
      const searches = QUERIES.map((q) => index.search(q, { limit: 50 }).hits);
      const ids = searches.flat().map((h) => h.id);
      return { searches, articles: ids.map((id) => index.get(id)?.text) };
    } finally {
      index.close();
    }
  }

  function withBytes(name: string, bytes: Uint8Array): string {
    const dir = join(tmp, name);
    cpSync(good, dir, { recursive: true });
    writeFileSync(join(dir, INDEX_FILE), bytes);
    return dir;
  }

  test("a bit flipped anywhere is found by the full check, and never changes an answer", () => {
    const expected = answers(good);
    const rand = random(6);
    const positions = new Set<number>([0, 8, 12, 16, 20, 40, original.length - 1]);
    while (positions.size < 60) positions.add(Math.floor(rand() * original.length));
    let refusedAtOpen = 0;
    let foundByQueries = 0;
    for (const position of positions) {
      const bytes = Buffer.from(original);
      bytes[position]! ^= 1 << Math.floor(rand() * 8);
      const dir = withBytes(`flip-${position}`, bytes);
      const file = join(dir, INDEX_FILE);
      const label = `bit flipped at byte ${position}`;
      let reader: IndexReader;
      try {
        reader = IndexReader.open(dir);
      } catch (err) {
        assert.ok(err instanceof KbSearchError && (err.code === "index-corrupt" || err.code === "index-version"), `${label}: ${String(err)}`);
        assertRefused(() => IndexReader.open(dir), err.code, file, label);
        refusedAtOpen++;
        continue;
      }
      try {
        assertRefused(() => reader.verify(), "index-corrupt", file, label);
      } finally {
        reader.close();
      }
      try {
        assert.deepEqual(answers(dir), expected, `${label}: different answers`);
      } catch (err) {
        if (!(err instanceof KbSearchError)) throw err;
        assertRefused(() => answers(dir), "index-corrupt", file, label);
        foundByQueries++;
      }
    }
    assert.ok(refusedAtOpen > 0 && foundByQueries > 0, `${refusedAtOpen} refused at open, ${foundByQueries} found by queries`);
  });

  test("damage in the stored articles is found when one of them is read, not at open", () => {
    const bytes = Buffer.from(original);
    bytes[bytes.length - 100]! ^= 0x40;
    const dir = withBytes("flip-store", bytes);
    const index = KbIndex.open(dir);
    try {
      assertRefused(() => index.get("Q984455") ?? index.search("heap corruption", { limit: 30 }), "index-corrupt", join(dir, INDEX_FILE), "store");
    } finally {
      index.close();
    }
    const run = runCli(["stats", "--verify", "--index", dir]);
    assert.equal(run.status, 3);
    assert.match(run.stderr, /checksum mismatch in bytes \d+-\d+ \(section store\)/);
  });

  test("a file cut at any length, or with bytes appended, is refused at open", () => {
    const rand = random(7);
    const lengths = new Set<number>([0, 7, 8, 11, 12, 16, 19, 20, 100, original.length - 1]);
    while (lengths.size < 30) lengths.add(Math.floor(rand() * original.length));
    for (const length of lengths) {
      const dir = withBytes(`cut-${length}`, original.subarray(0, length));
      assertRefused(() => IndexReader.open(dir), "index-corrupt", join(dir, INDEX_FILE), `cut to ${length} bytes`);
    }
    const longer = withBytes("appended", Buffer.concat([original, Buffer.from("trailing")]));
    assertRefused(() => IndexReader.open(longer), "index-corrupt", join(longer, INDEX_FILE), "appended");
  });

  test("a foreign file under the index's name is not a kbsearch index", () => {
    for (const [name, bytes] of [["png", Buffer.from("89504e470d0a1a0a0000000d49484452", "hex")], ["zeros", Buffer.alloc(4096)], ["text", Buffer.from("KBSRCH but not quite\n")]] as const) {
      const dir = withBytes(`foreign-${name}`, bytes);
      const error = assertRefused(() => IndexReader.open(dir), "index-corrupt", join(dir, INDEX_FILE), name);
      assert.match(error.message, /is not a kbsearch index/);
    }
  });

  test("stats --verify reads the whole file and reports its chunks", () => {
    const run = runCli(["stats", "--verify", "--json", "--index", good]);
    assert.equal(run.status, 0, run.stderr);
    const stats = JSON.parse(run.stdout) as { verifiedChunks: number; bytes: number };
    // The chunks cover the file less its preamble and header.
    assert.ok(stats.verifiedChunks >= Math.floor(stats.bytes / CHUNK_BYTES) - 1 && stats.verifiedChunks <= Math.ceil(stats.bytes / CHUNK_BYTES), String(stats.verifiedChunks));
  });
});
