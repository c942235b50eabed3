/**
 * The index reader over a local file: IndexReader (index-reader.ts) reading `dir/kbsearch.idx`
 * with positioned reads and zlib. What Node's search, stats and updates open.
 */
import { openSync } from "node:fs";
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
      fd = openSync(path, "r");
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "" : ` (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`;
      throw new KbSearchError("index-missing", `no index at ${dir}${why}: run \`kbsearch index SOURCE --index ${dir}\` to build one`, { cause: err });
    }
    const source = new FileByteSource(fd, path);
    try {
      return new IndexReader(source, nodeCodecs, rebuild);
    } catch (err) {
      source.close();
      throw err;
    }
  }
}
