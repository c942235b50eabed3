/**
 * Safe publish and concurrent use, with real processes: searches while a build runs, builds
 * killed with SIGKILL at several points, two builds of one folder at once, a stale lock, and a
 * disk that fills up while the index is written. The previous index must stay whole throughout.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KbSearchError } from "../src/errors.js";
import { buildIndex } from "../src/indexer/build.js";
import { KbIndex } from "../src/query/engine.js";
import { INDEX_FILE } from "../src/store/format.js";
import { LOCK_FILE } from "../src/store/lock.js";
import { IndexReader } from "../src/store/reader.js";
import { CLI, hasStackTrace, random, runCli, sampleCorpus, spawnCli, SAMPLE_ARTICLES } from "./helpers.js";

/** Copies of the sample articles under new numbers: enough that a build takes a noticeable while. */
const COPIES = 100;

let tmp = "";
let bigCorpus = "";

/** Writes COPIES renumbered copies of every sample article into `dir`. */
function makeBigCorpus(dir: string): void {
  const kb = join(sampleCorpus, "kb");
  const articles = readdirSync(kb).flatMap((group) => readdirSync(join(kb, group)).map((folder) => [group, folder] as const));
  articles.forEach(([group, folder], i) => {
    const text = readFileSync(join(kb, group, folder, "README.md"), "utf8");
    for (let copy = 1; copy <= COPIES; copy++) {
      const id = `Q${1_000_000 + copy * 100 + i}`;
        mkdirSync(join(dir, "kb", "x", id), { recursive: true });
      writeFileSync(join(dir, "kb", "x", id, "README.md"), text.replaceAll(folder, id));
    }
  });
}

/** A build run by the CLI in the background; `exit` gives its exit code. */
function spawnBuild(source: string, dir: string): { child: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  // --replace: these builds read a larger copy of the sample on purpose.
  const { child, done } = spawnCli(["index", source, "--index", dir, "--replace"]);
  let stderr = "";
  const exit = done.then((run) => ((stderr = run.stderr), run.status));
  return { child, exit, stderr: () => stderr };
}

/** Resolves once `ready()` holds (true) or the process has ended (false). */
async function until(ready: () => boolean, exited: Promise<unknown>): Promise<boolean> {
  let ended = false;
  void exited.then(() => (ended = true));
  while (!ended) {
    if (ready()) return true;
    await new Promise((r) => setTimeout(r, 2));
  }
  return ready();
}

/** Everything the index answers for a few queries, and its article count. */
function answers(dir: string): { docs: number; hits: string[][] } {
  const index = KbIndex.open(dir);
  try {
    const hits = ["heap corruption", "printer", "servpack", "Q949387"].map((q) => index.search(q, { limit: 20 }).hits.map((h) => h.id));
    return { docs: index.stats().header.docCount, hits };
  } finally {
    index.close();
  }
}

function verify(dir: string): void {
  const reader = IndexReader.open(dir);
  try {
    reader.verify();
  } finally {
    reader.close();
  }
}

