/** What the benchmark runners share: where the real archive and the dev queries are, and each engine's index built from it once. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { packageRoot } from "../src/paths.js";
import type { Engine } from "./peers/types.js";

export const sharedDir = resolve(packageRoot, "..", "shared");
export const archiveTarball = join(sharedDir, "kbarchive", "kb.tar.gz");
/** Everything the runners keep between runs (ignored by git). */
export const benchCacheDir = join(packageRoot, "bench", ".cache");
/** kbsearch's full-archive index. */
export const benchIndexDir = join(benchCacheDir, "index");

/** Where an engine's full-archive index lives between runs. */
export function engineIndexDir(engine: Engine): string {
  return engine.key === "kbsearch" ? benchIndexDir : join(benchCacheDir, "peers", engine.key);
}

/**
 * A runner's command line as `parse` reads it (node:util's parseArgs): `--help` prints `usage`, and
 * an unknown or malformed option prints the reason and `usage` with exit 2, not a stack trace.
 */
export function commandLine<T>(usage: string, parse: () => T): T {
  if (process.argv.slice(2).includes("--help")) {
    process.stdout.write(`usage: ${usage}\n`);
    process.exit(0);
  }
  try {
    return parse();
  } catch (err) {
    return usageError((err as Error).message, usage);
  }
}

/** Stops a runner over its command line: the reason, then `usage`, exit 2. */
export function usageError(reason: string, usage: string): never {
  process.stderr.write(`bench: ${reason}\nusage: ${usage}\n`);
  process.exit(2);
}

export function requireArchive(): void {
  if (!existsSync(archiveTarball)) {
    process.stderr.write(`bench: ${archiveTarball} is not present; the benchmarks need the real archive\n`);
    process.exit(2);
  }
}

/** Builds an engine's full-archive index, in a child process, unless it exists (or `rebuild` is asked for). */
export function ensureIndex(engine: Engine, rebuild = false): void {
  const dir = engineIndexDir(engine);
  if (!rebuild && engine.isBuilt(dir)) return;
  process.stderr.write(`bench: building the ${engine.name} index of the full archive in ${dir}\n`);
  const { file, args } = engine.buildCommand(archiveTarball, dir);
  const run = spawnSync(file, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new Error(`building the ${engine.name} index failed (exit ${run.status ?? run.signal})`);
}

export interface EvalQuery {
  qid: string;
  class: string;
  query: string;
  relevant: string[];
  grades?: Record<string, number>;
}

/** Where the project's own query sets are kept (bench/eval/README.md says how they were made). */
export const ownEvalDir = join(packageRoot, "bench", "eval");

/**
 * A query set by name: the project's own (`real-extra.jsonl`, `forum-extra.jsonl` in bench/eval),
 * one of ../shared/eval (`dev.jsonl`, `real-dev.jsonl`), or a set at a path of its own (absolute,
 * or from the working folder: `bench/.cache/fresh-symptom.jsonl`).
 */
export function loadEvalSet(name: string): EvalQuery[] {
  return readFileSync(evalSetPath(name), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as EvalQuery);
}

/**
 * People's queries as they type them, for timing: the realistic sets written since real-dev (long
 * questions, pasted dialogs, forum posts). real-dev's own warm a timing process up, so that none of
 * these runs before it is timed (warm.ts).
 */
export function peopleQueries(): EvalQuery[] {
  return ["real-extra.jsonl", "forum-extra.jsonl", "real-blind.jsonl"].flatMap((name) => loadEvalSet(name));
}

/** The first of bench/eval, ../shared/eval and the working folder holding `name` (../shared/eval's path, for the error, when none does). */
function evalSetPath(name: string): string {
  if (isAbsolute(name)) return name;
  const places = [join(ownEvalDir, name), resolve(sharedDir, "eval", name), resolve(name)];
  return places.find((path) => existsSync(path)) ?? places[1]!;
}
