/**
 * Hostile input, as an attacker or a careless user gives it: damaged index files, output that
 * cannot be written, and more below. Nothing ends in a stack trace, a hang or a lost index; each
 * loop is bounded in count, and each child process in time.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { pack } from "msgpackr";
import { unpack } from "msgpackr/unpack";
import { analyzeToTokens, MAX_STEMMED_LENGTH } from "../src/analyze/analyzer.js";
import { MAX_SPACED, tokenize } from "../src/analyze/tokenizer.js";
import { KbSearchError } from "../src/errors.js";
import { buildIndex } from "../src/indexer/build.js";
import { PreviousIndex } from "../src/indexer/update.js";
import { KbIndex } from "../src/query/engine.js";
import { INDEX_FILE, PREAMBLE_BYTES, SECTION_NAMES } from "../src/store/format.js";
import { IndexReader } from "../src/store/reader.js";
import { StoreBlockCompressor } from "../src/store/store-blocks.js";
import { renderScreen } from "../src/present/screen.js";
import { createGzip, gzipSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync } from "node:fs";
import { relative } from "node:path";
import { spawnSync } from "node:child_process";
import type { ServerResponse } from "node:http";
import { writeHostileSource } from "../bench/hostile-source.js";
import { statSync } from "node:fs";
import { assertSameIndex, CLI, hasStackTrace, projectRoot, random, runCli, sampleCorpus, serveLocally, spawnCli, type Run } from "./helpers.js";

let tmp = "";
/** The sample corpus's index, left as built. */
let good = "";
let original: Buffer;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-hostile-"));
  good = join(tmp, "good");
  await buildIndex(sampleCorpus, { indexDir: good });
  original = readFileSync(join(good, INDEX_FILE));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the good index folder holding `bytes` as its index file. */
function indexWith(name: string, bytes: Uint8Array): string {
  const dir = join(tmp, name);
  cpSync(good, dir, { recursive: true });
  writeFileSync(join(dir, INDEX_FILE), bytes);
  return dir;
}

/** Runs `fn`; it may answer, or throw a KbSearchError about the index (exit 3), nothing else. */
function answersOrRefuses(fn: () => unknown, label: string): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    assert.ok(err instanceof KbSearchError, `${label}: ${err instanceof Error ? err.stack : String(err)}`);
    assert.equal(err.exitCode, 3, `${label}: ${err.message}`);
    assert.match(err.message, /kbsearch index/, label);
    return false;
  }
}

/** Everything a reader does with the file: open, queries, an article, related, a full check. */
function useIndex(dir: string): void {
  const index = KbIndex.open(dir);
  try {
    for (const q of ["heap corruption", "printer OR modem", "product:windows setup", "Q949387", "\"access violation\""]) index.search(q, { limit: 20, facets: true });
    index.get("Q949387");
    index.related("Q949387");
  } finally {
    index.close();
  }
  const reader = IndexReader.open(dir);
  try {
    reader.verify();
  } finally {
    reader.close();
  }
}

/** The header as written, and where the data region starts. */
function headerOf(bytes: Buffer): { header: Record<string, unknown>; headerLength: number; dataStart: number } {
  const headerLength = bytes.readUInt32LE(12);
  return { header: unpack(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)) as Record<string, unknown>, headerLength, dataStart: Math.ceil((PREAMBLE_BYTES + headerLength) / 8) * 8 };
}

