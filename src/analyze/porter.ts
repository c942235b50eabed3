/**
 * The Porter stemmer exactly as `natural` 8 (lib/natural/stemmers/porter_stemmer.js) stems, quirks
 * and all, since the index's terms are its output: the same steps in the same order, with the
 * same tests, but on character codes and slices where natural builds regular expressions and
 * replaces through strings several times per suffix tried. natural took ~3 µs a word once
 * compiled (more before) and allocated about half of all a warm search allocates, which a query
 * pays for every spelling one edit from a word it may have misspelt (hundreds of them) and a
 * snippet for each new word of an article; this takes ~0.6 µs and allocates only its result.
 * test/porter.test.ts holds it to natural's output word for word.
 *
 * natural's quirks kept: its "measure" counts groups as it categorizes them (a y after a
 * consonant is a vowel group of its own, so "syo" measures 0.5); step 2 and step 3 try every
 * suffix of their lists in turn on the word as it is being rewritten, each tested against the
 * word as it came in; step 4 takes the longest suffix of its list (leaving a letter at least)
 * and tries no shorter one when that leaves too short a stem.
 */

const A = 97;
const E = 101;
const I = 105;
const O = 111;
const U = 117;
const Y = 121;

function isVowel(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U;
}

/** Whether token[i] is a vowel in natural's categorizing: a, e, i, o, u, or a y after a letter that is none of those nor y. */
function vowelAt(token: string, i: number): boolean {
  const c = token.charCodeAt(i);
  if (isVowel(c)) return true;
  if (c !== Y || i === 0) return false;
  const before = token.charCodeAt(i - 1);
  return !isVowel(before) && before !== Y;
}

/**
 * natural's categorizeGroups(token).length: runs of a-e-i-o-u make one V, a y after a consonant a V
 * of its own (never joined to the vowels after it), and the runs of everything else one C each.
 * `end` reads only token[0, end). Returns the length with its first C and its last V left out
 * (what measure halves), or -1 for an empty token.
 */
function measuredLength(token: string, end: number): number {
  if (end === 0) return -1;
  let length = 0;
  /** What the last symbol written was: 0 none, 1 C, 2 a vowel run's V, 3 a y's V. */
  let last = 0;
  let first = 0;
  for (let i = 0; i < end; i++) {
    const c = token.charCodeAt(i);
    let symbol: number;
    if (isVowel(c)) symbol = last === 2 ? 0 : 2;
    else if (c === Y && i > 0 && !isVowel(token.charCodeAt(i - 1)) && token.charCodeAt(i - 1) !== Y) symbol = 3;
    else symbol = last === 1 ? 0 : 1;
    if (symbol === 0) continue;
    if (length === 0) first = symbol;
    length++;
    last = symbol;
  }
  if (first === 1) length--;
  if (last !== 1 && length > 0) length--;
  return length;
}

/** natural's measure(token.slice(0, end)): -1 for an empty token. */
function measure(token: string, end = token.length): number {
  const length = measuredLength(token, end);
  return length < 0 ? -1 : length / 2;
}

/** Whether token.slice(0, end) has a V anywhere in natural's categorizeGroups. */
function hasVowelGroup(token: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (vowelAt(token, i)) return true;
  return false;
}

/** natural's categorizeChars(token).substr(from, 3) === "CVC", `from` as substr reads a negative start. */
function cvcAt(token: string, from: number): boolean {
  const start = from < 0 ? Math.max(0, token.length + from) : from;
  if (start + 3 > token.length) return false;
  return !vowelAt(token, start) && vowelAt(token, start + 1) && !vowelAt(token, start + 2);
}

function endsWith(token: string, suffix: string): boolean {
  return token.length >= suffix.length && token.endsWith(suffix);
}

function step1a(token: string): string {
  if (endsWith(token, "sses") || endsWith(token, "ies")) return token.slice(0, -2);
  const n = token.length;
  if (token.charCodeAt(n - 1) === 115 /* s */ && token.charCodeAt(n - 2) !== 115 && n > 2) return token.slice(0, -1);
  return token;
}

function step1b(token: string): string {
  if (endsWith(token, "eed")) {
    return measure(token, token.length - 3) > 0 ? token.slice(0, -1) : token;
  }
  const cut = endsWith(token, "ed") ? 2 : endsWith(token, "ing") ? 3 : 0;
  if (cut === 0 || token.length === cut) return token;
  const stem = token.slice(0, -cut);
  if (!hasVowelGroup(stem, stem.length)) return token;
  if (endsWith(stem, "at") || endsWith(stem, "bl") || endsWith(stem, "iz")) return stem + "e";
  const n = stem.length;
  const lastCode = stem.charCodeAt(n - 1);
  if (n >= 2 && lastCode === stem.charCodeAt(n - 2) && !isVowel(lastCode) && lastCode !== 108 /* l */ && lastCode !== 115 /* s */ && lastCode !== 122 /* z */) {
    return stem.slice(0, -1);
  }
  if (measure(stem) === 1 && cvcAt(stem, -3) && lastCode !== 119 /* w */ && lastCode !== 120 /* x */ && lastCode !== Y) return stem + "e";
  return stem;
}

