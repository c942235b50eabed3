/**
 * A phrase as the index's terms at their distances (stopwords keep their places: "could not open
 * the file"), which phrases.ts finds from the index; and checks of an article's stored text for
 * what the index cannot tell: that the query's words stand in a named section.
 */
import { analyzeToTokens } from "../analyze/analyzer.js";
import { findSections } from "../parse/sections.js";
import type { StoredDoc } from "../store/format.js";
import type { QueryWord } from "./types.js";

/** A phrase as index terms and their positions relative to its first word. */
export type PhraseTerms = { term: string; offset: number }[];

/** What one branch of a query asks of an article's text. */
export interface TextChecks {
  /** Section names (lower case) one of which must hold every word of `sectionWords`. */
  sections: string[];
  sectionWords: QueryWord[];
}

export function phraseTerms(phrase: string): PhraseTerms {
  const tokens = analyzeToTokens(phrase);
  return tokens.map((t) => ({ term: t.term, offset: t.pos - tokens[0]!.pos }));
}

/** True when the checks need the stored text at all. */
export function needsText(checks: TextChecks): boolean {
  return checks.sections.length > 0;
}

export function passesTextChecks(doc: StoredDoc, checks: TextChecks): boolean {
  if (checks.sections.length === 0) return true;
  // The headings are in the text: the part before the body (the header) has none that count.
  const sections = findSections(doc.text, 0, doc.bodyEnd);
  return sections.some((s) => checks.sections.some((name) => sectionNamed(s.name, name)) && holdsWords(doc.text.slice(s.start, s.end), checks.sectionWords));
}

/** `section:symptom` names SYMPTOMS; `section:"more info"` names MORE INFORMATION. */
function sectionNamed(heading: string, asked: string): boolean {
  return heading.toLowerCase().startsWith(asked);
}

function holdsWords(text: string, words: QueryWord[]): boolean {
  const terms = new Set(analyzeToTokens(text).map((t) => t.term));
  return words.every((w) => terms.has(w.term) || w.aka.some((a) => terms.has(a.term)));
}
