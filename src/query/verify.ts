/**
 * Checks an article's stored text for what postings cannot tell: that it says a phrase word for
 * word, and that the query's words stand in a named section. The text is re-analyzed with the
 * index's own analyzer, so a phrase matches exactly where its terms stand at the same distances
 * as in the phrase (stopwords keep their places: "could not open the file").
 */
import { analyzeToTokens } from "../analyze/analyzer.js";
import { findSections } from "../text/sections.js";
import type { StoredDoc } from "../store/format.js";
import type { QueryWord } from "./types.js";

/** A phrase as index terms and their positions relative to its first word. */
export type PhraseTerms = { term: string; offset: number }[];

/** What one branch of a query asks of an article's text. */
export interface TextChecks {
  phrases: PhraseTerms[];
  without: PhraseTerms[];
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
  return checks.phrases.some((p) => p.length > 1) || checks.without.some((p) => p.length > 1) || checks.sections.length > 0;
}

export function passesTextChecks(doc: StoredDoc, checks: TextChecks): boolean {
  if (checks.phrases.some((p) => p.length > 1) || checks.without.some((p) => p.length > 1)) {
    const positions = termPositions(doc.text);
    if (!checks.phrases.every((p) => says(positions, p))) return false;
    if (checks.without.some((p) => says(positions, p))) return false;
  }
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

function termPositions(text: string): Map<string, Set<number>> {
  const positions = new Map<string, Set<number>>();
  for (const t of analyzeToTokens(text)) {
    let at = positions.get(t.term);
    if (!at) positions.set(t.term, (at = new Set()));
    at.add(t.pos);
  }
  return positions;
}

function says(positions: Map<string, Set<number>>, phrase: PhraseTerms): boolean {
  if (phrase.length === 0) return true;
  const starts = positions.get(phrase[0]!.term);
  if (!starts) return false;
  for (const start of starts) if (phrase.every((p) => positions.get(p.term)?.has(start + p.offset))) return true;
  return false;
}
