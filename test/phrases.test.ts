/**
 * Phrases answered from the index against a brute-force reading of the articles themselves: every
 * article's fields analyzed anew, a phrase found where its terms stand at its distances in one
 * field. Over a corpus of the sample articles and many variants of them (words dropped and
 * swapped), so that common words hold hundreds of articles and their lists are long enough to be
 * skipped through in blocks, and the same phrase stands in some variants and not in others.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeToTokens } from "../src/analyze/analyzer.js";
import { buildIndex, openIndex, type KbIndex } from "../src/index.js";
import { fieldTexts } from "../src/indexer/fields.js";
import { parseArticle } from "../src/parse/article.js";
import { findSections } from "../src/text/sections.js";
import { phraseDocs } from "../src/query/phrases.js";
import { phraseTerms, type PhraseTerms } from "../src/query/verify.js";
import { FIELD, FIELD_POSITION_SPAN, SKIP_INTERVAL } from "../src/store/format.js";
import { encodePosting, encodePositions, END, PostingSeeker, skipTableBytes, withSkipTables } from "../src/store/postings.js";
import { IndexReader } from "../src/store/reader.js";
import { ByteWriter } from "../src/store/varint.js";
import { assertSameIndex, random, sampleCorpus } from "./helpers.js";

/** Variants of each sample article: 40 x 16 articles, a common word's list several blocks long. */
const VARIANTS = 16;

let tmp = "";
let index: KbIndex;
let reader: IndexReader;
/** Per article id, per field, its terms by word position (a position may hold more than one term). */
const fieldsOf = new Map<string, Map<number, Set<string>>[]>();
/** Raw lines of the articles' text, to take phrases from. */
const lines: string[] = [];

/** The sample article at `path` with its number and words changed: a new article. */
function variant(source: string, id: string, number: number, next: () => number): string {
  const renamed = source.replaceAll(id, `Q${number}`).replaceAll(`/kb/${id.slice(1, 4)}/`, `/kb/${String(Math.floor(number / 1000))}/`);
  return renamed
    .split("\n")
    .map((line) => {
      // Sentences of the text only: header lines (`Name: value`), headings and lists stay as they are.
      const words = line.trim().split(/\s+/);
      if (!line.startsWith("\t") || line.includes(":") || line.trim().startsWith("-") || words.length < 4) return line;
      const kept = words.filter(() => next() > 0.12);
      for (let i = 0; i + 1 < kept.length; i++) if (next() < 0.05) [kept[i], kept[i + 1]] = [kept[i + 1]!, kept[i]!];
      return `\t${kept.join(" ")}`;
    })
    .join("\n");
}

/** The articles saying `phrase`, found by reading every article's fields word by word. */
function bruteForce(phrase: PhraseTerms): Set<string> {
  const found = new Set<string>();
  if (phrase.length === 0) return found;
  for (const [id, fields] of fieldsOf) {
    const says = fields.some((at) => [...at].some(([pos, terms]) => terms.has(phrase[0]!.term) && phrase.every((p) => at.get(pos + p.offset)?.has(p.term))));
    if (says) found.add(id);
  }
  return found;
}

const idsOf = (says: Uint8Array) => new Set([...says.keys()].filter((doc) => says[doc]).map((doc) => `Q${reader.articleNumbers()[doc]}`));

