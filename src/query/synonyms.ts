/**
 * How people say what the archive says otherwise: they "get rid of" what its articles "remove",
 * their screen "freezes" where an article's program "hangs", they "back up" to its "backup". A
 * word or phrase here is searched as typed and, beside it at a lower weight, as the archive's
 * words for it; the best match counts, so an article using the user's own words loses nothing.
 * The table is data: add a row when users and the archive part ways on a word.
 */
import { normalize } from "../analyze/analyzer.js";
import { ownValue } from "../own.js";

/** What a match on the archive's word counts for, against 1 for the word as typed. */
export const SYNONYM_WEIGHT = 0.8;

/** The user's word or phrase (lower case, spaces between words) -> the archive's words for it, one word each. */
const USER_WORDS: Readonly<Record<string, readonly string[]>> = {
  "get rid of": ["remove", "uninstall", "delete"],
  uninstall: ["remove"],
  "back up": ["backup"],
  "set up": ["setup", "configure"],
  "log in": ["logon"],
  "log on": ["logon"],
  login: ["logon"],
  "sign in": ["logon"],
  "shut down": ["shutdown"],
  "start up": ["startup"],
  "boot up": ["startup", "boot"],
  "lock up": ["hang"],
  "locks up": ["hang"],
  "locked up": ["hang"],
  freeze: ["hang"],
  freezes: ["hang"],
  frozen: ["hang"],
  video: ["display"],
  forgot: ["forgotten", "lost"],
  reinstall: ["install"],
  pc: ["computer"],
};

export interface UserPhrase {
  /** Where the phrase stands in the text. */
  start: number;
  end: number;
  /** The phrase as typed. */
  surface: string;
  /** The archive's index terms for it. */
  terms: string[];
}

const PHRASES = Object.keys(USER_WORDS).filter((k) => k.includes(" "));
const PHRASE_PATTERN = new RegExp(`\\b(?:${PHRASES.map((p) => p.replace(/ /g, "\\s+")).join("|")})\\b`, "gi");

/** The multi-word phrases of the table in `text`, in order. */
export function userPhrasesIn(text: string): UserPhrase[] {
  return [...text.matchAll(PHRASE_PATTERN)].map((m) => {
    const surface = m[0].toLowerCase().replace(/\s+/g, " ");
    return { start: m.index!, end: m.index! + m[0].length, surface, terms: archiveTerms(surface) };
  });
}

/** The archive's index terms for a single word as typed (lower case); none when it is not in the table. */
export function synonymsOf(word: string): string[] {
  return word.includes(" ") ? [] : archiveTerms(word);
}

function archiveTerms(typed: string): string[] {
  const terms = (ownValue(USER_WORDS, typed) ?? []).map((w) => normalize(w) ?? "");
  return [...new Set(terms.filter((t) => t !== ""))];
}
