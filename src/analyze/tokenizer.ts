/**
 * Splits text into raw word tokens with offsets, keeping technical terms whole: file names
 * (`kernel32.dll`), hex (`0x480df78`), versions (`4.0`), `C++`, `C#`, `MID$`. Two joins happen here because
 * they depend on the exact characters between tokens:
 *  - spaced letters (`S E R V P A C K`, also wrapped over one line break) become one word, as the
 *    archive asks readers to type them;
 *  - hyphenated words (`MS-DOS`) also yield their joined form (`msdos`).
 */

/**
 * A token before normalization: its lower-cased surface form and position; for a hyphen-joined
 * form, `joinedAt`, where in the surface the second word begins (the text has a hyphen there).
 */
export type RawTokenSink = (surface: string, start: number, end: number, pos: number, joinedAt?: number) => void;

/**
 * A word: `_*[a-z0-9\u00c0-\u024f]+(?:['._][a-z0-9\u00c0-\u024f]+)*(?:\+\+|#|\$)?` in folded text (a
 * leading underscore belongs to identifiers: `_CrtIsValidHeapPointer`, `__stdcall`), found by
 * `wordEnd` without a match object per word (snippets tokenize whole articles).
 */

/** A character a word holds, in lower-cased text. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c <= 0x24f);
}

/** The end of the word starting at `start` of lower-cased `text`, or -1 when none starts there. */
function wordEnd(text: string, start: number): number {
  let i = start;
  while (text.charCodeAt(i) === 95 /* _ */) i++;
  if (!isWordChar(text.charCodeAt(i))) return -1;
  do i++;
  while (isWordChar(text.charCodeAt(i)));
  for (;;) {
    const c = text.charCodeAt(i);
    if ((c !== 39 /* ' */ && c !== 46 /* . */ && c !== 95 /* _ */) || !isWordChar(text.charCodeAt(i + 1))) break;
    i += 2;
    while (isWordChar(text.charCodeAt(i))) i++;
  }
  const c = text.charCodeAt(i);
  if (c === 43 /* + */ && text.charCodeAt(i + 1) === 43) return i + 2;
  if (c === 35 /* # */) return i + 1;
  // `MID$`, `ADMIN$`, `PROTMAN$`: BASIC's string functions, hidden shares and driver names end in a
  // dollar sign, which is part of their name (`US$5` is not one: a word character follows).
  return c === 36 /* $ */ && !isWordChar(text.charCodeAt(i + 1)) ? i + 1 : i;
}
/**
 * Whether tokenizing lower-cased `text` from `at` gives the tokens that tokenizing it whole gives
 * there: at either end, or after white space that ends a word of two or more characters, which
 * ends any run of spaced letters; no hyphen join crosses white space. (A search for a few words
 * tokenizes only the stretches around them.)
 */
export function startsFresh(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return true;
  const c = text.charCodeAt(at - 1);
  return (c === 32 || c === 10 || c === 9 || c === 13) && isWordChar(text.charCodeAt(at - 2)) && isWordChar(text.charCodeAt(at - 3));
}

/** Spaced letters: at least this many single characters in a row... */
const MIN_SPACED = 3;
/**
 * ...and at most this many (the archive's longest spaced word has 20): a longer run is no word
 * but a pattern (`x x x ...` over megabytes), kept as single letters so that no token grows
 * with the text.
 */
export const MAX_SPACED = 64;

/**
 * The widest gap of spaces between two spaced letters on one line. Articles list spaced words side
 * by side in columns (`3 c o m f c c          p r o f s f c c` in Q114398): a wider gap there
 * parts two words, not two letters of one.
 */
const MAX_SPACED_GAP = 3;

/**
 * Whether text[from, to) may stand between spaced letters: up to MAX_SPACED_GAP spaces or tabs, or,
 * when the word may wrap, one line break with any indentation around it.
 */
function isSpacedGap(text: string, from: number, to: number, mayWrap: boolean): boolean {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      if (!mayWrap || ++breaks > 1) return false;
    } else if (c !== 32 && c !== 9) {
      return false;
    }
  }
  return breaks === 1 || to - from <= MAX_SPACED_GAP;
}

