/** The build's chunked postings lists: each list reads back exactly the bytes appended to it, however appends interleave. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TermLists } from "../src/indexer/term-lists.js";
import { ByteWriter } from "../src/store/varint.js";
import { random } from "./helpers.js";

test("interleaved appends to many lists read back list by list, across chunk links and buffer growth", () => {
  const next = random(7);
  const lists = new TermLists();
  const expected: ByteWriter[] = [];
  for (let round = 0; round < 1_000_000; round++) {
    // Now and then a new list; appends favour a few long lists, as postings do common terms.
    if (expected.length === 0 || next() < 0.02) {
      assert.equal(lists.addList(), expected.length);
      expected.push(new ByteWriter());
    }
    const id = next() < 0.5 ? Math.floor(next() * Math.min(3, expected.length)) : Math.floor(next() * expected.length);
    lists.select(id);
    const value = Math.floor(next() ** 4 * 2 ** 32);
    if (next() < 0.5) {
      lists.varint(value);
      expected[id]!.varint(value);
    } else {
      lists.byte(value & 0xff);
      expected[id]!.byte(value & 0xff);
    }
  }
  assert.ok(expected[0]!.length > 100_000, "a list spans many chunks");
  assert.ok(expected.reduce((sum, w) => sum + w.length, 0) > 1 << 20, "the lists outgrow the first buffer");
  expected.forEach((writer, id) => {
    assert.equal(lists.length(id), writer.length, `list ${id}: length`);
    const out = new Uint8Array(writer.length + 2).fill(0xee);
    lists.copyTo(id, out, 1);
    assert.deepEqual(out.subarray(1, -1), writer.view(), `list ${id}: bytes`);
    assert.equal(out[0], 0xee);
    assert.equal(out[out.length - 1], 0xee);
  });
});