describe("a damaged index (issue 23, item 1)", () => {
  test("every bit of the preamble, and seeded bits over the header and every section: a clear index error or the same answers; an update rebuilds", () => {
    const { header, headerLength, dataStart } = headerOf(original);
    const sections = header.sections as Record<string, { offset: number; length: number }>;
    const rand = random(23);
    const bits = new Set<number>();
    for (let bit = 0; bit < PREAMBLE_BYTES * 8; bit++) bits.add(bit);
    const span = (from: number, length: number, count: number) => {
      for (let i = 0; i < count && length > 0; i++) bits.add((from + Math.floor(rand() * length)) * 8 + Math.floor(rand() * 8));
    };
    span(PREAMBLE_BYTES, headerLength, 40);
    for (const name of SECTION_NAMES) span(dataStart + sections[name]!.offset, sections[name]!.length, 3);
    let refused = 0;
    for (const bit of bits) {
      const bytes = Buffer.from(original);
      bytes[bit >> 3]! ^= 1 << (bit & 7);
      const label = `bit ${bit & 7} of byte ${bit >> 3}`;
      const dir = indexWith("flipped", bytes);
      if (!answersOrRefuses(() => useIndex(dir), label)) refused++;
      // What an update does first: either the index can be updated, or it says why it cannot and is rebuilt.
      const opened = PreviousIndex.open(dir);
      if ("previous" in opened) opened.previous.reader.close();
      else assert.ok(opened.cannot, `${label}: a reason to rebuild`);
    }
    assert.ok(refused > bits.size / 2, `${refused} of ${bits.size} refused`);
  });

  test("a header whose checksum matches but whose counts, lengths or offsets are out of range is refused, never a RangeError", () => {
    const { header } = headerOf(original);
    const sections = header.sections as Record<string, { offset: number; length: number }>;
    const cases: [string, (h: Record<string, any>) => void][] = [
      ["a negative section length", (h) => (h.sections.postings.length = -5)],
      ["a section offset that is not whole", (h) => (h.sections.ids.offset = 1.5)],
      ["a huge document count", (h) => (h.docCount = 2 ** 40)],
      ["a document count that is text", (h) => (h.docCount = "many")],
      ["no sections", (h) => delete h.sections],
      ["a section missing", (h) => delete h.sections.store],
      ["dictionary block offsets past the section", (h) => (h.sections.dictionary.length = 1)],
      ["a data length past 2^32", (h) => (h.integrity.dataBytes = 2 ** 33)],
      ["field lengths that are not numbers", (h) => (h.avgFieldLength = ["a", "b"])],
      ["a store section cut short", (h) => (h.sections.store = { offset: sections.store!.offset, length: 3 })],
    ];
    for (const [label, damage] of cases) {
      const h = structuredClone(header) as Record<string, any>;
      damage(h);
      const packed = pack(h);
      const preamble = Buffer.alloc(PREAMBLE_BYTES);
      original.copy(preamble, 0, 0, 12);
      preamble.writeUInt32LE(packed.length, 12);
      preamble.writeUInt32LE(crc32(packed), 16);
      const start = Math.ceil((PREAMBLE_BYTES + packed.length) / 8) * 8;
      const { dataStart } = headerOf(original);
      const bytes = Buffer.concat([preamble, packed, Buffer.alloc(start - PREAMBLE_BYTES - packed.length), original.subarray(dataStart)]);
      const dir = indexWith("crafted", bytes);
      assert.equal(answersOrRefuses(() => useIndex(dir), label), false, `${label}: refused`);
    }
  });

  test("the header length's top bit flipped: search and stats exit 3 with advice, `kbsearch index` rebuilds", () => {
    const bytes = Buffer.from(original);
    bytes[15]! ^= 0x80;
    const dir = indexWith("length-bit", bytes);
    for (const args of [["heap"], ["stats", "--verify"], ["show", "Q949387"], ["related", "Q949387"]]) {
      const run = runCli([...args, "--index", dir]);
      assert.equal(run.status, 3, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, /^kbsearch: .*kbsearch\.idx is truncated or its header length is damaged.*run `kbsearch index SOURCE --index /);
    }
    const update = runCli(["index", sampleCorpus, "--index", dir]);
    assert.equal(update.status, 0, update.stderr);
    assert.match(update.stdout, /^built afresh, since .*header length is damaged/);
    assert.equal(runCli(["heap", "--index", dir]).status, 0);
  });
});

/** Runs the CLI with its standard output as `stdout` gives it (a file descriptor, or a pipe this process closes at once). */
function runWithStdout(args: string[], stdout: number | "closed-pipe"): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: projectRoot,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", stdout === "closed-pipe" ? "pipe" : stdout, "pipe"],
      timeout: 30_000,
    });
    // No reader at all: the first write meets a closed pipe (EPIPE), as under `| head -1` once head is gone.
    if (stdout === "closed-pipe") child.stdout!.destroy();
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout: "", stderr }));
  });
}

describe("output that cannot be written (item 8)", () => {
  const commands = () => {
    const batch = join(tmp, "queries.jsonl");
    writeFileSync(batch, Array.from({ length: 300 }, (_, i) => JSON.stringify({ qid: i, query: "windows setup" })).join("\n"));
    return [["-n", "40", "windows"], ["--json", "-n", "40", "windows"], ["related", "Q949387"], ["batch", batch], ["show", "Q949387"], ["stats"]].map((args) => [...args, "--index", good]);
  };

  test("a reader gone (EPIPE) ends every command quietly with exit 0", async () => {
    for (const args of commands()) {
      const run = await runWithStdout(args, "closed-pipe");
      assert.equal(run.status, 0, `${args[0]}: ${run.stderr}`);
      assert.equal(run.stderr, "", args[0]);
    }
  });

  test("a full disk (/dev/full) is one line on stderr and exit 74 for every command", { skip: !existsSync("/dev/full") && "no /dev/full" }, async () => {
    for (const args of commands()) {
      const fd = openSync("/dev/full", "w");
      try {
        const run = await runWithStdout(args, fd);
        assert.equal(run.status, 74, `${args[0]}: ${run.stderr}`);
        assert.match(run.stderr, /^kbsearch: cannot write the output \(ENOSPC\): check the disk or the file it goes to\n$/, args[0]);
        assert.ok(!hasStackTrace(run.stderr));
      } finally {
        closeSync(fd);
      }
    }
  });
});

describe("queries of any size or shape (items 2, 7 and 15)", () => {
  let index: KbIndex;
  before(() => {
    index = KbIndex.open(good);
  });
  after(() => index?.close());

  test("3,000 nested parentheses, or `-(` 3,000 times, answer with a warning, not a stack overflow", () => {
    // Within the length bound, so the nesting bound is what holds it.
    const deep = "(".repeat(990) + "heap corruption" + ")".repeat(990);
    const result = index.search(deep);
    assert.ok(result.hits.length > 0);
    assert.deepEqual(result.hits.map((h) => h.id), index.search("heap corruption").hits.map((h) => h.id));
    assert.ok(result.warnings.some((w) => /nested deeper than 16 levels/.test(w)), result.warnings.join("; "));
    const negated = index.search("heap " + "-(".repeat(990) + "printer");
    assert.ok(negated.warnings.some((w) => /nested deeper/.test(w)));
    for (const query of ["(".repeat(3_000) + "heap", "-(".repeat(3_000) + "heap", "(a OR ".repeat(3_000)]) assert.ok(index.search(query).warnings.length > 0);
    assert.equal(new Set(negated.warnings).size, negated.warnings.length, "each warning once");
  });

  test("a query past 2,000 characters or 64 words is cut, with a warning", () => {
    const long = index.search("heap corruption " + "x".repeat(20_000_000));
    assert.ok(long.warnings.some((w) => /longer than 2,000 characters/.test(w)), long.warnings.join("; "));
    assert.ok(long.query.length <= 2_000);
    const many = index.search(Array.from({ length: 100_000 }, (_, i) => `w${i}`).join(" OR "));
    assert.ok(many.warnings.some((w) => /more than 64 words/.test(w)), many.warnings.join("; "));
    const distinct = index.search(Array.from({ length: 64_000 }, (_, i) => `word${i}x`).join(" "));
    assert.ok(distinct.terms.length <= 64 * 4, `${distinct.terms.length} terms searched`);
  });

  test("through the CLI too: a note says what was cut, no trace", () => {
    const run = runCli(["--index", good, "--", "(".repeat(990) + "heap corruption " + "x".repeat(100_000)]);
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    assert.match(run.stdout, /note: the query is longer than 2,000 characters: the rest was left out/);
    assert.match(run.stdout, /note: parentheses nested deeper than 16 levels were read as if not there/);
    assert.ok(!hasStackTrace(run.stdout + run.stderr));
  });

  test("a structured query of the wrong types is a usage error, not a TypeError", () => {
    for (const bad of [{ words: 5 }, { phrases: "heap" }, { anyOf: [1, 2] }, { fields: { product: 3 } }, { fields: "product:x" }, { since: {} }]) {
      assert.throws(() => index.search(bad as never), (err: unknown) => err instanceof KbSearchError && err.code === "usage" && /structured query: \w+/.test(err.message), JSON.stringify(bad));
    }
  });

  test("fullwidth letters and digits and a dotted capital I fold as case does", () => {
    assert.deepEqual(index.search("ＨＥＡＰ ｃｏｒｒｕｐｔｉｏｎ").hits.map((h) => h.id), index.search("heap corruption").hits.map((h) => h.id));
    assert.deepEqual(index.search("İNSTALL").hits.map((h) => h.id), index.search("install").hits.map((h) => h.id));
    assert.ok(index.search("install").hits.length > 0);
  });

  test("an article number typed in fullwidth digits names the article, in a search and in show", () => {
    assert.equal(index.search("Ｑ９４９３８７").hits[0]?.id, "Q949387");
    assert.equal(index.search("ｋｂ ９４９３８７ heap").hits[0]?.id, "Q949387");
    assert.equal(index.get("Ｑ９４９３８７")?.id, "Q949387");
  });
});

describe("work per word is bounded (item 5)", () => {
  test("a word past the stemmed length is kept whole, one at it is stemmed", () => {
    const at = "a".repeat(MAX_STEMMED_LENGTH - 3) + "ing";
    assert.equal(analyzeToTokens(at)[0]!.term, at.slice(0, -3));
    const past = "a".repeat(MAX_STEMMED_LENGTH) + "ing";
    assert.equal(analyzeToTokens(past)[0]!.term, past);
  });

  test("spaced letters join up to the bound; a longer run stays single letters", () => {
    const surfaces = (text: string) => {
      const out: string[] = [];
      tokenize(text, (surface) => out.push(surface));
      return out;
    };
    assert.deepEqual(surfaces("a " + "x ".repeat(MAX_SPACED - 1) + "."), ["a" + "x".repeat(MAX_SPACED - 1)]);
    assert.deepEqual(surfaces("x ".repeat(MAX_SPACED + 1)), Array.from({ length: MAX_SPACED + 1 }, () => "x"));
  });

  test("an article of 2 MB of `x ` and one 1 MB word are indexed, and found", { timeout: 60_000 }, async () => {
    const source = join(tmp, "hostile-articles");
    const sample = readFileSync(join(sampleCorpus, "kb", "901", "Q901288", "README.md"), "utf8");
    const write = (n: number, body: string) => {
      const dir = join(source, "kb", "x", `Q${n}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "README.md"), sample.replaceAll("Q901288", `Q${n}`).replace("\tQuestion:", `\tQuestion:\n${body}\n`));
    };
    write(1000001, "x ".repeat(1_000_000));
    write(1000002, "y".repeat(1_000_000) + " zebrafish");
    const dir = join(tmp, "hostile-index");
    const report = await buildIndex(source, { indexDir: dir });
    assert.equal(report.articles, 2);
    const index = KbIndex.open(dir);
    try {
      assert.deepEqual(index.search("zebrafish").hits.map((h) => h.id), ["Q1000002"]);
      assert.ok(index.search("x ".repeat(100_000)).warnings.length > 0);
    } finally {
      index.close();
    }
  });
});

