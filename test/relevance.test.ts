/**
 * Ranking over the sample corpus: a golden list of queries and the articles that must lead them
 * (one case or more per ranking feature), score explanations that add up, query planning
 * against a real index (what is corrected, completed, or left alone), related articles, and an
 * article shown with a query's words highlighted.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openIndex, type KbIndex } from "../src/index.js";
import { planQuery, type QueryPlan } from "../src/query/expand.js";
import { parseQuery } from "../src/query/parse.js";
import { highlightSpans } from "../src/present/snippet.js";
import { formatArticle } from "../src/present/terminal.js";
import { IndexReader } from "../src/store/reader.js";
import { buildSampleIndex, projectRoot } from "./helpers.js";

const GOLDEN = join(projectRoot, "test/golden/relevance.tsv");

interface GoldenCase {
  query: string;
  expected: string[];
  why: string;
  /** The reason, for a known bug: the case runs as a todo test. */
  todo: string | undefined;
}

function goldenCases(): GoldenCase[] {
  return readFileSync(GOLDEN, "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [query, ids, why, ...rest] = line.split("\t");
      assert.ok(query && ids && why?.startsWith("# ") && rest.length === 0, `malformed golden line: ${JSON.stringify(line)}`);
      const todo = /^# todo: (.*)$/.exec(why)?.[1];
      return { query, expected: ids.split(" "), why: why.slice(2), todo };
    });
}

let dir = "";
let index: KbIndex;
let reader: IndexReader;

before(async () => {
  dir = await buildSampleIndex("kbsearch-relevance-");
  index = await openIndex(dir);
  reader = IndexReader.open(dir);
});

