/**
 * `kbsearch batch FILE`: one query per JSON line in, one ranking per JSON line out, for
 * benchmark and evaluation runs. A bad line gets an error line of its own; the rest go on.
 */
import { createReadStream, existsSync } from "node:fs";
import { KbSearchError } from "../../errors.js";
import { createInterface } from "node:readline";
import { EXIT_FOUND } from "../exit.js";
import { writeOut } from "../output.js";
import { openIndexForCli, searchOptions, type GlobalOptions } from "../options.js";

export async function runBatch(file: string, options: GlobalOptions): Promise<number> {
  if (file !== "-" && !existsSync(file)) throw new KbSearchError("usage", `batch file ${file} does not exist (give a JSON-lines file, or - for standard input)`);
  const index = await openIndexForCli(options);
  const input = file === "-" ? process.stdin : createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === "") continue;
      let qid: unknown;
      let out: object;
      try {
        const request = JSON.parse(line) as { qid?: unknown; query?: unknown };
        qid = request.qid ?? lineNumber;
        if (typeof request.query !== "string") throw new Error('no "query" string');
        const result = index.search(request.query, { ...searchOptions(options), explain: false, facets: false });
        out = { qid, ranked: result.hits.map((h) => h.id), took_ms: result.tookMs };
      } catch (err) {
        out = { qid: qid ?? lineNumber, error: `line ${lineNumber}: ${err instanceof Error ? err.message : String(err)}` };
      }
      await writeOut(JSON.stringify(out) + "\n");
    }
  } finally {
    index.close();
  }
  return EXIT_FOUND;
}
