/**
 * Where an index's bytes come from: the seam between the one search engine and the ways of reading
 * an index. In Node a local file answers every read at once (file-source.ts); in a browser the
 * bytes come over HTTP (src/web/range-source.ts), so a read of bytes not yet fetched throws
 * BytesNotHere naming them, the caller fetches them and runs the query again. Reads stay
 * synchronous, so the engine is the same code in both and the local path pays nothing for the seam.
 */

/** A byte range of the index file. */
export interface ByteRange {
  position: number;
  length: number;
}

export interface ByteSource {
  /** What to call the index in messages: a path or a URL. */
  readonly name: string;
  /** The index file's length in bytes. */
  readonly size: number;
  /** The bytes at [position, position + length); throws BytesNotHere when they are not at hand. */
  read(position: number, length: number): Uint8Array;
  /**
   * Says which ranges a step of a query is about to read, so that a source fetching them can fetch
   * them all at once (one round trip for a query's postings, not one per word): it throws
   * BytesNotHere naming those it lacks. A local file has none, and the reader then spares working
   * the ranges out.
   */
  willRead?(ranges: readonly ByteRange[]): void;
  close(): void;
}

/**
 * Thrown by a source lacking bytes a read needs (or `extra`, a file of its own the reader's codecs
 * asked for, named by its path in the site): a search that meets it fetches them and runs again.
 */
export class BytesNotHere extends Error {
  constructor(readonly ranges: readonly ByteRange[], readonly files: readonly string[] = []) {
    super(`bytes not fetched yet: ${ranges.map((r) => `${r.position}+${r.length}`).join(", ")}${files.length ? ` ${files.join(", ")}` : ""}`);
    this.name = "BytesNotHere";
  }
}
