/** The index store: varints, the postings codec, and a written index read back, whole and damaged. */
import { after, before, describe, test } from "node:test";
import { buildSampleIndex, dataStartOf, random, shuffle } from "./helpers.js";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANALYZER_ID } from "../src/analyze/analyzer.js";
import { KbSearchError } from "../src/errors.js";
import { PostingsBuilder } from "../src/indexer/postings.js";
import { DocMetaBuilder } from "../src/indexer/docmeta.js";
import {
  FIELD, FIELD_COUNT, FORMAT_VERSION, fieldLengthCode, LENGTH_OF_CODE, INDEX_FILE, PREAMBLE_BYTES, MAGIC, TERMS_PER_BLOCK, type StoredDoc,
} from "../src/store/format.js";
import { binaryElement, decodeMsgpack } from "../src/store/msgpack.js";
import { CODE_COUNT, CODE_TFS, ESCAPE, fieldCode } from "../src/store/field-codes.js";
import { addDoc, docBits } from "../src/store/doc-bits.js";
import { DecodedPostings, encodePosting, mergePostings } from "../src/store/postings.js";
import { pack, unpack } from "msgpackr";
import { crc32 } from "node:zlib";
import { IndexReader, type TermEntry } from "../src/store/reader.js";
import { LruCache } from "../src/store/lru.js";
import { storedRecord } from "../src/store/stored-record.js";
import { ByteReader, ByteWriter } from "../src/store/varint.js";
import { IndexWriter } from "../src/store/writer.js";


const int = (rand: () => number, max: number) => Math.floor(rand() * max);