after(() => {
  index?.close();
  reader?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("golden relevance (test/golden/relevance.tsv)", () => {
  const cases = goldenCases();

  test("the file has a case per ranking feature, each query once", () => {
    assert.ok(cases.length >= 25, `${cases.length} cases`);
    const queries = cases.map((c) => c.query);
    assert.equal(new Set(queries).size, queries.length, "duplicate queries");
  });

  for (const c of cases) {
    test(`${c.query} -> ${c.expected.join(" ")}`, { todo: c.todo }, () => {
      const ids = index.search(c.query, { limit: 10 }).hits.map((h) => h.id);
      assert.deepEqual(ids.slice(0, c.expected.length), c.expected, `${c.why}\n  got: ${ids.join(" ")}`);
    });
  }
});

describe("explain", () => {
  const queries = [
    "heap corruption",
    "spooler stops responding",
    "how to move spool folder",
    "how can you stop the information store",
    "heap corrupton",
    "memory dum",
    "vb6 crash",
    "nt4 memory dump",
    "stop 0x0000007B kernel32.dll",
    "how do i get rid of a printer driver",
    "my spooler keeps stopping and i cant print",
    "C:\\PRINT>spool.exe the spooler stops responding when you print from an ms-dos program",
  ];
  // A named article that does not cite itself is scored on the query's other words all the same.
  queries.push("heap corruption Q934518");
  for (const query of queries) {
    test(`each hit's parts add up to its score: ${query}`, () => {
      const result = index.search(query, { limit: 10, explain: true });
      assert.ok(result.hits.length > 0, "no hits");
      for (const hit of result.hits) {
        assert.ok(hit.explain, `${hit.id}: no explain`);
        const sum = hit.explain.reduce((total, part) => total + part.points, 0);
        // The score is rounded to 3 decimals; the parts are not.
        assert.ok(Math.abs(sum - hit.score) <= 0.0005 + 1e-9, `${hit.id}: parts sum to ${sum}, score ${hit.score}`);
      }
    });
  }

  test("the parts name what made the score: fields, bonuses, how-to hint and alternatives", () => {
    const parts = (query: string, id: string) => index.search(query, { explain: true }).hits.find((h) => h.id === id)?.explain ?? [];
    const phrase = parts("spooler stops responding", "Q947301");
    assert.ok(phrase.some((p) => p.field === "title phrase" && p.kind === "bonus" && p.points > 0), JSON.stringify(phrase));
    assert.ok(phrase.some((p) => p.field === "title coverage"));
    const howTo = parts("how to move spool folder", "Q947315");
    assert.ok(howTo.some((p) => p.term === "howto" || p.term === "kbhowto"), "no how-to hint part");
    assert.ok(!parts("move spool folder", "Q947315").some((p) => p.term === "howto" || p.term === "kbhowto"), "a how-to hint without a how-to question");
    assert.ok(howTo.some((p) => p.field === "title held" && p.points > 0), "a how-to question holding the title's words gets the title-held bonus");
    assert.ok(parts("move spool folder", "Q947315").some((p) => p.field === "title held" && p.points > 0), "a list of words making up the title gets the title-held bonus");
    assert.ok(!parts("move the spool folder", "Q947315").some((p) => p.field === "title held"), "not a query typed with its stopwords, unless a how-to question");
    assert.ok(parts("heap corruption crash", "Q949387").some((p) => p.field === "queryWords held" && p.points > 0), "a list of words making up the query words gets the query-words-held bonus");
    assert.ok(parts("printers server", "Q947315").some((p) => p.field === "queryWords phrase" && p.points > 0), "query words holding every word of a list earn phrase points");
    assert.ok(!parts("printers on the server", "Q947315").some((p) => p.field === "queryWords phrase"), "not for a query typed with its stopwords");
    assert.ok(parts("my spooler keeps stopping and i cant print", "Q947320").some((p) => p.term === "troubleshoot"), "a problem told in own words: troubleshooting hint");
    assert.ok(parts("heap corrupton", "Q949387").some((p) => p.term === "corrupt" && p.kind === "spelling"));
    assert.ok(parts("memory dum", "Q936120").some((p) => p.term.startsWith("dum") && p.kind === "prefix"));
    // "4" is also searched as 4.0, the archive's way of writing the version.
    assert.ok(parts("windows nt 4 heap", "Q934518").some((p) => p.kind === "alias" && p.term === "4.0"));
    // Q949387 lacks "report", a commoner word than heap: it is still scored, at a discount.
    const partial = parts("heap corruption report", "Q949387");
    assert.ok(partial.some((p) => p.field.startsWith("coordination x") && p.points < 0), "a hit lacking a query word loses points to coordination");
  });

  test("without explain, hits carry none", () => {
    for (const hit of index.search("heap corruption").hits) assert.equal(hit.explain, undefined);
  });
});

describe("planQuery over the sample index", () => {
  const plan = (query: string): QueryPlan => planQuery(parseQuery(query), reader);
  const alternatives = (p: QueryPlan, surface: string) => p.groups.find((g) => g.word.surface === surface)?.alternatives ?? [];

  test("identifiers are matched exactly, never corrected or completed", () => {
    for (const query of ["0x480df78", "0x480df79", "kernel32.dll", "kernel33.dll", "c0000006", "msmi.exx"]) {
      const p = plan(query);
      assert.deepEqual(p.corrections, [], query);
      for (const group of p.groups) assert.ok(group.alternatives.every((a) => a.kind === "exact" || a.kind === "alias"), `${query}: ${JSON.stringify(group.alternatives.map((a) => a.kind))}`);
    }
    assert.deepEqual(alternatives(plan("0x480df78 crash"), "0x480df78").map((a) => [a.entry.term, a.kind]), [["0x480df78", "exact"]]);
  });

  test("a misspelt plain word gets spelling alternatives and a correction", () => {
    const p = plan("heap corrupton");
    assert.deepEqual(p.corrections.map(({ from, to }) => ({ from, to })), [{ from: "corrupton", to: "corruption" }]);
    const alts = alternatives(p, "corrupton");
    assert.ok(alts.some((a) => a.entry.term === "corrupt" && a.kind === "spelling" && a.weight < 1), JSON.stringify(alts));
    assert.ok(alternatives(p, "heap").every((a) => a.kind === "exact"), "a word the archive holds is left alone");
  });

  test("a misspelt word that is not last is corrected, not completed", () => {
    const p = plan("memory dupm crash");
    assert.deepEqual(p.corrections.map(({ from, to }) => ({ from, to })), [{ from: "dupm", to: "dump" }]);
    assert.ok(alternatives(p, "dupm").every((a) => a.kind === "spelling"));
  });

  test("only the open last word is completed", () => {
    const last = plan("memory dum");
    assert.ok(alternatives(last, "dum").some((a) => a.entry.term === "dump" && a.kind === "prefix" && a.weight < 1));
    assert.deepEqual(last.corrections, [], "a completion is not a correction");
    // Followed by a space, or not at the end, the same letters are a whole word.
    for (const query of ["memory dum ", "dum memory", "memory dum."]) {
      assert.ok(!plan(query).groups.some((g) => g.alternatives.some((a) => a.kind === "prefix")), query);
    }
  });

  test("a how-to question plans the how-to hint; other queries none", () => {
    assert.ok(plan("how do i move the spool folder").hints.length > 0);
    assert.ok(plan("how to move spool folder").hints.length > 0);
    assert.deepEqual(plan("move spool folder").hints, []);
    assert.deepEqual(plan("spool folder how").hints, []);
  });

  test("a correction suggests a word as the hits write it, not an index stem", () => {
    for (const [query, word] of [["windows 2000 installat", "installat"], ["memor dump", "memor"]] as const) {
      const correction = index.search(query).corrections.find((c) => c.from === word);
      assert.ok(correction, `${query}: no correction`);
      assert.ok(["install", "installation", "memory"].includes(correction.to), `${query}: did you mean ${JSON.stringify(correction.to)}`);
    }
  });
});

describe("related articles", () => {
  test("an article's citations either way rank among its related articles, itself not", () => {
    // Q915632 cites Q921407 and Q949387 in its text.
    const related = index.related("Q915632", { limit: 10 });
    const ids = related.hits.map((h) => h.id);
    assert.ok(ids.includes("Q921407") && ids.includes("Q949387"), ids.join(" "));
    assert.ok(!ids.includes("Q915632"), "an article is not related to itself");
    assert.equal(related.query, "related:Q915632");
    // And from the other side: Q949387 is cited by Q915632.
    assert.ok(index.related("949387").hits.some((h) => h.id === "Q915632"));
  });

  test("related articles share the article's telling words; an unknown article gives nothing, said so", () => {
    const related = index.related("Q947301");
    assert.ok(related.terms.length > 0 && related.hits.length > 0);
    // The other spooler articles share its words.
    assert.ok(related.hits.slice(0, 3).some((h) => ["Q947302", "Q947315", "Q947318"].includes(h.id)), related.hits.map((h) => h.id).join(" "));
    const missing = index.related("Q999999");
    assert.deepEqual([missing.hits.length, missing.missingArticle], [0, "Q999999"]);
    assert.equal(index.related("nothing").hits.length, 0);
  });
});

describe("show --query", () => {
  test("the article's text carries the query's words highlighted, and nothing else changed", () => {
    const doc = index.get("Q949387")!;
    const terms = index.search("heap corruption", { limit: 0 }).terms;
    const spans = highlightSpans(doc.text, terms);
    assert.ok(spans.length > 0);
    for (const [start, end] of spans) assert.match(doc.text.slice(start, end), /^(heap|corrupt)/i);
    const painted = formatArticle(doc, spans, { color: true, width: 80 });
    assert.equal(painted.replace(/\x1b\[[0-9;]*m/g, ""), formatArticle(doc, [], { color: false, width: 80 }));
    assert.equal((painted.match(/\x1b\[1;33m/g) ?? []).length, spans.length);
  });
});