describe("phrases against a brute-force reading of the articles", () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "kbsearch-phrases-"));
    const source = join(tmp, "source");
    const next = random(7);
    const articles = readdirSync(join(sampleCorpus, "kb"), { recursive: true }).map(String).filter((p) => p.endsWith("README.md"));
    let number = 800_000;
    for (const path of articles) {
      const text = readFileSync(join(sampleCorpus, "kb", path), "utf8");
      const id = path.split("/").at(-2)!;
      for (let v = 0; v < VARIANTS; v++) {
        number++;
        const dir = join(source, "kb", String(Math.floor(number / 1000)), `Q${number}`);
        mkdirSync(dir, { recursive: true });
        const written = v === 0 ? text.replaceAll(id, `Q${number}`) : variant(text, id, number, next);
        writeFileSync(join(dir, "README.md"), written);
        const article = parseArticle(join(dir, "README.md"), written);
        fieldsOf.set(article.id, fieldTexts(article).map((field) => {
          const at = new Map<number, Set<string>>();
          for (const token of analyzeToTokens(field)) at.set(token.pos, (at.get(token.pos) ?? new Set()).add(token.term));
          return at;
        }));
        if (v === 0) lines.push(article.title, ...article.text.split("\n").filter((l) => l.trim().split(/\s+/).length >= 4));
      }
    }
    await buildIndex(source, { indexDir: join(tmp, "index") });
    index = await openIndex(join(tmp, "index"));
    reader = IndexReader.open(join(tmp, "index"));
  });
  after(() => {
    index?.close();
    reader?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Phrases of two to five words from the articles' own lines and titles, and some of the commonest words. */
  function phrases(): string[] {
    const next = random(11);
    const taken: string[] = ["windows nt", "microsoft windows", "the file", "is not", "the following", "for more information", "this article", "microsoft windows nt", "windows windows"];
    while (taken.length < 400) {
      const words = lines[Math.floor(next() * lines.length)]!.trim().split(/\s+/);
      const length = 2 + Math.floor(next() * 4);
      const start = Math.floor(next() * Math.max(1, words.length - length));
      taken.push(words.slice(start, start + length).join(" ").replaceAll('"', ""));
    }
    return taken;
  }

  test("the index's phrase answer is the brute-force one, for every phrase", () => {
    assert.ok(reader.lookup("window")!.docFreq > 300, "common words hold long lists");
    let matched = 0;
    for (const phrase of phrases()) {
      const terms = phraseTerms(phrase);
      if (terms.length < 2) continue;
      const expected = bruteForce(terms);
      assert.deepEqual(idsOf(phraseDocs(reader, terms)), expected, phrase);
      if (expected.size > 0) matched++;
    }
    assert.ok(matched > 200, `only ${matched} phrases stand in any article`);
  });

  test("within a mask: the articles of the mask saying the phrase", () => {
    const next = random(3);
    const within = Uint8Array.from({ length: reader.docCount }, () => (next() < 0.3 ? 1 : 0));
    const inMask = idsOf(within);
    for (const phrase of phrases().slice(0, 80)) {
      const terms = phraseTerms(phrase);
      if (terms.length < 2) continue;
      const expected = new Set([...bruteForce(terms)].filter((id) => inMask.has(id)));
      assert.deepEqual(idsOf(phraseDocs(reader, terms, within)), expected, phrase);
    }
  });

  test("a search's total and hits are every article saying the phrase; exclusions and ORs count exactly", () => {
    const all = new Set(fieldsOf.keys());
    for (const phrase of ["windows nt", "microsoft windows", "the following", "for more information", "this article", "error message"]) {
      const expected = bruteForce(phraseTerms(phrase));
      assert.ok(expected.size > 30, phrase);
      const result = index.search(`"${phrase}"`, { limit: 3 });
      assert.equal(result.total, expected.size, phrase);
      assert.equal(result.hits.length, 3);
      for (const hit of result.hits) assert.ok(expected.has(hit.id), `${phrase}: ${hit.id}`);
      const every = index.search(`"${phrase}"`, { limit: 1000 }).hits.map((h) => h.id);
      assert.deepEqual(new Set(every), expected, phrase);
      // The first hits of a long answer are the first of the whole ranking.
      assert.deepEqual(result.hits.map((h) => h.id), every.slice(0, 3), phrase);
      assert.deepEqual(index.search(`"${phrase}"`, { limit: 3, offset: 5 }).hits.map((h) => h.id), every.slice(5, 8), phrase);
      const without = index.search(`-"${phrase}"`, { limit: 0 });
      assert.equal(without.total, all.size - expected.size, `-"${phrase}"`);
    }
    const either = new Set([...bruteForce(phraseTerms("windows nt")), ...bruteForce(phraseTerms("error message"))]);
    assert.equal(index.search('"windows nt" OR "error message"', { limit: 0 }).total, either.size);
    const both = [...bruteForce(phraseTerms("windows nt"))].filter((id) => bruteForce(phraseTerms("error message")).has(id));
    assert.equal(index.search('"windows nt" "error message"', { limit: 0 }).total, both.length);
  });

  test("sorted by date or id and with facets, a phrase's hits are the first of all its matches in that order", () => {
    for (const sort of ["date", "id"] as const) {
      const every = index.search('"windows nt"', { sort, limit: 1000 }).hits;
      const first = index.search('"windows nt"', { sort, limit: 7, facets: true });
      assert.deepEqual(first.hits.map((h) => h.id), every.slice(0, 7).map((h) => h.id), sort);
      assert.equal(first.total, every.length);
      const years = first.facets!.years.reduce((sum, y) => sum + y.count, 0);
      assert.equal(years, every.length, "facets count every match");
    }
  });

  test("a phrase within a section: every candidate's section checked, the hits the first of them in order", () => {
    for (const [phrase, section] of [["windows nt", "symptoms"], ["error message", "symptoms"], ["windows nt", "resolution"], ["microsoft windows", "more information"]] as const) {
      const expected = [...bruteForce(phraseTerms(phrase))].filter((id) => {
        const doc = index.get(id)!;
        const words = phraseTerms(phrase).map((p) => p.term);
        return findSections(doc.text, 0, doc.bodyEnd).some((s) => {
          if (!s.name.toLowerCase().startsWith(section)) return false;
          const terms = new Set(analyzeToTokens(doc.text.slice(s.start, s.end)).map((t) => t.term));
          return words.every((w) => terms.has(w));
        });
      });
      const query = `"${phrase}" section:"${section}"`;
      const every = index.search(query, { limit: 1000 });
      assert.ok(expected.length > 2, `${query}: ${expected.length}`);
      assert.equal(every.total, expected.length, query);
      assert.deepEqual(new Set(every.hits.map((h) => h.id)), new Set(expected), query);
      assert.deepEqual(index.search(query, { limit: 4, offset: 2 }).hits.map((h) => h.id), every.hits.slice(2, 6).map((h) => h.id), query);
      assert.deepEqual(every.warnings, []);
    }
  });

  test("an update carrying long lists over writes the index a fresh build does, and answers phrases alike", async () => {
    const source = join(tmp, "source");
    // Some articles gone, one changed: the carried lists are merged with the new ones.
    for (const number of [800_003, 800_100, 800_101, 800_377]) rmSync(join(source, "kb", "800", `Q${number}`), { recursive: true });
    const changed = join(source, "kb", "800", "Q800200", "README.md");
    writeFileSync(changed, readFileSync(changed, "utf8").replace(/\t([A-Za-z]+ [A-Za-z]+ )/, "\tMicrosoft Windows NT $1"));
    await buildIndex(source, { indexDir: join(tmp, "index") });
    await buildIndex(source, { indexDir: join(tmp, "fresh"), full: true });
    assertSameIndex(join(tmp, "index"), join(tmp, "fresh"));
    const updated = IndexReader.open(join(tmp, "index"));
    try {
      assert.ok(updated.lookup("window")!.docFreq > 300);
      const fresh = IndexReader.open(join(tmp, "fresh"));
      for (const phrase of phrases().slice(0, 60)) {
        const terms = phraseTerms(phrase);
        if (terms.length > 1) assert.deepEqual(phraseDocs(updated, terms), phraseDocs(fresh, terms), phrase);
      }
      fresh.close();
    } finally {
      updated.close();
    }
  });
});

