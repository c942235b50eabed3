/**
 * `kbsearch serve` under load: autocannon against the server on 127.0.0.1 over the dev queries,
 * beside the library's own in-process query rate on the same queries, and what the title
 * suggestions (FlexSearch) cost at start and in memory and how fast they answer. Prints a table
 * and writes every figure to JSON. Measures; asserts nothing.
 *
 * Usage: npm run bench:serve [-- --index DIR] [--duration 60] [--connections 64] [--json FILE]
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { packageRoot } from "../src/paths.js";
import { loadEngine } from "./peers/registry.js";
import { benchCacheDir, benchIndexDir, commandLine, ensureIndex, loadEvalSet, requireArchive, usageError } from "./shared.js";

const USAGE = "npm run bench:serve [-- --index DIR] [--duration 60] [--connections 64] [--json FILE]";
const LAUNCHER = join(packageRoot, "dist", "src", "cli", "launch.cjs");
/** Seconds the library's rate is measured for. */
const LIBRARY_SECONDS = 20;
/** Requests sent one at a time before a measured run, so the server's code is compiled, as a server that has served a while. */
const WARM_UP_REQUESTS = 300;
/** Seconds of the suggestion endpoint's load run. */
const SUGGEST_SECONDS = 10;

interface Settings {
  indexDir: string;
  duration: number;
  connections: number;
  jsonPath: string;
}

function readSettings(): Settings {
  const { values } = commandLine(USAGE, () =>
    parseArgs({
      options: {
        index: { type: "string" },
        duration: { type: "string", default: "60" },
        connections: { type: "string", default: "64" },
        json: { type: "string", default: join(benchCacheDir, "serve.json") },
      },
    }),
  );
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  if (!(Number.isInteger(duration) && duration > 0)) usageError("--duration takes a whole number of seconds", USAGE);
  if (!(Number.isInteger(connections) && connections > 0)) usageError("--connections takes a whole number", USAGE);
  return { indexDir: values.index ?? benchIndexDir, duration, connections, jsonPath: values.json };
}

const log = (line: string) => process.stderr.write(`bench:serve: ${line}\n`);

/** A running `kbsearch serve`: its process, base URL and what it has logged. */
interface RunningServer {
  child: ChildProcess;
  base: string;
  stderr: () => string;
}

