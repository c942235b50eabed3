/**
 * The index a server answers from, kept current: a build publishes a new index by renaming a new
 * file over the old one (store/writer.ts), so the file's identity (inode, size, mtime) tells when
 * it changed. `current()` checks it (one stat, a few microseconds) and opens the new file when it
 * did; the old one is closed at once, since no search outlives the synchronous call that runs it.
 * An index that cannot be opened leaves the last good one answering and is retried a little later.
 */
import { statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { KbIndex } from "../query/engine.js";
import { INDEX_FILE } from "../store/format.js";

/** How long a file that failed to open is left alone before trying it again. */
const RETRY_MS = 1000;

export interface OpenedIndex {
  index: KbIndex;
  /** The header's checksum: it names this index's content (ETags are made of it). */
  checksum: string;
  /** Counts the opens, so a caller can tell a reopened index from the one it saw before. */
  generation: number;
}

type FileIdentity = string;

function identityOf(stats: Stats): FileIdentity {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

export class LiveIndex {
  private opened: OpenedIndex;
  private identity: FileIdentity;
  private failed: { identity: FileIdentity; at: number } | undefined;
  private readonly path: string;
  private readonly listeners: ((opened: OpenedIndex) => void)[] = [];

  /** Opens the index in `dir`; throws KbSearchError as KbIndex.open does when there is none to open. */
  constructor(
    readonly dir: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.path = join(dir, INDEX_FILE);
    // The identity first: a file renamed into place between the stat and the open is seen as a change next time.
    this.identity = this.stat() ?? "";
    const index = KbIndex.open(dir);
    this.opened = { index, checksum: index.stats().checksum, generation: 1 };
  }

  /** The index to answer a request from: the one open, or the file now in its place when that changed. */
  current(): OpenedIndex {
    const identity = this.stat();
    // A missing file (deleted, or between a build's steps) leaves the open one answering.
    if (identity === undefined || identity === this.identity) return this.opened;
    if (this.failed?.identity === identity && Date.now() - this.failed.at < RETRY_MS) return this.opened;
    try {
      const index = KbIndex.open(this.dir);
      const previous = this.opened;
      this.opened = { index, checksum: index.stats().checksum, generation: previous.generation + 1 };
      this.identity = identity;
      this.failed = undefined;
      previous.index.close();
      this.log(`reopened ${this.path} (checksum ${this.opened.checksum}, ${index.stats().header.docCount} articles)`);
      for (const listener of this.listeners) listener(this.opened);
    } catch (err) {
      if (this.failed?.identity !== identity) this.log(`kept the index open before: ${this.path} could not be opened (${err instanceof Error ? err.message : String(err)})`);
      this.failed = { identity, at: Date.now() };
    }
    return this.opened;
  }

  /** Calls `listener` with each index opened after this one (the title suggestions rebuild on it). */
  onReopen(listener: (opened: OpenedIndex) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.opened.index.close();
  }

  private stat(): FileIdentity | undefined {
    try {
      return identityOf(statSync(this.path));
    } catch {
      return undefined;
    }
  }
}
