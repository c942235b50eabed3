/**
 * The command line as people type it: `-word` query text among options, filter values that
 * cannot be read, product names as typed, paging options, no arguments at all, `show` of
 * something that is no article number. The built CLI over the sample corpus.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { separateQueryText, type KnownOption } from "../src/cli/query-args.js";
import type { SearchResult } from "../src/query/types.js";
import { INDEX_FILE } from "../src/store/format.js";
import { projectRoot, runCli, sampleCorpus, type Run } from "./helpers.js";

let tmp = "";
let indexDir = "";

/** The built CLI over the sample index (KBSEARCH_INDEX too, so nothing builds elsewhere). */
function kbsearch(...args: string[]): Run {
  return runCli(args, { env: { ...process.env, NO_COLOR: "1", KBSEARCH_INDEX: indexDir } });
}

/** `kbsearch ARGS --json`, parsed; the run must exit 0 or 1. */
function json(...args: string[]): SearchResult {
  const run = kbsearch(...args, "--json");
  assert.ok(run.status === 0 || run.status === 1, `${args.join(" ")}: exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SearchResult;
}

const ids = (result: SearchResult) => result.hits.map((h) => h.id);

function assertUsageError(run: Run, pattern: RegExp, what: string): void {
  assert.equal(run.status, 2, `${what}: exit ${run.status}\n${run.stdout}${run.stderr}`);
  assert.match(run.stderr, pattern, what);
  assert.equal(run.stdout, "", what);
  assert.doesNotMatch(run.stderr, /\n\s+at /, `${what}: a stack trace`);
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-command-line-"));
  indexDir = join(tmp, "index");
  const build = kbsearch("index", sampleCorpus, "--index", indexDir);
  assert.equal(build.status, 0, build.stderr);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("-word on the command line is query text", () => {
  test("heap -printer: a search for heap without printer, not an unknown option", () => {
    const result = json("heap", "-printer");
    assert.equal(result.query, "heap -printer");
    assert.ok(result.hits.length > 0);
    assert.deepEqual(ids(result), ids(json("heap -printer")));
  });

  test("-tag:PRB heap: the exclusion first, then the words", () => {
    const result = json("-tag:PRB", "heap");
    assert.ok(result.hits.length > 0);
    assert.ok(result.hits.every((h) => h.tag !== "PRB"), ids(result).join(" "));
    assert.ok(json("heap").hits.some((h) => h.tag === "PRB"), "the sample has a PRB heap article to exclude");
  });

  test('a quoted "-printer heap driver" and pasted text starting with --- are queries', () => {
    for (const query of ["-printer heap driver", "--- heap corruption ---", "---pasted heap"]) {
      const run = kbsearch(query);
      assert.equal(run.status, 0, `${query}: ${run.stderr}`);
      assert.match(run.stdout, /Q949387/, query);
    }
  });

  test("known options still work before and after the words; -n5 is -n 5, -nt4 the exclusion of nt4", () => {
    assert.equal(json("-n", "1", "heap", "-printer").hits.length, 1);
    assert.equal(json("heap", "-printer", "-n", "2").hits.length, 2);
    assert.equal(json("heap", "--limit=3").hits.length, 3);
    assert.equal(json("-n5", "heap").hits.length, 5);
    assert.equal(json("heap", "-nt4").query, "heap -nt4");
  });

  test("after --, a command's name is query text, and the command does not run", () => {
    const before = statSync(join(indexDir, INDEX_FILE)).mtimeMs;
    const run = kbsearch("--", "index");
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    assert.doesNotMatch(run.stdout, /indexed \d+ articles/);
    assert.equal(statSync(join(indexDir, INDEX_FILE)).mtimeMs, before, "kbsearch -- index rebuilt the index");
  });

  test("separateQueryText: options first, then --, an empty argument and the query text", () => {
    const options: KnownOption[] = [{ short: "-n", long: "--limit", takesValue: true }, { long: "--json", takesValue: false }];
    const commands = new Set(["show", "index"]);
    assert.deepEqual(separateQueryText(["heap", "-printer", "--json", "-n", "2"], options, commands), ["--json", "-n", "2", "--", "", "heap", "-printer"]);
    assert.deepEqual(separateQueryText(["-x", "--", "-n", "2"], options, commands), ["--", "", "-x", "-n", "2"]);
    assert.deepEqual(separateQueryText(["--json", "show", "Q1"], options, commands), ["--json", "show", "Q1"]);
    assert.deepEqual(separateQueryText(["heap", "show"], options, commands), ["--", "", "heap", "show"]);
    assert.deepEqual(separateQueryText(["heap", "-n"], options, commands), ["heap", "-n"], "a missing value is left for the parser to report");
    assert.deepEqual(separateQueryText(["--json"], options, commands), ["--json"]);
  });
});

describe("filters whose value cannot be read", () => {
  for (const filter of ["year:abc", "year:1999..1998", "modified:1999-13", "product:!", 'product:""', "tag:-"]) {
    test(`${filter} is ignored with a note, and none of its words is searched`, () => {
      const filtered = json(`${filter} heap`);
      const plain = json("heap");
      assert.ok(filtered.warnings.some((w) => /ignored/.test(w)), filtered.warnings.join("; "));
      assert.deepEqual(filtered.terms, plain.terms);
      assert.deepEqual(ids(filtered), ids(plain));
      assert.equal(filtered.total, plain.total);
    });
  }

  test("--year abc, --since garbage, --until 2000-13-45, --product \"\" and --product ! are usage errors (exit 2)", () => {
    assertUsageError(kbsearch("heap", "--year", "abc"), /year "abc" is not a date/, "--year abc");
    assertUsageError(kbsearch("heap", "--year", "1999..1998"), /not a date/, "--year 1999..1998");
    assertUsageError(kbsearch("heap", "--since", "garbage"), /since "garbage" is not a date/, "--since garbage");
    assertUsageError(kbsearch("heap", "--until", "2000-13-45"), /until "2000-13-45" is not a date/, "--until 2000-13-45");
    assertUsageError(kbsearch("heap", "--product", ""), /product needs a name/, '--product ""');
    assertUsageError(kbsearch("heap", "--product", "!"), /product needs a name/, "--product !");
    assertUsageError(kbsearch("--product", ""), /product needs a name/, '--product "" alone');
  });

  test("a filter naming nothing the index has says so", () => {
    const result = json("heap", "--product", "bogusproduct");
    assert.deepEqual(result.hits, []);
    assert.ok(result.warnings.some((w) => /product:bogusproduct matches no product/.test(w)), result.warnings.join("; "));
    assert.ok(json("heap tag:NOSUCHTAG").warnings.some((w) => /tag:NOSUCHTAG matches no tag/.test(w)));
    assert.deepEqual(json("heap", "--product", "exchange").warnings, []);
  });
});

describe("paging options", () => {
  test("--page 0, --page -1, --page 2 --offset 5 and --page with -n 0 are usage errors (exit 2)", () => {
    assertUsageError(kbsearch("heap", "--page", "0"), /page counts from 1/, "--page 0");
    assertUsageError(kbsearch("heap", "--page", "-1"), /page/, "--page -1");
    assertUsageError(kbsearch("heap", "--offset", "-1"), /offset/, "--offset -1");
    assertUsageError(kbsearch("heap", "--page", "2", "--offset", "5"), /page or offset, not both/, "--page 2 --offset 5");
    assertUsageError(kbsearch("heap", "--page", "2", "-n", "0"), /page needs a limit/, "--page 2 -n 0");
  });

  test("--page N is -n hits from (N - 1) x n; --page 2 --offset 0 is page 2", () => {
    const all = ids(json("heap", "-n", "20"));
    assert.deepEqual(ids(json("heap", "-n", "2", "--page", "2")), all.slice(2, 4));
    assert.deepEqual(ids(json("heap", "-n", "2", "--page", "2", "--offset", "0")), all.slice(2, 4));
  });

  test("-n 0 counts: no hits, the total, exit 0 when any match and 1 when none", () => {
    const counted = kbsearch("heap", "-n", "0");
    assert.equal(counted.status, 0, counted.stderr);
    const total = json("heap").total;
    assert.equal(counted.stdout.trim().replace(/ \([\d.]+ ms\)$/, ""), `"heap" matches ${total} articles`);
    const result = json("heap", "-n", "0");
    assert.deepEqual(result.hits, []);
    assert.equal(result.total, total);
    assert.equal(kbsearch("xyzzyplughqwv", "-n", "0").status, 1);
  });

  test("a page past the last hit: exit 1, the total said", () => {
    const run = kbsearch("heap", "--page", "50");
    assert.equal(run.status, 1);
    assert.match(run.stdout, /no hits past \d+: "heap" matches \d+ articles/);
  });
});

describe("product names as people type them", () => {
  const cases: [typed: string, spelled: string][] = [
    ["win95", "windows 95"],
    ["w2k", "windows 2000"],
    ["nt4", "windows nt"],
    ["iis4", "internet information server"],
    ["iis", "internet information server"],
    ["vb6", "visual basic"],
  ];
  for (const [typed, spelled] of cases) {
    test(`--product ${typed} and product:${typed} filter as --product "${spelled}"`, () => {
      const expected = ids(json("--product", spelled, "--sort", "id", "-n", "50"));
      assert.ok(expected.length > 0, spelled);
      assert.deepEqual(ids(json("--product", typed, "--sort", "id", "-n", "50")), expected);
      assert.deepEqual(ids(json(`product:${typed}`, "--sort", "id", "-n", "50")), expected);
    });
  }

  test("a version typed with the name narrows to it: win98 matches none of the sample's Windows 95 articles, and says so", () => {
    const result = json("--product", "win98");
    assert.deepEqual(result.hits, []);
    assert.ok(result.warnings.some((w) => /win98 matches no product/.test(w)), result.warnings.join("; "));
  });
});

describe("no query, and show of what is no article number", () => {
  test("kbsearch with no arguments shows its usage (exit 2), and searches nothing", () => {
    const run = kbsearch();
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /Usage: kbsearch/);
    assert.doesNotMatch(run.stdout + run.stderr, /no articles match/);
  });

  test("options alone with no filter among them show the usage too; a filter alone lists", () => {
    assert.equal(kbsearch("--json").status, 2);
    const listed = json("--product", "exchange");
    assert.ok(listed.hits.length > 0);
  });

  test("show foo and related foo: a usage error naming the forms an article number takes", () => {
    for (const command of ["show", "related"]) {
      const run = kbsearch(command, "foo");
      assertUsageError(run, /article number \(Q149387, 149387 or KB149387\), not "foo"/, `${command} foo`);
      assert.doesNotMatch(run.stderr, /citing/);
    }
  });

  test("show of a number the index lacks: exit 1, and how to find the articles citing it", () => {
    const run = kbsearch("show", "kb 990001");
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no article Q990001 in the index \(kbsearch Q990001 lists the articles citing it\)/);
  });
});

describe("the docs say what the commands do", () => {
  const readme = readFileSync(join(projectRoot, "README.md"), "utf8");

  test("each command's --help lists the options it takes, --index included, and the others are usage errors", () => {
    const takes: Record<string, string[]> = {
      index: ["--full", "--index", "--json"],
      related: ["--limit", "--offset", "--page", "--json", "--index"],
      show: ["--query", "--index", "--json"],
      batch: ["--limit", "--offset", "--page", "--product", "--year", "--since", "--until", "--sort", "--index"],
      stats: ["--verify", "--index", "--json"],
    };
    const all = ["--limit", "--offset", "--page", "--product", "--year", "--since", "--until", "--sort", "--facets", "--json", "--explain", "--index"];
    for (const [command, options] of Object.entries(takes)) {
      const help = kbsearch(command, "--help").stdout;
      for (const option of options) assert.match(help, new RegExp(`^\\s+(-\\w, )?${option}\\b`, "m"), `${command} --help lacks ${option}`);
      for (const option of all.filter((o) => !options.includes(o))) {
        assert.doesNotMatch(help, new RegExp(`^\\s+(-\\w, )?${option}\\b`, "m"), `${command} --help lists ${option}`);
      }
    }
    assertUsageError(kbsearch("stats", "--product", "exchange"), /--product does not apply to kbsearch stats/, "stats --product");
    assertUsageError(kbsearch("show", "Q949387", "--explain"), /--explain does not apply to kbsearch show/, "show --explain");
    assert.equal(kbsearch("related", "Q949387", "-n", "2", "--json").status, 0);
  });

  test("every key of the JSON output, corrections' term included, is in the README's schema", () => {
    const schema = readme.slice(readme.indexOf("prints one `SearchResult`:"), readme.indexOf("## As a library"));
    const result = json("heap corrupton", "--explain", "--facets");
    assert.ok(result.corrections.length > 0, "no correction to check");
    const keys = new Set([...Object.keys(result), ...Object.keys(result.corrections[0]!), ...Object.keys(result.hits[0]!), ...Object.keys(result.hits[0]!.explain![0]!)]);
    for (const key of keys) assert.match(schema, new RegExp(`\\b${key}\\??:`), `${key} is not in the README's schema`);
    assert.match(schema, /corrections: \{ from: string; to: string; term: string \}\[\]/);
  });
});
