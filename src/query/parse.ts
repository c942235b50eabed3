/** Turns a query string into its words and, when it names one, an article number. */
import { analyzeToTokens } from "../analyze/analyzer.js";
import type { ParsedQuery, QueryWord } from "./types.js";

/** `Q149387`, `KB149387`, `kb 149387`, `KB: Q149387` anywhere in the query. */
const ARTICLE_REF = /\b(?:kb[\s:#-]*q?|q)(\d{3,7})\b/i;
/** A query that is only a number, as people type an article number. */
const BARE_NUMBER = /^\s*(\d{3,7})\s*$/;
const LETTERS = /^[a-z\u00c0-\u024f]+$/;
/** A word joined by one of these to more letters or digits is part of an identifier (`msmi` in `msmi.exe`). */
const JOINED_BEFORE = /\w[._]$/;
const JOINED_AFTER = /^[._]\w/;

export function parseQuery(text: string): ParsedQuery {
  const ref = findArticleRef(text);
  // The reference is searched as articles cite it (`Q149387`), so that after the article come
  // those citing it, and `kb` in `kb 149387` does not match every article that mentions kilobytes.
  const searched = ref ? text.slice(0, ref.index) + ` Q${ref.number} ` + text.slice(ref.index + ref.length) : text;
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  let openTerm: string | undefined;
  for (const token of analyzeToTokens(searched)) {
    if (token.end === searched.length) openTerm = token.term;
    if (seen.has(token.term)) continue;
    seen.add(token.term);
    const surface = searched.slice(token.start, token.end).toLowerCase();
    words.push({ surface, term: token.term, plain: LETTERS.test(surface) && !partOfIdentifier(searched, token.start, token.end), pos: token.pos });
  }
  return { text, words, openTerm, articleNumber: ref?.number };
}

function partOfIdentifier(text: string, start: number, end: number): boolean {
  return JOINED_BEFORE.test(text.slice(Math.max(0, start - 2), start)) || JOINED_AFTER.test(text.slice(end, end + 2));
}

/** The article number `text` names, in any of the forms above, or undefined. */
export function articleNumberIn(text: string): number | undefined {
  return findArticleRef(text)?.number;
}

function findArticleRef(text: string): { number: number; index: number; length: number } | undefined {
  const m = ARTICLE_REF.exec(text) ?? BARE_NUMBER.exec(text);
  return m ? { number: Number(m[1]), index: m.index, length: m[0].length } : undefined;
}
