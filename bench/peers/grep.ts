/**
 * ripgrep, or grep when rg is not installed, over the articles written out as one plain file each:
 * no index, no ranking, the query as one case-insensitive phrase, the first 10 files that hold it.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { definePeer } from "./commands.js";
import type { Command } from "./types.js";

const installed = (tool: string) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
const tool = installed("rg") ? "rg" : installed("grep") ? "grep" : undefined;

/** What a user types: the search piped into `head`, which stops it once k files are listed. */
function searchCommand(dir: string, query: string, k: number): Command {
  const search = tool === "rg" ? "rg -l -i -F" : "grep -r -l -i -F";
  return { file: "sh", args: ["-c", `${search} -- "$1" "$2" | head -n ${k}`, "sh", query, dir] };
}

export const grep = definePeer({
  key: "grep",
  name: tool ?? "grep",
  hasIndex: false,
  // Each query reads all 200 MB of text: a sample of the dev queries tells its speed well enough.
  warmQueryLimit: 50,
  unavailable: () => (tool ? undefined : "neither rg nor grep is installed (Debian packages ripgrep, grep)"),
  async build(articles, dir) {
    for await (const article of articles) writeFileSync(join(dir, `${article.id}.txt`), `${article.title}\n${article.body}`);
  },
  open(dir) {
    return {
      search(query, k) {
        const { file, args } = searchCommand(dir, query, k);
        const out = spawnSync(file, args, { encoding: "utf8" }).stdout;
        return out.split("\n").filter(Boolean).map((path) => ({ id: basename(path, ".txt"), title: "" }));
      },
      close: () => {},
    };
  },
  oneShotCommand: (dir, query) => searchCommand(dir, query, 10),
});
