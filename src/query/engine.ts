/**
 * The search engine over one opened index: the library's `KbIndex` and the CLI's only way in.
 * query -> terms -> ranked documents -> hits with snippets.
 */
import { normalize } from "../analyze/analyzer.js";
import { KbSearchError } from "../errors.js";
import { makeSnippet } from "../present/snippet.js";
import { explainScore } from "../rank/explain.js";
import { Scorer, type ScoredDoc } from "../rank/scorer.js";
import type { IndexHeader, StoredDoc } from "../store/format.js";
import { IndexReader } from "../store/reader.js";
import { planQuery } from "./expand.js";
import { articleNumberIn, parseQuery } from "./parse.js";
import type { SearchHit, SearchOptions, SearchResult } from "./types.js";

export const DEFAULT_LIMIT = 10;
/** The most hits one search returns; paging goes further. */
export const MAX_LIMIT = 1000;

/** What `stats()` reports about an index. */
export interface IndexStats {
  path: string;
  bytes: number;
  header: IndexHeader;
}

export class KbIndex {
  private scorer: Scorer | undefined;

  private constructor(private readonly reader: IndexReader) {}

  /** Opens the index in `dir`; throws KbSearchError when there is none or it cannot be read. */
  static open(dir: string): KbIndex {
    return new KbIndex(IndexReader.open(dir));
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const started = performance.now();
    const limit = clampCount(options.limit ?? DEFAULT_LIMIT, "limit", MAX_LIMIT);
    const offset = clampCount(options.offset ?? 0, "offset", Number.MAX_SAFE_INTEGER);
    const parsed = parseQuery(typeof query === "string" ? query : "");
    const plan = planQuery(parsed, this.reader);
    const terms = [...new Set(plan.groups.flatMap((g) => g.alternatives.map((a) => a.entry.term)))];

    const pinnedDoc = parsed.articleNumber === undefined ? undefined : this.reader.docForArticle(parsed.articleNumber);
    const ranked: (ScoredDoc & { match: "id" | "text" })[] = [];
    this.scorer ??= new Scorer(this.reader);
    const scored = this.scorer.score(plan, offset + limit + 1, pinnedDoc);
    if (pinnedDoc !== undefined) {
      ranked.push({ doc: pinnedDoc, score: scored.watched?.score ?? 0, matched: scored.watched?.matched ?? 0, match: "id" });
    }
    for (const s of scored.top) if (s.doc !== pinnedDoc) ranked.push({ ...s, match: "text" });
    const pinnedOnly = pinnedDoc !== undefined && !scored.watched ? 1 : 0;

    const hits = ranked.slice(offset, offset + limit).map((r, i): SearchHit => {
      const doc = this.reader.stored(r.doc);
      const snippet = makeSnippet(doc.text, doc.bodyStart, doc.bodyEnd, terms);
      return {
        rank: offset + i + 1,
        id: doc.id,
        title: doc.title,
        tag: doc.tag,
        products: doc.products,
        modified: doc.modified,
        score: Math.round(r.score * 1000) / 1000,
        match: r.match,
        snippet: snippet.text,
        highlights: snippet.highlights,
        ...(options.explain ? { explain: explainScore(this.reader, plan, r.doc) } : {}),
      };
    });
    return {
      query: parsed.text,
      terms,
      corrections: plan.corrections.map((c) => ({ ...c, to: writtenAs(c.term, hits) ?? c.to })),
      ...(parsed.articleNumber !== undefined && pinnedDoc === undefined ? { missingArticle: `Q${parsed.articleNumber}` } : {}),
      total: scored.total + pinnedOnly,
      offset,
      hits,
      tookMs: Math.round((performance.now() - started) * 100) / 100,
    };
  }

  /** The stored article named by `ref` (`Q149387`, `149387`, `kb149387`), or undefined. */
  get(ref: string): StoredDoc | undefined {
    const number = articleNumberIn(ref);
    const doc = number === undefined ? undefined : this.reader.docForArticle(number);
    return doc === undefined ? undefined : this.reader.stored(doc);
  }

  stats(): IndexStats {
    return { path: this.reader.path, bytes: this.reader.fileSize, header: this.reader.header };
  }

  close(): void {
    this.reader.close();
  }
}

/**
 * A correction as the hits write it: the variant one edit from the typed word only shares the
 * word's stem (`installat` -> "installal"), while the hits' highlighted words are real ones.
 */
function writtenAs(term: string, hits: readonly SearchHit[]): string | undefined {
  for (const hit of hits) {
    for (const [start, end] of hit.highlights) {
      const word = hit.snippet.slice(start, end).toLowerCase();
      if (normalize(word) === term) return word;
    }
  }
  return undefined;
}

function clampCount(value: number, name: string, max: number): number {
  if (!Number.isFinite(value) || value < 0) throw new KbSearchError("usage", `${name} must be a whole number of 0 or more (got ${value})`);
  return Math.min(Math.floor(value), max);
}
