/** Measuring fresh processes (wall time, peak RSS) and summarizing what was measured. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "./peers/types.js";
import type { WarmFigures } from "./warm.js";

export interface ProcessRun {
  seconds: number;
  stdout: string;
  /** Peak RSS in bytes, when asked for. */
  peakRssBytes?: number;
}

const usageReporter = fileURLToPath(new URL("report-usage.js", import.meta.url));

/**
 * Runs a command to its end and times it from spawn to exit. With `peakRss` (Node commands only) the
 * child reports its own peak RSS through report-usage.js. Throws when the command fails.
 */
export function runMeasured(command: Command, options: { peakRss?: boolean } = {}): ProcessRun {
  const usageDir = options.peakRss ? mkdtempSync(join(tmpdir(), "kbsearch-bench-")) : undefined;
  const usageFile = usageDir && join(usageDir, "peak-rss");
  const args = usageFile ? ["--import", usageReporter, ...command.args] : command.args;
  try {
    const started = performance.now();
    const run = spawnSync(command.file, args, {
      encoding: "utf8",
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...(usageFile && { BENCH_USAGE_FILE: usageFile }) },
    });
    const seconds = (performance.now() - started) / 1000;
    const shown = [command.file, ...command.args].join(" ");
    if (run.error) throw new Error(`${shown}: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`${shown} exited with ${run.status}: ${run.stderr.trim()}`);
    return { seconds, stdout: run.stdout, ...(usageFile && { peakRssBytes: Number(readFileSync(usageFile, "utf8")) }) };
  } finally {
    if (usageDir) rmSync(usageDir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** The p-th percentile (nearest rank) of values sorted ascending. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Bytes of every file under `path`. */
export function directoryBytes(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, name) => sum + directoryBytes(join(path, name)), 0);
}

/** `count` items spread evenly over `items` (all of them when there are fewer). */
export function sampleEvenly<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

/**
 * An engine's warm figures over its index in `dir`, measured by warm.js in a fresh process: at most
 * `limit` of the dev queries, of people's (`people`), or of a phrase set's (phrase-speed.ts).
 */
export function measureWarm(engineKey: string, dir: string, limit: number, querySet?: string): WarmFigures {
  const script = join(dirname(fileURLToPath(import.meta.url)), "warm.js");
  const args = [script, engineKey, dir, String(limit), ...(querySet ? [querySet] : [])];
  return JSON.parse(runMeasured({ file: process.execPath, args }).stdout) as WarmFigures;
}
