/**
 * The sources section: per article what a later build needs to carry it over unchanged without
 * reading it again. Columns (msgpack, arrays as raw bytes):
 *
 *   digests       DIGEST_BYTES per document: the digest of the source file it was read from
 *   fieldLengths  u32 per document per field: its exact length in terms (the fieldLengths section
 *                 keeps only a byte code, and the header's mean lengths need the exact sums)
 *   textBytes     u32 per document: its stored text's size in UTF-8 bytes (the header's textBytes)
 */
import { pack } from "msgpackr";
import { unpack } from "msgpackr/unpack";
import { bytesOf, u32 } from "./bytes.js";
import { FIELD_COUNT } from "./format.js";

/** A source file's digest: the first 8 bytes of its SHA-1. */
export const DIGEST_BYTES = 8;

/** The decoded section. */
export interface SourceColumns {
  digests: Uint8Array;
  fieldLengths: Uint32Array;
  textBytes: Uint32Array;
}

/** Decodes the section; throws when it does not describe `docCount` documents. */
export function decodeSources(bytes: Uint8Array, docCount: number): SourceColumns {
  const raw = unpack(bytes) as { digests: Uint8Array; fieldLengths: Uint8Array; textBytes: Uint8Array };
  const columns = { digests: raw.digests, fieldLengths: u32(raw.fieldLengths), textBytes: u32(raw.textBytes) };
  if (columns.digests.length !== docCount * DIGEST_BYTES || columns.fieldLengths.length !== docCount * FIELD_COUNT || columns.textBytes.length !== docCount) {
    throw new Error(`columns do not cover ${docCount} documents`);
  }
  return columns;
}

/** Encodes the section (before compression). */
export function encodeSources(columns: SourceColumns): Uint8Array {
  return pack({ digests: columns.digests, fieldLengths: bytesOf(columns.fieldLengths), textBytes: bytesOf(columns.textBytes) });
}
