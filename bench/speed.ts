/**
 * Speed and size runner: kbsearch and its peers in one run over the full archive, each step in a
 * fresh process, then how kbsearch grows with the corpus. Prints markdown tables and writes every
 * figure to JSON. Usage: npm run bench [-- --skip minisearch,grep] [--quick] [--no-scaling] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { directoryBytes, median, medianSeconds, runMeasured } from "./measure.js";
import { ENGINE_KEYS, isEngineKey, loadEngine } from "./peers/registry.js";
import type { Engine } from "./peers/types.js";
import { archiveTarball, benchCacheDir, commandLine, engineIndexDir, requireArchive, usageError } from "./shared.js";
import { writeSubArchives } from "./sub-archive.js";
import type { WarmFigures } from "./warm.js";

const USAGE = "npm run bench [-- --skip minisearch,grep] [--quick] [--no-scaling] [--json FILE]";
const ONE_SHOT_QUERY = "heap corruption";
/** An engine whose one-shot takes longer than this is run fewer times, to keep the run short. */
const SLOW_ONE_SHOT_SECONDS = 2;
const SLOW_ONE_SHOT_RUNS = 3;
const BASELINE_RUNS = 7;
/** A line of one-shot output naming a hit: numbered (kbsearch, one-shot.js) or a file path (grep). */
const HIT_LINE = /^\s*(?:\d+\.\s+Q\d+\b|\S*\/Q\d+\.txt$)/;
/** The scaling table's corpus sizes, as fractions of the archive (the whole comes from the main run). */
const SCALING_DIVISORS = [8, 4, 2];

interface BuildFigures {
  seconds: number;
  peakRssBytes: number;
  articles: number;
  textBytes: number;
  indexBytes: number;
}

interface OneShotFigures {
  medianSeconds: number;
  runs: number;
}

interface EngineFigures {
  key: string;
  name: string;
  hasIndex: boolean;
  build: BuildFigures;
  warm: WarmFigures;
  oneShot: OneShotFigures;
}

interface ScalePoint {
  corpus: string;
  articles: number;
  textBytes: number;
  buildSeconds: number;
  buildPeakRssBytes: number;
  indexBytes: number;
  oneShotSeconds: number;
}

interface Settings {
  skip: Set<string>;
  quick: boolean;
  scaling: boolean;
  jsonPath: string;
}

