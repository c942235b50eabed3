/**
 * Speed and size runner: kbsearch and its peers in one run over the full archive, each step in a
 * fresh process, kbsearch's phrases (phrase-speed.ts), then how kbsearch grows with the corpus.
 * Prints markdown tables and writes every figure to JSON. Usage: npm run bench [-- --skip minisearch,grep] [--quick] [--no-scaling] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { directoryBytes, measureWarm, median, runMeasured } from "./measure.js";
import { ENGINE_KEYS, isEngineKey, loadEngine } from "./peers/registry.js";
import type { Command, Engine } from "./peers/types.js";
import { archiveTarball, benchCacheDir, commandLine, engineIndexDir, loadEvalSet, peopleQueries, requireArchive, usageError, type EvalQuery } from "./shared.js";
import { measurePhrases, phraseTable } from "./phrase-speed.js";
import { writeSubArchives } from "./sub-archive.js";
import type { WarmFigures } from "./warm.js";

const USAGE = "npm run bench [-- --skip minisearch,grep] [--quick] [--no-scaling] [--json FILE]";
const ONE_SHOT_QUERY = "heap corruption";
/** Fresh processes timed per one-shot command (the figure is their median)... */
const ONE_SHOT_RUNS = 7;
const QUICK_ONE_SHOT_RUNS = 3;
/** ...but for a command whose first run takes longer than this, to keep the run short. */
const SLOW_ONE_SHOT_SECONDS = 2;
const SLOW_ONE_SHOT_RUNS = 3;
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
  /** Warm over people's queries (shared.ts peopleQueries): long questions, pasted dialogs, forum posts. */
  people: WarmFigures;
  oneShot: OneShotFigures;
}

