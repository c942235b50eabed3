/**
 * The search engine over one opened index, in Node (the library's `KbIndex`, engine.ts, and the
 * CLI's only way in) and in a browser (src/web/site-index.ts): query -> terms -> ranked documents
 * -> hits with snippets. Nothing here touches Node's modules but through the reader.
 */
import { normalize } from "../analyze/analyzer.js";
import { KbSearchError } from "../errors.js";
import { articleUrl } from "../present/links.js";
import { makeSnippet } from "../present/snippet.js";
import { Scorer } from "../rank/scorer.js";
import { BytesNotHere } from "../store/byte-source.js";
import type { IndexHeader, StoredDoc } from "../store/format.js";
import type { IndexReader } from "../store/index-reader.js";
import { planQuery, planTerms } from "./expand.js";
import { articleNumberIn, parseQuery } from "./parse.js";
import type { Ranking } from "./refine.js";
import { rankWords } from "./rank-words.js";
import { checkSearchOptions } from "./search-options.js";
import { fromStructured, type StructuredQuery } from "./structured.js";
import { parseSyntax, type QuerySyntax } from "./syntax.js";
import type { Facets, SearchHit, SearchOptions, SearchResult } from "./types.js";

export const DEFAULT_LIMIT = 10;
/** The most hits one search returns; paging goes further. */
export const MAX_LIMIT = 1000;

/** What `stats()` reports about an index. */
export interface IndexStats {
  path: string;
  bytes: number;
  /** The header's CRC-32 (8 hex digits), which covers every byte's checksum: it changes whenever the index does. */
  checksum: string;
  header: IndexHeader;
}

export class SearchEngine {
  private scorer: Scorer | undefined;
  private closed = false;
  /**
   * A ranking whose hits' stored text was not fetched yet (a browser's source threw BytesNotHere
   * presenting them): the same search run again once it is fetched presents it rather than ranking
   * the query a second time. A local file never throws so, and never sets it.
   */
  private awaitingText: { key: string; ranking: Ranking } | undefined;

  /** Searches the index `reader` reads, which it now owns (close() closes it). */
  constructor(protected readonly reader: IndexReader) {}

  /**
   * Ranks the articles for `query`: a string in the query language (syntax.ts) or a structured
   * query (structured.ts), which becomes that text. A plain query, without operators, filters,
   * facets or a sort, takes the direct path; any other loads the refined one.
   */
  search(query: string | StructuredQuery, options: SearchOptions = {}): SearchResult {
    const started = now();
    this.checkOpen();
    if (typeof query === "object" && query !== null) {
      const structured = fromStructured(query);
      return this.search(structured.text, { ...structured.options, ...options });
    }
    checkSearchOptions(options);
    const { limit, offset } = pageOf(options);
    const syntax = parseSyntax(typeof query === "string" ? query : "");
    this.scorer ??= new Scorer(this.reader);
    const key = JSON.stringify([query, options]);
    const waiting = this.awaitingText?.key === key ? this.awaitingText.ranking : undefined;
    this.awaitingText = undefined;
    const ranking = waiting ?? (syntax.plain && !refines(options) ? this.rankPlain(syntax, offset + limit + 1) : refinedPath().refinedSearch(this.reader, this.scorer, syntax, options, offset + limit));
    try {
      return this.present(syntax.text, ranking, offset, limit, options, started);
    } catch (err) {
      if (err instanceof BytesNotHere) this.awaitingText = { key, ranking };
      throw err;
    }
  }

  /**
   * Articles related to the one `ref` names: those sharing its most telling words, and those it
   * cites or that cite it. An article the archive lacks gives an empty result saying so.
   */
  related(ref: string, options: SearchOptions = {}): SearchResult {
    const started = now();
    this.checkOpen();
    checkSearchOptions(options);
    const { limit, offset } = pageOf(options);
    const number = articleNumberIn(ref);
    const doc = number === undefined ? undefined : this.reader.docForArticle(number);
    this.scorer ??= new Scorer(this.reader);
    const ranking: Ranking = doc !== undefined
      ? relatedPath().relatedRanking(this.reader, this.scorer, doc)
      : { ranked: [], total: 0, terms: [], corrections: [], missingArticle: number, warnings: number === undefined ? [`${ref} names no article`] : [] };
    // No explanations: the citation bonus is not a part of any query word's score.
    return this.present(`related:${number === undefined ? ref : `Q${number}`}`, ranking, offset, limit, { ...options, explain: false }, started);
  }

