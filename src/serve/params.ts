/**
 * A request's query string, read strictly: every parameter known, given once, percent-encoded
 * correctly, within the bounds a server sets; anything else is a 400 naming the parameter. The
 * search parameters are the CLI's options under their long names (`limit`, `offset`, `page`,
 * `product`, `year`, `since`, `until`, `sort`, `facets`, `explain`) and mean what they mean there.
 */
import { searchOptions, wholeNumber, type GlobalOptions } from "../cli/options.js";
import { SORT_ORDERS, type SearchOptions, type SortOrder } from "../query/types.js";
import { HttpError } from "./http-error.js";

/** What one request may ask for. The library takes more (100 kB queries, 1,000 hits); a public server bounds its work per request. */
export const LIMITS = {
  /** Characters of `q`: a pasted error dialog fits, a pasted article does not. */
  queryChars: 1000,
  /** Hits per page. */
  limit: 100,
  /** Hits skipped (`offset`, or `page` times `limit`): ranking a page costs ranking every hit before it. */
  offset: 10_000,
  /** Characters of the whole request target (path and query string). */
  urlChars: 8192,
  /** Characters of `q` for title suggestions: the start of a title. */
  suggestChars: 200,
  /** Suggestions per request. */
  suggestions: 20,
} as const;

type Kind = "text" | "count" | "flag" | "sort";

const SEARCH_PARAMETERS: Record<string, Kind> = {
  q: "text",
  limit: "count",
  offset: "count",
  page: "count",
  product: "text",
  year: "text",
  since: "text",
  until: "text",
  sort: "sort",
  facets: "flag",
  explain: "flag",
};

const PAGE_PARAMETERS: Record<string, Kind> = { limit: "count", offset: "count", page: "count" };
const SUGGEST_PARAMETERS: Record<string, Kind> = { q: "text", limit: "count" };

/** Decodes `a=1&b=x+y` to its pairs; throws 400 on a malformed percent escape or invalid UTF-8 in one. */
export function decodeQueryString(search: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const [rawName, rawValue] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    pairs.push([decodeComponent(rawName), decodeComponent(rawValue)]);
  }
  return pairs;
}

/** One percent-encoded URL component (`+` is a space, as forms send it). */
export function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    throw new HttpError(400, `malformed percent-encoding in "${raw.slice(0, 100)}"`);
  }
}

/** The parameters' values by name, each known to `known` and given at most once. */
function readParameters(search: string, known: Record<string, Kind>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of decodeQueryString(search)) {
    if (!Object.hasOwn(known, name)) throw new HttpError(400, `unknown parameter "${name.slice(0, 100)}" (known: ${Object.keys(known).join(", ")})`);
    if (values.has(name)) throw new HttpError(400, `parameter "${name}" given more than once`);
    values.set(name, value);
  }
  return values;
}

function count(values: Map<string, string>, name: string, max: number): number | undefined {
  const text = values.get(name);
  if (text === undefined) return undefined;
  const n = wholeNumber(text);
  if (n === undefined) throw new HttpError(400, `${name} must be a whole number of 0 or more (got "${text.slice(0, 100)}")`);
  if (n > max) throw new HttpError(400, `${name} may be at most ${max} (got ${n})`);
  return n;
}

function flag(values: Map<string, string>, name: string): boolean | undefined {
  const text = values.get(name);
  if (text === undefined) return undefined;
  if (text === "" || text === "1" || text === "true") return true;
  if (text === "0" || text === "false") return false;
  throw new HttpError(400, `${name} must be true, false, 1 or 0 (got "${text.slice(0, 100)}")`);
}

function sortOrder(values: Map<string, string>): SortOrder | undefined {
  const text = values.get("sort");
  if (text === undefined) return undefined;
  if (!(SORT_ORDERS as readonly string[]).includes(text)) throw new HttpError(400, `sort must be one of ${SORT_ORDERS.join(", ")} (got "${text.slice(0, 100)}")`);
  return text as SortOrder;
}

/** The paging options (`limit`, `offset`, `page`), bounded: the offset they come to is at most LIMITS.offset. */
function paging(values: Map<string, string>): Pick<GlobalOptions, "limit" | "offset" | "page"> {
  const limit = count(values, "limit", LIMITS.limit) ?? 10;
  const offset = count(values, "offset", LIMITS.offset) ?? 0;
  const page = count(values, "page", Number.MAX_SAFE_INTEGER);
  if (page !== undefined && values.has("offset")) throw new HttpError(400, "give page or offset, not both");
  if (page === 0) throw new HttpError(400, "page counts from 1");
  if (page !== undefined && (page - 1) * limit > LIMITS.offset) throw new HttpError(400, `page ${page} of ${limit} hits starts past hit ${LIMITS.offset}, the deepest a request may page`);
  return { limit, offset, page };
}

/** `GET /api/search`'s parameters: the query and the library's search options, as the CLI's options make them. */
export function searchRequest(search: string): { query: string; options: SearchOptions } {
  const values = readParameters(search, SEARCH_PARAMETERS);
  const query = values.get("q");
  if (query === undefined) throw new HttpError(400, "missing parameter q (the query)");
  if (query.length > LIMITS.queryChars) throw new HttpError(400, `q may be at most ${LIMITS.queryChars} characters (got ${query.length})`);
  const options: GlobalOptions = {
    ...paging(values),
    product: values.get("product"),
    year: values.get("year"),
    since: values.get("since"),
    until: values.get("until"),
    sort: sortOrder(values),
    facets: flag(values, "facets"),
    explain: flag(values, "explain"),
  };
  return { query, options: searchOptions(options) };
}

/** `GET /api/related/ID`'s parameters: paging only. */
export function relatedRequest(search: string): SearchOptions {
  return searchOptions(paging(readParameters(search, PAGE_PARAMETERS)));
}

/** `GET /api/suggest`'s parameters: the typed text and how many titles. */
export function suggestRequest(search: string): { query: string; limit: number } {
  const values = readParameters(search, SUGGEST_PARAMETERS);
  const query = values.get("q");
  if (query === undefined) throw new HttpError(400, "missing parameter q (the text typed so far)");
  if (query.length > LIMITS.suggestChars) throw new HttpError(400, `q may be at most ${LIMITS.suggestChars} characters (got ${query.length})`);
  return { query, limit: count(values, "limit", LIMITS.suggestions) ?? 8 };
}

/** Requests with no parameters (`/api/stats`, `/api/articles/ID`): any given is a 400. */
export function noParameters(search: string): void {
  readParameters(search, {});
}
