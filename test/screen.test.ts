/**
 * The interactive mode's parts that need no terminal: the keys read from raw input, and the screen
 * drawn from a state at any size (exactly its rows, none wider than its columns, the selection in
 * view, an article's control characters never reaching the terminal).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseKeys } from "../src/cli/keys.js";
import { stripAnsi, visibleWidth } from "../src/present/ansi.js";
import { layout, renderScreen, scrollFor, type ScreenState } from "../src/present/screen.js";
import type { SearchHit, SearchResult } from "../src/query/types.js";

test("keys: text runs, arrows in both encodings, control keys, a lone Esc; unknown sequences dropped, not typed", () => {
  assert.deepEqual(parseKeys("heap"), [{ name: "text", text: "heap" }]);
  assert.deepEqual(parseKeys("\x1b[A\x1bOB\x0e\x10"), [{ name: "up" }, { name: "down" }, { name: "ctrl-n" }, { name: "ctrl-p" }]);
  assert.deepEqual(parseKeys("a\rb\t\x7f"), [{ name: "text", text: "a" }, { name: "enter" }, { name: "text", text: "b" }, { name: "tab" }, { name: "backspace" }]);
  assert.deepEqual(parseKeys("\x1b"), [{ name: "escape" }]);
  assert.deepEqual(parseKeys("\x03"), [{ name: "ctrl-c" }]);
  assert.deepEqual(parseKeys("\x1b[5~\x1b[6~\x1b[3~\x1b[1;5A"), [{ name: "pageup" }, { name: "pagedown" }, { name: "delete" }, { name: "up" }]);
  assert.deepEqual(parseKeys("\x1b[15~x"), [{ name: "text", text: "x" }]);
  assert.deepEqual(parseKeys("\x00\x1f"), []);
});

const hit = (i: number, title: string): SearchHit => ({
  rank: i + 1,
  id: `Q${900000 + i}`,
  title,
  tag: i % 2 ? "PRB" : "",
  products: ["Microsoft Windows NT"],
  modified: "1999-01-02",
  url: `https://jeffpar.github.io/kbarchive/kb/900/Q${900000 + i}/`,
  score: 10 - i,
  match: "text",
  snippet: "the heap corruption is what makes the next read of the block cause the access violation",
  highlights: [[4, 8], [9, 19]],
});

function state(hits: number, selected = 0): ScreenState {
  const result: SearchResult = {
    query: "heap corruption",
    terms: ["heap", "corrupt"],
    corrections: [],
    total: 500,
    offset: 0,
    hits: Array.from({ length: hits }, (_, i) => hit(i, `Stop Error ${i} with a Title Long Enough to Need Cutting on a Narrow Terminal Screen`)),
    warnings: [],
    tookMs: 1.5,
  };
  return { query: "heap corruption", cursor: 15, result, selected, scroll: 0, showFacets: false, articles: 60335 };
}

test("the screen fills every size exactly: its rows, none wider than its columns, with colour or without", () => {
  for (const [columns, rows] of [[80, 24], [40, 10], [120, 50], [20, 5], [200, 3]] as const) {
    for (const color of [false, true]) {
      const frame = renderScreen(state(30), { columns, rows }, color);
      assert.equal(frame.lines.length, rows, `${columns}x${rows}`);
      for (const line of frame.lines) assert.ok(visibleWidth(line) <= columns, `${columns}x${rows}: ${JSON.stringify(line)}`);
      assert.ok(frame.cursor.column < columns);
    }
  }
});

test("80x24: query, status, list, a rule naming the selected hit, its passage, the keys", () => {
  const { lines, cursor } = renderScreen(state(30, 2), { columns: 80, rows: 24 }, false);
  const { listRows, previewRows } = layout({ columns: 80, rows: 24 });
  assert.equal(listRows + previewRows + 4, 24);
  assert.equal(lines[0], "> heap corruption");
  assert.deepEqual(cursor, { row: 0, column: 17 });
  assert.equal(lines[1], "  3/500 articles (1.5 ms)");
  assert.match(lines[4]!, /^▌ Q900002 {2}Stop Error 2 with a Title/);
  assert.match(lines[3]!, /^ {2}Q900001 {2}PRB: Stop Error 1/);
  assert.match(lines[2 + listRows]!, /^── Q900002 · 1999-01-02 ─+$/);
  assert.match(lines.slice(3 + listRows).join(" "), /heap corruption is what makes/);
  assert.match(lines[23]!, /Esc quit/);
});

test("the list scrolls to keep the selection in view", () => {
  assert.equal(scrollFor(0, 0, 10), 0);
  assert.equal(scrollFor(12, 0, 10), 3);
  assert.equal(scrollFor(2, 3, 10), 2);
  const s = state(30, 15);
  s.scroll = scrollFor(15, 0, layout({ columns: 80, rows: 24 }).listRows);
  const { lines } = renderScreen(s, { columns: 80, rows: 24 }, false);
  assert.ok(lines.some((l) => l.startsWith("▌ Q900015")), lines.join("\n"));
});

test("an article's control characters never reach the terminal", () => {
  const s = state(1);
  const snippet = "text \x1b]0;owned\x07 and heap";
  s.result!.hits[0] = { ...hit(0, "Title with \x1b[2J an escape\x07"), snippet, highlights: [[snippet.indexOf("heap"), snippet.length]] };
  const { lines } = renderScreen(s, { columns: 80, rows: 24 }, true);
  for (const line of lines) assert.doesNotMatch(stripAnsi(line), /[\x00-\x1f\x7f-\x9f]/, JSON.stringify(line));
  assert.ok(lines.join("\n").includes("\x1b[1;33mheap"), "the highlight moved");
});

test("Tab's facets fit the rows under the list: the longest list gives up its rarest values and says how many", () => {
  const s = state(30);
  s.showFacets = true;
  const product = (i: number) => ({ value: `Microsoft Product Number ${i} With a Long Name`, count: 100 - i });
  s.result!.facets = {
    products: Array.from({ length: 20 }, (_, i) => product(i)),
    tags: [{ value: "PRB", count: 40 }, { value: "FIX", count: 12 }],
    years: Array.from({ length: 12 }, (_, i) => ({ value: String(1990 + i), count: i + 1 })),
  };
  const { lines } = renderScreen(s, { columns: 80, rows: 24 }, false);
  const { listRows, previewRows } = layout({ columns: 80, rows: 24 });
  const body = lines.slice(3 + listRows, 3 + listRows + previewRows);
  assert.match(lines[2 + listRows]!, /^── facets ─+$/);
  assert.ok(body[0]!.startsWith("products: Microsoft Product Number 0 With a Long Name 100"), body.join("\n"));
  const text = body.join("\n");
  assert.match(text, /^tags: PRB 40 · FIX 12$/m);
  const years = body.slice(body.findIndex((l) => l.startsWith("years: "))).join(" ").replace(/\s+/g, " ");
  for (let i = 0; i < 12; i++) assert.ok(years.includes(`${1990 + i} ${i + 1}`), years);
  const more = /(\d+) more/.exec(text);
  assert.ok(more, `no "N more":\n${text}`);
  const shown = (text.match(/Microsoft Product Number \d+/g) ?? []).length;
  assert.equal(shown + Number(more[1]), 20);
});