describe("batch (items 7 and 10)", () => {
  test("a folder is a usage error (exit 2); a null, an array or an over-long line gets its own error line", () => {
    const run = runCli(["batch", tmp, "--index", good]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^kbsearch: batch file .* is a directory/);
    const lines = ["null", "[1]", '"heap"', JSON.stringify({ qid: "long", query: "heap ".repeat(300_000) }), JSON.stringify({ qid: "ok", query: "heap corruption" }),
      JSON.stringify({ qid: "nested", query: "(".repeat(3_000) + "heap" }), JSON.stringify({ qid: "big", query: "heap corruption ".repeat(50_000) })];
    const batch = runCli(["batch", "-", "--index", good], { input: lines.join("\n") + "\n" });
    assert.equal(batch.status, 0, batch.stderr);
    const out = batch.stdout.trim().split("\n").map((l) => JSON.parse(l) as { qid: unknown; error?: string; ranked?: string[] });
    assert.equal(out.length, 7);
    for (const line of out.slice(5)) assert.ok(Array.isArray(line.ranked), `${String(line.qid)}: ${line.error}`);
    for (const line of out.slice(0, 3)) assert.match(line.error ?? "", /^line \d: not a JSON object/);
    assert.match(out[3]!.error ?? "", /^line 4: longer than 1 MB, not read/);
    assert.equal(out[4]!.qid, "ok");
    assert.ok(out[4]!.ranked!.length > 0);
  });

  test("an index damaged past its opening stops the batch with exit 3, as a search does", () => {
    const bytes = Buffer.from(original);
    bytes[bytes.length - 100]! ^= 0x40;
    const dir = indexWith("damaged-store", bytes);
    const input = Array.from({ length: 20 }, (_, i) => JSON.stringify({ qid: i, query: "windows" })).join("\n");
    const run = runCli(["batch", "-", "--index", dir], { input });
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /^kbsearch: .*kbsearch\.idx is damaged: checksum mismatch.*run `kbsearch index/);
    assert.ok(!hasStackTrace(run.stderr));
  });
});

describe("stalled and misbehaving HTTP sources (items 3 and 4)", () => {
  /** Limits small enough for a test: a stall is a window of 300 ms bringing under 1 KB. */
  const sourceLimits = { responseMs: 2_000, stallMs: 300, minBytesPerWindow: 1024, downloadMs: 10_000, unpackedBytes: 2 * 1024 * 1024 };
  /** One tar entry (a 512-byte header and a block of data) of a file that is no article. */
  let tarEntry: Buffer;
  before(() => {
    const folder = join(tmp, "tar-entry");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "notes.txt"), "not an article\n");
    tarEntry = execFileSync("tar", ["-cf", "-", "--format=ustar", "-C", folder, "notes.txt"]).subarray(0, 1024);
  });

  /** Builds from `handler`'s server over a copy of the good index: must fail with `message`, keeping the index and leaving no lock. */
  async function assertFailsKeepingIndex(name: string, handler: (res: ServerResponse) => void, message: RegExp): Promise<void> {
    const server = await serveLocally((_req, res) => handler(res));
    const dir = indexWith(`http-${name}`, original);
    try {
      await assert.rejects(buildIndex(`${server.base}/kb.tar.gz`, { indexDir: dir, sourceLimits }), (err: unknown) => {
        assert.ok(err instanceof KbSearchError, String(err));
        assert.equal(err.exitCode, 4, err.message);
        assert.match(err.message, message);
        return true;
      });
    } finally {
      server.close();
    }
    assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(original), `${name}: the index changed`);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE], `${name}: no lock or temporary file is left`);
  }

  test("headers then silence: stalled", { timeout: 20_000 }, async () => {
    await assertFailsKeepingIndex("silent", (res) => {
      res.writeHead(200, { "content-type": "application/gzip" });
      res.flushHeaders();
    }, /download of .* stalled: nothing arrived for 0\.3 s; the index was left as it was/);
  });

  test("a byte every 50 ms: stalled", { timeout: 20_000 }, async () => {
    await assertFailsKeepingIndex("trickle", (res) => {
      res.writeHead(200, { "content-type": "application/gzip" });
      // A valid gzip stream, a byte at a time.
      const bytes = gzipSync(Buffer.concat(Array.from({ length: 100 }, () => tarEntry)));
      let sent = 0;
      const timer = setInterval(() => res.write(bytes.subarray(sent, ++sent)), 50);
      res.on("close", () => clearInterval(timer));
    }, /stalled: \d+ bytes arrived in 0\.3 s \(at least 1024 are expected\)/);
  });

  test("an endless gzip stream of entries that are no articles: stopped at the unpacked bound", { timeout: 20_000 }, async () => {
    await assertFailsKeepingIndex("endless", (res) => {
      res.writeHead(200, { "content-type": "application/gzip" });
      const gzip = createGzip();
      gzip.pipe(res);
      // Each entry's data random, so that the stream is not all but compressed away and flows at full speed.
      const rand = random(5);
      const entry = () => Buffer.concat([tarEntry.subarray(0, 512), Buffer.from(Array.from({ length: 512 }, () => Math.floor(rand() * 256)))]);
      const pump = () => {
        while (!res.destroyed && gzip.write(entry()));
        if (!res.destroyed) gzip.once("drain", pump);
      };
      res.on("close", () => gzip.destroy());
      pump();
    }, /unpacks to more than 2 MB .*not a KB archive, or endless/);
  });

  test("redirects to file:, ftp: or a malformed URL: exit 4 with the reason, no trace, no lock left", { timeout: 30_000 }, async () => {
    for (const [location, message] of [
      ["file:///etc/passwd", /redirects to file:\/\/ \(only http and https redirects are followed\)/],
      ["ftp://example.com/kb.tar.gz", /redirects to ftp:\/\/ \(only http and https redirects are followed\)/],
      ["http://[::1", /redirects to "http:\/\/\[::1", which is not a valid URL/],
    ] as const) {
      const server = await serveLocally((_req, res) => {
        res.writeHead(302, { location });
        res.end();
      });
      const dir = indexWith("redirect", original);
      try {
        const run = await spawnCli(["index", `${server.base}/kb.tar.gz`, "--index", dir]).done;
        assert.equal(run.status, 4, `${location}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.ok(!hasStackTrace(run.stderr), run.stderr);
        assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
      } finally {
        server.close();
      }
    }
  });
});

