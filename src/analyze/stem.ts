/**
 * The Porter stemmer exactly as the `natural` package (8.x) implements it, which built every index
 * so far: its steps and quirks are kept as they are, since a word stemmed otherwise would miss the
 * terms already indexed (test/analyze.test.ts compares the two over the sample corpus and a word
 * list). Ported rather than imported: loading natural's stemmer module brought four CommonJS modules
 * (its base class, stopword list and a tokenizer) and took about 7 ms of a one-shot search.
 *
 * From natural's lib/natural/stemmers/porter_stemmer.js, Copyright (c) 2011, Chris Umbel, MIT
 * licence: permission is granted to use, copy, modify and distribute it, with this notice; the
 * software is provided "as is", without warranty of any kind.
 */

/** Consecutive consonants as C, consecutive vowels as V ("y" after a consonant is a vowel). */
function categorizeGroups(token: string): string {
  return token.replace(/[^aeiouy]+y/g, "CV").replace(/[aeiou]+/g, "V").replace(/[^V]+/g, "C");
}

/** Each consonant as C, each vowel as V. */
function categorizeChars(token: string): string {
  return token.replace(/[^aeiouy]y/g, "CV").replace(/[aeiou]/g, "V").replace(/[^V]/g, "C");
}

/** The measure M: the number of VC sequences, a leading C and a trailing V dropped; -1 for no word. */
function measure(token: string | null): number {
  if (!token) return -1;
  return categorizeGroups(token).replace(/^C/, "").replace(/V$/, "").length / 2;
}

function endsWithDoubleConsonant(token: string): boolean {
  return /([^aeiou])\1$/.test(token);
}

/**
 * `token` with `pattern` (a suffix, or a regular expression) replaced, then passed through
 * `callback` when given; null when the pattern does not match (or the callback says so).
 */
function attemptReplace(token: string, pattern: string | RegExp, replacement: string, callback?: (token: string) => string | null): string | null {
  let result: string | null = null;
  if (typeof pattern === "string" && token.slice(-pattern.length) === pattern) result = token.slice(0, -pattern.length) + replacement;
  else if (pattern instanceof RegExp && pattern.test(token)) result = token.replace(pattern, replacement);
  return result && callback ? callback(result) : result;
}

/**
 * Applies each [suffix, test replacement, replacement] whose test replacement of the original token
 * leaves a measure above `measureThreshold` (any, when none is given), one after another.
 */
function attemptReplacePatterns(token: string, replacements: readonly (readonly [string, string, string])[], measureThreshold?: number): string {
  let replacement = token;
  for (const [pattern, test, replace] of replacements) {
    if (measureThreshold === undefined || measure(attemptReplace(token, pattern, test)) > measureThreshold) {
      replacement = attemptReplace(replacement, pattern, replace) || replacement;
    }
  }
  return replacement;
}

/** The groups `includeParts` of `regex`'s match when what they make has a measure above `minimumMeasure`; else null. */
function replaceRegex(token: string, regex: RegExp, includeParts: readonly number[], minimumMeasure: number): string | null {
  let result = "";
  const parts = regex.exec(token);
  if (parts) for (const i of includeParts) result += parts[i];
  return measure(result) > minimumMeasure ? result : null;
}

function step1a(token: string): string {
  if (/(ss|i)es$/.test(token)) return token.replace(/(ss|i)es$/, "$1");
  if (token.slice(-1) === "s" && token.slice(-2, -1) !== "s" && token.length > 2) return token.replace(/s?$/, "");
  return token;
}

function step1b(token: string): string {
  if (token.slice(-3) === "eed") {
    if (measure(token.slice(0, -3)) > 0) return token.replace(/eed$/, "ee");
    return token;
  }
  const result = attemptReplace(token, /(ed|ing)$/, "", (stem) => {
    if (!categorizeGroups(stem).includes("V")) return null;
    const replaced = attemptReplacePatterns(stem, [["at", "", "ate"], ["bl", "", "ble"], ["iz", "", "ize"]]);
    if (replaced !== stem) return replaced;
    if (endsWithDoubleConsonant(stem) && /[^lsz]$/.test(stem)) return stem.replace(/([^aeiou])\1$/, "$1");
    if (measure(stem) === 1 && categorizeChars(stem).slice(-3) === "CVC" && /[^wxy]$/.test(stem)) return stem + "e";
    return stem;
  });
  return result || token;
}

function step1c(token: string): string {
  const groups = categorizeGroups(token);
  if (token.slice(-1) === "y" && groups.slice(0, -1).includes("V")) return token.replace(/y$/, "i");
  return token;
}

const STEP2: readonly (readonly [string, string, string])[] = [
  ["ational", "", "ate"], ["tional", "", "tion"], ["enci", "", "ence"], ["anci", "", "ance"],
  ["izer", "", "ize"], ["abli", "", "able"], ["bli", "", "ble"], ["alli", "", "al"], ["entli", "", "ent"], ["eli", "", "e"],
  ["ousli", "", "ous"], ["ization", "", "ize"], ["ation", "", "ate"], ["ator", "", "ate"], ["alism", "", "al"],
  ["iveness", "", "ive"], ["fulness", "", "ful"], ["ousness", "", "ous"], ["aliti", "", "al"],
  ["iviti", "", "ive"], ["biliti", "", "ble"], ["logi", "", "log"],
];

const STEP3: readonly (readonly [string, string, string])[] = [
  ["icate", "", "ic"], ["ative", "", ""], ["alize", "", "al"], ["iciti", "", "ic"], ["ical", "", "ic"], ["ful", "", ""], ["ness", "", ""],
];

function step2(token: string): string {
  return attemptReplacePatterns(token, STEP2, 0) || token;
}

function step3(token: string): string {
  return attemptReplacePatterns(token, STEP3, 0) || token;
}

function step4(token: string): string {
  return (
    replaceRegex(token, /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/, [1], 1) ||
    replaceRegex(token, /^(.+?)(s|t)(ion)$/, [1, 2], 1) ||
    token
  );
}

function step5a(token: string): string {
  const m = measure(token.replace(/e$/, ""));
  // The three letters before the last, or a shorter word's first three (as String.substr(-4, 3) reads).
  const chars = categorizeChars(token);
  const start = Math.max(0, chars.length - 4);
  if (m > 1 || (m === 1 && !(chars.slice(start, start + 3) === "CVC" && /[^wxy].$/.test(token)))) return token.replace(/e$/, "");
  return token;
}

function step5b(token: string): string {
  return measure(token) > 1 ? token.replace(/ll$/, "l") : token;
}

/** Stems a lower-case alphabetic word (the analyzer caches its results). */
export function stem(word: string): string {
  if (word.length < 3) return word;
  return step5b(step5a(step4(step3(step2(step1c(step1b(step1a(word.toLowerCase()))))))));
}
