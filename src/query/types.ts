/** A query as the engine runs it. */
export interface ParsedQuery {
  /** The query as typed. */
  text: string;
  /** Distinct index terms, in query order. */
  terms: string[];
  /** An article number the query names (`Q149387`, `kb 149387`, `149387`): that article goes first. */
  articleNumber: number | undefined;
}

export interface SearchOptions {
  /** Hits to return (default 10). */
  limit?: number;
  /** Hits to skip first, for paging (default 0). */
  offset?: number;
}

/** One ranked article. */
export interface SearchHit {
  /** 1-based rank in the whole result (offset included). */
  rank: number;
  id: string;
  title: string;
  /** The title's tag (`PRB`, `XFOR`), or "". */
  tag: string;
  products: string[];
  /** Last modified, `YYYY-MM-DD`. */
  modified: string;
  score: number;
  /** "id" when the query named this article by number, "text" otherwise. */
  match: "id" | "text";
  /** A passage of the article around the query terms, white space collapsed. */
  snippet: string;
  /** Where query terms stand in `snippet`: [start, end) pairs. */
  highlights: [number, number][];
}

export interface SearchResult {
  query: string;
  /** The index terms the query was analyzed into. */
  terms: string[];
  /** Articles that matched at all. */
  total: number;
  offset: number;
  hits: SearchHit[];
  tookMs: number;
}