test("a seeker through a long list finds every document and its positions, wherever it is sought from", () => {
  // One term's lists as the builder writes them: 1,000 postings, some simple, some in several fields.
  const next = random(5);
  const postings = new ByteWriter();
  const entries = new ByteWriter();
  const docs: number[] = [];
  const positionsOf = new Map<number, number[]>();
  let doc = -1;
  for (let n = 0; n < 1000; n++) {
    const last = doc;
    doc += 1 + Math.floor(next() * 40);
    const tfs: number[] = [0, 0, next() < 0.2 ? 1 : 0, next() < 0.3 ? 2 : 0, next() < 0.5 ? 1 + Math.floor(next() * 5) : 0];
    if (!tfs.some((tf) => tf > 0)) tfs[FIELD.body] = 1;
    const positions = tfs.flatMap((tf, f) => Array.from({ length: tf }, (_, i) => f * FIELD_POSITION_SPAN + i * 7 + Math.floor(next() * 5)));
    encodePosting(postings, doc - last, tfs);
    encodePositions(entries, [...positions]);
    docs.push(doc);
    positionsOf.set(doc, positions);
  }
  const written = withSkipTables({
    docFreqs: Uint32Array.of(docs.length), lengths: Uint32Array.of(postings.length), postings: postings.view(),
    positionLengths: Uint32Array.of(entries.length), positions: entries.view(),
  });
  assert.equal(written.lengths[0], entries.length + skipTableBytes(docs.length));
  // Straight to the documents either side of each block's start, from a fresh seeker.
  for (let start = 0; start < docs.length; start += SKIP_INTERVAL) {
    for (const i of [start - 1, start, start + 1].filter((i) => i >= 0)) {
      assert.equal(new PostingSeeker(postings.view(), written.positions, docs.length).seek(docs[i]!), docs[i], `posting ${i}`);
    }
  }
  for (let trial = 0; trial < 20; trial++) {
    const seeker = new PostingSeeker(postings.view(), written.positions, docs.length);
    let target = 0;
    while (target <= doc + 1) {
      const found = seeker.seek(target);
      const expected = docs.find((d) => d >= target);
      assert.equal(found, expected ?? END, `seek ${target}`);
      if (expected === undefined) break;
      // Read now and then, as a phrase reads only the documents its other words share.
      if (next() < 0.5) {
        const out = new Int32Array(seeker.positionCount());
        assert.deepEqual([...out.subarray(0, seeker.read(0b11111, out))], positionsOf.get(expected), `positions of ${expected}`);
      }
      target = expected + 1 + Math.floor(next() * next() * 400);
    }
  }
});
