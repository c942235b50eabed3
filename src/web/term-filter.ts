/**
 * A Bloom filter of the terms a spelling correction may be (those in MIN_CORRECTION_DOC_FREQ
 * articles or more), written with a static site: a misspelt word's few hundred spellings one edit
 * away are checked against it in the page, and only those it may hold are looked up in the
 * dictionary, a handful of its blocks instead of one or two hundred scattered over it. It never
 * turns away a term it holds, so corrections are the library's.
 *
 * It holds only terms of the letters a to z. A correction is made for a word of letters, and its
 * spellings one edit away put letters a to z in it, so their terms are of letters too, or of the
 * word's own accented letters; the filter passes any term not of a to z. Half the terms in enough
 * articles hold a digit or a dot (`0x0000001e`, `win32k`), so the file is half the size.
 */

/** Bits per term for about 3% false positives (a misspelt word's few hundred spellings let some ten through). */
const BITS_PER_TERM = 7.3;
/** Hash functions: the best for that many bits per term (bits per term x ln 2). */
const HASHES = 5;

export interface TermFilter {
  /** Terms held in fewer articles than this are not in the filter. */
  minDocFreq: number;
  hashes: number;
  bits: Uint8Array;
}

/** FNV-1a of the term's UTF-16 units, and a second hash from it: h1 + i * h2 stands for the i-th hash (Kirsch and Mitzenmacher). */
function hashPair(term: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  const h1 = h >>> 0;
  // A second, independent-enough hash: the first remixed (murmur3's finalizer), made odd.
  let g = h1 ^ (h1 >>> 16);
  g = Math.imul(g, 0x85ebca6b);
  g ^= g >>> 13;
  g = Math.imul(g, 0xc2b2ae35);
  g ^= g >>> 16;
  return [h1, (g >>> 0) | 1];
}

/** The bit the i-th hash of a term whose hash pair is (h1, h2) sets, in a filter of `size` bits. */
function bitOf(h1: number, h2: number, i: number, size: number): number {
  return ((h1 + Math.imul(i, h2)) >>> 0) % size;
}

/** The terms the filter holds: those of the letters a to z. */
const FILTERED_TERM = /^[a-z]+$/;

/** `terms` (those in `minDocFreq` articles or more) as a filter. */
export function buildTermFilter(allTerms: readonly string[], minDocFreq: number): TermFilter {
  const terms = allTerms.filter((term) => FILTERED_TERM.test(term));
  const bitCount = Math.max(64, Math.ceil(terms.length * BITS_PER_TERM));
  const bits = new Uint8Array(Math.ceil(bitCount / 8));
  const size = bits.length * 8;
  for (const term of terms) {
    const [h1, h2] = hashPair(term);
    for (let i = 0; i < HASHES; i++) {
      const at = bitOf(h1, h2, i, size);
      bits[at >>> 3]! |= 1 << (at & 7);
    }
  }
  return { minDocFreq, hashes: HASHES, bits };
}

/** False when the filter surely does not hold `term`; true when it may, or when `term` is not of a to z. */
export function mayHold(filter: TermFilter, term: string): boolean {
  if (!FILTERED_TERM.test(term)) return true;
  const size = filter.bits.length * 8;
  const [h1, h2] = hashPair(term);
  for (let i = 0; i < filter.hashes; i++) {
    const at = bitOf(h1, h2, i, size);
    if (!(filter.bits[at >>> 3]! & (1 << (at & 7)))) return false;
  }
  return true;
}
