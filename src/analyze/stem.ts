/**
 * Porter stemming from `natural`, imported by its module path: the package root loads all of
 * natural (hundreds of ms), the stemmer module alone a few.
 */
import porter from "natural/lib/natural/stemmers/porter_stemmer.js";

const cache = new Map<string, string>();
const CACHE_LIMIT = 1 << 20;

/** Stems a lower-case alphabetic word; results are cached since the same words recur constantly. */
export function stem(word: string): string {
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    stemmed = porter.stem(word);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, stemmed);
  }
  return stemmed;
}
