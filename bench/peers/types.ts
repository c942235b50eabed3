/**
 * The one interface the benchmark runners see for every engine, kbsearch included, so the speed
 * and relevance runners treat them all alike: build an index in a fresh process, open it, search it,
 * and answer a one-shot query from a fresh process.
 */

/** One article as every peer indexes it: the project's own reader and parser decide the text. */
export interface CorpusArticle {
  /** `Q149387`. */
  id: string;
  title: string;
  /** The article as printed (header lines, sections, query words, footer). */
  body: string;
  /** Bytes of the article's file in the archive. */
  bytes: number;
}

/** A program to run: `file` with `args` (for Node scripts, `file` is process.execPath). */
export interface Command {
  file: string;
  args: string[];
}

export interface Hit {
  id: string;
  title: string;
  /** Text around the match, for engines that keep the text. */
  snippet?: string;
}

export interface OpenedIndex {
  search(query: string, k: number): Hit[];
  close(): void;
}

export interface Engine {
  /** Short name for the command line (`--skip sqlite`) and cache folders. */
  readonly key: string;
  /** Name in tables. */
  readonly name: string;
  /** False for an engine that keeps no index (grep reads every file per query). */
  readonly hasIndex: boolean;
  /** The most dev queries to time warm, for engines whose every query reads the whole corpus. */
  readonly warmQueryLimit?: number;
  /** Why the engine cannot run on this machine, or undefined when it can. */
  unavailable(): string | undefined;
  /** The command that builds the index of `source` (a tarball or folder) into `dir` in a fresh process. */
  buildCommand(source: string, dir: string): Command;
  /** Whether `dir` holds a complete index. */
  isBuilt(dir: string): boolean;
  open(dir: string): OpenedIndex;
  /** A fresh process that opens the index, searches `query` and prints 10 hits. */
  oneShotCommand(dir: string, query: string): Command;
}

/** A peer fed by the shared corpus reader (see articles.ts and build.ts). */
export interface Peer extends Engine {
  build(articles: AsyncIterable<CorpusArticle>, dir: string): Promise<void>;
}
