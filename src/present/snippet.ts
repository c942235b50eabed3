/**
 * Picks the passage of an article that shows the query best (the window holding the most
 * distinct query terms) and marks the terms in it. Terms are found by the same analyzer that
 * indexed the article, so a highlight is exactly a match; offsets come from its tokens.
 */
import { findTerms, type FoundTerm } from "../analyze/term-places.js";

export interface Snippet {
  text: string;
  highlights: [number, number][];
}

/** About how many characters a snippet shows. */
export const SNIPPET_LENGTH = 220;
/** How far back from the first match a snippet may start, to begin at a sentence. */
const LEAD_IN = 60;

/** A term's place, its word position aside (a snippet needs none). */
type Match = Pick<FoundTerm, "start" | "end" | "term">;

/**
 * The snippet of text[from, to) for `terms`. `found`, when given, is where they stand in the whole
 * text (findTerms over it, for these terms and maybe more), found before: the snippet takes its own
 * from it rather than seeking them again.
 */
export function makeSnippet(text: string, from: number, to: number, terms: readonly string[], found?: readonly FoundTerm[]): Snippet {
  const wanted = new Set(terms);
  const matches = found ? found.filter((m) => m.start >= from && m.end <= to && wanted.has(m.term)) : findTerms(text.slice(from, to), wanted, from);
  const bodyStart = skipSpace(text, from, to);
  let start = bodyStart;
  if (matches.length) {
    const best = bestWindow(matches);
    start = sentenceStart(text, Math.max(from, matches[best]!.start - LEAD_IN), matches[best]!.start);
  }
  start = skipSpace(text, start, to);
  let end = Math.min(to, start + SNIPPET_LENGTH);
  if (end < to) end = wordEnd(text, end, to);
  const inWindow = merge(matches.filter((m) => m.start >= start && m.end <= end));
  return collapse(text, start, end, inWindow, start > bodyStart, end < to);
}

/** Where `terms` stand in `text`, as [start, end) spans, overlapping ones merged (`show --query`). */
export function highlightSpans(text: string, terms: readonly string[]): [number, number][] {
  return merge(findTerms(text, new Set(terms))).map((m): [number, number] => [m.start, m.end]);
}

/** Overlapping matches (`kernel32.dll` and its part `kernel32`) become one highlight. */
function merge(matches: Match[]): Match[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Match[] = [];
  for (const m of sorted) {
    const last = merged[merged.length - 1];
    if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
    else merged.push({ ...m });
  }
  return merged;
}

/** Index of the match that starts the window with the most distinct terms (then most matches). */
function bestWindow(matches: Match[]): number {
  // Each window's distinct terms are counted by marking a term's number with the window's, not
  // in a set made per window: a common word's article has hundreds of windows.
  const numbers = new Map<string, number>();
  for (const m of matches) if (!numbers.has(m.term)) numbers.set(m.term, numbers.size);
  const termOf = Int32Array.from(matches, (m) => numbers.get(m.term)!);
  const seenIn = new Int32Array(numbers.size).fill(-1);
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < matches.length; i++) {
    let distinct = 0;
    let count = 0;
    for (let j = i; j < matches.length && matches[j]!.end - matches[i]!.start <= SNIPPET_LENGTH - LEAD_IN; j++) {
      if (seenIn[termOf[j]!] !== i) {
        seenIn[termOf[j]!] = i;
        distinct++;
      }
      count++;
    }
    const score = distinct * 100 + count;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** The start of the sentence holding `at`, if it begins after `limit`; else the word after `limit`. */
function sentenceStart(text: string, limit: number, at: number): number {
  for (let i = at - 1; i > limit; i--) {
    const c = text[i]!;
    if (c === "\n" && text[i - 1] === "\n") return i + 1;
    if ((c === " " || c === "\n") && /[.!?:]/.test(text[i - 1]!)) return i + 1;
  }
  if (limit === 0 || /\s/.test(text[limit - 1]!)) return limit;
  const space = text.slice(limit, at).search(/\s/);
  return space < 0 ? at : limit + space + 1;
}

function skipSpace(text: string, pos: number, limit: number): number {
  while (pos < limit && /\s/.test(text[pos]!)) pos++;
  return pos;
}

function wordEnd(text: string, pos: number, limit: number): number {
  while (pos < limit && !/\s/.test(text[pos]!)) pos++;
  return pos;
}

/**
 * Copies text[start, end) with runs of white space, and the rules that underline the articles'
 * section headings (`RESOLUTION` over `==========`), made one space, moving highlight offsets along.
 */
function collapse(text: string, start: number, end: number, matches: Match[], before: boolean, after: boolean): Snippet {
  let out = before ? "… " : "";
  const highlights: [number, number][] = [];
  let m = 0;
  let open = -1;
  let space = false;
  for (let i = start; i < end; i++) {
    if (m < matches.length && i === matches[m]!.start) {
      if (space) out += " ";
      space = false;
      open = out.length;
    }
    const c = text[i]!;
    const rule = ruleEnd(text, i, end);
    if (rule > i) {
      // No word, so no highlight, starts or ends inside a rule.
      space = out.length > 0;
      i = rule - 1;
    } else if (c === " " || c === "\n" || c === "\t" || c === "\r") {
      space = out.length > 0;
    } else {
      if (space) out += " ";
      space = false;
      out += c;
    }
    if (open >= 0 && i + 1 === matches[m]!.end) {
      highlights.push([open, out.length]);
      open = -1;
      m++;
    }
  }
  if (after) out += " …";
  return { text: out, highlights };
}

/** Rules are runs of this many `=` or `-` or more. */
const MIN_RULE = 3;

/** Where the rule starting at text[at] ends (before `limit`), or `at` when none starts there. */
function ruleEnd(text: string, at: number, limit: number): number {
  const c = text[at];
  if (c !== "=" && c !== "-") return at;
  let i = at;
  while (i < limit && text[i] === c) i++;
  return i - at >= MIN_RULE ? i : at;
}
