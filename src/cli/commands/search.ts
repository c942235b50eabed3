/** `kbsearch QUERY...`: ranked hits with snippets, or JSON. */
import { formatResult, styleFor } from "../../present/terminal.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { openIndexForCli, searchOptions, type GlobalOptions } from "../options.js";

export async function runSearch(query: string, options: GlobalOptions): Promise<number> {
  const index = await openIndexForCli(options);
  try {
    const result = index.search(query, searchOptions(options));
    process.stdout.write(options.json ? JSON.stringify(result) + "\n" : formatResult(result, styleFor(process.stdout)));
    return result.hits.length ? EXIT_FOUND : EXIT_NOTHING_FOUND;
  } finally {
    index.close();
  }
}
