/**
 * The query language, one grammar for the CLI and the library. Reads a query string into a tree
 * of words, phrases, exclusions and OR groups, and the field and date filters it names (filters
 * apply to the whole query wherever they stand). Never throws: what it cannot read as syntax is
 * read as words or left out, with a warning saying so.
 *
 *   query   := and*                     (a stray ")" is skipped)
 *   and     := or*                      (implicit AND: ranked as plain queries are)
 *   or      := unary ("OR" unary)*      (OR binds tighter: `a OR b c` is `(a OR b) c`)
 *   unary   := ("-" | "NOT") primary | primary
 *   primary := word | word* | "phrase" | field:value | field:"value" | "(" and ")"
 */

export type QueryNode =
  | { kind: "word"; text: string; prefix: boolean }
  | { kind: "phrase"; text: string }
  | { kind: "not"; node: QueryNode }
  | { kind: "and"; nodes: QueryNode[] }
  | { kind: "or"; nodes: QueryNode[] };

/** Fields matched against an article's metadata (or, for `section:`, its text). */
export const FIELD_NAMES = ["product", "tag", "kw", "os", "version", "section", "id"] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
const DATE_FIELDS = ["year", "modified", "before", "after"] as const;
type DateField = (typeof DATE_FIELDS)[number];

export type Filter =
  | { kind: "field"; field: FieldName; value: string; negated: boolean; label: string }
  /** Last-modified dates from..to as yyyymmdd numbers, both ends included. */
  | { kind: "date"; from: number; to: number; negated: boolean; label: string };

export interface QuerySyntax {
  text: string;
  /** Undefined when the query has no words or phrases (filters alone, or nothing). */
  tree: QueryNode | undefined;
  filters: Filter[];
  warnings: string[];
  /** No operator, phrase, prefix or filter: the text is ranked exactly as typed. */
  plain: boolean;
}

type Token =
  | { type: "word"; text: string; prefix: boolean }
  | { type: "phrase"; text: string }
  | { type: "field"; name: FieldName | DateField; value: string; label: string }
  | { type: "or" | "not" | "open" | "close" };

/** `name:value` as typed; the name is checked against the known fields. */
const FIELD_TOKEN = /^([A-Za-z]+):(.*)$/s;
/** Prefixes of links and article references (`http://`, `kb:Q123`), which are words, not unknown fields. */
const NOT_FIELDS = new Set(["http", "https", "ftp", "file", "mailto", "kb", "q", "article"]);
/** A `-` starts an exclusion only before these (`-1018`, a negative error code, is a word). */
const EXCLUDABLE = /[\p{L}"(]/u;
/**
 * ...and not before one letter standing alone: `update -u`, `dir -s` are a command line's switches
 * as pasted, and no one excludes a one-letter word. (A pasted "update -u unattended" left out the
 * very article about it, which holds the command.)
 */
const SWITCH = /^-\p{L}(?=$|[\s),;])/u;
const DATE = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/;

/**
 * What one query may hold, so that any query answers within a second and a bounded memory: past
 * these, the rest of the query is left out, with a warning. (The longest of the evaluation sets'
 * real queries, a pasted dialog, has 293 characters and 52 words.)
 */
export const MAX_QUERY_CHARS = 2_000;
export const MAX_QUERY_WORDS = 64;
/** Parentheses nested deeper than this are read as if not there (the parser recurses per level). */
export const MAX_NESTING = 16;
const WORD_RUN = /[\p{L}\p{N}]+/gu;

/** `text` cut to MAX_QUERY_CHARS characters and MAX_QUERY_WORDS words, saying so in `warnings` when cut. */
function boundedQuery(text: string, warnings: string[]): string {
  let bounded = text;
  if (bounded.length > MAX_QUERY_CHARS) {
    // Not between the halves of a surrogate pair.
    const end = /[\ud800-\udbff]/.test(bounded[MAX_QUERY_CHARS - 1]!) ? MAX_QUERY_CHARS - 1 : MAX_QUERY_CHARS;
    bounded = bounded.slice(0, end);
    warnings.push(`the query is longer than ${MAX_QUERY_CHARS.toLocaleString("en-US")} characters: the rest was left out`);
  }
  WORD_RUN.lastIndex = 0;
  let words = 0;
  for (let m = WORD_RUN.exec(bounded); m; m = WORD_RUN.exec(bounded)) {
    if (++words > MAX_QUERY_WORDS) {
      bounded = bounded.slice(0, m.index);
      warnings.push(`the query has more than ${MAX_QUERY_WORDS} words: the rest was left out`);
      break;
    }
  }
  return bounded;
}

/**
 * Typographic quotes as the typewriter's: a phone's keyboard and a word processor type `won’t` and
 * `“heap corruption”`, which the archive writes `won't` and a phrase is quoted with.
 */