describe("varint", () => {
  test("values round trip through ByteWriter and ByteReader in the expected number of bytes", () => {
    const cases: [number, number][] = [
      [0, 1], [1, 1], [127, 1], [128, 2], [300, 2], [16383, 2], [16384, 3],
      [2 ** 21 - 1, 3], [2 ** 21, 4], [2 ** 28 - 1, 4], [2 ** 28, 5], [2 ** 31, 5], [2 ** 32 - 1, 5],
    ];
    for (const [value, size] of cases) {
      const w = new ByteWriter(1);
      w.varint(value);
      assert.equal(w.length, size, `${value} takes ${size} bytes`);
      const r = new ByteReader(w.view());
      assert.equal(r.varint(), value);
      assert.ok(r.done, `${value}: the reader consumed every byte`);
    }
  });

  test("LEB128 bytes are little-endian groups of 7 bits with a continuation bit", () => {
    const w = new ByteWriter();
    w.varint(300);
    w.varint(2 ** 32 - 1);
    assert.deepEqual([...w.view()], [0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  test("a sequence of varints, bytes and raw data reads back in order, growing the buffer", () => {
    const rand = random(1);
    const values = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? int(rand, 2 ** 32) : int(rand, 200)));
    const raw = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const w = new ByteWriter(2);
    for (const v of values) w.varint(v);
    w.byte(0xab);
    w.raw(raw);
    w.varint(16384);
    const r = new ByteReader(w.view());
    assert.deepEqual(values.map(() => r.varint()), values);
    assert.equal(r.byte(), 0xab);
    assert.deepEqual([...r.raw(raw.length)], [...raw]);
    assert.equal(r.varint(), 16384);
    assert.ok(r.done);
    assert.equal(r.pos, w.length);
  });
});

describe("LRU cache", () => {
  test("keeps the most recently used within its limit, by count or by weight; a value over the limit is made but not kept", () => {
    const made: string[] = [];
    const make = (key: string) => (made.push(key), key.repeat(key.length));
    const byWeight = new LruCache<string, string>(6, (value) => value.length);
    byWeight.get("a", make); // weight 1
    byWeight.get("bb", make); // weight 4: 5 in all
    byWeight.get("a", make); // used: "bb" is now the least recent
    byWeight.get("c", make); // weight 1 makes 6: nothing dropped
    assert.deepEqual([byWeight.has("a"), byWeight.has("bb"), byWeight.has("c")], [true, true, true]);
    byWeight.get("dd", make); // weight 4: "bb", the least recent, goes to make room, and that is room enough
    assert.deepEqual([byWeight.has("a"), byWeight.has("bb"), byWeight.has("c"), byWeight.has("dd")], [true, false, true, true]);
    assert.equal(byWeight.get("eee", make), "eeeeeeeee"); // weight 9, over the limit
    assert.equal(byWeight.has("eee"), false);
    assert.deepEqual([byWeight.has("a"), byWeight.has("c"), byWeight.has("dd")], [true, true, true], "a value not kept drops nothing");
    assert.throws(() => byWeight.get("f", () => { throw new Error("not at hand"); }));
    assert.deepEqual([byWeight.has("a"), byWeight.has("c"), byWeight.has("dd")], [true, true, true], "a make that throws drops nothing");
    assert.deepEqual(made, ["a", "bb", "c", "dd", "eee"]);
    const byCount = new LruCache<number, number>(2);
    for (const key of [1, 2, 1, 3]) byCount.get(key, (k) => k * 10);
    assert.deepEqual([byCount.has(1), byCount.has(2), byCount.has(3)], [true, false, true]);
  });
});

describe("msgpack decoding", () => {
  test("reads back what msgpackr writes: every size class of integer, string, binary, array and map", () => {
    const long = (n: number) => "é".repeat(n);
    const values: unknown[] = [
      null, true, false, 0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1,
      -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53 - 1), 0.5, -1.25, 1e300, Math.PI,
      "", "a", "x".repeat(31), "x".repeat(32), long(200), "x".repeat(70000), "ascii then é", "日本語",
      new Uint8Array([1, 2, 3]), new Uint8Array(300), new Uint8Array(70000),
      [], [1, "two", [3]], Array.from({ length: 20 }, (_, i) => i), Array.from({ length: 70000 }, (_, i) => i % 7),
      {}, { a: 1, b: { c: [true, null] } }, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
    ];
    for (const value of values) {
      const decoded = decodeMsgpack(pack(value));
      if (value instanceof Uint8Array) assert.deepEqual([...(decoded as Uint8Array)], [...value]);
      else assert.deepEqual(decoded, value);
    }
  });

  test("a stored block's document is found without decoding the ones before it", () => {
    const docs = Array.from({ length: 40 }, (_, i) => pack({ id: `Q${i}`, text: "y".repeat(i * 10) }));
    const block = pack(docs);
    for (const i of [0, 17, 39]) assert.deepEqual(decodeMsgpack(binaryElement(block, i)!), { id: `Q${i}`, text: "y".repeat(i * 10) });
    assert.equal(binaryElement(block, 40), undefined);
  });

  test("truncated input, trailing bytes and extension types are errors", () => {
    const bytes = pack({ title: "heap corruption", tags: ["PRB"] });
    assert.throws(() => decodeMsgpack(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => decodeMsgpack(new Uint8Array([...bytes, 0])), /past the value/);
    assert.throws(() => decodeMsgpack(new Uint8Array([0xd4, 1, 2])), /unsupported type/);
    assert.throws(() => decodeMsgpack(new Uint8Array([0xd9, 2, 0xc3, 0x28])), TypeError);
  });
});

describe("postings codec", () => {
  interface Posting {
    doc: number;
    tfs: number[];
    titlePositions: number[];
  }

  function encodeAll(postings: Posting[]): Uint8Array {
    const out = new ByteWriter(4);
    let prev = -1;
    for (const p of postings) {
      encodePosting(out, p.doc - prev, p.tfs, 0, p.titlePositions);
      prev = p.doc;
    }
    return out.view();
  }

  function decodeAll(bytes: Uint8Array, kept?: Uint32Array): Posting[] {
    const found: Posting[] = [];
    const d = new DecodedPostings().decode(bytes, kept);
    for (let i = 0; i < d.count; i++) {
      // The decoded field mask names exactly the fields with a tf (the scorer reads it in their stead).
      const mask = d.tfs.subarray(i * FIELD_COUNT, (i + 1) * FIELD_COUNT).reduce((m, tf, f) => (tf ? m | (1 << f) : m), 0);
      assert.equal(d.fields[i], mask, `fields of posting ${i}`);
      found.push({
        doc: d.docs[i]!,
        tfs: [...d.tfs.subarray(i * FIELD_COUNT, (i + 1) * FIELD_COUNT)],
        titlePositions: [...d.titlePositions.subarray(d.titleStart[i], d.titleStart[i + 1])],
      });
    }
    return found;
  }

  /** `tf` ascending title positions, some repeated (an identifier and its part share a position). */
  function positions(rand: () => number, tf: number): number[] {
    let pos = int(rand, 3);
    return Array.from({ length: tf }, () => (pos += rand() < 0.1 ? 0 : 1 + int(rand, 40)));
  }

  const bodyOnce = () => {
    const tfs = new Array<number>(FIELD_COUNT).fill(0);
    tfs[FIELD.body] = 1;
    return tfs;
  };

  test("random documents and field frequencies round trip", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = random(seed);
      const postings: Posting[] = [];
      let doc = int(rand, 3) - 1;
      for (let i = 0; i < 500; i++) {
        doc += 1 + (rand() < 0.1 ? int(rand, 100_000) : int(rand, 50));
        let tfs: number[];
        if (rand() < 0.4) {
          tfs = bodyOnce();
        } else {
          tfs = Array.from({ length: FIELD_COUNT }, (): number => (rand() < 0.5 ? 0 : rand() < 0.05 ? 0xffff : 1 + int(rand, 300)));
          if (!tfs.some((tf) => tf > 0)) tfs[int(rand, FIELD_COUNT)] = 1 + int(rand, 5);
          tfs[FIELD.title] = Math.min(tfs[FIELD.title]!, 1000);
        }
        postings.push({ doc, tfs, titlePositions: positions(rand, tfs[FIELD.title]!) });
      }
      assert.deepEqual(decodeAll(encodeAll(postings)), postings, `seed ${seed}`);
    }
  });

  test("a decode keeping only the documents whose bit is set steps over the others' frequencies and positions", () => {
    for (const seed of [11, 12, 13]) {
      const rand = random(seed);
      const postings: Posting[] = [];
      let doc = -1;
      for (let i = 0; i < 400; i++) {
        doc += 1 + int(rand, 20);
        // Simple, coded and escaped postings, with and without title positions, side by side.
        const tfs = rand() < 0.3 ? bodyOnce() : Array.from({ length: FIELD_COUNT }, (): number => (rand() < 0.5 ? 0 : rand() < 0.1 ? 500 + int(rand, 500) : 1 + int(rand, 3)));
        if (!tfs.some((tf) => tf > 0)) tfs[FIELD.title] = 1 + int(rand, 3);
        postings.push({ doc, tfs, titlePositions: positions(rand, tfs[FIELD.title]!) });
      }
      const bits = docBits(doc + 1);
      const kept = postings.filter((p) => {
        if (rand() >= 0.2) return false;
        addDoc(bits, p.doc);
        return true;
      });
      assert.ok(kept.length > 0 && kept.length < postings.length);
      assert.deepEqual(decodeAll(encodeAll(postings), bits), kept, `seed ${seed}`);
    }
  });

  test("small frequencies in every combination of fields, and large ones escaped, round trip", () => {
    const rand = random(7);
    const postings: Posting[] = [];
    let doc = -1;
    for (let mask = 1; mask < 1 << FIELD_COUNT; mask++) {
      // For each set of fields: tf 1 in each (coded), tfs up to 4 (coded or not), one large tf (escaped).
      for (const largest of [1, 4, 4, 4, 200, 60_000]) {
        const tfs = Array.from({ length: FIELD_COUNT }, (_, f) => (mask & (1 << f) ? 1 + int(rand, Math.min(largest, 4)) : 0));
        if (largest > 4) tfs[FIELD_COUNT - 1 - int(rand, FIELD_COUNT)] = largest;
        if (tfs[FIELD.title]! > 1000) tfs[FIELD.title] = 1000;
        doc += 1 + int(rand, 300);
        postings.push({ doc, tfs, titlePositions: positions(rand, tfs[FIELD.title]!) });
      }
    }
    assert.ok(postings.some((p) => fieldCode(p.tfs, 0) === ESCAPE) && postings.some((p) => fieldCode(p.tfs, 0) !== ESCAPE));
    assert.deepEqual(decodeAll(encodeAll(postings)), postings);
  });

  test("the field code table: every code names a distinct tuple, which encodes as that code", () => {
    assert.ok(CODE_COUNT > 200 && CODE_COUNT < ESCAPE, `${CODE_COUNT} codes`);
    const seen = new Set<string>();
    for (let code = 0; code < CODE_COUNT; code++) {
      const tfs = [...CODE_TFS.subarray(code * FIELD_COUNT, (code + 1) * FIELD_COUNT)];
      const key = tfs.join(",");
      assert.ok(!seen.has(key), `code ${code} repeats ${key}`);
      seen.add(key);
      assert.ok(tfs.some((tf) => tf > 0) && key !== bodyOnce().join(","), `code ${code} names ${key}, which no posting needs a code for`);
      assert.equal(fieldCode(tfs, 0), code, key);
    }
    // The archive's commonest tuples have codes; tuples past the rule's cost do not.
    for (const tfs of [[0, 0, 0, 1, 0], [0, 0, 0, 0, 2], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 1, 0], [1, 0, 0, 1, 1], [0, 0, 0, 0, 14]]) {
      assert.notEqual(fieldCode(tfs, 0), ESCAPE, tfs.join(","));
    }
    for (const tfs of [[0, 0, 0, 0, 15], [3, 0, 0, 0, 0], [0, 2, 0, 0, 1], [1, 1, 1, 1, 1]]) assert.equal(fieldCode(tfs, 0), ESCAPE, tfs.join(","));
  });

  test("tf 1 in the body only is the one-byte simple case; a coded tuple takes one byte more, an escaped one a mask and tfs", () => {
    const titleOnce = new Array<number>(FIELD_COUNT).fill(0);
    titleOnce[FIELD.title] = 1;
    const bodyTwice = new Array<number>(FIELD_COUNT).fill(0);
    bodyTwice[FIELD.body] = 2;
    const bodyAndTitle = bodyOnce();
    bodyAndTitle[FIELD.title] = 1;
    const bodyOften = new Array<number>(FIELD_COUNT).fill(0);
    bodyOften[FIELD.body] = 200;
    const everywhere = new Array<number>(FIELD_COUNT).fill(1);
    const cases: [string, number[], number][] = [
      ["body tf 1", bodyOnce(), 1],
      ["title tf 1, at position 2", titleOnce, 3],
      ["body tf 2", bodyTwice, 2],
      ["body and title tf 1, at position 2", bodyAndTitle, 3],
      ["body tf 200 (escaped: tf in two bytes)", bodyOften, 5],
      ["tf 1 in every field, at position 2 (escaped)", everywhere, 9],
    ];
    for (const [name, tfs, size] of cases) {
      const postings = [{ doc: 5, tfs, titlePositions: tfs[FIELD.title] ? [2] : [] }];
      const bytes = encodeAll(postings);
      assert.equal(bytes.length, size, name);
      assert.deepEqual(decodeAll(bytes), postings, name);
    }
    // 100 simple postings with small gaps: one byte each.
    const simple = Array.from({ length: 100 }, (_, i) => ({ doc: i * 3, tfs: bodyOnce(), titlePositions: [] }));
    const bytes = encodeAll(simple);
    assert.equal(bytes.length, simple.length);
    assert.deepEqual(decodeAll(bytes), simple);
  });

  test("encodePosting reads a document's frequencies at an offset in a shared array", () => {
    const scratch = new Uint16Array(FIELD_COUNT * 3);
    scratch.set([0, 2, 0, 0, 7], FIELD_COUNT * 2);
    const out = new ByteWriter();
    encodePosting(out, 10, scratch, FIELD_COUNT * 2);
    assert.deepEqual(decodeAll(out.view()), [{ doc: 9, tfs: [0, 2, 0, 0, 7], titlePositions: [] }]);
  });

  test("a title frequency without as many title positions is refused, not written wrong", () => {
    assert.throws(() => encodePosting(new ByteWriter(), 1, [2, 0, 0, 0, 0], 0, [4]), /title positions/);
  });

  test("an empty list decodes to nothing", () => {
    assert.deepEqual(decodeAll(new Uint8Array(0)), []);
  });

  test("merging carried and added lists copies each posting, coded or escaped, with new document gaps", () => {
    const rand = random(11);
    const tuples = [bodyOnce(), [1, 0, 0, 1, 0], [0, 0, 0, 0, 3], [2, 0, 0, 0, 40], [0, 5, 0, 0, 0], [1, 1, 1, 1, 1], [0, 0, 2, 1, 0]];
    const make = (doc: number): Posting => {
      const tfs = [...tuples[int(rand, tuples.length)]!];
      return { doc, tfs, titlePositions: positions(rand, tfs[FIELD.title]!) };
    };
    // The previous index's documents 0..59; every third one is gone and the rest renumbered, in order.
    const carried = Array.from({ length: 60 }, (_, doc) => make(doc));
    const renumber = new Int32Array(carried.length).fill(-1);
    let next = 0;
    const kept: Posting[] = [];
    for (const p of carried) {
      if (p.doc % 3 === 1) continue;
      renumber[p.doc] = next;
      kept.push({ ...p, doc: next });
      next += 2;
    }
    // Added documents take the odd numbers between.
    const added = Array.from({ length: 30 }, (_, i) => make(2 * i + 1));
    const out = new ByteWriter();
    const count = mergePostings(out, encodeAll(carried), renumber, encodeAll(added));
    const expected = [...kept, ...added].sort((a, b) => a.doc - b.doc);
    assert.equal(count, expected.length);
    assert.deepEqual([...out.view()], [...encodeAll(expected)]);
  });

  test("merging refuses a field code the table lacks", () => {
    const bytes = new Uint8Array([2, CODE_COUNT]);
    assert.throws(() => mergePostings(new ByteWriter(), bytes, new Int32Array([0, 1]), new Uint8Array(0)), /field code/);
  });
});