describe("control characters from the archive (item 13)", () => {
  let dir = "";
  const OSC_TITLE = "\x1b]0;owned\x07";
  const CSI_RED = "\x1b[31m";
  const OSC_LINK = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\";
  const C1_CSI = "\u009b2J";

  before(async () => {
    const source = join(tmp, "escapes");
    const sample = readFileSync(join(sampleCorpus, "kb", "901", "Q901288", "README.md"), "utf8");
    const hostile = sample
      .replaceAll("Q901288", "Q1000003")
      .replaceAll("Large Model Program", `Large ${OSC_TITLE}Model ${CSI_RED}Program`)
      .replace("\tQuestion:", `\tQuestion:\n\tzebrafish ${OSC_LINK} ${C1_CSI} bell\x07 back\x08 cr\rdone\n`);
    mkdirSync(join(source, "kb", "x", "Q1000003"), { recursive: true });
    writeFileSync(join(source, "kb", "x", "Q1000003", "README.md"), hostile);
    dir = join(tmp, "escapes-index");
    await buildIndex(source, { indexDir: dir });
  });

  test("never reach the output of search, show, related or stats raw; shown as visible symbols", () => {
    for (const args of [["zebrafish"], ["show", "Q1000003", "--query", "zebrafish"], ["related", "Q1000003"], ["stats"]]) {
      const run = runCli([...args, "--index", dir]);
      assert.ok(run.status === 0 || run.status === 1, `${args.join(" ")}: ${run.stderr}`);
      assert.doesNotMatch(run.stdout + run.stderr, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `${args.join(" ")}: a control character reached the output`);
    }
    const search = runCli(["zebrafish", "--index", dir]);
    assert.match(search.stdout, /Large \u241b\]0;owned\u2407Model \u241b\[31mProgram/);
    // The interactive screen draws the same hits: its frame holds no control character either.
    const index = KbIndex.open(dir);
    try {
      const result = index.search("zebrafish");
      const frame = renderScreen({ query: "zebrafish", cursor: 9, result, selected: 0, scroll: 0, showFacets: false, articles: 1 }, { columns: 100, rows: 30 }, false);
      assert.ok(frame.lines.join("\n").includes("Large \u241b]0;owned"), frame.lines.join("\n"));
      assert.doesNotMatch(frame.lines.join("\n"), /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    } finally {
      index.close();
    }
    // The machine-readable output keeps the text as stored (JSON escapes it).
    const json = JSON.parse(runCli(["--json", "zebrafish", "--index", dir]).stdout) as { hits: { title: string }[] };
    assert.ok(json.hits[0]!.title.includes(OSC_TITLE));
  });
});

describe("the index file and folder (items 9, 12 and 15)", () => {
  test("a folder or a FIFO in the index file's place: a clear exit 3, no hang; an update replaces a FIFO", () => {
    const folder = join(tmp, "idx-is-folder");
    mkdirSync(join(folder, INDEX_FILE), { recursive: true });
    const run = runCli(["heap", "--index", folder], { timeout: 20_000 });
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /kbsearch\.idx is a folder, not an index file: remove it, then run `kbsearch index/);
    const fifo = join(tmp, "idx-is-fifo");
    mkdirSync(fifo);
    execFileSync("mkfifo", [join(fifo, INDEX_FILE)]);
    for (const args of [["heap"], ["stats"], ["batch", "-"]]) {
      const r = runCli([...args, "--index", fifo], { timeout: 20_000, input: "" });
      assert.equal(r.status, 3, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /kbsearch\.idx is a named pipe \(FIFO\), not an index file/);
    }
    const update = runCli(["index", sampleCorpus, "--index", fifo], { timeout: 60_000 });
    assert.equal(update.status, 0, update.stderr);
    assert.match(update.stdout, /^built afresh, since .*named pipe/);
    assert.equal(runCli(["heap", "--index", fifo]).status, 0);
  });

  test("an index folder that cannot be read is reported as such, not as no index", { skip: process.getuid?.() !== 0 && "needs root, to run the CLI as another user" }, () => {
    const dir = indexWith("unreadable", original);
    chmodSync(tmp, 0o755);
    chmodSync(dir, 0o000);
    try {
      const run = spawnSync(process.execPath, [CLI, "heap", "--index", dir], { uid: 65534, gid: 65534, encoding: "utf8", timeout: 20_000 });
      assert.equal(run.status, 3, run.stderr);
      assert.match(run.stderr, /the index at .* cannot be read \(EACCES: permission denied\): check the permissions/);
    } finally {
      chmodSync(dir, 0o755);
      chmodSync(tmp, 0o700);
    }
  });

  test("one process building one folder by two spellings: the second is index-busy", async () => {
    const dir = join(tmp, "two-spellings");
    const first = buildIndex(sampleCorpus, { indexDir: dir });
    const spelled = relative(process.cwd(), dir);
    assert.notEqual(spelled, dir);
    await assert.rejects(buildIndex(sampleCorpus, { indexDir: spelled }), (err: unknown) => err instanceof KbSearchError && err.code === "index-busy");
    await first;
  });

  test("a full disk while taking the lock leaves no empty kbsearch.lock.PID behind", (t) => {
    const mount = join(tmp, "full-disk");
    mkdirSync(mount);
    const script = [
      `mount -t tmpfs -o size=64k tmpfs "${mount}" || exit 99`,
      `mkdir "${mount}/index"; cat /dev/zero > "${mount}/fill" 2>/dev/null`,
      `"${process.execPath}" "${CLI}" index "${sampleCorpus}" --index "${mount}/index" 2>&1; echo "exit $?"`,
      `ls -A "${mount}/index"`,
    ].join("\n");
    const run = spawnSync("unshare", ["-rm", "sh", "-c", script], { encoding: "utf8", timeout: 30_000 });
    if (run.error || run.status === 99) {
      t.skip(`cannot mount a small tmpfs here (${run.error?.message ?? run.stderr.trim()})`);
      return;
    }
    assert.match(run.stdout, /cannot write in .* \(ENOSPC: no space left on device.*free disk space\n.*exit 4\n$/s);
    assert.ok(!hasStackTrace(run.stdout), run.stdout);
  });

  test("an article with a short number (Q7) can be shown and related, as it is indexed", async () => {
    const source = join(tmp, "short-number");
    const sample = readFileSync(join(sampleCorpus, "kb", "901", "Q901288", "README.md"), "utf8");
    for (const n of [7, 901288]) {
      mkdirSync(join(source, "kb", "x", `Q${n}`), { recursive: true });
      writeFileSync(join(source, "kb", "x", `Q${n}`, "README.md"), sample.replaceAll("Q901288", `Q${n}`));
    }
    const dir = join(tmp, "short-number-index");
    await buildIndex(source, { indexDir: dir });
    const index = KbIndex.open(dir);
    try {
      assert.equal(index.get("Q7")?.id, "Q7");
      assert.equal(index.get("7")?.id, "Q7");
      assert.deepEqual(index.related("Q7").hits.map((h) => h.id), ["Q901288"]);
    } finally {
      index.close();
    }
    const show = runCli(["show", "Q7", "--index", dir]);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^Q7: /);
  });
});

describe("an update from a mistaken source (item 14)", () => {
  test("another source, or one lacking most articles, stops the update unless --replace or --full confirms it", async () => {
    const dir = indexWith("mistaken", original);
    // Another folder holding a few of the articles: would replace the index, so it stops (CLI, exit 4).
    const few = join(tmp, "few");
    for (const id of ["Q45712", "Q901288"]) cpSync(join(sampleCorpus, "kb", id === "Q45712" ? "045" : "901", id), join(few, "kb", id), { recursive: true });
    const run = runCli(["index", few, "--index", dir]);
    assert.equal(run.status, 4, run.stderr);
    assert.match(run.stderr, /^kbsearch: the index in .* was built from .*corpus, not from .*few \(38 of its 40 articles would go\); the index was left as it was: to replace it, run again with --replace \(or --full\)$/m);
    assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(original));
    // The same source, now lacking most of its articles: stops too.
    const shrunk = join(tmp, "shrinking");
    cpSync(sampleCorpus, shrunk, { recursive: true });
    const shrunkDir = join(tmp, "shrinking-index");
    await buildIndex(shrunk, { indexDir: shrunkDir });
    for (const group of readdirSync(join(shrunk, "kb")).slice(2)) rmSync(join(shrunk, "kb", group), { recursive: true });
    await assert.rejects(buildIndex(shrunk, { indexDir: shrunkDir }), (err: unknown) => err instanceof KbSearchError && err.code === "source" && /lacks \d+ of the 40 articles indexed from it before/.test(err.message));
    // Confirmed, it goes ahead.
    const replaced = await buildIndex(shrunk, { indexDir: shrunkDir, replace: true });
    assert.ok(replaced.update && replaced.update.removed > 20);
    assert.equal(runCli(["index", few, "--index", dir, "--replace"]).status, 0);
    assert.equal(KbIndex.open(dir).stats().header.docCount, 2);
  });
});

describe("an update over an index that cannot be read, from a mistaken source", () => {
  test("a damaged index is rebuilt only from the source its header still names; another source, or none readable, asks for --replace", () => {
    const few = join(tmp, "few-for-damaged");
    cpSync(join(sampleCorpus, "kb", "949", "Q949387"), join(few, "kb", "949", "Q949387"), { recursive: true });
    const { headerLength } = headerOf(original);
    const sourceAt = original.indexOf(Buffer.from([0xa6, ...Buffer.from("source")]));
    assert.ok(sourceAt > 0 && sourceAt < PREAMBLE_BYTES + headerLength, "the header names its source");
    const damages: [string, (bytes: Buffer) => void][] = [
      ["a bit of the store", (b) => (b[b.length - 100]! ^= 0x40)],
      ["the header length's top bit", (b) => (b[15]! ^= 0x80)],
      ["the magic", (b) => (b[0]! ^= 0x01)],
    ];
    for (const [label, damage] of damages) {
      const bytes = Buffer.from(original);
      damage(bytes);
      const dir = indexWith(`damaged-${label.replace(/\W+/g, "-")}`, bytes);
      // Another source: refused, the damaged index left for the user to decide.
      const other = runCli(["index", few, "--index", dir]);
      assert.equal(other.status, 4, `${label}: ${other.stderr}`);
      assert.match(other.stderr, /^kbsearch: the index in .* cannot be updated \(.*\), and it was built from .*corpus, not from .*few-for-damaged; the index was left as it was: to replace it, run again with --replace \(or --full\)$/m, label);
      assert.ok(!hasStackTrace(other.stderr), other.stderr);
      assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(bytes), `${label}: unchanged`);
      assert.deepEqual(readdirSync(dir), [INDEX_FILE], `${label}: no lock or temporary file left`);
      // The source it was built from: rebuilt, saying why.
      const same = runCli(["index", sampleCorpus, "--index", dir]);
      assert.equal(same.status, 0, `${label}: ${same.stderr}`);
      assert.match(same.stdout, /^built afresh, since /, label);
    }
    // The header's source itself unreadable: any source asks for confirmation; --replace (or --full) gives it.
    const bytes = Buffer.from(original);
    bytes[sourceAt + 1]! ^= 0x20; // "source" -> "Source": the key is no longer found, and the header's checksum fails
    const dir = indexWith("damaged-source-name", bytes);
    const refused = runCli(["index", sampleCorpus, "--index", dir]);
    assert.equal(refused.status, 4, refused.stderr);
    assert.match(refused.stderr, /cannot be updated \(.*damaged header.*\), and what it was built from cannot be read; the index was left as it was: to replace it, run again with --replace \(or --full\)$/m);
    assert.ok(readFileSync(join(dir, INDEX_FILE)).equals(bytes));
    const confirmed = runCli(["index", few, "--index", dir, "--replace"]);
    assert.equal(confirmed.status, 0, confirmed.stderr);
    assert.equal(KbIndex.open(dir).stats().header.docCount, 1);
  });
});

describe("build memory (item 6)", () => {
  test("stored blocks and postings past their memory bounds go to temporary files as the build goes; the index is the same, and no file is left", async () => {
    const source = join(tmp, "large-articles");
    writeHostileSource(source, 12, 200 * 1024, 7, 20_000);
    const dir = join(tmp, "spilled");
    const limit = 64 * 1024;
    /** The largest size each temporary file was seen at during the build, looked at every few milliseconds. */
    const seen = new Map<string, number>();
    const look = setInterval(() => {
      try {
        for (const name of readdirSync(dir)) {
          const kind = /\.tmp-\d+\.(\w+)$/.exec(name)?.[1];
          if (kind) seen.set(kind, Math.max(seen.get(kind) ?? 0, statSync(join(dir, name)).size));
        }
      } catch {
        // A file removed between the listing and its stat, or no folder yet.
      }
    }, 2);
    const report = await buildIndex(source, { indexDir: dir, full: true, memory: { postings: limit, stored: limit } }).finally(() => clearInterval(look));
    assert.equal(report.articles, 12);
    const header = KbIndex.open(dir).stats().header;
    assert.ok(header.sections.store.length > 8 * limit, `a store of ${header.sections.store.length} bytes, well past the bound`);
    // Written out while articles were still being read, not held until the end.
    assert.ok(seen.has("postings"), "postings spilled");
    for (const kind of ["store", "positions"]) assert.ok((seen.get(kind) ?? 0) > limit, `${kind}: ${seen.get(kind) ?? "never"} bytes on disk during the build (store section: ${header.sections.store.length} bytes)`);
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
    // The same index as one built in memory.
    const inMemory = join(tmp, "in-memory");
    await buildIndex(source, { indexDir: inMemory, full: true });
    assertSameIndex(dir, inMemory);
    // A build failing on the way leaves no temporary file either; a killed build's are removed by the next.
    const cut = join(tmp, "large-articles.tar.gz");
    execFileSync("tar", ["-czf", cut, "-C", source, "kb"]);
    writeFileSync(cut, readFileSync(cut).subarray(0, Math.floor(statSync(cut).size * 0.8)));
    await assert.rejects(buildIndex(cut, { indexDir: dir, full: true, memory: { postings: limit, stored: limit } }), (err: unknown) => err instanceof KbSearchError && err.code === "source");
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    for (const kind of ["", ".store", ".postings", ".positions"]) writeFileSync(join(dir, `${INDEX_FILE}.tmp-${gone}${kind}`), "left by a killed build");
    await buildIndex(source, { indexDir: dir });
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
  });

  test("stored blocks waiting to be compressed are bounded: the build waits for the compressor past the bound", async () => {
    const compressor = new StoreBlockCompressor();
    let done = 0;
    // Incompressible blocks of 1 MB, handed over at once as a build's thread would.
    const blocks = Array.from({ length: 12 }, () => compressor.compress(randomBytes(1 << 20)).then((b) => (done++, b)));
    assert.equal(compressor.backlogAtMost(64 << 20), undefined, "under the bound: no wait");
    const wait = compressor.backlogAtMost(2 << 20);
    assert.ok(wait instanceof Promise, "past the bound: a wait");
    await wait;
    // The wait ends in the tenth block's callback, before that block's own promise has settled.
    assert.ok(done >= 9, `${done} of 12 compressed once the backlog is at most 2 MB`);
    await Promise.all(blocks);
  });
});
