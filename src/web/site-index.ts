/// <reference lib="dom" />
/**
 * The search engine in a browser, over a static site's index (`kbsearch site`): the same engine
 * as the library's (query/search-engine.ts), its reads answered by a SiteSource. A search runs;
 * where it reads bytes not fetched yet it stops with BytesNotHere, which names them (every range a
 * step needs at once: the query words' dictionary blocks, then their postings, then the hits'
 * stored blocks); they are fetched, and it runs again. A run costs a few milliseconds, a fetch
 * far more, so a query takes about as many round trips as it has such steps.
 */
import { KbSearchError } from "../errors.js";
import type { StructuredQuery } from "../query/structured.js";
import { SearchEngine } from "../query/search-engine.js";
import type { SearchOptions, SearchResult } from "../query/types.js";
import { BytesNotHere } from "../store/byte-source.js";
import type { StoredDoc } from "../store/format.js";
import { IndexReader } from "../store/index-reader.js";
import { browserCodecs } from "./browser-codecs.js";
import { MANIFEST_FILE, SITE_FORMAT, type SiteManifest } from "./manifest.js";
import { SiteSource, type Traffic } from "./site-source.js";

/** A query needs a handful of steps; past this many fetches something is wrong with the site. */
const MAX_ROUNDS = 64;

export class SiteIndex {
  private constructor(private readonly engine: SearchEngine, private readonly source: SiteSource, readonly manifest: SiteManifest) {}

  /** Opens the index of the site at `base` (the folder holding index/manifest.json): two requests. */
  static async open(base: string | URL, fetcher: typeof fetch = (input, init) => fetch(input, init)): Promise<SiteIndex> {
    const root = new URL(base);
    const response = await fetcher(new URL(MANIFEST_FILE, root), { cache: "no-cache" });
    if (!response.ok) throw new KbSearchError("index-missing", `no index at ${root.href} (${MANIFEST_FILE}: HTTP ${response.status}): run \`kbsearch site DIR\` to write one`);
    const manifest = (await response.json()) as SiteManifest;
    if (manifest.format !== SITE_FORMAT) throw new KbSearchError("index-version", `the site's index is of format ${manifest.format}; this page reads format ${SITE_FORMAT}: rebuild it with \`kbsearch site DIR\``);
    const source = new SiteSource(root, manifest, fetcher);
    source.traffic.requests++;
    source.probeRanges();
    await source.loadPacked(manifest.packed[0]!);
    const reader = new IndexReader(source, browserCodecs(manifest.docMeta, source.files, manifest.telling, manifest.correctionFilter), "rebuild the site with `kbsearch site DIR`");
    return new SiteIndex(new SearchEngine(reader), source, manifest);
  }

  /** What has been fetched of the index so far (the manifest counted as a request). */
  get traffic(): Traffic {
    return { ...this.source.traffic };
  }

  search(query: string | StructuredQuery, options: SearchOptions = {}): Promise<SearchResult> {
    return this.run(() => this.engine.search(query, options));
  }

  get(ref: string): Promise<StoredDoc | undefined> {
    return this.run(() => this.engine.get(ref));
  }

  related(ref: string, options: SearchOptions = {}): Promise<SearchResult> {
    return this.run(() => this.engine.related(ref, options));
  }

  /** Runs `step` until it has every byte it reads. */
  private async run<T>(step: () => T): Promise<T> {
    this.source.searches++;
    for (let round = 0; ; round++) {
      try {
        return step();
      } catch (err) {
        if (!(err instanceof BytesNotHere) || round >= MAX_ROUNDS) throw err;
        await this.source.fetchMissing(err);
      }
    }
  }
}
