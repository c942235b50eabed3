/**
 * The one analyzer for documents and queries, so both sides agree by construction:
 * tokenize -> split identifiers into their parts too -> drop stopwords -> stem plain words.
 */
import { isStopword } from "./stopwords.js";
import { stem } from "./stem.js";
import { tokenize } from "./tokenizer.js";
import type { Token, TokenSink } from "./types.js";

/** Names this analyzer in index headers: change it whenever the terms it produces change. */
export const ANALYZER_ID = "kbsearch-en/8";

/** Letters only (after folding): such tokens are words and get stemmed; anything else is an identifier. */
const PLAIN_WORD = /^[a-z\u00c0-\u024f]+$/;
const ONLY_DIGITS_AND_DOTS = /^[\d.]+$/;

/**
 * Short words the stemmer would fold into other words: the archive's acronyms (`DOS` is not "do",
 * `IIS` not "ii", `OLE` not "ol"). Three letters ending in "s" are left whole; so are these.
 */
const KEEP_WHOLE = new Set(["ole", "ide", "msdos"]);
const SHORT_ENDING_IN_S = /^[a-z]{2}s$/;
/**
 * Longer words are not stemmed: the stemmer's time grows with the square of a word's length (a
 * 4,000-letter run took 0.1 s), and no English word comes near this.
 */
export const MAX_STEMMED_LENGTH = 40;

/** Surface forms seen and their terms ("" when not indexed): the same words recur constantly. */
const normalized = new Map<string, string>();
const CACHE_LIMIT = 1 << 20;

/** Normalizes one surface form to its index term, or undefined when it is not indexed. */
export function normalize(surface: string): string | undefined {
  let term = normalized.get(surface);
  if (term === undefined) {
    term = normalizeUncached(surface) ?? "";
    if (normalized.size >= CACHE_LIMIT) normalized.clear();
    normalized.set(surface, term);
  }
  return term === "" ? undefined : term;
}

/**
 * The letters every word analyzed to `term` begins with, apostrophes aside (the analyzer drops
 * them: o'neill -> oneil). A Porter stem is a beginning of its word, but for the letters the
 * stemmer writes in place of an ending: an "i" for a "y" (happy -> happi), an "e" (conflated ->
 * conflate, sensational -> sensate), and the "le" of "-bility" (possibility -> possible ->
 * possibl). Whatever else, it keeps the word's first two letters: a rule that changes letters
 * needs a stem of measure 1 or more before them. (Checked on the archive's 368,000 surface forms
 * and the 1.9 million spellings one edit from the dev queries' words: none breaks it.) The longer
 * the letters, the fewer words a snippet analyzes: "heap" is sought as "heap", not "he".
 */
export function stemPrefix(term: string): string {
  const written = term.endsWith("le") ? 2 : STEMMER_WRITTEN_END.test(term) ? 1 : 0;
  return term.slice(0, Math.max(1, Math.min(2, term.length - 1), term.length - written));
}

/** A last letter the stemmer may have written (see stemPrefix). */
const STEMMER_WRITTEN_END = /[eil]$/;

/** The word a surface form is analyzed as, before stemming: without a possessive 's and apostrophes (o'neill -> oneill). */
export function withoutApostrophes(surface: string): string {
  return surface.includes("'") ? surface.replace(/'s$/, "").replace(/'/g, "") : surface;
}

/** `normalize` without its cache, for callers that keep their own (the build's, surface to term id). */
export function normalizeUncached(surface: string): string | undefined {
  const word = withoutApostrophes(surface);
  if (word === "" || isStopword(word)) return undefined;
  if (word.length > MAX_STEMMED_LENGTH || !PLAIN_WORD.test(word) || SHORT_ENDING_IN_S.test(word) || KEEP_WHOLE.has(word)) return word;
  return stem(word);
}

/**
 * Analyzes `text`, handing each indexed term to `sink` in order. `accept`, when given, is asked
 * first about each surface form: a cheap test that spares normalizing words the caller cannot want.
 */
export function analyze(text: string, sink: TokenSink, accept?: (surface: string) => boolean): void {
  analyzeWith(normalize, text, sink, accept);
}

/**
 * `analyze` with terms as `toTerm` gives them: anything that is the same for the same term and
 * undefined for a word not indexed (the build uses numbers, sparing a string look-up per word).
 */
export function analyzeWith<T>(
  toTerm: (surface: string) => T | undefined,
  text: string,
  sink: (term: T, start: number, end: number, pos: number) => void,
  accept?: (surface: string) => boolean,
): void {
  // The term of a surface form the caller accepts (all, without `accept`).
  const termOf = (form: string) => (accept && !accept(form) ? undefined : toTerm(form));
  tokenize(text, (surface, start, end, pos, joinedAt) => {
    const term = termOf(surface);
    if (term !== undefined) sink(term, start, end, pos);
    // `mid$`, `admin$`: the name is findable without its dollar sign too, as a word of its own.
    const named = surface.endsWith("$") ? surface.slice(0, -1) : surface;
    const nameTerm = named !== surface ? termOf(named) : undefined;
    if (nameTerm !== undefined) sink(nameTerm, start, end - 1, pos);
    // `kernel32.dll`, `msmi.exe`, `_crt_heap`: the parts are findable on their own too.
    if ((named.includes(".") || named.includes("_")) && !ONLY_DIGITS_AND_DOTS.test(named)) {
      let from = 0;
      for (const part of named.split(/[._]/)) {
        const to = from + part.length;
        // Of a hyphen-joined form (`ms-dos.sys` -> msdos.sys) only the part across the join is its
        // own (msdos, written with the hyphen); the others are its words' parts, found with them.
        const own = joinedAt === undefined || (from < joinedAt && to > joinedAt);
        const partTerm = own && part.length > 1 ? termOf(part) : undefined;
        if (partTerm !== undefined && partTerm !== term) sink(partTerm, start + from, start + to + (joinedAt === undefined ? 0 : 1), pos);
        from = to + 1;
      }
    }
  });
}

/** The tokens of `text` as an array (queries, snippets, tests). */
export function analyzeToTokens(text: string): Token[] {
  const tokens: Token[] = [];
  analyze(text, (term, start, end, pos) => tokens.push({ term, start, end, pos }));
  return tokens;
}
