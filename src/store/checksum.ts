/**
 * Checksums of the index's data region (everything after the header): one CRC-32 per fixed-size
 * chunk, so a reader verifies just the chunks a query reads and a full check reads them all.
 */
import { crc32 } from "node:zlib";

/** Small enough that a query's few reads verify little beyond what they need (about 17 KB of checksums for the whole archive). */
export const CHUNK_BYTES = 16 * 1024;

/** Computes the chunk checksums of a byte stream handed over in pieces of any size. */
export class ChunkChecksums {
  private readonly crcs: number[] = [];
  private crc = 0;
  private filled = 0;

  update(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const take = Math.min(CHUNK_BYTES - this.filled, bytes.length - done);
      this.crc = crc32(bytes.subarray(done, done + take), this.crc);
      this.filled += take;
      done += take;
      if (this.filled === CHUNK_BYTES) this.endChunk();
    }
  }

  /** The checksums, u32 little-endian, the last chunk possibly short. */
  finish(): Uint8Array {
    if (this.filled > 0) this.endChunk();
    const table = Buffer.alloc(this.crcs.length * 4);
    this.crcs.forEach((crc, i) => table.writeUInt32LE(crc, i * 4));
    return table;
  }

  private endChunk(): void {
    this.crcs.push(this.crc);
    this.crc = 0;
    this.filled = 0;
  }
}

/** How many chunks `bytes` of data make. */
export function chunkCount(bytes: number): number {
  return Math.ceil(bytes / CHUNK_BYTES);
}

/** Index of the first chunk in `span` (read from a chunk boundary) whose checksum differs from `table`, or -1. */
export function firstBadChunk(span: Uint8Array, firstChunk: number, table: Uint8Array): number {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  for (let start = 0, chunk = firstChunk; start < span.length; start += CHUNK_BYTES, chunk++) {
    if (crc32(span.subarray(start, start + CHUNK_BYTES)) !== view.getUint32(chunk * 4, true)) return chunk;
  }
  return -1;
}
