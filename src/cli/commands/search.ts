/** `kbsearch QUERY...` and `kbsearch related ID`: ranked hits with snippets, or JSON. */
import { setFlagsFromString } from "node:v8";
import { KbSearchError } from "../../errors.js";
import type { KbIndex } from "../../query/engine.js";
import { articleNumberIn } from "../../query/parse.js";
import { checkSearchOptions } from "../../query/search-options.js";
import type { SearchResult } from "../../query/types.js";
import { searchResultJson } from "../../present/json.js";
import { formatResult, styleFor } from "../../present/terminal.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { writeOut } from "../output.js";
import { openIndexForCli, searchOptions, type GlobalOptions } from "../options.js";

export async function runSearch(query: string, options: GlobalOptions): Promise<number> {
  return printResult(options, (index) => index.search(query, searchOptions(options)));
}

export async function runRelated(ref: string, options: GlobalOptions): Promise<number> {
  if (articleNumberIn(ref) === undefined) throw new KbSearchError("usage", `related needs an article number (Q149387, 149387 or KB149387), not "${ref}"`);
  return printResult(options, (index) => index.related(ref, searchOptions(options)));
}

async function printResult(options: GlobalOptions, run: (index: KbIndex) => SearchResult): Promise<number> {
  // One query per process: V8's optimizing compiler would compile the scorer's and the snippets'
  // loops for a single run of them, on a thread competing for the same cores, and made a
  // one-shot search's own work about twice as long (11 ms against 12-35 ms). The interpreter and
  // baseline code answer sooner. Library users, the batch command and the indexer keep it.
  setFlagsFromString("--no-opt");
  // A bad option is a usage error before any work, the index's first build included.
  checkSearchOptions(searchOptions(options));
  const index = await openIndexForCli(options);
  try {
    const result = run(index);
    await writeOut(options.json ? searchResultJson(result) + "\n" : formatResult(result, styleFor(process.stdout, options.color)));
    // `-n 0` asks only how many match: found when any do.
    const found = options.limit === 0 ? result.total > 0 : result.hits.length > 0;
    return found ? EXIT_FOUND : EXIT_NOTHING_FOUND;
  } finally {
    index.close();
  }
}
