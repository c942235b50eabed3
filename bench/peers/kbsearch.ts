/** kbsearch itself behind the runners' engine interface: built and searched once through its CLI, searched warm through KbIndex. */
import { join } from "node:path";
import { indexExists, packageRoot } from "../../src/paths.js";
import { KbIndex } from "../../src/query/engine.js";
import { nodeCommand } from "./commands.js";
import type { Engine } from "./types.js";

/** The installed command (package.json's bin). */
const cli = join(packageRoot, "dist", "src", "cli", "launch.cjs");

export const kbsearch: Engine = {
  key: "kbsearch",
  name: "kbsearch",
  hasIndex: true,
  unavailable: () => undefined,
  // --json makes the build print its report (articles, textBytes), as the peers' build does;
  // --full builds from scratch, where the index a previous run left would otherwise be updated.
  buildCommand: (source, dir) => nodeCommand(cli, "index", source, "--index", dir, "--json", "--full"),
  isBuilt: indexExists,
  open(dir) {
    const index = KbIndex.open(dir);
    return {
      search: (query, k) => index.search(query, { limit: k }).hits.map((h) => ({ id: h.id, title: h.title, snippet: h.snippet })),
      close: () => index.close(),
    };
  },
  oneShotCommand: (dir, query) => nodeCommand(cli, query, "--index", dir),
};
