/**
 * kbsearch as a library:
 *
 *   import { buildIndex, openIndex } from "kbsearch";
 *   await buildIndex("kb.tar.gz", { indexDir: "index" });
 *   const index = await openIndex("index");
 *   const { hits } = index.search("heap corruption", { limit: 5 });
 */
import { buildIndex as build, type BuildOptions, type BuildReport } from "./indexer/build.js";
import { KbIndex } from "./query/engine.js";
import { resolveIndexDir, sampleCorpusDir } from "./paths.js";

/** The folder of the sample articles bundled with kbsearch: `buildIndex(sampleCorpus, ...)` works from anywhere. */
export const sampleCorpus: string = sampleCorpusDir;

/** Builds an index of `source` (a kbarchive folder, a .tar.gz of it, or its URL); see BuildOptions. */
export function buildIndex(source: string, options: Partial<BuildOptions> = {}): Promise<BuildReport> {
  return build(source, { ...options, indexDir: options.indexDir ?? resolveIndexDir().dir });
}

/** Opens the index in `dir` (default: `$KBSEARCH_INDEX`, else the per-user data folder: paths.ts). */
export async function openIndex(dir?: string): Promise<KbIndex> {
  return KbIndex.open(resolveIndexDir(dir).dir);
}

export { KbIndex, DEFAULT_LIMIT, MAX_LIMIT, type IndexStats } from "./query/engine.js";
export { KbSearchError, type ErrorCode } from "./errors.js";
export type { BuildOptions, BuildProgress, BuildReport } from "./indexer/build.js";
export type { UpdateCounts } from "./indexer/update.js";
export type { FacetCount, Facets, SearchHit, SearchOptions, SearchResult, SortOrder } from "./query/types.js";
export type { StructuredQuery } from "./query/structured.js";
export type { SkippedEntry } from "./read/types.js";
export type { DocMeta, IndexHeader, StoredDoc } from "./store/format.js";