/** One synthetic document: per field, its terms in order. */
interface SyntheticDoc {
  number: number;
  fields: string[][];
  stored: StoredDoc;
}

const DOCS = 75;
/** Each document's source file size. */
const SOURCE_BYTES = 1500;
const SHARED = ["heap", "heapalloc", "heapfree", "heaps", "corrupt", "crash", "café", "cafe", "caféine", "kernel32.dll", "0x480df78", "4.0"];

function syntheticDocs(): SyntheticDoc[] {
  const rand = random(42);
  const docs: SyntheticDoc[] = [];
  for (let doc = 0; doc < DOCS; doc++) {
    // Unsorted, unique article numbers.
    const number = 900_000 + ((doc * 7919) % 10_007);
    const pick = () => SHARED[int(rand, SHARED.length)]!;
    const fields: string[][] = [
      [pick(), `title${doc % 7}`],
      doc % 3 === 0 ? [] : [pick(), pick()],
      [`kb${doc % 5}`],
      [`lead${doc}`, pick()],
      Array.from({ length: 3 + int(rand, 20) }, (_, i) => (i % 4 === 0 ? `word${int(rand, 150)}` : pick())),
    ];
    const text = `Article: Q${number}\n\nSYMPTOMS\n========\n\n${fields.flat().join(" ")}\n`;
    docs.push({
      number,
      fields,
      stored: {
        id: `Q${number}`,
        title: `Synthetic article ${doc}`,
        tag: doc % 2 ? "PRB" : "",
        products: doc % 4 ? ["Microsoft Widget"] : [],
        modified: `19${90 + (doc % 10)}-0${1 + (doc % 9)}-1${doc % 10}`,
        bodyStart: text.indexOf("SYMPTOMS"),
        bodyEnd: text.length,
        text,
      },
    });
  }
  return docs;
}

