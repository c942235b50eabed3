/**
 * The analyzer's Porter stemmer (src/analyze/porter.ts) against `natural`'s, whose stems every
 * index holds: the same stem for every word of the sample articles, every spelling one edit from
 * them (what a query's spelling corrections stem), words built of the suffixes each step rewrites,
 * and random strings of the letters its tests tell apart (vowels, y, doubled and accented letters).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import natural from "natural/lib/natural/stemmers/porter_stemmer.js";
import { porterStem } from "../src/analyze/porter.js";
import { oneEditAway } from "../src/query/spelling.js";
import { seededRandom } from "../bench/seeded-random.js";
import { sampleCorpus } from "./helpers.js";

/** Stems that differ, at most `shown` of them as "word: natural -> ours". */
function differences(words: Iterable<string>, shown = 10): { checked: number; wrong: string[] } {
  let checked = 0;
  const wrong: string[] = [];
  for (const word of words) {
    checked++;
    const expected = natural.stem(word);
    const actual = porterStem(word);
    if (actual !== expected && wrong.length < shown) wrong.push(`${word}: ${expected} -> ${actual}`);
  }
  return { checked, wrong };
}

function sampleWords(): Set<string> {
  const words = new Set<string>();
  const files = readdirSync(join(sampleCorpus, "kb"), { recursive: true }).map(String).filter((f) => f.endsWith(".md"));
  for (const file of files) {
    for (const word of readFileSync(join(sampleCorpus, "kb", file), "utf8").toLowerCase().split(/[^a-z\u00c0-\u024f]+/)) if (word) words.add(word);
  }
  return words;
}

test("the sample articles' words and the spellings one edit from them stem as natural stems them", () => {
  const words = sampleWords();
  assert.ok(words.size > 1000, `${words.size} words`);
  const variants = new Set<string>();
  for (const word of words) if (word.length <= 12) for (const variant of oneEditAway(word)) variants.add(variant);
  const result = differences([...words, ...variants]);
  assert.ok(result.checked > 200_000, `${result.checked} checked`);
  assert.deepEqual(result.wrong, []);
});

/** Endings each step of the algorithm tests or rewrites, and the letters around them. */
const SUFFIXES = [
  "ational", "tional", "enci", "anci", "izer", "abli", "bli", "alli", "entli", "eli", "ousli", "ization", "ation", "ator", "alism",
  "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness",
  "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
  "sion", "tion", "ion", "e", "ll", "l", "s", "ss", "sses", "ies", "es", "eed", "ed", "ing", "y", "yy", "ey", "oy", "at", "bl", "iz", "ly",
];
const LETTERS = "aeiouybcdlmnstgzwxrpké";

test("words built of the endings the steps rewrite, and random strings, stem as natural stems them", () => {
  const random = seededRandom(20261207);
  const pick = (s: string | readonly string[]) => s[Math.floor(random() * s.length)]!;
  const words: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    let word = "";
    for (let n = Math.floor(random() * 6); n > 0; n--) word += pick(LETTERS);
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) word += pick(SUFFIXES);
    words.push(word);
    let plain = "";
    for (let n = 1 + Math.floor(random() * 12); n > 0; n--) plain += pick(LETTERS);
    words.push(plain);
  }
  assert.deepEqual(differences(words).wrong, []);
});

test("cases natural's quirks decide", () => {
  // A y after a consonant is a vowel group of its own; step 4 tries only its longest ending; a
  // word of under three letters is left as it is.
  for (const word of ["syzygy", "sky", "skying", "yyy", "replacement", "agreement", "generalization", "relational", "ies", "sses", "as", "by", "happy", "conditional"]) {
    assert.equal(porterStem(word), natural.stem(word), word);
  }
});
