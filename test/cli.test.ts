/**
 * The kbsearch command end to end: the built CLI run as a child process over the sample corpus,
 * with its output, exit codes and error messages; the first run of a fresh package; the library.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { buildIndex, openIndex } from "../src/index.js";
import type { SearchResult } from "../src/query/types.js";
import { analyzeToTokens } from "../src/analyze/analyzer.js";
import { COMMAND_NAMES, plainSearchIn } from "../src/cli/plain-search.js";
import { program } from "../src/cli/program.js";
import { CLI, projectRoot, runCli, sampleCorpus, type Run, SAMPLE_ARTICLES, testDataHome } from "./helpers.js";
import { defaultIndexDir } from "../src/paths.js";

const INDEX_FILE = "kbsearch.idx";
const HEAP = "Q949387";
const HEAP_TITLE = "MSMI.EXE Stops with Access Violation After Heap Corruption";

let tmp = "";
/** The sample index every search test reads. */
let indexDir = "";
/** The `kbsearch index corpus` run that built it. */
let firstBuild: Run;

/**
 * Runs the built CLI with NO_COLOR=1. KBSEARCH_INDEX points at the temporary index, so a command
 * that forgot `--index` can never build into the project's own index/ folder.
 */
function kbsearch(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cli?: string } = {}): Run {
  return runCli(args, { ...opts, env: opts.env ?? { ...process.env, NO_COLOR: "1", KBSEARCH_INDEX: indexDir } });
}

/** `kbsearch QUERY --json` over the sample index, parsed. */
function searchJson(query: string, ...extra: string[]): SearchResult {
  const run = kbsearch([query, "--json", "--index", indexDir, ...extra]);
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SearchResult;
}

/** The hit heads of text output: `  1. Q949387  XFOR: title`. */
function heads(stdout: string): { rank: number; id: string; title: string; line: number }[] {
  const lines = stdout.split("\n");
  const out: { rank: number; id: string; title: string; line: number }[] = [];
  lines.forEach((l, i) => {
    const m = /^\s*(\d+)\. (Q\d+)\s+(.*)$/.exec(l);
    if (m) out.push({ rank: Number(m[1]), id: m[2]!, title: m[3]!, line: i });
  });
  return out;
}

