/** An index file on disk as a byte source: every read a synchronous positioned read. */
import { closeSync, fstatSync, readSync } from "node:fs";
import type { ByteSource } from "./byte-source.js";

export class FileByteSource implements ByteSource {
  readonly size: number;

  /** `fd` is an open file the source now owns (close() closes it). */
  constructor(private readonly fd: number, readonly name: string) {
    this.size = fstatSync(fd).size;
  }

  /** Fewer bytes than asked for when the file ends first (the reader reports it truncated). */
  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) return buf.subarray(0, done);
      done += n;
    }
    return buf;
  }

  close(): void {
    closeSync(this.fd);
  }
}
