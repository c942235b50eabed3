/** The store's compression dictionary: how its lines are chosen, and that it is part of the format. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chooseLines } from "../bench/derive-store-dictionary.js";
import { STORE_DICTIONARY_BYTES } from "../src/store/format.js";
import { STORE_DICTIONARY_LINES } from "../src/store/store-dictionary.js";
import { StoreBlockCompressor, inflateStoreBlock } from "../src/store/store-blocks.js";

describe("store dictionary", () => {
  test("lines many articles share are chosen, the most bytes saved last, within the budget", () => {
    const held = new Map<string, number>([
      ["The information in this article applies to:", 5000],
      ["Microsoft has confirmed this to be a problem", 3000],
      ["SYMPTOMS", 20000],
      ["a line only a few articles hold, however long it is", 99],
      ["short", 50000],
    ]);
    const lines = chooseLines(held);
    assert.deepEqual(lines, ["SYMPTOMS", "Microsoft has confirmed this to be a problem", "The information in this article applies to:"]);
    // A line past the budget is passed over for smaller ones after it.
    const small = chooseLines(held, 60);
    assert.ok(Buffer.byteLength(small.join("\n")) + 1 <= 60, small.join("|"));
    assert.deepEqual(small, ["SYMPTOMS", "The information in this article applies to:"]);
  });

  test("the committed dictionary fits deflate's window", () => {
    assert.ok(STORE_DICTIONARY_LINES.length > 100);
    assert.ok(Buffer.byteLength(STORE_DICTIONARY_LINES.join("\n")) <= STORE_DICTIONARY_BYTES);
  });

  test("a block compresses smaller with it and comes back whole", async () => {
    const text = Buffer.from(STORE_DICTIONARY_LINES.slice(-40).join("\n") + "\nan article's own words\n");
    const compressed = await new StoreBlockCompressor().compress(text);
    assert.deepEqual(Buffer.from(inflateStoreBlock(compressed)), text);
    const { deflateRawSync } = await import("node:zlib");
    assert.ok(compressed.length < deflateRawSync(text, { level: 6 }).length / 2, `${compressed.length} bytes`);
  });
});
