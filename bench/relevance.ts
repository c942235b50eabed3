/**
 * Relevance runner: every query of the development sets through kbsearch (the same search path as
 * `kbsearch batch`) and, beside it, SQLite FTS5 and MiniSearch over the same articles, scored with
 * MRR@10, Recall@10 and nDCG@10 per class (definitions in ../shared/eval/README.md).
 * Usage: npm run bench:relevance [-- --no-peers] [--rebuild] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadEngine } from "./peers/registry.js";
import type { Engine } from "./peers/types.js";
import { K, summarize, type Scores } from "./metrics.js";
import { benchCacheDir, commandLine, engineIndexDir, ensureIndex, loadEvalSet, requireArchive } from "./shared.js";

/** The engines scored, kbsearch first; the peers are the two that rank best on these sets. */
const ENGINES = ["kbsearch", "sqlite", "minisearch"];
const SETS = ["dev.jsonl", "real-dev.jsonl"];

function table(title: string, byEngine: Map<string, Map<string, Scores>>): string {
  const f = (x: number) => x.toFixed(3).replace(/^0/, "");
  const last = (k: string) => (k === "overall" ? 1 : k === "macro" ? 2 : 0);
  const engines = [...byEngine.keys()];
  const classes = [...byEngine.values().next().value!.entries()].sort(([a], [b]) => last(a) - last(b));
  const rows = classes.map(([k, { n }]) => {
    const cells = engines.flatMap((e) => {
      const s = byEngine.get(e)!.get(k)!;
      return [f(s.mrr), f(s.recall), f(s.ndcg)];
    });
    return `| ${k} | ${n} | ${cells.join(" | ")} |`;
  });
  return [
    title,
    `| class | n | ${engines.map((e) => `${e} MRR@10 | R@10 | nDCG@10`).join(" | ")} |`,
    `|---|---:|${engines.map(() => "---:|---:|---:|").join("")}`,
    ...rows,
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = commandLine("npm run bench:relevance [-- --no-peers] [--rebuild] [--json FILE]", () =>
    parseArgs({
      options: {
        "no-peers": { type: "boolean", default: false },
        rebuild: { type: "boolean", default: false },
        json: { type: "string", default: join(benchCacheDir, "relevance.json") },
      },
    }),
  );
  requireArchive();
  const engines: Engine[] = [];
  for (const key of values["no-peers"] ? ENGINES.slice(0, 1) : ENGINES) {
    const engine = await loadEngine(key);
    ensureIndex(engine, values.rebuild);
    engines.push(engine);
  }
  // Each engine is opened once for both sets: MiniSearch takes seconds to load.
  const sets = SETS.map((name) => ({ name, queries: loadEvalSet(name), byEngine: new Map<string, Map<string, Scores>>() }));
  for (const engine of engines) {
    process.stderr.write(`bench: ${engine.name}\n`);
    const index = engine.open(engineIndexDir(engine));
    for (const set of sets) set.byEngine.set(engine.name, summarize(set.queries, (query) => index.search(query, K).map((hit) => hit.id)));
    index.close();
  }
  const results: Record<string, Record<string, Record<string, Scores>>> = {};
  for (const set of sets) {
    results[set.name] = Object.fromEntries([...set.byEngine].map(([engine, scores]) => [engine, Object.fromEntries(scores)]));
    process.stdout.write(table(`${set.name} (${set.queries.length} queries; graded nDCG where the set has grades)`, set.byEngine) + "\n\n");
  }
  writeFileSync(values.json, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`figures written to ${values.json}\n`);
}

await main();
