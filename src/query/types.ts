/** One word of a query, analyzed: what was typed and the index term it stands for. */
export interface QueryWord {
  /** The word as typed (lower-cased). */
  surface: string;
  /** Its index term. */
  term: string;
  /** Letters only, typed in lower case or capitalized: a word that may be misspelt or typed in part, unlike an identifier (`0x24`, `kernel32.dll`) or a name (`ATLControl`, `MVS`). */
  plain: boolean;
  /** Word position in the query, stopwords counted: how far apart the query's words stand. */
  pos: number;
  /** What a match on it counts for: 1, less for chatter ("how do i", "my"). */
  weight: number;
  /** How much of one typed word it is: 1, or 1/3 for each of "windows nt 4.0" typed as `nt4`. */
  share: number;
  /** Other index terms standing for the same thing: the abbreviation typed (`nt4` for "windows nt 4.0"), `4.0` for `4`. */
  aka: Alias[];
}

/** A query as parsed, before it meets an index. */
export interface ParsedQuery {
  /** The query as typed. */
  text: string;
  /** Its words, one per distinct term, in query order. */
  words: QueryWord[];
  /** The term of the word that ends the query with no space after it: it may be typed in part. */
  openTerm: string | undefined;
  /** An article number the query names (`Q149387`, `kb 149387`, `149387`): that article goes first. */
  articleNumber: number | undefined;
  /**
   * What the user is after, told by how the query is put: a procedure ("how do i ...", "how to
   * ..."), a problem told in their own words ("my pc keeps ...", "word wont print, i tried ..."),
   * or anything else (the archive's own words, a pasted message).
   */
  intent: QueryIntent;
}

export type QueryIntent = "howTo" | "problem" | "other";

/** An index term standing for a query word, and what its match counts for against the word's own. */
export interface Alias {
  term: string;
  weight: number;
}

/** Why an index term stands in for a query word. */
export type MatchKind = "exact" | "alias" | "spelling" | "prefix";

/** A spelling the engine searched instead of a word that is not (or hardly) in the archive. */
export interface Correction {
  /** The word as typed. */
  from: string;
  /** The word searched for instead, as the archive writes it. */
  to: string;
  /** Its index term. */
  term: string;
}

export interface SearchOptions {
  /** Hits to return (default 10). */
  limit?: number;
  /** Hits to skip first, for paging (default 0). */
  offset?: number;
  /** Page number from 1, `limit` hits a page: sets `offset` to (page - 1) * limit. */
  page?: number;
  /** Attach to each hit how its score was made. */
  explain?: boolean;
  /** As `product:NAME` in the query. */
  product?: string;
  /** As `year:YEAR` (`1999` or `1998..1999`). */
  year?: string | number;
  /** Modified on or after this date (`1999`, `1999-03`, `1999-03-23`). */
  since?: string | number;
  /** Modified on or before this date. */
  until?: string | number;
  /** `relevance` (default), `date` (newest first) or `id` (article number). */
  sort?: SortOrder;
  /** Count the matching articles by product, tag and year (`SearchResult.facets`). */
  facets?: boolean;
}

export const SORT_ORDERS = ["relevance", "date", "id"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** How many matching articles hold one value. */
export interface FacetCount {
  value: string;
  count: number;
}

/** Counts of all the matching articles (not only the page shown) by product, tag and year. */
export interface Facets {
  /** Commonest first, at most 20. */
  products: FacetCount[];
  /** Commonest first, at most 20; articles without a tag are not counted. */
  tags: FacetCount[];
  /** Every year, oldest first; articles without a date are not counted. */
  years: FacetCount[];
}

/** One part of a hit's score: a term's match in a field, or a bonus. */
export interface ScorePart {
  /** `title`, `queryWords`, `meta`, `lead`, `body`, or the bonus's name. */
  field: string;
  /** The index term (empty for a bonus). */
  term: string;
  /** How the term came from the query. */
  kind: MatchKind | "bonus";
  /** Occurrences of the term in the field. */
  tf: number;
  /** Points this part adds to the score. */
  points: number;
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
  /** The article's page on the archive's website (`https://jeffpar.github.io/kbarchive/kb/149/Q149387/`). */
  url: string;
  score: number;
  /** "id" when the query named this article by number, "text" otherwise. */
  match: "id" | "text";
  /** A passage of the article around the query terms, white space collapsed. */
  snippet: string;
  /** Where query terms stand in `snippet`: [start, end) pairs. */
  highlights: [number, number][];
  /** With `explain`: the parts its score is made of, largest first. */
  explain?: ScorePart[];
}

export interface SearchResult {
  query: string;
  /** The index terms searched for: the query's own, then spellings and completions standing in for them. */
  terms: string[];
  /** Words searched under another spelling ("did you mean"). */
  corrections: Correction[];
  /** The article the query names by number when the archive lacks it (`Q123456`); the hits are the articles citing it. */
  missingArticle?: string;
  /** Articles that matched at all. */
  total: number;
  offset: number;
  hits: SearchHit[];
  /** What of the query was not read as typed (an unknown field, an unclosed quote), and what was done instead. */
  warnings: string[];
  /** With `facets`: the matching articles counted by product, tag and year. */
  facets?: Facets;
  /** When filters left nothing: how many articles the words match without them. */
  unfilteredTotal?: number;
  tookMs: number;
}
