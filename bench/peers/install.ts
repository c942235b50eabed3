/**
 * Packages only a benchmark needs, installed when it first runs rather than by every `npm ci`:
 * better-sqlite3 compiles SQLite from source, minutes of a newcomer's set-up for a peer that only
 * `npm run bench` and `npm run bench:relevance` use. Installed with `npm install --no-save`, so
 * package.json and the lockfile stay as they are; its types are a dev dependency, so the
 * benchmarks compile without it.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../../src/paths.js";

/** The benchmark-only packages and the versions the benchmarks were written against. */
export const BENCH_PACKAGES: Readonly<Record<string, string>> = {
  "better-sqlite3": "12.11.1",
};

/** Whether `name` can be loaded from the project. */
export function isInstalled(name: string): boolean {
  try {
    createRequire(join(packageRoot, "package.json")).resolve(name);
    return true;
  } catch {
    return false;
  }
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
