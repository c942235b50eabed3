/**
 * The field code table: a posting that is not simple names its term frequencies per field (a
 * tuple, FIELDS order) with one byte, a code into this table, instead of a field mask and a varint
 * per field. The table is part of the format, the same for every index (an update copies encoded
 * postings as they are), and defined by a rule rather than by counts of one archive:
 *
 *   a term's occurrence costs FIELD_COST of its field (title 5, queryWords 7, meta 3, lead 2,
 *   body 1: the rarer a field holds a term many times, the dearer); the table holds every tuple
 *   costing at most MAX_CODED_COST (ordered by title tf, then queryWords tf, ..., then body tf),
 *   but the all-zero tuple and the one a simple posting stands for (body 1).
 *
 * That gives 245 codes. Over the whole archive (4.9M postings not simple, 11,345 distinct tuples)
 * they name 95.4% of the postings, and code + escaped postings take 5.7 MB where a mask and tfs took
 * 11.3; the 255 commonest tuples of the archive would name 96.7% and take 5.5 MB (bench/field-codes.ts
 * measures both on an index). Any other tuple is written as ESCAPE, then the field mask and a varint
 * tf per field in it. Changing the table changes the format.
 */
import { FIELD, FIELD_COUNT } from "./format.js";

/** What an occurrence of a term costs in each field (FIELDS order). */
const FIELD_COST = [5, 7, 3, 2, 1] as const;
const MAX_CODED_COST = 14;
/** The code byte saying a mask and varint tfs follow. */
export const ESCAPE = 255;

/** The largest tf a coded tuple can hold in each field, plus one: the radix of a tuple's key. */
const RADIX = FIELD_COST.map((cost) => Math.floor(MAX_CODED_COST / cost) + 1);

/** `CODE_TFS[code * FIELD_COUNT + f]`: the tf in field f of the tuple `code` names (flat, for decoding). */
export const CODE_TFS: Uint16Array = new Uint16Array(256 * FIELD_COUNT);
/** `CODE_TITLE_TF[code]`: the title tf of the tuple `code` names (its title positions follow the code). */
export const CODE_TITLE_TF: Uint8Array = new Uint8Array(256);
/** `CODE_FIELDS[code]`: the fields the tuple `code` names a tf in, as a bit mask (bit f for field f). */
export const CODE_FIELDS: Uint8Array = new Uint8Array(256);
/** Each tuple's code by its mixed-radix key (tupleKey), -1 for tuples without one (for encoding). */
const CODE_OF_KEY = new Int16Array(RADIX.reduce((n, r) => n * r, 1)).fill(-1);
/** How many codes the table holds. */
export const CODE_COUNT = buildTable();

function buildTable(): number {
  const tuple = new Array<number>(FIELD_COUNT).fill(0);
  let count = 0;
  const visit = (field: number, cost: number): void => {
    if (field === FIELD_COUNT) {
      const total = tuple.reduce((sum, tf) => sum + tf, 0);
      if (total === 0 || (total === 1 && tuple[FIELD.body] === 1)) return;
      CODE_TFS.set(tuple, count * FIELD_COUNT);
      CODE_TITLE_TF[count] = tuple[FIELD.title]!;
      CODE_FIELDS[count] = tuple.reduce((mask, tf, f) => (tf ? mask | (1 << f) : mask), 0);
      CODE_OF_KEY[tupleKey(tuple, 0)] = count++;
      return;
    }
    for (let tf = 0; cost + tf * FIELD_COST[field]! <= MAX_CODED_COST; tf++) {
      tuple[field] = tf;
      visit(field + 1, cost + tf * FIELD_COST[field]!);
    }
    tuple[field] = 0;
  };
  visit(0, 0);
  if (count >= ESCAPE) throw new Error(`the field code table has ${count} codes; at most ${ESCAPE} fit beside the escape`);
  return count;
}

/** The tuple's key in CODE_OF_KEY; only meaningful when every tf is below its field's radix. */
function tupleKey(tfs: ArrayLike<number>, at: number): number {
  let key = 0;
  for (let f = 0; f < FIELD_COUNT; f++) key = key * RADIX[f]! + tfs[at + f]!;
  return key;
}

/** The code naming the frequencies `tfs[at .. at + FIELD_COUNT)`, or ESCAPE when the table has none. */
export function fieldCode(tfs: ArrayLike<number>, at: number): number {
  let cost = 0;
  for (let f = 0; f < FIELD_COUNT; f++) cost += tfs[at + f]! * FIELD_COST[f]!;
  if (cost > MAX_CODED_COST) return ESCAPE;
  const code = CODE_OF_KEY[tupleKey(tfs, at)]!;
  return code < 0 ? ESCAPE : code;
}
