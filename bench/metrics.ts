/** The eval sets' metrics at 10 (../shared/eval/README.md): MRR, recall and nDCG, per class, overall and macro; one table format for them. */
import type { EvalQuery } from "./shared.js";

export interface Scores {
  mrr: number;
  recall: number;
  ndcg: number;
  n: number;
}

export type QueryScores = Omit<Scores, "n">;

export const K = 10;

/** One query's metrics; graded nDCG when the query has grades, binary otherwise. */
export function score(q: EvalQuery, ranked: string[]): QueryScores & { rank: number } {
  const ids = ranked.slice(0, K).map((id) => id.toUpperCase());
  const gain = (id: string) => (q.grades ? (q.grades[id] ?? 0) : q.relevant.some((r) => r.toUpperCase() === id) ? 1 : 0);
  const relevant = new Set(q.relevant.map((r) => r.toUpperCase()));
  const first = ids.findIndex((id) => relevant.has(id));
  const dcg = ids.reduce((sum, id, i) => sum + gain(id) / Math.log2(i + 2), 0);
  const ideal = (q.grades ? Object.values(q.grades) : q.relevant.map(() => 1)).sort((a, b) => b - a).slice(0, K);
  const idcg = ideal.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return { mrr: first < 0 ? 0 : 1 / (first + 1), recall: first < 0 ? 0 : 1, ndcg: idcg ? dcg / idcg : 0, rank: first + 1 };
}

/** Per class, overall (mean over queries) and macro (mean of class means), of the queries `keep` lets through. */
export function summarize(queries: readonly EvalQuery[], perQuery: ReadonlyMap<string, QueryScores>, keep: (q: EvalQuery) => boolean = () => true): Map<string, Scores> {
  const byClass = new Map<string, Scores>();
  const add = (key: string, s: QueryScores) => {
    const t = byClass.get(key) ?? { mrr: 0, recall: 0, ndcg: 0, n: 0 };
    t.mrr += s.mrr;
    t.recall += s.recall;
    t.ndcg += s.ndcg;
    t.n++;
    byClass.set(key, t);
  };
  for (const q of queries) {
    if (!keep(q)) continue;
    const s = perQuery.get(q.qid)!;
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

/** One row per class (overall and macro last), one column group per engine: MRR/Recall/nDCG, or MRR/Recall when `compact`. */
export function table(title: string, byEngine: Map<string, Map<string, Scores>>, compact = false): string {
  const f = (x: number) => x.toFixed(3).replace(/^0/, "");
  const last = (k: string) => (k === "overall" ? 1 : k === "macro" ? 2 : 0);
  const engines = [...byEngine.keys()];
  const classes = [...byEngine.values().next().value!.entries()].sort(([a], [b]) => last(a) - last(b) || (a < b ? -1 : 1));
  const metrics = compact ? ["MRR@10", "R@10"] : ["MRR@10", "R@10", "nDCG@10"];
  const rows = classes.map(([k, { n }]) => {
    const cells = engines.flatMap((e) => {
      const s = byEngine.get(e)!.get(k)!;
      return compact ? [f(s.mrr), f(s.recall)] : [f(s.mrr), f(s.recall), f(s.ndcg)];
    });
    return `| ${k} | ${n} | ${cells.join(" | ")} |`;
  });
  return [
    title,
    `| class | n | ${engines.map((e) => metrics.map((m) => `${e} ${m}`).join(" | ")).join(" | ")} |`,
    `|---|---:|${engines.map(() => metrics.map(() => "---:|").join("")).join("")}`,
    ...rows,
  ].join("\n");
}

/** `summarize` of `queries` as `search` ranks them. */
export function summarizeSearch(queries: readonly EvalQuery[], search: (query: string) => string[]): Map<string, Scores> {
  return summarize(queries, new Map(queries.map((q) => [q.qid, score(q, search(q.query))])));
}
