/// <reference lib="dom" />
/**
 * The search page: results as you type, facets as filters, the article view, keyboard use and the
 * query in the URL. Plain DOM. It searches through a Backend: the engine itself over the site's
 * index files (SiteIndex), or kbsearch serve's HTTP API when the page names one (meta kbsearch-api).
 */
import { highlightSpans } from "../present/snippet.js";
import type { Facets, SearchHit, SearchResult } from "../query/types.js";
import type { StoredDoc } from "../store/format.js";
import { SiteIndex } from "./site-index.js";

const PAGE_SIZE = 10;
/** Typing pauses this long before a search starts. */
const DEBOUNCE_MS = 80;
const DEFAULT_ARTICLE_BASE = "https://jeffpar.github.io/kbarchive/kb/";

/** What the page searches with. */
export interface Backend {
  search(query: string, options: { limit: number; offset?: number; facets?: boolean }): Promise<SearchResult>;
  get(id: string): Promise<StoredDoc | undefined>;
  related(id: string, limit: number): Promise<SearchResult>;
}

/** kbsearch serve's API: GET {api}/search, {api}/articles/ID, {api}/related/ID. */
class ApiBackend implements Backend {
  constructor(private readonly api: string) {}

  async search(query: string, options: { limit: number; offset?: number; facets?: boolean }): Promise<SearchResult> {
    const params = new URLSearchParams({ q: query, limit: String(options.limit), offset: String(options.offset ?? 0) });
    if (options.facets) params.set("facets", "true");
    return this.json(`${this.api}/search?${params}`);
  }

