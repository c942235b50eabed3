/** Ranking and presentation pieces: BM25F, TopK, article numbers in queries, and snippets. */
import { describe, test } from "node:test";
import { random, sampleCorpus } from "./helpers.js";
import assert from "node:assert/strict";
import { analyzeToTokens } from "../src/analyze/analyzer.js";
import { highlightSpans, makeSnippet, SNIPPET_LENGTH } from "../src/present/snippet.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArticle } from "../src/parse/article.js";
import { articleNumberIn, parseQuery } from "../src/query/parse.js";
import { idf, inverseAverages, occurrenceUnit, occurrenceUnits, pseudoFrequency, saturate } from "../src/rank/bm25f.js";
import { TopK } from "../src/rank/topk.js";
import { MIN_RUN, queryRun, RUN_BRIDGE, RUN_WORD_POINTS, runIn, runPoints } from "../src/rank/verbatim.js";
import { findTerms } from "../src/analyze/term-places.js";
import { coverageBonus, DIALOG_PHRASE_PAIRS, fullPhrasePairs, leadEmphasis, LONG_QUERY_WORDS, queryWeights, RARE_SHARE, titlePhraseShare } from "../src/rank/features.js";
import { WEIGHTS } from "../src/rank/weights.js";
import type { PlannedGroup, QueryPlan } from "../src/query/expand.js";
import type { IndexReader, TermEntry } from "../src/store/reader.js";
import { FIELD, FIELD_COUNT, LENGTH_OF_CODE, lengthCode } from "../src/store/format.js";


