/**
 * The build: read articles from a source, parse, analyze each field, accumulate postings and
 * stored records, then publish the index atomically. A bad article is reported and skipped; a
 * source that cannot be read, or yields nothing, fails the build and leaves any old index intact.
 * When an index is already there, articles whose source file it holds as it is are carried over
 * from it instead of being parsed and analyzed again (update.ts).
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { ANALYZER_ID } from "../analyze/analyzer.js";
import { KbSearchError } from "../errors.js";
import { readSource, SourceError, type SourceLimits } from "../read/source.js";
import type { SkippedEntry, SourceEntry } from "../read/types.js";
import { acquireBuildLock } from "../store/lock.js";
import { IndexWriter, removeTemporaryFiles } from "../store/writer.js";
import { DocMetaBuilder } from "./docmeta.js";
import type { AnalyzedArticle } from "./analysis.js";
import { AnalysisPool, type AnalysisPoolOptions, type ArrivedBatch, type Ticket } from "./analysis-pool.js";
import { PostingsBuilder } from "./postings.js";
import { PreviousIndex, sourceDigest, type CannotUpdate, type UpdateCounts } from "./update.js";

export interface BuildOptions {
  /** Where the index is written (replacing the one there only when the build succeeds). */
  indexDir: string;
  /** Called as the build goes (about every 64 KB of source read, and per article). */
  onProgress?: (progress: BuildProgress) => void;
  /** Build afresh even when the index there could be updated (which also replaces an index of another source). */
  full?: boolean;
  /**
   * Let an update replace the index there though it was built from another source, or though it
   * loses most of its articles: without this (or `full`), such an update stops with a `source`
   * error before anything is written, since that is mostly a mistaken source.
   */
  replace?: boolean;
  /**
   * Where parsing and analysis run: the worker threads for a large source (default: all cores but
   * one, at most 2; 0: none), how many articles are analyzed on the build's thread first, the worker module.
   */
  analysis?: Partial<AnalysisPoolOptions>;
  /** Bounds on reading the source other than SOURCE_LIMITS (how long a download may stall, how much a tarball may unpack to). */
  sourceLimits?: Partial<SourceLimits>;
  /**
   * Bytes of postings and of compressed stored blocks held in memory, each, before they go to a
   * temporary file beside the index (MAX_POSTINGS_BYTES and MAX_STORED_BYTES).
   */
  memory?: { postings?: number; stored?: number };
}

/**
 * Entries read ahead of the one being taken into the index, at most this many and this many bytes
 * of source text: bounds the text held meanwhile, and the copies and results of it at the worker
 * threads (1,024 articles of 3.5 MB each once took the build past 6 GB).
 */
const MAX_QUEUED = 1024;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** Stored blocks waiting to be compressed, at most: past this the build waits for the compressor. */
const MAX_STORE_BACKLOG_BYTES = 16 * 1024 * 1024;
/**
 * Postings held in memory, at most: past this they are spilled to a temporary file. The whole
 * archive's take about 40 MB, so only a far larger source spills.
 */
export const MAX_POSTINGS_BYTES = 160 * 1024 * 1024;

export interface BuildProgress {
  articles: number;
  /** Bytes of the source consumed (compressed bytes for tarballs and URLs). */
  bytesRead: number;
  /** The source's size when known. */
  totalBytes: number | undefined;
}

export interface BuildReport {
  source: string;
  indexDir: string;
  articles: number;
  terms: number;
  skipped: SkippedEntry[];
  /** Bytes of article text read. */
  textBytes: number;
  indexBytes: number;
  seconds: number;
  /** When the index there was updated: the articles added, changed, removed and carried over unchanged. */
  update?: UpdateCounts;
  /** When an index there could not be updated and was built afresh: why (damaged, another format...). */
  rebuiltBecause?: string;
}

/**
 * Builds the index of `source` into `options.indexDir`, holding the folder's build lock meanwhile
 * (index-busy if another build holds it). Leftovers of killed builds there are cleared first.
 */
export async function buildIndex(source: string, options: BuildOptions): Promise<BuildReport> {
  const lock = acquireBuildLock(options.indexDir);
  try {
    removeTemporaryFiles(options.indexDir);
    const opened = options.full ? { cannot: undefined } : PreviousIndex.open(options.indexDir);
    if ("cannot" in opened && opened.cannot && !options.replace) checkRebuild(opened.cannot, sourceNameOf(source), options.indexDir);
    const previous = "previous" in opened ? opened.previous : undefined;
    try {
      const report = await build(source, options, previous);
      return "cannot" in opened && opened.cannot ? { ...report, rebuiltBecause: opened.cannot.reason } : report;
    } finally {
      previous?.close();
    }
  } finally {
    lock.release();
  }
}

