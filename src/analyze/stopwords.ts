/**
 * English function words that carry no meaning in a KB query. Lucene's classic English set, less
 * "no" and "not", which are part of many error messages ("not enough memory", "no such file").
 */
const STOPWORDS = new Set([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
  "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to",
  "was", "will", "with",
]);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}