describe("bm25f", () => {
  /** Average lengths that length codes hold exactly (the index stores lengths as codes). */
  const AVG = [8, 6, 10, 120, 400].map((length) => LENGTH_OF_CODE[lengthCode(length)]!);
  const invAvg = inverseAverages(AVG);

  /** pseudoFrequency over field lengths given as lengths, from the document at `at` of them. */
  function pf(tfs: number[], lengths: number[], at: number, inverse: Float64Array): number {
    return pseudoFrequency(tfs, 0, lengths.map(lengthCode), at, occurrenceUnits(inverse));
  }

  /** Frequencies with `tf` in `field` only. */
  function only(field: number, tf: number): number[] {
    const tfs = new Array<number>(FIELD_COUNT).fill(0);
    tfs[field] = tf;
    return tfs;
  }

  test("the tables have one entry per field", () => {
    assert.equal(WEIGHTS.fieldWeights.length, FIELD_COUNT);
    assert.equal(WEIGHTS.fieldB.length, FIELD_COUNT);
    for (let f = 0; f < FIELD_COUNT; f++) {
      assert.ok(WEIGHTS.fieldWeights[f]! > 0, `weight ${f}`);
      assert.ok(WEIGHTS.fieldB[f]! >= 0 && WEIGHTS.fieldB[f]! <= 1, `b ${f}`);
    }
  });

  test("idf is positive and decreases as document frequency grows", () => {
    for (const n of [1, 10, 1000, 60_335]) {
      let previous = Infinity;
      for (let df = 1; df <= n; df += Math.max(1, Math.floor(n / 97))) {
        const value = idf(n, df);
        assert.ok(value > 0 && Number.isFinite(value), `idf(${n}, ${df}) = ${value}`);
        assert.ok(value < previous, `idf(${n}, ${df}) does not decrease`);
        previous = value;
      }
    }
    assert.ok(idf(60_335, 1) > idf(60_335, 2));
    assert.ok(Math.abs(idf(100, 10) - Math.log(1 + 90.5 / 10.5)) < 1e-12);
  });

  test("saturate is 0 at 0, increasing, and bounded by k1 + 1", () => {
    assert.equal(saturate(0), 0);
    let previous = 0;
    for (const x of [1e-6, 0.01, 0.5, 1, 2, 5, 10, 100, 1e4, 1e8]) {
      const value = saturate(x);
      assert.ok(value > previous, `saturate(${x}) does not increase`);
      assert.ok(value < WEIGHTS.k1 + 1, `saturate(${x}) = ${value} exceeds k1 + 1`);
      previous = value;
    }
    assert.ok(WEIGHTS.k1 + 1 - saturate(1e8) < 1e-6, "approaches WEIGHTS.k1 + 1");
    assert.ok(Math.abs(saturate(WEIGHTS.k1) - (WEIGHTS.k1 + 1) / 2) < 1e-12, "half way at k1");
  });

  test("pseudoFrequency grows with tf in every field", () => {
    const lengths = [...AVG];
    for (let f = 0; f < FIELD_COUNT; f++) {
      let previous = 0;
      for (const tf of [1, 2, 3, 10, 100]) {
        const value = pf(only(f, tf), lengths, 0, invAvg);
        assert.ok(value > previous, `field ${f} tf ${tf}`);
        previous = value;
      }
    }
    assert.equal(pf(new Array<number>(FIELD_COUNT).fill(0), lengths, 0, invAvg), 0);
  });

  test("a match weighs by its field: title outweighs body at the same tf and length", () => {
    // The same length in both fields, against the same average length.
    const sameAvg = inverseAverages(new Array<number>(FIELD_COUNT).fill(20));
    for (const tf of [1, 2, 5]) {
      for (const length of [1, 4, 20, 50, 500]) {
        const lengths = new Array<number>(FIELD_COUNT).fill(length);
        const title = pf(only(FIELD.title, tf), lengths, 0, sameAvg);
        const body = pf(only(FIELD.body, tf), lengths, 0, sameAvg);
        assert.ok(title > body, `tf ${tf}, length ${length}: title ${title} <= body ${body}`);
      }
    }
    // At average length, a field's pseudo frequency is its weight times tf.
    for (let f = 0; f < FIELD_COUNT; f++) {
      assert.ok(Math.abs(pf(only(f, 3), AVG, 0, invAvg) - 3 * WEIGHTS.fieldWeights[f]!) < 1e-9, `field ${f}`);
    }
  });

  test("pseudoFrequency shrinks as the field grows longer, and sums over fields", () => {
    let previous = Infinity;
    for (const length of [1, 50, 200, 400, 1000, 10_000]) {
      const lengths = [...AVG];
      lengths[FIELD.body] = length;
      const value = pf(only(FIELD.body, 2), lengths, 0, invAvg);
      assert.ok(value < previous, `body length ${length}`);
      previous = value;
    }
    const both = only(FIELD.title, 1);
    both[FIELD.body] = 4;
    const sum = pf(only(FIELD.title, 1), AVG, 0, invAvg) + pf(only(FIELD.body, 4), AVG, 0, invAvg);
    assert.ok(Math.abs(pf(both, AVG, 0, invAvg) - sum) < 1e-9);
  });

  test("pseudoFrequency reads the document's lengths at an offset", () => {
    const lengths = [...AVG, ...AVG.map((l) => l * 4)];
    const first = pf(only(FIELD.body, 1), lengths, 0, invAvg);
    const second = pf(only(FIELD.body, 1), lengths, FIELD_COUNT, invAvg);
    assert.ok(second < first);
  });

  test("inverseAverages inverts, and an empty field's average gives 0, not Infinity", () => {
    assert.deepEqual([...inverseAverages([2, 4, 0, 0.5, 1])], [0.5, 0.25, 0, 2, 1]);
    const zeroAvg = inverseAverages([0, 0, 0, 0, 0]);
    const value = pf(only(FIELD.title, 1), [5, 5, 5, 5, 5], 0, zeroAvg);
    assert.ok(Number.isFinite(value) && value > 0);
  });

  test("pseudoFrequency over length codes is exactly the sum of tf times occurrenceUnit over the lengths they stand for", () => {
    const rand = random(7);
    for (let i = 0; i < 200; i++) {
      const tfs = Array.from({ length: FIELD_COUNT }, () => (rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 5)));
      const codes = Array.from({ length: FIELD_COUNT }, () => Math.floor(rand() * 256));
      let sum = 0;
      for (let f = 0; f < FIELD_COUNT; f++) if (tfs[f]) sum += tfs[f]! * occurrenceUnit(f, LENGTH_OF_CODE[codes[f]!]!, invAvg);
      assert.equal(pseudoFrequency(tfs, 0, codes, 0, occurrenceUnits(invAvg)), sum);
    }
  });
});

