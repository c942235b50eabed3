/**
 * The sources section: per article the digest of the source file it was read from, DIGEST_BYTES
 * each in document order, so a later build can carry an unchanged article over without reading it
 * again. Digests do not compress, so the section is stored as it is.
 */

/** A source file's digest: the first 8 bytes of its SHA-1. */
export const DIGEST_BYTES = 8;

/** Checks the section describes `docCount` documents and returns their digests. */
export function decodeSources(bytes: Uint8Array, docCount: number): Uint8Array {
  if (bytes.length !== docCount * DIGEST_BYTES) throw new Error(`holds ${bytes.length} bytes of digests for ${docCount} documents`);
  return bytes;
}
