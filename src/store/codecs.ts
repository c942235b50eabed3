/**
 * What a reader needs besides bytes, which Node and a browser each do their own way: checksums,
 * inflating stored blocks with the store dictionary, and decoding the docMeta section. Node's are
 * node-codecs.ts (zlib); a browser's are src/web/browser-codecs.ts (fflate).
 */
import type { DocMetaColumns } from "./docmeta.js";
import { STORE_DICTIONARY_LINES } from "./store-dictionary.js";

export interface ReaderCodecs {
  crc32(bytes: Uint8Array): number;
  /** A stored block as written (deflated with the store dictionary), inflated. */
  inflateStoreBlock(compressed: Uint8Array): Uint8Array;
  /** The docMeta section decoded; `read` gives its bytes as stored, for codecs that decode them. */
  docMeta(read: () => Uint8Array, docCount: number): DocMetaColumns;
  /**
   * Whether reads check the data region's chunk checksums. A local file does; a browser does not,
   * since checking a 500-byte read means fetching its whole 16 KB chunk.
   */
  readonly verifiesChunks: boolean;
  /**
   * An article's most telling terms as a static site lists them, worked out when it was written
   * (query/related.ts); undefined where nothing lists them (a local index), and the reader's
   * caller works them out from the article's text.
   */
  tellingTerms?(doc: number): readonly TellingTerm[] | undefined;
  /**
   * False when `term` is surely held in fewer than `minDocFreq` articles (or not at all), told
   * without the dictionary (a static site's filter of the terms corrections may be); true when it
   * may be held in that many, or where nothing tells (a local index): then the dictionary says.
   */
  mayBeHeldIn?(term: string, minDocFreq: number): boolean;
}

/** A term of an article and how often the article's title and body hold it. */
export interface TellingTerm {
  term: string;
  tf: number;
}

let dictionary: Uint8Array | undefined;

/** The store dictionary as the compressor and the inflaters are primed with it. */
export function storeDictionaryBytes(): Uint8Array {
  return (dictionary ??= new TextEncoder().encode(STORE_DICTIONARY_LINES.join("\n")));
}
