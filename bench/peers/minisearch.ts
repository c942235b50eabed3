/** MiniSearch 7 with its defaults (BM25+, OR of the query words) over title and body, saved and loaded as JSON. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import MiniSearch, { type Options } from "minisearch";
import { definePeer } from "./commands.js";
import type { CorpusArticle } from "./types.js";

const INDEX_FILE = "index.json";
const OPTIONS: Options<CorpusArticle> = { fields: ["title", "body"], storeFields: ["title"] };

export const minisearch = definePeer({
  key: "minisearch",
  name: "MiniSearch",
  async build(articles, dir) {
    const index = new MiniSearch<CorpusArticle>(OPTIONS);
    for await (const article of articles) index.add(article);
    writeFileSync(join(dir, INDEX_FILE), JSON.stringify(index));
  },
  open(dir) {
    const index = MiniSearch.loadJSON<CorpusArticle>(readFileSync(join(dir, INDEX_FILE), "utf8"), OPTIONS);
    return {
      search: (query, k) => index.search(query).slice(0, k).map((r) => ({ id: String(r.id), title: String(r.title) })),
      close: () => {},
    };
  },
});