describe("query weights", () => {
  // Only docCount and the entries' docFreq are read.
  const index = { docCount: 60000 } as unknown as IndexReader;
  const group = (surface: string, docFreq: number, weight = 1): PlannedGroup => ({
    word: { surface, term: surface, plain: true, pos: 0, weight, share: 1, aka: [] },
    alternatives: [{ entry: { term: surface, docFreq } as TermEntry, weight, kind: "exact" }],
  });

  test("a short query weighs its words by idf alone", () => {
    const [rare, common] = queryWeights(index, [group("gamexe", 1), group("corrupt", 900)]);
    assert.equal(rare![0], idf(60000, 1));
    assert.equal(common![0], idf(60000, 900));
  });

  test("in a long query the rarest words count no more than one held by RARE_SHARE of the archive", () => {
    const words = ["packed", "file", "corrupt", "error", "message", "program"].map((w) => group(w, 900));
    const weights = queryWeights(index, [group("gamexe", 1), group("mess", 2, WEIGHTS.chatterWeight), ...words]);
    const cap = idf(60000, 60000 * RARE_SHARE);
    assert.ok(cap < idf(60000, 1) && cap > idf(60000, 900));
    assert.equal(weights[0]![0], cap);
    assert.equal(weights[1]![0], WEIGHTS.chatterWeight * cap, "a chatty word's weight applies to the capped idf");
    assert.equal(weights[2]![0], idf(60000, 900), "words commoner than the cap keep their idf");
    assert.ok(LONG_QUERY_WORDS <= 7);
  });

  test("a title saying DIALOG_PHRASE_PAIRS of a pasted dialog's word pairs earns the whole phrase bonus", () => {
    const words = Array.from({ length: 11 }, (_, i) => group(`w${i}`, 100)).map((g, pos) => ({ ...g, word: { ...g.word, pos } }));
    // Title positions 0-3 hold query words 3-6: three neighbouring pairs of the query's ten.
    const masks = words.map((_, g) => (g >= 3 && g <= 6 ? 1 << (g - 3) : 0));
    assert.equal(titlePhraseShare(words, masks, 0), 3 / 10);
    assert.equal(titlePhraseShare(words, masks, 0, DIALOG_PHRASE_PAIRS), 3 / DIALOG_PHRASE_PAIRS);
    assert.equal(titlePhraseShare(words, words.map((_, g) => 1 << g), 0, DIALOG_PHRASE_PAIRS), 1, "never more than the whole bonus");
    const plan = (intent: QueryPlan["intent"]): QueryPlan => ({ groups: words, hints: [], corrections: [], intent });
    assert.equal(fullPhrasePairs(plan("other")), DIALOG_PHRASE_PAIRS);
    assert.equal(fullPhrasePairs(plan("problem")), DIALOG_PHRASE_PAIRS, "a long problem in the user's voice reads as a dialog");
    assert.equal(fullPhrasePairs(plan("howTo")), Infinity, "a how-to question is no dialog");
  });

  test("a short query, a pasted dialog or a long problem no title or query words hold leans on the lead sections", () => {
    const plan = (words: number, intent: QueryPlan["intent"] = "other"): QueryPlan => ({
      groups: Array.from({ length: words }, (_, i) => group(`w${i}`, 100)),
      hints: [],
      corrections: [],
      intent,
    });
    assert.equal(leadEmphasis(plan(4), 0), 1 + WEIGHTS.leadEmphasis, "held by no title: the full emphasis");
    assert.equal(leadEmphasis(plan(4), 1), 1, "held whole by a title: none");
    assert.ok(leadEmphasis(plan(4), 0.5) > 1 && leadEmphasis(plan(4), 0.5) < 1 + WEIGHTS.leadEmphasis);
    assert.equal(leadEmphasis(plan(LONG_QUERY_WORDS), 0), 1 + LONG_QUERY_WORDS, "a pasted dialog: as many times as it has words");
    assert.equal(leadEmphasis(plan(LONG_QUERY_WORDS), 1), 1, "a pasted dialog a title holds whole: none");
    assert.equal(leadEmphasis(plan(LONG_QUERY_WORDS, "problem"), 0), 1 + LONG_QUERY_WORDS, "a long problem in the user's voice: as a pasted dialog");
    assert.equal(leadEmphasis(plan(LONG_QUERY_WORDS, "howTo"), 0), 1, "a long how-to question goes without");
    assert.equal(leadEmphasis(plan(4, "howTo"), 0), 1, "a how-to question goes without");
    assert.equal(coverageBonus(FIELD.lead, 10, 10, 2), 2 * WEIGHTS.coverageBonus[FIELD.lead]!);
    assert.equal(coverageBonus(FIELD.title, 10, 10, 2), WEIGHTS.coverageBonus[FIELD.title], "only the lead's bonus is multiplied");
  });
});

