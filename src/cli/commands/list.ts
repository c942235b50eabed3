/** `kbsearch list products|tags|years`: the values filters accept, as the index holds them, with counts. */
import { paint } from "../../present/ansi.js";
import { styleFor } from "../../present/terminal-style.js";
import type { FacetCount } from "../../query/types.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export type ListKind = "products" | "tags" | "years";

export async function runList(what: ListKind, options: GlobalOptions): Promise<number> {
  const index = await openIndexForCli(options);
  let values: FacetCount[];
  try {
    values = index.catalog()[what];
  } finally {
    index.close();
  }
  if (options.json) {
    process.stdout.write(JSON.stringify(values) + "\n");
  } else {
    const style = styleFor(process.stdout, options.color);
    const countWidth = Math.max(0, ...values.map((v) => v.count.toLocaleString("en-US").length));
    const lines = values.map((v) => `${paint(style.color, "2", v.count.toLocaleString("en-US").padStart(countWidth))}  ${v.value}`);
    process.stdout.write(lines.map((l) => l + "\n").join(""));
  }
  return values.length ? EXIT_FOUND : EXIT_NOTHING_FOUND;
}