async function build(source: string, options: BuildOptions, previous: PreviousIndex | undefined): Promise<BuildReport> {
  const postings = new PostingsBuilder({ dir: options.indexDir, maxBytes: options.memory?.postings ?? MAX_POSTINGS_BYTES });
  const writer = new IndexWriter(options.indexDir, previous?.reader, options.memory?.stored);
  try {
    return await buildInto(source, options, previous, postings, writer);
  } finally {
    postings.dispose();
    await writer.dispose();
  }
}

/** The build proper, into `postings` and `writer` (whose temporary files the caller removes). */
async function buildInto(source: string, options: BuildOptions, previous: PreviousIndex | undefined, postings: PostingsBuilder, writer: IndexWriter): Promise<BuildReport> {
  const started = performance.now();
  const skipped: SkippedEntry[] = [];
  const docMeta = new DocMetaBuilder();
  const seen = new Set<number>();
  const progress: BuildProgress = { articles: 0, bytesRead: 0, totalBytes: undefined };
  const sourceName = sourceNameOf(source);
  const pool = new AnalysisPool({ workers: defaultWorkers(), ...options.analysis });
  /** Entries read and not yet taken into the index, in source order (skips too, to report them in order). */
  const queue: (Queued | SkippedEntry)[] = [];
  /** Bytes of source text the queue holds. */
  let queuedBytes = 0;
  const takeHead = (): Promise<void> => {
    const head = queue.shift()!;
    if ("entry" in head) queuedBytes -= head.entry.bytes;
    return take(head);
  };

  /** Takes the next entry into the index: carried over, or as analyzed, or skipped. */
  const take = async (queued: Queued | SkippedEntry): Promise<void> => {
    if (!("entry" in queued)) {
      skipped.push(queued);
      return;
    }
    const { entry, digest } = queued;
    // An article the previous index holds as it is now is carried over, not parsed again.
    const from = queued.ticket ? undefined : previous!.carriable(digest);
    let analyzed: { arrived: ArrivedBatch; article: AnalyzedArticle } | undefined;
    if (from === undefined) {
      // Held by the previous index but met out of its order: read anew after all.
      const ticket = queued.ticket ?? pool.submit(entry);
      const arrived = await pool.result(ticket);
      const result = arrived.batch.results[ticket.index]!;
      if ("skipped" in result) {
        skipped.push({ path: entry.path, reason: result.skipped });
        return;
      }
      analyzed = { arrived, article: result };
    }
    const number = analyzed ? analyzed.article.number : previous!.numberOf(from!);
    if (seen.has(number)) {
      skipped.push({ path: entry.path, reason: `duplicate of article Q${number}, already indexed` });
      return;
    }
    seen.add(number);
    if (analyzed) {
      const { arrived, article } = analyzed;
      previous?.countRead(number, digest);
      addPostings(postings, writer.docCount, arrived, article);
      const stored = arrived.batch.stored.subarray(article.storedStart, article.storedEnd);
      writer.addDocument({ number, digest, sourceBytes: entry.bytes, fieldLengths: article.fieldLengths, stored });
      docMeta.add(article.facts);
    } else {
      previous!.carry(from!, entry.bytes, writer, docMeta);
    }
    progress.articles++;
    if ((progress.articles & 255) === 0) options.onProgress?.(progress);
    await writer.storeBacklogAtMost(MAX_STORE_BACKLOG_BYTES);
  };
  /** The queue's first entry can be taken without waiting. */
  const headReady = (): boolean => {
    const head = queue[0]!;
    return !("entry" in head) || !head.ticket || pool.ready(head.ticket);
  };

  try {
    const entries = readSource(source, {
      limits: options.sourceLimits,
      onSkip: (entry) => queue.push(entry),
      onProgress: (bytesRead, totalBytes) => {
        progress.bytesRead = bytesRead;
        progress.totalBytes = totalBytes;
        options.onProgress?.(progress);
      },
    });
    for await (const entry of entries) {
      const digest = sourceDigest(entry.path, entry.text);
      // Whether one the previous index holds is carried over is decided when its turn comes.
      queue.push({ entry, digest, ticket: previous?.holds(digest) ? undefined : pool.submit(entry) });
      queuedBytes += entry.bytes;
      while (queue.length > 0 && (queue.length > MAX_QUEUED || queuedBytes > MAX_QUEUED_BYTES || headReady())) await takeHead();
    }
    while (queue.length > 0) await takeHead();
  } catch (err) {
    if (err instanceof SourceError) throw new KbSearchError("source", err.message, { cause: err });
    throw err;
  } finally {
    await pool.close();
  }

  if (writer.docCount === 0) {
    const why = skipped.length ? ` (${skipped.length} entries skipped: ${skipped[0]!.path}: ${skipped[0]!.reason}...)` : "";
    throw new KbSearchError("build", `no articles found in ${source}${why}; the index was left as it was`);
  }
  if (previous && !options.replace) checkReplacement(previous, sourceName, options.indexDir);
  options.onProgress?.(progress);
  const inverted = previous ? previous.merge(postings.finish()) : postings.finish();
  const indexBytes = await writer.publish(inverted, { source: sourceName, analyzerId: ANALYZER_ID, docMeta: docMeta.finish() });
  return {
    source: sourceName,
    indexDir: options.indexDir,
    articles: writer.docCount,
    terms: inverted.terms.length,
    skipped,
    textBytes: writer.textBytes,
    indexBytes,
    seconds: (performance.now() - started) / 1000,
    ...(previous && { update: previous.finishCounts() }),
  };
}