/** A command whose wall time in a fresh process the run takes: an engine's one-shot search, or `node -e 0`. */
interface OneShotSubject {
  command: Command;
  /** Throws when a run's output is not what it should be (an engine's one-shot must print 10 hits). */
  check?: (stdout: string) => void;
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

/** An engine's one-shot search of ONE_SHOT_QUERY over the index in `dir`. */
function oneShotOf(engine: Engine, dir: string): OneShotSubject {
  return {
    command: engine.oneShotCommand(dir, ONE_SHOT_QUERY),
    check: (stdout) => {
      const hits = stdout.split("\n").filter((line) => HIT_LINE.test(line)).length;
      if (hits < 10) throw new Error(`${engine.name}'s one-shot printed ${hits} hits, not 10:\n${stdout}`);
    },
  };
}

/**
 * Each subject's median over `runs` fresh processes (SLOW_ONE_SHOT_RUNS for one whose first run is
 * slow), the subjects taking turns round by round. Other work on a shared machine comes and goes
 * through a run, and so each subject meets it alike: timed one after another, each right after its
 * own engine's build (whose written index the system is still flushing), figures a few
 * milliseconds apart came out in either order from run to run.
 */
function measureOneShots(subjects: OneShotSubject[], runs: number): OneShotFigures[] {
  const times = subjects.map((): number[] => []);
  const wanted = subjects.map(() => runs);
  while (times.some((t, i) => t.length < wanted[i]!)) {
    subjects.forEach((subject, i) => {
      if (times[i]!.length >= wanted[i]!) return;
      const run = runMeasured(subject.command);
      subject.check?.(run.stdout);
      if (times[i]!.length === 0 && run.seconds > SLOW_ONE_SHOT_SECONDS) wanted[i] = Math.min(runs, SLOW_ONE_SHOT_RUNS);
      times[i]!.push(run.seconds);
    });
  }
  return times.map((t) => ({ medianSeconds: median(t), runs: t.length }));
}

/** An engine's build and warm figures (its one-shot is timed later, with the others'). */
function measureEngine(engine: Engine, settings: Settings): Omit<EngineFigures, "oneShot"> {
  const dir = engineIndexDir(engine);
  log(`${engine.name}: build`);
  const build = measureBuild(engine, archiveTarball, dir);
  log(`${engine.name}: built in ${build.seconds.toFixed(1)} s; warm queries`);
  const limit = Math.min(engine.warmQueryLimit ?? Infinity, settings.quick ? 300 : Infinity);
  const warm = measureWarm(engine.key, dir, limit);
  log(`${engine.name}: people's queries`);
  const people = measureWarm(engine.key, dir, limit, "people");
  return { key: engine.key, name: engine.name, hasIndex: engine.hasIndex, build, warm, people };
}

/** A smaller archive's kbsearch index: its build's figures, and where it is (for its one-shot). */
interface ScaleBuild {
  corpus: string;
  build: BuildFigures;
  indexDir: string;
}

/** kbsearch built over the first 1/8, 1/4 and 1/2 of the archive's `articles` (sub-archives made once, then reused). */
async function buildScaling(kbsearch: Engine, articles: number): Promise<ScaleBuild[]> {
  const dir = join(benchCacheDir, "scaling");
  const sizes = SCALING_DIVISORS.map((divisor) => ({ divisor, count: Math.ceil(articles / divisor) }));
  const tarball = (count: number) => join(dir, `first-${count}.tar.gz`);
  log("scaling: writing the smaller archives (once)");
  await writeSubArchives(archiveTarball, new Map(sizes.map(({ count }) => [tarball(count), count])));
  return sizes.map(({ divisor, count }) => {
    log(`scaling: 1/${divisor} of the archive`);
    const indexDir = join(dir, `index-${count}`);
    return { corpus: `1/${divisor}`, build: measureBuild(kbsearch, tarball(count), indexDir), indexDir };
  });
}

function scalePoint(corpus: string, build: BuildFigures, oneShot: OneShotFigures): ScalePoint {
  return {
    corpus,
    articles: build.articles,
    textBytes: build.textBytes,
    buildSeconds: build.seconds,
    buildPeakRssBytes: build.peakRssBytes,
    indexBytes: build.indexBytes,
    oneShotSeconds: oneShot.medianSeconds,
  };
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
    { label: "people's queries: warm p50 (ms)", value: (f) => f.people.p50Ms, digits: 2 },
    { label: "people's queries: warm p99 (ms)", value: (f) => f.people.p99Ms, digits: 2 },
    { label: "people's queries: CPU per query, mean (ms)", value: (f) => f.people.cpuPerQueryMs, digits: 2 },
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

/** The mean number of words (white-space separated) of the queries. */
function meanWords(queries: EvalQuery[]): number {
  return queries.reduce((sum, q) => sum + q.query.split(/\s+/).filter(Boolean).length, 0) / queries.length;
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

  const measured = engines.map((engine) => measureEngine(engine, settings));
  log("kbsearch: phrases");
  const phrases = measurePhrases(engineIndexDir(engines[0]!));
  const scaleBuilds = settings.scaling ? await buildScaling(engines[0]!, measured[0]!.build.articles) : [];
  // Every one-shot at the end, taking turns: `node -e 0`, each engine's, then the smaller archives' kbsearch.
  const oneShotRuns = settings.quick ? QUICK_ONE_SHOT_RUNS : ONE_SHOT_RUNS;
  log(`one-shots: node -e 0, ${engines.map((e) => e.name).join(", ")}${scaleBuilds.length ? ", kbsearch over the smaller archives" : ""}, in turn`);
  const [baseline, ...oneShots] = measureOneShots(
    [{ command: { file: process.execPath, args: ["-e", "0"] } }, ...engines.map((e) => oneShotOf(e, engineIndexDir(e))), ...scaleBuilds.map((b) => oneShotOf(engines[0]!, b.indexDir))],
    oneShotRuns,
  );
  const baselineSeconds = baseline!.medianSeconds;
  const figures: EngineFigures[] = measured.map((m, i) => ({ ...m, oneShot: oneShots[i]! }));
  const kbsearch = figures[0]!;
  const scaling = scaleBuilds.length
    ? [...scaleBuilds.map((b, i) => scalePoint(b.corpus, b.build, oneShots[engines.length + i]!)), scalePoint("all", kbsearch.build, kbsearch.oneShot)]
    : [];

  const load = `load average ${loadBefore.toFixed(1)} before the run, ${loadavg()[0]!.toFixed(1)} after`;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.versions.node}, ${load}`;
  const corpus = `${kbsearch.build.articles} articles, ${(kbsearch.build.textBytes / 1e6).toFixed(1)} MB of article text`;
  const grep = figures.find((f) => !f.hasIndex);
  notes.push(
    `one-shot: median of ${oneShotRuns} fresh processes${oneShotRuns > SLOW_ONE_SHOT_RUNS ? ` (${SLOW_ONE_SHOT_RUNS} when one takes over ${SLOW_ONE_SHOT_SECONDS} s)` : ""}, every command's runs taking turns after all builds; \`node -e 0\`: ${baselineSeconds.toFixed(3)} s`,
    `warm: ${kbsearch.warm.queries} dev queries, 10 hits each (kbsearch with snippets, SQLite with snippet())${grep ? `; ${grep.name}: ${grep.warm.queries} of them, its "index" is the articles as plain files` : ""}`,
    `people's queries: ${kbsearch.people.queries} of the realistic sets written since real-dev (real-extra, forum posts, real-blind), ${meanWords(peopleQueries()).toFixed(0)} words on average against dev's ${meanWords(loadEvalSet("dev.jsonl")).toFixed(0)}${grep ? `; ${grep.name}: ${grep.people.queries} of them` : ""}`,
  );
  const output = [
    `Full archive (${corpus}); ${machine}.`,
    "",
    speedTable(figures, baselineSeconds),
    "",
    ...notes.map((note) => `- ${note}`),
    "",
    "kbsearch's phrases, answered from the index (10 hits each, with snippets; each set in a fresh process, after untimed searches of other phrases):",
    "",
    phraseTable(phrases),
    ...(scaling.length ? ["", "kbsearch as the corpus grows (first N articles of the archive):", "", scalingTable(scaling, baselineSeconds)] : []),
  ].join("\n");
  process.stdout.write(output + "\n");

  const report = { date: new Date().toISOString(), machine, corpus, query: ONE_SHOT_QUERY, baselineSeconds, engines: figures, phrases, scaling, notes };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + "\n");
  log(`figures written to ${settings.jsonPath} (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
}

await main();
