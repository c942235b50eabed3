/** `kbsearch show ID [--query Q]`: an article's text as the archive prints it, paged on a terminal. */
import { KbSearchError } from "../../errors.js";
import { highlightSpans } from "../../present/snippet.js";
import { articleNumberIn } from "../../query/parse.js";
import { storedDocJson } from "../../present/json.js";
import { formatArticle } from "../../present/terminal.js";
import { page } from "../pager.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { writeOut } from "../output.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export interface ShowOptions extends GlobalOptions {
  /** Highlight the words this query searches for. */
  query?: string;
}

export async function runShow(ref: string, options: ShowOptions): Promise<number> {
  const number = articleNumberIn(ref);
  if (number === undefined) throw new KbSearchError("usage", `show needs an article number (Q149387, 149387 or KB149387), not "${ref}"`);
  const index = await openIndexForCli(options);
  try {
    const doc = index.get(ref);
    if (!doc) {
      process.stderr.write(`kbsearch: no article Q${number} in the index (kbsearch Q${number} lists the articles citing it)\n`);
      return EXIT_NOTHING_FOUND;
    }
    if (options.json) {
      await writeOut(storedDocJson(doc) + "\n");
      return EXIT_FOUND;
    }
    // The query's terms as a search finds them (spellings and abbreviations included).
    const terms = options.query ? index.search(options.query, { limit: 0 }).terms : [];
    const spans = highlightSpans(doc.text, terms);
    await page((style) => formatArticle(doc, spans, style), { color: options.color, pager: options.pager });
    return EXIT_FOUND;
  } finally {
    index.close();
  }
}
