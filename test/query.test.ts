/** Query pieces on their own: spelling variants, abbreviations, and parseQuery's reading of a query. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { archiveVersion, expandAlias, tagTermsFor } from "../src/query/aliases.js";
import { WEIGHTS } from "../src/rank/weights.js";
import { SYNONYM_WEIGHT } from "../src/query/synonyms.js";
import { parseQuery } from "../src/query/parse.js";
import { oneEditAway } from "../src/query/spelling.js";

describe("oneEditAway", () => {
  const cases: [word: string, kind: string, variant: string][] = [
    ["heap", "deletion", "hap"],
    ["heap", "deletion of the first letter", "eap"],
    ["heap", "deletion of the last letter", "hea"],
    ["heap", "insertion", "heapp"],
    ["heap", "insertion at the start", "wheap"],
    ["heap", "insertion in the middle", "hexap"],
    ["heap", "substitution", "heal"],
    ["heap", "substitution of the first letter", "leap"],
    ["heap", "transposition", "haep"],
    ["heap", "transposition of the last two", "hepa"],
    ["dupm", "transposition back to a word", "dump"],
    ["spooller", "deletion back to a word", "spooler"],
    ["corrupton", "insertion back to a word", "corruption"],
    ["registy", "insertion back to a word", "registry"],
    ["a", "deletion to nothing", ""],
  ];
  for (const [word, kind, variant] of cases) {
    test(`${word} -> ${JSON.stringify(variant)} (${kind})`, () => {
      assert.ok(oneEditAway(word).includes(variant));
    });
  }

  test("never the word itself, nor a word two edits away", () => {
    for (const word of ["heap", "dump", "spooler", "aa", "abba", "a"]) {
      assert.ok(!oneEditAway(word).includes(word), word);
    }
    for (const far of ["hp", "heapxx", "ehpa", "leal", "pahe"]) assert.ok(!oneEditAway("heap").includes(far), far);
  });

  test("every variant is one deletion, insertion, substitution or swap of neighbours away", () => {
    const word = "spool";
    for (const v of oneEditAway(word)) {
      const d = v.length - word.length;
      assert.ok(Math.abs(d) <= 1, v);
      let i = 0;
      while (i < Math.min(v.length, word.length) && v[i] === word[i]) i++;
      const ok =
        (d === -1 && word.slice(i + 1) === v.slice(i)) ||
        (d === 1 && v.slice(i + 1) === word.slice(i)) ||
        (d === 0 && (v.slice(i + 1) === word.slice(i + 1) || (v[i] === word[i + 1] && v[i + 1] === word[i] && v.slice(i + 2) === word.slice(i + 2))));
      assert.ok(ok, `${v} is not one edit from ${word}`);
    }
  });

  test("the empty word has only insertions", () => {
    assert.deepEqual(new Set(oneEditAway("")), new Set("abcdefghijklmnopqrstuvwxyz".split("")));
  });
});

describe("abbreviations", () => {
  const cases: [typed: string, archive: string | undefined][] = [
    ["nt4", "windows nt 4.0"],
    ["nt351", "windows nt 3.51"],
    ["winnt4", "windows nt 4.0"],
    ["win95", "windows 95"],
    ["win98", "windows 98"],
    ["w2k", "windows 2000"],
    ["win2k", "windows 2000"],
    ["exch55", "exchange 5.5"],
    ["sp4", "service pack 4"],
    ["sp6a", undefined], // a letter after the number is not a version
    ["xl97", "excel 97"],
    ["vb6", "visual basic 6.0"],
    ["vc6", "visual c++ 6.0"],
    ["sql7", "sql server 7.0"],
    ["wfw311", "windows for workgroups 3.11"],
    ["ie5", "internet explorer 5.0"],
    ["bsod", "blue screen stop"],
    ["owa", "outlook web access"],
    ["xp", "windows xp"],
    // the archive's own tags, typed: title tags, technology keywords, names it writes alone
    ["wd97", "word 97"],
    ["acc97", "access 97"],
    ["ode97", "office 97"],
    ["fs2000", "flight simulator 2000"],
    ["kbvb600", "visual basic 6.0"],
    ["kbexchange550", "exchange server 5.5"],
    ["kbwinnts400", "windows nt server 4.0"],
    ["vfp", "visual foxpro"],
    ["sms", "systems management server"],
    ["xadm", "exchange server"],
    ["vfp5", "visual foxpro 5.0"],
    ["msdos622", "ms-dos 6.22"],
    ["fp2000", "frontpage 2000"],
    ["o2k", "office 2000"],
    ["vba6", "visual basic for applications 6.0"], // the users' name, not the archive's kbVBA (Visual Basic)
    // a quantity and its unit typed as one word, as articles also write it apart
    ["2gb", "2 gb"],
    ["16mb", "16 mb"],
    ["1.2gb", "1.2 gb"],
    ["56kbps", "56 kbps"],
    ["2gbs", undefined],
    ["heap", undefined],
    ["nt", undefined], // a product name alone is a word the archive uses
    ["smtp", undefined], // the archive's SMTP: tag is its Mail gateway, but articles write SMTP for the protocol
    ["win32", undefined], // bits, not a version
    ["odbc32", undefined],
    ["kbznotkeyword3", undefined],
    ["q149387", undefined],
    ["kernel32", undefined],
    ["abc123", undefined],
    ["0x24", undefined],
    ["", undefined],
  ];
  for (const [typed, archive] of cases) {
    test(`expandAlias(${JSON.stringify(typed)}) = ${JSON.stringify(archive)}`, () => {
      assert.equal(expandAlias(typed), archive);
    });
  }

  test("archiveVersion spells a typed version as the archive does", () => {
    const cases: [string, string][] = [
      ["4", "4.0"],
      ["6", "6.0"],
      ["55", "5.5"],
      ["97", "97"],
      ["95", "95"],
      ["2k", "2000"],
      ["351", "3.51"],
      ["311", "3.11"],
      ["2000", "2000"],
      ["050", "050"],
    ];
    for (const [typed, archive] of cases) assert.equal(archiveVersion(typed), archive, typed);
  });
});

describe("the archive's tags for a product and version", () => {
  test("tagTermsFor finds them by the product's words or by its tag name", () => {
    assert.deepEqual([...tagTermsFor("visual basic", "6.0")].sort(), ["kbvb600", "kbvba600"]);
    assert.deepEqual([...tagTermsFor("word", "97")].sort(), ["kbword97", "wd97"]);
    assert.deepEqual(tagTermsFor("exchange", "5.5"), ["kbexchange550"]);
    assert.deepEqual(tagTermsFor("exchange server", "5.5"), ["kbexchange550"]);
    assert.deepEqual(tagTermsFor("windows for workgroups", "3.11"), ["kbwfw311"]);
    assert.deepEqual(tagTermsFor("visual basic", "9.9"), []);
    assert.deepEqual(tagTermsFor("heap", "97"), []);
  });

  const akaOf = (query: string, term: string) => parseQuery(query).words.find((w) => w.term === term)?.aka.map((a) => a.term) ?? [];

  test("a product and version typed apart: the version also matches the tags", () => {
    assert.ok(["wd97", "kbword97"].every((t) => akaOf("word 97 wont print", "97").includes(t)), JSON.stringify(akaOf("word 97 wont print", "97")));
    assert.ok(akaOf("visual basic 6 crash", "6").includes("kbvb600"));
    assert.ok(akaOf("exchange server 5.5 relay", "5.5").includes("kbexchange550"));
    assert.deepEqual(akaOf("heap 97", "97"), []);
    assert.deepEqual(akaOf("97 word", "97"), []);
  });

  test("a product and version typed as one word: the version also matches the tags, the rest the typed word", () => {
    const words = parseQuery("vb6 crash").words;
    assert.deepEqual(words.map((w) => w.term), ["visual", "basic", "6.0", "crash"]);
    const version = words[2]!.aka.map((a) => a.term);
    assert.ok(["vb6", "6", "kbvb600"].every((t) => version.includes(t)), JSON.stringify(version));
    assert.deepEqual(words[0]!.aka.map((a) => a.term), ["vb6"]);
  });

  test("a tag typed is searched as its product, and as itself", () => {
    const words = parseQuery("kbvb600").words;
    assert.deepEqual(words.map((w) => w.term), ["visual", "basic", "6.0"]);
    assert.ok(words.every((w) => w.aka.some((a) => a.term === "kbvb600")));
    assert.deepEqual(parseQuery("vfp report").words.map((w) => [w.term, w.aka[0]?.term]), [["visual", "vfp"], ["foxpro", "vfp"], ["report", undefined]]);
  });
});

describe("parseQuery", () => {
  const refs: [query: string, number: number][] = [
    ["Q149387", 149387],
    ["q149387", 149387],
    ["149387", 149387],
    ["KB149387", 149387],
    ["kb 149387", 149387],
    ["KB Q149387", 149387],
    ["KB: Q149387", 149387],
    ["article 149387", 149387],
    ["https://support.microsoft.com/kb/149387", 149387],
    ["http://support.microsoft.com/kb/149387/EN-US/", 149387],
    ["http://support.microsoft.com/support/kb/articles/Q168/7/35.asp", 168735], // the archive's own old link form
    ["support/kb/articles/q102/7/82.asp", 102782],
    ["support.microsoft.com/default.aspx?scid=kb;en-us;149387", 149387],
    ["http://support.microsoft.com/default.aspx?scid=kb;EN-US;Q149387", 149387],
    ["heap corruption Q149387", 149387],
  ];
  for (const [query, number] of refs) {
    test(`names article ${number}: ${query}`, () => {
      const parsed = parseQuery(query);
      assert.equal(parsed.articleNumber, number);
      // The reference is searched as articles cite it; nothing else of it is a query word.
      const terms = parsed.words.map((w) => w.term);
      assert.ok(terms.includes(`q${number}`), terms.join(" "));
      const other = terms.filter((t) => t !== `q${number}`);
      assert.deepEqual(other, query.startsWith("heap") ? ["heap", "corrupt"] : [], `words searched besides the reference: ${other.join(" ")}`);
    });
  }

  test("the words of a link are not searched, the words beside it are", () => {
    const parsed = parseQuery("heap corruption https://support.microsoft.com/kb/149387 crash");
    assert.deepEqual(parsed.words.map((w) => w.term), ["heap", "corrupt", "q149387", "crash"]);
    for (const word of ["http", "https", "support", "microsoft", "com", "aspx", "scid", "kb", "en"]) {
      assert.ok(!parseQuery("support.microsoft.com/default.aspx?scid=kb;en-us;149387").words.some((w) => w.term.startsWith(word)), word);
    }
  });

  test("numbers that are not article references are searched as words", () => {
    for (const query of ["error 80004005", "stop 0x0000007b", "event 1025 error -1018"]) {
      assert.equal(parseQuery(query).articleNumber, undefined, query);
    }
  });

  test("chatter words weigh less than 1, content words 1", () => {
    const weights = Object.fromEntries(parseQuery("how do i stop my spooler from crashing").words.map((w) => [w.surface, w.weight]));
    for (const chatter of ["how", "do", "i", "my", "from"]) {
      assert.equal(weights[chatter], WEIGHTS.chatterWeight, chatter);
      assert.ok(weights[chatter]! < 1);
    }
    for (const content of ["stop", "spooler", "crashing"]) assert.equal(weights[content], 1, content);
  });

  test("a contraction typed with its apostrophe weighs as it does typed without: won't as wont", () => {
    const words = (q: string) => parseQuery(q).words.map((w) => [w.term, w.weight, w.plain]);
    for (const [typed, bare] of [["word 97 won't start page numbers", "word 97 wont start page numbers"], ["it doesn't print", "it doesnt print"], ["i can't log on", "i cant log on"]]) {
      assert.deepEqual(words(typed!), words(bare!), typed);
    }
    assert.equal(parseQuery("word won't print").words.find((w) => w.term === "wont")!.weight, WEIGHTS.chatterWeight);
    assert.equal(parseQuery("word won't print").intent, "problem");
  });

  test("how-to questions and problems told in the user's own words are told from other queries", () => {
    const howTo = ["how do i move the spool folder", "How can you read a registry value", "how to configure a memory dump", "  How could we stop a service", "how should one install sp4", "word 97 how do i change the default font", "nt4 ras callback - server rings back too soon, how do i make it wait"];
    const problem = ["why does my spooler stop", "my pc keeps crashing", "word wont print and i tried everything"];
    const other = ["move spool folder", "how windows 95 stores long file names", "spool folder how to", "however the spooler stops", "show how to", "spooler stops", "Setup cannot continue because some system files are out of date"];
    for (const q of howTo) assert.equal(parseQuery(q).intent, "howTo", q);
    for (const q of problem) assert.equal(parseQuery(q).intent, "problem", q);
    for (const q of other) assert.equal(parseQuery(q).intent, "other", q);
  });

  test("a value an error message quotes or brackets weighs little: it is the user's own", () => {
    const weight = (q: string) => Object.fromEntries(parseQuery(q).words.map((w) => [w.surface, w.weight]));
    assert.deepEqual(weight("There is no server on port 80 at 'localhost'"), { no: 1, server: 1, port: 1, "80": 1, localhost: WEIGHTS.chatterWeight });
    const brackets = weight("network or file permission error (Budget.doc)");
    for (const w of ["budget.doc", "budget", "doc"]) assert.equal(brackets[w], WEIGHTS.chatterWeight, w);
    assert.equal(brackets["permission"], 1);
    // Quotes around several words, or an apostrophe, mark no value.
    assert.equal(weight("the 'server is busy' message")["server"], 1);
    assert.equal(weight("the server's port")["port"], 1);
  });

  test("users' words and phrases are searched as the archive's words too, the words as typed kept", () => {
    const words = parseQuery("how do i get rid of doublespace, my pc freezes").words;
    const phrase = words.find((w) => w.surface === "get rid of")!;
    assert.equal(phrase.term, "remov");
    assert.equal(phrase.weight, 1);
    assert.deepEqual(phrase.aka.map((a) => a.term), ["uninstal", "delet", "get", "rid"]);
    assert.ok(!words.some((w) => w.surface === "get" || w.surface === "rid"), "the phrase's words are not searched again on their own");
    const freezes = words.find((w) => w.surface === "freezes")!;
    assert.equal(freezes.term, "freez");
    assert.deepEqual(freezes.aka, [{ term: "hang", weight: SYNONYM_WEIGHT }]);
    const backUp = parseQuery("back   up the registry").words;
    assert.deepEqual(backUp.map((w) => w.term), ["backup", "registri"]);
    assert.deepEqual(backUp[0]!.aka, [{ term: "back", weight: WEIGHTS.chatterWeight }, { term: "up", weight: WEIGHTS.chatterWeight }], "the phrase's own words, chatter weighed as chatter");
    assert.deepEqual(parseQuery("backup registry").words[0]!.aka, [], "a word outside the table has no synonyms");
  });

  test("an abbreviation is searched as the archive's words, each also matched by the word as typed", () => {
    const words = parseQuery("nt4 stop").words;
    assert.deepEqual(words.map((w) => w.term), ["window", "nt", "4.0", "stop"]);
    for (const w of words.slice(0, 3)) {
      // The abbreviation stands for the three words together: its match counts a third in each.
      assert.ok(w.aka.some((a) => a.term === "nt4" && a.weight === 1 / 3), `${w.term}: ${JSON.stringify(w.aka)}`);
      assert.equal(w.plain, false, `${w.term} is not corrected`);
    }
    // The version also as typed (4), which articles write too, at less than the archive's spelling.
    const version = words[2]!;
    assert.ok(version.aka.some((a) => a.term === "4" && a.weight < 1), JSON.stringify(version.aka));
    assert.deepEqual(words[3]!.aka, []);
    // Positions continue after the spelled-out words, so a title phrase still lines up.
    assert.deepEqual(words.map((w) => w.pos), [0, 1, 2, 3]);
    const sp = parseQuery("sp4").words;
    assert.deepEqual(sp.map((w) => w.term), ["servic", "pack", "4"]);
    assert.ok(sp.every((w) => w.aka.some((a) => a.term === "sp4")));
  });

  test("a quantity and its unit match articles writing them joined (2GB) or apart (2 GB), typed either way", () => {
    const joined = parseQuery("2gb limit").words;
    assert.deepEqual(joined.map((w) => w.term), ["2", "gb", "limit"]);
    for (const w of joined.slice(0, 2)) assert.ok(w.aka.some((a) => a.term === "2gb" && a.weight === 1 / 2), `${w.term}: ${JSON.stringify(w.aka)}`);
    const apart = parseQuery("2 GB limit").words;
    assert.deepEqual(apart.map((w) => w.term), ["2", "gb", "limit"]);
    for (const w of apart.slice(0, 2)) assert.ok(w.aka.some((a) => a.term === "2gb" && a.weight === 1 / 2), `${w.term}: ${JSON.stringify(w.aka)}`);
    assert.deepEqual(apart[2]!.aka, []);
    // Only a number followed right away by a unit: "2, gb" and "gb 2" are two words.
    for (const query of ["gb 2", "2, gb", "version 2 of gbview"]) {
      assert.ok(!parseQuery(query).words.some((w) => w.aka.some((a) => a.term === "2gb")), query);
    }
  });

  test("a lone digit also matches its .0 version", () => {
    const six = parseQuery("visual basic 6").words.find((w) => w.surface === "6")!;
    assert.ok(six.aka.some((a) => a.term === "6.0" && a.weight < 1), JSON.stringify(six.aka));
  });
});