  async get(id: string): Promise<StoredDoc | undefined> {
    const response = await fetch(`${this.api}/articles/${encodeURIComponent(id)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
    return (await response.json()) as StoredDoc;
  }

  related(id: string, limit: number): Promise<SearchResult> {
    return this.json(`${this.api}/related/${encodeURIComponent(id)}?limit=${limit}`);
  }

  private async json<T>(url: string): Promise<T> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }
}

class StaticBackend implements Backend {
  constructor(readonly index: SiteIndex) {}
  search(query: string, options: { limit: number; offset?: number; facets?: boolean }): Promise<SearchResult> {
    return this.index.search(query, options);
  }
  get(id: string): Promise<StoredDoc | undefined> {
    return this.index.get(id);
  }
  related(id: string, limit: number): Promise<SearchResult> {
    return this.index.related(id, { limit });
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content;

/**
 * 12345 -> "12,345". Not toLocaleString: its first call sets up the browser's locale data, 35-70 ms
 * of a cold page's first results in Chromium.
 */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

/** A line of one character repeated, as the articles draw rules under headings and between parts. */
const RULE_LINE = /^([-=_*])\1{19,}$/gm;

/** `text` with the spans marked; with `rules`, each rule line in a span that a narrow screen clips rather than wraps. */
function marked(text: string, spans: readonly [number, number][], rules = false): DocumentFragment {
  const out = document.createDocumentFragment();
  const plain = (part: string) => {
    if (!rules) return out.append(part);
    let at = 0;
    for (const match of part.matchAll(RULE_LINE)) {
      out.append(part.slice(at, match.index), element("span", { className: "rule" }, match[0]));
      at = match.index + match[0].length;
    }
    out.append(part.slice(at));
  };
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue;
    plain(text.slice(at, start));
    out.append(element("mark", {}, text.slice(start, end)));
    at = end;
  }
  plain(text.slice(at));
  return out;
}

/** The archive's page of article `id` (Q149387 -> BASE/149/Q149387/). */
export function articleUrl(base: string, id: string): string {
  const number = Number(id.replace(/^Q/i, ""));
  return `${base.replace(/\/?$/, "/")}${String(Math.floor(number / 1000)).padStart(3, "0")}/${id}/`;
}

/** What the URL says to show. */
interface View {
  q: string;
  id: string | undefined;
}

function viewOf(location: Location): View {
  const params = new URLSearchParams(location.search);
  return { q: params.get("q") ?? "", id: params.get("id") ?? undefined };
}

function urlOf(view: View): string {
  const params = new URLSearchParams();
  if (view.q) params.set("q", view.q);
  if (view.id) params.set("id", view.id);
  const search = params.toString();
  return search ? `?${search}` : location.pathname;
}

class Page {
  private readonly input = $<HTMLInputElement>("q");
  private readonly status = $("status");
  private readonly results = $<HTMLOListElement>("results");
  private readonly more = $<HTMLButtonElement>("more");
  private readonly facets = $("facets");
  private readonly filters = $<HTMLUListElement>("filters");
  private readonly didYouMean = $("didyoumean");
  private readonly resultsView = $("results-view");
  private readonly article = $("article");
  private readonly articleBase = meta("kbsearch-articles") ?? DEFAULT_ARTICLE_BASE;
  /** The query shown, and how many of its hits. */
  private shown = { q: "", count: 0, total: 0 };
  /** Each search takes a number; an answer to an older one than the last started is dropped. */
  private latest = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the history's current entry is a query being typed (see showQuery). */
  private typing = false;
  /** When the latest search was asked for (typing paused), for the time to first results. */
  lastResultsMs = 0;

  constructor(private readonly backend: Backend) {}

  start(): void {
    this.input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.showQuery(this.input.value, "typing"), DEBOUNCE_MS);
    });
    $("search").addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      void this.showQuery(this.input.value, "done").then(() => this.focusHit(0));
    });
    this.more.addEventListener("click", () => void this.showMore());
    window.addEventListener("popstate", () => {
      this.typing = false;
      void this.render(viewOf(location));
    });
    document.addEventListener("keydown", (event) => this.onKey(event));
    void this.render(viewOf(location));
  }

  /** Shows what the URL says: an article, or a query's hits. */
  private async render(view: View, fromUrl = true): Promise<void> {
    // The box is left alone while its query is shown: rewriting it would drop a space being typed.
    if (fromUrl && this.input.value !== view.q) this.input.value = view.q;
    // The article's heading says what the status line would: that line is left to screen readers.
    document.body.classList.toggle("reading", Boolean(view.id));
    if (view.id) return this.showArticle(view);
    this.article.hidden = true;
    this.resultsView.hidden = false;
    if (view.q !== this.shown.q || this.results.childElementCount === 0) await this.search(view.q);
  }

  /**
   * A query typed, submitted or clicked: searched, and put in the URL. Typing makes one history
   * entry, from its first pause to the next thing done (a submit, a click, the back button), so
   * that Back returns to the query shown before it rather than to each word typed.
   */
  private async showQuery(q: string, how: "typing" | "done"): Promise<void> {
    const current = viewOf(location);
    const next = urlOf({ q: q.trim(), id: undefined });
    const sameEntry = how === "typing" ? this.typing && !current.id : this.typing || current.q === q.trim();
    if (sameEntry && !current.id) window.history.replaceState(null, "", next);
    else window.history.pushState(null, "", next);
    this.typing = how === "typing";
    await this.render({ q: q.trim(), id: undefined }, false);
  }

  private async search(q: string): Promise<void> {
    const ticket = ++this.latest;
    const asked = performance.now();
    this.shown = { q, count: 0, total: 0 };
    if (!q) {
      this.results.replaceChildren();
      this.facets.replaceChildren();
      this.filters.hidden = true;
      this.didYouMean.hidden = true;
      this.more.hidden = true;
      this.status.textContent = "";
      return;
    }
    this.status.textContent = "Searching…";
    let result: SearchResult;
    try {
      result = await this.backend.search(q, { limit: PAGE_SIZE });
    } catch (err) {
      if (ticket === this.latest) this.status.textContent = `The search failed: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (ticket !== this.latest) return;
    this.results.replaceChildren(...result.hits.map((hit) => this.hitItem(hit, q)));
    this.shown = { q, count: result.hits.length, total: result.total };
    this.renderStatus(result);
    this.renderCorrections(q, result);
    this.renderFilters(q);
    this.more.hidden = result.total <= result.hits.length;
    this.lastResultsMs = performance.now() - asked;
    document.body.dataset.results = String(ticket);
    // Facets count every matching article: asked for after the hits are shown, since they need the
    // articles' dates and products, which a first query fetches once.
    this.facets.replaceChildren();
    if (result.total > 0) {
      try {
        const counted = await this.backend.search(q, { limit: 0, facets: true });
        if (ticket === this.latest && counted.facets) this.renderFacets(q, counted.facets);
      } catch {
        // The hits are shown; facets are a refinement.
      }
    }
    // Marks for tests and the benchmark: this search's facets are done (or there were none).
    document.body.dataset.facets = String(ticket);
  }

  private async showMore(): Promise<void> {
    const { q, count } = this.shown;
    const ticket = this.latest;
    const result = await this.backend.search(q, { limit: PAGE_SIZE, offset: count });
    if (ticket !== this.latest) return;
    const items = result.hits.map((hit) => this.hitItem(hit, q));
    this.results.append(...items);
    this.shown.count += result.hits.length;
    this.more.hidden = this.shown.count >= result.total;
    items[0]?.querySelector("a")?.focus();
  }

  private renderStatus(result: SearchResult): void {
    const n = result.total;
    const notes = result.warnings.length ? ` (${result.warnings.join("; ")})` : "";
    if (n === 0) {
      const without = result.unfilteredTotal ? `; ${thousands(result.unfilteredTotal)} without the filters` : "";
      this.status.textContent = `No articles match${without}.${notes}`;
    } else {
      this.status.textContent = `${thousands(n)} article${n === 1 ? "" : "s"} match.${notes}`;
    }
  }

  private renderCorrections(q: string, result: SearchResult): void {
    if (!result.corrections.length) {
      this.didYouMean.hidden = true;
      return;
    }
    let corrected = q;
    for (const c of result.corrections) corrected = corrected.replace(new RegExp(`\\b${c.from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i"), c.to);
    const link = element("a", { href: urlOf({ q: corrected, id: undefined }) }, corrected);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      this.input.value = corrected;
      void this.showQuery(corrected, "done");
    });
    this.didYouMean.replaceChildren("Did you mean ", link, "? The hits include those spellings.");
    this.didYouMean.hidden = false;
  }

  /** The query's filters as chips, each removable. */
  private renderFilters(q: string): void {
    const chips = [...q.matchAll(/(?:^|\s)(-?(?:product|tag|year|kw|os|version|section|modified|before|after|id):(?:"[^"]*"|\S+))/gi)].map((m) => {
      const filter = m[1]!;
      const remove = element("button", { type: "button", ariaLabel: `Remove filter ${filter}` }, "×");
      remove.addEventListener("click", () => {
        const rest = q.replace(filter, "").replace(/\s+/g, " ").trim();
        this.input.value = rest;
        void this.showQuery(rest, "done");
      });
      return element("li", {}, filter, " ", remove);
    });
    this.filters.replaceChildren(...chips);
    this.filters.hidden = chips.length === 0;
  }

  private renderFacets(q: string, facets: Facets): void {
    const group = (title: string, field: string, values: { value: string; count: number }[]) => {
      if (values.length < 2) return undefined;
      const items = values.map(({ value, count }) => {
        const filter = `${field}:${/\s/.test(value) ? `"${value}"` : value}`;
        const button = element("button", { type: "button", className: "facet" }, element("span", {}, value), element("span", { className: "count" }, thousands(count)));
        button.setAttribute("aria-label", `${value}: ${count} articles. Narrow to ${filter}`);
        button.addEventListener("click", () => {
          const narrowed = `${q} ${filter}`;
          this.input.value = narrowed;
          void this.showQuery(narrowed, "done");
        });
        return element("li", {}, button);
      });
      return element("section", { className: "facet-group" }, element("h2", {}, title), element("ul", {}, ...items));
    };
    const years = [...facets.years].sort((a, b) => b.value.localeCompare(a.value));
    const groups = [group("Product", "product", facets.products.slice(0, 10)), group("Tag", "tag", facets.tags.slice(0, 10)), group("Year", "year", years)];
    this.facets.replaceChildren(...groups.filter((g): g is HTMLElement => g !== undefined));
  }

  private hitItem(hit: SearchHit, q: string): HTMLLIElement {
    const link = element("a", { href: urlOf({ q, id: hit.id }), className: "title" }, `${hit.id}: ${hit.title}`);
    link.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      window.history.pushState(null, "", urlOf({ q, id: hit.id }));
      this.typing = false;
      void this.render({ q, id: hit.id });
    });
    const facts = [hit.tag, hit.products.slice(0, 3).join(", "), hit.modified].filter(Boolean).join(" · ");
    const archive = element("a", { href: articleUrl(this.articleBase, hit.id), className: "archive" }, "archive page");
    return element(
      "li",
      { className: "hit" },
      link,
      element("p", { className: "facts" }, facts, facts ? " · " : "", archive),
      element("p", { className: "snippet" }, marked(hit.snippet, hit.highlights)),
    );
  }

  private async showArticle(view: View): Promise<void> {
    const id = view.id!.toUpperCase();
    this.resultsView.hidden = true;
    this.article.hidden = false;
    this.article.replaceChildren(element("p", {}, `Loading ${id}…`));
    const ticket = ++this.latest;
    // The article is shown as soon as it is read; its related articles follow when found (in a
    // browser, related reads the dictionary entries and postings of its 15 most telling words).
    const relatedFound = this.backend.related(id, 8).catch(() => undefined);
    const [doc, terms] = await Promise.all([
      this.backend.get(id),
      view.q ? this.backend.search(view.q, { limit: 0 }).then((r) => r.terms) : Promise.resolve([] as string[]),
    ]);
    if (ticket !== this.latest) return;
    const back = element("button", { type: "button", className: "back" }, view.q ? "← Back to results" : "← Search");
    back.addEventListener("click", () => this.goBack());
    if (!doc) {
      this.article.replaceChildren(back, element("p", {}, `No article ${id} in the index.`));
      this.status.textContent = `No article ${id}.`;
      return;
    }
    const facts = [doc.tag, doc.products.join(", "), doc.modified].filter(Boolean).join(" · ");
    this.article.replaceChildren(
      back,
      element("h2", { id: "article-title", tabIndex: -1 }, `${doc.id}: ${doc.title}`),
      element("p", { className: "facts" }, facts, " · ", element("a", { href: articleUrl(this.articleBase, doc.id) }, "on the archive's site")),
      element("pre", { className: "text" }, marked(doc.text, highlightSpans(doc.text, terms), true)),
    );
    this.status.textContent = `${doc.id}: ${doc.title}`;
    $("article-title").focus();
    document.body.dataset.article = doc.id;
    const related = await relatedFound;
    if (ticket !== this.latest) return;
    if (related?.hits.length) this.article.append(this.relatedList(related, view.q));
    document.body.dataset.related = doc.id;
  }

  /** The "Related articles" list below an article; each opens in place. */
  private relatedList(related: SearchResult, q: string): HTMLElement {
    return element("section", { className: "related" }, element("h2", {}, "Related articles"), element("ul", {}, ...related.hits.map((hit) => {
      const link = element("a", { href: urlOf({ q, id: hit.id }) }, `${hit.id}: ${hit.title}`);
      link.addEventListener("click", (event) => {
        event.preventDefault();
        window.history.pushState(null, "", urlOf({ q, id: hit.id }));
        void this.render({ q, id: hit.id });
      });
      return element("li", {}, link);
    })));
  }

  /** From an article, back to the results (the history's, when the page came from them). */
  private goBack(): void {
    const view = viewOf(location);
    if (window.history.state === null && document.referrer === "" && window.history.length <= 1) {
      window.history.replaceState(null, "", urlOf({ q: view.q, id: undefined }));
      void this.render({ q: view.q, id: undefined });
    } else {
      window.history.back();
    }
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const typing = target === this.input || target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      if (!this.article.hidden) this.goBack();
      this.input.focus();
      this.input.select();
      return;
    }
    if (event.key === "Escape") {
      if (!this.article.hidden) {
        event.preventDefault();
        this.goBack();
      } else if (target !== this.input) {
        this.input.focus();
      }
      return;
    }
    if (!this.article.hidden || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    const links = this.hitLinks();
    const at = links.indexOf(target as HTMLAnchorElement);
    if (event.key === "ArrowDown") {
      if (at < links.length - 1) {
        event.preventDefault();
        this.focusHit(at + 1);
      }
    } else if (at >= 0) {
      event.preventDefault();
      if (at === 0) this.input.focus();
      else this.focusHit(at - 1);
    }
  }

  private hitLinks(): HTMLAnchorElement[] {
    return Array.from(this.results.querySelectorAll<HTMLAnchorElement>("a.title"));
  }

  private focusHit(i: number): void {
    const links = this.hitLinks();
    links[i]?.focus();
    links[i]?.scrollIntoView({ block: "nearest" });
  }
}

declare global {
  interface Window {
    /** For tests and the benchmark: the page's backend and its traffic. */
    kbsearchPage?: { page: Page; backend: Backend; index?: SiteIndex };
  }
}

async function main(): Promise<void> {
  const api = meta("kbsearch-api");
  const status = $("status");
  let backend: Backend;
  let index: SiteIndex | undefined;
  try {
    if (api) {
      backend = new ApiBackend(api.replace(/\/$/, ""));
    } else {
      index = await SiteIndex.open(new URL(".", location.href));
      backend = new StaticBackend(index);
    }
  } catch (err) {
    status.textContent = `The index could not be opened: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const page = new Page(backend);
  window.kbsearchPage = { page, backend, ...(index ? { index } : {}) };
  page.start();
  document.body.dataset.ready = "true";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void main());
else void main();
