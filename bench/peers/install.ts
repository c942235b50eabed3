/**
 * Packages only a benchmark needs, installed when it first runs rather than by every `npm ci`:
 * better-sqlite3 compiles SQLite from source, minutes of a newcomer's set-up for a peer that only
 * `npm run bench` and `npm run bench:relevance` use; Pagefind (`npm run bench:site`) fetches a
 * 13 MB binary. Installed with `npm install --no-save`, so
 * package.json and the lockfile stay as they are; its types are a dev dependency, so the
 * benchmarks compile without it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/paths.js";

/** The benchmark-only packages and the versions the benchmarks were written against. */
export const BENCH_PACKAGES: Readonly<Record<string, string>> = {
  "better-sqlite3": "12.11.1",
  // The static site's peer (bench/site.ts): its Linux binary comes as an optional dependency of its own.
  pagefind: "1.6.0",
};

/** Whether `name` is in the project's node_modules (by its package.json: an ES-module-only package has no require entry point). */
export function isInstalled(name: string): boolean {
  return existsSync(join(packageRoot, "node_modules", name, "package.json"));
}

/** Installs the benchmark package `name` into the project's node_modules unless it is there. */
export function ensureBenchPackage(name: keyof typeof BENCH_PACKAGES): void {
  if (isInstalled(name)) return;
  const spec = `${name}@${BENCH_PACKAGES[name]}`;
  process.stderr.write(`bench: installing ${spec}, which only the benchmarks use (once; npm install --no-save)\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["install", "--no-save", "--no-audit", "--no-fund", spec], { cwd: packageRoot, stdio: "inherit" });
  if (run.status !== 0 || !isInstalled(name)) throw new Error(`could not install ${spec} (npm exited ${run.status ?? run.error?.message}); install it by hand: npm install --no-save ${spec}`);
}
