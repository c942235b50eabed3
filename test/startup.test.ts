/**
 * The CLI's start-up budget: a search must load only what answering it needs, never the
 * parser, the indexer, the readers, the index writer, `natural` (dev only now), or FlexSearch.
 *
 * Checked both ways the code runs: the installed command runs the CLI's bundle, where a module
 * is "loaded" when its code is evaluated (V8's coverage tells which); main.ts run as ES modules,
 * as the library's modules load, where it is loaded when Node loads its file (a load tracer tells).
 * Modules are named by their source path (src/query/engine.ts) either way.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { after, before, describe, test } from "node:test";
import { CLI, projectRoot, sampleCorpus } from "./helpers.js";

const bundle = join(projectRoot, "dist", "cli", "kbsearch.cjs");
const bundleMeta = join(projectRoot, "dist", "cli", "kbsearch.meta.json");
const codeCache = join(projectRoot, "dist", "cli", "kbsearch.codecache");
const esmMain = join(projectRoot, "dist", "src", "cli", "main.js");
const tracer = join(projectRoot, "dist", "test", "fixtures", "load-trace.js");
const work = mkdtempSync(join(tmpdir(), "kbsearch-startup-"));
const indexDir = join(work, "index");
let runs = 0;

before(() => {
  const built = spawnSync(process.execPath, [CLI, "index", sampleCorpus, "--index", indexDir], { encoding: "utf8" });
  assert.equal(built.status, 0, built.stderr);
});

after(() => rmSync(work, { recursive: true, force: true }));

function runOk(args: string[], env: NodeJS.ProcessEnv): void {
  const run = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, ...env, NO_COLOR: "1" } });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
}

interface FunctionCoverage {
  functionName: string;
  ranges: { count: number }[];
}

/**
 * Runs the installed command under V8 coverage; returns the bundled modules it evaluated. esbuild
 * wraps each module loaded on demand (by import() or require(), directly or through its importers)
 * in a function named by the module's path, run on first use; the other modules run with the bundle.
 */
function bundledModulesRun(args: string[]): string[] {
  const coverage = join(work, `coverage-${runs++}`);
  runOk([CLI, ...args, "--index", indexDir], { NODE_V8_COVERAGE: coverage });
  const script = readdirSync(coverage)
    .flatMap((file) => (JSON.parse(readFileSync(join(coverage, file), "utf8")) as { result: { url: string; functions: FunctionCoverage[] }[] }).result)
    .find((s) => s.url === pathToFileURL(bundle).href);
  assert.ok(script, "the command should run the bundle");
  const modules = bundledInputs();
  const calls = new Map(script.functions.map((f) => [f.functionName, f.ranges[0]!.count]));
  return modules.filter((path) => (calls.get(path) ?? 1) > 0).map(sourcePath);
}

/** The modules the bundle holds, as esbuild's metafile names them (`src/query/engine.ts`, `node_modules/...`). */
function bundledInputs(): string[] {
  return Object.keys((JSON.parse(readFileSync(bundleMeta, "utf8")) as { inputs: Record<string, unknown> }).inputs);
}

/** Runs main.ts as ES modules with the load tracer; returns the modules whose files it loaded. */
function esModulesLoaded(args: string[]): string[] {
  const trace = join(work, `trace-${runs++}.txt`);
  runOk(["--import", tracer, esmMain, ...args, "--index", indexDir], { KBSEARCH_LOAD_TRACE: trace });
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((url) => url.startsWith("file:"))
    // Relative, not sliced: a package may resolve outside the project (a linked node_modules).
    .map((url) => sourcePath(relative(projectRoot, fileURLToPath(url))));
}

/** A module's source path: `src/query/engine.ts` for dist/src/query/engine.js; packages as `node_modules/...`. */
function sourcePath(path: string): string {
  const packaged = path.lastIndexOf("node_modules/");
  if (packaged >= 0) return path.slice(packaged);
  return path.replace(/^dist\/(src\/.*)\.js$/, "$1.ts");
}

const ways = [
  { name: "the installed command (bundle)", modulesLoaded: bundledModulesRun },
  { name: "main.ts as ES modules", modulesLoaded: esModulesLoaded },
];

