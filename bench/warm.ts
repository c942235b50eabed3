/**
 * Opens one engine's index in this fresh process and times warm queries:
 * `node warm.js KEY DIR MAX_QUERIES [people|title|common]` prints a WarmFigures JSON object. The
 * queries are the dev set's, people's (the realistic sets written since real-dev: long questions,
 * pasted dialogs, forum posts), or a phrase set's (phrase-speed.ts), spread evenly when fewer are asked for. Before
 * them, untimed, the process searches other queries (the real-dev set's, round after round, and for a
 * phrase set other phrases too) until its code is warm: a JIT-compiled engine runs its first hundred
 * queries at up to twice its settled speed, and a warm library is one that has served a while. None
 * of the timed queries runs before it is timed, so no cache holds its answer.
 */
import { loadEngine } from "./peers/registry.js";
import { isPhraseSet, phraseQueries, warmUpPhrases } from "./phrase-speed.js";
import { percentile, sampleEvenly } from "./measure.js";
import { loadEvalSet, peopleQueries } from "./shared.js";

export interface WarmFigures {
  openMs: number;
  rssAfterOpenBytes: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** The slowest query and its time. */
  maxMs: number;
  slowest: string;
  /**
   * CPU time per timed query, mean (this process's user and system time): steadier than wall time
   * on a shared machine, where other work delays a query without costing it. Undefined for an
   * engine whose queries run in other processes (grep).
   */
  cpuPerQueryMs?: number;
  /** Percentiles of each query's own CPU time (as cpuPerQueryMs, and undefined where it is). */
  cpuP50Ms?: number;
  cpuP95Ms?: number;
  cpuP99Ms?: number;
}

/** Untimed searches first, for an engine that keeps an index in the process; grep spawns a process per query, so a few do. */
const WARM_UP_SEARCHES = 200;
const WARM_UP_SEARCHES_WITHOUT_INDEX = 3;

const [key, dir, maxQueries, querySet] = process.argv.slice(2);
if (!key || !dir || !maxQueries || (querySet !== undefined && querySet !== "people" && !isPhraseSet(querySet))) {
  process.stderr.write("usage: node warm.js KEY DIR MAX_QUERIES [people|title|common]\n");
  process.exit(2);
}
const phraseSet = querySet !== undefined && isPhraseSet(querySet) ? querySet : undefined;
const engine = await loadEngine(key);
const queries = sampleEvenly(phraseSet ? phraseQueries(phraseSet) : (querySet === "people" ? peopleQueries() : loadEvalSet("dev.jsonl")).map((q) => q.query), Number(maxQueries));

const opening = performance.now();
const index = engine.open(dir);
const openMs = performance.now() - opening;
const rssAfterOpenBytes = process.memoryUsage().rss;

const warmUp = loadEvalSet("real-dev.jsonl").map((q) => q.query);
const warmUpSearches = engine.hasIndex ? WARM_UP_SEARCHES : WARM_UP_SEARCHES_WITHOUT_INDEX;
for (let i = 0; i < warmUpSearches; i++) index.search(warmUp[i % warmUp.length]!, 10);
// Phrases take code paths of their own: warmed by other phrases (none of the timed ones).
if (phraseSet) for (const query of warmUpPhrases().slice(0, WARM_UP_SEARCHES)) index.search(query, 10);
const cpuBefore = process.cpuUsage();
const timed = queries.map((query) => {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  index.search(query, 10);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  return { query, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
});
const cpu = process.cpuUsage(cpuBefore);
const times = timed.map((t) => t.ms).sort((a, b) => a - b);
const cpuTimes = timed.map((t) => t.cpuMs).sort((a, b) => a - b);
const slowest = timed.reduce((a, b) => (b.ms > a.ms ? b : a));
const figures: WarmFigures = {
  openMs,
  rssAfterOpenBytes,
  queries: queries.length,
  p50Ms: percentile(times, 50),
  p95Ms: percentile(times, 95),
  p99Ms: percentile(times, 99),
  maxMs: slowest.ms,
  slowest: slowest.query,
  ...(engine.hasIndex
    ? { cpuPerQueryMs: (cpu.user + cpu.system) / 1000 / queries.length, cpuP50Ms: percentile(cpuTimes, 50), cpuP95Ms: percentile(cpuTimes, 95), cpuP99Ms: percentile(cpuTimes, 99) }
    : {}),
};
process.stdout.write(JSON.stringify(figures) + "\n");
