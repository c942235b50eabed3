/**
 * How well the postings' field code table (src/store/field-codes.ts) fits an index: over every
 * posting that is not simple, the share its codes name, and the bytes the per-field frequencies
 * take as codes and escapes, beside a field mask and varint tfs (format 6) and beside a table of
 * the index's own commonest tuples (what a table generated from the archive would give).
 * Usage: npm run build && node dist/bench/field-codes.js [INDEX_DIR] (defaults to bench/.cache/index).
 */
import { ESCAPE, fieldCode } from "../src/store/field-codes.js";
import { FIELD, FIELD_COUNT } from "../src/store/format.js";
import { DecodedPostings } from "../src/store/postings.js";
import { IndexReader } from "../src/store/reader.js";
import { benchIndexDir } from "./shared.js";

/** Codes a one-byte table has room for beside the escape. */
const TABLE_ROOM = ESCAPE;

const varintBytes = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : 3);

/** Bytes of a field mask and a varint tf per field in it. */
function maskBytes(tuple: number[]): number {
  return tuple.reduce((sum, tf) => sum + (tf ? varintBytes(tf) : 0), 1);
}

/** Each tuple of per-field frequencies (comma-joined) of the postings in `dir` that are not simple, and how many postings have it. */
function countTuples(dir: string): Map<string, number> {
  const reader = IndexReader.open(dir);
  const decoded = new DecodedPostings();
  const counts = new Map<string, number>();
  try {
    for (const entry of reader.allTerms()) {
      const { tfs, count } = decoded.decode(reader.postings(entry));
      for (let i = 0; i < count; i++) {
        const tuple = tfs.subarray(i * FIELD_COUNT, (i + 1) * FIELD_COUNT);
        if (tuple[FIELD.body] === 1 && tuple.reduce((sum, tf) => sum + tf, 0) === 1) continue;
        const key = tuple.join(",");
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  } finally {
    reader.close();
  }
  return counts;
}

function report(name: string, counts: Map<string, number>, coded: (tuple: number[], key: string) => boolean, total: number): void {
  let named = 0;
  let bytes = 0;
  for (const [key, n] of counts) {
    const tuple = key.split(",").map(Number);
    if (coded(tuple, key)) named += n;
    bytes += n * (coded(tuple, key) ? 1 : 1 + maskBytes(tuple));
  }
  process.stdout.write(`${name}: names ${((100 * named) / total).toFixed(1)}% of them, ${(bytes / 1e6).toFixed(2)} MB\n`);
}

const dir = process.argv[2] ?? benchIndexDir;
const counts = countTuples(dir);
const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
const maskTotal = [...counts].reduce((sum, [key, n]) => sum + n * maskBytes(key.split(",").map(Number)), 0);
process.stdout.write(`${dir}: ${total.toLocaleString("en")} postings not simple, ${counts.size.toLocaleString("en")} distinct tuples of field frequencies\n`);
process.stdout.write(`field mask and varint tfs: ${(maskTotal / 1e6).toFixed(2)} MB\n`);
report("the field code table", counts, (tuple) => fieldCode(tuple, 0) !== ESCAPE, total);
const commonest = new Set([...counts].sort((a, b) => b[1] - a[1]).slice(0, TABLE_ROOM).map(([key]) => key));
report(`the index's ${TABLE_ROOM} commonest tuples`, counts, (_, key) => commonest.has(key), total);
