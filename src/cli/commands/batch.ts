/**
 * `kbsearch batch FILE`: one query per JSON line in, one ranking per JSON line out, for
 * benchmark and evaluation runs. A bad line gets an error line of its own; the rest go on. A
 * damaged index stops the run with its error (exit 3), as a search does.
 */
import { createReadStream, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { KbSearchError } from "../../errors.js";
import { EXIT_FOUND } from "../exit.js";
import { writeOut } from "../output.js";
import { openIndexForCli, searchOptions, type GlobalOptions } from "../options.js";

/** A longer line is not read (an error line says so): a query is cut far shorter anyway, and a line is held whole in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

export async function runBatch(file: string, options: GlobalOptions): Promise<number> {
  if (file !== "-") checkInputFile(file);
  const index = await openIndexForCli(options);
  const input = file === "-" ? process.stdin : createReadStream(file);
  try {
    let lineNumber = 0;
    for await (const line of boundedLines(input, MAX_LINE_BYTES)) {
      lineNumber++;
      if (line === "") continue;
      let qid: unknown;
      let out: object;
      try {
        if (line === undefined) throw new Error(`longer than ${MAX_LINE_BYTES / (1024 * 1024)} MB, not read`);
        const request: unknown = JSON.parse(line);
        if (typeof request !== "object" || request === null || Array.isArray(request)) throw new Error('not a JSON object {"qid", "query"}');
        const { qid: given, query } = request as { qid?: unknown; query?: unknown };
        qid = given ?? lineNumber;
        if (typeof query !== "string") throw new Error('no "query" string');
        const result = index.search(query, { ...searchOptions(options), explain: false, facets: false });
        out = { qid, ranked: result.hits.map((h) => h.id), took_ms: result.tookMs };
      } catch (err) {
        // The index's own damage is no line's fault: it ends the run as it ends a search.
        if (err instanceof KbSearchError && err.exitCode === 3) throw err;
        out = { qid: qid ?? lineNumber, error: `line ${lineNumber}: ${err instanceof Error ? err.message : String(err)}` };
      }
      await writeOut(JSON.stringify(out) + "\n");
    }
  } finally {
    index.close();
  }
  return EXIT_FOUND;
}

/** A batch file must be there and be read as a stream of lines: a regular file or a pipe, not a folder. */
function checkInputFile(file: string): void {
  let stats;
  try {
    stats = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? "does not exist" : `cannot be read (${code})`;
    throw new KbSearchError("usage", `batch file ${file} ${what} (give a JSON-lines file, or - for standard input)`, { cause: err });
  }
  if (stats.isDirectory()) throw new KbSearchError("usage", `batch file ${file} is a directory (give a JSON-lines file, or - for standard input)`);
}

/**
 * The lines of `input` (UTF-8, LF or CRLF), each undefined when longer than `maxBytes`: such a
 * line's bytes are passed over as they come, never held.
 */
async function* boundedLines(input: Readable, maxBytes: number): AsyncGenerator<string | undefined> {
  let pieces: Buffer[] = [];
  let held = 0;
  let tooLong = false;
  const end = (): string | undefined => {
    const line = tooLong ? undefined : Buffer.concat(pieces, held).toString("utf8").replace(/\r$/, "");
    pieces = [];
    held = 0;
    tooLong = false;
    return line;
  };
  const take = (piece: Buffer) => {
    if (tooLong || piece.length === 0) return;
    held += piece.length;
    if (held > maxBytes) {
      tooLong = true;
      pieces = [];
    } else {
      pieces.push(piece);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let from = 0;
    for (let nl = bytes.indexOf(10, from); nl >= 0; nl = bytes.indexOf(10, from)) {
      take(bytes.subarray(from, nl));
      yield end();
      from = nl + 1;
    }
    // A copy: a stream may reuse its chunk's memory.
    take(Buffer.from(bytes.subarray(from)));
  }
  if (held > 0 || tooLong) yield end();
}
