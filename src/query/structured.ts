/**
 * A query as a program builds it, for when assembling a query string would mean quoting by hand:
 * turned into the query language's own text (syntax.ts), so it runs exactly as typed queries do.
 */
import { KbSearchError } from "../errors.js";
import type { FieldName } from "./syntax.js";
import type { SearchOptions } from "./types.js";

export interface StructuredQuery {
  /** Words, ranked as a plain query is (`heap corruption`). Operators in them are read as words. */
  words?: string;
  /** Phrases that must stand word for word. */
  phrases?: string[];
  /** Alternatives (words or phrases), one of which must match. */
  anyOf?: string[];
  /** Words or phrases that must not occur. */
  without?: string[];
  /** Field filters: `{ product: "exchange", tag: ["XADM", "XCON"] }` (several values: any of them). */
  fields?: Partial<Record<FieldName, string | string[]>>;
  /** Last modified on or after `since`, on or before `until` (`1999`, `1999-03`, `1999-03-23`). */
  since?: string | number;
  until?: string | number;
}

/** The query text and the options a structured query stands for. */
export function fromStructured(query: StructuredQuery): { text: string; options: SearchOptions } {
  checkShape(query);
  const parts: string[] = [];
  if (query.words) parts.push(literalWords(query.words));
  for (const phrase of query.phrases ?? []) parts.push(quoted(phrase));
  const alternatives = (query.anyOf ?? []).map(term).filter((t) => t !== "");
  if (alternatives.length) parts.push(`(${alternatives.join(" OR ")})`);
  for (const excluded of query.without ?? []) {
    const t = term(excluded);
    if (t) parts.push(`-${t}`);
  }
  for (const [field, value] of Object.entries(query.fields ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (v) parts.push(`${field}:${quotedIfNeeded(String(v))}`);
  }
  const options: SearchOptions = {};
  if (query.since !== undefined) options.since = query.since;
  if (query.until !== undefined) options.until = query.until;
  return { text: parts.join(" "), options };
}

/** Words with the language's operators taken out of them: quotes, parentheses, leading `-`, OR/NOT. */
function literalWords(words: string): string {
  return words
    .replace(/["()]/g, " ")
    .split(/\s+/)
    .map((w) => w.replace(/^-+(?=\p{L})/u, "").replace(/^(OR|NOT)$/, (op) => op.toLowerCase()))
    .filter((w) => w !== "")
    .join(" ");
}

/** One word as a word, several as a phrase. */
function term(text: string): string {
  const words = literalWords(text);
  return words.includes(" ") ? quoted(words) : words;
}

function quoted(text: string): string {
  return `"${text.replace(/"/g, " ").trim()}"`;
}

function quotedIfNeeded(value: string): string {
  return /[\s"()]/.test(value) ? quoted(value) : value;
}

/** Throws a usage error naming the first member of `query` that is not of its documented type (a caller's mistake, not a crash). */
function checkShape(query: StructuredQuery): void {
  const fail = (what: string, expected: string) => {
    throw new KbSearchError("usage", `structured query: ${what} must be ${expected}`);
  };
  const isText = (v: unknown) => typeof v === "string";
  const isTextList = (v: unknown) => Array.isArray(v) && v.every(isText);
  if (query.words !== undefined && !isText(query.words)) fail("words", "a string");
  for (const key of ["phrases", "anyOf", "without"] as const) if (query[key] !== undefined && !isTextList(query[key])) fail(key, "an array of strings");
  for (const key of ["since", "until"] as const) {
    const v = query[key];
    if (v !== undefined && !isText(v) && typeof v !== "number") fail(key, "a date (a string or a year)");
  }
  if (query.fields !== undefined) {
    if (typeof query.fields !== "object" || query.fields === null || Array.isArray(query.fields)) fail("fields", "an object");
    for (const [field, value] of Object.entries(query.fields ?? {})) {
      if (value !== undefined && !isText(value) && !isTextList(value)) fail(`fields.${field}`, "a string or an array of strings");
    }
  }
}