const inode = (dir: string) => statSync(join(dir, INDEX_FILE)).ino;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-publish-"));
  bigCorpus = join(tmp, "big");
  makeBigCorpus(bigCorpus);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("publish", () => {
  test("a search while a build runs answers from the previous index, and from the new one after", async () => {
    const dir = join(tmp, "during");
    await buildIndex(sampleCorpus, { indexDir: dir });
    const old = answers(dir);
    const build = spawnBuild(bigCorpus, dir);
    assert.ok(await until(() => existsSync(join(dir, LOCK_FILE)), build.exit), "the build never took the lock");
    // Frozen mid-build, so the searches below certainly run while it holds the index folder.
    build.child.kill("SIGSTOP");
    try {
      assert.deepEqual(answers(dir), old);
      const run = runCli(["heap corruption", "--index", dir]);
      assert.equal(run.status, 0, run.stderr);
    } finally {
      build.child.kill("SIGCONT");
    }
    assert.equal(await build.exit, 0, build.stderr());
    assert.equal(answers(dir).docs, SAMPLE_ARTICLES * COPIES);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
  });

  test("a build killed at several points leaves the previous index whole; the next build takes over", async (t) => {
    const dir = join(tmp, "killed");
    await buildIndex(sampleCorpus, { indexDir: dir });
    const old = answers(dir);
    const rand = random(9);
    const points: { name: string; wait: (dir: string, exited: Promise<unknown>) => Promise<unknown> }[] = [
      { name: "as it takes the lock", wait: (d, exited) => until(() => existsSync(join(d, LOCK_FILE)), exited) },
      ...[0.2, 0.5, 0.8].map((f) => ({
        name: `after a random delay (${f})`,
        wait: () => new Promise((r) => setTimeout(r, Math.floor(rand() * f * 2000))),
      })),
      { name: "as it starts the temporary file", wait: (d, exited) => tempFileAppears(d, exited) },
    ];
    for (const point of points) {
      const before = inode(dir);
      const build = spawnBuild(bigCorpus, dir);
      await point.wait(dir, build.exit);
      build.child.kill("SIGKILL");
      const code = await build.exit;
      const published = inode(dir) !== before;
      const state = published ? "new index already published" : "previous index in place";
      t.diagnostic(`killed ${point.name}: ${code === null ? "killed" : `had exited ${code}`}, ${state}; left ${readdirSync(dir).join(", ")}`);
      verify(dir);
      if (published) assert.equal(answers(dir).docs, SAMPLE_ARTICLES * COPIES, point.name);
      else assert.deepEqual(answers(dir), old, point.name);
      await buildIndex(sampleCorpus, { indexDir: dir }); // The stale lock and temporary file are cleared.
      assert.deepEqual(readdirSync(dir), [INDEX_FILE], point.name);
    }
  });

  test("a second build of the same folder fails with index-busy (exit 5) and leaves the first one's index whole", async () => {
    const dir = join(tmp, "two");
    const first = spawnBuild(bigCorpus, dir);
    assert.ok(await until(() => existsSync(join(dir, LOCK_FILE)), first.exit), "the first build never took the lock");
    first.child.kill("SIGSTOP");
    let second;
    try {
      second = runCli(["index", sampleCorpus, "--index", dir]);
    } finally {
      first.child.kill("SIGCONT");
    }
    assert.equal(second.status, 5, second.stderr);
    assert.match(second.stderr, new RegExp(`another build \\(process ${first.child.pid}\\) is writing the index in .*: wait for it to finish`));
    assert.ok(!hasStackTrace(second.stderr), second.stderr);
    assert.equal(await first.exit, 0, first.stderr());
    verify(dir);
    assert.equal(answers(dir).docs, SAMPLE_ARTICLES * COPIES);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
  });

  test("in one process, a second buildIndex of a folder being built is index-busy", async () => {
    const dir = join(tmp, "same-process");
    const first = buildIndex(sampleCorpus, { indexDir: dir });
    await assert.rejects(buildIndex(sampleCorpus, { indexDir: dir }), (err: unknown) => err instanceof KbSearchError && err.code === "index-busy");
    await first;
    assert.equal(answers(dir).docs, SAMPLE_ARTICLES);
  });

  test("a lock left by a process that is gone is taken over", async () => {
    const dir = join(tmp, "stale");
    mkdirSync(dir);
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeFileSync(join(dir, LOCK_FILE), `${gone}\n`);
    writeFileSync(join(dir, `${INDEX_FILE}.tmp-${gone}`), "half an index");
    const run = runCli(["index", sampleCorpus, "--index", dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
  });
});

describe("a failed write", () => {
  test("a file-size limit stopping the write: exit 4, the previous index unchanged, no temporary file", () => {
    const dir = join(tmp, "efbig");
    assert.equal(runCli(["index", sampleCorpus, "--index", dir]).status, 0);
    const old = readFileSync(join(dir, INDEX_FILE));
    // SIGXFSZ ignored, so the write fails with EFBIG the way a full disk fails with ENOSPC.
    const run = spawnSync("bash", ["-c", `ulimit -f 8; trap '' XFSZ; exec "${process.execPath}" "${CLI}" index "${bigCorpus}" --index "${dir}" --replace`], { encoding: "utf8" });
    assert.equal(run.status, 4, run.stderr);
    assert.match(run.stderr, /could not write the index in .* \(EFBIG: file too large, write\); the index there before is unchanged/);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.deepEqual(readFileSync(join(dir, INDEX_FILE)), old);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
  });

  test("a full disk: exit 4 with advice to free space, the previous index unchanged", (t) => {
    const mount = join(tmp, "small-disk");
    mkdirSync(mount);
    // A 128 KB tmpfs in a mount namespace of our own: the sample index (63 KB) fits, the big one does not.
    const script = [
      `mount -t tmpfs -o size=128k tmpfs "${mount}" || exit 99`,
      `"${process.execPath}" "${CLI}" index "${sampleCorpus}" --index "${mount}/index" >/dev/null 2>&1 || exit 98`,
      `cksum < "${mount}/index/${INDEX_FILE}"`,
      `"${process.execPath}" "${CLI}" index "${bigCorpus}" --index "${mount}/index" --replace 2>&1; echo "exit $?"`,
      `cksum < "${mount}/index/${INDEX_FILE}"; ls "${mount}/index"`,
      `"${process.execPath}" "${CLI}" "heap corruption" --index "${mount}/index" >/dev/null; echo "search $?"`,
    ].join("\n");
    const run = spawnSync("unshare", ["-rm", "sh", "-c", script], { encoding: "utf8" });
    if (run.error || run.status === 99 || run.status === 1) {
      t.skip(`cannot mount a small tmpfs here (${run.error?.message ?? run.stderr.trim()}): full-disk test skipped`);
      return;
    }
    const lines = run.stdout.trim().split("\n");
    assert.match(run.stdout, /could not write the index in .* \(ENOSPC: no space left on device, write\); the index there before is unchanged: free some disk space and build again\nexit 4\n/);
    assert.ok(!hasStackTrace(run.stdout), run.stdout);
    const sums = lines.filter((l) => /^\d+ \d+$/.test(l));
    assert.equal(sums.length, 2, run.stdout);
    assert.equal(sums[0], sums[1], "the index changed");
    assert.deepEqual(lines.slice(-2), [INDEX_FILE, "search 0"]);
  });
});

/** Resolves when a temporary index file appears in `dir` (or the process ends). */
function tempFileAppears(dir: string, exited: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    const watcher = watch(dir, (_event, name) => {
      if (name?.startsWith(`${INDEX_FILE}.tmp-`)) {
        watcher.close();
        resolve(true);
      }
    });
    void exited.then(() => {
      watcher.close();
      resolve(false);
    });
  });
}
