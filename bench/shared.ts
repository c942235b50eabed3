/** What the benchmark runners share: where the real archive is and a full index built from it once. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildIndex } from "../src/indexer/build.js";
import { indexExists, packageRoot } from "../src/paths.js";

export const sharedDir = resolve(packageRoot, "..", "shared");
export const archiveTarball = join(sharedDir, "kbarchive", "kb.tar.gz");
/** The full-archive index the runners reuse between runs (ignored by git). */
export const benchIndexDir = join(packageRoot, "bench", ".cache", "index");

export function requireArchive(): void {
  if (!existsSync(archiveTarball)) {
    process.stderr.write(`bench: ${archiveTarball} is not present; the benchmarks need the real archive\n`);
    process.exit(2);
  }
}

/** Builds the full-archive index unless it exists (or `rebuild` is asked for). */
export async function ensureBenchIndex(rebuild = false): Promise<void> {
  if (!rebuild && indexExists(benchIndexDir)) return;
  process.stderr.write(`bench: building the full-archive index in ${benchIndexDir}\n`);
  const report = await buildIndex(archiveTarball, { indexDir: benchIndexDir });
  process.stderr.write(`bench: ${report.articles} articles in ${report.seconds.toFixed(1)} s\n`);
}
