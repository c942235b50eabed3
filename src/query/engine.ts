/**
 * The library's `KbIndex`: the search engine (search-engine.ts) over an index in a local folder.
 */
import { IndexReader } from "../store/reader.js";
import { SearchEngine } from "./search-engine.js";

export { DEFAULT_LIMIT, MAX_LIMIT, type IndexStats } from "./search-engine.js";

export class KbIndex extends SearchEngine {
  /** Opens the index in `dir`; throws KbSearchError when there is none or it cannot be read. */
  static open(dir: string): KbIndex {
    return new KbIndex(IndexReader.open(dir));
  }
}
