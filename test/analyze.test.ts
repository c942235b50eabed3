/** The analyzer: a golden word list pins its terms; offsets, spaced words and query/document agreement. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ANALYZER_ID, analyzeToTokens, stemPrefix } from "../src/analyze/analyzer.js";
import { parseArticle } from "../src/parse/article.js";
import { projectRoot, sampleCorpus } from "./helpers.js";

const GOLDEN = join(projectRoot, "test/golden/analyzer.tsv");

/** The golden cases: [input as written in the file, input with `\n` unescaped, expected terms]. */
function goldenCases(): [string, string, string][] {
  return readFileSync(GOLDEN, "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const tab = line.indexOf("\t");
      assert.ok(tab > 0, `golden line without a tab: ${JSON.stringify(line)}`);
      const written = line.slice(0, tab);
      return [written, written.replace(/\\n/g, "\n"), line.slice(tab + 1)];
    });
}

const terms = (text: string) => analyzeToTokens(text).map((t) => t.term);

function sampleText(folder: string): string {
  const group = folder.slice(1).padStart(6, "0").slice(0, 3);
  const path = join(sampleCorpus, "kb", group, folder, "README.md");
  return parseArticle(path, readFileSync(path, "utf8")).text;
}

describe("golden word list", () => {
  test("test/golden/analyzer.tsv has enough cases, each written once", () => {
    const cases = goldenCases();
    assert.ok(cases.length >= 80, `${cases.length} cases`);
    const inputs = cases.map(([written]) => written);
    assert.equal(new Set(inputs).size, inputs.length, "duplicate inputs");
    assert.ok(cases.some(([, input]) => input.includes("\n")), "a wrapped input is unescaped");
  });

  test("analyzeToTokens gives the golden terms for every input", () => {
    const cases = goldenCases();
    // Whole lines, so a failure's diff names every input whose terms changed.
    const actual = cases.map(([written, input]) => `${written}\t${terms(input).join(" ")}`);
    const expected = cases.map(([written, , output]) => `${written}\t${output}`);
    assert.deepEqual(actual, expected);
  });
});

