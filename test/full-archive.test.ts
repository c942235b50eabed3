/**
 * The whole archive (../shared/kbarchive/kb.tar.gz, 60,335 articles): one build through the
 * library, then searches through the library and the CLI. Skipped when the tarball is absent.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIndex, openIndex, type BuildReport, type KbIndex } from "../src/index.js";
import { NO_SHARED, projectRoot, sharedTarball } from "./helpers.js";

const SHARED_ARTICLES = 60_335;
const HEAP = "Q149387";

let tmp = "";
let report: BuildReport | undefined;
let index: KbIndex | undefined;

const ids = (query: string, limit = 10) => index!.search(query, { limit }).hits.map((h) => h.id);

describe("full archive", () => {
  before(async () => {
    if (!sharedTarball) return;
    tmp = mkdtempSync(join(tmpdir(), "kbsearch-full-"));
    report = await buildIndex(sharedTarball, { indexDir: tmp });
    index = await openIndex(tmp);
  }, { timeout: 300_000 });

  after(() => {
    index?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("the build reports 60,335 articles and 0 skipped", (t) => {
    if (!sharedTarball) return t.skip(NO_SHARED);
    assert.equal(report!.articles, SHARED_ARTICLES);
    assert.deepEqual(report!.skipped, []);
    assert.equal(index!.stats().header.docCount, SHARED_ARTICLES);
  });

  test('"heap corruption" has Q149387 in the top 3', (t) => {
    if (!sharedTarball) return t.skip(NO_SHARED);
    const top = ids("heap corruption");
    assert.ok(top.slice(0, 3).includes(HEAP), `top 10: ${top.join(" ")}`);
  });

  test("S E R V P A C K and servpack return the same top 10", (t) => {
    if (!sharedTarball) return t.skip(NO_SHARED);
    const spaced = ids("S E R V P A C K");
    assert.equal(spaced.length, 10);
    assert.deepEqual(spaced, ids("servpack"));
  });

  test('"kb 149387" returns Q149387 first', (t) => {
    if (!sharedTarball) return t.skip(NO_SHARED);
    const hits = index!.search("kb 149387").hits;
    assert.equal(hits[0]?.id, HEAP);
    assert.equal(hits[0]?.match, "id");
  });

  test("the CLI prints Q149387 within its first 3 hits for heap corruption", (t) => {
    if (!sharedTarball) return t.skip(NO_SHARED);
    const run = spawnSync(process.execPath, [join(projectRoot, "dist", "src", "cli", "main.js"), "heap corruption", "--index", tmp], {
      cwd: projectRoot,
      env: { ...process.env, NO_COLOR: "1", KBSEARCH_INDEX: tmp },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const shown = [...run.stdout.matchAll(/^\s*(\d+)\. (Q\d+)\s/gm)].map((m) => m[2]);
    assert.ok(shown.slice(0, 3).includes(HEAP), `first hits: ${shown.join(" ")}`);
  });
});
