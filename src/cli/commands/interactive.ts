/**
 * `kbsearch -i [QUERY]` and `kbsearch interactive`: search as you type, full screen. Each key
 * searches again (the open index answers in milliseconds); arrows or Ctrl-N/Ctrl-P move; Enter
 * reads the article in the pager, its query words highlighted, and comes back; Tab shows the
 * facets instead of the preview; Esc or Ctrl-C leaves the terminal as it was.
 */
import { KbSearchError } from "../../errors.js";
import { highlightSpans } from "../../present/snippet.js";
import { layout, renderScreen, scrollFor, type ScreenState } from "../../present/screen.js";
import { formatArticle } from "../../present/terminal.js";
import { colorWanted } from "../../present/terminal-style.js";
import type { KbIndex } from "../../query/engine.js";
import type { SearchResult } from "../../query/types.js";
import { EXIT_FOUND } from "../exit.js";
import { openFullScreen, type FullScreen } from "../full-screen.js";
import { parseKeys, type Key } from "../keys.js";
import { openIndexForCli, searchOptions, type GlobalOptions } from "../options.js";
import { page } from "../pager.js";

export async function runInteractive(initialQuery: string, options: GlobalOptions): Promise<number> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new KbSearchError("usage", "interactive mode needs a terminal: standard input and output must both be one (in a pipe or a script, run kbsearch QUERY)");
  }
  const index = await openIndexForCli(options);
  try {
    await new InteractiveSearch(index, options, initialQuery).run();
  } finally {
    index.close();
  }
  return EXIT_FOUND;
}

class InteractiveSearch {
  private readonly state: ScreenState;
  private readonly color: boolean;
  private screen: FullScreen | undefined;
  private reading = false;
  private finish: () => void = () => undefined;

  constructor(
    private readonly index: KbIndex,
    private readonly options: GlobalOptions,
    query: string,
  ) {
    this.color = colorWanted(process.stdout, options.color);
    this.state = { query, cursor: query.length, result: undefined, selected: 0, scroll: 0, showFacets: false, articles: index.stats().header.docCount };
  }

  async run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    const onResize = () => this.refresh();
    this.screen = openFullScreen(process.stdin, process.stdout, (data) => this.onKeys(parseKeys(data)));
    process.stdout.on("resize", onResize);
    try {
      this.search();
      this.draw();
      await done;
    } finally {
      process.stdout.off("resize", onResize);
      this.screen.close();
    }
  }

  private size() {
    return { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
  }

  /** Searches the query for as many hits as the list needs to show the selected one. */
  private search(): void {
    const state = this.state;
    if (state.query.trim() === "") {
      state.result = undefined;
      return;
    }
    const { listRows } = layout(this.size());
    const wanted = Math.max(listRows, Math.ceil((state.selected + 1) / listRows) * listRows);
    try {
      state.result = this.index.search(state.query, { ...searchOptions(this.options), offset: 0, page: undefined, limit: wanted, explain: false, facets: state.showFacets });
      state.message = undefined;
    } catch (err) {
      state.result = undefined;
      state.message = err instanceof Error ? err.message : String(err);
    }
  }

  /** After a move or a resize: more hits when the selection went past those fetched, the list scrolled to it. */
  private refresh(): void {
    const state = this.state;
    const result = state.result;
    if (result && state.selected >= result.hits.length && result.total > result.hits.length) this.search();
    const count = state.result?.hits.length ?? 0;
    state.selected = Math.max(0, Math.min(state.selected, count - 1));
    state.scroll = scrollFor(state.selected, state.scroll, layout(this.size()).listRows);
    this.draw();
  }

  private draw(): void {
    const frame = renderScreen(this.state, this.size(), this.color);
    this.screen?.draw(frame.lines, frame.cursor);
  }

  private onKeys(keys: Key[]): void {
    if (this.reading) return;
    const state = this.state;
    const before = state.query;
    const listRows = layout(this.size()).listRows;
    for (const key of keys) {
      switch (key.name) {
        case "text":
          state.query = state.query.slice(0, state.cursor) + key.text + state.query.slice(state.cursor);
          state.cursor += key.text.length;
          break;
        case "backspace":
          if (state.cursor > 0) {
            state.query = state.query.slice(0, state.cursor - 1) + state.query.slice(state.cursor);
            state.cursor--;
          }
          break;
        case "delete":
          state.query = state.query.slice(0, state.cursor) + state.query.slice(state.cursor + 1);
          break;
        case "ctrl-u":
          state.query = state.query.slice(state.cursor);
          state.cursor = 0;
          break;
        case "ctrl-w": {
          const kept = state.query.slice(0, state.cursor).replace(/\S+\s*$/, "");
          state.query = kept + state.query.slice(state.cursor);
          state.cursor = kept.length;
          break;
        }
        case "left":
          state.cursor = Math.max(0, state.cursor - 1);
          break;
        case "right":
          state.cursor = Math.min(state.query.length, state.cursor + 1);
          break;
        case "home":
        case "ctrl-a":
          state.cursor = 0;
          break;
        case "end":
        case "ctrl-e":
          state.cursor = state.query.length;
          break;
        case "up":
        case "ctrl-p":
          state.selected = Math.max(0, state.selected - 1);
          break;
        case "down":
        case "ctrl-n":
          state.selected++;
          break;
        case "pageup":
          state.selected = Math.max(0, state.selected - listRows);
          break;
        case "pagedown":
          state.selected += listRows;
          break;
        case "tab":
          state.showFacets = !state.showFacets;
          // Facets are counted by a search that asks for them.
          if (state.showFacets && state.result && !state.result.facets) this.search();
          break;
        case "enter":
          void this.read();
          return;
        case "escape":
        case "ctrl-c":
          this.finish();
          return;
        case "ctrl-d":
          if (state.query === "") {
            this.finish();
            return;
          }
          break;
        case "ctrl-l":
          break;
      }
    }
    if (state.query !== before) {
      state.selected = 0;
      state.scroll = 0;
      this.search();
    }
    this.refresh();
  }

  /** The selected article in the pager, the query's words highlighted; the list again after. */
  private async read(): Promise<void> {
    const result: SearchResult | undefined = this.state.result;
    const hit = result?.hits[this.state.selected];
    const doc = hit && this.index.get(hit.id);
    if (!result || !doc || !this.screen) return;
    this.reading = true;
    try {
      const spans = highlightSpans(doc.text, result.terms);
      await this.screen.lend(async () => {
        const paged = await page((style) => formatArticle(doc, spans, style), { color: this.options.color, pager: this.options.pager, stayOpen: true });
        if (!paged) await anyKey("\n-- any key: back to the list --");
      });
    } finally {
      this.reading = false;
      this.draw();
    }
  }
}

/** Waits for one key, with `prompt` shown (the article was printed without a pager). */
function anyKey(prompt: string): Promise<void> {
  process.stdout.write(prompt);
  return new Promise((resolve) => {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.once("data", () => {
      process.stdin.setRawMode(false);
      process.stdin.pause();
      resolve();
    });
  });
}
