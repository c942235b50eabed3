/**
 * How long the interactive mode (`kbsearch -i`) waits for the engine per key: every dev query
 * typed one character at a time, each prefix searched as the interactive mode searches it (one
 * screen of hits with snippets, 10 at 80x24), on a warm index. Prints percentiles; asserts nothing.
 *
 *   node dist/bench/keystrokes.js [--index DIR] [--queries N] [--facets]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { layout } from "../src/present/screen.js";
import { KbIndex } from "../src/query/engine.js";
import { percentile, sampleEvenly } from "./measure.js";
import { benchIndexDir, commandLine, sharedDir } from "./shared.js";

const usage = "node dist/bench/keystrokes.js [--index DIR] [--queries N] [--facets]";
const { values } = commandLine(usage, () =>
  parseArgs({ options: { index: { type: "string", default: benchIndexDir }, queries: { type: "string", default: "300" }, facets: { type: "boolean", default: false } } }),
);

const queries = readFileSync(join(sharedDir, "eval", "dev.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { query: string }).query);
const typed = sampleEvenly(queries, Number(values.queries));
const limit = layout({ columns: 80, rows: 24 }).listRows;
const index = KbIndex.open(values.index!);
// Warm: the code compiled and the index's pages read, as after the first few keys of a session.
for (const query of sampleEvenly(queries, 50)) index.search(query, { limit });

const times: number[] = [];
for (const query of typed) {
  for (let end = 1; end <= query.length; end++) {
    const prefix = query.slice(0, end);
    if (prefix.trim() === "") continue;
    const started = process.hrtime.bigint();
    index.search(prefix, { limit, facets: values.facets });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
index.close();
times.sort((a, b) => a - b);
const ms = (p: number) => `${percentile(times, p).toFixed(2)} ms`;
process.stdout.write(
  `${times.length} keystrokes (${typed.length} dev queries typed a character at a time, ${limit} hits each${values.facets ? ", with facets" : ""}):\n` +
    `p50 ${ms(50)}, p95 ${ms(95)}, p99 ${ms(99)}, max ${times.at(-1)!.toFixed(2)} ms\n`,
);
