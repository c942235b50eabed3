/**
 * `kbsearch serve`'s HTTP server: the JSON API over one read-only index. Every answer is made from
 * the request and the index alone, so any number of copies can stand behind a load balancer. The
 * routes:
 *
 *   GET /api/search?q=...&limit&offset&page&product&year&since&until&sort&facets&explain   SearchResult (kbsearch --json)
 *   GET /api/related/Q149387?limit&offset&page                                               SearchResult (kbsearch related --json)
 *   GET /api/articles/Q149387                                                                StoredDoc (kbsearch show --json)
 *   GET /api/suggest?q=heap+cor&limit                                                        titles starting so (suggest.ts)
 *   GET /api/stats                                                                           the index's stats (kbsearch stats --json)
 *
 * Anything else, a malformed request or one over the bounds (params.ts) gets a 4xx with a JSON
 * error; a failure of the server's own a 500 whose body says no more than that (the log has it).
 */
import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KbSearchError } from "../errors.js";
import { packageRoot } from "../paths.js";
import { searchResultJson, statsRecord, storedDocJson } from "../present/json.js";
import { errorBody, HttpError } from "./http-error.js";
import { LiveIndex, type OpenedIndex } from "./live-index.js";
import { LIMITS, decodeComponent, noParameters, relatedRequest, searchRequest, suggestRequest } from "./params.js";
import { matchesEtag, send, sendError } from "./respond.js";
import { AnswerCache, DEFAULT_CACHE_MB, type CachedAnswer } from "./answer-cache.js";
import { TitleSuggestions } from "./suggest.js";
import { TurnQueue } from "./turn-queue.js";
import { PAGE_SECURITY_POLICY, pageFiles, type PageAsset, type PageFile } from "./page-files.js";

export interface ServerOptions {
  /** The index directory. */
  indexDir: string;
  /** Build title suggestions (FlexSearch) for /api/suggest; without, it answers 404. */
  suggest: boolean;
  /** Where the server reports what it does (reopened indexes, failures). */
  log: (line: string) => void;
  /** Requests that may wait for their turn (default MAX_WAITING); more get a 503. */
  maxWaiting?: number;
  /** Bytes of search and related answers kept to send again (answer-cache.ts; default DEFAULT_CACHE_MB); 0 keeps none. */
  cacheBytes?: number;
  /** The search page's files by name (`index.html` answers `/`); without them `/` lists the API. */
  page?: ReadonlyMap<string, PageAsset>;
}

const JSON_TYPE = "application/json; charset=utf-8";
/** Caches may keep an answer but must ask again each time: the ETag makes that a 304 until the index changes. */
const API_CACHE_CONTROL = "public, no-cache";
/** The page's files change only with kbsearch: caches may keep them an hour, then ask again (their ETag makes that a 304). */
const PAGE_CACHE_CONTROL = "public, max-age=3600";
/** Requests that may wait for their turn; more get a 503 (at 2 ms a search, half a second's work). */
const MAX_WAITING = 256;
/** How long SIGTERM waits for requests under way before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Part of every ETag, so that answers of another kbsearch over the same index differ. */
const CODE_VERSION = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;

/** An article number in a path, as the CLI takes it: Q149387, 149387 or KB149387. */
const ARTICLE_REF = /^(?:q|kb)?\d{1,9}$/i;

type Route = (req: IncomingMessage, res: ServerResponse, search: string, rest: string) => void;

export class SearchServer {
  readonly http: http.Server;
  private readonly live: LiveIndex;
  private suggestions: TitleSuggestions | undefined;
  /** Counts suggestion builds started: a build whose number is no longer this one is cancelled. */
  private suggestionBuilds = 0;
  private closing = false;
  private readonly turns: TurnQueue;
  private readonly routes: Record<string, Route>;
  private readonly page: Map<string, PageFile> | undefined;
  private readonly answers: AnswerCache;

