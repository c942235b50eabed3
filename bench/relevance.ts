/**
 * Relevance runner: every query of the development sets through kbsearch (the same search path as
 * `kbsearch batch`) and, beside it, SQLite FTS5 and MiniSearch over the same articles, scored with
 * MRR@10, Recall@10 and nDCG@10 per class (definitions in ../shared/eval/README.md).
 *
 * Each set is split into fixed folds (folds.ts: by a hash of the qid, stratified by class), and a
 * table per fold follows the whole set's, so that a change tuned on some folds is judged on the
 * others: `--tune-folds 0,1` names the folds tuned on and adds a table for them and one for the
 * held-out rest. A set whose qids carry more than one prefix (real-dev's original `realdev-*` and
 * the later `r2a-*` ..) gets a table per prefix too.
 *
 * The peers' rankings never change between runs of one index, so they are kept in the cache
 * (bench/.cache/ranked-KEY.json) and read back; `--rebuild` rebuilds the indexes and drops them.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { assignFolds, parseFoldList } from "./folds.js";
import { K, score, summarize, table, type QueryScores } from "./metrics.js";
import { loadEngine } from "./peers/registry.js";
import type { Engine } from "./peers/types.js";
import { benchCacheDir, commandLine, engineIndexDir, ensureIndex, loadEvalSet, requireArchive, usageError, type EvalQuery } from "./shared.js";

/** The engines scored, kbsearch first; the peers are the two that rank best on these sets. */
const ENGINES = ["kbsearch", "sqlite", "minisearch"];
/** The sets of ../shared/eval, then the project's own (bench/eval): realistic queries and forum posts written since, never tuned on. */
const SETS = ["dev.jsonl", "real-dev.jsonl", "real-extra.jsonl", "forum-extra.jsonl", "real-blind.jsonl"];
const USAGE = "npm run bench:relevance [-- --no-peers] [--sets dev.jsonl,real-dev.jsonl,real-extra.jsonl,forum-extra.jsonl,real-blind.jsonl,PATH] [--peer-sets real-dev.jsonl] [--folds 4] [--tune-folds 0,1] [--no-fold-tables] [--rebuild] [--json FILE]";

/** A peer's rankings of earlier runs, by query text (an engine's ranking depends on nothing else). */
class RankingCache {
  private readonly file: string;
  private readonly ranked: Record<string, string[]>;
  private dirty = false;

  constructor(engine: Engine) {
    this.file = join(benchCacheDir, `ranked-${engine.key}.json`);
    this.ranked = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, "utf8")) as Record<string, string[]>) : {};
  }

  has(queries: readonly EvalQuery[]): boolean {
    return queries.every((q) => q.query in this.ranked);
  }

  get(query: string): string[] | undefined {
    return this.ranked[query];
  }

  set(query: string, ids: string[]): void {
    this.ranked[query] = ids;
    this.dirty = true;
  }

  save(): void {
    if (this.dirty) writeFileSync(this.file, JSON.stringify(this.ranked) + "\n");
  }

  static drop(engine: Engine): void {
    rmSync(join(benchCacheDir, `ranked-${engine.key}.json`), { force: true });
  }
}

/** The first part of a qid (`realdev` of `realdev-003`, `r2a` of `r2a-017`, `dev` of `dev-typo-017`): which batch of a set it came in. */
function batchOf(qid: string): string {
  return qid.split("-")[0]!;
}

