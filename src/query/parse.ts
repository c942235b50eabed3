/** Turns a query string into terms and, when it names one, an article number. */
import { analyzeToTokens } from "../analyze/analyzer.js";
import type { ParsedQuery } from "./types.js";

/** `Q149387`, `KB149387`, `kb 149387`, `KB: Q149387` anywhere in the query. */
const ARTICLE_REF = /\b(?:kb[\s:#-]*q?|q)(\d{3,7})\b/i;
/** A query that is only a number, as people type an article number. */
const BARE_NUMBER = /^\s*(\d{3,7})\s*$/;

export function parseQuery(text: string): ParsedQuery {
  const terms = [...new Set(analyzeToTokens(text).map((t) => t.term))];
  return { text, terms, articleNumber: articleNumberIn(text) };
}

/** The article number `text` names, in any of the forms above, or undefined. */
export function articleNumberIn(text: string): number | undefined {
  const ref = ARTICLE_REF.exec(text) ?? BARE_NUMBER.exec(text);
  return ref ? Number(ref[1]) : undefined;
}