  /** Opens the index (throws KbSearchError when there is none); `listen` then serves it. */
  constructor(private readonly options: ServerOptions) {
    this.live = new LiveIndex(options.indexDir, options.log);
    this.turns = new TurnQueue(options.maxWaiting ?? MAX_WAITING);
    this.page = options.page ? pageFiles(options.page) : undefined;
    this.answers = new AnswerCache(options.cacheBytes ?? DEFAULT_CACHE_MB * 1024 * 1024);
    this.live.onReopen(() => this.answers.clear());
    this.routes = {
      "/api/search": (req, res, search) => this.search(req, res, search),
      "/api/related/": (req, res, search, ref) => this.related(req, res, search, ref),
      "/api/articles/": (req, res, search, ref) => this.article(req, res, search, ref),
      "/api/suggest": (req, res, search) => this.suggest(req, res, search),
      "/api/stats": (req, res, search) => this.stats(req, res, search),
      "/": (req, res, search) => this.home(req, res, search),
    };
    this.http = http.createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => this.handle(req, res));
    this.http.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket));
    if (options.suggest) {
      this.buildSuggestions();
      this.live.onReopen(() => this.buildSuggestions());
    }
  }

  /** Starts listening; resolves with the address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => {
        this.http.off("error", reject);
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops taking connections, lets the requests under way finish (their connections then close),
   * closes the index. Connections still busy after the grace period are cut.
   */
  async close(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.suggestionBuilds++;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    const cut = setTimeout(() => this.http.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(cut);
    this.live.close();
  }

  /** Queues the request for its turn (turn-queue.ts); a full queue gets a 503 at once. */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    const queued = this.turns.push(() => {
      // A client that went away meanwhile needs no answer.
      if (!req.socket.destroyed) this.answer(req, res);
    });
    if (!queued) sendError(req, res, 503, `the server is busy (${this.turns.waiting} requests waiting); try again shortly`, { "Retry-After": "1" });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    // Keep-alive connections end after their answer once shutting down.
    if (this.closing) res.setHeader("Connection", "close");
    try {
      const target = req.url ?? "";
      if (target.length > LIMITS.urlChars) throw new HttpError(414, `the request's URL is ${target.length} characters; at most ${LIMITS.urlChars} are read`);
      if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, `${req.method} is not served here: only GET and HEAD`, { Allow: "GET, HEAD" });
      if (!target.startsWith("/")) throw new HttpError(400, "the request target must be a path");
      const queryAt = target.indexOf("?");
      const path = queryAt < 0 ? target : target.slice(0, queryAt);
      const search = queryAt < 0 ? "" : target.slice(queryAt + 1);
      this.route(req, res, path, search);
    } catch (err) {
      this.fail(req, res, err);
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, path: string, search: string): void {
    const exact = this.routes[path];
    if (exact && !path.endsWith("/")) return exact(req, res, search, "");
    if (path === "/") return this.routes["/"]!(req, res, search, "");
    // The page's files by exact name (`/kbsearch.js`): a name holding anything else is no file of it.
    const pageFile = this.page?.get(path.slice(1));
    if (pageFile) return this.sendPageFile(req, res, pageFile);
    for (const prefix of ["/api/related/", "/api/articles/"]) {
      if (!path.startsWith(prefix)) continue;
      const ref = decodeComponent(path.slice(prefix.length));
      if (!ARTICLE_REF.test(ref)) throw new HttpError(404, `${ref.slice(0, 100)} is not an article number (Q149387, 149387 or KB149387)`);
      return this.routes[prefix]!(req, res, search, ref);
    }
    throw new HttpError(404, `nothing at ${path.slice(0, 200)} (the API: /api/search?q=..., /api/articles/ID, /api/related/ID, /api/suggest?q=..., /api/stats)`);
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) return sendError(req, res, err.status, err.message, err.headers);
    if (err instanceof KbSearchError) {
      // A bad option is the request's fault; a missing or damaged index is the server's state.
      if (err.code === "usage") return sendError(req, res, 400, err.message);
      this.options.log(`index unavailable: ${err.message}`);
      return sendError(req, res, 503, "the index is not available", { "Retry-After": "10" });
    }
    this.options.log(`internal error on ${req.method} ${req.url?.slice(0, 500)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    sendError(req, res, 500, "internal error");
  }

  /**
   * Answers with JSON made from the index whose checksum is given: a 304 without making it when the
   * client holds it already. With `keep`, the answer is kept by its request (answer-cache.ts), and
   * one asked again is not made again.
   */
  private json(req: IncomingMessage, res: ServerResponse, checksum: string, make: () => string, keep = false): void {
    const etag = `W/"${checksum}-${CODE_VERSION}"`;
    // send() answers a matching If-None-Match with a 304 and no body.
    const answer: CachedAnswer | { data: string; compressed?: undefined } = matchesEtag(req.headers["if-none-match"], etag)
      ? { data: "" }
      : keep
        ? this.answers.get(checksum, req.url ?? "", make)
        : { data: make() };
    send(req, res, { type: JSON_TYPE, data: answer.data, compressed: answer.compressed, etag, cacheControl: API_CACHE_CONTROL, headers: { "Access-Control-Allow-Origin": "*" } });
  }

  private search(req: IncomingMessage, res: ServerResponse, search: string): void {
    const { query, options } = searchRequest(search);
    const opened = this.live.current();
    this.json(req, res, opened.checksum, () => searchResultJson(opened.index.search(query, options)), true);
  }

  private related(req: IncomingMessage, res: ServerResponse, search: string, ref: string): void {
    const options = relatedRequest(search);
    const opened = this.live.current();
    this.json(req, res, opened.checksum, () => searchResultJson(opened.index.related(ref, options)), true);
  }

  private article(req: IncomingMessage, res: ServerResponse, search: string, ref: string): void {
    noParameters(search);
    const opened = this.live.current();
    const doc = opened.index.get(ref);
    if (!doc) throw new HttpError(404, `no article ${ref.slice(0, 100)} in the index`);
    this.json(req, res, opened.checksum, () => storedDocJson(doc));
  }

  private suggest(req: IncomingMessage, res: ServerResponse, search: string): void {
    const { query, limit } = suggestRequest(search);
    if (!this.options.suggest) throw new HttpError(404, "title suggestions are off (the server was started with --no-suggest)");
    this.live.current(); // a rebuilt index starts its suggestions' rebuild
    const suggestions = this.suggestions;
    if (!suggestions) throw new HttpError(503, "title suggestions are being built; try again shortly", { "Retry-After": "2" });
    this.json(req, res, suggestions.checksum, () => JSON.stringify({ query, suggestions: suggestions.suggest(query, limit) }));
  }

  private stats(req: IncomingMessage, res: ServerResponse, search: string): void {
    noParameters(search);
    const opened = this.live.current();
    this.json(req, res, opened.checksum, () => JSON.stringify({ ...statsRecord(opened.index.stats()), serve: this.serveState(opened) }));
  }

  /** `/`: the search page (which reads its own parameters, `?q=...`), or without one a list of the API. */
  private home(req: IncomingMessage, res: ServerResponse, search: string): void {
    const page = this.page?.get("index.html");
    if (page) return this.sendPageFile(req, res, page);
    noParameters(search);
    const opened = this.live.current();
    this.json(req, res, opened.checksum, () =>
      JSON.stringify({ api: ["/api/search?q=QUERY", "/api/articles/ID", "/api/related/ID", "/api/suggest?q=TEXT", "/api/stats"] }),
    );
  }

  private sendPageFile(req: IncomingMessage, res: ServerResponse, file: PageFile): void {
    const headers: Record<string, string> = file.contentType.startsWith("text/html") ? { "Content-Security-Policy": PAGE_SECURITY_POLICY } : {};
    send(req, res, { type: file.contentType, data: file.identity, compressed: file, etag: file.etag, cacheControl: PAGE_CACHE_CONTROL, headers });
  }

  /** What the server adds to the index's stats: the process, whether its title suggestions are ready and what they cost, its memory. */
  private serveState(opened: OpenedIndex): object {
    const suggestions = !this.options.suggest ? "off" : this.suggestions ? { ...this.suggestions.build, current: this.suggestions.checksum === opened.checksum } : "building";
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const answers = { hits: this.answers.hits, misses: this.answers.misses };
    return { pid: process.pid, generation: opened.generation, suggestions, answers, memory: { rss, heapUsed, heapTotal, external } };
  }

  private buildSuggestions(): void {
    const build = ++this.suggestionBuilds;
    TitleSuggestions.build(this.options.indexDir, () => build !== this.suggestionBuilds)
      .then((built) => {
        if (!built || build !== this.suggestionBuilds) return;
        this.suggestions = built;
        const { titles, seconds, heapBytes } = built.build;
        this.options.log(`title suggestions ready: ${titles.toLocaleString("en-US")} titles in ${seconds.toFixed(1)} s, about ${Math.round(heapBytes / 1e6)} MB`);
      })
      .catch((err: unknown) => this.options.log(`title suggestions not built: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/**
 * A request Node's parser refused (a header block over 16 kB, a malformed request line): answered
 * on the socket with a JSON error, since there is no request object to answer through.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "HPE_URI_TOO_LONG" ? 414 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const message = status === 431 ? "the request's headers are over 16 kB" : status === 408 ? "the request took too long to arrive" : "malformed HTTP request";
  const body = errorBody(status, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
