/** The eval sets' metrics at 10 (../shared/eval/README.md): MRR, recall and nDCG, per class, overall and macro. */
import type { EvalQuery } from "./shared.js";

export interface Scores {
  mrr: number;
  recall: number;
  ndcg: number;
  n: number;
}

export const K = 10;

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

/** Each class's mean metrics over `queries` ranked by `search`, with "overall" and "macro" (the mean of the class means). */
export function summarize(queries: EvalQuery[], search: (query: string) => string[]): Map<string, Scores> {
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
    const s = score(q, search(q.query));
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

/** One row per class (overall and macro last), one MRR/Recall/nDCG column group per engine. */
