/**
 * Checksums of the index's data region (everything after the header): one CRC-32 per fixed-size
 * chunk, so a reader verifies just the chunks a query reads and a full check reads them all.
 */
import { crc32 } from "node:zlib";
import { CHUNK_BYTES } from "./chunks.js";

export { CHUNK_BYTES, chunkCount } from "./chunks.js";

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
