/**
 * Meets a parsed query with the index: each word becomes a group of index terms that may stand in
 * for it: the word's own term and its aliases; for a plain word the archive lacks or hardly holds,
 * its commoner spellings one edit away (it may be misspelt) or, when it ends the query and that
 * finds commoner words, the words it begins (it may be typed in part). Identifiers (`0x24`,
 * `kernel32.dll`) and names (`ATLControl`) are matched as typed, never "corrected".
 */
import { normalizeUncached } from "../analyze/analyzer.js";
import { idf } from "../rank/bm25f.js";
import { WEIGHTS } from "../rank/weights.js";
import type { IndexReader, TermEntry } from "../store/index-reader.js";
import { isProductName } from "./aliases.js";
import { oneEditAway } from "./spelling.js";
import { SYNONYM_WEIGHT, synonymsOf } from "./synonyms.js";
import type { Correction, MatchKind, ParsedQuery, QueryIntent, QueryWord } from "./types.js";

/** A word held by at most this many articles may be a misspelling of a commoner one. */
const RARE_DOC_FREQ = 3;
/** A spelling stands in for a word only when this many times as many articles hold it... */
const CORRECTION_RATIO = 20;
/**
 * A word held by more articles than RARE_DOC_FREQ but at most this many is a misspelling too when a
 * spelling one edit away is held by MISSPELT_RATIO times as many: the archive has its own typos
 * ("unistall" stands in 6 articles, "uninstall" in thousands), and a user typing one means the word.
 */
const UNCOMMON_DOC_FREQ = 30;
const MISSPELT_RATIO = 100;
/** ...and at least this many. */
export const MIN_CORRECTION_DOC_FREQ = 3;
/** Shorter words have too many neighbours one edit away to guess from. */
const MIN_CORRECTABLE_LENGTH = 4;
/** Longer "words" are not misspellings (and their variants grow with the square of the length). */
const MAX_CORRECTABLE_LENGTH = 24;
/** Spellings kept per word, commonest first. */
const MAX_CORRECTIONS = 3;
/** What a match on a corrected spelling counts for, against 1 for the word as typed. */
const SPELLING_WEIGHT = 0.7;
/** Words of fewer letters are not completed. */
const MIN_PREFIX_LENGTH = 3;
/** Completions kept for the open last word, commonest first. */
const MAX_COMPLETIONS = 5;
/** Dictionary terms looked at per prefix when completing a word: bounds a query's work. */
const COMPLETION_SCAN_LIMIT = 2048;
/** What a match on the likeliest completion counts for, against 1 for a whole word typed. */
export const PREFIX_WEIGHT = 0.5;
const PLAIN_TERM = /^[a-z]+$/;

/** An index term a query word may match, with its dictionary entry. */
export interface PlannedAlternative {
  entry: TermEntry;
  weight: number;
  kind: MatchKind;
}

/** One query word as the scorer matches it; words the index cannot match at all are left out. */
export interface PlannedGroup {
  word: QueryWord;
  alternatives: PlannedAlternative[];
}

export interface QueryPlan {
  groups: PlannedGroup[];
  /**
   * Terms that favour articles already matching without matching any themselves (a how-to question
   * favours HOWTO articles); the best one an article holds counts.
   */
  hints: PlannedAlternative[];
  corrections: Correction[];
  /** What the user is after (see ParsedQuery). */
  intent: QueryIntent;
}

/**
 * Terms marking the articles that answer a kind of question, and what the hint counts for against
 * 1 for a query word. A procedure: the "HOWTO:" title tag, the kbhowto keyword. A problem told in
 * the user's own words rarely shares many words with the article about it; the archive's
 * troubleshooting guides walk through the problems of an area, and are the answer people want
 * when they cannot name the error: as much as no article names it (rank/features.ts hintShare).
 */
const INTENT_HINTS: Record<QueryIntent, { terms: string[]; weight: number }> = {
  howTo: { terms: ["howto", "kbhowto"], weight: 1 },
  problem: { terms: ["troubleshoot"], weight: 1 },
  other: { terms: [], weight: 0 },
};

/**
 * The index terms a plan looks for, each once: the words a search's hits highlight, and what
 * rescoring seeks in their text with the query's own (rank-words.ts), so that the hits it read take
 * their highlights from what it found.
 */
export function planTerms(plan: QueryPlan): string[] {
  return [...new Set(plan.groups.flatMap((g) => g.alternatives.map((a) => a.entry.term)))];
}

