/**
 * Fixed folds of an eval set, so that ranking changes are tuned on some folds and judged on the
 * others. Within each class the queries are ordered by a hash of their qid and dealt out in turn,
 * so every fold holds its share of every class, and a query keeps its fold as the set grows (its
 * place among its class's hashes may shift, but only when queries are added to that class).
 */
import type { EvalQuery } from "./shared.js";

/** FNV-1a over the qid's UTF-16 code units: stable across runs and machines. */
export function qidHash(qid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < qid.length; i++) {
    h ^= qid.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Each query's fold (0 .. folds-1), by qid: stratified by class, dealt in the order of the qids' hashes. */
export function assignFolds(queries: readonly EvalQuery[], folds: number): Map<string, number> {
  const byClass = new Map<string, EvalQuery[]>();
  for (const q of queries) byClass.set(q.class, [...(byClass.get(q.class) ?? []), q]);
  const fold = new Map<string, number>();
  for (const members of byClass.values()) {
    members
      .slice()
      .sort((a, b) => qidHash(a.qid) - qidHash(b.qid) || (a.qid < b.qid ? -1 : 1))
      .forEach((q, i) => fold.set(q.qid, i % folds));
  }
  return fold;
}

/** `"0,2"` as fold numbers below `folds`; throws on anything else. */
export function parseFoldList(text: string, folds: number): number[] {
  const list = text.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  for (const f of list) if (!Number.isInteger(f) || f < 0 || f >= folds) throw new Error(`fold ${f} is not one of 0..${folds - 1}`);
  return [...new Set(list)].sort((a, b) => a - b);
}