async function startServer(indexDir: string, extra: string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [LAUNCHER, "serve", "--index", indexDir, "--port", "0", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (s: Buffer) => (stdout += s.toString()));
  child.stderr!.on("data", (s: Buffer) => (stderr += s.toString()));
  for (;;) {
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
    if (url) return { child, base: url, stderr: () => stderr };
    if (child.exitCode !== null) throw new Error(`kbsearch serve stopped (exit ${child.exitCode}): ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopServer(server: RunningServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

/** The process's resident memory now, in bytes (Linux's /proc). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
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

async function warmUp(base: string, paths: string[]): Promise<void> {
  for (let i = 0; i < WARM_UP_REQUESTS; i++) {
    const res = await fetch(base + paths[i % paths.length]);
    await res.arrayBuffer();
  }
}

/** autocannon over `paths`, each connection taking the next path in turn. */
function load(base: string, paths: string[], connections: number, duration: number): Promise<Result> {
  let next = 0;
  return autocannon({
    url: base,
    connections,
    duration,
    timeout: 10,
    requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
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
}

function loadFigures(result: Result, connections: number): LoadFigures {
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
  };
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.indexDir === benchIndexDir) {
    requireArchive();
    ensureIndex(await loadEngine("kbsearch"));
  }
  const started = performance.now();
  const queries = loadEvalSet("dev.jsonl").map((q) => q.query);
  const searchPaths = queries.map(searchPath);
  const warmUpPaths = loadEvalSet("real-dev.jsonl").map((q) => searchPath(q.query));

  log(`the library's own rate: ${LIBRARY_SECONDS} s of the ${queries.length} dev queries in one process`);
  const rateRun = spawnSync(process.execPath, [join(packageRoot, "dist", "bench", "serve-library-rate.js"), settings.indexDir, String(LIBRARY_SECONDS)], { encoding: "utf8" });
  if (rateRun.status !== 0) throw new Error(`the library's rate run failed: ${rateRun.stderr}`);
  const library = JSON.parse(rateRun.stdout) as { queries: number; seconds: number; perSecond: number };

  log(`kbsearch serve --no-suggest: ${settings.duration} s at ${settings.connections} connections, RSS sampled every second`);
  const server = await startServer(settings.indexDir, ["--no-suggest"]);
  const pid = server.child.pid!;
  const rssAfterOpen = rssOf(pid);
  await warmUp(server.base, warmUpPaths);
  const rssSamples: number[] = [rssOf(pid)];
  const sampler = setInterval(() => rssSamples.push(rssOf(pid)), 1000);
  const searchLoad = loadFigures(await load(server.base, searchPaths, settings.connections, settings.duration), settings.connections);
  clearInterval(sampler);
  rssSamples.push(rssOf(pid));
  await stopServer(server);

  log("kbsearch serve with title suggestions: their build, memory and rate");
  const suggesting = await startServer(settings.indexDir, []);
  const spawnedAt = performance.now();
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
  const rssWithSuggestions = rssOf(suggesting.child.pid!);
  const suggestLoad = loadFigures(await load(suggesting.base, suggestPaths, settings.connections, SUGGEST_SECONDS), settings.connections);
  await stopServer(suggesting);

  const half = rssSamples[Math.floor(rssSamples.length / 2)]!;
  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg(), node: process.version },
    indexDir: settings.indexDir,
    queries: queries.length,
    library,
    search: {
      ...searchLoad,
      shareOfLibraryRate: searchLoad.perSecond / library.perSecond,
      rss: {
        afterOpenBytes: rssAfterOpen,
        firstBytes: rssSamples[0],
        midBytes: half,
        lastBytes: rssSamples[rssSamples.length - 1],
        maxBytes: Math.max(...rssSamples),
        secondHalfGrowthBytes: rssSamples[rssSamples.length - 1]! - half,
        samplesBytes: rssSamples,
      },
    },
    suggest: { readyAfterSeconds, build: suggestState, rssBytes: rssWithSuggestions, rssWithoutBytes: rssSamples[0], load: suggestLoad },
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + "\n");

  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  const rss = report.search.rss;
  const rows = [
    ["library, in process (1 thread)", `${library.perSecond.toFixed(0)} queries/s`],
    [`serve, ${settings.connections} connections, ${searchLoad.seconds} s`, `${searchLoad.perSecond.toFixed(0)} requests/s (${(report.search.shareOfLibraryRate * 100).toFixed(0)}% of the library's; goal >= 70%)`],
    ["latency p50 / p99 / max", `${searchLoad.latencyP50Ms} / ${searchLoad.latencyP99Ms} / ${searchLoad.latencyMaxMs} ms (goal p99 <= 50 ms)`],
    ["errors, timeouts, non-2xx", `${searchLoad.errors}, ${searchLoad.timeouts}, ${searchLoad.non2xx} of ${searchLoad.requests} (goal 0)`],
    ["RSS after open / first / mid / last / max", `${mb(rss.afterOpenBytes)} / ${mb(rss.firstBytes!)} / ${mb(rss.midBytes)} / ${mb(rss.lastBytes!)} / ${mb(rss.maxBytes)}`],
    ["title suggestions ready after", `${readyAfterSeconds.toFixed(1)} s (${JSON.stringify(suggestState)})`],
    ["RSS with / without suggestions", `${mb(rssWithSuggestions)} / ${mb(rssSamples[0]!)}`],
    [`/api/suggest, ${settings.connections} connections, ${suggestLoad.seconds} s`, `${suggestLoad.perSecond.toFixed(0)} requests/s, p50 ${suggestLoad.latencyP50Ms} ms, p99 ${suggestLoad.latencyP99Ms} ms, errors ${suggestLoad.errors + suggestLoad.non2xx}`],
  ];
  process.stdout.write(`| measure | figure |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n`);
  log(`figures written to ${settings.jsonPath} (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