function typewriterQuotes(text: string): string {
  return text.replace(/[\u2018\u2019\u201b]/g, "'").replace(/[\u201c\u201d\u201e\u201f]/g, '"');
}

export function parseSyntax(query: string): QuerySyntax {
  const warnings: string[] = [];
  const text = boundedQuery(typewriterQuotes(query), warnings);
  const tokens = lex(text, warnings);
  const filters: Filter[] = [];
  let at = 0;
  let depth = 0;
  let operators = false;
  // A filter the query names, even one ignored for its value, takes the query off the plain path,
  // which would search the whole text as words (`year:abc heap` is heap, not year, abc and heap).
  let named = false;

  const parseAnd = (): QueryNode | undefined => {
    const nodes: QueryNode[] = [];
    for (let t = tokens[at]; t && t.type !== "close"; t = tokens[at]) {
      const node = parseOr();
      if (node) nodes.push(node);
    }
    return nodes.length > 1 ? { kind: "and", nodes } : nodes[0];
  };
  const parseOr = (): QueryNode | undefined => {
    const sides = [tokens[at]?.type === "or" ? undefined : parseUnary()];
    while (tokens[at]?.type === "or") {
      at++;
      const next = tokens[at];
      sides.push(next && next.type !== "or" && next.type !== "close" ? parseUnary() : undefined);
    }
    const present = sides.filter((n): n is QueryNode => n !== undefined);
    if (sides.length > 1 && present.length < sides.length) warnings.push("OR needs words on both sides: a lone OR was ignored");
    if (present.length > 1) operators = true;
    return present.length > 1 ? { kind: "or", nodes: present } : present[0];
  };
  const parseUnary = (): QueryNode | undefined => {
    if (tokens[at]?.type !== "not") return parsePrimary(false);
    at++;
    const next = tokens[at];
    if (!next || next.type === "or" || next.type === "close" || next.type === "not") {
      warnings.push("- or NOT with nothing after it was ignored");
      return undefined;
    }
    const node = parsePrimary(true);
    if (node) operators = true;
    return node ? { kind: "not", node } : undefined;
  };
  const parsePrimary = (negated: boolean): QueryNode | undefined => {
    const t = tokens[at++]!;
    switch (t.type) {
      case "word":
        if (t.prefix) operators = true;
        return { kind: "word", text: t.text, prefix: t.prefix };
      case "phrase":
        operators = true;
        return { kind: "phrase", text: t.text };
      case "field": {
        named = true;
        const filter = toFilter(t.name, t.value, negated, t.label, warnings);
        if (filter) filters.push(filter);
        if (filter && depth > 0) warnings.push(`${t.label} applies to the whole query, not only inside ( )`);
        return undefined;
      }
      case "open": {
        depth++;
        const inner = parseAnd();
        depth--;
        if (tokens[at]?.type === "close") at++;
        else warnings.push("a ( was not closed: read to the end of the query");
        return inner;
      }
      default:
        return undefined;
    }
  };

  const parts: QueryNode[] = [];
  while (at < tokens.length) {
    const node = parseAnd();
    if (node) parts.push(node);
    if (tokens[at]?.type === "close") {
      at++;
      warnings.push("a ) without its ( was ignored");
    }
  }
  const tree = parts.length > 1 ? { kind: "and" as const, nodes: parts } : parts[0];
  // Each warning once, however often the query repeats what it is about (`-(` a thousand times).
  return { text, tree, filters, warnings: [...new Set(warnings)], plain: !operators && !named };
}

/** The filter a `name:value` asks for, or undefined (with a warning) when the value is unusable. */
function toFilter(name: FieldName | DateField, value: string, negated: boolean, label: string, warnings: string[]): Filter | undefined {
  if (!namesSomething(value)) {
    warnings.push(`${label} has no value and was ignored`);
    return undefined;
  }
  if (!(DATE_FIELDS as readonly string[]).includes(name)) return { kind: "field", field: name as FieldName, value: value.trim(), negated, label };
  const range = dateRange(name as DateField, value.trim());
  if (!range) {
    warnings.push(`${label} is not a date (use 1999, 1999-03, 1999-03-23 or a range 1998..1999) and was ignored`);
    return undefined;
  }
  return { kind: "date", ...range, negated, label };
}

/** A filter value naming something: at least one letter or digit (not `""`, not `!`). */
export function namesSomething(value: string): boolean {
  return /[\p{L}\p{N}]/u.test(value);
}

/**
 * The dates a date filter covers (yyyymmdd, both ends included): `year:1999`, `modified:1999-03`,
 * `modified:1998..1999` (either end may be left open), `before:1999` (ends 1998-12-31),
 * `after:1999` (starts 2000-01-01). Undefined when the value is not a date.
 */
