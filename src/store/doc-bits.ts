/**
 * Sets of documents as a bit per document in 32-bit words: 7.5 KB for the archive, small enough to
 * stay in the processor's nearest cache where a query looks up a document per posting.
 */
export function docBits(docCount: number): Uint32Array {
  return new Uint32Array(Math.ceil(docCount / 32));
}

export function hasDoc(bits: Uint32Array, doc: number): boolean {
  return ((bits[doc >>> 5]! >>> (doc & 31)) & 1) === 1;
}

export function addDoc(bits: Uint32Array, doc: number): void {
  bits[doc >>> 5]! |= 1 << (doc & 31);
}
