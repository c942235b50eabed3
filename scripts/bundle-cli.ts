/**
 * The build's second step (after tsc): bundles the CLI for the installed command (src/cli/launch.cts)
 * and makes its V8 code cache. Writes to dist/cli/:
 *   kbsearch.cjs            main.ts and every module it may load, as one script (a CommonJS module's wrapper function)
 *   kbsearch.meta.json      which modules the bundle holds (esbuild's metafile; the start-up test reads it)
 *   analysis-worker.js      the index build's worker thread, which the pool starts beside the bundle
 *   kbsearch.codecache      V8's compiled code after a search of the sample corpus
 *
 * esbuild, not a bundler of our own: it keeps ES module semantics across the bundle (a module reached
 * only by import() or require() is evaluated on first use, so a search still runs none of the
 * indexer, commander or the index writer), and every class stays one class (KbSearchError thrown by
 * a command is the one main.ts catches).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { packageRoot, sampleCorpusDir } from "../src/paths.js";

const outDir = join(packageRoot, "dist", "cli");
const launcher = join(packageRoot, "dist", "src", "cli", "launch.cjs");
/** A plain search of the sample corpus: the code it runs is the code a one-shot search runs. */
const TRAINING_QUERY = "printer driver";

// Paths in the metafile and the bundle's module names are relative to the package root.
const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", absWorkingDir: packageRoot } as const;

async function bundle(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  const cli = await build({
    ...common,
    entryPoints: [join(packageRoot, "src", "cli", "main.ts")],
    format: "cjs",
    outfile: join(outDir, "kbsearch.cjs"),
    metafile: true,
    // The option parser and msgpackr serve only commands other than a plain search (and the
    // build, which takes seconds): they are required from node_modules when one runs. Left in,
    // they were 225 KB of the bundle's 556, text a one-shot search reads and holds without
    // running it: without them the search is 1.6-2.2 ms sooner (medians of 41 alternating runs, three times).
    // FlexSearch serves only `kbsearch serve`, required from node_modules likewise.
    external: ["commander", "msgpackr", "flexsearch"],
    // A CommonJS script has no import.meta: its modules' URL is the bundle's. The bundle lies two
    // folders below the package root, as dist/src/'s modules do, so the package paths (paths.ts)
    // and the worker beside it (analysis-pool.ts) are found as from there.
    // KBSEARCH_BUNDLE tells modules loaded on demand (query/engine.ts) to use the bundle's require.
    define: { "import.meta.url": "__bundleUrl", KBSEARCH_BUNDLE: "true" },
    // The script is one function expression, which the launcher compiles and calls as Node calls a
    // CommonJS module's wrapper (the same text each time, so V8's code cache of it holds).
    banner: { js: '(function (exports, require, module, __filename, __dirname) {\n"use strict";\nvar __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    footer: { js: "})" },
  });
  writeFileSync(join(outDir, "kbsearch.meta.json"), JSON.stringify(cli.metafile));
  // A worker thread has a module scope of its own: its bundle is an ES module, as the tsc one is.
  await build({ ...common, entryPoints: [join(packageRoot, "src", "indexer", "analysis-worker.ts")], format: "esm", outfile: join(outDir, "analysis-worker.js") });
}

/** Runs the installed command as a user would; throws with its output when it fails. */
function kbsearch(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const run = spawnSync(process.execPath, [launcher, ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.status !== 0) throw new Error(`kbsearch ${args.join(" ")} failed (exit ${run.status ?? run.signal}):\n${run.stderr}`);
}

/** Indexes the sample corpus with the bundle, then searches it with the launcher writing the code cache. */
function makeCodeCache(): void {
  const work = mkdtempSync(join(tmpdir(), "kbsearch-codecache-"));
  try {
    const index = join(work, "index");
    kbsearch(["index", sampleCorpusDir, "--index", index]);
    kbsearch([TRAINING_QUERY, "--index", index], { ...process.env, KBSEARCH_MAKE_CODE_CACHE: "1" });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await bundle();
makeCodeCache();
