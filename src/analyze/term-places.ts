/**
 * Finds where given terms stand in a text without analyzing all of it: the places a word starting
 * with one of their stem prefixes may start are found by a scan of the characters, and only the
 * stretches around them are analyzed. A snippet's highlights (present/snippet.ts) and a query's
 * verbatim runs (rank/verbatim.ts) both read an article's text this way.
 */
import { analyze, stemPrefix, withoutApostrophes } from "./analyzer.js";
import { foldCase, isWordChar, startsFresh } from "./tokenizer.js";

/** A wanted term where it stands: [start, end) in the text (plus the offset asked for), and its word position. */
export interface FoundTerm {
  start: number;
  end: number;
  term: string;
  /**
   * Its word position, stopwords counted, as the index counts them: exact between terms of one
   * stretch analyzed; stretches apart are set STRETCH_GAP or more positions apart, so no phrase
   * or run reads across the text between them, which was not analyzed.
   */
  pos: number;
}

/** Positions left between stretches analyzed apart (FoundTerm.pos): more than any query's span. */
const STRETCH_GAP = 1 << 12;

/**
 * Where the wanted terms stand in `text`. Only the stretches around the places where a wanted
 * word may start are analyzed, each from and to a point the tokenizer starts afresh at: most of an
 * article holds none of a query's words. Places at most `bridge` characters apart are analyzed in
 * one stretch, the words between counted, so that the positions of terms a few words apart are
 * exact (rank/verbatim.ts); 0 analyzes each place's stretch alone (a snippet needs no positions).
 */
export function findTerms(text: string, wanted: ReadonlySet<string>, offset = 0, bridge = 0): FoundTerm[] {
  const found: FoundTerm[] = [];
  // A word that does not start with a term's stem prefix, apostrophes aside, cannot analyze to it.
  const prefixes = [...wanted].map(stemPrefix);
  if (prefixes.length === 0) return found;
  // Most words start with a letter no prefix starts with: one look-up turns them away.
  const firstLetters = new Set(prefixes.map((p) => p.charCodeAt(0)));
  const accept = (surface: string) => {
    if (!firstLetters.has(surface.charCodeAt(0))) return false;
    const word = withoutApostrophes(surface);
    return prefixes.some((p) => word.startsWith(p));
  };
  let base = 0;
  const analyzeStretch = (from: number, to: number) => {
    let last = -1;
    analyze(text.slice(from, to), (term, start, end, pos) => {
      last = pos;
      if (wanted.has(term)) found.push({ start: start + from + offset, end: end + from + offset, term, pos: base + pos });
    }, accept);
    base += last + STRETCH_GAP;
  };
  // Folded as the tokenizer folds (one character for one), so fullwidth or dotted-capital words are found too.
  const lower = foldCase(text);
  const places = wordPlaces(prefixes);
  let done = 0;
  let place = places.next(lower, 0);
  while (place >= 0) {
    let from = place;
    while (from > done && !startsFresh(lower, from)) from--;
    let to = freshAfter(lower, places.end);
    // The next place, and while it is near, the stretch goes on to take it in.
    place = places.next(lower, to);
    while (bridge > 0 && place >= 0 && place - to <= bridge) {
      to = freshAfter(lower, places.end);
      place = places.next(lower, to);
    }
    analyzeStretch(from, to);
    done = to;
  }
  return found;
}

/** The first point at or after `at` the tokenizer starts afresh at. */
function freshAfter(lower: string, at: number): number {
  while (!startsFresh(lower, at)) at++;
  return at;
}

/** The places where a word starting with one of `prefixes` may start, for the prefixes lately asked about. */
function wordPlaces(prefixes: readonly string[]): PlaceFinder {
  // A query's hits all ask for the same words (its snippets' and its runs'): a finder is made once for them.
  const key = prefixes.join("\n");
  let finder = finders.get(key);
  if (!finder) {
    finder = new PlaceFinder(prefixes);
    // A few kept: a query's snippets and runs ask again for the same terms.
    if (finders.size >= KEPT_FINDERS) finders.delete(finders.keys().next().value!);
    finders.set(key, finder);
  }
  return finder;
}

const KEPT_FINDERS = 4;
const finders = new Map<string, PlaceFinder>();

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
  /** By ASCII code, 1 when a prefix starts with that character: the one look-up most characters get (others look in byFirst). */
  private readonly starting = new Uint8Array(128);
  /** By character code, the prefixes starting with that character (in the order given: the first that matches is taken). */
  private readonly byFirst = new Map<number, string[]>();

  constructor(prefixes: readonly string[]) {
    for (const p of prefixes) {
      const first = p.charCodeAt(0);
      const list = this.byFirst.get(first);
      if (list) list.push(p);
      else this.byFirst.set(first, [p]);
    }
    for (const first of this.byFirst.keys()) if (first < 128) this.starting[first] = 1;
  }

  /** The first place at or after `from` in `text` (setting `end`), or -1. */
  next(text: string, from: number): number {
    const { starting } = this;
    for (let i = from, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 128 ? starting[c] !== 1 : !this.byFirst.has(c)) continue;
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