export function dateRange(field: DateField | "since" | "until", value: string): { from: number; to: number } | undefined {
  const [first, second] = value.includes("..") ? value.split("..", 2) : [value, value];
  const from = first === "" ? 0 : datePeriod(first!)?.from;
  const to = second === "" ? 99_999_999 : datePeriod(second!)?.to;
  if (from === undefined || to === undefined || from > to) return undefined;
  switch (field) {
    case "before":
      return from > 0 ? { from: 0, to: from - 1 } : undefined;
    case "after":
      return to < 99_999_999 ? { from: to + 1, to: 99_999_999 } : undefined;
    case "since":
      return { from, to: 99_999_999 };
    case "until":
      return { from: 0, to };
    default:
      return { from, to };
  }
}

/** A year, month or day as its first and last yyyymmdd. */
function datePeriod(value: string): { from: number; to: number } | undefined {
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? undefined : Number(m[2]);
  const day = m[3] === undefined ? undefined : Number(m[3]);
  if ((month !== undefined && (month < 1 || month > 12)) || (day !== undefined && (day < 1 || day > 31))) return undefined;
  const base = year * 10_000;
  if (month === undefined) return { from: base + 101, to: base + 1231 };
  if (day === undefined) return { from: base + month * 100 + 1, to: base + month * 100 + 31 };
  return { from: base + month * 100 + day, to: base + month * 100 + day };
}

/** Splits the query into tokens; quotes, parentheses, `-`, `OR`, `NOT`, `*` and `name:` are the syntax. */
function lex(text: string, warnings: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Open parentheses, and of them how many are read as if not there (nested past MAX_NESTING).
  let open = 0;
  let dropped = 0;
  let warnedNesting = false;
  const readPhrase = (): string => {
    const close = text.indexOf('"', i + 1);
    const phrase = text.slice(i + 1, close < 0 ? text.length : close);
    if (close < 0) warnings.push("a quote was not closed: the phrase runs to the end of the query");
    i = close < 0 ? text.length : close + 1;
    return phrase;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(") {
      if (open >= MAX_NESTING) {
        dropped++;
        if (!warnedNesting) warnings.push(`parentheses nested deeper than ${MAX_NESTING} levels were read as if not there`);
        warnedNesting = true;
      } else {
        open++;
        tokens.push({ type: "open" });
      }
      i++;
    } else if (c === ")") {
      if (dropped > 0) dropped--;
      else {
        if (open > 0) open--;
        tokens.push({ type: "close" });
      }
      i++;
    } else if (c === '"') {
      const phrase = readPhrase();
      if (phrase.trim() !== "") tokens.push({ type: "phrase", text: phrase });
    } else if (c === "-" && EXCLUDABLE.test(text[i + 1] ?? "") && !SWITCH.test(text.slice(i, i + 3)) && (i === 0 || /[\s(]/.test(text[i - 1]!))) {
      tokens.push({ type: "not" });
      i++;
    } else {
      let end = i;
      while (end < text.length && !/[\s()"]/.test(text[end]!)) end++;
      const bare = text.slice(i, end);
      i = end;
      tokens.push(...bareToken(bare, text[i] === '"' ? readPhrase : undefined, warnings));
    }
  }
  return tokens;
}

/** A run of text without spaces, quotes or parentheses: an operator, a filter, or a word. */
function bareToken(bare: string, quotedValue: (() => string) | undefined, warnings: string[]): Token[] {
  if (bare === "OR") return [{ type: "or" }];
  if (bare === "NOT") return [{ type: "not" }];
  if (bare === "AND") return [];
  const field = FIELD_TOKEN.exec(bare);
  if (field) {
    const name = field[1]!.toLowerCase();
    if ((FIELD_NAMES as readonly string[]).includes(name) || (DATE_FIELDS as readonly string[]).includes(name)) {
      const value = field[2] === "" && quotedValue ? quotedValue() : field[2]!;
      return [{ type: "field", name: name as FieldName | DateField, value, label: `${name}:${value.includes(" ") ? `"${value}"` : value}` }];
    }
    // `C:\GAMES`, `d:setup`: a drive and path, as pasted from a prompt or a dialog.
    if (field[2] !== "" && !/^[\\/]/.test(field[2]!) && name.length > 1 && !NOT_FIELDS.has(name)) {
      warnings.push(`${name}: is not a field (fields: ${[...FIELD_NAMES, ...DATE_FIELDS].join(", ")}): searched as words`);
    }
  }
  const star = /^(.*?)\*+$/s.exec(bare);
  if (star) return star[1] === "" ? [] : [{ type: "word", text: star[1]!, prefix: true }];
  return [{ type: "word", text: bare, prefix: false }];
}
