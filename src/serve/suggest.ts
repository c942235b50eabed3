/**
 * Title suggestions as a user types (`GET /api/suggest?q=heap corr`): the articles whose titles
 * hold words starting with what was typed, by FlexSearch over the index's 60,000 titles. The
 * library's search answers a different question (the whole article's text, ranked by BM25F), and
 * its hits for a half-typed query are poor title suggestions; FlexSearch's forward index of
 * titles answers in well under a millisecond. It costs the titles' read and FlexSearch's build at
 * start and on each reopened index (seconds) and about 130 MB of RSS: the build runs in slices
 * of a few milliseconds between requests, and `serve --no-suggest` leaves it out.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { Index } from "flexsearch";
import { IndexReader } from "../store/reader.js";

/** Work done between two turns of the event loop while building: requests wait at most about this long for it. */
const SLICE_MS = 5;

export interface Suggestion {
  id: string;
  title: string;
}

/** What building the suggestions cost, reported in the log and by `/api/stats`. */
export interface SuggestionBuild {
  titles: number;
  seconds: number;
  heapBytes: number;
}

export class TitleSuggestions {
  private constructor(
    private readonly ids: string[],
    private readonly titles: string[],
    private readonly index: Index,
    /** The checksum of the index the titles were read from. */
    readonly checksum: string,
    readonly build: SuggestionBuild,
  ) {}

  /**
   * Reads every title of the index in `dir` and indexes them, yielding to the event loop every
   * few milliseconds. `cancelled` is asked between slices: a newer index makes this build moot.
   */
  static async build(dir: string, cancelled: () => boolean = () => false): Promise<TitleSuggestions | undefined> {
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    const reader = IndexReader.open(dir);
    const ids: string[] = [];
    const titles: string[] = [];
    const index = new Index({ tokenize: "forward", resolution: 3 });
    try {
      let slice = performance.now();
      for (let doc = 0; doc < reader.docCount; doc++) {
        const stored = reader.stored(doc);
        ids.push(stored.id);
        titles.push(stored.title);
        index.add(doc, stored.title);
        if (performance.now() - slice > SLICE_MS) {
          await nextTurn();
          if (cancelled()) return undefined;
          slice = performance.now();
        }
      }
    } finally {
      reader.close();
    }
    const build = { titles: titles.length, seconds: (performance.now() - started) / 1000, heapBytes: process.memoryUsage().heapUsed - heapBefore };
    return new TitleSuggestions(ids, titles, index, reader.checksum, build);
  }

  /** Up to `limit` titles holding words that start with the words of `typed`, best first. */
  suggest(typed: string, limit: number): Suggestion[] {
    if (limit === 0 || typed.trim() === "") return [];
    const docs = this.index.search(typed, { limit }) as number[];
    return docs.map((doc) => ({ id: this.ids[doc]!, title: this.titles[doc]! }));
  }
}
