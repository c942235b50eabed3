/**
 * What a search's options must be, checked before any work: an option is the caller's explicit
 * choice, so one that cannot be read is an error (KbSearchError "usage", the CLI's exit 2), unlike
 * the same filter typed in the query, which is noted and ignored (syntax.ts). The CLI checks its
 * options with this too, before it opens the index.
 */
import { KbSearchError } from "../errors.js";
import { dateRange, namesSomething } from "./syntax.js";
import type { SearchOptions, SortOrder } from "./types.js";

export const SORT_ORDERS: readonly SortOrder[] = ["relevance", "date", "id"];

/** Throws a KbSearchError ("usage") naming the first option of `options` that cannot be used. */
export function checkSearchOptions(options: SearchOptions): void {
  const fail = (message: string) => {
    throw new KbSearchError("usage", message);
  };
  if (options === null || typeof options !== "object") fail("search options must be an object");
  if (options.sort !== undefined && !SORT_ORDERS.includes(options.sort)) fail(`sort must be ${SORT_ORDERS.join(", ")} (got ${JSON.stringify(options.sort)})`);
  if (options.product !== undefined && (typeof options.product !== "string" || !namesSomething(options.product))) {
    fail(`product needs a name, such as exchange, "sql server" or win95 (got ${JSON.stringify(options.product)})`);
  }
  for (const name of ["year", "since", "until"] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if ((typeof value !== "string" && typeof value !== "number") || !dateRange(name, String(value).trim())) {
      const forms = name === "year" ? "1999, or a range 1998..1999" : "1999, 1999-03 or 1999-03-23";
      fail(`${name} ${JSON.stringify(value)} is not a date (use ${forms})`);
    }
  }
  for (const name of ["limit", "offset", "page"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) fail(`${name} must be a whole number of 0 or more (got ${JSON.stringify(value)})`);
  }
  if (options.page !== undefined) {
    if (options.page === 0) fail("page counts from 1");
    if (options.offset) fail("give page or offset, not both (page N starts at offset (N - 1) x limit)");
    if (options.limit === 0) fail("page needs a limit of 1 or more hits a page");
  }
}
