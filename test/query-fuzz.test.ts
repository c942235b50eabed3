/**
 * Any string is a query: seeded random and adversarial strings go through the library and the
 * CLI without a crash or a hang (a generous per-query bound detects hangs; it is not a speed
 * test), giving well-formed results, an empty one, or a usage message.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIndex } from "../src/indexer/build.js";
import type { SearchResult } from "../src/query/types.js";
import { hasStackTrace, projectRoot, random, runCli, sampleCorpus } from "./helpers.js";

/** Far above any real query's time: a query over it is taken to hang. */
const HANG_MS = 2000;
const WORDS = ["heap", "corruption", "printer", "the", "and", "of", "OR", "AND", "NOT", "Q949387", "kb", "949387", "servpack", "kernel32.dll", "0x480df78", "C++", "windows", "setup"];
const PIECES = ['"', "(", ")", "*", "-", "+", ":", "~", "^", "\\", "/", "|", "&", "!", "?", "[", "]", "{", "}", ".", ",", "'", "`", "$", "%", "#", "@", "=", "<", ">"];

/** Hand-picked adversarial queries. */
const ADVERSARIAL = [
  "", " ", "\t\n\r", '"', '""', '"heap', 'heap"', '"heap corruption', "((heap", "heap))", ")(", "(((((((((((((((((((((((((((((((",
  "*", "**", "*heap", "heap*", "h*", "?", "-", "--", "-heap", "NOT", "AND", "OR", "OR OR OR", "heap AND", "AND heap", "heap OR",
  "the", "the a of and to in is it", "the the the the the", ".", "...", "!!!???,,,;;;", "@#$%^&*()_+=-`~[]{}|\\:;'<>,./",
  "\u0000", "heap\u0000corruption", "\u0001\u0002\u0003\u001b[31mheap", "\u007f\u0080\u009f", "heap\u200bcorruption", "\ufeffheap",
  "\ud800", "\udc00", "heap\ud800corruption", "\udbff\udfff", "😀 heap 😀", "ｈｅａｐ", "HEAP CORRUPTION", "hé\u0301ap", "עברית heap", "日本語",
  "Q", "Q0", "Q1", "Q00000000", "Q99999999999999999999", "kb 0", "kb", "kb:", "0", "00000", "999999999999999999999999", "1e999", "-1", "NaN",
  "0x", "0xZZ", "x".repeat(10_000), "heap ".repeat(20_000), "a ".repeat(50_000), "Q949387 ".repeat(5_000),
  Array.from({ length: 5_000 }, (_, i) => `term${i}`).join(" OR "), Array.from({ length: 2_000 }, (_, i) => `"w${i}`).join(" "),
  // Names Object's prototype holds, which a plain-object table would hand back for a word.
  "constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "constructor4", "product:constructor", "product:toString heap",
  "S E R V P A C K", "S E R V P A C K ".repeat(2000), "a b c d e f g h i j k l m n o p q r s t u v w x y z".repeat(100),
];

/** Random queries: words, operators and punctuation mixed, and random code units of every kind. */
function randomQueries(count: number): string[] {
  const rand = random(2024);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(rand() * 12);
    if (i % 3 === 0) {
      queries.push(String.fromCharCode(...Array.from({ length: length * 4 }, () => Math.floor(rand() * 0x10000))));
    } else {
      queries.push(Array.from({ length }, () => (rand() < 0.6 ? pick(WORDS) : pick(PIECES))).join(rand() < 0.5 ? " " : ""));
    }
  }
  return queries;
}

let tmp = "";
let dir = "";

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-fuzz-"));
  dir = join(tmp, "index");
  await buildIndex(sampleCorpus, { indexDir: dir });
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A result is well formed: hits within the limit, ranked in order, highlights inside their snippet. */
function assertWellFormed(result: SearchResult, limit: number, offset: number, label: string): void {
  assert.ok(result.hits.length <= limit, label);
  assert.ok(result.total >= 0 && Number.isInteger(result.total), label);
  result.hits.forEach((hit, i) => {
    assert.equal(hit.rank, offset + i + 1, label);
    assert.match(hit.id, /^Q\d+$/, label);
    assert.ok(Number.isFinite(hit.score), label);
    for (const [start, end] of hit.highlights) assert.ok(start >= 0 && start < end && end <= hit.snippet.length, label);
  });
}

test("the library answers every adversarial and random query, each well within the hang bound", () => {
  const queries = [...ADVERSARIAL, ...randomQueries(600)];
  const label = (i: number) => `query ${i}: ${JSON.stringify(queries[i]!.slice(0, 80))}${queries[i]!.length > 80 ? ` (${queries[i]!.length} chars)` : ""}`;
  // In a child process, so that a query that hangs is killed and named rather than hanging the suite.
  const run = spawnSync(process.execPath, [join(projectRoot, "dist", "test", "fixtures", "search-each.js"), dir], {
    input: JSON.stringify(queries),
    encoding: "utf8",
    maxBuffer: 1 << 30,
    timeout: 300_000,
  });
  const lines = run.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { i: number; limit: number; offset: number; ms: number; result: SearchResult });
  const stopped = lines.length ? lines[lines.length - 1]!.i + (lines[lines.length - 1]!.offset ? 1 : 0) : 0;
  assert.equal(run.status, 0, `the searches stopped at ${stopped < queries.length ? label(stopped) : "the end"} (${run.signal ?? `exit ${run.status}`}): ${run.stderr.slice(0, 2000)}`);
  assert.equal(lines.length, queries.length * 2);
  for (const { i, limit, offset, ms, result } of lines) {
    assert.ok(ms < HANG_MS, `${label(i)} took ${ms.toFixed(0)} ms`);
    assertWellFormed(result, limit, offset, label(i));
  }
});

test("the CLI answers them too: exit 0 or 1, never a stack trace", () => {
  // Arguments cannot hold NUL; the batch run below feeds those.
  const viaArgs = ADVERSARIAL.filter((q) => !q.includes("\u0000") && q.length < 100_000).filter((_, i) => i % 4 === 0);
  for (const query of [...viaArgs, "a ".repeat(49_000)]) {
    const run = runCli(["--index", dir, "--", query], { timeout: 60_000 });
    assert.ok(run.status === 0 || run.status === 1, `${JSON.stringify(query.slice(0, 60))}: exit ${run.status}: ${run.stderr}`);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
  }
  const queries = [...ADVERSARIAL, ...randomQueries(200)];
  const input = queries.map((query, qid) => JSON.stringify({ qid, query })).join("\n") + "\n";
  const run = runCli(["batch", "-", "--index", dir], { input, timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { qid: number; ranked?: string[]; error?: string });
  assert.equal(lines.length, queries.length);
  for (const line of lines) assert.ok(Array.isArray(line.ranked), `qid ${line.qid}: ${line.error}`);
});

test("a bad limit or offset is a usage error (exit 2), not a crash", () => {
  for (const args of [["-n", "-1"], ["-n", "abc"], ["--offset", "1e3"], ["-n", "99999999999999999999999"]]) {
    const run = runCli(["heap", "--index", dir, ...args]);
    assert.equal(run.status, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
  }
});
