/** `kbsearch QUERY...` and `kbsearch related ID`: ranked hits with snippets, or JSON. */
import type { KbIndex } from "../../query/engine.js";
import type { SearchResult } from "../../query/types.js";
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
  const index = await openIndexForCli(options);
  try {
    const result = run(index);
    process.stdout.write(options.json ? JSON.stringify(result) + "\n" : formatResult(result, styleFor(process.stdout)));
    return result.hits.length ? EXIT_FOUND : EXIT_NOTHING_FOUND;
  } finally {
    index.close();
  }
}
