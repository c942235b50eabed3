/** The short product names derived from the archive: the derivation's rules, the committed table, and that it is current. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { deriveAliases, deriveFromSource, generatedModule, productOf, renderModule, tagsOf, tagVersion, type TaggedArticle } from "../bench/derive-aliases.js";
import { PRODUCT_NAMES } from "../src/query/aliases.js";
import { NAMES_ALONE, TAG_PRODUCTS, TAG_TERMS } from "../src/query/derived-aliases.js";
import { NO_SHARED, sharedTarball } from "./helpers.js";

/** An article with only what the derivation reads; `words` is its body text. */
function article(tag: string, technology: string[], appliesTo: string[], words = ""): TaggedArticle {
  return { tag, technology, appliesTo, title: "", text: words, sections: [{ name: "", start: 0, end: words.length }] };
}

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe("deriving short names", () => {
  test("productOf cleans an applies-to entry to the product's name", () => {
    const cases: [string, string | undefined][] = [
      ["Microsoft Visual Basic Enterprise Edition for Windows, version 6.0", "visual basic"],
      ["Microsoft Visual Basic Professional Edition, 32-bit, for Windows, version 4.0", "visual basic"],
      ["Microsoft Word 97 for Windows", "word"],
      ["Microsoft Word for Windows 95, versions 7.0, 7.0a", "word"],
      ["Microsoft Exchange Server, versions 4.0, 5.0, 5.5", "exchange server"],
      ["Microsoft Windows NT Server, Enterprise Edition version 4.0", "windows nt server"],
      ["Microsoft Windows NT Server version 4.0, Terminal Server Edition", "windows nt server"],
      ["Microsoft Systems Management Server version 2.0", "systems management server"],
      ["Microsoft Windows for Workgroups versions 3.1, 3.11", "windows for workgroups"],
      ["Microsoft Win32 Software Development Kit (SDK)", "win32 software development kit"],
      ["Microsoft MS-DOS operating system versions 6.0, 6.2", "ms-dos"],
      ["The Microsoft Network", "microsoft network"],
      ["the operating system: Microsoft Windows NT", undefined],
      ["Microsoft Word 97 for Windows, used with:", undefined],
    ];
    for (const [entry, product] of cases) assert.equal(productOf(entry), product, entry);
  });

  test("tagVersion spells a tag's digits as the archive writes the version", () => {
    const cases: [string, string][] = [["600", "6.0"], ["550", "5.5"], ["351", "3.51"], ["311", "3.11"], ["622", "6.22"], ["97", "97"], ["2000", "2000"], ["7", "7.0"], ["2", "2.0"]];
    for (const [digits, version] of cases) assert.equal(tagVersion(digits), version, digits);
  });

  test("tagsOf reads title tags with or without a version, and technology keywords only with one", () => {
    assert.deepEqual(tagsOf(article("WD97", ["kbVB600", "kbWinNTS400", "kbAudDeveloper", "kbVB600Search", "kbZNotKeyword3"], [])), [
      ["wd97", "wd", "97"],
      ["kbvb600", "vb", "600"],
      ["kbwinnts400", "winnts", "400"],
      ["kbznotkeyword3", "znotkeyword", "3"],
    ]);
    assert.deepEqual(tagsOf(article("XADM", [], [])), [["xadm", "xadm", ""]]);
    assert.deepEqual(tagsOf(article("", [], [])), []);
  });

  test("a name needs more than 80% of at least 10 articles applying to one product", async () => {
    const vb = "Microsoft Visual Basic Professional Edition for Windows, version 6.0";
    const other = "Microsoft Excel 97 for Windows";
    const articles = [
      ...times(9, () => article("", ["kbVB600"], [vb])), // 9 of 10: kept
      article("", ["kbVB600"], [other]),
      ...times(8, () => article("OFF97", [], [vb])), // 8 of 10: a suite's tag, left out
      ...times(2, () => article("OFF97", [], [other])),
      ...times(9, () => article("ACC97", [], ["Microsoft Access 97"])), // 9 articles: too few
    ];
    const derived = await deriveAliases(() => articles);
    assert.deepEqual(derived.products.map((p) => [p.name, p.words]), [["vb", "visual basic"]]);
    assert.deepEqual(derived.terms.map((t) => [t.term, t.name, t.version]), [["kbvb600", "vb", "6.0"]]);
    assert.equal(derived.articles, 29);
  });

  test("a tag term stands for a version only when its articles name that version", async () => {
    const articles = [
      ...times(10, () => article("", ["kbVFP300"], ["Microsoft Visual FoxPro for Windows, version 3.0"])),
      ...times(10, () => article("", ["kbVFP500"], ["Microsoft Visual FoxPro for Windows, version 6.0"])),
    ];
    const derived = await deriveAliases(() => articles);
    assert.deepEqual(derived.terms.map((t) => t.term), ["kbvfp300"]);
  });

  test("a name alone means the product when the articles that write it mostly apply to it", async () => {
    const sms = "Microsoft Systems Management Server version 2.0";
    const articles = [
      ...times(10, () => article("SMS", [], [sms], "The SMS client")),
      ...times(10, () => article("SMTP", [], ["Microsoft Mail Gateway to SMTP, version 3.0"])),
      // SMTP is written mostly about other products: the name alone is the protocol.
      ...times(10, () => article("", [], ["Microsoft Exchange Server, version 5.5"], "an SMTP host")),
    ];
    const derived = await deriveAliases(() => articles);
    assert.deepEqual(derived.products.map((p) => [p.name, p.alone]), [["sms", true], ["smtp", false]]);
  });

  test("the generated module is sorted and says how to regenerate it", async () => {
    const articles = ["XFOR", "XADM", "SMS"].flatMap((tag) => times(10, () => article(tag, [], [tag === "SMS" ? "Microsoft Systems Management Server" : "Microsoft Exchange Server, version 5.5"])));
    const text = renderModule(await deriveAliases(() => articles));
    assert.match(text, /^\/\/ Generated by bench\/derive-aliases\.ts .*do not edit/);
    assert.match(text, /npm run derive-aliases/);
    const names = [...text.matchAll(/^ {2}"([a-z]+)": "/gm)].map((m) => m[1]);
    assert.deepEqual(names, ["sms", "xadm", "xfor"]);
  });
});

describe("the derived table", () => {
  test("names the archive's products for its tags", () => {
    const expected: Record<string, string> = {
      vb: "visual basic", wd: "word", word: "word", vfp: "visual foxpro", sms: "systems management server",
      acc: "access", ppt: "powerpoint", fp: "frontpage", fs: "flight simulator", adt: "access developer's toolkit",
      ode: "office", wfwg: "windows for workgroups", wfw: "windows for workgroups", xadm: "exchange server",
      xcon: "exchange server", xfor: "exchange server", exchange: "exchange server", winnts: "windows nt server",
      winntw: "windows nt workstation", msdos: "ms-dos", snaserv: "sna server",
    };
    for (const [name, words] of Object.entries(expected)) assert.equal(TAG_PRODUCTS[name], words, name);
  });

  test("holds the tag terms with the versions they stand for", () => {
    const expected: Record<string, [string, string]> = {
      kbvb600: ["vb", "6.0"], kbexchange550: ["exchange", "5.5"], kbwinnts400: ["winnts", "4.0"], kbwinntw400: ["winntw", "4.0"],
      kbword97: ["word", "97"], kbsms200: ["sms", "2.0"], kbmsdos622: ["msdos", "6.22"], kbwfw311: ["wfw", "3.11"],
      kbsnaserv400: ["snaserv", "4.0"], kbvfp300: ["vfp", "3.0"], wd97: ["wd", "97"], acc97: ["acc", "97"], ppt7: ["ppt", "7.0"],
      fp97: ["fp", "97"], fp98: ["fp", "98"], fs2000: ["fs", "2000"], adt2: ["adt", "2.0"], ode97: ["ode", "97"],
    };
    for (const [term, nameAndVersion] of Object.entries(expected)) assert.deepEqual(TAG_TERMS[term], nameAndVersion, term);
  });

  test("leaves out noise: tags of no one product, audiences, and suites", () => {
    for (const name of ["znotkeyword", "auddeveloper", "prb", "fix", "bug", "howto", "info", "doc", "off"]) assert.equal(TAG_PRODUCTS[name], undefined, name);
    for (const term of ["kbznotkeyword3", "kbznotkeyword2", "kbauddeveloper"]) assert.equal(TAG_TERMS[term], undefined, term);
  });

  test("every tag term's name is in the table, and names alone are names", () => {
    for (const [term, [name]] of Object.entries(TAG_TERMS)) assert.ok(TAG_PRODUCTS[name], term);
    for (const name of NAMES_ALONE) assert.ok(TAG_PRODUCTS[name], name);
    assert.ok(NAMES_ALONE.has("vfp") && NAMES_ALONE.has("sms") && !NAMES_ALONE.has("smtp") && !NAMES_ALONE.has("fax"));
  });

  test("users' own names override where the archive's tag means something else to them", () => {
    assert.equal(TAG_PRODUCTS.vba, "visual basic");
    assert.equal(PRODUCT_NAMES.vba, "visual basic for applications");
    assert.equal(PRODUCT_NAMES.vb, TAG_PRODUCTS.vb);
  });

  test("regenerating from the whole archive gives the committed module", async (t) => {
    if (!sharedTarball) return t.skip(NO_SHARED);
    const derived = await deriveFromSource(sharedTarball);
    assert.equal(renderModule(derived), readFileSync(generatedModule, "utf8"), "src/query/derived-aliases.ts is stale: run npm run derive-aliases");
  });
});
