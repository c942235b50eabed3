/**
 * The interactive search's screen (`kbsearch -i`), drawn from its state for a terminal of a given
 * size: the query line, a status line, the hits (one line each, the selected one marked), a
 * preview of the selected hit's best passage or the facets of the matching articles, and the keys.
 * Pure: the same state and size give the same lines, which the terminal code writes out.
 */
import type { Facets, SearchHit, SearchResult } from "../query/types.js";
import { paint, truncateStyled, visibleWidth, wrapStyled } from "./ansi.js";
import { terminalSafe } from "./terminal-safe.js";
import { fillItems } from "./terminal.js";
import { terminalSafeResult } from "./terminal-safe.js";

export interface ScreenState {
  query: string;
  /** Where the cursor stands in `query` (a UTF-16 index). */
  cursor: number;
  /** The result for `query`, or undefined while it is empty. */
  result: SearchResult | undefined;
  /** The selected hit's index in `result.hits`. */
  selected: number;
  /** The first hit shown (the list scrolls to keep the selected one in view). */
  scroll: number;
  /** Facets instead of the preview (Tab). */
  showFacets: boolean;
  /** How many articles the index holds, for the empty query's status line. */
  articles: number;
  /** A passing message (an error), shown in the status line. */
  message?: string;
}

export interface ScreenSize {
  columns: number;
  rows: number;
}

export interface Layout {
  /** Rows given to the hit list. */
  listRows: number;
  /** Rows given to the preview or the facets (0 when the terminal is too low for one). */
  previewRows: number;
}

export interface Frame {
  /** Exactly `size.rows` lines, none wider than `size.columns`. */
  lines: string[];
  /** Where the cursor goes: 0-based row and column (the query line). */
  cursor: { row: number; column: number };
}

const PROMPT = "> ";

/**
 * Text from the archive or the user made safe for a screen drawn by position: control characters
 * shown as symbols (terminal-safe.ts), and tabs and line breaks as spaces, one character for one.
 */
function withoutControls(s: string): string {
  return terminalSafe(s).replace(/[\t\n]/g, " ");
}
const KEYS = "↑↓ ^N ^P move · Enter read · Tab facets · Esc quit";

/** How the rows are shared: the query, status and key lines, then the list and a preview under a rule. */
export function layout(size: ScreenSize): Layout {
  const free = Math.max(1, size.rows - 3);
  if (free < 6) return { listRows: free, previewRows: 0 };
  const listRows = Math.ceil((free - 1) / 2);
  return { listRows, previewRows: free - 1 - listRows };
}

/** Keeps the selected hit in view: the first hit to show, given the previous one. */
export function scrollFor(selected: number, scroll: number, listRows: number): number {
  if (selected < scroll) return selected;
  if (selected >= scroll + listRows) return selected - listRows + 1;
  return scroll;
}

export function renderScreen(unsafe: ScreenState, size: ScreenSize, color: boolean): Frame {
  // The archive's text, shown and never obeyed by the terminal.
  const state = unsafe.result ? { ...unsafe, result: terminalSafeResult(unsafe.result) } : unsafe;
  const width = Math.max(1, size.columns);
  const { listRows, previewRows } = layout(size);
  const fit = (line: string) => truncateStyled(line, width);
  const lines: string[] = [];

  // The query: its tail stays in view when it is longer than the line.
  const room = Math.max(1, width - PROMPT.length - 1);
  const start = Math.max(0, state.cursor - room);
  lines.push(fit(paint(color, "1", PROMPT) + withoutControls(state.query.slice(start, start + room))));
  lines.push(fit(paint(color, "2", withoutControls(statusLine(state)))));

  const hits = state.result?.hits ?? [];
  for (let row = 0; row < listRows; row++) {
    const i = state.scroll + row;
    const hit = hits[i];
    lines.push(hit ? fit(hitLine(hit, i === state.selected, width, color)) : "");
  }

  if (previewRows > 0) {
    const hit = hits[state.selected];
    const facets = state.result?.facets;
    const body = state.showFacets ? facetBody(facets, width, previewRows) : hit ? previewBody(hit, width, color) : [];
    const title = state.showFacets ? " facets " : hit ? ` ${hit.id} · ${hit.modified} ` : "";
    lines.push(fit(paint(color, "2", `──${title}${"─".repeat(Math.max(0, width - 2 - visibleWidth(title)))}`)));
    for (let row = 0; row < previewRows; row++) lines.push(fit(body[row] ?? ""));
  }
  lines.push(fit(paint(color, "2", KEYS)));
  while (lines.length < size.rows) lines.splice(lines.length - 1, 0, "");
  return {
    lines: lines.slice(0, size.rows),
    cursor: { row: 0, column: Math.min(width - 1, PROMPT.length + visibleWidth(state.query.slice(start, state.cursor))) },
  };
}

