/**
 * Fits the ranking's weights (src/rank/weights.ts) to the relevance judgments, and says whether the
 * fit holds on queries it never saw.
 *
 * Coordinate ascent: each weight in turn is tried at a few multiples of its value (a few steps up and
 * down for the length normalizations, which live in 0..1), and a change is kept when it raises the
 * objective on the tuned folds: the mean of MRR@10 over people's tuned queries (real-dev's, or with
 * `--people` the realistic sets' pooled) and over dev's
 * (people's queries and the synthetic classes count alike), so long as no synthetic class falls
 * below where the hand-set weights have it (FLOOR_SLACK).
 * Rounds repeat until one changes nothing. Then both weight sets, hand-set and fitted, are scored on
 * the held-out folds, class by class.
 *
 * `--cross` fits twice, on folds 0,1 and on folds 2,3, each judged on the other half: a two-fold
 * cross-validation of the fitting itself, so the gain it reports is what fitting gives on unseen
 * queries, not what one lucky split gives.
 *
 * `--weights FILE` scores weights fitted before (some of RankingWeights, as JSON) in the same way.
 *
 * Usage: npm run fit-weights [-- --tune-folds 0,1] [--cross] [--rounds 3] [--weights FILE] [--json FILE]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SearchEngine } from "../src/query/search-engine.js";
import { setWeights, WEIGHTS, type RankingWeights } from "../src/rank/weights.js";
import { IndexReader } from "../src/store/reader.js";
import { assignFolds, parseFoldList } from "./folds.js";
import { score, summarize, table, type QueryScores } from "./metrics.js";
import { loadEngine } from "./peers/registry.js";
import { benchCacheDir, commandLine, engineIndexDir, ensureIndex, loadEvalSet, requireArchive, usageError, type EvalQuery } from "./shared.js";

const USAGE = "npm run fit-weights [-- --tune-folds 0,1] [--cross] [--people real-dev|all] [--rounds 3] [--weights FILE] [--json FILE]";
const FOLDS = 4;
/** The synthetic set whose classes keep their floors. */
const SYNTHETIC = "dev.jsonl";
/**
 * People's queries fitted on by default, and the realistic sets `--people all` pools (bench/eval's
 * are the project's own). real-blind.jsonl is not among them: it stays a judge no fit has seen.
 */
const REAL_DEV = ["real-dev.jsonl"];
const ALL_PEOPLE = ["real-dev.jsonl", "real-extra.jsonl", "forum-extra.jsonl"];

/** One weight the ascent moves: how to read it, write it, and the values to try from the current one. */
interface Knob {
  name: string;
  get: (w: RankingWeights) => number;
  set: (w: RankingWeights, value: number) => Partial<RankingWeights>;
  tries: (value: number) => number[];
}

const SCALE = [0.5, 0.75, 1.33, 2];
const scaled = (value: number) => SCALE.map((s) => value * s);
const unit = (value: number) => [-0.3, -0.15, 0.15, 0.3].map((d) => value + d).filter((v) => v >= 0 && v <= 1);

function scalar(name: keyof RankingWeights, tries = scaled): Knob {
  return { name, get: (w) => w[name] as number, set: (_w, value) => ({ [name]: value }), tries };
}

function entry(name: "fieldWeights" | "fieldB" | "coverageBonus", index: number, label: string, tries = scaled): Knob {
  return {
    name: `${name}.${label}`,
    get: (w) => w[name][index]!,
    set: (w, value) => ({ [name]: w[name].map((v, i) => (i === index ? value : v)) }),
    tries,
  };
}

/**
 * Every weight fitted. The body's field weight stays 1: it sets the scale the others are read in;
 * meta's b stays 0, as the index keeps no meta length.
 */
const KNOBS: Knob[] = [
  scalar("k1"),
  entry("fieldWeights", 0, "title"),
  entry("fieldWeights", 1, "queryWords"),
  entry("fieldWeights", 2, "meta"),
  entry("fieldWeights", 3, "lead"),
  entry("fieldB", 0, "title", unit),
  entry("fieldB", 1, "queryWords", unit),
  entry("fieldB", 3, "lead", unit),
  entry("fieldB", 4, "body", unit),
  entry("coverageBonus", 0, "title"),
  entry("coverageBonus", 1, "queryWords"),
  entry("coverageBonus", 3, "lead"),
  scalar("phraseBonus"),
  scalar("coordinationPower"),
  scalar("titleHeldBonus"),
  scalar("namedHeldBonus"),
  scalar("leadEmphasis"),
  scalar("chatterWeight", (v) => scaled(v).filter((x) => x <= 1)),
  scalar("intentHint"),
];

interface Judged {
  set: string;
  query: EvalQuery;
  fold: number;
}

/** Each judged query's scores with the weights now set. */
function run(reader: IndexReader, queries: readonly Judged[]): Map<string, QueryScores> {
  // A new engine makes a new scorer, which reads the weights afresh (its occurrence units are per scorer).
  const engine = new SearchEngine(reader);
  const scores = new Map<string, QueryScores>();
  for (const { query } of queries) scores.set(query.qid, score(query, engine.search(query.query, { limit: 10 }).hits.map((h) => h.id)));
  return scores;
}

/** The mean of two MRR@10s over `queries`: people's (every realistic set fitted on, pooled) and dev's. */
function objective(queries: readonly Judged[], scores: ReadonlyMap<string, QueryScores>): number {
  return (mean(queries.filter((q) => q.set !== SYNTHETIC), scores) + mean(queries.filter((q) => q.set === SYNTHETIC), scores)) / 2;
}

function mean(queries: readonly Judged[], scores: ReadonlyMap<string, QueryScores>): number {
  return queries.reduce((sum, q) => sum + scores.get(q.query.qid)!.mrr, 0) / Math.max(1, queries.length);
}