describe("TopK", () => {
  interface Item {
    score: number;
    id: number;
  }
  const better = (a: Item, b: Item) => a.score > b.score || (a.score === b.score && a.id < b.id);
  const byRank = (a: Item, b: Item) => b.score - a.score || a.id - b.id;

  test("keeps the k best, best first, as a full sort would", () => {
    for (const seed of [1, 2, 3, 4]) {
      const rand = random(seed);
      for (const n of [0, 1, 5, 100, 1000]) {
        // Few distinct scores, so ties are common.
        const items = Array.from({ length: n }, (_, id) => ({ score: Math.floor(rand() * (seed === 1 ? 10 : 1e6)), id }));
        for (const k of [1, 2, 10, 100, n, n + 5]) {
          if (k <= 0) continue;
          const top = new TopK<Item>(k, better);
          for (const item of items) top.offer(item);
          assert.deepEqual(top.sorted(), [...items].sort(byRank).slice(0, k), `seed ${seed}, n ${n}, k ${k}`);
        }
      }
    }
  });

  test("worst() is the kept item an offer must beat, once k are kept", () => {
    const top = new TopK<Item>(3, better);
    for (const score of [5, 1]) top.offer({ score, id: score });
    assert.equal(top.worst(), undefined);
    top.offer({ score: 9, id: 9 });
    assert.deepEqual(top.worst(), { score: 1, id: 1 });
    top.offer({ score: 7, id: 7 });
    assert.deepEqual(top.worst(), { score: 5, id: 5 });
    assert.equal(new TopK<Item>(0, better).worst(), undefined);
  });

  test("order of arrival does not matter", () => {
    const items = Array.from({ length: 50 }, (_, id) => ({ score: (id * 37) % 11, id }));
    const ascending = new TopK<Item>(7, better);
    const descending = new TopK<Item>(7, better);
    for (const item of items) ascending.offer(item);
    for (const item of [...items].reverse()) descending.offer(item);
    assert.deepEqual(ascending.sorted(), descending.sorted());
  });

  test("k = 0 (or less) keeps nothing", () => {
    for (const k of [0, -1]) {
      const top = new TopK<Item>(k, better);
      for (let id = 0; id < 10; id++) top.offer({ score: id, id });
      assert.deepEqual(top.sorted(), [], `k ${k}`);
    }
  });

  test("sorted() does not disturb the heap", () => {
    const top = new TopK<Item>(3, better);
    for (const score of [5, 1, 9]) top.offer({ score, id: score });
    assert.deepEqual(top.sorted().map((i) => i.score), [9, 5, 1]);
    top.offer({ score: 7, id: 7 });
    top.offer({ score: 0, id: 0 });
    assert.deepEqual(top.sorted().map((i) => i.score), [9, 7, 5]);
  });
});

