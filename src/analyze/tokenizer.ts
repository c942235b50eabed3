/**
 * Splits text into raw word tokens with offsets, keeping technical terms whole: file names
 * (`kernel32.dll`), hex (`0x480df78`), versions (`4.0`), `C++`, `C#`. Two joins happen here because
 * they depend on the exact characters between tokens:
 *  - spaced letters (`S E R V P A C K`, also wrapped over one line break) become one word, as the
 *    archive asks readers to type them;
 *  - hyphenated words (`MS-DOS`) also yield their joined form (`msdos`).
 */

/** A token before normalization: its lower-cased surface form and position. */
export type RawTokenSink = (surface: string, start: number, end: number, pos: number) => void;

/** A leading underscore belongs to identifiers (`_CrtIsValidHeapPointer`, `__stdcall`). */
const WORD = /_*[a-z0-9\u00c0-\u024f]+(?:['._][a-z0-9\u00c0-\u024f]+)*(?:\+\+|#)?/gi;
/** Spaced letters: at least this many single characters in a row. */
const MIN_SPACED = 3;
/** Between spaced letters: spaces or tabs, and at most one line break (a wrapped word). */
const SPACED_GAP = /^[ \t]*\n?[ \t]*$/;

export function tokenize(text: string, emit: RawTokenSink): void {
  let pos = 0;
  // A run of single-character tokens that may turn out to be a spaced word.
  let run: { surface: string; start: number; end: number }[] = [];
  let prevEnd = -2;
  let prevSurface = "";

  const flushRun = () => {
    if (run.length >= MIN_SPACED) {
      emit(run.map((t) => t.surface).join(""), run[0]!.start, run[run.length - 1]!.end, pos++);
    } else {
      for (const t of run) emit(t.surface, t.start, t.end, pos++);
    }
    run = [];
  };

  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const surface = m[0].toLowerCase();
    if (surface.length === 1) {
      const last = run[run.length - 1];
      if (last && !SPACED_GAP.test(text.slice(last.end, start))) flushRun();
      run.push({ surface, start, end });
      prevEnd = -2;
      continue;
    }
    if (run.length) flushRun();
    // `MS-DOS`: index the joined form at the first part's position too.
    if (text.charCodeAt(start - 1) === 45 /* - */ && prevEnd === start - 1) {
      emit(prevSurface + surface, start - 1 - prevSurface.length, end, pos - 1);
    }
    emit(surface, start, end, pos++);
    prevEnd = end;
    prevSurface = surface;
  }
  flushRun();
}
