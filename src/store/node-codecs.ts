/** The reader's codecs in Node: zlib's checksums, inflater and brotli. */
import { brotliDecompressSync, crc32 } from "node:zlib";
import type { ReaderCodecs } from "./codecs.js";
import { decodeDocMeta } from "./docmeta.js";
import { inflateStoreBlock } from "./store-blocks.js";

export const nodeCodecs: ReaderCodecs = {
  crc32: (bytes) => crc32(bytes),
  inflateStoreBlock,
  docMeta: (read, docCount) => decodeDocMeta(brotliDecompressSync(read()), docCount),
  verifiesChunks: true,
};
