/**
 * Turns a query string into its words: analyzed as articles are, abbreviations spelled out as the
 * archive writes them, chatter weighed down; and, when it names one, an article number.
 */
import { analyzeToTokens, withoutApostrophes } from "../analyze/analyzer.js";
import { archiveVersion, expandAlias, numberWithUnit, tagTermsFor } from "./aliases.js";
import { WEIGHTS } from "../rank/weights.js";
import { isChatter, isUserVoice } from "./chatter.js";
import type { Token } from "../analyze/types.js";
import { SYNONYM_WEIGHT, synonymsOf, userPhrasesIn, type UserPhrase } from "./synonyms.js";
import type { Alias, ParsedQuery, QueryIntent, QueryWord } from "./types.js";

/**
 * An article named anywhere in the query: `Q149387`, `KB149387`, `kb 149387`, `KB: Q149387`,
 * `KB Q149387`, `kb/149387` (support.microsoft.com/kb/149387), `scid=kb;en-us;149387`,
 * `article 149387`, and the old link form (OLD_ARTICLE_LINK).
 */
const ARTICLE_REF = /\b(?:kb(?:[\s:#/-]*|;[a-z]{2}-[a-z]{2};)q?|q|article\s+(?:no\.?\s*|number\s+|#\s*)?q?)(\d{3,7})\b/i;
/**
 * The archive's own old link form, the number cut into folders:
 * `support.microsoft.com/support/kb/articles/Q168/7/35.asp` is Q168735.
 */
const OLD_ARTICLE_LINK = /\barticles\/q(\d{1,4})\/(\d)\/(\d\d)\b/i;
/** A query that is only a number, as people type an article number. */
const BARE_NUMBER = /^\s*(\d{3,7})\s*$/;
const LETTERS = /^[a-z\u00c0-\u024f]+$/;
/** A word joined by one of these to more letters or digits is part of an identifier (`msmi` in `msmi.exe`). */
const JOINED_BEFORE = /\w[._]$/;
const JOINED_AFTER = /^[._]\w/;
/**
 * "how do i", "how can you", "how to": the user wants a procedure, wherever they ask it: people
 * name the product first or tell what happened before the question ("word 97 how do i change the
 * default font", "nt4 ras callback - ... how do i make it wait"), as long as a task follows.
 */
const HOW_TO = /(?:^|[^\w'])how\s+(?:(?:do|can|could|would|should|does)\s+(?:i|you|we|one)|to)\s+\w/i;
/**
 * What a word an error message quotes counts for: messages put the user's own values in quotes or
 * brackets ("no server on port 80 at 'localhost'", "(Budget.doc)"), and the article about the
 * message names a placeholder there, or another user's value.
 */
const QUOTED_VALUE_WEIGHT = 0.3;
/** A word alone in single quotes or brackets: `'localhost'`, `(Budget.doc)`. */
const QUOTED_VALUE = /'[^'\s]+'|\([^()\s]+\)/g;
const LONE_DIGIT = /^\d$/;
/** `ATLControl`, `InetSDK`, `MVS`: capitals after the first letter make a name, not a word to correct or complete. */
const NAME_CASE = /^.+[A-Z]/;
/** `4` and `4.0` are one version, but a title saying "6" is a closer match for "6" than one saying "6.0". */
const VERSION_WEIGHT = 0.7;
/**
 * What the archive's tag for a product version (`kbvb600`, `wd97`) counts for against the version
 * itself: as much as the version's other spelling. At 1 the tag, rarer than the version, outweighed
 * the query's other words ("foxpro 2.6 for dos: too many files open" lost its answer to kbfoxpro260 articles).
 */
const TAG_TERM_WEIGHT = VERSION_WEIGHT;
/** `97`, `6`, `5.5`: a version as typed after a product's name. */
const VERSION = /^\d+(?:\.\d+)?$/;
/** The most words of a product's name looked at before a version (`systems management server 2.0`). */
const MAX_NAME_WORDS = 3;

export function parseQuery(typed: string): ParsedQuery {
  // Fullwidth letters and digits (`Ｑ１４９３８７`) read as their ASCII forms, here as the analyzer reads them.
  const text = typed.normalize("NFKC");
  const ref = findArticleRef(text);
  // The reference is searched as articles cite it (`Q149387`), so that after the article come
  // those citing it, and `kb` in `kb 149387` does not match every article that mentions kilobytes.
  const searched = ref ? text.slice(0, ref.index) + ` Q${ref.number} ` + text.slice(ref.index + ref.length) : text;
  const words = new Map<string, QueryWord>();
  const add = (word: QueryWord) => {
    const known = words.get(word.term);
    if (known) known.aka.push(...word.aka.filter((a) => !known.aka.some((k) => k.term === a.term)));
    else words.set(word.term, word);
  };
  let openTerm: string | undefined;
  let shift = 0;
  const phrases = userPhrasesIn(searched);
  const searchedPhrases = new Set<UserPhrase>();
  const quoted = [...searched.matchAll(QUOTED_VALUE)].map((m) => [m.index!, m.index! + m[0].length]);
  const tokens = analyzeToTokens(searched);
  for (const token of tokens) {
    // The word as the analyzer reads it: "won't" typed so is the chatter "wont" is.
    const surface = withoutApostrophes(searched.slice(token.start, token.end).toLowerCase());
    const pos = token.pos + shift;
    const phrase = phrases.find((p) => token.start >= p.start && token.end <= p.end);
    if (phrase) {
      // "get rid of" is searched as one word: the archive's ("remove"), or the phrase's own words.
      if (!searchedPhrases.has(phrase)) {
        searchedPhrases.add(phrase);
        add(phraseWord(searched, phrase, pos, tokens));
      }
      continue;
    }
    const alias = expandAlias(surface);
    if (alias) {
      // `nt4` -> windows nt 4.0, each word also matched by `nt4` itself where articles write it so.
      const spelled = analyzeToTokens(alias);
      spelled.forEach((t, i) => {
        // The abbreviation stands for all the words together: its match counts once in all.
        const aka: Alias[] = [{ term: token.term, weight: 1 / spelled.length }];
        if (i === spelled.length - 1 && /^\d/.test(t.term)) aka.push(...versionAsTyped(surface), ...tagTerms(alias.slice(0, t.start).trim(), t.term));
        add({ surface: alias.slice(t.start, t.end), term: t.term, plain: false, pos: pos + i, weight: 1, share: 1 / spelled.length, aka });
      });
      shift += Math.max(0, spelled.length - 1);
      continue;
    }
    if (token.end === searched.length) openTerm = token.term;
    const typed = searched.slice(token.start, token.end);
    const plain = LETTERS.test(surface) && !NAME_CASE.test(typed) && !partOfIdentifier(searched, token.start, token.end);
    const weight = plain && isChatter(surface) ? WEIGHTS.chatterWeight : quoted.some(([from, to]) => token.start >= from && token.end <= to) ? QUOTED_VALUE_WEIGHT : 1;
    const aka = LONE_DIGIT.test(surface) ? [{ term: `${surface}.0`, weight: VERSION_WEIGHT }] : synonymsOf(surface).map((term) => ({ term, weight: SYNONYM_WEIGHT }));
    // `word 97`, `visual basic 6`: the version also matches the archive's tag for the product's version (wd97, kbvb600).
    if (VERSION.test(surface)) aka.push(...tagTermsBefore(searched, tokens, token, surface));
    // `2 gb` typed apart also matches articles writing `2GB`: the joined word stands for both typed ones.
    const quantity = quantityAround(searched, tokens, token);
    if (quantity) aka.push({ term: quantity, weight: 1 / 2 });
    add({ surface, term: token.term, plain, pos, weight, share: 1, aka });
  }
  const parsedWords = [...words.values()];
  return { text, words: parsedWords, openTerm, articleNumber: ref?.number, intent: intentOf(text, parsedWords) };
}

function intentOf(text: string, words: readonly QueryWord[]): QueryIntent {
  if (HOW_TO.test(text)) return "howTo";
  return words.some((w) => w.plain && isUserVoice(w.surface)) ? "problem" : "other";
}

/** One query word for a phrase of the synonym table: its first archive word, then the others and the words as typed. */
function phraseWord(text: string, phrase: UserPhrase, pos: number, tokens: readonly Token[]): QueryWord {
  const [term, ...others] = phrase.terms;
  const typed = tokens.filter((t) => t.start >= phrase.start && t.end <= phrase.end);
  const aka: Alias[] = [
    ...others.map((t) => ({ term: t, weight: SYNONYM_WEIGHT })),
    ...typed.map((t) => ({ term: t.term, weight: isChatter(text.slice(t.start, t.end).toLowerCase()) ? WEIGHTS.chatterWeight : 1 })),
  ];
  return { surface: phrase.surface, term: term!, plain: false, pos, weight: 1, share: 1, aka };
}

/** The digits of `nt4` as typed (`4`), which articles also write. */
function versionAsTyped(word: string): Alias[] {
  const digits = /\d+$/.exec(word)?.[0];
  return digits ? [{ term: digits, weight: VERSION_WEIGHT }] : [];
}

/** The tag terms for `product` at `version` (as the archive spells it), as aliases of the version. */
function tagTerms(product: string, version: string): Alias[] {
  return tagTermsFor(product, version).map((term) => ({ term, weight: TAG_TERM_WEIGHT }));
}

/** The tag terms for the product named by the words typed just before a version (`word 97`, `exchange server 5.5`). */
function tagTermsBefore(text: string, tokens: readonly Token[], version: Token, surface: string): Alias[] {
  const at = tokens.indexOf(version);
  const spelled = surface.includes(".") ? surface : archiveVersion(surface);
  for (let n = Math.min(MAX_NAME_WORDS, at); n >= 1; n--) {
    const name = tokens.slice(at - n, at).map((t) => text.slice(t.start, t.end).toLowerCase()).join(" ");
    const found = tagTerms(name, spelled);
    if (found.length) return found;
  }
  return [];
}

/** The joined word (`2gb`) of a number and a unit typed apart (`2 GB`) of which `token` is one, or undefined. */
function quantityAround(text: string, tokens: readonly Token[], token: Token): string | undefined {
  const at = tokens.indexOf(token);
  const surfaceOf = (t: Token) => text.slice(t.start, t.end).toLowerCase();
  const joined = (a: Token | undefined, b: Token | undefined) =>
    a && b && b.pos === a.pos + 1 && /^\s*$/.test(text.slice(a.end, b.start)) ? numberWithUnit(surfaceOf(a), surfaceOf(b)) : undefined;
  return joined(token, tokens[at + 1]) ?? joined(tokens[at - 1], token);
}

function partOfIdentifier(text: string, start: number, end: number): boolean {
  return JOINED_BEFORE.test(text.slice(Math.max(0, start - 2), start)) || JOINED_AFTER.test(text.slice(end, end + 2));
}

/**
 * An article id alone, with as many digits as the parser takes from a page (1 to 7: `Q0`, `Q12`,
 * `Q149387`), so that any article indexed can be named; the forms above ask for 3 or more, since
 * in a query a short number is mostly not an article.
 */
const ARTICLE_ID = /^\s*(?:kb\s*:?\s*)?q?(\d{1,7})\s*$/i;

/** The article number `text` names, as an id alone or in any of the forms above, or undefined. */
export function articleNumberIn(typed: string): number | undefined {
  const text = typed.normalize("NFKC");
  const id = ARTICLE_ID.exec(text);
  return id ? Number(id[1]) : findArticleRef(text)?.number;
}

function findArticleRef(text: string): { number: number; index: number; length: number } | undefined {
  const old = OLD_ARTICLE_LINK.exec(text);
  const m = old ?? ARTICLE_REF.exec(text) ?? BARE_NUMBER.exec(text);
  if (!m) return undefined;
  const number = Number(old ? old[1]! + old[2]! + old[3]! : m[1]);
  // In a link, the whole link names the article: its other words (http, aspx, scid) are not searched.
  let start = m.index;
  let end = m.index + m[0].length;
  const before = /\S*$/.exec(text.slice(0, start))![0];
  const after = /^\S*/.exec(text.slice(end))![0];
  if (/[/=]/.test(before + after)) {
    start -= before.length;
    end += after.length;
  }
  return { number, index: start, length: end - start };
}