describe("token offsets", () => {
  const sentences = [
    "The MS Mail Connector Interchange (MSMI) service, MSMI.EXE, stopped running.",
    "Microsoft's kernel32.dll doesn't export HeapFree; see MS-DOS 6.0, C++ and C#, MID$(A$, 2) and ADMIN$.",
    "Error 80004005 at 0x480df78 in HKEY_LOCAL_MACHINE\\Software: databases corrupted.",
    "query on the following word (without the spaces):\n\n  S E R V P A\n  C K\n\nand a t f c c too.",
    "  Leading space, run-time errors, user's guides; café CONFIGURATIONS!",
  ];

  /** Every token's surface form accounts for its term. */
  function checkOffsets(text: string, label: string): void {
    const tokens = analyzeToTokens(text);
    assert.ok(tokens.length > 0, label);
    let lastPos = -1;
    for (const token of tokens) {
      const where = `${label}: ${token.term} at [${token.start}, ${token.end})`;
      assert.ok(0 <= token.start && token.start < token.end && token.end <= text.length, where);
      const surface = text.slice(token.start, token.end).toLowerCase();
      // Spaced and wrapped letters, hyphenated and possessive forms lose these characters.
      const compact = surface.replace(/[\s'-]/g, "");
      assert.ok(compact === token.term || compact.includes(token.term) || compact.startsWith(stemPrefix(token.term)), `${where}: surface ${JSON.stringify(surface)}`);
      assert.doesNotMatch(text[token.start - 1] ?? " ", /[A-Za-z0-9]/, `${where} starts inside a word`);
      assert.doesNotMatch(text[token.end] ?? " ", /[A-Za-z0-9]/, `${where} ends inside a word`);
      assert.ok(token.pos >= lastPos, `${where}: positions go backwards`);
      lastPos = token.pos;
    }
  }

  test("text.slice(start, end) is the surface form of every token in a few sentences", () => {
    sentences.forEach((sentence, i) => checkOffsets(sentence, `sentence ${i}`));
  });

  test("text.slice(start, end) is the surface form of every token in sample articles", () => {
    for (const id of ["Q949387", "Q934518", "Q912044", "Q927733"]) checkOffsets(sampleText(id), id);
  });

  test("text whose lower-casing changes its length is split into the same words, at the same offsets", () => {
    // "\u0130" lower-cases to two characters ("i" and a combining dot); the tokenizer folds it to
    // "i", one for one, so every offset after it stays where it was. Fullwidth forms fold (NFKC) as well.
    const prefix = "\u0130NSTALL \uff31\uff11\uff14\uff19\n";
    assert.deepEqual(analyzeToTokens(prefix).map((t) => [t.term, t.start, t.end]), [["instal", 0, 7], ["q149", 8, 12]]);
    const texts = [...sentences, ...goldenCases().map(([, input]) => input), ...["Q949387", "Q934518", "Q912044", "Q927733"].map(sampleText)];
    for (const text of texts) {
      const shifted = analyzeToTokens(prefix + text).slice(2).map((t) => ({ ...t, start: t.start - prefix.length, end: t.end - prefix.length, pos: t.pos - 2 }));
      assert.deepEqual(shifted, analyzeToTokens(text), JSON.stringify(text.slice(0, 60)));
    }
  });

  /** Each token's term and the text its offsets point at. */
  const spansOf = (text: string) => analyzeToTokens(text).map((t) => [t.term, text.slice(t.start, t.end)]);

  test("identifiers and their parts point at their own characters", () => {
    const text = "load kernel32.dll now";
    assert.deepEqual(spansOf(text), [
      ["load", "load"],
      ["kernel32.dll", "kernel32.dll"],
      ["kernel32", "kernel32"],
      ["dll", "dll"],
      ["now", "now"],
    ]);
  });

  test("a hyphen-joined identifier adds only the part across the join, written with its hyphen", () => {
    const text = "see MS-DOS.SYS now";
    // "dos" and "sys" once each (the second word's parts), not again as parts of the joined form.
    assert.deepEqual(spansOf(text), [
      ["see", "see"],
      ["ms", "MS"],
      ["msdos.sys", "MS-DOS.SYS"],
      ["msdos", "MS-DOS"],
      ["dos.sys", "DOS.SYS"],
      ["dos", "DOS"],
      ["sys", "SYS"],
      ["now", "now"],
    ]);
  });

  test("a hyphenated word's joined form spans both parts", () => {
    const text = "Run MS-DOS now";
    const joined = analyzeToTokens(text).find((t) => t.term === "msdos");
    assert.ok(joined);
    assert.equal(text.slice(joined.start, joined.end), "MS-DOS");
  });

  test("positions count stopwords; an identifier's parts share its position", () => {
    const tokens = analyzeToTokens("the heap is in kernel32.dll");
    assert.deepEqual(tokens.map((t) => [t.term, t.pos]), [
      ["heap", 1],
      ["kernel32.dll", 4],
      ["kernel32", 4],
      ["dll", 4],
    ]);
  });
});

describe("spaced words", () => {
  test("a spaced word's token spans from its first to its last letter", () => {
    const cases: [string, string, string][] = [
      ["(without the spaces):\n\n  S E R V P A C K\n\nMicrosoft", "servpack", "S E R V P A C K"],
      ["(without the spaces): S E R V P A\n\tC K\n", "servpack", "S E R V P A\n\tC K"],
      ["type a t f c c.", "atfcc", "a t f c c"],
      ["L M P A T C H", "lmpatch", "L M P A T C H"],
    ];
    for (const [text, term, span] of cases) {
      const token = analyzeToTokens(text).find((t) => t.term === term);
      assert.ok(token, `${JSON.stringify(text)} has ${term}`);
      assert.equal(text.slice(token.start, token.end), span);
    }
  });

  test("the spaced query and the collapsed word give the same one term", () => {
    const cases = ["S E R V P A C K", "s e r v p a c k", "S E R V P A\nC K", "servpack", "SERVPACK", "ServPack"];
    for (const query of cases) assert.deepEqual(terms(query), ["servpack"], JSON.stringify(query));
  });

  test("sample articles with the spaced or collapsed form all index servpack", () => {
    // Q949387 and Q940211: on its own line; Q934518: wrapped across a line break; Q979914: collapsed.
    for (const id of ["Q949387", "Q940211", "Q934518", "Q979914"]) {
      assert.ok(terms(sampleText(id)).includes("servpack"), id);
    }
    assert.ok(terms(sampleText("Q984455")).includes("lmpatch"), "Q984455");
  });

  test("spaced words standing side by side in columns stay apart; digits join as letters do", () => {
    // As Q114398 lists them: a gap wider than a few spaces parts two spaced words.
    const columns = "(without the spaces):\n\n   x 4 0 0 f c c          m s f c c\n   3 c o m f c c          p r o f s f c c\n";
    assert.deepEqual(terms(columns).slice(-4), ["x400fcc", "msfcc", "3comfcc", "profsfcc"]);
    assert.deepEqual(terms("3 c o m f c c"), terms("3comfcc"));
    assert.deepEqual(terms("S  E  R  V  P  A  C  K"), ["servpack"], "two or three spaces still join letters");
    assert.deepEqual(terms("S E R V\t\tP A C K"), ["servpack"]);
  });

  test("fewer than three single letters are not joined", () => {
    const cases: [string, string[]][] = [
      ["I O", ["i", "o"]],
      ["X Y error", ["x", "y", "error"]],
      ["S E\n\nR V", ["s", "e", "r", "v"]],
    ];
    for (const [text, expected] of cases) assert.deepEqual(terms(text), expected, text);
  });
});

test("ANALYZER_ID names the analyzer", () => {
  assert.equal(typeof ANALYZER_ID, "string");
  assert.ok(ANALYZER_ID.trim().length > 0);
});

describe("identifiers with underscores, and hyphen joins", () => {
  test("an identifier with a leading underscore is kept whole and unstemmed", () => {
    const found = terms("_CrtIsValidHeapPointer");
    assert.ok(found.some((t) => t.replace(/^_+/, "") === "crtisvalidheappointer"), found.join(" "));
  });

  test("a hyphenated word with a one-character part also yields its joined form", () => {
    assert.ok(terms("SR-1").includes("sr1"), terms("SR-1").join(" "));
    assert.ok(terms("T-SQL").includes("tsql"), terms("T-SQL").join(" "));
    assert.ok(terms("send e-mail").includes("email"), terms("send e-mail").join(" "));
    // Spaced letters are still one word, and a word is joined only to the one right before the hyphen.
    assert.deepEqual(terms("S E R V P A C K"), ["servpack"]);
    assert.ok(!terms("e - mail").includes("email"), terms("e - mail").join(" "));
  });
});