describe("query parse", () => {
  test("articleNumberIn finds an article number in the forms people type", () => {
    const cases: [string, number | undefined][] = [
      ["Q149387", 149387],
      ["q149387", 149387],
      ["149387", 149387],
      [" 149387 ", 149387],
      ["KB149387", 149387],
      ["kb 149387", 149387],
      ["KB Q149387", 149387],
      ["KB: Q149387", 149387],
      ["heap corruption Q149387", 149387],
      ["Q45712", 45712],
      ["heap corruption", undefined],
      ["80004005", undefined], // 8 digits: an error code, not an article number
      ["error 80004005", undefined],
      ["c0000005", undefined],
      ["0x149387", undefined],
      ["", undefined],
    ];
    for (const [text, number] of cases) assert.equal(articleNumberIn(text), number, JSON.stringify(text));
  });

  test("parseQuery gives distinct analyzed terms in query order", () => {
    const parsed = parseQuery("Heap corruption: the heap crashes in MSMI.EXE");
    assert.deepEqual(parsed.words.map((w) => w.term), ["heap", "corrupt", "crash", "msmi.exe", "msmi", "ex"]);
    assert.equal(parsed.articleNumber, undefined);
    assert.equal(parsed.text, "Heap corruption: the heap crashes in MSMI.EXE");
    assert.deepEqual(parseQuery("S E R V P A C K").words.map((w) => w.term), ["servpack"]);
    assert.equal(parseQuery("kb 149387").articleNumber, 149387);
  });

  test("parseQuery tells plain words, which may be misspelt, from identifiers and their parts", () => {
    const plain = (q: string) => Object.fromEntries(parseQuery(q).words.map((w) => [w.surface, w.plain]));
    assert.deepEqual(plain("Heap crashes in MSMI.EXE."), { heap: true, crashes: true, "msmi.exe": false, msmi: false, exe: false });
    assert.deepEqual(plain("0x24 kernel32 S E R V P A C K corruption."), { "0x24": false, kernel32: false, "s e r v p a c k": false, corruption: true });
  });

  test("parseQuery marks the word the query ends on as open (it may be typed in part)", () => {
    assert.equal(parseQuery("heap corru").openTerm, "corru");
    assert.equal(parseQuery("heap corru ").openTerm, undefined);
    assert.equal(parseQuery("heap corru.").openTerm, undefined);
    assert.equal(parseQuery("").openTerm, undefined);
  });
});