/** MRR@10 per synthetic class (dev.jsonl) of `queries`: the floors a fit must keep. */
function devClasses(queries: readonly Judged[], scores: ReadonlyMap<string, QueryScores>): Map<string, number> {
  const byClass = new Map<string, Judged[]>();
  for (const q of queries) if (q.set === SYNTHETIC) byClass.set(q.query.class, [...(byClass.get(q.query.class) ?? []), q]);
  return new Map([...byClass].map(([c, qs]) => [c, mean(qs, scores)]));
}

/**
 * A synthetic class may fall at most this far below where the hand-set weights have it on the tuned
 * folds: the floors hold the synthetic classes, and a fit that buys people's queries with one of
 * them (symptoms, first of all) is not kept.
 */
const FLOOR_SLACK = 0.003;

/** Coordinate ascent from the weights now set; leaves the fitted ones set and returns them with the trace. */
function fit(reader: IndexReader, tuned: readonly Judged[], rounds: number, log: (line: string) => void): { weights: RankingWeights; best: number; trace: string[] } {
  const trace: string[] = [];
  const first = run(reader, tuned);
  let best = objective(tuned, first);
  const floors = devClasses(tuned, first);
  const keepsFloors = (scores: ReadonlyMap<string, QueryScores>) => [...devClasses(tuned, scores)].every(([c, mrr]) => mrr >= floors.get(c)! - FLOOR_SLACK);
  log(`  start: ${best.toFixed(4)}`);
  for (let round = 1; round <= rounds; round++) {
    let moved = false;
    for (const knob of KNOBS) {
      const current = knob.get(WEIGHTS);
      const start = { ...WEIGHTS };
      let chosen = current;
      for (const value of knob.tries(current)) {
        setWeights(knob.set(start, value));
        const scores = run(reader, tuned);
        const got = objective(tuned, scores);
        if (got > best + 1e-4 && keepsFloors(scores)) {
          best = got;
          chosen = value;
        }
      }
      setWeights({ ...start, ...knob.set(start, chosen) });
      if (chosen !== current) {
        moved = true;
        const line = `round ${round}: ${knob.name} ${round4(current)} -> ${round4(chosen)}: ${best.toFixed(4)}`;
        trace.push(line);
        log(`  ${line}`);
      }
    }
    if (!moved) break;
  }
  return { weights: { ...WEIGHTS }, best, trace };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The held-out tables: per set, per class, hand-set beside fitted. */
function heldOutTables(reader: IndexReader, sets: readonly string[], held: readonly Judged[], hand: RankingWeights, fitted: RankingWeights, title: string): string {
  setWeights(hand);
  const before = run(reader, held);
  setWeights(fitted);
  const after = run(reader, held);
  const out: string[] = [];
  for (const set of sets) {
    const queries = held.filter((q) => q.set === set).map((q) => q.query);
    const rows = new Map([
      ["hand-set", summarize(queries, before)],
      ["fitted", summarize(queries, after)],
    ]);
    out.push("", table(`${set}, ${title} (${queries.length} queries)`, rows, true));
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const { values } = commandLine(USAGE, () =>
    parseArgs({
      options: {
        "tune-folds": { type: "string", default: "0,1" },
        cross: { type: "boolean", default: false },
        people: { type: "string", default: "real-dev" },
        rounds: { type: "string", default: "3" },
        json: { type: "string", default: join(benchCacheDir, "fitted-weights.json") },
        weights: { type: "string" },
      },
    }),
  );
  if (values.people !== "real-dev" && values.people !== "all") usageError(`--people is real-dev or all, not ${values.people}`, USAGE);
  requireArchive();
  const kbsearch = await loadEngine("kbsearch");
  ensureIndex(kbsearch);
  const reader = IndexReader.open(engineIndexDir(kbsearch));
  const sets = [...(values.people === "all" ? ALL_PEOPLE : REAL_DEV), SYNTHETIC];
  const judged: Judged[] = sets.flatMap((set) => {
    const queries = loadEvalSet(set);
    const folds = assignFolds(queries, FOLDS);
    return queries.map((query) => ({ set, query, fold: folds.get(query.qid)! }));
  });
  const hand: RankingWeights = { ...WEIGHTS };
  const splits = values.cross ? [[0, 1], [2, 3]] : [parseFoldList(values["tune-folds"], FOLDS)];
  const results = [];
  for (const tuneFolds of splits) {
    setWeights(hand);
    // Article numbers rank by number, not by weights: fitting skips them (the held-out tables keep them).
    const tuned = judged.filter((q) => tuneFolds.includes(q.fold) && q.query.class !== "id");
    const held = judged.filter((q) => !tuneFolds.includes(q.fold));
    console.log(`fitting on folds ${tuneFolds.join(",")} (${tuned.length} queries), judging on the other ${held.length}`);
    // --weights scores weights fitted before (a JSON object of some of RankingWeights) without fitting.
    const given = values.weights ? (JSON.parse(readFileSync(values.weights, "utf8")) as Partial<RankingWeights>) : undefined;
    const fitted = given ? { weights: { ...hand, ...given }, best: NaN, trace: [] } : fit(reader, tuned, Number(values.rounds), (line) => console.log(line));
    console.log(heldOutTables(reader, sets, held, hand, fitted.weights, `folds ${[0, 1, 2, 3].filter((f) => !tuneFolds.includes(f)).join(",")} held out`));
    results.push({ tuneFolds, objective: fitted.best, weights: fitted.weights, trace: fitted.trace });
  }
  setWeights(hand);
  writeFileSync(values.json, JSON.stringify({ hand, results }, null, 2) + "\n");
  console.log(`\nfitted weights written to ${values.json}`);
  reader.close();
}

await main();
