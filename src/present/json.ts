/**
 * The JSON kbsearch prints and serves: `kbsearch --json` and `kbsearch serve` write the same
 * records from this one place (the schema is in the README, "JSON output").
 */
import type { IndexStats } from "../query/engine.js";
import type { SearchResult } from "../query/types.js";
import type { IndexHeader, StoredDoc } from "../store/format.js";

/** A search or related result: the `SearchResult` as it is. */
export function searchResultJson(result: SearchResult): string {
  return JSON.stringify(result);
}

/** A stored article (`kbsearch show --json`). */
export function storedDocJson(doc: StoredDoc): string {
  return JSON.stringify(doc);
}

/** What an index holds, as `kbsearch stats --json` and `GET /api/stats` give it (the CLI adds the file's path). */
export type StatsRecord = { bytes: number; checksum: string } & IndexHeader;

export function statsRecord(stats: IndexStats): StatsRecord {
  return { bytes: stats.bytes, checksum: stats.checksum, ...stats.header };
}
