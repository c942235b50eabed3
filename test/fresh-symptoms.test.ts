/**
 * Fresh symptom queries (bench/fresh-symptoms.ts) keep the rules dev.jsonl's symptom class was
 * made by, over the sample corpus's articles: 4-7 distinct words of the SYMPTOMS section in its
 * order, no stopword, none sharing a stem with a title word, and no word too rare or too common
 * to have been picked there.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { normalize } from "../src/analyze/analyzer.js";
import { isStopword } from "../src/analyze/stopwords.js";
import { parseArticle } from "../src/parse/article.js";
import type { Article } from "../src/parse/types.js";
import { pickOdds, symptomQuery } from "../bench/fresh-symptoms.js";
import { random, sampleCorpus } from "./helpers.js";

function sampleArticles(): Article[] {
  const articles: Article[] = [];
  const kb = join(sampleCorpus, "kb");
  for (const folder of readdirSync(kb)) {
    for (const id of readdirSync(join(kb, folder))) {
      const path = join(kb, folder, id, "README.md");
      articles.push(parseArticle(path, readFileSync(path, "utf8")));
    }
  }
  return articles;
}

describe("fresh symptom queries", () => {
  const articles = sampleArticles();
  const withSymptoms = articles.filter((a) => a.sections.some((s) => s.name === "SYMPTOMS"));

  test("are words of the SYMPTOMS section in its order, none a stopword or a title word", () => {
    const next = random(11);
    let made = 0;
    for (const article of withSymptoms) {
      const query = symptomQuery(article, () => 100, next);
      if (query === undefined) continue;
      made++;
      const section = article.sections.find((s) => s.name === "SYMPTOMS")!;
      const text = article.text.slice(section.start, section.end).toLowerCase();
      const words = query.split(" ");
      assert.ok(words.length >= 4 && words.length <= 7, `${article.id}: ${words.length} words in "${query}"`);
      assert.equal(new Set(words).size, words.length, `${article.id}: a word twice in "${query}"`);
      const titleStems = new Set((article.title.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? []).map(normalize));
      let from = -1;
      for (const word of words) {
        assert.ok(!isStopword(word), `${article.id}: stopword "${word}"`);
        assert.ok(!titleStems.has(normalize(word)), `${article.id}: "${word}" is a title word`);
        const at = new RegExp(`(?<![a-z0-9])${word}(?![a-z0-9])`).exec(text)?.index ?? -1;
        assert.ok(at > from, `${article.id}: "${word}" is not in the section after the word before it ("${query}")`);
        from = at;
      }
    }
    assert.ok(made >= withSymptoms.length / 2, `queries for ${made} of ${withSymptoms.length} articles with symptoms`);
  });

  test("are made only from words held by enough articles, and by few enough", () => {
    const next = random(12);
    const article = withSymptoms[0]!;
    assert.equal(symptomQuery(article, () => 5, next), undefined, "words held by 5 articles are never picked");
    assert.ok(symptomQuery(article, () => 500, next), "words held by 500 articles are");
    assert.equal(pickOdds(2999), 1);
    assert.ok(pickOdds(20000) < pickOdds(10000) && pickOdds(10000) < pickOdds(5000) && pickOdds(5000) < 1);
  });

  test("an article without a SYMPTOMS section gives none", () => {
    const without = articles.find((a) => !a.sections.some((s) => s.name === "SYMPTOMS"))!;
    assert.equal(symptomQuery(without, () => 100, random(13)), undefined);
  });
});
