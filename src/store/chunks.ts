/**
 * The data region's checksums as a reader checks them: one CRC-32 per fixed-size chunk, so a
 * reader verifies just the chunks a query reads and a full check reads them all. The writer's
 * side is checksum.ts.
 */

/** Small enough that a query's few reads verify little beyond what they need (about 17 KB of checksums for the whole archive). */
export const CHUNK_BYTES = 16 * 1024;

/** How many chunks `bytes` of data make. */
export function chunkCount(bytes: number): number {
  return Math.ceil(bytes / CHUNK_BYTES);
}

/** Index of the first chunk in `span` (read from a chunk boundary) whose checksum differs from `table`, or -1. */
export function firstBadChunk(span: Uint8Array, firstChunk: number, table: Uint8Array, crc32: (bytes: Uint8Array) => number): number {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  for (let start = 0, chunk = firstChunk; start < span.length; start += CHUNK_BYTES, chunk++) {
    if (crc32(span.subarray(start, start + CHUNK_BYTES)) !== view.getUint32(chunk * 4, true)) return chunk;
  }
  return -1;
}
