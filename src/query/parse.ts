/** Turns a query string into terms and, when it names one, an article number. */
import { analyzeToTokens } from "../analyze/analyzer.js";
import type { ParsedQuery } from "./types.js";

/** `Q149387`, `KB149387`, `kb 149387`, `KB: Q149387` anywhere in the query. */
const ARTICLE_REF = /\b(?:kb[\s:#-]*q?|q)(\d{3,7})\b/i;
/** A query that is only a number, as people type an article number. */
const BARE_NUMBER = /^\s*(\d{3,7})\s*$/;

export function parseQuery(text: string): ParsedQuery {
  const ref = findArticleRef(text);
  // The reference is searched as articles cite it (`Q149387`), so that after the article come
  // those citing it, and `kb` in `kb 149387` does not match every article that mentions kilobytes.
  const searched = ref ? text.slice(0, ref.index) + ` Q${ref.number} ` + text.slice(ref.index + ref.length) : text;
  const terms = [...new Set(analyzeToTokens(searched).map((t) => t.term))];
  return { text, terms, articleNumber: ref?.number };
}

/** The article number `text` names, in any of the forms above, or undefined. */
export function articleNumberIn(text: string): number | undefined {
  return findArticleRef(text)?.number;
}

function findArticleRef(text: string): { number: number; index: number; length: number } | undefined {
  const m = ARTICLE_REF.exec(text) ?? BARE_NUMBER.exec(text);
  return m ? { number: Number(m[1]), index: m.index, length: m[0].length } : undefined;
}
