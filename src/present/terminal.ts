/**
 * Search results as a person reads them in a terminal: rank, id, title, product and date, then
 * the snippet with the query terms highlighted. Colour only on a terminal that wants it.
 */
import type { FacetCount, Facets, ScorePart, SearchHit, SearchResult } from "../query/types.js";
import type { StoredDoc } from "../store/format.js";
import { paint, visibleWidth, wrapStyled } from "./ansi.js";
import { articleUrl } from "./links.js";
import type { Style } from "./terminal-style.js";
import { terminalSafe, terminalSafeResult } from "./terminal-safe.js";

export { styleFor, type Style } from "./terminal-style.js";

/** Lines under a hit's head line start here, so that they stand under its id. */
const INDENT = "     ";

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
  const said = (code: string, text: string) => wrapStyled(paint(style.color, code, text), style.width);
  const corrected = result.corrections.length ? said("33", didYouMean(result)) : [];
  const missing = result.missingArticle ? said("33", missingLine(result)) : [];
  const warned = result.warnings.flatMap((w) => said("33", `note: ${w}`));
  const facets = result.facets ? [facetLines(result.facets, style)] : [];
  return [...warned, ...missing, ...lines, ...facets, ...corrected, ...said("2", summary)].join("\n") + "\n";
}

/**
 * `products: Microsoft Exchange 412 · Microsoft Windows NT 97`, one block per facet, wrapped
 * between values (never inside one) so that every value shows at any width.
 */
function facetLines(facets: Facets, style: Style): string {
  const block = (name: string, counts: FacetCount[]) => {
    const items = counts.length ? counts.map((c) => `${c.value} ${c.count}`) : ["—"];
    return fillItems(`${name}: `, items, " · ", style.width, "  ").map((line) => paint(style.color, "2", line));
  };
  return [...block("products", facets.products), ...block("tags", facets.tags), ...block("years", facets.years), ""].join("\n");
}

/**
 * `items` after `prefix`, as many to a line as fit in `width`, later lines under `indent`; an item
 * wider than a line is itself wrapped at its spaces.
 */
export function fillItems(prefix: string, items: readonly string[], separator: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = prefix;
  let fresh = true;
  for (const item of items) {
    const joined = fresh ? item : separator + item;
    if (!fresh && visibleWidth(line + joined) > width) {
      lines.push(line.trimEnd());
      line = indent;
      fresh = true;
    }
    if (fresh && visibleWidth(line + item) > width) {
      const wrapped = wrapStyled(line + item, width, { indent });
      lines.push(...wrapped.slice(0, -1));
      line = wrapped[wrapped.length - 1]!;
    } else {
      line += fresh ? item : joined;
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
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
  const head = wrapStyled(paint(style.color, "1", `${doc.id}: ${title}`), style.width).join("\n");
  return `${head}\n${paint(style.color, "2", articleUrl(doc.id))}\n\n${text}${doc.text.slice(pos)}`;
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
  // The title wraps at its spaces under the hit, never where the terminal would cut a word.
  const head = wrapStyled(`${String(hit.rank).padStart(3)}. ${paint(c, "1;36", hit.id.padEnd(8))} ${paint(c, "1", title)}`, style.width, { indent: INDENT });
  const about = [hit.products.join(", ") || "—", hit.modified].filter(Boolean).join(" · ");
  const under = (text: string) => wrapStyled(text, style.width, { firstIndent: INDENT, indent: INDENT });
  // An explanation that wraps goes on under its term, clear of the points column.
  const explained = hit.explain ? [...hit.explain.map(explainLine), totalLine(hit.score)].flatMap((line) => wrapStyled(paint(c, "2", line), style.width, { firstIndent: INDENT, indent: INDENT + " ".repeat(10) })) : [];
  return [...head, ...under(paint(c, "2", about)), ...under(highlight(hit, c)), ...explained, ...under(paint(c, "2;4", articleUrl(hit.id))), ""].join("\n");
}

/** `  = 14.52  score`: what the parts above it add up to. */
function totalLine(score: number): string {
  return `${`= ${score.toFixed(2)}`.padStart(8)}  score`;
}

/** `  +6.64  heap in lead (3x)`, `  +5.00  title coverage`, `  +2.10  print in body (1x, spelling)`. */
function explainLine(part: ScorePart): string {
  const points = `${part.points < 0 ? "" : "+"}${part.points.toFixed(2)}`.padStart(8);
  if (part.kind === "bonus") return `${points}  ${part.field}`;
  const how = part.kind === "exact" ? "" : `, ${part.kind}`;
  return `${points}  ${part.term} in ${part.field} (${part.tf}x${how})`;
}

/** The snippet with its highlights marked. */
function highlight(hit: SearchHit, color: boolean): string {
  let out = "";
  let pos = 0;
  for (const [start, end] of hit.highlights) {
    out += hit.snippet.slice(pos, start) + paint(color, "1;33", hit.snippet.slice(start, end));
    pos = end;
  }
  return out + hit.snippet.slice(pos);
}

