/**
 * Streaming tar reader: ustar, pax and GNU headers, read from a stream of chunks without ever
 * extracting to disk or holding more than the current entry in memory.
 *
 * Every entry the archive describes is yielded once: regular files as "file" with their bytes (or
 * as "oversized", unread, when larger than the caller's limit), everything else (directories,
 * links, devices, vendor types) as "other" with empty data.
 * Metadata headers (pax `x`/`g`, GNU `L`/`K`) are consumed, never yielded; pax global headers are
 * ignored (GitHub's only carries the commit id).
 */

export interface TarEntry {
  /** Path inside the archive, as stored (pax `path` > GNU long name > ustar prefix/name). */
  path: string;
  type: "file" | "other" | "oversized";
  /** Size in bytes, as the header gives it. */
  size: number;
  /** The file's bytes (empty for "other" and "oversized"). May share memory with the input chunks. */
  data: Buffer;
}

/** The archive is malformed or ends early. */
export class TarError extends Error {
  override name = "TarError";
}

const BLOCK = 512;
const EMPTY = Buffer.alloc(0);
/** Limit on pax/GNU metadata held in memory, so a corrupt size cannot exhaust it. */
const MAX_META = 1 << 20;

/** Unread input as a list of chunks and a read position, so bytes are copied at most once. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  private offset = 0;
  /** Unread bytes. */
  length = 0;
  /** Bytes consumed since the start of the stream. */
  consumed = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Removes and returns the next n bytes (n <= length); copies only when they span chunks. */
  take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const k = Math.min(n - filled, chunk.length - this.offset);
      chunk.copy(out, filled, this.offset, this.offset + k);
      filled += k;
      this.advance(k);
    }
    return out;
  }

  /** Drops the next n bytes (n <= length). */
  skip(n: number): void {
    while (n > 0) {
      const k = Math.min(n, this.chunks[this.head]!.length - this.offset);
      this.advance(k);
      n -= k;
    }
  }

  private advance(k: number): void {
    this.offset += k;
    this.length -= k;
    this.consumed += k;
    if (this.offset < this.chunks[this.head]!.length) return;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Yields the entries of a tar stream in archive order; throws TarError on a corrupt or short archive.
 * Files over `maxFileBytes` are skipped over without being held in memory.
 */
export async function* readTar(chunks: AsyncIterable<Buffer>, maxFileBytes = Infinity): AsyncGenerator<TarEntry> {
  const input = chunks[Symbol.asyncIterator]();
  const queue = new ChunkQueue();
  let exhausted = false;
  const fill = async (n: number): Promise<boolean> => {
    while (queue.length < n) {
      const next = await input.next();
      if (next.done) {
        exhausted = true;
        return false;
      }
      queue.push(next.value);
    }
    return true;
  };
  // Skips n bytes without buffering them all (for large entries nobody reads).
  const discard = async (n: number): Promise<boolean> => {
    while (n > 0) {
      if (queue.length === 0 && !(await fill(1))) return false;
      const k = Math.min(n, queue.length);
      queue.skip(k);
      n -= k;
    }
    return true;
  };

  let lastPath: string | undefined;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  const after = () => (lastPath === undefined ? "at its start" : `after ${lastPath}`);

  try {
    for (;;) {
      if (!(await fill(BLOCK))) {
        if (queue.consumed === 0 && queue.length === 0) throw new TarError("not a tar archive: the stream is empty");
        const where = queue.length > 0 ? "inside a header" : "without its end-of-archive blocks";
        throw new TarError(`tar archive is truncated: it ends ${where} ${after()}`);
      }
      const headerAt = queue.consumed;
      const header = queue.take(BLOCK);
      if (isZeroBlock(header)) {
        // End of archive: drain the rest (record padding) so the source sees its whole stream,
        // e.g. gunzip gets to check its trailer.
        while (!exhausted && !(await input.next()).done);
        exhausted = true;
        return;
      }
      if (!checksumOk(header)) throw new TarError(`not a tar archive or corrupt at byte ${headerAt}`);

      const typeflag = String.fromCharCode(header[156]!);
      const paxSize = pax.get("size");
      const size = paxSize !== undefined ? Number(paxSize) : parseNumber(header, 124, 12);
      if (!Number.isSafeInteger(size) || size < 0) throw new TarError(`corrupt tar header at byte ${headerAt}: bad size`);
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;

      if (typeflag === "x" || typeflag === "X" || typeflag === "L") {
        if (size > MAX_META) throw new TarError(`corrupt tar header at byte ${headerAt}: ${size}-byte metadata`);
        if (!(await fill(size + padding))) throw new TarError(`tar archive is truncated: it ends inside metadata ${after()}`);
        const data = queue.take(size);
        queue.skip(padding);
        if (typeflag === "L") longName = cString(data, 0, data.length);
        else {
          // An empty pax value removes the keyword again.
          for (const [key, value] of parsePax(data, headerAt)) {
            if (value === "") pax.delete(key);
            else pax.set(key, value);
          }
        }
        continue;
      }
      if (typeflag === "g" || typeflag === "K") {
        if (!(await discard(size + padding))) throw new TarError(`tar archive is truncated: it ends inside metadata ${after()}`);
        continue;
      }

      const path = pax.get("path") ?? longName ?? ustarPath(header);
      pax = new Map();
      longName = undefined;
      lastPath = path;
      // POSIX: links, devices, directories and FIFOs carry no data blocks whatever their size says.
      if ("123456".includes(typeflag)) {
        yield { path, type: "other", size, data: EMPTY };
        continue;
      }
      // "\0" is the pre-POSIX regular file; a trailing slash is its way of marking a directory.
      const isFile = (typeflag === "0" || typeflag === "\0" || typeflag === "7") && !path.endsWith("/");
      if (!isFile || size > maxFileBytes) {
        if (!(await discard(size + padding))) throw new TarError(`tar archive is truncated: it ends inside ${path}`);
        yield { path, type: isFile ? "oversized" : "other", size, data: EMPTY };
        continue;
      }
      if (!(await fill(size + padding))) {
        throw new TarError(`tar archive is truncated: it ends inside ${path} (${Math.min(queue.length, size)} of ${size} bytes)`);
      }
      const data = queue.take(size);
      queue.skip(padding);
      yield { path, type: "file", size, data };
    }
  } finally {
    // Early exit (consumer stopped, or an error): release the source, e.g. close a download.
    if (!exhausted) await input.return?.();
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** The header checksum, with the checksum field counted as spaces; some old tars summed signed bytes. */
function checksumOk(header: Buffer): boolean {
  const stored = parseNumber(header, 148, 8);
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += header[i]!;
  for (let i = 156; i < BLOCK; i++) sum += header[i]!;
  if (sum === stored) return true;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) signed += (header[i]! << 24) >> 24;
  return signed === stored;
}

/** A numeric field: octal text, or GNU base-256 when the high bit is set. NaN when malformed. */
function parseNumber(header: Buffer, offset: number, length: number): number {
  const end = offset + length;
  if (header[offset]! & 0x80) {
    if (header[offset] === 0xff) return NaN; // negative
    let value = header[offset]! & 0x7f;
    for (let i = offset + 1; i < end; i++) value = value * 256 + header[i]!;
    return value;
  }
  let i = offset;
  while (i < end && (header[i] === 0x20 || header[i] === 0)) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = header[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return NaN;
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** A NUL-terminated UTF-8 string field. */
function cString(buffer: Buffer, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && buffer[end] !== 0) end++;
  return buffer.toString("utf8", offset, end);
}

/** name, joined to the prefix field in POSIX ustar (GNU's older format uses those bytes for times). */
function ustarPath(header: Buffer): string {
  const name = cString(header, 0, 100);
  if (header.toString("latin1", 257, 263) !== "ustar\0") return name;
  const prefix = cString(header, 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}

/** pax records: `<length> <key>=<value>\n`, length counting the whole record in bytes. */
function parsePax(data: Buffer, headerAt: number): Map<string, string> {
  const records = new Map<string, string>();
  let i = 0;
  while (i < data.length && data[i] !== 0) {
    const space = data.indexOf(0x20, i);
    const length = space < 0 ? NaN : Number(data.toString("latin1", i, space));
    if (!Number.isInteger(length) || length <= 0 || i + length > data.length || data[i + length - 1] !== 0x0a) {
      throw new TarError(`corrupt pax header at byte ${headerAt}`);
    }
    const record = data.toString("utf8", space + 1, i + length - 1);
    const eq = record.indexOf("=");
    if (eq < 0) throw new TarError(`corrupt pax header at byte ${headerAt}`);
    records.set(record.slice(0, eq), record.slice(eq + 1));
    i += length;
  }
  return records;
}
