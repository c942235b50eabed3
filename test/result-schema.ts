/**
 * The JSON schema of `kbsearch --json` (README, "JSON output") as a check: every field the README
 * lists with its type, and no field it does not list. Used on the CLI's output and the HTTP API's.
 */
import assert from "node:assert/strict";

type Check = (value: unknown, at: string) => void;

const string: Check = (v, at) => assert.equal(typeof v, "string", `${at} should be a string`);
const number: Check = (v, at) => assert.ok(typeof v === "number" && Number.isFinite(v), `${at} should be a number`);
const count: Check = (v, at) => assert.ok(Number.isInteger(v) && (v as number) >= 0, `${at} should be a whole number`);
const oneOf = (...values: string[]): Check => (v, at) => assert.ok(values.includes(v as string), `${at} should be one of ${values.join(", ")} (is ${JSON.stringify(v)})`);
const array = (item: Check): Check => (v, at) => {
  assert.ok(Array.isArray(v), `${at} should be an array`);
  v.forEach((x, i) => item(x, `${at}[${i}]`));
};
const pair: Check = (v, at) => {
  assert.ok(Array.isArray(v) && v.length === 2, `${at} should be a [start, end] pair`);
  count(v[0], `${at}[0]`);
  count(v[1], `${at}[1]`);
};

/** An object holding the `required` fields and perhaps the `optional` ones, and nothing else. */
function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, at) => {
    assert.ok(typeof v === "object" && v !== null && !Array.isArray(v), `${at} should be an object`);
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) assert.ok(key in required || key in optional, `${at}.${key} is not in the schema`);
    for (const [key, check] of Object.entries(required)) {
      assert.ok(key in record, `${at}.${key} is missing`);
      check(record[key], `${at}.${key}`);
    }
    for (const [key, check] of Object.entries(optional)) if (key in record) check(record[key], `${at}.${key}`);
  };
}

const facetCounts = array(object({ value: string, count }));

const hit = object(
  {
    rank: count,
    id: (v, at) => assert.match(v as string, /^Q\d+$/, at),
    title: string,
    tag: string,
    products: array(string),
    modified: (v, at) => assert.match(v as string, /^(\d{4}-\d{2}-\d{2})?$/, at),
    url: (v, at) => assert.match(v as string, /^https:\/\/jeffpar\.github\.io\/kbarchive\/kb\/\d{3}\/Q\d+\/$/, at),
    score: number,
    match: oneOf("id", "text"),
    snippet: string,
    highlights: array(pair),
  },
  { explain: array(object({ field: string, term: string, kind: oneOf("exact", "alias", "spelling", "prefix", "bonus"), tf: number, points: number })) },
);

const searchResult = object(
  {
    query: string,
    terms: array(string),
    corrections: array(object({ from: string, to: string, term: string })),
    total: count,
    offset: count,
    tookMs: number,
    hits: array(hit),
    warnings: array(string),
  },
  {
    missingArticle: (v, at) => assert.match(v as string, /^Q\d+$/, at),
    facets: object({ products: facetCounts, tags: facetCounts, years: facetCounts }),
    unfilteredTotal: count,
  },
);

/** Asserts that `value` is a SearchResult as the README's "JSON output" describes it. */
export function assertSearchResultSchema(value: unknown, label = "result"): void {
  searchResult(value, label);
  const result = value as { hits: { rank: number; snippet: string; highlights: [number, number][] }[]; offset: number };
  result.hits.forEach((h, i) => {
    assert.equal(h.rank, result.offset + i + 1, `${label}.hits[${i}].rank`);
    for (const [start, end] of h.highlights) assert.ok(start < end && end <= h.snippet.length, `${label}.hits[${i}] highlight [${start}, ${end}) lies outside its snippet`);
  });
}

/** Asserts that `value` is a StoredDoc (`kbsearch show --json`, `GET /api/articles/ID`). */
export const assertStoredDocSchema: (value: unknown, label?: string) => void = (value, label = "article") =>
  object({ id: string, title: string, tag: string, products: array(string), modified: string, bodyStart: count, bodyEnd: count, text: string })(value, label);
