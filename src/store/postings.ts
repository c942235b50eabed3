/**
 * The postings codec, shared by the builder and the reader. Per term, per document in order:
 * varint(docDelta << 1 | simple). "simple" means tf 1 in the body field only, the commonest case
 * by far; otherwise a field mask byte follows, then a varint tf for each field in the mask, then,
 * when the term is in the title, its title positions (delta-coded varints, tf of them): titles are
 * short, and where the query's words stand in them tells a title that says the query from one that
 * merely holds its words.
 */
import { FIELD, FIELD_COUNT } from "./format.js";
import { ByteReader, type ByteWriter } from "./varint.js";

const BODY_ONLY_MASK = 1 << FIELD.body;

/**
 * Appends one posting; `tfs[at + f]` holds the term's frequency in field f of the document, and
 * `titlePositions` its word positions in the title, in order (one per title occurrence).
 */
export function encodePosting(out: ByteWriter, docDelta: number, tfs: ArrayLike<number>, at = 0, titlePositions: readonly number[] = []): void {
  let mask = 0;
  for (let f = 0; f < FIELD_COUNT; f++) if (tfs[at + f]) mask |= 1 << f;
  if (mask === BODY_ONLY_MASK && tfs[at + FIELD.body] === 1) {
    out.varint(docDelta * 2 + 1);
    return;
  }
  out.varint(docDelta * 2);
  out.byte(mask);
  for (let f = 0; f < FIELD_COUNT; f++) if (tfs[at + f]) out.varint(tfs[at + f]!);
  if (titlePositions.length !== (tfs[at + FIELD.title] ?? 0)) {
    throw new Error(`title positions (${titlePositions.length}) do not match the title tf (${tfs[at + FIELD.title]})`);
  }
  let last = 0;
  for (const pos of titlePositions) {
    out.varint(pos - last);
    last = pos;
  }
}

/**
 * Calls `visit` for each posting with the document, its per-field frequencies and its title
 * positions (the first tfs[FIELD.title] entries); both arrays are reused from call to call.
 */
export function decodePostings(bytes: Uint8Array, visit: (doc: number, tfs: Uint16Array, titlePositions: Uint16Array) => void): void {
  const r = new ByteReader(bytes);
  const tfs = new Uint16Array(FIELD_COUNT);
  let titlePositions = new Uint16Array(16);
  let doc = -1;
  while (!r.done) {
    const v = r.varint();
    doc += v >>> 1;
    tfs.fill(0);
    if (v & 1) {
      tfs[FIELD.body] = 1;
    } else {
      const mask = r.byte();
      for (let f = 0; f < FIELD_COUNT; f++) if (mask & (1 << f)) tfs[f] = r.varint();
      const inTitle = tfs[FIELD.title]!;
      if (inTitle > titlePositions.length) titlePositions = new Uint16Array(inTitle);
      let pos = 0;
      for (let i = 0; i < inTitle; i++) titlePositions[i] = pos += r.varint();
    }
    visit(doc, tfs, titlePositions);
  }
}
