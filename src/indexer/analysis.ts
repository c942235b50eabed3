/**
 * Turning source files into what the build accumulates, in a form that can cross threads: each
 * article's terms as numbers (ids local to the analyzer that met them, the new ones' strings sent
 * once), its field lengths, filterable facts and stored record already msgpack-packed. The build
 * runs this on its own thread for small sources and on worker threads for large ones
 * (analysis-pool.ts); either way the articles come out as the same bytes.
 */
import { pack } from "msgpackr";
import { analyzeWith, normalizeUncached } from "../analyze/analyzer.js";
import { parseArticle } from "../parse/article.js";
import { ArticleParseError, type Article } from "../parse/types.js";
import { FIELD_COUNT, type StoredDoc } from "../store/format.js";
import { storedRecord } from "../store/stored-record.js";
import type { Facts } from "./docmeta.js";
import { fieldTexts } from "./fields.js";

/** A source file to analyze. */
export interface SourceText {
  path: string;
  text: string;
}

/** One analyzed article of a batch; its terms are the batch's tokens [tokenStart, tokenEnd). */
export interface AnalyzedArticle {
  number: number;
  fieldLengths: number[];
  facts: Facts;
  tokenStart: number;
  tokenEnd: number;
  storedStart: number;
  storedEnd: number;
}

/** What one batch of source files gave, in their order: an article or why the file was skipped. */
export interface AnalyzedBatch {
  /** Terms the analyzer met for the first time in this batch, in the order of the local ids it gave them. */
  newTerms: string[];
  results: (AnalyzedArticle | { skipped: string })[];
  /** Per occurrence, three numbers: local term id, field, word position; in the order the fields were analyzed. */
  tokens: Uint32Array;
  /** The articles' packed stored records, one after another. */
  stored: Uint8Array;
}

/** Stateful: local term ids run on from batch to batch, so batches must be read in the order made. */
export class ArticleAnalyzer {
  private readonly termIds = new Map<string, number>();
  /** Surface forms met and their term ids (-1: not indexed): the same words recur constantly. */
  private readonly surfaceIds = new Map<string, number>();
  private tokens = new Uint32Array(3 << 16);
  private tokenCount = 0;

  analyzeBatch(files: readonly SourceText[]): AnalyzedBatch {
    const newTerms: string[] = [];
    const results: AnalyzedBatch["results"] = [];
    const stored: Uint8Array[] = [];
    let storedBytes = 0;
    this.tokenCount = 0;
    for (const file of files) {
      const article = parseOrReason(file);
      if (typeof article === "string") {
        results.push({ skipped: article });
        continue;
      }
      const tokenStart = this.tokenCount;
      const fieldLengths = this.analyzeFields(article, newTerms);
      const record = pack(storedRecord(storedOf(article)));
      stored.push(record);
      results.push({
        number: article.number, fieldLengths, facts: factsOf(article),
        tokenStart, tokenEnd: this.tokenCount, storedStart: storedBytes, storedEnd: (storedBytes += record.length),
      });
    }
    // Copies, not views: the token buffer is reused, and a packed record shares msgpackr's buffer.
    return { newTerms, results, tokens: this.tokens.slice(0, this.tokenCount * 3), stored: concat(stored, storedBytes) };
  }

  /** Appends the article's occurrences to the token buffer; returns each field's length in terms. */
  private analyzeFields(article: Article, newTerms: string[]): number[] {
    const lengths = new Array<number>(FIELD_COUNT).fill(0);
    const toTermId = (surface: string): number | undefined => {
      let id = this.surfaceIds.get(surface);
      if (id === undefined) {
        id = this.termIdOf(normalizeUncached(surface), newTerms);
        this.surfaceIds.set(surface, id);
      }
      return id < 0 ? undefined : id;
    };
    fieldTexts(article).forEach((text, field) => {
      analyzeWith(toTermId, text, (id, _start, _end, pos) => {
        if ((this.tokenCount + 1) * 3 > this.tokens.length) {
          const grown = new Uint32Array(this.tokens.length * 2);
          grown.set(this.tokens);
          this.tokens = grown;
        }
        const at = this.tokenCount++ * 3;
        this.tokens[at] = id;
        this.tokens[at + 1] = field;
        this.tokens[at + 2] = pos;
        lengths[field]!++;
      });
    });
    return lengths;
  }

  /** The local id of `term` (-1 for none: a word not indexed), numbering it when new. */
  private termIdOf(term: string | undefined, newTerms: string[]): number {
    if (term === undefined) return -1;
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termIds.size;
      this.termIds.set(term, id);
      newTerms.push(term);
    }
    return id;
  }
}

/** The parts in one new buffer of its own (never a shared pool's slice: the buffer is moved to another thread). */
function concat(parts: Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The file's article, or why it cannot be used (reported as skipped). */
function parseOrReason(file: SourceText): Article | string {
  try {
    return parseArticle(file.path, file.text);
  } catch (err) {
    // Whatever goes wrong with one article is that article's entry in the report.
    return err instanceof ArticleParseError ? err.reason : `could not be parsed (${String(err)})`;
  }
}

function factsOf(article: Article): Facts {
  const { tag, modified, products, appliesTo, keywords, technology, issueType, solutionType, operatingSystems, versions } = article;
  return { tag, modified, products, appliesTo, keywords, technology, issueType, solutionType, operatingSystems, versions };
}

/** What the index stores of an article for presenting it. */
function storedOf(article: Article): StoredDoc {
  const sections = article.sections;
  return {
    id: article.id,
    title: article.title,
    tag: article.tag,
    products: article.products,
    modified: article.modified,
    bodyStart: sections[0]?.start ?? 0,
    bodyEnd: sections[sections.length - 1]?.end ?? article.text.length,
    text: article.text,
  };
}