describe("snippet", () => {
  const terms = (text: string) => analyzeToTokens(text).map((t) => t.term);

  /** The highlights are in order, inside the text, and each one analyzes to a query term. */
  function checkHighlights(snippet: { text: string; highlights: [number, number][] }, query: string[]): void {
    let previousEnd = 0;
    for (const [start, end] of snippet.highlights) {
      assert.ok(previousEnd <= start && start < end && end <= snippet.text.length, `[${start}, ${end})`);
      const marked = snippet.text.slice(start, end);
      assert.ok(terms(marked).some((t) => query.includes(t)), `highlight ${JSON.stringify(marked)} is not a query term`);
      previousEnd = end;
    }
  }

  /** Every occurrence of a query term in the snippet text lies inside a highlight. */
  function checkAllMarked(snippet: { text: string; highlights: [number, number][] }, query: string[]): number {
    const occurrences = analyzeToTokens(snippet.text).filter((t) => query.includes(t.term));
    for (const t of occurrences) {
      assert.ok(
        snippet.highlights.some(([start, end]) => start <= t.start && t.end <= end),
        `${JSON.stringify(snippet.text.slice(t.start, t.end))} at ${t.start} is not highlighted in ${JSON.stringify(snippet.text)}`,
      );
    }
    return occurrences.length;
  }

  const FILLER = "Nothing to see in this sentence, which only takes up room. ";
  const BODY =
    FILLER.repeat(6) +
    "The service stops.  When the heap\n\tmanager frees a block too early,\n\n  heap corruption follows.\tCorrupted heaps crash the service. " +
    FILLER.repeat(6);

  test("every occurrence of the query terms in the window is highlighted", () => {
    const query = ["heap", "corrupt"];
    const snippet = makeSnippet(BODY, 0, BODY.length, query);
    checkHighlights(snippet, query);
    const count = checkAllMarked(snippet, query);
    assert.equal(count, 5, snippet.text);
    assert.equal(snippet.highlights.length, 5);
    assert.deepEqual(
      snippet.highlights.map(([s, e]) => snippet.text.slice(s, e)),
      ["heap", "heap", "corruption", "Corrupted", "heaps"],
    );
    assert.ok(snippet.text.startsWith("… "), "the window starts inside the body");
    assert.ok(snippet.text.endsWith(" …"), "the window ends inside the body");
  });

  test("white space is collapsed to single spaces", () => {
    const snippet = makeSnippet(BODY, 0, BODY.length, ["heap"]);
    assert.doesNotMatch(snippet.text, /[\n\t\r]/);
    assert.doesNotMatch(snippet.text, / {2}/);
    assert.match(snippet.text, /When the heap manager frees a block too early, heap corruption follows\. Corrupted/);
  });

  test("section heading rules are left out, a single hyphen kept", () => {
    const text = "SYMPTOMS\n========\n\nThe MS-DOS heap is damaged.\n\nRESOLUTION\n==========\n\nRestart the heap manager.\n\n-------------------\nheap";
    const snippet = makeSnippet(text, 0, text.length, ["heap", "msdos"]);
    assert.equal(snippet.text, "… The MS-DOS heap is damaged. RESOLUTION Restart the heap manager. heap");
    checkHighlights(snippet, ["heap", "msdos"]);
    assert.deepEqual(snippet.highlights.map(([s, e]) => snippet.text.slice(s, e)), ["MS-DOS", "heap", "heap", "heap"]);
  });

  test("the window goes where the most distinct query terms are", () => {
    const text = "The heap is mentioned here alone. " + FILLER.repeat(8) + "Later a crash comes from heap corruption in the service. " + FILLER.repeat(8);
    const query = ["heap", "corrupt", "crash"];
    const snippet = makeSnippet(text, 0, text.length, query);
    checkHighlights(snippet, query);
    const marked = new Set(snippet.highlights.map(([s, e]) => terms(snippet.text.slice(s, e))[0]));
    assert.deepEqual([...marked].sort(), ["corrupt", "crash", "heap"]);
    assert.ok(snippet.text.length <= SNIPPET_LENGTH + 20, `${snippet.text.length} characters`);
  });

  test("spaced words and identifiers are highlighted whole", () => {
    const text = "query on this word (without the spaces):\n\n  S E R V P A C K\n\nThen check kernel32.dll again.";
    const snippet = makeSnippet(text, 0, text.length, ["servpack", "kernel32.dll", "kernel32", "dll"]);
    assert.deepEqual(snippet.highlights.map(([s, e]) => snippet.text.slice(s, e)), ["S E R V P A C K", "kernel32.dll"]);
  });

  test("analyzing only the stretches around possible words finds what analyzing the whole text finds", () => {
    // Hyphen joins next to spaced letters and digits, joined identifiers, underscores, apostrophes.
    const tricky =
      "2 1/6-inch by 4-inch forms; Z-180 and Z-184; AD-DOS.COM, NEW-VARS.BAT;\nS E R V P A\n C K and T-SQL; x__stdcall o'neill _crt_heap, don't, MS-\nDOS";
    const articles = readdirSync(join(sampleCorpus, "kb"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith("README.md"))
      .map((f) => parseArticle(f, readFileSync(join(sampleCorpus, "kb", f), "utf8")).text);
    let sets = 0;
    for (const text of [tricky, ...articles]) {
      const tokens = analyzeToTokens(text);
      const distinct = [...new Set(tokens.map((t) => t.term))];
      // Each term alone, and runs of neighbouring ones, as a query's would be.
      for (const query of [...distinct.map((t) => [t]), ...distinct.map((_, i) => distinct.slice(i, i + 4))]) {
        const spans: [number, number][] = [];
        for (const t of tokens.filter((t) => query.includes(t.term)).sort((a, b) => a.start - b.start || b.end - a.end)) {
          const last = spans[spans.length - 1];
          if (last && t.start < last[1]) last[1] = Math.max(last[1], t.end);
          else spans.push([t.start, t.end]);
        }
        assert.deepEqual(highlightSpans(text, query), spans, `${JSON.stringify(query)} in ${JSON.stringify(text.slice(0, 40))}`);
        sets++;
      }
    }
    assert.ok(sets > 1000, `${sets} term sets`);
  });

  test("only matches within [from, to) are used", () => {
    const text = "heap at the start. The body talks about other things entirely. heap at the end.";
    const from = text.indexOf("The body");
    const to = text.indexOf(" heap at the end");
    const snippet = makeSnippet(text, from, to, ["heap"]);
    assert.equal(snippet.text, "The body talks about other things entirely.");
    assert.deepEqual(snippet.highlights, []);
  });

  test("a text with no match gives the start of the body", () => {
    const text = "Article: Q1\nLast Modified: 1-JAN-2000\n" + "The first words of the body come here. " + FILLER.repeat(10);
    const from = text.indexOf("The first");
    const snippet = makeSnippet(text, from, text.length, ["nomatch", "absent"]);
    assert.deepEqual(snippet.highlights, []);
    assert.ok(snippet.text.startsWith("The first words of the body come here. Nothing to see"), snippet.text);
    assert.ok(snippet.text.endsWith(" …"));
    assert.ok(snippet.text.length <= SNIPPET_LENGTH + 20);
    // A short body is shown whole, without ellipses.
    assert.deepEqual(makeSnippet("Short body.", 0, 11, ["heap"]), { text: "Short body.", highlights: [] });
  });

  test("a body that starts with white space, with no match, starts without an ellipsis", () => {
    // Section ranges start with the blank line after the heading's underline.
    const text = "SYMPTOMS\n========\n\nThe first words of the body come here. " + FILLER.repeat(10);
    const from = text.indexOf("\n\nThe first") + 1;
    const snippet = makeSnippet(text, from, text.length, ["nomatch"]);
    assert.ok(snippet.text.startsWith("The first words"), snippet.text);
  });
});

describe("verbatim runs (rank/verbatim.ts)", () => {
  /** The longest run in any of `texts`, each sought as the engine seeks an article's title and text. */
  const runOf = (query: string, ...texts: string[]) => {
    const run = queryRun(query)!;
    return Math.max(...texts.map((text) => runIn(run, findTerms(text, run.terms, 0, RUN_BRIDGE))));
  };

  test("a pasted message is one run, its stopwords keeping their places", () => {
    const text = "SYMPTOMS\n\nWhen you drag a picture, Word reports:\n\n   There are too many edits in the document. This operation will be incomplete.";
    assert.equal(runOf("There are too many edits in the document", text), 4); // too, many, edits, document
    // A word in the stopword's place breaks no run (only places count); a word more does.
    assert.equal(runOf("too many edits in the document", "too many edits to the document"), 4);
    assert.equal(runOf("too many edits in the document", "too many edits in this big document"), 3);
  });

  test("words out of order or apart are no run; the longest of several counts, in any one text", () => {
    assert.equal(runOf("spooler stops responding", "the service stops, the spooler is not responding"), 1);
    assert.equal(runOf("print spooler stops responding", "print spooler fails", "the spooler stops responding"), 3);
    // Query words further apart than a run can hold are read apart: their places are not next to each other.
    assert.equal(runOf("spooler stops responding", `spooler ${"x".repeat(80)} stops responding`), 2);
  });

  test("short queries make no run, and runs shorter than MIN_RUN add nothing", () => {
    assert.equal(queryRun("heap corruption"), undefined);
    assert.equal(runPoints(MIN_RUN - 1), 0);
    assert.equal(runPoints(MIN_RUN), RUN_WORD_POINTS);
    assert.equal(runPoints(MIN_RUN + 3), 4 * RUN_WORD_POINTS);
  });

  test("found places agree with analyzing the whole text, where it reads a stretch at a time", () => {
    const text = "Error: kernel32.dll cannot start. Run SETUP.EXE /F to fix the S E R V P A C K files, then restart.";
    const wanted = new Set(["kernel32.dll", "dll", "start", "setup.exe", "setup", "servpack", "restart"]);
    const whole = analyzeToTokens(text).filter((t) => wanted.has(t.term));
    const found = findTerms(text, wanted, 0, 1000);
    assert.equal(found.length, 7);
    assert.deepEqual(found.map((f) => [f.term, f.start, f.end, f.pos]), whole.map((t) => [t.term, t.start, t.end, t.pos]));
  });
});
