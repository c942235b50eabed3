/**
 * The build: read articles from a source, parse, analyze each field, accumulate postings and
 * stored records, then publish the index atomically. A bad article is reported and skipped; a
 * source that cannot be read, or yields nothing, fails the build and leaves any old index intact.
 * When an index is already there, articles whose source file it holds as it is are carried over
 * from it instead of being parsed and analyzed again (update.ts).
 */
import { resolve } from "node:path";
import { analyze, ANALYZER_ID } from "../analyze/analyzer.js";
import { KbSearchError } from "../errors.js";
import { parseArticle } from "../parse/article.js";
import { ArticleParseError, type Article } from "../parse/types.js";
import { readSource, SourceError } from "../read/source.js";
import type { SkippedEntry, SourceEntry } from "../read/types.js";
import { FIELD_COUNT, type StoredDoc } from "../store/format.js";
import { acquireBuildLock } from "../store/lock.js";
import { IndexWriter, removeTemporaryFiles } from "../store/writer.js";
import { DocMetaBuilder } from "./docmeta.js";
import { fieldTexts } from "./fields.js";
import { PostingsBuilder } from "./postings.js";
import { PreviousIndex, sourceDigest, type UpdateCounts } from "./update.js";

export interface BuildOptions {
  /** Where the index is written (replacing the one there only when the build succeeds). */
  indexDir: string;
  /** Called as the build goes (about every 64 KB of source read, and per article). */
  onProgress?: (progress: BuildProgress) => void;
  /** Build afresh even when the index there could be updated. */
  full?: boolean;
}

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
    const previous = "previous" in opened ? opened.previous : undefined;
    try {
      const report = await build(source, options, previous);
      return "cannot" in opened && opened.cannot ? { ...report, rebuiltBecause: opened.cannot } : report;
    } finally {
      previous?.close();
    }
  } finally {
    lock.release();
  }
}

async function build(source: string, options: BuildOptions, previous: PreviousIndex | undefined): Promise<BuildReport> {
  const started = performance.now();
  const skipped: SkippedEntry[] = [];
  const postings = new PostingsBuilder();
  const writer = new IndexWriter(previous?.reader);
  const docMeta = new DocMetaBuilder();
  const seen = new Set<number>();
  let textBytes = 0;
  const progress: BuildProgress = { articles: 0, bytesRead: 0, totalBytes: undefined };
  const sourceName = /^https?:\/\//i.test(source) ? source : resolve(source);

  try {
    const entries = readSource(source, {
      onSkip: (entry) => skipped.push(entry),
      onProgress: (bytesRead, totalBytes) => {
        progress.bytesRead = bytesRead;
        progress.totalBytes = totalBytes;
        options.onProgress?.(progress);
      },
    });
    for await (const entry of entries) {
      const digest = sourceDigest(entry.path, entry.text);
      // An article the previous index holds as it is now is carried over, not parsed again.
      const from = previous?.carriable(digest);
      const article = from === undefined ? parseEntry(entry, skipped) : undefined;
      if (from === undefined && !article) continue;
      const number = article ? article.number : previous!.numberOf(from!);
      if (seen.has(number)) {
        skipped.push({ path: entry.path, reason: `duplicate of article Q${number}, already indexed` });
        continue;
      }
      seen.add(number);
      textBytes += entry.bytes;
      if (article) {
        previous?.countRead(number, digest);
        writer.addDocument({ number, digest, sourceBytes: entry.bytes, fieldLengths: analyzeInto(postings, writer.docCount, article), stored: storedOf(article) });
        docMeta.add(article);
      } else {
        previous!.carry(from!, entry.bytes, writer, docMeta);
      }
      progress.articles++;
      if ((progress.articles & 255) === 0) options.onProgress?.(progress);
    }
  } catch (err) {
    if (err instanceof SourceError) throw new KbSearchError("source", err.message, { cause: err });
    throw err;
  }

  if (writer.docCount === 0) {
    const why = skipped.length ? ` (${skipped.length} entries skipped: ${skipped[0]!.path}: ${skipped[0]!.reason}...)` : "";
    throw new KbSearchError("build", `no articles found in ${source}${why}; the index was left as it was`);
  }
  options.onProgress?.(progress);
  const inverted = previous ? previous.merge(postings.finish()) : postings.finish();
  const indexBytes = await writer.publish(options.indexDir, inverted, { source: sourceName, analyzerId: ANALYZER_ID, docMeta: docMeta.finish() });
  return {
    source: sourceName,
    indexDir: options.indexDir,
    articles: writer.docCount,
    terms: inverted.terms.length,
    skipped,
    textBytes,
    indexBytes,
    seconds: (performance.now() - started) / 1000,
    ...(previous && { update: previous.finishCounts() }),
  };
}

/** The entry's article, or undefined when it cannot be used (then reported in `skipped`). */
function parseEntry(entry: SourceEntry, skipped: SkippedEntry[]): Article | undefined {
  try {
    return parseArticle(entry.path, entry.text);
  } catch (err) {
    // Whatever goes wrong with one article is that article's entry in the report.
    skipped.push({ path: entry.path, reason: err instanceof ArticleParseError ? err.reason : `could not be parsed (${String(err)})` });
    return undefined;
  }
}

/** Analyzes the article's fields into `postings` as document `doc`; returns each field's length in terms. */
function analyzeInto(postings: PostingsBuilder, doc: number, article: Article): number[] {
  const lengths = new Array<number>(FIELD_COUNT).fill(0);
  postings.startDocument(doc);
  fieldTexts(article).forEach((text, field) => {
    analyze(text, (term, _start, _end, pos) => {
      postings.add(term, field, pos);
      lengths[field]!++;
    });
  });
  postings.endDocument();
  return lengths;
}

/** What the index stores of an article for presenting it. */
function storedOf(article: Article): StoredDoc {
  const sections = article.sections;
  return {
    id: article.id,
    title: article.title,
    tag: article.tag,
    products: article.products,
    modified: article.modified,
    bodyStart: sections[0]?.start ?? 0,
    bodyEnd: sections[sections.length - 1]?.end ?? article.text.length,
    text: article.text,
  };
}
