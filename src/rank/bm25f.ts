/**
 * BM25F: per-field term frequencies are length-normalized and weighted, summed into one pseudo
 * frequency, then saturated once (Robertson & Zaragoza, "The Probabilistic Relevance Framework").
 *
 *   tf~(t, d) = sum_f  w_f * tf_f(t, d) / (1 - b_f + b_f * len_f(d) / avglen_f)
 *   score(d)  = sum_t  idf(t) * tf~ * (k1 + 1) / (k1 + tf~)
 *   idf(t)    = ln(1 + (N - df + 0.5) / (df + 0.5))
 */
import { FIELD, FIELD_COUNT, LENGTH_OF_CODE } from "../store/format.js";
import { WEIGHTS } from "./weights.js";

/** The saturation constant is WEIGHTS.k1 (weights.ts). */
/**
 * Field weights in FIELDS order: title, query words, meta (tag, products, keywords), lead sections,
 * body. "Additional query words" are the words support engineers attached so that a search for them
 * finds the article: a match there is the strongest evidence (measured on the dev set: querywords
 * MRR .83 at weight 3, .95 at 16, other classes unchanged).
 */
// FIELD_WEIGHTS: WEIGHTS.fieldWeights (weights.ts), where the ranking's weights are kept together.
/**
 * Length normalization per field: short fields (title, query words) barely vary, so normalize them
 * less. The lead's mean length counts the many articles without SYMPTOMS, CAUSE or SUMMARY as 0,
 * so at 0.75 a lead of ordinary length was taken for a long one (lead 0.75 -> 0.6: dev symptom MRR
 * .920 -> .922, errmsg .994 -> .995, real-dev natural .738 -> .780; no class lower; .920 at 0.5 and 0.65).
 */
// FIELD_B: WEIGHTS.fieldB (weights.ts), where the ranking's weights are kept together.

export function idf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

/** Precomputes 1 / avglen per field. */
export function inverseAverages(avgFieldLength: readonly number[]): Float64Array {
  return Float64Array.from(avgFieldLength, (avg) => (avg > 0 ? 1 / avg : 0));
}

/** The divisor normalizing a tf in field f by the field's length. */
function lengthNorm(f: number, length: number, invAvg: Float64Array): number {
  const b = WEIGHTS.fieldB[f]!;
  return 1 - b + b * length * invAvg[f]!;
}

/** What one occurrence in field f, of `length` words, adds to a term's pseudo frequency: the field's weight over its length divisor. */
export function occurrenceUnit(f: number, length: number, invAvg: Float64Array): number {
  return WEIGHTS.fieldWeights[f]! / lengthNorm(f, length, invAvg);
}

/**
 * Every field's occurrence unit for every stored length code (`[f * 256 + code]`): the index keeps
 * lengths as codes, and scoring looks their units up (a multiply per tf, not a divide) rather than
 * decoding every length at open.
 */
export function occurrenceUnits(invAvg: Float64Array): Float64Array {
  const units = new Float64Array(FIELD_COUNT * 256);
  for (let f = 0; f < FIELD_COUNT; f++) {
    for (let code = 0; code < 256; code++) units[f * 256 + code] = occurrenceUnit(f, LENGTH_OF_CODE[code]!, invAvg);
  }
  return units;
}

/**
 * The weighted, length-normalized frequency of a term in one document: `tfs[tfAt + f]` is its
 * frequency in field f, `lengthCodes[codeAt + f]` the code of that field's length (units: occurrenceUnits).
 */
export function pseudoFrequency(tfs: ArrayLike<number>, tfAt: number, lengthCodes: ArrayLike<number>, codeAt: number, units: Float64Array): number {
  let sum = 0;
  for (let f = 0; f < FIELD_COUNT; f++) {
    const tf = tfs[tfAt + f]!;
    if (tf) sum += tf * units[f * 256 + lengthCodes[codeAt + f]!]!;
  }
  return sum;
}

/**
 * The saturated pseudo frequency of a term occurring once, in the body only (the commonest posting
 * by far), for every body length code: the same sums pseudoFrequency makes, looked up per posting.
 */
export function singleBodyPoints(units: Float64Array): Float64Array {
  const tfs = new Uint16Array(FIELD_COUNT);
  tfs[FIELD.body] = 1;
  const codes = new Uint8Array(FIELD_COUNT);
  return Float64Array.from({ length: 256 }, (_, code) => {
    codes[FIELD.body] = code;
    return saturate(pseudoFrequency(tfs, 0, codes, 0, units));
  });
}

export function saturate(pseudoTf: number): number {
  const k1 = WEIGHTS.k1;
  return (pseudoTf * (k1 + 1)) / (k1 + pseudoTf);
}
