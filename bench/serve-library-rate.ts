/**
 * The library's own query rate, for bench/serve.ts to set the server's beside: `node
 * serve-library-rate.js DIR SECONDS` opens the index in this fresh process, warms up on the
 * real-dev queries, then runs the dev queries round and round for SECONDS on one thread and prints
 * {"queries", "seconds", "perSecond", "cpuMsPerQuery"} as JSON. The same searches a request runs
 * (10 hits, snippets).
 */
import { KbIndex } from "../src/index.js";
import { loadEvalSet } from "./shared.js";

const WARM_UP_SEARCHES = 200;

const [dir, seconds] = process.argv.slice(2);
if (!dir || !seconds) {
  process.stderr.write("usage: node serve-library-rate.js DIR SECONDS\n");
  process.exit(2);
}
const index = KbIndex.open(dir);
const warmUp = loadEvalSet("real-dev.jsonl").map((q) => q.query);
for (let i = 0; i < WARM_UP_SEARCHES; i++) index.search(warmUp[i % warmUp.length]!, { limit: 10 });
const queries = loadEvalSet("dev.jsonl").map((q) => q.query);
const until = performance.now() + Number(seconds) * 1000;
const started = performance.now();
const cpuBefore = process.cpuUsage();
let done = 0;
while (performance.now() < until) index.search(queries[done++ % queries.length]!, { limit: 10 });
const cpu = process.cpuUsage(cpuBefore);
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ queries: done, seconds: elapsed, perSecond: done / elapsed, cpuMsPerQuery: (cpu.user + cpu.system) / 1000 / done }) + "\n");
index.close();