function step1c(token: string): string {
  if (token.charCodeAt(token.length - 1) !== Y) return token;
  // natural asks whether the groups but the last hold a V: with the y a group of its own or the
  // end of a consonant run, that is whether a V stands before the run holding the last letter.
  if (!groupsButLastHoldVowel(token)) return token;
  return token.slice(0, -1) + "i";
}

/** Whether natural's categorizeGroups(token), its last symbol left out, holds a V. */
function groupsButLastHoldVowel(token: string): boolean {
  // The last symbol's run starts where the letters of its kind end, read backwards.
  let i = token.length - 1;
  if (vowelAt(token, i)) {
    // A y's V is one letter; a vowel run's V spans the vowels before it.
    if (isVowel(token.charCodeAt(i))) while (i > 0 && isVowel(token.charCodeAt(i - 1))) i--;
  } else {
    while (i > 0 && !vowelAt(token, i - 1)) i--;
  }
  return hasVowelGroup(token, i);
}

type Rule = readonly [suffix: string, replacement: string];

const STEP2: readonly Rule[] = [
  ["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["izer", "ize"], ["abli", "able"], ["bli", "ble"],
  ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"], ["ization", "ize"], ["ation", "ate"], ["ator", "ate"],
  ["alism", "al"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"], ["aliti", "al"], ["iviti", "ive"],
  ["biliti", "ble"], ["logi", "log"],
];
const STEP3: readonly Rule[] = [["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"], ["ful", ""], ["ness", ""]];
const NO_RULES: readonly Rule[] = [];

/** A step's rules by the last letter of their suffix, each letter's in the step's order. */
function byLastLetter(rules: readonly Rule[]): ReadonlyMap<number, readonly Rule[]> {
  const map = new Map<number, Rule[]>();
  for (const rule of rules) {
    const last = rule[0].charCodeAt(rule[0].length - 1);
    map.set(last, [...(map.get(last) ?? []), rule]);
  }
  return map;
}

const STEP2_RULES = byLastLetter(STEP2);
const STEP3_RULES = byLastLetter(STEP3);

/**
 * natural's replacePatterns(token, rules, 0): each rule whose suffix ends the token as it came in,
 * leaving a measure above 0 there, rewrites that suffix of the token as rewritten so far, unless
 * that would leave nothing.
 */
function replaceSuffixes(token: string, rules: ReadonlyMap<number, readonly Rule[]>): string {
  let out = token;
  // Only the rules whose suffix ends as the token does can apply: the others are not looked at.
  for (const [suffix, replacement] of rules.get(token.charCodeAt(token.length - 1)) ?? NO_RULES) {
    if (!endsWith(token, suffix) || !(measure(token, token.length - suffix.length) > 0)) continue;
    if (!endsWith(out, suffix)) continue;
    const rewritten = out.slice(0, out.length - suffix.length) + replacement;
    if (rewritten !== "") out = rewritten;
  }
  return out;
}

/** Step 4's suffixes, longest first (natural's lazy stem takes the longest one that ends the word). */
const STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "al", "er", "ic", "ou"];

function step4(token: string): string {
  for (const suffix of STEP4) {
    if (token.length > suffix.length && token.endsWith(suffix)) {
      const stemEnd = token.length - suffix.length;
      if (measure(token, stemEnd) > 1) return token.slice(0, stemEnd);
      break;
    }
  }
  const n = token.length;
  if (n >= 5 && (token.endsWith("sion") || token.endsWith("tion")) && measure(token, n - 3) > 1) return token.slice(0, -3);
  return token;
}

function step5a(token: string): string {
  if (token.charCodeAt(token.length - 1) !== E) return token;
  const m = measure(token, token.length - 1);
  if (m > 1) return token.slice(0, -1);
  if (m === 1) {
    const beforeLast = token.charCodeAt(token.length - 2);
    const cvcBefore = cvcAt(token, -4) && token.length >= 2 && beforeLast !== 119 /* w */ && beforeLast !== 120 /* x */ && beforeLast !== Y;
    if (!cvcBefore) return token.slice(0, -1);
  }
  return token;
}

function step5b(token: string): string {
  if (endsWith(token, "ll") && measure(token) > 1) return token.slice(0, -1);
  return token;
}

/** natural's PorterStemmer.stem(token). */
export function porterStem(token: string): string {
  if (token.length < 3) return token;
  return step5b(step5a(step4(replaceSuffixes(replaceSuffixes(step1c(step1b(step1a(token.toLowerCase()))), STEP2_RULES), STEP3_RULES))));
}