async function main(): Promise<void> {
  const { values } = commandLine(USAGE, () =>
    parseArgs({
      options: {
        "no-peers": { type: "boolean", default: false },
        sets: { type: "string", default: SETS.join(",") },
        "peer-sets": { type: "string" },
        folds: { type: "string", default: "4" },
        "tune-folds": { type: "string" },
        "no-fold-tables": { type: "boolean", default: false },
        rebuild: { type: "boolean", default: false },
        json: { type: "string", default: join(benchCacheDir, "relevance.json") },
      },
    }),
  );
  const folds = Number(values.folds);
  if (!Number.isInteger(folds) || folds < 2) usageError(`--folds ${values.folds} is not a whole number of 2 or more`, USAGE);
  let tuned: number[] | undefined;
  try {
    tuned = values["tune-folds"] === undefined ? undefined : parseFoldList(values["tune-folds"], folds);
  } catch (err) {
    usageError((err as Error).message, USAGE);
  }
  requireArchive();
  const sets = values.sets.split(",").filter(Boolean).map((name) => {
    const queries = loadEvalSet(name);
    return { name, queries, fold: assignFolds(queries, folds), perQuery: new Map<string, Map<string, QueryScores & { rank: number }>>() };
  });
  const engines: Engine[] = [];
  for (const key of values["no-peers"] ? ENGINES.slice(0, 1) : ENGINES) {
    const engine = await loadEngine(key);
    if (values.rebuild) RankingCache.drop(engine);
    ensureIndex(engine, values.rebuild);
    engines.push(engine);
  }
  // Each engine is opened once for every set (MiniSearch takes seconds to load), and a peer not at
  // all when its cached rankings cover every query. `--peer-sets` names the sets the peers rank (a
  // peer's first run over the 1,514 dev queries takes long on a busy machine).
  const peerSets = values["peer-sets"]?.split(",").filter(Boolean);
  for (const engine of engines) {
    const cache = engine.key === "kbsearch" ? undefined : new RankingCache(engine);
    const ranked = sets.filter((set) => cache === undefined || peerSets === undefined || peerSets.includes(set.name));
    const cached = cache !== undefined && ranked.every((set) => cache.has(set.queries));
    process.stderr.write(`bench: ${engine.name}${cached ? " (rankings cached)" : ""}\n`);
    const index = cached ? undefined : engine.open(engineIndexDir(engine));
    for (const set of ranked) {
      const scores = new Map<string, QueryScores & { rank: number }>();
      for (const q of set.queries) {
        let ids = cache?.get(q.query);
        if (!ids) {
          ids = index!.search(q.query, K).map((hit) => hit.id);
          cache?.set(q.query, ids);
        }
        scores.set(q.qid, score(q, ids));
      }
      set.perQuery.set(engine.name, scores);
    }
    index?.close();
    cache?.save();
  }

  const results: Record<string, unknown> = {};
  for (const set of sets) {
    const byEngine = (keep?: (q: EvalQuery) => boolean) =>
      new Map([...set.perQuery].map(([engine, perQuery]) => [engine, summarize(set.queries, perQuery, keep)]));
    const whole = byEngine();
    const out: string[] = [table(`${set.name} (${set.queries.length} queries; graded nDCG where the set has grades)`, whole)];
    const batches = [...new Set(set.queries.map((q) => batchOf(q.qid)))];
    if (batches.length > 1) {
      for (const batch of batches) {
        const n = set.queries.filter((q) => batchOf(q.qid) === batch).length;
        out.push(table(`${set.name}, ${batch}-* only (${n} queries)`, byEngine((q) => batchOf(q.qid) === batch), true));
      }
    }
    if (tuned) {
      const inTuned = (q: EvalQuery) => tuned!.includes(set.fold.get(q.qid)!);
      const heldOut = [...Array(folds).keys()].filter((f) => !tuned!.includes(f));
      out.push(table(`${set.name}, tuned folds ${tuned.join(",")} (${set.queries.filter(inTuned).length} queries)`, byEngine(inTuned), true));
      out.push(table(`${set.name}, HELD-OUT folds ${heldOut.join(",")} (${set.queries.filter((q) => !inTuned(q)).length} queries)`, byEngine((q) => !inTuned(q)), true));
    }
    if (!values["no-fold-tables"]) {
      for (let f = 0; f < folds; f++) {
        const inFold = (q: EvalQuery) => set.fold.get(q.qid) === f;
        const role = tuned ? (tuned.includes(f) ? ", tuned" : ", held out") : "";
        out.push(table(`${set.name}, fold ${f} of ${folds}${role} (${set.queries.filter(inFold).length} queries)`, byEngine(inFold), true));
      }
    }
    results[set.name] = {
      scores: Object.fromEntries([...whole].map(([engine, scores]) => [engine, Object.fromEntries(scores)])),
      queries: set.queries.map((q) => ({
        qid: q.qid,
        class: q.class,
        fold: set.fold.get(q.qid),
        rank: Object.fromEntries([...set.perQuery].map(([engine, perQuery]) => [engine, perQuery.get(q.qid)!.rank])),
      })),
    };
    process.stdout.write(out.join("\n\n") + "\n\n");
  }
  writeFileSync(values.json, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`figures written to ${values.json} (every query's rank of its first relevant article per engine, 0 when outside the top ${K})\n`);
}

await main();