/** Term -> doc -> per-field frequencies, computed apart from the builder. */
function expectedPostings(docs: SyntheticDoc[]): Map<string, Map<number, number[]>> {
  const expected = new Map<string, Map<number, number[]>>();
  docs.forEach((d, doc) => {
    d.fields.forEach((terms, field) => {
      for (const term of terms) {
        let byDoc = expected.get(term);
        if (!byDoc) expected.set(term, (byDoc = new Map()));
        let tfs = byDoc.get(doc);
        if (!tfs) byDoc.set(doc, (tfs = new Array<number>(FIELD_COUNT).fill(0)));
        tfs[field]!++;
      }
    });
  });
  return expected;
}

async function writeIndex(dir: string, docs: SyntheticDoc[], analyzerId = ANALYZER_ID): Promise<number> {
  const builder = new PostingsBuilder();
  const writer = new IndexWriter(dir);
  const docMeta = new DocMetaBuilder();
  docs.forEach((d, doc) => {
    builder.startDocument(doc);
    d.fields.forEach((terms, field) => {
      terms.forEach((term, pos) => builder.add(builder.termId(term), field, pos));
    });
    builder.endDocument();
    writer.addDocument({ number: d.number, digest: new Uint8Array(8).fill(doc), sourceBytes: SOURCE_BYTES, stored: pack(storedRecord(d.stored)), fieldLengths: d.fields.map((f) => f.length) });
    docMeta.add({ ...d.stored, appliesTo: [], versions: ["1.0", `${doc}.0`], operatingSystems: [], keywords: ["kbsynthetic", `kb${doc}`], technology: [], issueType: [], solutionType: [] });
  });
  return writer.publish(builder.finish(), { source: "synthetic", analyzerId, docMeta: docMeta.finish() });
}

