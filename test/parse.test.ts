/** The parse stage: every sample article, specific cases from corpus/README.md, and synthetic pages that fail. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeEntities, parseArticle } from "../src/parse/article.js";
import { ArticleParseError, type Article } from "../src/parse/types.js";
import { sampleCorpus, SAMPLE_ARTICLES } from "./helpers.js";

/** Every sample article as [folder name (Qnnn), path relative to corpus/]. */
const SAMPLES: [string, string][] = readdirSync(join(sampleCorpus, "kb"))
  .sort()
  .flatMap((group) =>
    readdirSync(join(sampleCorpus, "kb", group))
      .sort()
      .map((folder): [string, string] => [folder, `kb/${group}/${folder}/README.md`]),
  );

const sourceCache = new Map<string, string>();
const articleCache = new Map<string, Article>();

/** The raw page of sample article `id` (`Q949387`). */
function source(id: string): string {
  let text = sourceCache.get(id);
  if (text === undefined) {
    const entry = SAMPLES.find(([folder]) => folder === id);
    assert.ok(entry, `${id} is not in the sample corpus`);
    text = readFileSync(join(sampleCorpus, entry[1]), "utf8");
    sourceCache.set(id, text);
  }
  return text;
}

/** Sample article `id`, parsed. */
function sample(id: string): Article {
  let article = articleCache.get(id);
  if (article === undefined) {
    article = parseArticle(`kb/x/${id}/README.md`, source(id));
    articleCache.set(id, article);
  }
  return article;
}

/** A minimal page in the archive's layout; `lines` are the raw block's lines (the tab is added here). */
function page(options: { title?: string; heading?: string; frontMatter?: boolean; lines: string[] }): string {
  const parts: string[] = [];
  if (options.frontMatter !== false) {
    parts.push("---", "layout: page");
    if (options.title !== undefined) parts.push(`title: "${options.title}"`);
    parts.push("---", "");
  }
  if (options.heading !== undefined) parts.push(`## ${options.heading}`, "");
  parts.push("{% raw %}", "", ...options.lines.map((l) => `\t${l}`), "", "{% endraw %}", "");
  return parts.join("\n");
}

const SYNTHETIC_BODY = [
  "Article: Q123456",
  "Product(s): Microsoft Widget",
  "Version(s): 1.0 | 2.0",
  "Operating System(s): ",
  "Keyword(s): kbwidget kbbug",
  "Last Modified: 9-DEC-1997",
  "",
  "-------------------------------------------------------------------------------",
  "The information in this article applies to:",
  "",
  "- Microsoft Widget, versions 1.0, 2.0",
  "-------------------------------------------------------------------------------",
  "",
  "SYMPTOMS",
  "========",
  "",
  "The widget stops turning.",
  "",
  "CAUSE",
  "=====",
  "",
  "A gear slips.",
  "",
  "Additional query words: widget gear",
  "",
  "======================================================================",
  "Keywords          : kbwidget kbbug",
  "Technology        : kbWidgetSearch",
  "Issue type        : kbbug",
  "Solution Type     : kbfix",
  "",
  "=============================================================================",
];