function readSettings(): Settings {
  const { values } = commandLine(USAGE, () =>
    parseArgs({
      options: {
        skip: { type: "string", default: "" },
        quick: { type: "boolean", default: false },
        "no-scaling": { type: "boolean", default: false },
        json: { type: "string", default: join(benchCacheDir, "speed.json") },
      },
    }),
  );
  const skip = new Set(values.skip.split(",").filter(Boolean));
  for (const key of skip) {
    if (!isEngineKey(key) || key === "kbsearch") usageError(`--skip takes peers among ${ENGINE_KEYS.slice(1).join(", ")} (got ${key})`, USAGE);
  }
  return { skip, quick: values.quick, scaling: !values["no-scaling"], jsonPath: values.json };
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Builds from the archive in a fresh process, timing it and reading its peak RSS. */
function measureBuild(engine: Engine, source: string, dir: string): BuildFigures {
  const run = runMeasured(engine.buildCommand(source, dir), { peakRss: true });
  const report = JSON.parse(run.stdout) as { articles: number; textBytes: number };
  return { seconds: run.seconds, peakRssBytes: run.peakRssBytes!, articles: report.articles, textBytes: report.textBytes, indexBytes: directoryBytes(dir) };
}

function measureWarm(engine: Engine, dir: string, quick: boolean): WarmFigures {
  const limit = Math.min(engine.warmQueryLimit ?? Infinity, quick ? 300 : Infinity);
  const script = join(import.meta.dirname, "warm.js");
  return JSON.parse(runMeasured({ file: process.execPath, args: [script, engine.key, dir, String(limit)] }).stdout) as WarmFigures;
}

/** Median of fresh one-shot processes; fewer of them for an engine that takes seconds each. */
function measureOneShot(engine: Engine, dir: string, runs: number): OneShotFigures {
  const command = engine.oneShotCommand(dir, ONE_SHOT_QUERY);
  const timeOne = () => {
    const run = runMeasured(command);
    const hits = run.stdout.split("\n").filter((line) => HIT_LINE.test(line)).length;
    if (hits < 10) throw new Error(`${engine.name}'s one-shot printed ${hits} hits, not 10:\n${run.stdout}`);
    return run.seconds;
  };
  const times = [timeOne()];
  const wanted = times[0]! > SLOW_ONE_SHOT_SECONDS ? Math.min(runs, SLOW_ONE_SHOT_RUNS) : runs;
  while (times.length < wanted) times.push(timeOne());
  return { medianSeconds: median(times), runs: times.length };
}

function measureEngine(engine: Engine, settings: Settings): EngineFigures {
  const dir = engineIndexDir(engine);
  log(`${engine.name}: build`);
  const build = measureBuild(engine, archiveTarball, dir);
  log(`${engine.name}: built in ${build.seconds.toFixed(1)} s; warm queries`);
  const warm = measureWarm(engine, dir, settings.quick);
  log(`${engine.name}: one-shot`);
  const oneShot = measureOneShot(engine, dir, settings.quick ? 3 : 5);
  return { key: engine.key, name: engine.name, hasIndex: engine.hasIndex, build, warm, oneShot };
}

/** kbsearch over the first 1/8, 1/4 and 1/2 of the archive's articles (sub-archives made once, then reused). */
async function measureScaling(kbsearch: Engine, full: EngineFigures, runs: number): Promise<ScalePoint[]> {
  const dir = join(benchCacheDir, "scaling");
  const sizes = SCALING_DIVISORS.map((divisor) => ({ divisor, count: Math.ceil(full.build.articles / divisor) }));
  const tarball = (count: number) => join(dir, `first-${count}.tar.gz`);
  log("scaling: writing the smaller archives (once)");
  await writeSubArchives(archiveTarball, new Map(sizes.map(({ count }) => [tarball(count), count])));
  const points = sizes.map(({ divisor, count }): ScalePoint => {
    log(`scaling: 1/${divisor} of the archive`);
    const indexDir = join(dir, `index-${count}`);
    const build = measureBuild(kbsearch, tarball(count), indexDir);
    const oneShot = measureOneShot(kbsearch, indexDir, runs);
    return {
      corpus: `1/${divisor}`,
      articles: build.articles,
      textBytes: build.textBytes,
      buildSeconds: build.seconds,
      buildPeakRssBytes: build.peakRssBytes,
      indexBytes: build.indexBytes,
      oneShotSeconds: oneShot.medianSeconds,
    };
  });
  const whole = full.build;
  return [
    ...points,
    { corpus: "all", articles: whole.articles, textBytes: whole.textBytes, buildSeconds: whole.seconds, buildPeakRssBytes: whole.peakRssBytes, indexBytes: whole.indexBytes, oneShotSeconds: full.oneShot.medianSeconds },
  ];
}

interface Row {
  label: string;
  value: (f: EngineFigures) => number | undefined;
  digits: number;
  /** For rates; every other figure is better lower. */
  higherIsBetter?: boolean;
  /** A figure about an index: engines without one are shown but not compared. */
  ofIndex?: boolean;
  /** Not divided by the best peer's (a difference that can be near zero). */
  noRatio?: boolean;
}

function speedRows(baselineSeconds: number): Row[] {
  const MiB = 2 ** 20;
  const opened = (f: EngineFigures, value: number) => (f.hasIndex ? value : undefined);
  const ofIndex = true;
  return [
    { label: "build (s)", value: (f) => f.build.seconds, digits: 1, ofIndex },
    { label: "build speed (MB of article text/s)", value: (f) => f.build.textBytes / 1e6 / f.build.seconds, digits: 1, higherIsBetter: true, ofIndex },
    { label: "build peak RSS (MiB)", value: (f) => f.build.peakRssBytes / MiB, digits: 0, ofIndex },
    { label: "index on disk (MB)", value: (f) => f.build.indexBytes / 1e6, digits: 1, ofIndex },
    { label: "index / article text", value: (f) => f.build.indexBytes / f.build.textBytes, digits: 2, ofIndex },
    { label: "open (ms)", value: (f) => opened(f, f.warm.openMs), digits: 1 },
    { label: "RSS after open (MiB)", value: (f) => opened(f, f.warm.rssAfterOpenBytes / MiB), digits: 0 },
    { label: "warm p50 (ms)", value: (f) => f.warm.p50Ms, digits: 2 },
    { label: "warm p95 (ms)", value: (f) => f.warm.p95Ms, digits: 2 },
    { label: "warm p99 (ms)", value: (f) => f.warm.p99Ms, digits: 2 },
    { label: "warm CPU per query, mean (ms)", value: (f) => f.warm.cpuPerQueryMs, digits: 2 },
    { label: `one-shot "${ONE_SHOT_QUERY}" (s)`, value: (f) => f.oneShot.medianSeconds, digits: 3 },
    { label: "one-shot minus `node -e 0` (s)", value: (f) => f.oneShot.medianSeconds - baselineSeconds, digits: 3, noRatio: true },
  ];
}

/** kbsearch's figure over the best peer's, naming that peer. */
function ratioToBestPeer(row: Row, kbsearch: EngineFigures, peers: EngineFigures[]): string {
  const own = row.value(kbsearch);
  const candidates = peers
    .filter((p) => p.hasIndex || !row.ofIndex)
    .map((p) => ({ name: p.name, value: row.value(p) }))
    .filter((c): c is { name: string; value: number } => c.value !== undefined);
  if (own === undefined || candidates.length === 0 || row.noRatio) return "-";
  const best = candidates.reduce((a, b) => ((row.higherIsBetter ? b.value > a.value : b.value < a.value) ? b : a));
  return best.value === 0 ? "-" : `${(own / best.value).toFixed(2)}x ${best.name}`;
}

function speedTable(figures: EngineFigures[], baselineSeconds: number): string {
  const [kbsearch, ...peers] = figures as [EngineFigures, ...EngineFigures[]];
  const lines = [
    `| | ${figures.map((f) => f.name).join(" | ")} | kbsearch / best peer |`,
    `|---|${figures.map(() => "---:|").join("")}---|`,
  ];
  for (const row of speedRows(baselineSeconds)) {
    const cells = figures.map((f) => row.value(f)?.toFixed(row.digits) ?? "-");
    lines.push(`| ${row.label} | ${cells.join(" | ")} | ${ratioToBestPeer(row, kbsearch, peers)} |`);
  }
  return lines.join("\n");
}

function scalingTable(points: ScalePoint[], baselineSeconds: number): string {
  const first = points[0]!;
  return [
    "| corpus | articles | text (MB) | build (s) | build peak RSS (MiB) | index (MB) | index / text | one-shot (s) | one-shot minus `node -e 0` (s) | build time / 1/8's | one-shot / 1/8's |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...points.map((p) =>
      [
        p.corpus,
        p.articles,
        (p.textBytes / 1e6).toFixed(1),
        p.buildSeconds.toFixed(1),
        (p.buildPeakRssBytes / 2 ** 20).toFixed(0),
        (p.indexBytes / 1e6).toFixed(1),
        (p.indexBytes / p.textBytes).toFixed(2),
        p.oneShotSeconds.toFixed(3),
        (p.oneShotSeconds - baselineSeconds).toFixed(3),
        (p.buildSeconds / first.buildSeconds).toFixed(2),
        (p.oneShotSeconds / first.oneShotSeconds).toFixed(2),
      ].join(" | "),
    ).map((row) => `| ${row} |`),
  ].join("\n");
}