export function planQuery(parsed: ParsedQuery, index: IndexReader): QueryPlan {
  const groups: PlannedGroup[] = [];
  const corrections: Correction[] = [];
  const hint = INTENT_HINTS[parsed.intent];
  // Every term the plan surely looks up, said at once: a browser fetches their blocks together.
  index.willLookUp([...parsed.words.flatMap((w) => [w.term, ...w.aka.map((a) => a.term)]), ...hint.terms]);
  for (const word of parsed.words) {
    const exact = index.lookup(word.term);
    const alternatives: PlannedAlternative[] = exact ? [{ entry: exact, weight: word.weight, kind: "exact" }] : [];
    for (const alias of word.aka) {
      const entry = index.lookup(alias.term);
      if (entry) alternatives.push({ entry, weight: word.weight * alias.weight, kind: "alias" });
    }
    // A word the archive hardly holds is likely typed in part (when it ends the query) or
    // misspelt; whichever reading finds the commoner word stands in for it.
    const docFreq = exact?.docFreq ?? 0;
    const rare = word.plain && docFreq <= RARE_DOC_FREQ;
    // A short name users type for a product (`exch`, `acc`) is an abbreviation, not a misspelling.
    const uncommon = word.plain && docFreq <= UNCOMMON_DOC_FREQ && !isProductName(word.surface);
    const open = word.term === parsed.openTerm && word.surface.length >= MIN_PREFIX_LENGTH;
    const correctable = word.surface.length >= MIN_CORRECTABLE_LENGTH && word.surface.length <= MAX_CORRECTABLE_LENGTH;
    const completed = rare && open ? completions(word, index) : [];
    const spellings = uncommon && correctable ? commonerSpellings(word, docFreq * (rare ? CORRECTION_RATIO : MISSPELT_RATIO), index) : [];
    if (spellings.length && (spellings[0]!.entry.docFreq >= (completed[0]?.docFreq ?? 0))) {
      for (const s of spellings) alternatives.push({ entry: s.entry, weight: word.weight * SPELLING_WEIGHT, kind: "spelling" });
      // The likeliest spelling's synonyms too, as the word typed right would bring them: a misspelt
      // question then ranks as the same question spelled right ("unistall" finds "remove").
      for (const term of synonymsOf(spellings[0]!.surface)) {
        const entry = index.lookup(term);
        if (entry && !alternatives.some((a) => a.entry.term === term)) {
          alternatives.push({ entry, weight: word.weight * SPELLING_WEIGHT * SYNONYM_WEIGHT, kind: "spelling" });
        }
      }
      corrections.push({ from: word.surface, to: spellings[0]!.surface, term: spellings[0]!.entry.term });
    } else {
      // Every completion counts as much as the likeliest (commonest) one: a rare completion must not
      // outweigh it on its rarity alone.
      const likeliest = completed[0] ? idf(index.docCount, completed[0].docFreq) : 0;
      for (const entry of completed) {
        alternatives.push({ entry, weight: (word.weight * PREFIX_WEIGHT * likeliest) / idf(index.docCount, entry.docFreq), kind: "prefix" });
      }
    }
    if (alternatives.length) groups.push({ word, alternatives });
  }
  const hints: PlannedAlternative[] = [];
  for (const term of hint.terms) {
    const entry = index.lookup(term);
    if (entry) hints.push({ entry, weight: hint.weight * WEIGHTS.intentHint, kind: "exact" });
  }
  return { groups, hints, corrections, intent: parsed.intent };
}

/** Index terms one edit from the word held by `atLeast` articles or more, commonest first, each with a spelling that gives it. */
function commonerSpellings(word: QueryWord, atLeast: number, index: IndexReader): { entry: TermEntry; surface: string }[] {
  const minDocFreq = Math.max(MIN_CORRECTION_DOC_FREQ, atLeast);
  const found = new Map<string, { entry: TermEntry; surface: string }>();
  // Each distinct term of a variant, with the first variant giving it.
  const variants = new Map<string, string>([[word.term, ""]]);
  for (const variant of oneEditAway(word.surface)) {
    // Not through normalize's cache: hundreds of spellings, nearly all seen once, would crowd out
    // the words articles and queries keep coming back to.
    const term = normalizeUncached(variant);
    if (term !== undefined && !variants.has(term)) variants.set(term, variant);
  }
  variants.delete(word.term);
  // Where a filter says which terms are common enough (a static site's), only those are looked up.
  for (const term of variants.keys()) if (!index.mayBeHeldIn(term, minDocFreq)) variants.delete(term);
  index.willLookUp(variants.keys());
  const terms = [...variants.keys()];
  const entries = index.lookupAll(terms);
  terms.forEach((term, i) => {
    const entry = entries[i];
    if (entry && entry.docFreq >= minDocFreq) found.set(term, { entry, surface: variants.get(term)! });
  });
  return [...found.values()].sort((a, b) => b.entry.docFreq - a.entry.docFreq).slice(0, MAX_CORRECTIONS);
}

/**
 * The commonest words a word typed in part may be: terms beginning with it, or with it short of its
 * last two letters, since a stem drops a word's ending (`replicat` is on its way to "replication",
 * indexed as `replic`). Identifiers such as `corrupt.the` are not completions.
 */
function completions(word: QueryWord, index: IndexReader): TermEntry[] {
  const found = new Map<string, TermEntry>();
  const shortest = Math.max(MIN_PREFIX_LENGTH, word.surface.length - 2);
  const prefixes = new Set([word.surface, word.term, word.surface.slice(0, shortest)]);
  for (const prefix of prefixes) {
    for (const entry of index.withPrefix(prefix, COMPLETION_SCAN_LIMIT)) {
      if (entry.term !== word.term && PLAIN_TERM.test(entry.term)) found.set(entry.term, entry);
    }
  }
  return [...found.values()].sort((a, b) => b.docFreq - a.docFreq).slice(0, MAX_COMPLETIONS);
}
