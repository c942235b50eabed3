/**
 * SQLite FTS5 through better-sqlite3: the porter stemmer over unicode61 tokens, the text stored so
 * snippets come from the index, BM25 with a title match weighing ten times a body match, and the
 * query's words OR-ed (FTS5's default AND finds nothing for most longer queries).
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { definePeer } from "./commands.js";

const DB_FILE = "articles.db";
/** bm25() weights by column: id (not indexed), title, body. */
const RANK = "bm25(articles, 0, 10, 1)";

/** `"heap" OR "corruption"`: each word quoted so FTS5 reads none as an operator. */
function orQuery(query: string): string {
  return (query.match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => `"${word}"`).join(" OR ");
}

export const sqlite = definePeer({
  key: "sqlite",
  name: "SQLite FTS5",
  async build(articles, dir) {
    const db = new Database(join(dir, DB_FILE));
    // A bulk load into a fresh file: no journal or sync needed until the end.
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.exec("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, tokenize = 'porter unicode61')");
    const insert = db.prepare("INSERT INTO articles (id, title, body) VALUES (?, ?, ?)");
    db.exec("BEGIN");
    for await (const article of articles) insert.run(article.id, article.title, article.body);
    db.exec("COMMIT");
    // Merges the segments of the bulk load into one, as recommended before serving queries.
    db.exec("INSERT INTO articles (articles) VALUES ('optimize')");
    db.close();
  },
  open(dir) {
    const db = new Database(join(dir, DB_FILE), { readonly: true, fileMustExist: true });
    const select = db.prepare<[string, number], { id: string; title: string; snippet: string }>(
      `SELECT id, title, snippet(articles, 2, '', '', '...', 16) AS snippet FROM articles WHERE articles MATCH ? ORDER BY ${RANK} LIMIT ?`,
    );
    return {
      search(query, k) {
        const match = orQuery(query);
        return match ? select.all(match, k) : [];
      },
      close: () => db.close(),
    };
  },
});
