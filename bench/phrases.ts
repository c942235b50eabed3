/**
 * Phrase speed alone (phrase-speed.ts), over the full archive's index: the runner's own, built once
 * (bench/.cache/index), or one built elsewhere. Usage: npm run bench:phrases [-- --index DIR] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadEngine } from "./peers/registry.js";
import { measurePhrases, phraseTable } from "./phrase-speed.js";
import { benchCacheDir, benchIndexDir, commandLine, ensureIndex, requireArchive } from "./shared.js";

const USAGE = "npm run bench:phrases [-- --index DIR] [--json FILE]";
const { values } = commandLine(USAGE, () =>
  parseArgs({ options: { index: { type: "string" }, json: { type: "string", default: join(benchCacheDir, "phrases.json") } } }),
);
if (values.index === undefined) {
  requireArchive();
  ensureIndex(await loadEngine("kbsearch"));
}
const dir = values.index ?? benchIndexDir;
const loadBefore = loadavg()[0]!;
const figures = measurePhrases(dir);
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.versions.node}, load average ${loadBefore.toFixed(1)} before the run, ${loadavg()[0]!.toFixed(1)} after`;
process.stdout.write(`${machine}.\n\n${phraseTable(figures)}\n`);
writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), machine, index: dir, ...figures }, null, 2) + "\n");
process.stderr.write(`bench: figures written to ${values.json}\n`);
