/**
 * `kbsearch serve` under load: autocannon against the server on 127.0.0.1 over the dev queries,
 * beside the library's own in-process query rate on the same queries, one server process and
 * `--workers 2`, every request searched; latency at one connection, where no request waits for another; RSS over a long run; the same queries asked again of a
 * server that keeps its answers (the default); and what the title suggestions (FlexSearch) cost at start
 * and in memory and how fast they answer. Prints a table and writes every figure to JSON.
 * Measures; asserts nothing.
 *
 * On a machine shared with other work the rates move from minute to minute, so the library and
 * the servers take turns in short runs, round after round, and each rate is the median of its
 * rounds; CPU time per request (the server's own, from /proc) is steadier than either rate.
 *
 * Usage: npm run bench:serve [-- --index DIR] [--rounds 3] [--seconds 10] [--rss-seconds 60] [--connections 64] [--json FILE]
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { packageRoot } from "../src/paths.js";
import { median } from "./measure.js";
import { loadEngine } from "./peers/registry.js";
import { benchCacheDir, benchIndexDir, commandLine, ensureIndex, loadEvalSet, requireArchive, usageError } from "./shared.js";

const USAGE = "npm run bench:serve [-- --index DIR] [--rounds 3] [--seconds 10] [--rss-seconds 60] [--connections 64] [--json FILE]";
const LAUNCHER = join(packageRoot, "dist", "src", "cli", "launch.cjs");
/** Requests sent one at a time before a server is measured, so its code is compiled, as a server that has served a while. */
const WARM_UP_REQUESTS = 300;
/** Seconds of the suggestion endpoint's load run. */
const SUGGEST_SECONDS = 10;
/** The clock ticks /proc counts CPU time in (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface Settings {
  indexDir: string;
  rounds: number;
  seconds: number;
  rssSeconds: number;
  connections: number;
  jsonPath: string;
}

function readSettings(): Settings {
  const { values } = commandLine(USAGE, () =>
    parseArgs({
      options: {
        index: { type: "string" },
        rounds: { type: "string", default: "3" },
        seconds: { type: "string", default: "10" },
        "rss-seconds": { type: "string", default: "60" },
        connections: { type: "string", default: "64" },
        json: { type: "string", default: join(benchCacheDir, "serve.json") },
      },
    }),
  );
  const whole = (name: string, text: string) => {
    const n = Number(text);
    if (!(Number.isInteger(n) && n > 0)) usageError(`--${name} takes a whole number above 0`, USAGE);
    return n;
  };
  return {
    indexDir: values.index ?? benchIndexDir,
    rounds: whole("rounds", values.rounds),
    seconds: whole("seconds", values.seconds),
    rssSeconds: whole("rss-seconds", values["rss-seconds"]),
    connections: whole("connections", values.connections),
    jsonPath: values.json,
  };
}

const log = (line: string) => process.stderr.write(`bench:serve: ${line}\n`);

/** A running `kbsearch serve`: its process, base URL and what it has logged. */
interface RunningServer {
  child: ChildProcess;
  base: string;
}

async function startServer(indexDir: string, extra: string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [LAUNCHER, "serve", "--index", indexDir, "--port", "0", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (s: Buffer) => (stdout += s.toString()));
  child.stderr!.on("data", (s: Buffer) => (stderr += s.toString()));
  for (;;) {
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
    if (url) return { child, base: url };
    if (child.exitCode !== null) throw new Error(`kbsearch serve stopped (exit ${child.exitCode}): ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopServer(server: RunningServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

/** The process and its children (a primary's workers): those that answer. */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Without the children file, the process alone.
  }
  return [pid, ...children.flatMap(processTree)];
}

/** Resident memory of the process tree now, in bytes (Linux's /proc). */
function rssOf(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, "utf8"))![1]) * 1024, 0);
}

/** CPU time (user and system) the process tree has used, in milliseconds. */
function cpuMsOf(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    const fields = readFileSync(`/proc/${p}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  }, 0);
}

function searchPath(query: string): string {
  return `/api/search?q=${encodeURIComponent(query)}&limit=10`;
}

