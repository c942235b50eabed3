/**
 * Smaller archives for the scaling figures: the first N articles of the real tarball, written as
 * .tar.gz files of the same layout, so that every size is read the same way as the whole archive.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip, type Gzip } from "node:zlib";
import { isArticlePath } from "../src/read/source.js";
import { readTar } from "../src/read/tar.js";

const BLOCK = 512;

/** A ustar header for a regular file (paths in the archive are far shorter than ustar's 100 bytes). */
function tarHeader(path: string, size: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(path) > 100) throw new Error(`tar path longer than 100 bytes: ${path}`);
  header.write(path, 0);
  header.write("0000644\0", 100); // mode
  header.write("0000000\0", 108); // uid
  header.write("0000000\0", 116); // gid
  header.write(size.toString(8).padStart(11, "0") + "\0", 124);
  header.write("00000000000\0", 136); // mtime
  header.write(" ".repeat(8), 148); // checksum counts as spaces while it is computed
  header.write("0", 156); // regular file
  header.write("ustar\0" + "00", 257);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(checksum.toString(8).padStart(6, "0") + "\0 ", 148);
  return header;
}

async function write(out: Gzip, data: Buffer): Promise<void> {
  if (!out.write(data)) await once(out, "drain");
}

/**
 * Writes, for each entry of `targets` (path -> article count) not yet on disk, a tarball of the
 * first that many articles of `source`, in one pass over it.
 */
export async function writeSubArchives(source: string, targets: Map<string, number>): Promise<void> {
  const missing = [...targets].filter(([path]) => !existsSync(path));
  if (missing.length === 0) return;
  const outputs = missing.map(([path, count]) => {
    mkdirSync(dirname(path), { recursive: true });
    const gzip = createGzip();
    const done = pipeline(gzip, createWriteStream(`${path}.tmp`));
    return { path, count, gzip, done, written: 0 };
  });
  const most = Math.max(...outputs.map((o) => o.count));
  let read = 0;
  const input = createReadStream(source);
  for await (const entry of readTar(input.pipe(createGunzip()))) {
    if (entry.type !== "file" || !isArticlePath(entry.path)) continue;
    const padding = Buffer.alloc((BLOCK - (entry.data.length % BLOCK)) % BLOCK);
    for (const out of outputs.filter((o) => o.written < o.count)) {
      await write(out.gzip, tarHeader(entry.path, entry.data.length));
      await write(out.gzip, entry.data);
      await write(out.gzip, padding);
      out.written++;
    }
    if (++read >= most) break;
  }
  input.destroy(); // the rest of the archive is not needed
  for (const out of outputs) {
    out.gzip.end(Buffer.alloc(2 * BLOCK)); // the end-of-archive marker
    await out.done;
    renameSync(`${out.path}.tmp`, out.path);
  }
}
