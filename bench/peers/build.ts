/**
 * Builds one peer's index in this process: `node build.js KEY SOURCE DIR`. Writes beside DIR and
 * renames into place when done, so DIR always holds a complete index. Prints the articles and
 * bytes of article text it indexed as JSON, like `kbsearch index --json`.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { readCorpus } from "./articles.js";
import { loadPeer } from "./registry.js";
import type { CorpusArticle } from "./types.js";

const [key, source, dir] = process.argv.slice(2);
if (!key || !source || !dir) {
  process.stderr.write("usage: node build.js KEY SOURCE DIR\n");
  process.exit(2);
}
const peer = await loadPeer(key);
const building = `${dir}.building`;
rmSync(building, { recursive: true, force: true });
mkdirSync(building, { recursive: true });

const counts = { articles: 0, textBytes: 0 };
async function* counted(): AsyncGenerator<CorpusArticle> {
  for await (const article of readCorpus(source!)) {
    counts.articles++;
    counts.textBytes += article.bytes;
    yield article;
  }
}
await peer.build(counted(), building);
rmSync(dir, { recursive: true, force: true });
renameSync(building, dir);
process.stdout.write(JSON.stringify(counts) + "\n");
