/**
 * The CLI's start-up budget: a search must load only what answering it needs, never the
 * parser, the indexer, the readers, the index writer, all of `natural`, or FlexSearch.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { projectRoot, sampleCorpus } from "./helpers.js";

const cli = join(projectRoot, "dist", "src", "cli", "main.js");
const tracer = join(projectRoot, "dist", "test", "fixtures", "load-trace.js");
const work = mkdtempSync(join(tmpdir(), "kbsearch-startup-"));
const indexDir = join(work, "index");

before(() => {
  const built = spawnSync(process.execPath, [cli, "index", sampleCorpus, "--index", indexDir], { encoding: "utf8" });
  assert.equal(built.status, 0, built.stderr);
});

after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI with the load tracer and returns the project-relative paths of the modules it loaded. */
function modulesLoaded(args: string[]): string[] {
  const trace = join(work, `trace-${args[0]}.txt`);
  const run = spawnSync(process.execPath, ["--import", tracer, cli, ...args, "--index", indexDir], {
    encoding: "utf8",
    env: { ...process.env, KBSEARCH_LOAD_TRACE: trace, NO_COLOR: "1" },
  });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((url) => url.startsWith("file:"))
    .map((url) => decodeURIComponent(new URL(url).pathname).slice(projectRoot.length + 1));
}

test("a search loads the query path and nothing of the build path", () => {
  const loaded = modulesLoaded(["heap corruption"]);
  for (const needed of ["dist/src/query/engine.js", "dist/src/store/reader.js", "dist/src/analyze/stem.js"]) {
    assert.ok(loaded.includes(needed), `${needed} should be loaded; loaded: ${loaded.join(", ")}`);
  }
  const forbidden = [
    /^dist\/src\/(parse|indexer|read)\//,
    /^dist\/src\/store\/writer\.js$/,
    // A plain query needs none of the query language's filters, facets, branches or text checks,
    // nor related articles or score explanations.
    /^dist\/src\/query\/(refine|filters|facets|branches|verify|related)\.js$/,
    /^dist\/src\/rank\/explain\.js$/,
    /node_modules\/natural\/lib\/natural\/index\.js$/,
    /node_modules\/natural\/lib\/natural\/(classifiers|tokenizers\/(?!aggressive)|sentiment|distance|wordnet)/,
    /node_modules\/flexsearch\//,
    // The index is decoded by store/msgpack.ts: msgpackr (packer and all) is for writing it.
    /node_modules\/msgpackr\//,
    // A plain search's command line is read without the full parser.
    /^dist\/src\/cli\/program\.js$/,
    /node_modules\/commander\//,
  ];
  for (const path of loaded) {
    for (const pattern of forbidden) assert.doesNotMatch(path, pattern, `a search should not load ${path}`);
  }
});

test("building an index does load the build path", () => {
  const trace = modulesLoaded(["index", sampleCorpus]);
  assert.ok(trace.includes("dist/src/indexer/build.js"));
  assert.ok(trace.includes("dist/src/parse/article.js"));
});

test("a search with a filter loads the refined path; --explain and related load theirs", () => {
  const cases: [string[], string][] = [
    [["heap year:1999"], "dist/src/query/refine.js"],
    [["--explain", "heap corruption"], "dist/src/rank/explain.js"],
    [["related", "Q149387"], "dist/src/query/related.js"],
  ];
  for (const [args, needed] of cases) {
    const loaded = modulesLoaded(args);
    assert.ok(loaded.includes(needed), `${args.join(" ")}: ${needed} should be loaded; loaded: ${loaded.join(", ")}`);
  }
});
