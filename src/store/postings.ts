/**
 * The postings codec, shared by the builder and the reader. Per term, per document in order:
 * varint(docDelta << 1 | simple). "simple" means tf 1 in the body field only, the commonest case
 * by far; otherwise a field mask byte follows, then a varint tf for each field in the mask.
 */
import { FIELD, FIELD_COUNT } from "./format.js";
import { ByteReader, type ByteWriter } from "./varint.js";

const BODY_ONLY_MASK = 1 << FIELD.body;

/** Appends one posting; `tfs[at + f]` holds the term's frequency in field f of the document. */
export function encodePosting(out: ByteWriter, docDelta: number, tfs: ArrayLike<number>, at = 0): void {
  let mask = 0;
  for (let f = 0; f < FIELD_COUNT; f++) if (tfs[at + f]) mask |= 1 << f;
  if (mask === BODY_ONLY_MASK && tfs[at + FIELD.body] === 1) {
    out.varint(docDelta * 2 + 1);
    return;
  }
  out.varint(docDelta * 2);
  out.byte(mask);
  for (let f = 0; f < FIELD_COUNT; f++) if (tfs[at + f]) out.varint(tfs[at + f]!);
}

/** Calls `visit` for each posting with the document and its per-field frequencies (a reused array). */
export function decodePostings(bytes: Uint8Array, visit: (doc: number, tfs: Uint16Array) => void): void {
  const r = new ByteReader(bytes);
  const tfs = new Uint16Array(FIELD_COUNT);
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
    }
    visit(doc, tfs);
  }
}