  /** The page of `ranking` asked for, as hits with snippets. */
  private present(query: string, ranking: Ranking, offset: number, limit: number, options: SearchOptions, started: number): SearchResult {
    const page = ranking.ranked.slice(offset, offset + limit);
    this.reader.willReadStored(page.map((r) => r.doc));
    const hits = page.map((r, i): SearchHit => {
      const doc = r.read?.stored ?? this.reader.stored(r.doc);
      const scoredBy = r.scoredBy ?? ranking.scoredBy;
      // Where rescoring found the words already, when it sought every word shown.
      const found = r.read && ranking.terms.every((t) => r.read!.sought.has(t)) ? r.read.found : undefined;
      const snippet = makeSnippet(doc.text, doc.bodyStart, doc.bodyEnd, ranking.terms, found);
      return {
        rank: offset + i + 1,
        id: doc.id,
        title: doc.title,
        tag: doc.tag,
        products: doc.products,
        modified: doc.modified,
        url: articleUrl(doc.id),
        score: Math.round(r.score * 1000) / 1000,
        match: r.match,
        snippet: snippet.text,
        highlights: snippet.highlights,
        ...(options.explain && scoredBy ? { explain: explanations().explainScore(this.reader, scoredBy.plan, r.doc, scoredBy.namedShare, r.verbatim) } : {}),
      };
    });
    return {
      query,
      terms: ranking.terms,
      corrections: ranking.corrections.map((c) => ({ ...c, to: writtenAs(c.term, hits) ?? c.to })),
      ...(ranking.missingArticle !== undefined ? { missingArticle: `Q${ranking.missingArticle}` } : {}),
      total: ranking.total,
      offset,
      hits,
      warnings: ranking.warnings,
      ...(ranking.facets ? { facets: ranking.facets } : {}),
      ...(ranking.unfilteredTotal !== undefined ? { unfilteredTotal: ranking.unfilteredTotal } : {}),
      tookMs: Math.round((now() - started) * 100) / 100,
    };
  }

  /** A plain query's best `k`, ranked as typed. */
  private rankPlain(syntax: QuerySyntax, k: number): Ranking {
    const parsed = parseQuery(syntax.text);
    const plan = planQuery(parsed, this.reader);
    const words = rankWords(this.reader, this.scorer!, parsed, plan, k);
    const terms = planTerms(plan);
    return { ...words, terms, corrections: plan.corrections, warnings: syntax.warnings, scoredBy: { plan, namedShare: words.namedShare } };
  }

  /** The stored article named by `ref` (`Q149387`, `149387`, `kb149387`), or undefined. */
  get(ref: string): StoredDoc | undefined {
    this.checkOpen();
    const number = articleNumberIn(ref);
    const doc = number === undefined ? undefined : this.reader.docForArticle(number);
    return doc === undefined ? undefined : this.reader.stored(doc);
  }

  /**
   * Every product, tag and year the index holds, with how many articles have each (products and
   * tags commonest first, years oldest first): the values filters accept.
   */
  catalog(): Facets {
    const { countFacets } = facetCounts();
    const every = Array.from({ length: this.reader.header.docCount }, (_, doc) => doc);
    return countFacets(this.reader.docMeta(), every, Infinity);
  }

  stats(): IndexStats {
    this.checkOpen();
    return { path: this.reader.path, bytes: this.reader.fileSize, checksum: this.reader.checksum, header: this.reader.header };
  }

  /** Closes the index file; closing twice is harmless, and any other use after it a KbSearchError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new KbSearchError("usage", `the index at ${this.reader.path} was closed: open it again to search it`);
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

/** True in the CLI's bundle, where the bundler (scripts/bundle-cli.ts) defines it; not defined in the library's ES modules. */
declare const KBSEARCH_BUNDLE: boolean | undefined;

/** Options that need the refined path even for a plain query. */
function refines(options: SearchOptions): boolean {
  const filtered = options.product !== undefined || options.year !== undefined || options.since !== undefined || options.until !== undefined;
  return filtered || Boolean(options.facets) || (options.sort !== undefined && options.sort !== "relevance");
}

/**
 * Modules only some searches need (filters, related articles, explanations), loaded on first use so
 * that a plain search never reads them. `search()` is synchronous, so they are loaded with require:
 * in the CLI's bundle, a CommonJS script, the bundle's own require, which finds them inside it (the
 * bundler follows only a literal `require("...")`); as ES modules (the library), a require made from
 * this file's URL (Node loads an ES module so from 20.19). Which one is told by KBSEARCH_BUNDLE, not by
 * whether a `require` is in scope: a host may have a global one (`node -e`, the REPL).
 */
const esmRequire = typeof KBSEARCH_BUNDLE !== "undefined" && KBSEARCH_BUNDLE ? undefined : process.getBuiltinModule("node:module").createRequire(import.meta.url);
const refinedPath = (): typeof import("./refine.js") => (esmRequire ? esmRequire("./refine.js") : require("./refine.js"));
const relatedPath = (): typeof import("./related.js") => (esmRequire ? esmRequire("./related.js") : require("./related.js"));
const facetCounts = (): typeof import("./facets.js") => (esmRequire ? esmRequire("./facets.js") : require("./facets.js"));
const explanations = (): typeof import("../rank/explain.js") => (esmRequire ? esmRequire("../rank/explain.js") : require("../rank/explain.js"));

/**
 * Milliseconds from an arbitrary start, for tookMs. Not performance.now() in Node: Node loads
 * perf_hooks on the first use of the global `performance`, half a millisecond of a one-shot search.
 * A browser has no `process`.
 */
const now: () => number = typeof process !== "undefined" && process.hrtime ? () => Number(process.hrtime.bigint()) / 1e6 : () => performance.now();

/** The hits asked for (options checked): `limit` of them from `offset`, or from the start of page `page`. */
function pageOf(options: SearchOptions): { limit: number; offset: number } {
  const limit = Math.min(Math.floor(options.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
  const page = options.page === undefined ? undefined : Math.floor(options.page);
  const offset = page ? Math.min((page - 1) * limit, Number.MAX_SAFE_INTEGER) : Math.min(Math.floor(options.offset ?? 0), Number.MAX_SAFE_INTEGER);
  return { limit, offset };
}
