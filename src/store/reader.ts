/**
 * The index reader over a local file: IndexReader (index-reader.ts) reading `dir/kbsearch.idx`
 * with positioned reads and zlib. What Node's search, stats and updates open.
 */
import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { join } from "node:path";
import { KbSearchError } from "../errors.js";
import { FileByteSource } from "./file-source.js";
import { INDEX_FILE } from "./format.js";
import { IndexReader as SourceReader } from "./index-reader.js";
import { nodeCodecs } from "./node-codecs.js";

export type { TermEntry, VerifyReport } from "./index-reader.js";

export class IndexReader extends SourceReader {
  /**
   * Opens `dir/kbsearch.idx`; throws KbSearchError (index-missing, index-corrupt, index-version),
   * whose messages end with `rebuild`, the advice to rebuild the index ("" for none).
   */
  static open(dir: string, rebuild = `run \`kbsearch index SOURCE --index ${dir}\` to rebuild it`): IndexReader {
    const path = join(dir, INDEX_FILE);
    let fd: number;
    try {
      // Non-blocking, so that a FIFO in the index's place cannot hang the open; reads of a regular file ignore it.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      throw openError(err as NodeJS.ErrnoException, dir, path);
    }
    let source: FileByteSource;
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) {
        const what = stats.isDirectory() ? "a folder" : stats.isFIFO() ? "a named pipe (FIFO)" : "not a regular file";
        throw new KbSearchError("index-corrupt", `${path} is ${what}, not an index file: remove it, then run \`kbsearch index SOURCE --index ${dir}\``);
      }
      source = new FileByteSource(fd, path);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    try {
      return new IndexReader(source, nodeCodecs, rebuild);
    } catch (err) {
      source.close();
      throw err;
    }
  }
}

/** Why the index file could not be opened: none there, or a folder or file that cannot be read. */
function openError(err: NodeJS.ErrnoException, dir: string, path: string): KbSearchError {
  switch (err.code) {
    case "ENOENT":
      return new KbSearchError("index-missing", `no index at ${dir}: run \`kbsearch index SOURCE --index ${dir}\` to build one`, { cause: err });
    case "EACCES":
    case "EPERM":
      return new KbSearchError("index-missing", `the index at ${dir} cannot be read (${err.code}: permission denied): check the permissions of ${dir} and ${path}`, { cause: err });
    case "ENOTDIR":
      return new KbSearchError("index-missing", `${dir} is not a folder: give --index the folder holding ${INDEX_FILE}`, { cause: err });
    default:
      return new KbSearchError("index-missing", `the index at ${dir} cannot be opened (${err.code ?? err.message}): check ${path}`, { cause: err });
  }
}
