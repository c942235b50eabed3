#!/usr/bin/env node
/**
 * The installed kbsearch command (package.json's bin). It runs the CLI's bundle, dist/cli/kbsearch.cjs
 * (main.ts and all it may load, made by `npm run build`), as one script compiled with V8's code cache
 * of a search, made by the build too. A one-shot search used to spend about half its own time loading
 * some 30 ES modules (resolving, reading and compiling each) and compiling the functions it ran; one
 * script read whole, its search functions taken from the cache, starts in a fraction of that.
 *
 * This file is CommonJS because Node starts a CommonJS entry sooner than an ES module one, and
 * the bundle is run as a script because Node 20 keeps no code cache for ES modules.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";

const bundle = join(__dirname, "..", "..", "cli", "kbsearch.cjs");
const codeCache = join(__dirname, "..", "..", "cli", "kbsearch.codecache");
/** Set by the build's run that makes the code cache (bundle-cli.ts). */
const makingCache = process.env.KBSEARCH_MAKE_CODE_CACHE === "1";

/**
 * The cache made with this bundle. V8 checks that a cache fits its own version and flags and the
 * source's length, and compiles as usual when it does not; the build writes the two together.
 */
function cachedData(): Buffer | undefined {
  if (makingCache) return undefined;
  try {
    return readFileSync(codeCache);
  } catch {
    return undefined;
  }
}

// The bundle is a CommonJS module's wrapper function: called as Node calls one, with its own require.
const script = new Script(readFileSync(bundle, "utf8"), { filename: bundle, cachedData: cachedData() });
const module_ = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(module_.exports, module_.exports, createRequire(bundle), module_, bundle, dirname(bundle));

if (makingCache) {
  process.once("exit", () => {
    // The search turned V8's optimizing compiler off (commands/search.ts); V8 takes a cache only
    // under the flags it was made with, so they are put back as a process starts with them.
    setFlagsFromString("--opt");
    writeFileSync(codeCache, script.createCachedData());
  });
}
