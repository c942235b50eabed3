/** The query grammar, table-driven: every operator and filter, and inputs that must not break it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { toBranches } from "../src/query/branches.js";
import { dateRange, parseSyntax, type QueryNode } from "../src/query/syntax.js";

/** A tree as a short string: words, "phrases", word*, -x, (a | b), [a b]. */
function show(node: QueryNode | undefined): string {
  if (!node) return "";
  switch (node.kind) {
    case "word":
      return node.prefix ? `${node.text}*` : node.text;
    case "phrase":
      return `"${node.text}"`;
    case "not":
      return `-${show(node.node)}`;
    case "and":
      return `[${node.nodes.map(show).join(" ")}]`;
    case "or":
      return `(${node.nodes.map(show).join(" | ")})`;
  }
}

const cases: { query: string; tree: string; filters?: string[]; warnings?: number; plain?: boolean }[] = [
  { query: "heap corruption", tree: "[heap corruption]", plain: true },
  { query: "Error (0x80004005) in setup", tree: "[Error 0x80004005 in setup]", plain: true },
  { query: "error -1018", tree: "[error -1018]", plain: true },
  { query: "a - b", tree: "[a - b]", plain: true },
  { query: "kb: Q149387", tree: "[kb: Q149387]", plain: true },
  { query: "http://support.microsoft.com/kb/149387", tree: "http://support.microsoft.com/kb/149387", plain: true },
  { query: '"heap corruption" msmi', tree: '["heap corruption" msmi]', plain: false },
  { query: "heap -corruption", tree: "[heap -corruption]" },
  // A one-letter switch of a pasted command line is a word, not an exclusion; two letters exclude.
  { query: "update -u unattended", tree: "[update -u unattended]", plain: true },
  { query: "dir -s then setup -i", tree: "[dir -s then setup -i]", plain: true },
  { query: "heap -nt", tree: "[heap -nt]", plain: false },
  // Typographic quotes, as phones and word processors type them, read as the typewriter's.
  { query: "\u201cheap corruption\u201d msmi", tree: '["heap corruption" msmi]', plain: false },
  { query: "word won\u2019t print", tree: "[word won't print]", plain: true },
  { query: 'heap -"access violation"', tree: '[heap -"access violation"]' },
  { query: "exchange OR outlook mta", tree: "[(exchange | outlook) mta]" },
  { query: "(exchange OR outlook) mta", tree: "[(exchange | outlook) mta]" },
  { query: "(a b) OR c", tree: "([a b] | c)" },
  { query: "NOT printer", tree: "-printer" },
  { query: "conf* error", tree: "[conf* error]", plain: false },
  { query: "heap AND corruption", tree: "[heap corruption]", plain: true },
  { query: "mta product:exchange", tree: "mta", filters: ["product:exchange"] },
  { query: 'product:"sql server" query', tree: "query", filters: ['product:"sql server"'] },
  { query: "tag:XADM kw:kbbug os:winnt version:4.0 section:symptoms id:Q149387", tree: "", filters: ["tag:XADM", "kw:kbbug", "os:winnt", "version:4.0", "section:symptoms", "id:Q149387"] },
  { query: "-tag:PRB heap", tree: "heap", filters: ["-tag:PRB"] },
  { query: "year:1999 modified:1998..1999 before:2000 after:1998", tree: "", filters: ["year:1999", "modified:1998..1999", "before:2000", "after:1998"] },
  // Nasty inputs: read leniently, with a warning, never a throw.
  { query: '"unclosed phrase', tree: '"unclosed phrase"', warnings: 1 },
  { query: "(unclosed group", tree: "[unclosed group]", warnings: 1 },
  { query: "stray ) paren", tree: "[stray paren]", warnings: 1 },
  { query: "-", tree: "-", plain: true },
  { query: "heap -", tree: "[heap -]", plain: true },
  { query: "OR OR", tree: "", warnings: 1 },
  { query: "a OR", tree: "a", warnings: 1 },
  { query: "OR a", tree: "a", warnings: 1 },
  { query: "product: heap", tree: "heap", warnings: 1 },
  { query: "foo:bar heap", tree: "[foo:bar heap]", warnings: 1, plain: true },
  { query: "year:abc heap", tree: "heap", warnings: 1 },
  // A pasted drive and path is words, not an unknown field.
  { query: "C:\\GAMES>game.exe Packed file corrupt", tree: "[C:\\GAMES>game.exe Packed file corrupt]", plain: true },
  { query: "d:setup failed", tree: "[d:setup failed]", plain: true },
  { query: "-(", tree: "", warnings: 1 },
  { query: '""', tree: "", plain: true },
  { query: "*", tree: "", plain: true },
  { query: "", tree: "", plain: true },
];

for (const c of cases) {
  test(`syntax: ${JSON.stringify(c.query)}`, () => {
    const syntax = parseSyntax(c.query);
    assert.equal(show(syntax.tree), c.tree);
    assert.deepEqual(syntax.filters.map((f) => `${f.negated ? "-" : ""}${f.label}`), c.filters ?? []);
    assert.equal(syntax.warnings.length, c.warnings ?? 0, syntax.warnings.join("; "));
    if (c.plain !== undefined) assert.equal(syntax.plain, c.plain);
  });
}

test("date filters cover whole years, months and days, with open ranges", () => {
  assert.deepEqual(dateRange("year", "1999"), { from: 19990101, to: 19991231 });
  assert.deepEqual(dateRange("modified", "1998..1999-06"), { from: 19980101, to: 19990631 });
  assert.deepEqual(dateRange("modified", "1999-03-23"), { from: 19990323, to: 19990323 });
  assert.deepEqual(dateRange("before", "2000"), { from: 0, to: 20000100 });
  assert.deepEqual(dateRange("after", "1998"), { from: 19981232, to: 99_999_999 });
  assert.deepEqual(dateRange("since", "1999-03"), { from: 19990301, to: 99_999_999 });
  assert.deepEqual(dateRange("until", "1999"), { from: 0, to: 19991231 });
  assert.equal(dateRange("year", "1999-13"), undefined);
  assert.equal(dateRange("year", "2000..1999"), undefined);
});

test("branches: OR distributes over AND, negation moves onto words and phrases", () => {
  const branches = (q: string) => toBranches(parseSyntax(q).tree!, []).map((b) => ({ ...b }));
  assert.deepEqual(branches("exchange OR outlook mta").map((b) => b.text), ["exchange mta", "outlook mta"]);
  assert.deepEqual(branches('a "b c" -dd -"e f" g*'), [{ text: "a b c", prefixes: ["g"], phrases: ["b c"], without: ["dd", "e f"] }]);
  assert.deepEqual(branches("x -(a OR b)").map((b) => b.without), [["a", "b"]]);
  assert.deepEqual(branches("x -(a b)").map((b) => b.without), [["a"], ["b"]]);
  const warnings: string[] = [];
  const wide = toBranches(parseSyntax("(a OR b) (c OR d) (e OR f) (g OR h) (i OR j)").tree!, warnings);
  assert.equal(wide.length, 1, "past the limit the ORs are read as plain words");
  assert.equal(wide[0]!.text, "a b c d e f g h i j");
  assert.equal(warnings.length, 1);
});
