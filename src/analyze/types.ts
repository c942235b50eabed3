/** One indexed term as the analyzer emits it, with where it stands in the analyzed text. */
export interface Token {
  /** The normalized term (lower-cased; stemmed unless an identifier). */
  term: string;
  /** Offsets of the token's surface form in the analyzed text: `text.slice(start, end)`. */
  start: number;
  end: number;
  /** Word position (stopwords count), so nearby words can be told apart from distant ones. */
  pos: number;
}

/** Receives each term as it is produced; the indexer uses this to avoid building token arrays. */
export type TokenSink = (term: string, start: number, end: number, pos: number) => void;
