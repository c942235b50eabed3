/**
 * Relevance runner: every query of the development sets through the same search path as
 * `kbsearch batch`, scored with MRR@10, Recall@10 and nDCG@10 per class (definitions in
 * ../shared/eval/README.md). Usage: npm run bench:relevance [-- --rebuild] [--json FILE]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KbIndex } from "../src/query/engine.js";
import { benchIndexDir, ensureBenchIndex, requireArchive, sharedDir } from "./shared.js";

interface EvalQuery {
  qid: string;
  class: string;
  query: string;
  relevant: string[];
  grades?: Record<string, number>;
}

interface Scores {
  mrr: number;
  recall: number;
  ndcg: number;
  n: number;
}

const K = 10;

function loadSet(name: string): EvalQuery[] {
  return readFileSync(join(sharedDir, "eval", name), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalQuery);
}

/** One query's metrics; graded nDCG when the query has grades, binary otherwise. */
function score(q: EvalQuery, ranked: string[]): Omit<Scores, "n"> {
  const ids = ranked.slice(0, K).map((id) => id.toUpperCase());
  const gain = (id: string) => (q.grades ? (q.grades[id] ?? 0) : q.relevant.some((r) => r.toUpperCase() === id) ? 1 : 0);
  const relevant = new Set(q.relevant.map((r) => r.toUpperCase()));
  const first = ids.findIndex((id) => relevant.has(id));
  const dcg = ids.reduce((sum, id, i) => sum + gain(id) / Math.log2(i + 2), 0);
  const ideal = (q.grades ? Object.values(q.grades) : q.relevant.map(() => 1)).sort((a, b) => b - a).slice(0, K);
  const idcg = ideal.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return { mrr: first < 0 ? 0 : 1 / (first + 1), recall: first < 0 ? 0 : 1, ndcg: idcg ? dcg / idcg : 0 };
}

function summarize(queries: EvalQuery[], index: KbIndex): Map<string, Scores> {
  const byClass = new Map<string, Scores>();
  const add = (key: string, s: Omit<Scores, "n">) => {
    const t = byClass.get(key) ?? { mrr: 0, recall: 0, ndcg: 0, n: 0 };
    t.mrr += s.mrr;
    t.recall += s.recall;
    t.ndcg += s.ndcg;
    t.n++;
    byClass.set(key, t);
  };
  for (const q of queries) {
    const ranked = index.search(q.query, { limit: K }).hits.map((h) => h.id);
    const s = score(q, ranked);
    add(q.class, s);
    add("overall", s);
  }
  for (const t of byClass.values()) {
    t.mrr /= t.n;
    t.recall /= t.n;
    t.ndcg /= t.n;
  }
  const classes = [...byClass].filter(([k]) => k !== "overall");
  byClass.set("macro", {
    mrr: classes.reduce((s, [, t]) => s + t.mrr, 0) / classes.length,
    recall: classes.reduce((s, [, t]) => s + t.recall, 0) / classes.length,
    ndcg: classes.reduce((s, [, t]) => s + t.ndcg, 0) / classes.length,
    n: classes.length,
  });
  return byClass;
}

function table(title: string, scores: Map<string, Scores>): string {
  const f = (x: number) => x.toFixed(3).replace(/^0/, "");
  const last = (k: string) => (k === "overall" ? 1 : k === "macro" ? 2 : 0);
  const rows = [...scores]
    .sort(([a], [b]) => last(a) - last(b))
    .map(([k, s]) => `| ${k} | ${s.n} | ${f(s.mrr)} | ${f(s.recall)} | ${f(s.ndcg)} |`);
  return [`${title}`, "| class | n | MRR@10 | Recall@10 | nDCG@10 |", "|---|---|---|---|---|", ...rows].join("\n");
}

async function main(): Promise<void> {
  requireArchive();
  await ensureBenchIndex(process.argv.includes("--rebuild"));
  const index = KbIndex.open(benchIndexDir);
  const results: Record<string, Record<string, Scores>> = {};
  for (const set of ["dev.jsonl", "real-dev.jsonl"]) {
    const scores = summarize(loadSet(set), index);
    results[set] = Object.fromEntries(scores);
    process.stdout.write(table(`kbsearch on ${set}`, scores) + "\n\n");
  }
  const jsonAt = process.argv.indexOf("--json");
  const out = jsonAt > 0 ? process.argv[jsonAt + 1]! : join(benchIndexDir, "..", "relevance.json");
  writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`figures written to ${out}\n`);
}

await main();
