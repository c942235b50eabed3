/** `kbsearch stats [--verify]`: what the index holds, and whether every byte of it checks out. */
import { dirname } from "node:path";
import { statsRecord } from "../../present/json.js";
import { CHUNK_BYTES } from "../../store/checksum.js";
import { FIELDS, LENGTH_KEPT } from "../../store/format.js";
import { resolveIndexDir, type IndexDirSource } from "../../paths.js";
import { IndexReader } from "../../store/reader.js";
import { EXIT_FOUND } from "../exit.js";
import { terminalSafe } from "../../present/terminal-safe.js";
import { writeOut } from "../output.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export async function runStats(options: GlobalOptions & { verify?: boolean }): Promise<number> {
  const index = await openIndexForCli(options);
  try {
    const stats = index.stats();
    const { path, bytes, header } = stats;
    // A damaged chunk throws index-corrupt (exit 3) naming the bytes and section.
    const verified = options.verify ? verifyFile(path) : undefined;
    if (options.json) {
      await writeOut(JSON.stringify({ path, indexFrom: resolveIndexDir(options.index).from, ...statsRecord(stats), ...(verified && { verifiedChunks: verified }) }) + "\n");
      return EXIT_FOUND;
    }
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const rows: [string, string][] = [
      ["index", `${path} (${WHY_THERE[resolveIndexDir(options.index).from]})`],
      ["built from", header.source],
      ["built at", header.createdAt],
      ["articles", header.docCount.toLocaleString("en-US")],
      ["terms", header.termCount.toLocaleString("en-US")],
      ["article text", mb(header.textBytes)],
      ["checksum", stats.checksum],
      ["index size", `${mb(bytes)} (${(bytes / Math.max(1, header.textBytes)).toFixed(2)}x the text)`],
      ["format", `${header.formatVersion}, analyzer ${header.analyzerId}`],
      ["mean field length", FIELDS.map((f, i) => `${f} ${LENGTH_KEPT[i] ? header.avgFieldLength[i]!.toFixed(1) : "not kept"}`).join(", ")],
      ...Object.entries(header.sections).map(([name, s]): [string, string] => [`  ${name}`, mb(s.length)]),
      ...(verified ? [["verified", `every checksum matches (${verified} chunks of ${CHUNK_BYTES / 1024} KB)`] as [string, string]] : []),
    ];
    await writeOut(rows.map(([k, v]) => `${k.padEnd(18)} ${terminalSafe(v)}`).join("\n") + "\n");
    return EXIT_FOUND;
  } finally {
    index.close();
  }
}

/** Why the index is where it is, as stats says it. */
const WHY_THERE: Record<IndexDirSource, string> = {
  option: "--index",
  environment: "$KBSEARCH_INDEX",
  default: "your data folder; --index DIR or $KBSEARCH_INDEX names another",
};

/** Checks every chunk of the index file at `path`; returns how many. */
function verifyFile(path: string): number {
  const reader = IndexReader.open(dirname(path));
  try {
    return reader.verify().chunks;
  } finally {
    reader.close();
  }
}
