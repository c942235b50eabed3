/**
 * The articles every peer indexes, read and parsed by kbsearch's own reader and parser, and
 * skipped by the same rules as its build (unparseable pages, repeated article numbers), so that
 * every engine sees the same articles with the same title and text.
 */
import { parseArticle } from "../../src/parse/article.js";
import { ArticleParseError } from "../../src/parse/types.js";
import { readSource } from "../../src/read/source.js";
import type { CorpusArticle } from "./types.js";

export async function* readCorpus(source: string): AsyncGenerator<CorpusArticle> {
  const seen = new Set<number>();
  for await (const entry of readSource(source)) {
    let article;
    try {
      article = parseArticle(entry.path, entry.text);
    } catch (err) {
      if (err instanceof ArticleParseError) continue;
      throw err;
    }
    if (seen.has(article.number)) continue;
    seen.add(article.number);
    yield { id: article.id, title: article.title, body: article.text, bytes: entry.bytes };
  }
}