function assertIndexError(fn: () => void, code: string, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof KbSearchError, `${label}: ${String(error)}`);
    assert.equal(error.code, code, `${label}: ${error.message}`);
    assert.equal(error.exitCode, 3, label);
    assert.match(error.message, /kbsearch index/, label);
    return true;
  }, label);
}

describe("index file", () => {
  let tmp = "";
  let dir = "";
  let fileSize = 0;
  const docs = syntheticDocs();
  const expected = expectedPostings(docs);
  const allTerms = [...expected.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "kbsearch-store-"));
    dir = join(tmp, "index");
    fileSize = await writeIndex(dir, docs);
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens the good index, runs `fn`, closes it. */
  function withReader(fn: (reader: IndexReader) => void): void {
    const reader = IndexReader.open(dir);
    try {
      fn(reader);
    } finally {
      reader.close();
    }
  }

  /** A copy of the good index with `change` applied to its bytes, in its own folder. */
  function damaged(name: string, change: (bytes: Buffer) => Buffer): string {
    const target = join(tmp, name);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, INDEX_FILE), change(Buffer.from(readFileSync(join(dir, INDEX_FILE)))));
    return target;
  }

  test("the synthetic set spans several dictionary blocks, and each document is a stored block of its own", () => {
    assert.ok(allTerms.length > 2 * TERMS_PER_BLOCK, `${allTerms.length} terms`);
    withReader((reader) => {
      for (let doc = 0; doc < docs.length; doc++) assert.deepEqual(reader.storeBlockOf(doc), { index: doc, first: doc, end: doc + 1 });
    });
  });

  test("publish writes one file, about the size it reports, and no temporary file", () => {
    assert.deepEqual(readdirSync(dir), [INDEX_FILE]);
    const file = readFileSync(join(dir, INDEX_FILE));
    assert.ok(file.length <= fileSize && fileSize - file.length < 8, `file ${file.length} bytes, reported ${fileSize}`);
    assert.equal(file.subarray(0, 8).toString("latin1"), MAGIC);
  });

  test("publish reports the exact file size", () => {
    assert.equal(readFileSync(join(dir, INDEX_FILE)).length, fileSize);
  });

  test("the header counts documents, terms and blocks, and averages field lengths", () => {
    withReader((reader) => {
      const h = reader.header;
      assert.equal(h.formatVersion, FORMAT_VERSION);
      assert.equal(h.analyzerId, ANALYZER_ID);
      assert.equal(h.source, "synthetic");
      assert.equal(reader.docCount, docs.length);
      assert.equal(h.termCount, allTerms.length);
      assert.equal(h.blockCount, Math.ceil(allTerms.length / TERMS_PER_BLOCK));
      assert.equal(h.textBytes, docs.length * SOURCE_BYTES, "the source files' bytes");
      for (let f = 0; f < FIELD_COUNT; f++) {
        // The mean of the lengths as stored (their codes' lengths), as an update can recompute it; 0 for a field whose length is not kept.
        const mean = docs.reduce((sum, d) => sum + LENGTH_OF_CODE[fieldLengthCode(f, d.fields[f]!.length)]!, 0) / docs.length;
        assert.ok(Math.abs(h.avgFieldLength[f]! - mean) < 1e-9, `field ${f}`);
      }
      assert.ok(docs.some((d) => d.fields[FIELD.meta]!.length > 0), "the synthetic documents have meta fields");
      assert.deepEqual([...reader.fieldLengthCodes], docs.flatMap((d) => d.fields.map((f, i) => fieldLengthCode(i, f.length))));
      assert.ok(docs.every((_, doc) => reader.fieldLengthCodes[doc * FIELD_COUNT + FIELD.meta] === 0), "no meta length is kept");
    });
  });

  test("lookup finds every term with its document frequency and exact postings", () => {
    withReader((reader) => {
      for (const term of allTerms) {
        const entry = reader.lookup(term);
        assert.ok(entry, `${term} is missing`);
        assert.equal(entry.term, term);
        const byDoc = expected.get(term)!;
        assert.equal(entry.docFreq, byDoc.size, term);
        const found: [number, number[]][] = [];
        const d = new DecodedPostings().decode(reader.postings(entry));
        for (let i = 0; i < d.count; i++) found.push([d.docs[i]!, [...d.tfs.subarray(i * FIELD_COUNT, (i + 1) * FIELD_COUNT)]]);
        assert.deepEqual(found, [...byDoc.entries()], term);
      }
    });
  });

  test("terms the index does not hold are undefined, before, between and after the blocks", () => {
    withReader((reader) => {
      for (const term of ["", "!", "0", "heapx", "heap ", "caf", "word1000", "title", "zzzz", "\uffff"]) {
        assert.ok(!expected.has(term), term);
        assert.equal(reader.lookup(term), undefined, JSON.stringify(term));
      }
    });
  });

  test("lookupAll finds each term as lookup does: in any order, asked twice, absent, non-ASCII, over every block", () => {
    const absent = ["", "!", "0", "heapx", "heap ", "caf", "word1000", "title", "zzzz", "\uffff"];
    // Every term and the absent ones, shuffled, some twice, in a fresh reader (no block decoded yet)
    // and again in one whose blocks lookup has decoded.
    const asked = [...allTerms, ...absent, ...allTerms.filter((_, i) => i % 5 === 0)];
    shuffle(asked, random(7));
    assert.ok(allTerms.some((t) => /[^\x00-\x7f]/.test(t)), "a non-ASCII term is asked for");
    const strip = (e: TermEntry | undefined) => e && { ...e };
    withReader((reader) => {
      const found = reader.lookupAll(asked);
      const each = asked.map((term) => reader.lookup(term));
      assert.deepEqual(found.map(strip), each.map(strip));
      assert.equal(found.filter((e) => e !== undefined).length, asked.length - absent.length);
      assert.deepEqual(reader.lookupAll(asked).map(strip), each.map(strip), "blocks already decoded");
      assert.deepEqual(reader.lookupAll([]), []);
    });
  });

  test("withPrefix returns the sorted matches, at most `limit`", () => {
    withReader((reader) => {
      const cases: [string, number][] = [
        ["heap", 100],
        ["heap", 2],
        ["caf", 100],
        ["word1", 100],
        ["word", 100],
        ["lead", 30],
        ["", 70],
        ["0", 10],
        ["zzz", 10],
        ["heapz", 10],
      ];
      for (const [prefix, limit] of cases) {
        const want = allTerms.filter((t) => t.startsWith(prefix)).slice(0, limit);
        const got = reader.withPrefix(prefix, limit);
        assert.deepEqual(got.map((e) => e.term), want, `${JSON.stringify(prefix)} limit ${limit}`);
        for (const e of got) assert.equal(e.docFreq, expected.get(e.term)!.size, e.term);
      }
      // A prefix matching across a block boundary.
      assert.ok(allTerms.filter((t) => t.startsWith("word")).length > TERMS_PER_BLOCK);
    });
  });

  test("docForArticle maps article numbers to documents", () => {
    withReader((reader) => {
      docs.forEach((d, doc) => assert.equal(reader.docForArticle(d.number), doc, d.stored.id));
      for (const absent of [0, 1, 899_999, 900_000 + 10_007, 2 ** 31]) {
        if (docs.some((d) => d.number === absent)) continue;
        assert.equal(reader.docForArticle(absent), undefined, String(absent));
      }
    });
  });

  test("stored(doc) returns each document's text and metadata, in any order", () => {
    withReader((reader) => {
      const order = [0, DOCS - 1, 33, 1, 64, 31, 32, 63, 74, 2];
      for (const doc of [...order, ...docs.keys()]) assert.deepEqual(reader.stored(doc), docs[doc]!.stored, `doc ${doc}`);
    });
  });

  test("opening a folder without an index is index-missing", () => {
    assertIndexError(() => IndexReader.open(join(tmp, "nothing-here")), "index-missing", "missing folder");
    mkdirSync(join(tmp, "empty-folder"), { recursive: true });
    assertIndexError(() => IndexReader.open(join(tmp, "empty-folder")), "index-missing", "empty folder");
  });

  test("a file that is not a kbsearch index is index-corrupt", () => {
    const cases: [string, (bytes: Buffer) => Buffer][] = [
      ["wrong-magic", (b) => (b.write("NOTANIDX", 0, "latin1"), b)],
      ["empty", () => Buffer.alloc(0)],
      ["shorter-than-preamble", (b) => b.subarray(0, 10)],
      ["text", () => Buffer.from("just some text that is long enough to pass the preamble\n")],
    ];
    for (const [name, change] of cases) assertIndexError(() => IndexReader.open(damaged(name, change)), "index-corrupt", name);
  });

  test("another format version or analyzer is index-version", async () => {
    assertIndexError(() => IndexReader.open(damaged("next-version", (b) => (b.writeUInt32LE(FORMAT_VERSION + 1, 8), b))), "index-version", "format");
    assertIndexError(() => IndexReader.open(damaged("version-zero", (b) => (b.writeUInt32LE(0, 8), b))), "index-version", "format 0");
    const other = join(tmp, "other-analyzer");
    await writeIndex(other, docs.slice(0, 3), "other-analyzer/0");
    assertIndexError(() => IndexReader.open(other), "index-version", "analyzer");
  });

  test("an index whose blocks were compressed with another store dictionary is index-version", () => {
    const otherDictionary = damaged("other-dictionary", (bytes) => {
      // The header rewritten with another dictionary checksum of the same width, its own checksum made good.
      const length = bytes.readUInt32LE(12);
      const header = unpack(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + length)) as { storeDictionaryCrc: number };
      header.storeDictionaryCrc = (header.storeDictionaryCrc ^ 0x5a5a5a5a) >>> 0;
      const rewritten = pack(header);
      assert.equal(rewritten.length, length, "the rewritten header keeps its length");
      rewritten.copy(bytes, PREAMBLE_BYTES);
      bytes.writeUInt32LE(crc32(rewritten), 16);
      return bytes;
    });
    assertIndexError(() => IndexReader.open(otherDictionary), "index-version", "store dictionary");
  });

  test("a damaged header is index-corrupt", () => {
    const cases: [string, (bytes: Buffer) => Buffer][] = [
      ["header-garbage", (b) => (b.fill(0xc1, 16, 40), b)],
      ["header-past-the-end", (b) => (b.writeUInt32LE(b.length + 1000, 12), b)],
    ];
    for (const [name, change] of cases) assertIndexError(() => IndexReader.open(damaged(name, change)), "index-corrupt", name);
  });

  test("a file cut in half is index-corrupt, at open or at the first read", () => {
    const target = damaged("half", (b) => b.subarray(0, b.length >> 1));
    assertIndexError(() => {
      const reader = IndexReader.open(target);
      try {
        for (const term of allTerms) {
          const entry = reader.lookup(term);
          if (entry) reader.postings(entry);
        }
        for (let doc = 0; doc < docs.length; doc++) reader.stored(doc);
        reader.docForArticle(docs[0]!.number);
      } finally {
        reader.close();
      }
    }, "index-corrupt", "cut in half");
  });

  test("publishing again replaces the index", async () => {
    const again = join(tmp, "again");
    await writeIndex(again, docs);
    await writeIndex(again, docs.slice(0, 5));
    assert.deepEqual(readdirSync(again), [INDEX_FILE]);
    const reader = IndexReader.open(again);
    try {
      assert.equal(reader.docCount, 5);
      assert.deepEqual(reader.stored(4), docs[4]!.stored);
      assert.equal(reader.docForArticle(docs[5]!.number), undefined);
    } finally {
      reader.close();
    }
  });
});

