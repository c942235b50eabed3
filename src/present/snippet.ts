/**
 * Picks the passage of an article that shows the query best (the window holding the most
 * distinct query terms) and marks the terms in it. Terms are found by the same analyzer that
 * indexed the article, so a highlight is exactly a match; offsets come from its tokens.
 */
import { analyze, stemPrefix, withoutApostrophes } from "../analyze/analyzer.js";
import { foldCase, isWordChar, startsFresh } from "../analyze/tokenizer.js";

export interface Snippet {
  text: string;
  highlights: [number, number][];
}

/** About how many characters a snippet shows. */
export const SNIPPET_LENGTH = 220;
/** How far back from the first match a snippet may start, to begin at a sentence. */
const LEAD_IN = 60;

interface Match {
  start: number;
  end: number;
  term: string;
}

export function makeSnippet(text: string, from: number, to: number, terms: readonly string[]): Snippet {
  const wanted = new Set(terms);
  const matches = findMatches(text.slice(from, to), wanted, from);
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
  return merge(findMatches(text, new Set(terms))).map((m): [number, number] => [m.start, m.end]);
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

/**
 * Where the wanted terms stand in `body`, plus `offset` (where the body starts in its text). Only
 * the stretches around the places where a wanted word may start are analyzed, each from and to a
 * point the tokenizer starts afresh at: most of an article holds none of a query's words.
 */
function findMatches(body: string, wanted: Set<string>, offset = 0): Match[] {
  // A word that does not start with a term's stem prefix, apostrophes aside, cannot analyze to it.
  const prefixes = [...wanted].map(stemPrefix);
  // Most words start with a letter no prefix starts with: one look-up turns them away.
  const firstLetters = new Set(prefixes.map((p) => p.charCodeAt(0)));
  const accept = (surface: string) => {
    if (!firstLetters.has(surface.charCodeAt(0))) return false;
    const word = withoutApostrophes(surface);
    return prefixes.some((p) => word.startsWith(p));
  };
  const matches: Match[] = [];
  const analyzeStretch = (from: number, to: number) =>
    analyze(body.slice(from, to), (term, start, end) => {
      if (wanted.has(term)) matches.push({ start: start + from + offset, end: end + from + offset, term });
    }, accept);
  if (prefixes.length === 0) return matches;
  // Folded as the tokenizer folds (one character for one), so fullwidth or dotted-capital words are found too.
  const lower = foldCase(body);
  const places = wordPlaces(prefixes);
  let done = 0;
  for (let place = places.next(lower, 0); place >= 0; place = places.next(lower, done)) {
    let from = place;
    while (from > done && !startsFresh(lower, from)) from--;
    let to = places.end;
    while (!startsFresh(lower, to)) to++;
    analyzeStretch(from, to);
    done = to;
  }
  return matches;
}

/** The places where a word starting with one of `prefixes` may start, for the last prefixes asked about. */
function wordPlaces(prefixes: readonly string[]): PlaceFinder {
  // A query's hits all ask for the same words: the finder is made once for them.
  const key = prefixes.join("\n");
  if (lastPlaces?.key !== key) lastPlaces = { key, finder: new PlaceFinder(prefixes) };
  return lastPlaces.finder;
}

let lastPlaces: { key: string; finder: PlaceFinder } | undefined;

/**
 * Finds where a word starting with one of `prefixes` may start in lower-cased text: a prefix
 * beginning a word, or written apart by hyphens, white space (which the tokenizer joins: `MS-DOS`
 * -> msdos, `S E R V P A C K` -> servpack) and apostrophes (which the analyzer drops). A loop over
 * the characters rather than a pattern alternating the prefixes: most characters are turned away
 * by one look-up of the prefixes starting with them, where a pattern tries each prefix in turn.
 */
class PlaceFinder {
  /** Where the last place found ends. */
  end = 0;
  /** By character code (every UTF-16 unit has one), 1 when a prefix starts with that character: the one look-up most characters get. */
  private readonly starting: Uint8Array;
  /** By character code, the prefixes starting with that character (in the order given: the first that matches is taken). */
  private readonly byFirst = new Map<number, string[]>();

  constructor(prefixes: readonly string[]) {
    for (const p of prefixes) {
      const first = p.charCodeAt(0);
      const list = this.byFirst.get(first);
      if (list) list.push(p);
      else this.byFirst.set(first, [p]);
    }
    this.starting = new Uint8Array(0x10000);
    for (const first of this.byFirst.keys()) this.starting[first] = 1;
  }

  /** The first place at or after `from` in `text` (setting `end`), or -1. */
  next(text: string, from: number): number {
    const { starting } = this;
    for (let i = from, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      if (starting[c] !== 1) continue;
      // A word starts after a character no word holds; a leading underscore may follow anything.
      const afterWord = i > 0 && isWordChar(text.charCodeAt(i - 1));
      for (const p of this.byFirst.get(c)!) {
        if (afterWord && p.charCodeAt(0) !== UNDERSCORE) continue;
        const end = writtenEnd(text, i, p);
        if (end >= 0) {
          this.end = end;
          return i;
        }
      }
    }
    return -1;
  }
}

const UNDERSCORE = 95;

/** Where `prefix`, its first character at text[at], ends when its letters may stand apart (see PlaceFinder); -1 when it is not there. */
function writtenEnd(text: string, at: number, prefix: string): number {
  let i = at + 1;
  for (let k = 1; k < prefix.length; k++) {
    while (i < text.length && isApart(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== prefix.charCodeAt(k)) return -1;
    i++;
  }
  return i;
}

/**
 * The characters a word's letters may stand apart by: those the tokenizer joins across (a hyphen,
 * and the spaces, tabs and line break between spaced letters) and apostrophes, which the analyzer drops.
 */
function isApart(c: number): boolean {
  return c === 45 /* - */ || c === 39 /* ' */ || c === 32 || c === 9 /* \t */ || c === 10 /* \n */;
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
