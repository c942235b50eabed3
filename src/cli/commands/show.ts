/** `kbsearch show ID [--query Q]`: an article's text as the archive prints it, paged on a terminal. */
import { spawn } from "node:child_process";
import { highlightSpans } from "../../present/snippet.js";
import { storedDocJson } from "../../present/json.js";
import { formatArticle, styleFor } from "../../present/terminal.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export interface ShowOptions extends GlobalOptions {
  /** Highlight the words this query searches for. */
  query?: string;
}

export async function runShow(ref: string, options: ShowOptions): Promise<number> {
  const index = await openIndexForCli(options);
  try {
    const doc = index.get(ref);
    if (!doc) {
      process.stderr.write(`kbsearch: no article ${ref} in the index (kbsearch "${ref}" finds the articles citing it)\n`);
      return EXIT_NOTHING_FOUND;
    }
    if (options.json) {
      process.stdout.write(storedDocJson(doc) + "\n");
      return EXIT_FOUND;
    }
    // The query's terms as a search finds them (spellings and abbreviations included).
    const terms = options.query ? index.search(options.query, { limit: 0 }).terms : [];
    const style = styleFor(process.stdout);
    await page(formatArticle(doc, highlightSpans(doc.text, terms), style), style.color);
    return EXIT_FOUND;
  } finally {
    index.close();
  }
}

/** Writes `text` through $PAGER (default `less -R`) on a terminal, straight to stdout otherwise. */
async function page(text: string, color: boolean): Promise<void> {
  if (!process.stdout.isTTY) {
    process.stdout.write(text);
    return;
  }
  const pager = process.env.PAGER || "less";
  const args = pager === "less" && color ? ["-R"] : [];
  await new Promise<void>((resolve) => {
    const child = spawn(pager, args, { stdio: ["pipe", "inherit", "inherit"], shell: pager !== "less" });
    child.on("error", () => {
      process.stdout.write(text);
      resolve();
    });
    child.on("close", () => resolve());
    child.stdin.on("error", () => undefined);
    child.stdin.end(text);
  });
}