describe("the block index", () => {
  test("keeps each dictionary block's shortest key: a beginning of its first term that sorts after the term before it", async () => {
    const dir = await buildSampleIndex("kbsearch-block-keys-");
    try {
      const reader = IndexReader.open(dir);
      const terms = [...reader.allTerms()].map((entry) => entry.term);
      const file = readFileSync(join(dir, INDEX_FILE));
      const dataStart = dataStartOf(file);
      const { offset, length } = reader.header.sections.blockIndex;
      const keys = file.subarray(dataStart + offset, dataStart + offset + length).toString("utf8").split("\n");
      assert.equal(keys.length, Math.ceil(terms.length / TERMS_PER_BLOCK));
      assert.equal(keys[0], terms[0]);
      let shorter = 0;
      for (let block = 1; block < keys.length; block++) {
        const first = terms[block * TERMS_PER_BLOCK]!;
        const before = terms[block * TERMS_PER_BLOCK - 1]!;
        const key = keys[block]!;
        assert.ok(first.startsWith(key) && key > before && key.slice(0, -1) <= before, `${before} | ${key} | ${first}`);
        if (key.length < first.length) shorter++;
      }
      assert.ok(shorter > keys.length / 2, `${shorter} of ${keys.length} keys shorter than their block's first term`);
      // Every term is found through them, and a term between two blocks is not.
      assert.ok(terms.every((term) => reader.lookup(term)?.term === term));
      for (let block = 1; block < keys.length; block++) assert.equal(reader.lookup(terms[block * TERMS_PER_BLOCK - 1]! + "\u0001"), undefined);
      reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
