/**
 * A build's temporary files beside the index. What a build would otherwise hold in memory until
 * the index is written (the compressed stored blocks, postings spilled in runs) is appended to one,
 * then read back once, in order, as the index file is written. They are named after the index's
 * own temporary file (`kbsearch.idx.tmp-PID.NAME`), so a killed build's are removed with it by the
 * next build (removeTemporaryFiles); a build removes its own when it ends, failed or not.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { KbSearchError } from "../errors.js";
import { INDEX_FILE } from "./format.js";

/** Temporary files are named `kbsearch.idx.tmp-PID` (the index being written) and `kbsearch.idx.tmp-PID.NAME`. */
export const TEMP_INFIX = ".tmp-";
/** Writes and reads go through a buffer of this size: few system calls for many small lists. */
const BUFFER_BYTES = 256 * 1024;

/** The path of this process's temporary file `name` in `dir` (none: the index file being written). */
export function temporaryPath(dir: string, name?: string): string {
  return join(dir, `${INDEX_FILE}${TEMP_INFIX}${process.pid}${name ? `.${name}` : ""}`);
}

/** The error a failed write of the index (or of a temporary file for it) gives: a full disk, say. */
export function writeFailure(dir: string, err: unknown): KbSearchError {
  const code = (err as NodeJS.ErrnoException).code;
  const advice = code === "ENOSPC" || code === "EDQUOT" ? "free some disk space and build again" : "check the folder and build again";
  return new KbSearchError("build", `could not write the index in ${dir} (${(err as Error).message}); the index there before is unchanged: ${advice}`, { cause: err });
}

/** A file written by appending, then read back from any offset, in order. */
export class TempFile {
  private fd: number | undefined;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  /** Bytes appended so far. */
  length = 0;

  constructor(private readonly dir: string, private readonly path: string) {
    try {
      mkdirSync(dir, { recursive: true });
      this.fd = openSync(path, "w+");
    } catch (err) {
      throw writeFailure(dir, err);
    }
  }

  append(bytes: Uint8Array): void {
    if (this.buffered + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) this.writeAt(bytes, this.length);
    else {
      this.buffer.set(bytes, this.buffered);
      this.buffered += bytes.length;
    }
    this.length += bytes.length;
  }

  /** A reader of the bytes from `offset` on, in order. */
  reader(offset: number): SequentialReader {
    this.flush();
    return new SequentialReader(this.fd!, offset);
  }

  /** Closes and deletes the file (done or failed: it is never part of the index). */
  remove(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.buffered === 0) return;
    this.writeAt(this.buffer.subarray(0, this.buffered), this.length - this.buffered);
    this.buffered = 0;
  }

  private writeAt(bytes: Uint8Array, position: number): void {
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd!, bytes, done, bytes.length - done, position + done);
    } catch (err) {
      throw writeFailure(this.dir, err);
    }
  }
}

/** Reads a file from an offset on, in order, through a buffer of its own. */
export class SequentialReader {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private start = 0;
  private end = 0;

  constructor(private readonly fd: number, private position: number) {}

  /** Hands the next `length` bytes to `take`, in pieces (views valid only during the call). */
  pipe(length: number, take: (bytes: Uint8Array) => void): void {
    while (length > 0) {
      if (this.start === this.end) this.fill();
      const n = Math.min(length, this.end - this.start);
      take(this.buffer.subarray(this.start, this.start + n));
      this.start += n;
      length -= n;
    }
  }

  /** The next `length` bytes, as an array of their own. */
  read(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let at = 0;
    this.pipe(length, (bytes) => {
      out.set(bytes, at);
      at += bytes.length;
    });
    return out;
  }

  private fill(): void {
    const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.position);
    if (n === 0) throw new Error("a build's temporary file ended early");
    this.position += n;
    this.start = 0;
    this.end = n;
  }
}
