/**
 * A hostile source for measuring a build's memory: COUNT articles of SIZE MB each (under the 4 MB
 * an article may have), laid out as the archive is on disk (kb/NNN/QNNNNNN/README.md). Their text
 * is words drawn from a large vocabulary with Zipf-like frequencies (a word's frequency about 1 / its
 * rank, as in natural text), so the index holds postings as a real source's would: a few words in
 * every article, most in few. The same seed gives the same files.
 *
 *   node dist/bench/hostile-source.js OUT_DIR [COUNT=1100] [SIZE_MB=3.5] [SEED=1]
 *
 * A folder, not a tarball: a tarball may unpack to at most 2 GB, and 1,100 articles of 3.5 MB are 3.85 GB.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { seededRandom } from "./seeded-random.js";

/** Distinct words drawn from; an article of 3.5 MB holds some 500,000 words. */
const VOCABULARY = 400_000;
/** Article numbers from here up: above the archive's (Q327491) and apart from the sample corpus's. */
const FIRST_NUMBER = 500_000;
const LINE_CHARS = 72;

/** Pronounceable-ish words of 3 to 12 letters, all distinct. */
function vocabulary(random: () => number, size: number): string[] {
  const consonants = "bcdfghjklmnprstvwz";
  const vowels = "aeiou";
  const words = new Set<string>();
  while (words.size < size) {
    const length = 3 + Math.floor(random() * 10);
    let word = "";
    for (let i = 0; i < length; i++) word += i % 2 ? vowels[Math.floor(random() * vowels.length)] : consonants[Math.floor(random() * consonants.length)];
    words.add(word);
  }
  return [...words];
}

/** One article of about `bytes` bytes of text, in the archive's layout. */
function article(number: number, bytes: number, words: string[], random: () => number): string {
  const logV = Math.log(words.length + 1);
  /** A word by rank r with probability about 1/r: the inverse of the continuous 1/x distribution. */
  const word = () => words[Math.min(words.length - 1, Math.floor(Math.exp(random() * logV)) - 1)]!;
  const title = `Q${number}: ${word()} ${word()} ${word()} ${word()}`;
  const lines: string[] = [
    "---", "layout: page", `title: "${title}"`, `permalink: /kb/${String(Math.floor(number / 1000)).padStart(3, "0")}/Q${number}/`, "---", "",
    `## ${title}`, "", "{% raw %}", "",
    `\tArticle: Q${number}`, "\tProduct(s): Generated", "\tVersion(s): 1.0", "\tOperating System(s): MS-DOS",
    "\tKeyword(s): kbgenerated", "\tLast Modified: 1-JAN-2000", "\t",
  ];
  let size = lines.reduce((n, l) => n + l.length + 1, 0);
  while (size < bytes) {
    let line = "\t";
    while (line.length < LINE_CHARS) line += word() + " ";
    lines.push(line);
    size += line.length + 1;
  }
  lines.push("", "{% endraw %}", "");
  return lines.join("\n");
}

/** Writes `count` articles of about `bytes` bytes each into `out`, words drawn from `words` distinct ones. */
export function writeHostileSource(out: string, count: number, bytes: number, seed = 1, words = VOCABULARY, onArticle?: (done: number) => void): void {
  const random = seededRandom(seed);
  const drawn = vocabulary(random, words);
  for (let i = 0; i < count; i++) {
    const number = FIRST_NUMBER + i;
    const dir = join(out, "kb", String(Math.floor(number / 1000)).padStart(3, "0"), `Q${number}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "README.md"), article(number, bytes, drawn, random));
    onArticle?.(i + 1);
  }
}

function main(): void {
  const [out, countArg = "1100", sizeArg = "3.5", seedArg = "1"] = process.argv.slice(2);
  if (!out) throw new Error("usage: node dist/bench/hostile-source.js OUT_DIR [COUNT] [SIZE_MB] [SEED]");
  const count = Number(countArg);
  writeHostileSource(out, count, Math.round(Number(sizeArg) * 1024 * 1024), Number(seedArg), VOCABULARY, (done) => {
    if (done % 100 === 0) process.stderr.write(`${done} of ${count} articles\n`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
