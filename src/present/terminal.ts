/**
 * Search results as a person reads them in a terminal: rank, id, title, product and date, then
 * the snippet with the query terms highlighted. Colour only on a terminal that wants it.
 */
import type { FacetCount, Facets, ScorePart, SearchHit, SearchResult } from "../query/types.js";
import type { StoredDoc } from "../store/format.js";
import { terminalSafe } from "./terminal-safe.js";

export interface Style {
  color: boolean;
  /** Terminal width in columns, for wrapping snippets. */
  width: number;
}

const ESC = "\x1b[";
const paint = (on: boolean, code: string, s: string) => (on ? `${ESC}${code}m${s}${ESC}0m` : s);

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: NodeJS.WriteStream): Style {
  const color = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return { color, width: Math.max(40, Math.min(stream.columns || 100, 120)) };
}

export function formatResult(unsafe: SearchResult, style: Style): string {
  const result = terminalSafeResult(unsafe);
  const lines = result.hits.map((hit) => formatHit(hit, style));
  const shown = result.hits.length;
  const first = result.offset + 1;
  const summary = shown
    ? `${first}-${result.offset + shown} of ${result.total} articles for "${result.query}" (${result.tookMs} ms)`
    : result.total
      ? result.offset === 0 // no hits asked for (-n 0): the count alone
        ? `"${result.query}" matches ${result.total} articles (${result.tookMs} ms)`
        : `no hits past ${result.offset}: "${result.query}" matches ${result.total} articles`
      : result.unfilteredTotal !== undefined
        ? `no articles match "${result.query}"; without the filters ${result.unfilteredTotal} do`
        : `no articles match "${result.query}"`;
  const corrected = result.corrections.length ? [paint(style.color, "33", didYouMean(result))] : [];
  const missing = result.missingArticle ? [paint(style.color, "33", missingLine(result))] : [];
  const warned = result.warnings.map((w) => paint(style.color, "33", `note: ${w}`));
  const facets = result.facets ? [facetLines(result.facets, style)] : [];
  return [...warned, ...missing, ...lines, ...facets, ...corrected, paint(style.color, "2", summary)].join("\n") + "\n";
}

/** `products: Microsoft Exchange 412 · Microsoft Windows NT 97`, one line per facet, cut to the width. */
function facetLines(facets: Facets, style: Style): string {
  const line = (name: string, counts: FacetCount[]) => {
    const text = `${name}: ${counts.map((c) => `${c.value} ${c.count}`).join(" · ") || "—"}`;
    return paint(style.color, "2", text.length > style.width ? `${text.slice(0, style.width - 1)}…` : text);
  };
  return [line("products", facets.products), line("tags", facets.tags), line("years", facets.years), ""].join("\n");
}

/** An article for reading: its id and title, then its text with the `spans` highlighted. */
export function formatArticle(unsafe: StoredDoc, spans: readonly [number, number][], style: Style): string {
  // One for one, so the spans still hold.
  const doc = { ...unsafe, tag: terminalSafe(unsafe.tag), title: terminalSafe(unsafe.title), text: terminalSafe(unsafe.text) };
  const title = doc.tag ? `${doc.tag}: ${doc.title}` : doc.title;
  let text = "";
  let pos = 0;
  for (const [start, end] of spans) {
    text += doc.text.slice(pos, start) + paint(style.color, "1;33", doc.text.slice(start, end));
    pos = end;
  }
  return `${paint(style.color, "1", `${doc.id}: ${title}`)}\n\n${text}${doc.text.slice(pos)}`;
}

/** `Q123456 is not in the archive; 3 articles cite it:` */
function missingLine(result: SearchResult): string {
  const citing = result.hits.filter((h) => h.match === "text").length;
  return `${result.missingArticle} is not in the archive${citing ? "; articles that cite it or match the query:" : "."}`;
}

/** `did you mean "windows printer"? (searched for those words too)` */
function didYouMean(result: SearchResult): string {
  let suggestion = result.query;
  for (const { from, to } of result.corrections) {
    suggestion = suggestion.replace(new RegExp(`(?<![\\w.])${from}(?![\\w.])`, "i"), to);
  }
  return `did you mean "${suggestion}"? (searched for those words too)`;
}

function formatHit(hit: SearchHit, style: Style): string {
  const c = style.color;
  const title = hit.tag ? `${hit.tag}: ${hit.title}` : hit.title;
  const head = `${String(hit.rank).padStart(3)}. ${paint(c, "1;36", hit.id.padEnd(8))} ${paint(c, "1", title)}`;
  const about = [hit.products.join(", ") || "—", hit.modified].filter(Boolean).join(" · ");
  const indent = "     ";
  const explained = hit.explain ? hit.explain.map((part) => indent + paint(c, "2", explainLine(part))) : [];
  return [head, indent + paint(c, "2", about), ...wrap(highlight(hit, c), style.width - indent.length).map((l) => indent + l), ...explained, ""].join("\n");
}

/** `  +6.64  heap in lead (3x)`, `  +5.00  title coverage`, `  +2.10  print in body (1x, spelling)`. */
function explainLine(part: ScorePart): string {
  const points = `${part.points < 0 ? "" : "+"}${part.points.toFixed(2)}`.padStart(8);
  if (part.kind === "bonus") return `${points}  ${part.field}`;
  const how = part.kind === "exact" ? "" : `, ${part.kind}`;
  return `${points}  ${part.term} in ${part.field} (${part.tf}x${how})`;
}

/** The snippet with its highlights marked, as words (a highlight never splits across words). */
function highlight(hit: SearchHit, color: boolean): string[] {
  let out = "";
  let pos = 0;
  for (const [start, end] of hit.highlights) {
    out += hit.snippet.slice(pos, start) + paint(color, "1;33", hit.snippet.slice(start, end));
    pos = end;
  }
  return (out + hit.snippet.slice(pos)).split(" ");
}

/** Greedy word wrap by visible width (escape codes take no columns). */
function wrap(words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let visible = 0;
  for (const word of words) {
    const w = word.replace(/\x1b\[[0-9;]*m/g, "").length;
    if (visible && visible + 1 + w > width) {
      lines.push(line);
      line = "";
      visible = 0;
    }
    line += (visible ? " " : "") + word;
    visible += (visible ? 1 : 0) + w;
  }
  if (line) lines.push(line);
  return lines;
}

/** `result` with every string that came from the archive or the query made safe for a terminal (one character for one, so highlights hold). */
function terminalSafeResult(result: SearchResult): SearchResult {
  const counts = (list: FacetCount[]) => list.map((c) => ({ ...c, value: terminalSafe(c.value) }));
  return {
    ...result,
    query: terminalSafe(result.query),
    warnings: result.warnings.map(terminalSafe),
    corrections: result.corrections.map((c) => ({ ...c, from: terminalSafe(c.from), to: terminalSafe(c.to) })),
    hits: result.hits.map((hit) => ({
      ...hit,
      title: terminalSafe(hit.title),
      tag: terminalSafe(hit.tag),
      products: hit.products.map(terminalSafe),
      snippet: terminalSafe(hit.snippet),
      ...(hit.explain && { explain: hit.explain.map((part) => ({ ...part, term: terminalSafe(part.term) })) }),
    })),
    ...(result.facets && { facets: { products: counts(result.facets.products), tags: counts(result.facets.tags), years: counts(result.facets.years) } }),
  };
}
