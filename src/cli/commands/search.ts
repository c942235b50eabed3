/** `kbsearch QUERY...` and `kbsearch related ID`: ranked hits with snippets, or JSON. */
import { setFlagsFromString } from "node:v8";
import type { KbIndex } from "../../query/engine.js";
import type { SearchResult } from "../../query/types.js";
import { searchResultJson } from "../../present/json.js";
import { formatResult, styleFor } from "../../present/terminal.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { openIndexForCli, searchOptions, type GlobalOptions } from "../options.js";

export async function runSearch(query: string, options: GlobalOptions): Promise<number> {
  return printResult(options, (index) => index.search(query, searchOptions(options)));
}

export async function runRelated(ref: string, options: GlobalOptions): Promise<number> {
  return printResult(options, (index) => index.related(ref, searchOptions(options)));
}

async function printResult(options: GlobalOptions, run: (index: KbIndex) => SearchResult): Promise<number> {
  // One query per process: V8's optimizing compiler would compile the scorer's and the snippets'
  // loops for a single run of them, on a thread competing for the same cores, and made a
  // one-shot search's own work about twice as long (11 ms against 12-35 ms). The interpreter and
  // baseline code answer sooner. Library users, the batch command and the indexer keep it.
  setFlagsFromString("--no-opt");
  const index = await openIndexForCli(options);
  try {
    const result = run(index);
    process.stdout.write(options.json ? searchResultJson(result) + "\n" : formatResult(result, styleFor(process.stdout)));
    return result.hits.length ? EXIT_FOUND : EXIT_NOTHING_FOUND;
  } finally {
    index.close();
  }
}
