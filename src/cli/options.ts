/** The options every command shares, and opening the index they name. */
import { indexExists, resolveIndexDir, sampleCorpusDir } from "../paths.js";
import type { KbIndex } from "../query/engine.js";
import type { ColorChoice } from "../present/terminal-style.js";
import type { SearchOptions, SortOrder } from "../query/types.js";

export interface GlobalOptions {
  index?: string;
  limit: number;
  offset: number;
  json?: boolean;
  explain?: boolean;
  page?: number;
  product?: string;
  year?: string;
  since?: string;
  until?: string;
  sort?: SortOrder;
  facets?: boolean;
  /** `--color auto|always|never` (default auto). */
  color?: ColorChoice;
  /** False with `--no-pager`. */
  pager?: boolean;
  /** `-i`: search as you type. */
  interactive?: boolean;
}

/** What the options are when not given (the full parser's defaults too). */
export const DEFAULT_OPTIONS = { limit: 10, offset: 0, sort: "relevance" } as const satisfies Partial<GlobalOptions>;

/**
 * Opens the index the options name. On first use, when the default index does not exist yet,
 * it is built from the bundled sample corpus so that a newcomer's first search answers.
 */
export async function openIndexForCli(options: GlobalOptions): Promise<KbIndex> {
  const dir = await indexDirForCli(options);
  const { KbIndex } = await import("../query/engine.js");
  return KbIndex.open(dir);
}

/** The index directory the options name, with the sample corpus's index built there first when it is the default and missing. */
export async function indexDirForCli(options: Pick<GlobalOptions, "index">): Promise<string> {
  const { dir, isDefault } = resolveIndexDir(options.index);
  if (isDefault && !indexExists(dir)) {
    process.stderr.write(`kbsearch: no index yet; building one from the bundled sample corpus (${sampleCorpusDir}) first\n`);
    const { buildIndex } = await import("../indexer/build.js");
    await buildIndex(sampleCorpusDir, { indexDir: dir });
  }
  return dir;
}

/** A whole number of 0 or more as typed (`-n 20` on the command line, `limit=20` in a URL), or undefined when the text is not one. */
export function wholeNumber(text: string): number | undefined {
  const n = Number(text);
  return /^\d+$/.test(text.trim()) && Number.isSafeInteger(n) ? n : undefined;
}

/** The search options the command line gives. */
export function searchOptions(options: GlobalOptions): SearchOptions {
  const { limit, offset, page, explain, product, year, since, until, sort, facets } = options;
  return { limit, offset, page, explain, product, year, since, until, sort, facets };
}