function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .+[:(]/, `stack trace on stderr:\n${stderr}`);
  assert.doesNotMatch(stderr, /unexpected error/i, `unexpected error on stderr:\n${stderr}`);
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-cli-"));
  indexDir = join(tmp, "index");
  firstBuild = kbsearch(["index", "corpus", "--index", indexDir]);
  assert.equal(firstBuild.status, 0, `kbsearch index failed: ${firstBuild.stderr}`);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("index", () => {
  test(`builds the sample corpus: ${SAMPLE_ARTICLES} articles, 0 skipped, exit 0, index file written`, () => {
    assert.equal(firstBuild.status, 0);
    assert.match(firstBuild.stdout, new RegExp(`indexed ${SAMPLE_ARTICLES} articles\\b`));
    assert.match(firstBuild.stdout, /^skipped 0$/m);
    assert.ok(existsSync(join(indexDir, INDEX_FILE)));
    assertNoStack(firstBuild.stderr);
  });

  test("a second build over an existing index replaces it, and the new one answers", () => {
    const dir = join(tmp, "rebuild");
    assert.equal(kbsearch(["index", "corpus", "--index", dir]).status, 0);
    const before = statSync(join(dir, INDEX_FILE));
    const again = kbsearch(["index", sampleCorpus, "--index", dir]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`indexed ${SAMPLE_ARTICLES} articles\\b`));
    const after = statSync(join(dir, INDEX_FILE));
    assert.notEqual(after.ino, before.ino, "the index file was rewritten in place, not replaced");
    assert.deepEqual(readdirSync(dir), [INDEX_FILE], "the build left temporary files behind");
    const run = kbsearch(["heap corruption", "--index", dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(heads(run.stdout).some((h) => h.id === HEAP));
  });
});

describe("search", () => {
  test('"heap corruption": Q949387 in the top 3 with title, product, date and snippet', () => {
    const run = kbsearch(["heap corruption", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    const hits = heads(run.stdout);
    assert.ok(hits.length > 0, run.stdout);
    assert.deepEqual(hits.map((h) => h.rank), hits.map((_, i) => i + 1));
    const hit = hits.slice(0, 3).find((h) => h.id === HEAP);
    assert.ok(hit, `Q949387 not in the top 3: ${hits.map((h) => h.id).join(" ")}`);
    assert.equal(hit.title, `XFOR: ${HEAP_TITLE}`);

    const json = searchJson("heap corruption");
    const jsonHit = json.hits.find((h) => h.id === HEAP)!;
    const lines = run.stdout.split("\n");
    const about = lines[hit.line + 1]!;
    assert.ok(about.includes(jsonHit.products[0]!), `no product line: ${about}`);
    assert.match(about, /Microsoft Exchange/);
    assert.match(about, /1999-04-14/);
    const snippet: string[] = [];
    for (let i = hit.line + 2; i < lines.length && lines[i]!.trim() !== ""; i++) snippet.push(lines[i]!.trim());
    assert.ok(snippet.length > 0, "no snippet under the hit");
    assert.match(snippet.join(" "), /heap|corrupt/i);
    assert.match(run.stdout, /^1-\d+ of \d+ articles for "heap corruption"/m);
  });

  test("-n 2 shows 2 hits", () => {
    const run = kbsearch(["heap corruption", "-n", "2", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(heads(run.stdout).map((h) => h.rank), [1, 2]);
    assert.match(run.stdout, /^1-2 of \d+ articles/m);
  });

  test("--offset pages on: rank numbers continue where the first page ended", () => {
    const all = searchJson("heap corruption").hits.map((h) => h.id);
    assert.ok(all.length >= 4, `need 4 hits to page: ${all.join(" ")}`);
    const page = kbsearch(["heap corruption", "-n", "2", "--offset", "2", "--index", indexDir]);
    assert.equal(page.status, 0, page.stderr);
    const hits = heads(page.stdout);
    assert.deepEqual(hits.map((h) => h.rank), [3, 4]);
    assert.deepEqual(hits.map((h) => h.id), all.slice(2, 4));
    assert.match(page.stdout, /^3-4 of \d+ articles/m);
  });

  test("piped output has no ANSI escape codes (with and without NO_COLOR)", () => {
    const withNoColor = kbsearch(["heap corruption", "--index", indexDir]);
    const env: NodeJS.ProcessEnv = { ...process.env, KBSEARCH_INDEX: indexDir };
    delete env.NO_COLOR;
    const piped = kbsearch(["heap corruption", "--index", indexDir], { env });
    for (const run of [withNoColor, piped]) {
      assert.equal(run.status, 0, run.stderr);
      assert.doesNotMatch(run.stdout, /\x1b\[/);
      assert.doesNotMatch(run.stderr, /\x1b\[/);
    }
  });
});

describe("--json", () => {
  test("one JSON object with the documented fields", () => {
    const run = kbsearch(["heap corruption", "--json", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim().split("\n").length, 1, "more than one line of JSON");
    const result = JSON.parse(run.stdout) as SearchResult;
    assert.equal(result.query, "heap corruption");
    assert.deepEqual(result.terms, ["heap", "corrupt"]);
    assert.equal(result.offset, 0);
    assert.equal(typeof result.total, "number");
    assert.ok(result.total >= result.hits.length && result.hits.length > 0);
    result.hits.forEach((hit, i) => {
      assert.equal(hit.rank, i + 1);
      assert.match(hit.id, /^Q\d+$/);
      assert.equal(typeof hit.title, "string");
      assert.ok(hit.title.length > 0);
      assert.equal(typeof hit.tag, "string");
      assert.ok(Array.isArray(hit.products) && hit.products.every((p) => typeof p === "string"));
      assert.match(hit.modified, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(typeof hit.score, "number");
      assert.equal(hit.match, "text");
      assert.equal(typeof hit.snippet, "string");
      assert.ok(Array.isArray(hit.highlights));
    });
    const heap = result.hits.find((h) => h.id === HEAP);
    assert.ok(heap);
    assert.equal(heap.title, HEAP_TITLE);
    assert.equal(heap.tag, "XFOR");
    assert.equal(heap.modified, "1999-04-14");
  });

  for (const query of ["heap corruption", "S E R V P A C K", "STOP 0x0000007B kernel32.dll"]) {
    test(`highlights lie inside the snippet and mark query terms: ${query}`, () => {
      const result = searchJson(query);
      assert.ok(result.hits.length > 0);
      let marked = 0;
      for (const hit of result.hits) {
        let last = 0;
        for (const [s, e] of hit.highlights) {
          assert.ok(Number.isInteger(s) && Number.isInteger(e), `${hit.id}: [${s}, ${e}]`);
          assert.ok(s >= last && s < e && e <= hit.snippet.length, `${hit.id}: [${s}, ${e}] outside ${hit.snippet.length} or overlapping`);
          last = e;
          const text = hit.snippet.slice(s, e);
          assert.ok(text.trim().length > 0, `${hit.id}: empty highlight`);
          const terms = analyzeToTokens(text).map((t) => t.term);
          assert.ok(terms.some((t) => result.terms.includes(t)), `${hit.id}: "${text}" analyzes to ${terms.join(",")}, not one of ${result.terms.join(",")}`);
          if (query === "heap corruption") assert.match(text.toLowerCase(), /^(heap|corrupt)/, `${hit.id}: "${text}"`);
          marked++;
        }
      }
      assert.ok(marked > 0, "no highlights at all");
    });
  }
});

describe("article numbers", () => {
  for (const query of ["Q949387", "q949387", "949387", "KB949387", "kb 949387"]) {
    test(`"${query}" puts Q949387 first with match "id"`, () => {
      const result = searchJson(query);
      assert.ok(result.hits.length > 0, `no hits for ${query}`);
      assert.equal(result.hits[0]!.id, HEAP);
      assert.equal(result.hits[0]!.match, "id");
      assert.ok(result.hits.slice(1).every((h) => h.match === "text" && h.id !== HEAP));
    });
  }
});

describe("spaced query words", () => {
  test("S E R V P A C K and servpack rank the same articles, the line-wrapped Q934518 among them", () => {
    const spaced = searchJson("S E R V P A C K", "-n", "100");
    const joined = searchJson("servpack", "-n", "100");
    const ids = (r: SearchResult) => r.hits.map((h) => h.id);
    assert.ok(spaced.hits.length > 0);
    assert.deepEqual(ids(spaced), ids(joined));
    assert.deepEqual(spaced.terms, joined.terms);
    assert.equal(spaced.total, joined.total);
    for (const id of ["Q934518", "Q949387", "Q915632", "Q940211", "Q979914"]) assert.ok(ids(spaced).includes(id), `${id} missing: ${ids(spaced).join(" ")}`);
    assert.ok(!ids(spaced).includes("Q984455"), "L M P A T C H is not S E R V P A C K");
  });
});

describe("ranking shown", () => {
  test("--explain prints score lines under each hit, signed points first", () => {
    const run = kbsearch(["spooler stops responding", "--explain", "-n", "2", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split("\n");
    const hits = heads(run.stdout);
    assert.deepEqual(hits.map((h) => h.id), ["Q947301", "Q947302"]);
    const under = lines.slice(hits[0]!.line + 1, hits[1]!.line);
    assert.ok(under.some((l) => /^\s+\+\d+\.\d\d  title phrase$/.test(l)), under.join("\n"));
    assert.ok(under.some((l) => /^\s+\+\d+\.\d\d  spooler in (title|queryWords|lead|body) \(\d+x\)$/.test(l)), under.join("\n"));
    // A hit lacking a query word loses points to coordination: a minus sign, not "+-".
    const partial = kbsearch(["spooler stops responding printer", "--explain", "--index", indexDir]).stdout;
    assert.match(partial, /^\s+-\d+\.\d\d  coordination x0\.\d\d$/m, partial);
    assert.doesNotMatch(partial, /\+-/);
    // Without --explain, no score lines.
    assert.doesNotMatch(kbsearch(["spooler stops responding", "--index", indexDir]).stdout, /title phrase|coverage/);
  });

  test("a misspelt query prints a did-you-mean line with the correction", () => {
    const run = kbsearch(["memory dupm", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^did you mean "memory dump"\? /m);
    assert.equal(heads(run.stdout)[0]?.id, "Q936120");
    assert.doesNotMatch(kbsearch(["memory dump", "--index", indexDir]).stdout, /did you mean/);
  });

  test("a number the archive lacks: the articles citing it follow the line saying so", () => {
    const run = kbsearch(["Q990001", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Q990001 is not in the archive; articles that cite it/m);
    assert.deepEqual(heads(run.stdout).map((h) => h.id), ["Q973355"]);
  });

  test("a number the archive lacks and nothing cites: said so, exit 1", () => {
    for (const query of ["Q999999", "kb 999999", "https://support.microsoft.com/kb/999999"]) {
      const run = kbsearch([query, "--index", indexDir]);
      assert.equal(run.status, 1, `${query}: ${run.stderr}`);
      assert.match(run.stdout, /^Q999999 is not in the archive\.$/m, query);
      assert.equal(heads(run.stdout).length, 0);
      assertNoStack(run.stderr);
    }
    assert.equal(searchJson("Q999999").missingArticle, "Q999999");
    assert.equal(searchJson("Q949387").missingArticle, undefined);
  });
});

describe("nothing found", () => {
  test("a nonsense word exits 1 with a 'no articles match' line", () => {
    const run = kbsearch(["xyzzyplughqwv", "--index", indexDir]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /no articles match "xyzzyplughqwv"/);
    assert.equal(heads(run.stdout).length, 0);
    assertNoStack(run.stderr);
  });

  for (const query of ["", "!!!"]) {
    test(`the query ${JSON.stringify(query)} does not crash: exit 1, no stack trace`, () => {
      const run = kbsearch([query, "--index", indexDir]);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stdout, /no articles match/);
      assertNoStack(run.stderr);
      const json = kbsearch([query, "--json", "--index", indexDir]);
      assert.equal(json.status, 1, json.stderr);
      const result = JSON.parse(json.stdout) as SearchResult;
      assert.deepEqual(result.hits, []);
      assert.deepEqual(result.terms, []);
      assertNoStack(json.stderr);
    });
  }
});

describe("show", () => {
  test("show Q949387 prints the article", () => {
    const run = kbsearch(["show", HEAP, "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.includes(HEAP_TITLE), run.stdout.slice(0, 200));
    assert.match(run.stdout, /SYMPTOMS/);
    assert.ok(run.stdout.startsWith(`${HEAP}: `));
  });

  test("show Q999999 (absent) fails with a clear message and no stack trace", () => {
    const run = kbsearch(["show", "Q999999", "--index", indexDir]);
    assert.notEqual(run.status, 0);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /no article Q999999/);
    assertNoStack(run.stderr);
  });
});

describe("batch", () => {
  const queries = [
    { qid: "a", query: "heap corruption" },
    { qid: "b", query: "servpack" },
    "this line is not JSON",
    { qid: "c", query: "STOP 0x0000007B" },
  ];
  const input = queries.map((q) => (typeof q === "string" ? q : JSON.stringify(q))).join("\n") + "\n";
  let file = "";

  before(() => {
    file = join(tmp, "queries.jsonl");
    writeFileSync(file, input);
  });

  type Line = { qid: unknown; ranked?: string[]; took_ms?: number; error?: string };
  const parse = (stdout: string): Line[] => stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);

  function check(lines: Line[], limit: number): void {
    assert.equal(lines.length, 4, "one output line per input line");
    assert.deepEqual(lines.map((l) => l.qid), ["a", "b", 3, "c"]);
    for (const i of [0, 1, 3]) {
      const line = lines[i]!;
      assert.ok(Array.isArray(line.ranked), JSON.stringify(line));
      assert.ok(line.ranked.length > 0 && line.ranked.length <= limit, JSON.stringify(line));
      assert.ok(line.ranked.every((id) => /^Q\d+$/.test(id)));
      assert.equal(typeof line.took_ms, "number");
      assert.equal(line.error, undefined);
    }
    assert.equal(typeof lines[2]!.error, "string");
    assert.match(lines[2]!.error!, /line 3/);
    assert.equal(lines[2]!.ranked, undefined);
  }

  test("FILE: one JSON line per input line, an error line for the malformed one", () => {
    const run = kbsearch(["batch", file, "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    const lines = parse(run.stdout);
    check(lines, 10);
    assert.deepEqual(lines[0]!.ranked, searchJson("heap corruption").hits.map((h) => h.id));
    assert.ok(lines[0]!.ranked!.slice(0, 3).includes(HEAP));
  });

  test("--limit 2 caps ranked at 2", () => {
    const run = kbsearch(["batch", file, "--limit", "2", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    const lines = parse(run.stdout);
    check(lines, 2);
    assert.equal(lines[0]!.ranked!.length, 2);
  });

  test("batch - reads standard input", () => {
    const run = kbsearch(["batch", "-", "--index", indexDir], { input });
    assert.equal(run.status, 0, run.stderr);
    const lines = parse(run.stdout);
    check(lines, 10);
    const fromFile = parse(kbsearch(["batch", file, "--index", indexDir]).stdout);
    assert.deepEqual(lines.map((l) => l.ranked), fromFile.map((l) => l.ranked));
  });
});

describe("stats", () => {
  test("shows every sample article and the index path", () => {
    const run = kbsearch(["stats", "--index", indexDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^articles\\s+${SAMPLE_ARTICLES}$`, "m"));
    assert.ok(run.stdout.includes(join(indexDir, INDEX_FILE)), run.stdout);
  });
});

describe("bad index", () => {
  test("--index /nonexistent/dir exits 3 and says to run kbsearch index", () => {
    const run = kbsearch(["heap corruption", "--index", "/nonexistent/dir"]);
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /kbsearch index/);
    assert.match(run.stderr, /\/nonexistent\/dir/);
    assert.equal(run.stdout, "");
    assertNoStack(run.stderr);
    assert.ok(!existsSync("/nonexistent/dir"), "a search created the index folder");
  });

  test("an empty index folder exits 3 too", () => {
    const dir = join(tmp, "empty-index");
    mkdirSync(dir);
    const run = kbsearch(["heap corruption", "--index", dir]);
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /kbsearch index/);
    assertNoStack(run.stderr);
    assert.deepEqual(readdirSync(dir), [], "a search with --index built an index");
  });

  test("a garbage kbsearch.idx exits 3: not a kbsearch index", () => {
    const dir = join(tmp, "garbage-index");
    mkdirSync(dir);
    for (const content of ["garbage\n", Buffer.alloc(4096, 0x5a), ""]) {
      writeFileSync(join(dir, INDEX_FILE), content);
      for (const args of [["heap corruption"], ["stats"], ["show", HEAP]]) {
        const run = kbsearch([...args, "--index", dir]);
        assert.equal(run.status, 3, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, /not a kbsearch index/);
        assertNoStack(run.stderr);
      }
    }
  });
});

describe("usage errors", () => {
  test("--limit abc exits 2", () => {
    const run = kbsearch(["heap corruption", "--limit", "abc", "--index", indexDir]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /limit/);
    assert.equal(run.stdout, "");
    assertNoStack(run.stderr);
  });
});

describe("plain search command line", () => {
  test("query words with --index DIR, --index=DIR and --json are a plain search, with the full parser's defaults", () => {
    assert.deepEqual(plainSearchIn(["heap", "corruption", "--index", "/x", "--json"]), {
      query: "heap corruption",
      options: { limit: 10, offset: 0, sort: "relevance", index: "/x", json: true },
    });
    assert.deepEqual(plainSearchIn(["--index=/y", "heap"])?.options.index, "/y");
    const parsed = program.opts();
    assert.deepEqual({ limit: parsed.limit, offset: parsed.offset, sort: parsed.sort }, { limit: 10, offset: 0, sort: "relevance" });
  });

  test("anything else is left to the full parser: other options, --, a command's name, no words, --index without a value", () => {
    for (const args of [["-n", "2", "heap"], ["heap", "--explain"], ["--", "index"], ["index", "kb.tar.gz"], ["show", "Q949387"], ["help"], [], ["--json"], ["heap", "--index"], ["heap", "--index", "--json"], ["--help"], ["-printer"]]) {
      assert.equal(plainSearchIn(args), undefined, args.join(" "));
    }
  });

  test("every command the full parser knows is one a plain search leaves to it", () => {
    for (const command of program.commands) assert.ok(COMMAND_NAMES.has(command.name()), command.name());
  });

  test("a plain search and the same search through the full parser print the same", () => {
    const plain = kbsearch(["heap corruption", "--index", indexDir]);
    const parsed = kbsearch(["heap corruption", "--index", indexDir, "--limit", "10"]);
    assert.equal(plain.status, 0, plain.stderr);
    const untimed = (text: string) => text.replace(/\([\d.]+ ms\)/, "(time)");
    assert.equal(untimed(plain.stdout), untimed(parsed.stdout));
  });
});

describe("first run", () => {
  test("without an index, the first search builds the sample index into the user's data folder, not the package", () => {
    const copy = join(tmp, "package");
    mkdirSync(copy);
    cpSync(join(projectRoot, "dist"), join(copy, "dist"), { recursive: true });
    cpSync(join(projectRoot, "corpus"), join(copy, "corpus"), { recursive: true });
    cpSync(join(projectRoot, "package.json"), join(copy, "package.json"));
    symlinkSync(join(projectRoot, "node_modules"), join(copy, "node_modules"), "dir");
    const dataHome = join(tmp, "data-home");

    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", XDG_DATA_HOME: dataHome };
    delete env.KBSEARCH_INDEX;
    const cli = join(copy, relative(projectRoot, CLI));
    const run = kbsearch(["heap corruption"], { env, cli });
    assert.equal(run.status, 0, run.stderr);
    const stderrLines = run.stderr.split("\n").filter((l) => l.trim() !== "");
    assert.equal(stderrLines.length, 1, run.stderr);
    assert.match(stderrLines[0]!, /sample/);
    assert.match(stderrLines[0]!, /build/);
    assert.ok(heads(run.stdout).some((h) => h.id === HEAP), run.stdout);
    assert.ok(existsSync(join(dataHome, "kbsearch", INDEX_FILE)));
    assert.ok(!existsSync(join(copy, "index")), "the first search wrote into the package");

    // The second run finds the index and says nothing about building; stats and --help say where it is.
    const again = kbsearch(["heap corruption"], { env, cli });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stderr, "");
    assert.deepEqual(heads(again.stdout).map((h) => h.id), heads(run.stdout).map((h) => h.id));
    const stats = kbsearch(["stats"], { env, cli });
    assert.match(stats.stdout, new RegExp(`^index\\s+${join(dataHome, "kbsearch", INDEX_FILE)} \\(your data folder`, "m"));
    assert.ok(kbsearch(["--help"], { env, cli }).stdout.includes(`The index lives in ${join(dataHome, "kbsearch")}`));
    assert.match(kbsearch(["stats", "--index", indexDir], { env, cli }).stdout, /^index\s+\S+ \(--index\)$/m);
    assert.match(kbsearch(["stats"], { env: { ...env, KBSEARCH_INDEX: indexDir }, cli }).stdout, /^index\s+\S+ \(\$KBSEARCH_INDEX\)$/m);
  });

  test("the per-user data folder by platform: XDG_DATA_HOME first, then each platform's own", () => {
    const home = "/home/u";
    assert.equal(defaultIndexDir({ XDG_DATA_HOME: "/x/data" }, "linux", home), join("/x/data", "kbsearch"));
    assert.equal(defaultIndexDir({}, "linux", home), join(home, ".local", "share", "kbsearch"));
    assert.equal(defaultIndexDir({}, "darwin", home), join(home, "Library", "Application Support", "kbsearch"));
    assert.equal(defaultIndexDir({ LOCALAPPDATA: "/c/Users/u/AppData/Local" }, "win32", home), join("/c/Users/u/AppData/Local", "kbsearch"));
    assert.equal(defaultIndexDir({}, "win32", home), join(home, "AppData", "Local", "kbsearch"));
  });

  test("the tests' own data folder stands in for the user's", () => {
    assert.equal(process.env.XDG_DATA_HOME, testDataHome);
    assert.equal(defaultIndexDir(), join(testDataHome, "kbsearch"));
  });
});

describe("library", () => {
  test("buildIndex + openIndex().search() rank as the CLI's --json does", async () => {
    const dir = join(tmp, "library-index");
    const report = await buildIndex(sampleCorpus, { indexDir: dir });
    assert.equal(report.articles, SAMPLE_ARTICLES);
    assert.deepEqual(report.skipped, []);
    const index = await openIndex(dir);
    try {
      const result = index.search("heap corruption");
      const cli = searchJson("heap corruption");
      assert.ok(result.hits.length > 0);
      assert.deepEqual(result.hits.map((h) => h.id), cli.hits.map((h) => h.id));
      assert.deepEqual(result.terms, cli.terms);
      assert.equal(result.total, cli.total);
      assert.equal(index.stats().header.docCount, SAMPLE_ARTICLES);
    } finally {
      index.close();
    }
  });
});
