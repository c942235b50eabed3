/**
 * The query language end to end: filters, sorts, phrases, exclusions and facets over the sample
 * corpus, checked against the stored documents themselves (full-archive.test.ts has the archive's).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { buildIndex, openIndex, type KbIndex, type StoredDoc, type StructuredQuery } from "../src/index.js";
import { parseArticle } from "../src/parse/article.js";
import { IndexReader } from "../src/store/reader.js";
import { projectRoot, runCli, sampleCorpus } from "./helpers.js";

let tmp = "";
let index: KbIndex;
let docs: StoredDoc[] = [];

const ids = (query: string, options = {}) => index.search(query, { limit: 1000, ...options }).hits.map((h) => h.id);
const doc = (id: string) => docs.find((d) => d.id === id)!;
/** The sample article `id` as the parser reads it from corpus/. */
const parsed = (id: string) => {
  const number = Number(id.slice(1));
  const path = join(sampleCorpus, "kb", String(Math.floor(number / 1000)).padStart(3, "0"), id, "README.md");
  return parseArticle(path, readFileSync(path, "utf8"));
};

describe("query language over the sample corpus", () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "kbsearch-refine-"));
    await buildIndex(sampleCorpus, { indexDir: tmp });
    index = await openIndex(tmp);
    docs = ids("year:1900..2100").map((id) => index.get(id)!);
  });
  after(() => {
    index.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("filters alone list every article they let through, newest first", () => {
    assert.equal(docs.length, index.stats().header.docCount);
    const dates = index.search("year:1999", { limit: 100 }).hits.map((h) => h.modified);
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.deepEqual(new Set(ids("year:1999")), new Set(docs.filter((d) => d.modified.startsWith("1999")).map((d) => d.id)));
  });

  test("each field filter keeps exactly the articles whose metadata says so", () => {
    const expect = (query: string, keep: (d: StoredDoc) => boolean) => {
      assert.deepEqual(new Set(ids(query)), new Set(docs.filter(keep).map((d) => d.id)), query);
    };
    expect("product:exchange", (d) => d.products.some((p) => /exchange/i.test(p)) || /^X(ADM|FOR|CON|CLN)$/.test(d.tag));
    expect("tag:xadm", (d) => d.tag === "XADM");
    expect("-tag:xadm", (d) => d.tag !== "XADM");
    expect("tag:PRB tag:FIX", (d) => d.tag === "PRB" || d.tag === "FIX");
    expect("id:Q949387", (d) => d.id === "Q949387");
    expect("before:1999", (d) => d.modified < "1999");
    expect("after:1999", (d) => d.modified >= "2000");
    expect("modified:1998..1999", (d) => d.modified >= "1998" && d.modified < "2000");
    // Keywords and versions are in the article's header, and more keywords in its footer (Technology,
    // Issue type, Solution Type): the parser reads them from the source.
    const keywords = (id: string) => {
      const { keywords, technology, issueType, solutionType } = parsed(id);
      return [...keywords, ...technology, ...issueType, ...solutionType].map((k) => k.toLowerCase());
    };
    expect("kw:kbbug", (d) => keywords(d.id).includes("kbbug"));
    expect("kw:kbfix", (d) => keywords(d.id).includes("kbfix"));
    expect("kw:kbExchange400", (d) => keywords(d.id).includes("kbexchange400"));
    // Q949387 says kbfix (Solution Type) and kbExchange400 (Technology) only in its footer.
    assert.ok(!parsed("Q949387").keywords.some((k) => /^kb(fix|exchange400)$/i.test(k)));
    assert.ok(ids("kw:kbfix").includes("Q949387") && ids("kw:kbExchange400").includes("Q949387"));
    expect("version:4.0", (d) => parsed(d.id).versions.some((v) => /(^|[:,])4\.0?0?(,|$)/.test(v)));
  });

  test("options filter as the query's own filters do, and page", () => {
    assert.deepEqual(ids("stops", { product: "exchange", year: 1999 }), ids("stops product:exchange year:1999"));
    assert.deepEqual(ids("stops", { since: "1999", until: "1999" }), ids("stops year:1999"));
    const all = ids("error");
    assert.deepEqual(index.search("error", { limit: 2, page: 2 }).hits.map((h) => h.id), all.slice(2, 4));
  });

  test("sort by date and by id", () => {
    const byDate = index.search("error", { sort: "date", limit: 100 }).hits.map((h) => h.modified);
    assert.deepEqual(byDate, [...byDate].sort().reverse());
    const byId = ids("error", { sort: "id" }).map((id) => Number(id.slice(1)));
    assert.deepEqual(byId, [...byId].sort((a, b) => a - b));
    assert.deepEqual(new Set(ids("error", { sort: "id" })), new Set(ids("error")));
  });

  test("a phrase matches only articles saying it word for word; an excluded phrase removes them", () => {
    const says = (d: StoredDoc) => /heap\s+corruption/i.test(d.text);
    assert.deepEqual(new Set(ids('"heap corruption"')), new Set(docs.filter(says).map((d) => d.id)));
    for (const id of ids('stops -"heap corruption"')) assert.ok(!says(doc(id)), id);
    for (const id of ids("stops -heap")) assert.ok(!/heap/i.test(doc(id).text), id);
  });

  test("phrases are answered from the index: no stored article read, every candidate counted, the title included", () => {
    const says = (d: StoredDoc, pattern: RegExp) => pattern.test(d.title) || pattern.test(d.text);
    const errorIds = ids("error");
    const stored = IndexReader.prototype.stored;
    let reads = 0;
    IndexReader.prototype.stored = function (this: IndexReader, doc: number) {
      reads++;
      return stored.call(this, doc);
    };
    try {
      for (const [phrase, pattern] of [['"heap corruption"', /heap\s+corruption/i], ['"access violation"', /access\s+violation/i], ['"stops responding"', /\bstop(s|ped)?\s+respond(s|ed|ing)?\b/i]] as const) {
        const result = index.search(phrase, { limit: 0 });
        const expected = docs.filter((d) => says(d, pattern)).length;
        assert.ok(expected > 0, phrase);
        assert.equal(result.total, expected, phrase);
        assert.deepEqual(result.warnings, [], phrase);
        assert.equal(index.search(`-${phrase} error`, { limit: 0 }).total, errorIds.filter((id) => !says(doc(id), pattern)).length, `-${phrase}`);
      }
      assert.equal(reads, 0, "a phrase query read stored articles");
    } finally {
      IndexReader.prototype.stored = stored;
    }
  });

  test("OR ranks articles matching either side; a plain query ranks as before", () => {
    const either = new Set(ids("relaying OR eseutil"));
    assert.deepEqual(either, new Set([...ids("relaying"), ...ids("eseutil")]));
    const plain = index.search("heap corruption");
    assert.deepEqual(plain.warnings, []);
    assert.deepEqual(ids("heap corruption", { sort: "relevance", facets: true }), ids("heap corruption"));
  });

  test("facets or a sort by relevance leave a plain query's hits and total as they are: pasted messages, article numbers", () => {
    for (const query of ["Q949387", "949387", "heap corruption (0xc0000005)", "Error: Cannot Find File Specified (0x80070002)", "eseutil: database", "printer driver"]) {
      const plain = index.search(query, { limit: 20 });
      for (const options of [{ facets: true }, { sort: "relevance" as const }]) {
        const refined = index.search(query, { limit: 20, ...options });
        assert.deepEqual(refined.hits.map((h) => [h.id, h.score]), plain.hits.map((h) => [h.id, h.score]), `${query} ${JSON.stringify(options)}`);
        assert.equal(refined.total, plain.total, query);
      }
    }
  });

  test("--explain tells an OR query's hit by the side that ranked it", () => {
    const result = index.search("relaying OR eseutil", { limit: 100, explain: true });
    const sides = ["relaying", "eseutil"].map((word) => new Set(ids(word)));
    assert.ok(sides.every((side) => side.size > 0 && [...side].every((id) => !sides.find((s) => s !== side)!.has(id))), "each side has hits of its own");
    for (const hit of result.hits) {
      const term = sides[0]!.has(hit.id) ? "relai" : "eseutil";
      const explained = hit.explain!.filter((part) => part.term !== "");
      assert.ok(explained.length > 0 && explained.every((part) => part.term === term), `${hit.id}: ${JSON.stringify(hit.explain)}`);
    }
  });

  test("the library loads its on-demand modules where the host has a global require (node -e)", () => {
    const library = pathToFileURL(join(projectRoot, "dist", "src", "index.js")).href;
    const script = `import(${JSON.stringify(library)}).then(async ({ openIndex }) => {
      const index = await openIndex(${JSON.stringify(tmp)});
      const hits = index.search("relaying OR eseutil", { explain: true }).hits;
      process.stdout.write(String(hits.length > 0 && hits.every((h) => h.explain.length > 0)));
    })`;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(run.stdout, "true", run.stderr);
  });

  test("facets count the matching articles by product, tag and year", () => {
    const result = index.search("error", { facets: true, limit: 1 });
    const matching = ids("error").map(doc);
    const count = (values: string[]) => values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());
    const years = count(matching.map((d) => d.modified.slice(0, 4)));
    assert.deepEqual(result.facets!.years, [...years].sort().map(([value, n]) => ({ value, count: n })));
    const tags = count(matching.map((d) => d.tag).filter((t) => t));
    for (const { value, count: n } of result.facets!.tags) assert.equal(n, tags.get(value), value);
    const products = count(matching.flatMap((d) => d.products));
    for (const { value, count: n } of result.facets!.products) assert.ok(n >= (products.get(value) ?? 0), value);
  });

  test("a filter that removes everything says how many match without it, on the terminal too", () => {
    const result = index.search("heap product:nosuchproduct");
    assert.equal(result.total, 0);
    assert.equal(result.unfilteredTotal, ids("heap").length);
    const run = runCli(["heap", "product:nosuchproduct", "--index", tmp]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /without the filters \d+ do/);
  });

  test("the CLI takes the options and prints facets and warnings", () => {
    const run = runCli(["--index", tmp, "--product", "exchange", "--sort", "date", "--facets", "stops"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^products: Microsoft Exchange \d+/m);
    assert.match(runCli(["--index", tmp, "foo:bar heap"]).stdout, /note: foo: is not a field/);
    const json = JSON.parse(runCli(["--index", tmp, "--json", "--year", "1999", "--facets", "stops"]).stdout);
    assert.ok(json.facets.years.every((y: { value: string }) => y.value === "1999"));
  });
});

describe("structured queries", () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "kbsearch-structured-"));
    await buildIndex(sampleCorpus, { indexDir: tmp });
    index = await openIndex(tmp);
  });
  after(() => {
    index.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("a structured query finds what its query text finds", () => {
    const same = (structured: StructuredQuery, text: string, options = {}) =>
      assert.deepEqual(index.search(structured, options).hits.map((h) => h.id), index.search(text, options).hits.map((h) => h.id), text);
    same({ words: "heap corruption" }, "heap corruption");
    same({ words: "heap", phrases: ["access violation"] }, 'heap "access violation"');
    same({ anyOf: ["exchange", "sql server"], without: ["heap"] }, '(exchange OR "sql server") -heap');
    same({ words: "stops", fields: { product: "exchange", tag: ["XADM", "XFOR"] } }, "stops product:exchange tag:XADM tag:XFOR");
    same({ words: "error", since: 1999, until: 1999 }, "error year:1999");
    assert.ok(index.search({ words: "heap corruption" }).hits.length > 0);
  });

  test("operators inside a structured query's words are words, not syntax", () => {
    const result = index.search({ words: '-heap "corruption OR (crash' });
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.hits.map((h) => h.id), index.search("heap corruption or crash").hits.map((h) => h.id));
  });
});