/** What someone types on the way to a dev query: its first words, the last cut to three letters ("heap cor"). */
function typedPrefix(query: string): string {
  const words = query.split(/\s+/).filter(Boolean).slice(0, 2);
  words[words.length - 1] = words[words.length - 1]!.slice(0, 3);
  return words.join(" ");
}

/** The server's count of answers sent from memory and made (its /api/stats). */
async function answerCounts(base: string): Promise<{ hits: number; misses: number }> {
  const stats = (await (await fetch(`${base}/api/stats`)).json()) as { serve: { answers: { hits: number; misses: number } } };
  return stats.serve.answers;
}

async function warmUp(base: string, paths: string[]): Promise<void> {
  for (let i = 0; i < WARM_UP_REQUESTS; i++) {
    // A connection of its own each time, so that every worker of a cluster gets its share.
    const res = await fetch(base + paths[i % paths.length], { headers: { Connection: "close" } });
    await res.arrayBuffer();
  }
}

interface LoadFigures {
  connections: number;
  seconds: number;
  requests: number;
  perSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** The server's CPU time per answered request. */
  cpuMsPerRequest: number;
}

/** autocannon over `paths` (each request takes the next), with the server's CPU time over the run. */
async function load(server: RunningServer, paths: string[], connections: number, duration: number): Promise<LoadFigures> {
  let next = 0;
  const cpuBefore = cpuMsOf(server.child.pid!);
  const result: Result = await autocannon({
    url: server.base,
    connections,
    duration,
    timeout: 10,
    requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
  const cpuMs = cpuMsOf(server.child.pid!) - cpuBefore;
  const requests = result["2xx"] + result.non2xx;
  return {
    connections,
    seconds: result.duration,
    requests,
    perSecond: requests / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    cpuMsPerRequest: cpuMs / Math.max(1, requests),
  };
}

interface LibraryRate {
  queries: number;
  seconds: number;
  perSecond: number;
  cpuMsPerQuery: number;
}

function libraryRate(indexDir: string, seconds: number): LibraryRate {
  const run = spawnSync(process.execPath, [join(packageRoot, "dist", "bench", "serve-library-rate.js"), indexDir, String(seconds)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the library's rate run failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as LibraryRate;
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.indexDir === benchIndexDir) {
    requireArchive();
    ensureIndex(await loadEngine("kbsearch"));
  }
  const started = performance.now();
  const loadBefore = loadavg();
  const queries = loadEvalSet("dev.jsonl").map((q) => q.query);
  const searchPaths = queries.map(searchPath);
  const warmUpPaths = loadEvalSet("real-dev.jsonl").map((q) => searchPath(q.query));
  const { connections } = settings;

  log(`${settings.rounds} rounds of ${settings.seconds} s each: the library in process, kbsearch serve, kbsearch serve --workers 2 (${connections} connections)`);
  // The dev queries go round and round: a server keeping its answers would search each once and
  // then send it from memory. These servers keep none, so every request is searched, as the
  // library's own rate is; the answer cache has a run of its own below.
  const single = await startServer(settings.indexDir, ["--no-suggest", "--cache-mb", "0"]);
  const workers = await startServer(settings.indexDir, ["--no-suggest", "--cache-mb", "0", "--workers", "2"]);
  await warmUp(single.base, warmUpPaths);
  await warmUp(workers.base, warmUpPaths);
  const rounds: { library: LibraryRate; single: LoadFigures; workers: LoadFigures }[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    const library = libraryRate(settings.indexDir, settings.seconds);
    const one = await load(single, searchPaths, connections, settings.seconds);
    const two = await load(workers, searchPaths, connections, settings.seconds);
    rounds.push({ library, single: one, workers: two });
    log(`round ${round}: library ${library.perSecond.toFixed(0)}/s, serve ${one.perSecond.toFixed(0)}/s, --workers 2 ${two.perSecond.toFixed(0)}/s`);
  }
  await stopServer(workers);

  log(`kbsearch serve at 1 connection, ${settings.seconds} s: each request's own latency, nothing queued before it`);
  const alone = await load(single, searchPaths, 1, settings.seconds);

  log(`kbsearch serve: ${settings.rssSeconds} s at ${connections} connections, RSS sampled every second`);
  const pid = single.child.pid!;
  const rssSamples: number[] = [rssOf(pid)];
  const sampler = setInterval(() => rssSamples.push(rssOf(pid)), 1000);
  const long = await load(single, searchPaths, connections, settings.rssSeconds);
  clearInterval(sampler);
  rssSamples.push(rssOf(pid));
  await stopServer(single);

  log(`kbsearch serve keeping its answers (the default): every dev query asked once, then ${settings.seconds} s of them asked again at ${connections} connections`);
  const keeping = await startServer(settings.indexDir, ["--no-suggest"]);
  await warmUp(keeping.base, warmUpPaths);
  for (const path of searchPaths) await (await fetch(keeping.base + path)).arrayBuffer();
  const statsBefore = await answerCounts(keeping.base);
  const repeated = await load(keeping, searchPaths, connections, settings.seconds);
  const statsAfter = await answerCounts(keeping.base);
  const repeatedHitShare = (statsAfter.hits - statsBefore.hits) / Math.max(1, statsAfter.hits - statsBefore.hits + statsAfter.misses - statsBefore.misses);
  const keptRss = rssOf(keeping.child.pid!);
  await stopServer(keeping);

  log("kbsearch serve with title suggestions: their build, memory and rate");
  const rssWithoutSuggestions = rssSamples[0]!;
  const suggesting = await startServer(settings.indexDir, []);
  const spawnedAt = performance.now();
  const rssBeforeSuggestions = rssOf(suggesting.child.pid!);
  let suggestState: unknown;
  for (;;) {
    const stats = (await (await fetch(`${suggesting.base}/api/stats`)).json()) as { serve: { suggestions: unknown } };
    suggestState = stats.serve.suggestions;
    if (typeof suggestState === "object") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyAfterSeconds = (performance.now() - spawnedAt) / 1000;
  const suggestPaths = [...new Set(queries.map(typedPrefix))].map((typed) => `/api/suggest?q=${encodeURIComponent(typed)}&limit=8`);
  await warmUp(suggesting.base, suggestPaths);
  await warmUp(suggesting.base, warmUpPaths);
  const rssWithSuggestions = rssOf(suggesting.child.pid!);
  const suggestLoad = await load(suggesting, suggestPaths, connections, SUGGEST_SECONDS);
  await stopServer(suggesting);

  const med = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  const half = rssSamples[Math.floor(rssSamples.length / 2)]!;
  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
    indexDir: settings.indexDir,
    queries: queries.length,
    connections,
    rounds,
    medians: {
      libraryPerSecond: med((r) => r.library.perSecond),
      libraryCpuMsPerQuery: med((r) => r.library.cpuMsPerQuery),
      servePerSecond: med((r) => r.single.perSecond),
      serveShareOfLibrary: med((r) => r.single.perSecond / r.library.perSecond),
      serveCpuMsPerRequest: med((r) => r.single.cpuMsPerRequest),
      serveP50Ms: med((r) => r.single.latencyP50Ms),
      serveP99Ms: med((r) => r.single.latencyP99Ms),
      workersPerSecond: med((r) => r.workers.perSecond),
      workersShareOfLibrary: med((r) => r.workers.perSecond / r.library.perSecond),
      workersCpuMsPerRequest: med((r) => r.workers.cpuMsPerRequest),
      workersP50Ms: med((r) => r.workers.latencyP50Ms),
      workersP99Ms: med((r) => r.workers.latencyP99Ms),
      errors: rounds.reduce((n, r) => n + r.single.errors + r.single.non2xx + r.workers.errors + r.workers.non2xx, 0),
    },
    oneConnection: alone,
    repeated: { ...repeated, hitShare: repeatedHitShare, rssBytes: keptRss },
    long: {
      ...long,
      rss: {
        quartersBytes: [0, 1, 2, 3, 4].map((q) => rssSamples[Math.min(rssSamples.length - 1, Math.round((q * (rssSamples.length - 1)) / 4))]!),
        maxBytes: Math.max(...rssSamples),
        secondHalfGrowthBytes: rssSamples[rssSamples.length - 1]! - half,
        samplesBytes: rssSamples,
      },
    },
    suggest: { readyAfterSeconds, build: suggestState, rssBeforeBuildBytes: rssBeforeSuggestions, rssBytes: rssWithSuggestions, rssWithoutBytes: rssWithoutSuggestions, load: suggestLoad },
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + "\n");

  const m = report.medians;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const rss = report.long.rss;
  const rows = [
    [`library in process, 1 thread (median of ${settings.rounds} x ${settings.seconds} s)`, `${m.libraryPerSecond.toFixed(0)} queries/s, ${ms(m.libraryCpuMsPerQuery)} CPU per query`],
    [`serve, ${connections} connections`, `${m.servePerSecond.toFixed(0)} requests/s = ${(m.serveShareOfLibrary * 100).toFixed(0)}% of the library's (goal >= 70%), ${ms(m.serveCpuMsPerRequest)} CPU per request`],
    ["serve latency p50 / p99", `${m.serveP50Ms} / ${m.serveP99Ms} ms (goal p99 <= 50 ms)`],
    [`serve --workers 2, ${connections} connections`, `${m.workersPerSecond.toFixed(0)} requests/s = ${(m.workersShareOfLibrary * 100).toFixed(0)}% of the library's, ${ms(m.workersCpuMsPerRequest)} CPU per request`],
    ["serve --workers 2 latency p50 / p99", `${m.workersP50Ms} / ${m.workersP99Ms} ms`],
    ["errors, timeouts, non-2xx (all rounds)", `${m.errors}`],
    [`serve, 1 connection, ${alone.seconds} s`, `${alone.perSecond.toFixed(0)} requests/s, p50 ${alone.latencyP50Ms} ms, p99 ${alone.latencyP99Ms} ms, errors ${alone.errors + alone.non2xx}`],
    [`serve, ${connections} connections, ${settings.rssSeconds} s`, `${long.perSecond.toFixed(0)} requests/s, p50 ${long.latencyP50Ms} ms, p99 ${long.latencyP99Ms} ms, max ${long.latencyMaxMs} ms, errors ${long.errors + long.non2xx} of ${long.requests}`],
    [`serve keeping its answers, the dev queries asked again, ${connections} connections`, `${repeated.perSecond.toFixed(0)} requests/s, p50 ${repeated.latencyP50Ms} ms, p99 ${repeated.latencyP99Ms} ms, ${(repeatedHitShare * 100).toFixed(0)}% sent from memory, RSS ${mb(keptRss)}, errors ${repeated.errors + repeated.non2xx}`],
    ["RSS over it at 0, 1/4, 1/2, 3/4, the end; max", `${rss.quartersBytes.map(mb).join(" / ")}; ${mb(rss.maxBytes)} (second half ${rss.secondHalfGrowthBytes >= 0 ? "+" : ""}${mb(rss.secondHalfGrowthBytes)})`],
    ["title suggestions ready after", `${readyAfterSeconds.toFixed(1)} s (${JSON.stringify(suggestState)})`],
    ["RSS warm, with / without suggestions", `${mb(rssWithSuggestions)} / ${mb(rssWithoutSuggestions)}`],
    [`/api/suggest, ${connections} connections, ${suggestLoad.seconds} s`, `${suggestLoad.perSecond.toFixed(0)} requests/s, p50 ${suggestLoad.latencyP50Ms} ms, p99 ${suggestLoad.latencyP99Ms} ms, ${ms(suggestLoad.cpuMsPerRequest)} CPU per request, errors ${suggestLoad.errors + suggestLoad.non2xx}`],
  ];
  process.stdout.write(`| measure | figure |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n`);
  log(`figures written to ${settings.jsonPath}; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} before, ${loadavg().map((l) => l.toFixed(1)).join(" ")} after`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