describe("every sample article", () => {
  test(`the corpus holds the ${SAMPLE_ARTICLES} articles corpus/README.md lists`, () => {
    assert.equal(SAMPLES.length, SAMPLE_ARTICLES);
  });

  for (const [folder, path] of SAMPLES) {
    test(`${folder} parses with its id, a clean title, a date and ordered sections`, () => {
      const text = readFileSync(join(sampleCorpus, path), "utf8");
      const article = parseArticle(path, text);
      assert.equal(article.id, folder);
      assert.equal(`Q${article.number}`, folder);
      assert.ok(article.title.trim() !== "", "title is empty");
      assert.doesNotMatch(article.title, /^Q\d+:/);
      assert.equal(article.title, article.title.trim());
      assert.match(article.modified, /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
      assert.match(article.tag, /^([A-Z0-9]{2,10})?$/);
      assert.ok(article.text.endsWith("\n"));
      assert.doesNotMatch(article.text, /^\t/m, "the raw block's tab indentation is removed");
      assert.doesNotMatch(article.text, /\{% (end)?raw %\}/);

      assert.ok(article.sections.length >= 1);
      let previousEnd = 0;
      for (const section of article.sections) {
        assert.ok(section.start >= previousEnd, `${section.name} starts before the previous section ends`);
        assert.ok(section.start <= section.end && section.end <= article.text.length, `${section.name} range`);
        const body = article.text.slice(section.start, section.end);
        assert.doesNotMatch(body, /^[ \t]*={3,}[ \t]*$/m, `${section.name} holds an underline`);
        assert.doesNotMatch(body, /Additional query words:/, `${section.name} runs into the query words`);
        assert.doesNotMatch(body, /^Keywords\s+:/m, `${section.name} runs into the footer`);
        assert.equal(section.name, section.name.toUpperCase());
        previousEnd = section.end;
      }
    });
  }
});

describe("specific sample articles", () => {
  test("the title's tag is split off only when it is a tag", () => {
    const cases: [string, string, string][] = [
      ["Q949387", "XFOR", "MSMI.EXE Stops with Access Violation After Heap Corruption"],
      ["Q912044", "PRB", "_CrtIsValidHeapPointer Assertion When Freeing Memory Across DLLs"],
      ["Q968590", "WD97", "Macro Warning Appears for Document That Contains No Macros"],
      ["Q970618", "ACC97", "Report Prints Blank Page After Every Page"],
      ["Q927733", "HOWTO", "Read a Registry Value from Visual Basic with RegQueryValueEx"],
      // STOP and "Err Msg:" are part of the title, not tags.
      ["Q973355", "", "STOP 0x0000007B INACCESSIBLE_BOOT_DEVICE After Moving the System Disk"],
      ["Q950774", "", "Err Msg: Invalid VxD Dynamic Link Call from VNETSUP(01) in Windows 95"],
      ["Q45712", "", "CHAIN in QB.EXE Loses COMMON Values When DIM Comes First"],
      ["Q984455", "", "LAN Manager 2.2 Server Stops Sharing Printers After 64 Jobs"],
    ];
    for (const [id, tag, title] of cases) {
      const article = sample(id);
      assert.equal(article.tag, tag, id);
      assert.equal(article.title, title, id);
    }
  });

  test("HTML entities in the front-matter title are decoded", () => {
    const cases: [string, string, string][] = [
      ["Q940876", "&quot;", 'Error 80004005 "ConnectionOpen (CreateFile())" Connecting to SQL Server 7.0'],
      ["Q980342", "&quot;", '"Insufficient Memory" Error Running REPORT FORM in FoxPro 2.6'],
      ["Q970233", "&amp;", "Run-Time Error 3061 & Parameter Queries Opened from DAO"],
      ["Q968412", "&lt;", "Err Msg: Word Cannot Save <Filename> Because the Disk Is Full"],
      ["Q966045", "&#92;", "Setup Cannot Copy C:\\Windows\\System\\Mso97.dll"],
    ];
    for (const [id, entity, title] of cases) {
      const frontTitle = /^title: (.*)$/m.exec(source(id))?.[1] ?? "";
      assert.ok(frontTitle.includes(entity), `${id}'s front matter spells ${entity}`);
      assert.equal(sample(id).title, title, id);
      assert.doesNotMatch(sample(id).title, /&(quot|amp|lt|gt|#\d+);/, id);
    }
  });

  test("decodeEntities handles named, decimal and hex entities and leaves unknown ones", () => {
    const cases: [string, string][] = [
      ["no entities", "no entities"],
      ["&quot;a&quot; &amp; &lt;b&gt;", '"a" & <b>'],
      ["C:&#92;Windows", "C:\\Windows"],
      ["&#x41;&#X42;", "AB"],
      ["&AMP;", "&"],
      ["&bogus; &#0; & alone", "&bogus; &#0; & alone"],
      ["&constructor; &toString; &__proto__;", "&constructor; &toString; &__proto__;"],
    ];
    for (const [input, expected] of cases) assert.equal(decodeEntities(input), expected, input);
  });

  test("header lists: products, versions, operating systems and keywords", () => {
    const cases: { id: string; products: string[]; versions: string[]; operatingSystems: string[]; keywords: string[] }[] = [
      {
        id: "Q949387",
        products: ["Microsoft Exchange"],
        versions: ["winnt:4.0,5.0"],
        operatingSystems: [],
        keywords: ["kbusage", "kbbug"],
      },
      {
        // Programmer's Library style: "See article" is no product; keywords split on | and spaces.
        id: "Q45712",
        products: [],
        versions: ["4.00", "4.00b", "4.50"],
        operatingSystems: ["MS-DOS"],
        keywords: ["ENDUSER", "SR#", "S890927-44", "buglist4.50", "B_QuickBas", "mspl13_basic"],
      },
      {
        id: "Q980342",
        products: ["Microsoft FoxPro"],
        versions: ["2.60", "2.60"],
        operatingSystems: ["MS-DOS WINDOWS"],
        keywords: ["FoxDos", "FoxWin", "kbprint", "kbbuglist", "kbfixlist"],
      },
      {
        id: "Q984455",
        products: ["Microsoft LAN Manager"],
        versions: ["2.20"],
        operatingSystems: ["OS/2"],
        keywords: ["kbnetwork", "kbprint"],
      },
      {
        id: "Q973355",
        products: ["Microsoft Windows 2000"],
        versions: ["winnt:"],
        operatingSystems: [],
        keywords: ["kbenv", "kberrmsg", "kbhardware", "kbOSWin2000"],
      },
    ];
    for (const { id, ...expected } of cases) {
      const a = sample(id);
      assert.deepEqual(
        { products: a.products, versions: a.versions, operatingSystems: a.operatingSystems, keywords: a.keywords },
        expected,
        id,
      );
    }
  });

  test("Last Modified D-MON-YYYY becomes YYYY-MM-DD", () => {
    const cases: [string, string][] = [
      ["Q949387", "1999-04-14"],
      ["Q973355", "2001-03-07"],
      ["Q45712", "1989-11-03"],
      ["Q927733", "2000-01-05"],
      ["Q978051", "2002-07-16"],
    ];
    for (const [id, date] of cases) assert.equal(sample(id).modified, date, id);
  });

  test("sections are named by their = underlined headings", () => {
    const cases: [string, string[]][] = [
      ["Q949387", ["SYMPTOMS", "CAUSE", "WORKAROUND", "STATUS"]],
      ["Q912044", ["SYMPTOMS", "CAUSE", "RESOLUTION", "MORE INFORMATION", "REFERENCES"]],
      ["Q903381", ["SUMMARY", "MORE INFORMATION"]],
      // "Step-by-Step Example" is underlined with "-": a sub-heading inside MORE INFORMATION.
      ["Q927733", ["SUMMARY", "MORE INFORMATION", "REFERENCES"]],
      // Text before the first heading (a `BUG #:` line) is a section named "".
      ["Q940211", ["", "SYMPTOMS", "WORKAROUND", "STATUS"]],
      // Programmer's Library style: no headings at all.
      ["Q45712", [""]],
      ["Q901288", [""]],
    ];
    for (const [id, names] of cases) assert.deepEqual(sample(id).sections.map((s) => s.name), names, id);
  });

  test("a section's range starts after its heading's underline and ends before the next heading", () => {
    const article = sample("Q949387");
    const { text, sections } = article;
    for (const section of sections) {
      const before = text.slice(0, section.start);
      assert.match(before, new RegExp(`\\n${section.name}\\n=+\\n$`), `${section.name}: the heading and underline end right before the range`);
      const body = text.slice(section.start, section.end);
      assert.ok(!body.includes("=".repeat(section.name.length)), `${section.name}'s range holds its underline`);
      assert.ok(!body.includes(`${section.name}\n`), `${section.name}'s range holds its heading`);
    }
    const byName = new Map(sections.map((s) => [s.name, text.slice(s.start, s.end)]));
    assert.match(byName.get("SYMPTOMS")!, /^\s*The MS Mail Connector Interchange \(MSMI\) service/);
    assert.match(byName.get("SYMPTOMS")!, /0x480df78/);
    assert.doesNotMatch(byName.get("SYMPTOMS")!, /CAUSE/);
    assert.match(byName.get("CAUSE")!, /heap corruption/);
    // The last section stops at the query words line.
    assert.match(byName.get("STATUS")!, /S E R V P A C K\s*$/);

    const moreInfo = sample("Q927733").sections.find((s) => s.name === "MORE INFORMATION")!;
    assert.match(sample("Q927733").text.slice(moreInfo.start, moreInfo.end), /^\s*Step-by-Step Example\n-+\n/);
  });

  test("an article without headings has one section \"\" holding its whole body", () => {
    const article = sample("Q45712");
    assert.equal(article.sections.length, 1);
    const [only] = article.sections;
    const body = article.text.slice(only!.start, only!.end);
    assert.match(body, /^When a program run inside the QB\.EXE environment/);
    assert.match(body, /PRINT total\s*$/);
    assert.doesNotMatch(body, /Last Modified:/);
    assert.deepEqual(
      [article.queryWords, article.technology, article.issueType, article.solutionType, article.appliesTo],
      ["", [], [], [], []],
    );
  });

  test("Additional query words: the line's text, or \"\" when empty or absent", () => {
    const cases: [string, string, string][] = [
      ["Q949387", "heap corruption crash", "present"],
      ["Q913560", 'extern "C" name decoration mangling lnk1120 cpp', "present"],
      ["Q979914", "servpack sp2 w2k update.exe slipstream /integrate", "present"],
      ["Q968590", "", "empty"],
      ["Q978051", "", "empty"],
      ["Q951102", "", "absent"],
      ["Q45712", "", "absent"],
    ];
    for (const [id, words, line] of cases) {
      const hasLine = /^\tAdditional query words:/m.test(source(id));
      assert.equal(hasLine, line !== "absent", `${id}: the source's query words line is ${line}`);
      assert.equal(sample(id).queryWords, words, id);
    }
  });

  test("footer fields: technology, issue type, solution type", () => {
    const cases: [string, string[], string[], string[]][] = [
      ["Q949387", ["kbExchangeSearch", "kbExchange500", "kbExchange400"], ["kbbug"], ["kbfix"]],
      ["Q912044", ["kbVCsearch", "kbAudDeveloper", "kbVC600"], ["kbprb"], []],
      // A footer without Technology.
      ["Q905117", [], ["kbprb"], []],
      // A footer with only Keywords and Issue type.
      ["Q903381", [], ["kbinfo"], []],
      // No footer at all.
      ["Q901288", [], [], []],
    ];
    for (const [id, technology, issueType, solutionType] of cases) {
      const a = sample(id);
      assert.deepEqual([a.technology, a.issueType, a.solutionType], [technology, issueType, solutionType], id);
    }
  });

  test("the applies-to box becomes a list", () => {
    const cases: [string, string[]][] = [
      ["Q949387", ["Microsoft Exchange Server, versions 4.0, 5.0"]],
      ["Q912044", [
        "Microsoft Visual C++, 32-bit Enterprise Edition, version 6.0",
        "Microsoft Visual C++, 32-bit Professional Edition, version 6.0",
      ]],
      ["Q973355", ["Microsoft Windows 2000 Server", "Microsoft Windows 2000 Advanced Server", "Microsoft Windows 2000 Professional"]],
      ["Q45712", []],
    ];
    for (const [id, appliesTo] of cases) assert.deepEqual(sample(id).appliesTo, appliesTo, id);
  });
});

describe("synthetic pages", () => {
  test("a complete synthetic page parses field by field", () => {
    const article = parseArticle("synthetic/README.md", page({ title: "Q123456: PRB: Widget Stops &amp; Gear Slips", lines: SYNTHETIC_BODY }));
    const { text, sections, ...fields } = article;
    assert.deepEqual(fields, {
      id: "Q123456",
      number: 123456,
      title: "Widget Stops & Gear Slips",
      tag: "PRB",
      products: ["Microsoft Widget"],
      versions: ["1.0", "2.0"],
      operatingSystems: [],
      keywords: ["kbwidget", "kbbug"],
      modified: "1997-12-09",
      appliesTo: ["Microsoft Widget, versions 1.0, 2.0"],
      queryWords: "widget gear",
      technology: ["kbWidgetSearch"],
      issueType: ["kbbug"],
      solutionType: ["kbfix"],
    });
    assert.deepEqual(
      sections.map((s) => [s.name, text.slice(s.start, s.end).trim()]),
      [["SYMPTOMS", "The widget stops turning."], ["CAUSE", "A gear slips."]],
    );
  });

  test("pages with nothing usable throw ArticleParseError with a reason", () => {
    const cases: [string, string, RegExp][] = [
      ["empty file", "", /empty file/],
      ["white space only", " \n\t\n\n", /empty file/],
      ["no raw block", "---\ntitle: \"Q123456: A Title\"\n---\n\n## Q123456: A Title\n\nArticle: Q123456\n", /no \{% raw %\} block/],
      ["empty raw block", "---\ntitle: \"Q123456: A Title\"\n---\n{% raw %}\n\t\n\n{% endraw %}\n", /empty \{% raw %\} block/],
      [
        "no article number anywhere",
        page({ title: "A Title Without a Number", heading: "A Title Without a Number", lines: ["Product(s): Microsoft Widget", "", "Some text."] }),
        /no article number/,
      ],
    ];
    for (const [name, text, reason] of cases) {
      assert.throws(
        () => parseArticle("synthetic/README.md", text),
        (error: unknown) => {
          assert.ok(error instanceof ArticleParseError, `${name}: ${String(error)}`);
          assert.match(error.reason, reason, name);
          assert.equal(error.path, "synthetic/README.md");
          assert.equal(error.message, `synthetic/README.md: ${error.reason}`);
          return true;
        },
        name,
      );
    }
  });

  test("CRLF line endings parse exactly as LF", () => {
    const lf = page({ title: "Q123456: PRB: Widget Stops", heading: "Q123456: PRB: Widget Stops", lines: SYNTHETIC_BODY });
    const crlf = lf.replace(/\n/g, "\r\n");
    assert.ok(crlf.includes("\r\n"));
    const parsed = parseArticle("synthetic/README.md", crlf);
    assert.deepEqual(parsed, parseArticle("synthetic/README.md", lf));
    assert.ok(!parsed.text.includes("\r"));
    assert.equal(parsed.sections.length, 2);
    // A sample article too.
    assert.deepEqual(parseArticle("kb/x/Q949387/README.md", source("Q949387").replace(/\n/g, "\r\n")), sample("Q949387"));
  });

  test("a page without front matter takes its title from the ## heading", () => {
    const lines = SYNTHETIC_BODY.filter((l) => !l.startsWith("Article:"));
    const article = parseArticle("synthetic/README.md", page({ frontMatter: false, heading: "Q654321: WD97: Heading &quot;Only&quot; Title", lines }));
    assert.equal(article.id, "Q654321");
    assert.equal(article.number, 654321);
    assert.equal(article.tag, "WD97");
    assert.equal(article.title, 'Heading "Only" Title');
    assert.deepEqual(article.sections.map((s) => s.name), ["SYMPTOMS", "CAUSE"]);
  });

  test("the article number comes from the Article: line, else the title, else the folder", () => {
    const withoutArticleLine = SYNTHETIC_BODY.filter((l) => !l.startsWith("Article:"));
    const cases: [string, string, number][] = [
      ["Article: line wins", page({ title: "Q111: Title", lines: SYNTHETIC_BODY }), 123456],
      ["title", page({ title: "Q111: Title", lines: withoutArticleLine }), 111],
      ["folder", page({ title: "Title", lines: withoutArticleLine }), 777],
    ];
    for (const [name, text, number] of cases) {
      const article = parseArticle("kb/000/Q777/README.md", text);
      assert.equal(article.number, number, name);
      assert.equal(article.id, `Q${number}`, name);
    }
  });

  test("a date that does not parse gives \"\"", () => {
    const cases: [string, string][] = [
      ["Last Modified: 9-DEC-1997", "1997-12-09"],
      ["Last Modified: 31-dec-2001", "2001-12-31"],
      ["Last Modified: 9-XYZ-1997", ""],
      ["Last Modified: 1997-12-09", ""],
      ["Last Modified: ", ""],
    ];
    for (const [line, expected] of cases) {
      const lines = SYNTHETIC_BODY.map((l) => (l.startsWith("Last Modified:") ? line : l));
      assert.equal(parseArticle("synthetic/README.md", page({ title: "Q1: T", lines })).modified, expected, line);
    }
  });
});
