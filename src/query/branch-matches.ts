/**
 * The documents a refined query's branches matched, kept as a few numbers per document rather than
 * objects: a branch of common words (`"windows nt"`) matches tens of thousands of articles, and a
 * query keeps each one's best branch and, for section checks, every branch's score.
 */
import type { RankedDoc, ScoredBy } from "./rank-words.js";

/** One branch's match of a document: what section checks go through, best first. */
export interface BranchScore {
  branch: number;
  score: number;
  match: RankedDoc["match"];
  verbatim?: RankedDoc["verbatim"];
}

export class BranchMatches {
  /** Per document, the branch its best score is from (-1: none matched), that score and whether it was the id match. */
  private readonly best: Int16Array;
  private readonly bestScore: Float64Array;
  private readonly bestById: Uint8Array;
  /** With every branch kept: per branch, each document's score there (NaN: not matched) and its id match. */
  private readonly scores: Float64Array[] | undefined;
  private readonly idDocs: number[];
  /** The verbatim runs rescored into a branch's scores (rank-words.ts), by branch x docCount + doc: a first page's few. */
  private readonly verbatims = new Map<number, NonNullable<RankedDoc["verbatim"]>>();
  /** How many documents matched any branch. */
  count = 0;

  constructor(docCount: number, private readonly branches: number, everyBranch: boolean) {
    this.best = new Int16Array(docCount).fill(-1);
    this.bestScore = new Float64Array(docCount);
    this.bestById = new Uint8Array(docCount);
    this.scores = everyBranch ? Array.from({ length: branches }, () => new Float64Array(docCount).fill(NaN)) : undefined;
    this.idDocs = new Array<number>(branches).fill(-1);
  }

  /**
   * Records that `branch` matched `doc` with `score`. Branches are added in order, each document
   * once per branch; a later branch takes a document's best only with a higher score.
   */
  add(doc: number, branch: number, score: number, match: RankedDoc["match"], verbatim?: RankedDoc["verbatim"]): void {
    if (this.scores) this.scores[branch]![doc] = score;
    if (verbatim) this.verbatims.set(this.key(branch, doc), verbatim);
    if (match === "id") this.idDocs[branch] = doc;
    const best = this.best[doc]!;
    if (best < 0) this.count++;
    else if (score <= this.bestScore[doc]!) return;
    this.best[doc] = branch;
    this.bestScore[doc] = score;
    this.bestById[doc] = match === "id" ? 1 : 0;
  }

  /** Every document matched, ascending, with its best branch's score (scoredBy: each branch's). */
  ranked(scoredBy: readonly (ScoredBy | undefined)[]): RankedDoc[] {
    const ranked: RankedDoc[] = [];
    const { best, bestScore, bestById } = this;
    for (let doc = 0; doc < best.length; doc++) {
      const branch = best[doc]!;
      if (branch < 0) continue;
      const verbatim = this.verbatims.get(this.key(branch, doc));
      ranked.push({ doc, score: bestScore[doc]!, match: bestById[doc] ? "id" : "text", scoredBy: scoredBy[branch], ...(verbatim && { verbatim }) });
    }
    return ranked;
  }

  /** Each branch's match of `doc`, best score first (the earlier branch on a tie); needs every branch kept. */
  branchesOf(doc: number): BranchScore[] {
    if (!this.scores) throw new Error("branch scores were not kept");
    const found: BranchScore[] = [];
    for (let branch = 0; branch < this.branches; branch++) {
      const score = this.scores[branch]![doc]!;
      const verbatim = this.verbatims.get(this.key(branch, doc));
      if (!Number.isNaN(score)) found.push({ branch, score, match: this.idDocs[branch] === doc ? "id" : "text", ...(verbatim && { verbatim }) });
    }
    return found.sort((a, b) => b.score - a.score);
  }

  private key(branch: number, doc: number): number {
    return branch * this.best.length + doc;
  }
}
