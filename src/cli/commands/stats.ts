/** `kbsearch stats`: what the index holds. */
import { FIELDS } from "../../store/format.js";
import { EXIT_FOUND } from "../exit.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export async function runStats(options: GlobalOptions): Promise<number> {
  const index = await openIndexForCli(options);
  try {
    const { path, bytes, header } = index.stats();
    if (options.json) {
      process.stdout.write(JSON.stringify({ path, bytes, ...header }) + "\n");
      return EXIT_FOUND;
    }
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const rows: [string, string][] = [
      ["index", path],
      ["built from", header.source],
      ["built at", header.createdAt],
      ["articles", header.docCount.toLocaleString("en-US")],
      ["terms", header.termCount.toLocaleString("en-US")],
      ["article text", mb(header.textBytes)],
      ["index size", `${mb(bytes)} (${(bytes / Math.max(1, header.textBytes)).toFixed(2)}x the text)`],
      ["format", `${header.formatVersion}, analyzer ${header.analyzerId}`],
      ["mean field length", FIELDS.map((f, i) => `${f} ${header.avgFieldLength[i]!.toFixed(1)}`).join(", ")],
      ...Object.entries(header.sections).map(([name, s]): [string, string] => [`  ${name}`, mb(s.length)]),
    ];
    process.stdout.write(rows.map(([k, v]) => `${k.padEnd(18)} ${v}`).join("\n") + "\n");
    return EXIT_FOUND;
  } finally {
    index.close();
  }
}
