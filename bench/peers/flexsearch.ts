/**
 * FlexSearch 0.8 Document index over title and body with its default encoder, the title stored for
 * display. Saved as its export() chunks packed with msgpackr into one file; opening imports every
 * chunk, since the chunks are not ordered by term and a reader cannot pick the ones a query needs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Document, type DocumentOptions } from "flexsearch";
import { pack, unpack } from "msgpackr";
import { definePeer } from "./commands.js";

const INDEX_FILE = "index.msgpack";

type Doc = { id: string; title: string; body: string };
const OPTIONS: DocumentOptions<Doc> = { document: { id: "id", index: ["title", "body"], store: ["title"] } };

export const flexsearch = definePeer({
  key: "flexsearch",
  name: "FlexSearch",
  async build(articles, dir) {
    const index = new Document<Doc>(OPTIONS);
    for await (const { id, title, body } of articles) index.add({ id, title, body });
    const chunks: [string, string][] = [];
    index.export((key: string, data: string) => {
      chunks.push([key, data]);
    });
    writeFileSync(join(dir, INDEX_FILE), pack(chunks));
  },
  open(dir) {
    const index = new Document<Doc>(OPTIONS);
    for (const [key, data] of unpack(readFileSync(join(dir, INDEX_FILE))) as [string, string][]) index.import(key, data);
    return {
      search: (query, k) =>
        index.search(query, { limit: k, enrich: true, merge: true }).map((r) => ({ id: String(r.id), title: String(r.doc?.title ?? "") })),
      close: () => {},
    };
  },
});
