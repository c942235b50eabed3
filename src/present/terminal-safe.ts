/**
 * Text bound for a terminal, made safe: the archive's articles (and a user's query echoed back)
 * may hold control characters, and an ESC sequence printed raw would retitle the window, recolour
 * the screen or plant a link. Every C0 and C1 control character but tab and newline is shown as a
 * visible symbol instead, one character for one, so that highlight offsets into the text still hold.
 */
import type { FacetCount, SearchResult } from "../query/types.js";

/** Control characters other than tab and newline: C0, DEL and C1. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** C0 as its Control Pictures symbol (ESC as ␛), DEL as ␡, C1 as U+FFFD. */
function symbol(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  return code === 0x7f ? "\u2421" : "\ufffd";
}

export function terminalSafe(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, symbol) : text;
}

/** `result` with every string that came from the archive or the query made safe for a terminal (one character for one, so highlights hold). */
export function terminalSafeResult(result: SearchResult): SearchResult {
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