/**
 * Throws when updating the index from `source` looks like a mistake: the index was built from
 * another source, or the update would remove more than half of its articles. (`replace` or a
 * full build confirms it.)
 */
function checkReplacement(previous: PreviousIndex, source: string, indexDir: string): void {
  const before = previous.reader.header.source;
  const { removed } = previous.finishCounts();
  const docs = previous.reader.docCount;
  const confirm = `the index was left as it was: to replace it, run again with --replace (or --full)`;
  if (before !== source) {
    throw new KbSearchError("source", `the index in ${indexDir} was built from ${before}, not from ${source} (${removed.toLocaleString("en-US")} of its ${docs.toLocaleString("en-US")} articles would go); ${confirm}`);
  }
  if (removed * 2 > docs) {
    throw new KbSearchError("source", `${source} lacks ${removed.toLocaleString("en-US")} of the ${docs.toLocaleString("en-US")} articles indexed from it before; ${confirm}`);
  }
}

/**
 * Throws when the index there cannot be updated (damaged, or another format) and rebuilding it
 * from `source` may be a mistake: its header, as far as it can still be read, names another
 * source, or names none. An index rebuilt from the source it was built from loses nothing (nor
 * does replacing a folder or FIFO in its place); one from another source is confirmed as any
 * replacement is (`replace` or a full build).
 */
function checkRebuild(cannot: CannotUpdate, source: string, indexDir: string): void {
  const confirm = `the index was left as it was: to replace it, run again with --replace (or --full)`;
  if (!cannot.isIndexFile || cannot.builtFrom === source) return;
  const from = cannot.builtFrom === undefined ? "what it was built from cannot be read" : `it was built from ${cannot.builtFrom}, not from ${source}`;
  throw new KbSearchError("source", `the index in ${indexDir} cannot be updated (${cannot.reason}), and ${from}; ${confirm}`);
}

/** How the index records its source: a URL as given, a path made absolute. */
function sourceNameOf(source: string): string {
  return /^https?:\/\//i.test(source) ? source : resolve(source);
}

/** A source file read and waiting for its turn; `ticket` when it was sent for analysis. */
interface Queued {
  entry: SourceEntry;
  digest: Uint8Array;
  ticket: Ticket | undefined;
}

/** Worker threads for analysis: all but one core (the build's own thread reads and accumulates), at most 2. */
function defaultWorkers(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

/** Adds the article's occurrences to `postings` as document `doc`, mapping its analyzer's term ids to the build's. */
function addPostings(postings: PostingsBuilder, doc: number, arrived: ArrivedBatch, article: AnalyzedArticle): void {
  const { tokens } = arrived.batch;
  const terms = arrived.terms;
  postings.startDocument(doc);
  for (let i = article.tokenStart * 3; i < article.tokenEnd * 3; i += 3) {
    const local = tokens[i]!;
    let id = terms.ids[local]!;
    if (id < 0) id = terms.ids[local] = postings.termId(terms.names[local]!);
    postings.add(id, tokens[i + 1]!, tokens[i + 2]!);
  }
  postings.endDocument();
}