describe("the installed command's bundle", () => {
  test("holds none of the packages only other commands use", () => {
    // A one-shot search reads the whole bundle: the option parser and the msgpack writer stay in node_modules.
    const inputs = bundledInputs();
    assert.ok(inputs.includes("src/query/engine.ts"), "the bundle should hold the engine");
    for (const path of inputs) assert.doesNotMatch(path, /^node_modules\/(commander|msgpackr)\//);
  });
});

describe("the installed command's code cache", () => {
  test("this Node takes the cache the build made, so a search compiles next to nothing", () => {
    // V8 drops a cache made under other flags: a search that changes V8's flags must put them
    // back before launch.cts writes the cache, or every search compiles the bundle afresh.
    const script = new Script(readFileSync(bundle, "utf8"), { filename: bundle, cachedData: readFileSync(codeCache) });
    assert.equal(script.cachedDataRejected, false);
  });

  test("without its cache the command still searches", () => {
    const copy = join(work, "package");
    cpSync(join(projectRoot, "dist"), join(copy, "dist"), { recursive: true });
    rmSync(join(copy, relative(projectRoot, codeCache)));
    const run = spawnSync(process.execPath, [join(copy, relative(projectRoot, CLI)), "heap corruption", "--index", indexDir], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Q949387/);
  });
});

for (const { name, modulesLoaded } of ways) {
  describe(name, () => {
    test("a search loads the query path and nothing of the build path", () => {
      const loaded = modulesLoaded(["heap corruption"]);
      for (const needed of ["src/query/engine.ts", "src/store/reader.ts", "src/analyze/stem.ts"]) {
        assert.ok(loaded.includes(needed), `${needed} should be loaded; loaded: ${loaded.join(", ")}`);
      }
      const forbidden = [
        /^src\/(parse|indexer|read)\//,
        /^src\/store\/writer\.ts$/,
        // A plain query needs none of the query language's filters, facets, branches or text checks,
        // nor related articles or score explanations.
        /^src\/query\/(refine|filters|facets|branches|verify|related)\.ts$/,
        /^src\/rank\/explain\.ts$/,
        // The stemmer is the analyzer's own (natural's, which the tests hold it to, is not shipped).
        /^node_modules\/natural\//,
        /^node_modules\/flexsearch\//,
        // The index is decoded by store/msgpack.ts: msgpackr (packer and all) is for writing it.
        /^node_modules\/msgpackr\//,
        // A plain search's command line is read without the full parser.
        /^src\/cli\/program\.ts$/,
        /^node_modules\/commander\//,
        // Nor the server, the browser's page and site, the pager, the full-screen mode or phrases.
        /^src\/(serve|web)\//,
        /^src\/cli\/(pager|full-screen|keys|completions|man-page)\.ts$/,
        /^src\/cli\/commands\/(interactive|serve|list|open)\.ts$/,
        /^src\/query\/phrases\.ts$/,
        /^node_modules\/fflate\//,
      ];
      for (const path of loaded) {
        for (const pattern of forbidden) assert.doesNotMatch(path, pattern, `a search should not load ${path}`);
      }
    });

    test("building an index does load the build path", () => {
      const loaded = modulesLoaded(["index", sampleCorpus]);
      assert.ok(loaded.includes("src/indexer/build.ts"));
      assert.ok(loaded.includes("src/parse/article.ts"));
    });

    test("a search with a filter loads the refined path; --explain and related load theirs", () => {
      const cases: [string[], string][] = [
        [["heap year:1999"], "src/query/refine.ts"],
        [["--explain", "heap corruption"], "src/rank/explain.ts"],
        [["related", "Q949387"], "src/query/related.ts"],
        // Any other command line goes through the full parser (which requires commander from node_modules).
        [["stats"], "src/cli/program.ts"],
      ];
      for (const [args, needed] of cases) {
        const loaded = modulesLoaded(args);
        assert.ok(loaded.includes(needed), `${args.join(" ")}: ${needed} should be loaded; loaded: ${loaded.join(", ")}`);
      }
    });
  });
}