async function main(): Promise<void> {
  const settings = readSettings();
  requireArchive();
  const started = performance.now();
  // Other work on the machine slows every figure: the load before and after the run is printed with them.
  const loadBefore = loadavg()[0]!;
  const engines: Engine[] = [];
  const notes: string[] = [];
  for (const key of ENGINE_KEYS) {
    if (settings.skip.has(key)) continue;
    const engine = await loadEngine(key);
    const reason = engine.unavailable();
    if (reason) notes.push(`${engine.name} skipped: ${reason}`);
    else engines.push(engine);
  }

  const figures = engines.map((engine) => measureEngine(engine, settings));
  const oneShotRuns = settings.quick ? 3 : 5;
  log("one-shot baseline: node -e 0");
  const baselineSeconds = medianSeconds({ file: process.execPath, args: ["-e", "0"] }, BASELINE_RUNS);
  const kbsearch = figures[0]!;
  const scaling = settings.scaling ? await measureScaling(engines[0]!, kbsearch, oneShotRuns) : [];

  const load = `load average ${loadBefore.toFixed(1)} before the run, ${loadavg()[0]!.toFixed(1)} after`;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.versions.node}, ${load}`;
  const corpus = `${kbsearch.build.articles} articles, ${(kbsearch.build.textBytes / 1e6).toFixed(1)} MB of article text`;
  const grep = figures.find((f) => !f.hasIndex);
  notes.push(
    `one-shot: median of ${oneShotRuns} fresh processes (${SLOW_ONE_SHOT_RUNS} when one takes over ${SLOW_ONE_SHOT_SECONDS} s); \`node -e 0\`: ${baselineSeconds.toFixed(3)} s (median of ${BASELINE_RUNS})`,
    `warm: ${kbsearch.warm.queries} dev queries, 10 hits each (kbsearch with snippets, SQLite with snippet())${grep ? `; ${grep.name}: ${grep.warm.queries} of them, its "index" is the articles as plain files` : ""}`,
  );
  const output = [
    `Full archive (${corpus}); ${machine}.`,
    "",
    speedTable(figures, baselineSeconds),
    "",
    ...notes.map((note) => `- ${note}`),
    ...(scaling.length ? ["", "kbsearch as the corpus grows (first N articles of the archive):", "", scalingTable(scaling, baselineSeconds)] : []),
  ].join("\n");
  process.stdout.write(output + "\n");

  const report = { date: new Date().toISOString(), machine, corpus, query: ONE_SHOT_QUERY, baselineSeconds, engines: figures, scaling, notes };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + "\n");
  log(`figures written to ${settings.jsonPath} (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
}

await main();