/**
 * Whether a spaced word starting at text[start] may be wrapped onto the next line: unless it is a
 * column standing after a wide gap, whose line's next line holds the next row (Q114398's two
 * columns of gateway names: `x 4 0 0 f c c          m s f c c` over `3 c o m f c c ...`).
 */
function mayWrapFrom(text: string, start: number): boolean {
  let gap = 0;
  for (let i = start - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || c === 13 /* \r */) return true;
    if (c !== 32 && c !== 9) return gap <= MAX_SPACED_GAP;
    gap++;
  }
  return true;
}

export function tokenize(text: string, emit: RawTokenSink): void {
  let pos = 0;
  // A run of single-character tokens that may turn out to be a spaced word.
  let run: { surface: string; start: number; end: number }[] = [];
  // Whether the run may go on across a line break (see mayWrapFrom).
  let runMayWrap = false;
  let prevEnd = -2;
  let prevSurface = "";

  const flushRun = () => {
    if (run.length >= MIN_SPACED && run.length <= MAX_SPACED) {
      emit(run.map((t) => t.surface).join(""), run[0]!.start, run[run.length - 1]!.end, pos++);
      prevEnd = -2;
    } else {
      for (const t of run) emit(t.surface, t.start, t.end, pos++);
      const last = run[run.length - 1];
      if (last) {
        prevEnd = last.end;
        prevSurface = last.surface;
      }
    }
    run = [];
  };
  // `MS-DOS`, `T-SQL`, `SR-1`: a word joined by a hyphen to the one before also yields the joined
  // form, at the first part's position.
  const hyphenated = (start: number) => prevEnd === start - 1 && text.charCodeAt(start - 1) === 45 /* - */;
  const joinHyphenated = (surface: string, start: number, end: number) =>
    emit(prevSurface + surface, start - 1 - prevSurface.length, end, pos - 1, prevSurface.length);

  // Folded once, not each word; one character for one, so offsets in it are offsets in the text.
  const lower = foldCase(text);
  const word = (surface: string, start: number, end: number) => {
    if (surface.length === 1) {
      const last = run[run.length - 1];
      if (last && !isSpacedGap(text, last.end, start, runMayWrap)) flushRun();
      if (hyphenated(start)) joinHyphenated(surface, start, end);
      if (run.length === 0) runMayWrap = mayWrapFrom(text, start);
      run.push({ surface, start, end });
      prevEnd = -2;
      return;
    }
    if (run.length) flushRun();
    if (hyphenated(start)) joinHyphenated(surface, start, end);
    emit(surface, start, end, pos++);
    prevEnd = end;
    prevSurface = surface;
  };
  for (let start = 0; start < lower.length; start++) {
    const end = wordEnd(lower, start);
    if (end < 0) continue;
    word(lower.slice(start, end), start, end);
    start = end - 1;
  }
  flushRun();
}

/** Text with only these characters folds as toLowerCase folds it (nearly every article). */
const ONLY_LATIN = /^[\x00-\u024f]*$/;
/** Characters folded to another single character, beyond toLowerCase: found once each. */
const folded = new Map<number, string>();

/**
 * `text` lower-cased and folded as NFKC folds compatibility forms (fullwidth `Ｑ１４９３８７` is
 * `q149387`), one character for one so that every offset stays; `İ` is `i`, where toLowerCase
 * would add a combining dot. A character NFKC makes several of (a ligature) is left as it is.
 */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length && ONLY_LATIN.test(text)) return lower;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x250 && c !== 0x130) {
      out += text[i]!.toLowerCase();
      continue;
    }
    let f = folded.get(c);
    if (f === undefined) {
      const nfkc = text[i]!.normalize("NFKC");
      f = c === 0x130 ? "i" : nfkc.length === 1 ? nfkc.toLowerCase() : text[i]!.toLowerCase();
      if (f.length !== 1) f = text[i]!;
      folded.set(c, f);
    }
    out += f;
  }
  return out;
}