function statusLine(state: ScreenState): string {
  if (state.message) return `  ${state.message}`;
  const result = state.result;
  if (!result) return `  type to search ${state.articles.toLocaleString("en-US")} articles`;
  const said = [
    ...result.corrections.map((c) => `also searched ${c.to} for ${c.from}`),
    ...(result.missingArticle ? [`${result.missingArticle} is not in the archive`] : []),
    ...result.warnings,
  ];
  const counted = result.total
    ? `${result.hits.length ? state.selected + 1 : 0}/${result.total.toLocaleString("en-US")} articles`
    : result.unfilteredTotal !== undefined
      ? `no articles match; without the filters ${result.unfilteredTotal.toLocaleString("en-US")} do`
      : "no articles match";
  return `  ${counted} (${result.tookMs} ms)${said.length ? ` · ${said.join(" · ")}` : ""}`;
}

/** `▌ Q149387  XFOR: MSMI.EXE Stops with ...`, the selected one marked. */
function hitLine(hit: SearchHit, selected: boolean, width: number, color: boolean): string {
  const title = withoutControls(hit.tag ? `${hit.tag}: ${hit.title}` : hit.title);
  const mark = selected ? paint(color, "1;35", "▌ ") : "  ";
  const text = `${paint(color, "36", hit.id.padEnd(8))} ${title}`;
  // The selected line stands out in bold; without colour, by its mark alone.
  const line = mark + (selected ? paint(color, "1", text) : text);
  return visibleWidth(line) > width ? truncateStyled(line, width - 1) + "…" : line;
}

/** The selected hit's products and page, then its best passage with the query's words highlighted. */
function previewBody(hit: SearchHit, width: number, color: boolean): string[] {
  // One character for one: the highlights' offsets still hold.
  const text = withoutControls(hit.snippet);
  let snippet = "";
  let pos = 0;
  for (const [start, end] of hit.highlights) {
    snippet += text.slice(pos, start) + paint(color, "1;33", text.slice(start, end));
    pos = end;
  }
  snippet += text.slice(pos);
  const title = withoutControls(hit.tag ? `${hit.tag}: ${hit.title}` : hit.title);
  return [
    ...wrapStyled(paint(color, "1", title), width),
    ...wrapStyled(paint(color, "2", withoutControls(`${hit.products.join(", ") || "—"} · ${hit.url}`)), width),
    ...wrapStyled(snippet, width),
  ];
}

/**
 * The facets in `rows` rows: products, tags and years, each wrapped between values; when they do
 * not all fit, the longest list gives up its last values (the rarest product or tag) one at a time,
 * saying how many it left out.
 */
function facetBody(facets: Facets | undefined, width: number, rows: number): string[] {
  if (!facets) return ["counting..."];
  const lists = [
    { name: "products", items: facets.products.map((c) => withoutControls(`${c.value} ${c.count}`)), left: 0 },
    { name: "tags", items: facets.tags.map((c) => withoutControls(`${c.value} ${c.count}`)), left: 0 },
    { name: "years", items: facets.years.map((c) => `${c.value} ${c.count}`), left: 0 },
  ];
  const render = (list: (typeof lists)[number]) =>
    fillItems(`${list.name}: `, [...(list.items.length ? list.items : ["—"]), ...(list.left ? [`${list.left} more`] : [])], " · ", width, "  ");
  for (;;) {
    const blocks = lists.map(render);
    if (blocks.flat().length <= rows) return blocks.flat();
    const longest = lists.reduce((a, b, i) => (render(b).length > render(a).length || (render(b).length === render(a).length && i === 0) ? b : a));
    if (longest.items.length <= 1) return blocks.flat().slice(0, rows);
    longest.items.pop();
    longest.left++;
  }
}
