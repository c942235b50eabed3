/**
 * Answers already made, kept by their request: a search or related list asked again (the same
 * query from another reader, the page's back button, a page of more results re-asked) is sent
 * from memory instead of searched again, compressed once per encoding. Bounded by bytes, least
 * recently used dropped; emptied when the index is reopened, and keyed on its checksum besides,
 * so an answer never outlives the index it was made from. Each server process keeps its own.
 */
import { LruCache } from "../store/lru.js";
import type { Encoding } from "./respond.js";

/** Megabytes of answers kept when `--cache-mb` is not given: some ten thousand searches of 10 hits. */
export const DEFAULT_CACHE_MB = 32;

/** One answer: its JSON and, once a client has asked for them, its compressed forms. */
export interface CachedAnswer {
  data: Buffer;
  compressed: Partial<Record<Exclude<Encoding, "identity">, Buffer>>;
}

export class AnswerCache {
  private entries: LruCache<string, CachedAnswer>;
  hits = 0;
  misses = 0;

  /** Keeps at most `bytes` of answers; 0 keeps none. */
  constructor(private readonly bytes: number) {
    this.entries = this.empty();
  }

  /**
   * The answer to `request` (its path and parameters as sent) over the index with `checksum`,
   * made by `make` when not kept. A compressed form counts as much as the JSON itself, its
   * likely most (compression only shrinks what is worth it).
   */
  get(checksum: string, request: string, make: () => string): CachedAnswer {
    if (this.bytes === 0) return { data: Buffer.from(make()), compressed: {} };
    const key = `${checksum} ${request}`;
    const kept = this.entries.has(key);
    if (kept) this.hits++;
    else this.misses++;
    return this.entries.get(key, () => ({ data: Buffer.from(make()), compressed: {} }));
  }

  /** Drops every answer (the index was reopened). */
  clear(): void {
    this.entries = this.empty();
  }

  private empty(): LruCache<string, CachedAnswer> {
    return new LruCache(this.bytes, (answer) => 2 * answer.data.length + 200);
  }
}
