/**
 * The checks the reader makes of what an index file says of itself before it trusts it: the
 * header's counts and sections, the offset tables read whole, and each range read against its bounds.
 */
import { FIELD_COUNT, SECTION_NAMES, type StoredHeader } from "./format.js";

/** Whether [offset, offset + length) is a range of whole numbers within [0, size). */
export function isRange(offset: number, length: number, size: number): boolean {
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= size;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * What is wrong with a decoded header, or undefined: every count, length and offset the reader
 * uses must be a whole number of 0 or more (the header's checksum catches damage; this catches a
 * file written wrong or on purpose), and every section must be named.
 */
export function headerProblem(header: StoredHeader): string | undefined {
  if (typeof header !== "object" || header === null) return "not a map";
  for (const key of ["formatVersion", "docCount", "termCount", "blockCount", "textBytes", "storeDictionaryCrc"] as const) {
    if (!isCount(header[key])) return `${key} is not a count`;
  }
  for (const key of ["analyzerId", "createdAt", "source"] as const) if (typeof header[key] !== "string") return `${key} is not text`;
  if (!Array.isArray(header.avgFieldLength) || header.avgFieldLength.length !== FIELD_COUNT || !header.avgFieldLength.every((n) => typeof n === "number" && Number.isFinite(n) && n >= 0)) {
    return "avgFieldLength";
  }
  if (typeof header.sections !== "object" || header.sections === null) return "no sections";
  for (const name of SECTION_NAMES) {
    const s = header.sections[name];
    if (typeof s !== "object" || s === null || !isCount(s.offset) || !isCount(s.length)) return `section ${name}`;
  }
  const integrity = header.integrity;
  if (typeof integrity !== "object" || integrity === null || !isCount(integrity.dataBytes) || !(integrity.chunkCrcs instanceof Uint8Array)) return "checksum table";
  return undefined;
}

/** Whether `offsets` rise (never fall) from within `size` to within it, `count` of them when given. */
export function isOffsetTable(offsets: Uint32Array, count: number | undefined, size: number): boolean {
  if (count !== undefined && offsets.length !== count) return false;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i]! > size || (i > 0 && offsets[i]! < offsets[i - 1]!)) return false;
  }
  return true;
}
