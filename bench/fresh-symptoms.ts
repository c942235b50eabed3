/**
 * Fresh symptom queries, made as dev.jsonl's `symptom` class is made (../shared/eval/README.md:
 * "describes the problem in 4-7 words of the SYMPTOMS section, none from the title"), from
 * articles no eval set judges. dev's 250 symptom queries have been tuned on for many rounds: its
 * tuned folds say .95 where its held-out folds say .91, and only a larger set of queries nobody
 * tuned on says which is the engine's. Thousands of queries made the same way measure a change to
 * within about .005 rather than dev's .03.
 *
 * How dev's queries were made, as read back from them (158 of its articles): the words keep the
 * section's order; none is a stopword or shares its stem with a title word; 4 words in about half
 * of them, 5, 6 and 7 in the rest (PICK_SIZES); and a word is picked less the more articles hold it
 * (pickOdds): nearly half of the section's words held by 10 to 3,000 articles were picked, one in
 * ten of those held by 9,000-12,000, hardly any of those held by more than 18,000 or by fewer than 10.
 *
 * Usage: node dist/bench/fresh-symptoms.js [--count N] [--seed S] [--out FILE]
 * (writes bench/.cache/fresh-symptom.jsonl; score it with `npm run bench:relevance -- --sets FILE`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { normalize } from "../src/analyze/analyzer.js";
import { isStopword } from "../src/analyze/stopwords.js";
import { parseArticle } from "../src/parse/article.js";
import type { Article } from "../src/parse/types.js";
import { readSource } from "../src/read/source.js";
import { IndexReader } from "../src/store/reader.js";
import { loadEngine } from "./peers/registry.js";
import { seededRandom, shuffle } from "./seeded-random.js";
import { archiveTarball, benchCacheDir, benchIndexDir, commandLine, ensureIndex, loadEvalSet, requireArchive, usageError, type EvalQuery } from "./shared.js";

const USAGE = "node dist/bench/fresh-symptoms.js [--count N] [--seed S] [--out FILE]";
/** Query lengths in words, and how often each is drawn (dev's: 77, 38, 31 and 12 of 158). */
export const PICK_SIZES: readonly (readonly [words: number, share: number])[] = [
  [4, 0.49],
  [5, 0.24],
  [6, 0.2],
  [7, 0.07],
];
/** The eval sets whose articles a fresh query must not be about. */
const JUDGED_SETS = ["dev.jsonl", "real-dev.jsonl", "real-extra.jsonl", "forum-extra.jsonl"];
/** A word as the section writes it: letters and digits, starting with a letter, not part of a longer token (`0x4f2c`). */
const WORD = /(?<![a-z0-9])[a-z][a-z0-9]*/g;
const MIN_WORD_LENGTH = 3;

/** The odds that a word held by `docFreq` articles is picked, by band of document frequency (see the header). */
export function pickOdds(docFreq: number): number {
  if (docFreq < 10) return 0;
  if (docFreq < 3000) return 1;
  if (docFreq < 6000) return 0.42;
  if (docFreq < 9000) return 0.28;
  if (docFreq < 12000) return 0.22;
  if (docFreq < 18000) return 0.11;
  return 0.01;
}

/**
 * A symptom query for `article`, or undefined when its SYMPTOMS section has fewer than 4 words to
 * pick from: up to 7 distinct words of the section, in its order, none a stopword or a title word's
 * stem, each eligible with the odds its document frequency gives.
 */
export function symptomQuery(article: Pick<Article, "title" | "text" | "sections">, docFreq: (term: string) => number, random: () => number): string | undefined {
  const section = article.sections.find((s) => s.name === "SYMPTOMS");
  if (!section) return undefined;
  const titleStems = new Set((article.title.toLowerCase().match(WORD) ?? []).map(normalize));
  const firstAt = new Map<string, number>();
  for (const m of article.text.slice(section.start, section.end).toLowerCase().matchAll(WORD)) {
    const word = m[0];
    if (word.length < MIN_WORD_LENGTH || isStopword(word) || firstAt.has(word) || titleStems.has(normalize(word))) continue;
    firstAt.set(word, m.index);
  }
  const eligible = [...firstAt.keys()].filter((word) => {
    const term = normalize(word);
    return term !== undefined && random() < pickOdds(docFreq(term));
  });
  const size = drawSize(random);
  if (eligible.length < PICK_SIZES[0]![0]) return undefined;
  // The words are drawn in a random order; the query keeps the section's.
  return shuffle(eligible, random)
    .slice(0, Math.min(size, eligible.length))
    .sort((a, b) => firstAt.get(a)! - firstAt.get(b)!)
    .join(" ");
}

function drawSize(random: () => number): number {
  let x = random();
  for (const [words, share] of PICK_SIZES) {
    if (x < share) return words;
    x -= share;
  }
  return PICK_SIZES[PICK_SIZES.length - 1]![0];
}

/** The articles any eval set judges. */
function judgedArticles(): Set<string> {
  const judged = new Set<string>();
  for (const name of JUDGED_SETS) for (const q of loadEvalSet(name)) for (const id of q.relevant) judged.add(id);
  return judged;
}

async function main(): Promise<void> {
  const { values } = commandLine(USAGE, () =>
    parseArgs({ options: { count: { type: "string", default: "3000" }, seed: { type: "string", default: "7" }, out: { type: "string", default: join(benchCacheDir, "fresh-symptom.jsonl") } } }),
  );
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!(Number.isInteger(count) && count > 0)) usageError("--count takes a whole number above 0", USAGE);
  if (!Number.isInteger(seed)) usageError("--seed takes a whole number", USAGE);
  requireArchive();
  ensureIndex(await loadEngine("kbsearch"));
  const reader = IndexReader.open(benchIndexDir);
  const docFreq = (term: string) => reader.lookup(term)?.docFreq ?? 0;
  const judged = judgedArticles();
  const random = seededRandom(seed);
  // A query for every article that has one (some 24,000), then `count` of them drawn at random, so
  // that they come from every era of the archive rather than from the first articles read.
  const candidates: { article: number; id: string; query: string }[] = [];
  for await (const entry of readSource(archiveTarball)) {
    let article: Article;
    try {
      article = parseArticle(entry.path, entry.text);
    } catch {
      continue;
    }
    if (judged.has(article.id)) continue;
    const query = symptomQuery(article, docFreq, random);
    if (query) candidates.push({ article: article.number, id: article.id, query });
  }
  const queries: EvalQuery[] = shuffle(candidates, random)
    .slice(0, count)
    .sort((a, b) => a.article - b.article)
    .map((c, i) => ({ qid: `fresh-symptom-${i + 1}`, class: "symptom", query: c.query, relevant: [c.id] }));
  reader.close();
  writeFileSync(values.out, queries.map((q) => JSON.stringify(q)).join("\n") + "\n");
  process.stderr.write(`fresh-symptoms: ${queries.length} queries written to ${values.out}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`fresh-symptoms: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
