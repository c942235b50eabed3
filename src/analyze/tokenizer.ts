/**
 * Splits text into raw word tokens with offsets, keeping technical terms whole: file names
 * (`kernel32.dll`), hex (`0x480df78`), versions (`4.0`), `C++`, `C#`. Two joins happen here because
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
 * A word: `_*[a-z0-9\u00c0-\u024f]+(?:['._][a-z0-9\u00c0-\u024f]+)*(?:\+\+|#)?` (a leading underscore
 * belongs to identifiers: `_CrtIsValidHeapPointer`, `__stdcall`). Lower-cased text is scanned by
 * `wordEnd`, which finds what this finds without a match object per word (snippets tokenize whole
 * articles); text whose lower-casing changes its length (so its offsets) is matched as written.
 */
const WORD_ANY_CASE = /_*[a-z0-9\u00c0-\u024f]+(?:['._][a-z0-9\u00c0-\u024f]+)*(?:\+\+|#)?/gi;

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
  return c === 35 /* # */ ? i + 1 : i;
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

/** Spaced letters: at least this many single characters in a row. */
const MIN_SPACED = 3;

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
    if (run.length >= MIN_SPACED) {
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

  // Lower-casing once, not each word, where that keeps every offset (nearly always).
  const lower = text.toLowerCase();
  const sameOffsets = lower.length === text.length;
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
  if (sameOffsets) {
    for (let start = 0; start < lower.length; start++) {
      const end = wordEnd(lower, start);
      if (end < 0) continue;
      word(lower.slice(start, end), start, end);
      start = end - 1;
    }
  } else {
    WORD_ANY_CASE.lastIndex = 0;
    for (let m = WORD_ANY_CASE.exec(text); m; m = WORD_ANY_CASE.exec(text)) word(m[0].toLowerCase(), m.index, m.index + m[0].length);
  }
  flushRun();
}
