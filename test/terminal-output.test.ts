/**
 * Search output as a terminal shows it: wrapped at word boundaries to the width, every value of the
 * facets shown, colours closed before each line break, the total of --explain's points, and the
 * pager: colours through `less -S`, a missing pager named in a note and the text printed anyway.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { choosePager } from "../src/cli/pager.js";
import { paint, stripAnsi, visibleWidth, wrapStyled } from "../src/present/ansi.js";
import { formatResult } from "../src/present/terminal.js";
import type { SearchHit, SearchResult } from "../src/query/types.js";
import { buildSampleIndex, CLI, random, runCli, type Run } from "./helpers.js";
import { hasTmux, NO_TMUX, shellQuote, Tmux } from "./tmux.js";

let indexDir = "";
const sessions: Tmux[] = [];

before(async () => {
  indexDir = await buildSampleIndex("kbsearch-output-");
});

after(() => {
  for (const session of sessions) session.close();
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

function kbsearch(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const base = { ...process.env };
  for (const name of ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS"]) delete base[name];
  return runCli([...args, "--index", indexDir], { env: { ...base, ...env } });
}

/** The SGR codes still in force at the end of each line (none, when every line closes what it opens). */
function openAtLineEnds(text: string): { line: string; open: string[] }[] {
  const out: { line: string; open: string[] }[] = [];
  let open: string[] = [];
  for (const line of text.split("\n")) {
    for (const [code] of line.matchAll(/\x1b\[([0-9;]*)m/g)) open = code === "\x1b[0m" || code === "\x1b[m" ? [] : [...open, code];
    if (open.length) out.push({ line, open });
    open = [];
  }
  return out;
}

describe("wrapping styled text", () => {
  test("a highlight wrapped across lines is closed at the end of one and reopened on the next", () => {
    const text = `the ${paint(true, "1;33", "access violation at address")} in the heap`;
    const lines = wrapStyled(text, 16);
    assert.deepEqual(lines.map(stripAnsi), ["the access", "violation at", "address in the", "heap"]);
    assert.deepEqual(openAtLineEnds(lines.join("\n")), []);
    assert.ok(lines[1]!.startsWith("\x1b[1;33m"), `the next line does not reopen the colour: ${JSON.stringify(lines[1])}`);
  });

  test("random styled text: lines within the width, broken at spaces, colours closed at each line end, nothing lost", () => {
    const next = random(22);
    const words = ["heap", "corruption", "MSMI.EXE", "a", "violation", "x", "Q149387", "NTDLL.DLL", "printer", "the"];
    for (let round = 0; round < 300; round++) {
      const width = 12 + Math.floor(next() * 40);
      const parts: string[] = [];
      for (let i = 0; i < 3 + Math.floor(next() * 20); i++) {
        const word = words[Math.floor(next() * words.length)]!;
        parts.push(next() < 0.3 ? paint(true, next() < 0.5 ? "1;33" : "2", word) : word);
      }
      const text = parts.join(" ");
      const lines = wrapStyled(text, width, { indent: "  " });
      for (const line of lines) assert.ok(visibleWidth(line) <= width, `${JSON.stringify(line)} is wider than ${width}`);
      assert.deepEqual(openAtLineEnds(lines.join("\n")), [], JSON.stringify(lines));
      // Every word whole on some line (none is longer than the narrowest width here).
      assert.deepEqual(lines.map((l) => stripAnsi(l).trim()).join(" ").split(/\s+/), stripAnsi(text).split(" "));
    }
  });

  test("leading spaces are kept; a word longer than the line is broken where the line ends", () => {
    assert.deepEqual(wrapStyled("  1. Q149387 title", 40), ["  1. Q149387 title"]);
    const url = "https://jeffpar.github.io/kbarchive/kb/149/Q149387/";
    const lines = wrapStyled(`see ${url}`, 20);
    assert.equal(lines[0], "see");
    assert.equal(lines.slice(1).join(""), url);
    for (const line of lines) assert.ok(visibleWidth(line) <= 20);
  });
});

describe("search output at a terminal's width", () => {
  test("facets at 80 columns: every product, tag and year shows, wrapped between values, none cut with …", () => {
    const json = JSON.parse(kbsearch(["windows", "--facets", "--json"]).stdout) as SearchResult;
    assert.ok(json.facets!.products.length >= 4, "too few products to need wrapping");
    const run = kbsearch(["windows", "--facets", "-n", "1"], { COLUMNS: "80" });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split("\n");
    for (const line of lines) assert.ok(visibleWidth(line) <= 80, `wider than 80: ${line}`);
    const start = lines.findIndex((l) => l.startsWith("products: "));
    const end = lines.findIndex((l) => l.startsWith("years: "));
    for (const line of lines.slice(start, end + 1)) assert.doesNotMatch(line, /…$/);
    const block = lines.slice(start, end + 1).join(" ").replace(/\s+/g, " ");
    for (const { value, count } of [...json.facets!.products, ...json.facets!.tags, ...json.facets!.years]) {
      assert.ok(block.includes(`${value} ${count}`), `"${value} ${count}" is not shown:\n${lines.slice(start, end + 1).join("\n")}`);
    }
  });

  test("40 columns: titles wrap at word boundaries, no line is wider, colours never run across a line break", () => {
    const json = JSON.parse(kbsearch(["heap corruption", "--json"]).stdout) as SearchResult;
    const run = kbsearch(["heap corruption", "--explain", "--facets", "--color", "always"], { COLUMNS: "40" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\x1b\[/, "no colour with --color always");
    assert.deepEqual(openAtLineEnds(run.stdout), [], "a colour runs on past the end of a line");
    const lines = stripAnsi(run.stdout).split("\n");
    for (const line of lines) assert.ok(visibleWidth(line) <= 40, `wider than 40: ${line}`);
    for (const hit of json.hits) {
      const head = lines.findIndex((l) => new RegExp(`^\\s*${hit.rank}\\. ${hit.id} `).test(l));
      assert.ok(head >= 0, `no head line for ${hit.id}`);
      const title = `${hit.tag ? `${hit.tag}: ` : ""}${hit.title}`;
      // The title's lines, joined with single spaces, give the title back: it broke only where it had spaces.
      const shown: string[] = [lines[head]!.replace(/^\s*\d+\. Q\d+\s+/, "")];
      for (let i = head + 1; shown.join(" ").length < title.length; i++) shown.push(lines[i]!.trim());
      assert.equal(shown.join(" "), title);
      assert.ok(shown.length > 1 || title.length <= 26, `${hit.id}: the title did not wrap at 40 columns`);
    }
  });

  test("--explain ends each hit's parts with the score they add up to", () => {
    const json = JSON.parse(kbsearch(["spooler stops responding printer", "--json", "--explain"]).stdout) as SearchResult;
    const run = kbsearch(["spooler stops responding printer", "--explain"]);
    assert.equal(run.status, 0, run.stderr);
    const totals = [...run.stdout.matchAll(/^\s+= (\d+\.\d\d)  score$/gm)].map((m) => Number(m[1]));
    assert.equal(totals.length, json.hits.length, run.stdout);
    json.hits.forEach((hit, i) => {
      assert.equal(totals[i], Number(hit.score.toFixed(2)), hit.id);
      const sum = hit.explain!.reduce((s, p) => s + p.points, 0);
      assert.ok(Math.abs(sum - hit.score) < 0.01, `${hit.id}: the parts add up to ${sum}, the score is ${hit.score}`);
    });
  });

  test("a formatted result closes its colours on every line, at any width", () => {
    const hit: SearchHit = {
      rank: 1, id: "Q149387", title: "MSMI.EXE Stops with Access Violation After Heap Corruption", tag: "XFOR",
      products: ["Microsoft Exchange"], modified: "1999-04-14", url: "https://jeffpar.github.io/kbarchive/kb/149/Q149387/",
      score: 1, match: "text", snippet: "the data is overwritten; this heap corruption is what makes the next read fail", highlights: [[34, 49]],
    };
    const result: SearchResult = { query: "heap corruption", terms: [], corrections: [], total: 1, offset: 0, hits: [hit], warnings: ["a long note that needs to wrap across several lines of a narrow terminal"], tookMs: 1,
      facets: { products: [{ value: "Microsoft Exchange", count: 3 }, { value: "Microsoft Windows NT", count: 2 }], tags: [{ value: "XFOR", count: 2 }], years: [{ value: "1999", count: 2 }] } };
    for (let width = 20; width <= 100; width += 7) {
      const text = formatResult(result, { color: true, width });
      assert.deepEqual(openAtLineEnds(text), [], `width ${width}:\n${text}`);
      for (const line of text.split("\n")) assert.ok(visibleWidth(line) <= width, `width ${width}: ${JSON.stringify(line)}`);
    }
  });
});

describe("the pager", () => {
  test("less gets -R semantics: LESS=FRX when LESS is unset, -R added when neither LESS nor the command has it", () => {
    const path = process.env.PATH;
    const lessS = choosePager({ PATH: path, PAGER: "less -S" });
    assert.equal(lessS.kind, "pager");
    if (lessS.kind !== "pager") return;
    assert.deepEqual(lessS.env, { LESS: "FRX" });
    assert.ok(lessS.color);
    const ownLess = choosePager({ PATH: path, PAGER: "less -S", LESS: "S" });
    assert.ok(ownLess.kind === "pager" && ownLess.args.includes("-R") && !("LESS" in ownLess.env), JSON.stringify(ownLess));
    const withR = choosePager({ PATH: path, PAGER: "less -R" });
    assert.ok(withR.kind === "pager" && withR.args.filter((a) => a === "-R").length === 1);
    // The interactive mode keeps less open for a short article: no F.
    const stayOpen = choosePager({ PATH: path }, true);
    assert.ok(stayOpen.kind === "pager" && stayOpen.env.LESS === "RX", JSON.stringify(stayOpen));
    assert.deepEqual(choosePager({ PATH: path, PAGER: "" }), { kind: "none" });
    assert.deepEqual(choosePager({ PATH: path, PAGER: "cat" }), { kind: "none" });
    assert.deepEqual(choosePager({ PATH: path, PAGER: "no-such-pager-kb -x" }), { kind: "missing", command: "no-such-pager-kb -x", program: "no-such-pager-kb" });
    // A pager not known to show colours gets plain text.
    const unknown = choosePager({ PATH: path, PAGER: "tail -n 5" });
    assert.ok(unknown.kind === "pager" && !unknown.color);
  });

  /** Runs `show` in a terminal (tmux), its stderr and exit status noted in files. */
  async function showInTerminal(env: string, waitForArticle = true): Promise<{ tty: Tmux; screen: string[] }> {
    const tty = new Tmux(100, 40);
    sessions.push(tty);
    await tty.waitFor(/[$#]$/m);
    const command = [process.execPath, CLI, "show", "Q949387", "--query", "msmi heap", "--index", indexDir].map(shellQuote).join(" ");
    tty.run(`env -u LESS -u NO_COLOR ${env} ${command} 2> err.txt; echo $? > status.txt`);
    const screen = waitForArticle ? await tty.waitFor(/^Q949387: XFOR: MSMI\.EXE/m, 15_000, "the article") : [];
    return { tty, screen };
  }

  test('PAGER="less -S" shows the highlights as colours, not escape codes', { skip: hasTmux ? false : NO_TMUX }, async () => {
    const { tty, screen } = await showInTerminal(`PAGER=${shellQuote("less -S")}`);
    assert.ok(tty.pane("#{pane_current_command}") === "less" || screen.some((l) => /^:|\(END\)/.test(l)), "less is not showing the article");
    assert.doesNotMatch(screen.join("\n"), /ESC\[|\^\[|\[1;33m/, `escape codes shown as text:\n${screen.join("\n")}`);
    assert.match(tty.screenWithColors(), /\x1b\[[0-9;]*33[0-9;]*mMSMI\b/, "the query's words are not highlighted");
    tty.press("q");
    await tty.waitFor((s) => existsSync(join(tty.dir, "status.txt")) && s.length > 0);
    assert.equal(readFileSync(join(tty.dir, "status.txt"), "utf8").trim(), "0");
    assert.equal(readFileSync(join(tty.dir, "err.txt"), "utf8"), "");
  });

  test("a pager that does not exist: a one-line note, the article printed as it is, exit 0", { skip: hasTmux ? false : NO_TMUX }, async () => {
    const { tty } = await showInTerminal("PAGER=no-such-pager-kb", false);
    await tty.waitFor(() => existsSync(join(tty.dir, "status.txt")) && readFileSync(join(tty.dir, "status.txt"), "utf8").trim() !== "");
    const shown = tty.history();
    assert.equal(readFileSync(join(tty.dir, "status.txt"), "utf8").trim(), "0");
    const stderr = readFileSync(join(tty.dir, "err.txt"), "utf8");
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.match(stderr, /^kbsearch: pager "no-such-pager-kb" not found \(from PAGER="no-such-pager-kb"\); printing without one\n$/);
    assert.doesNotMatch(stderr, /sh: |not found: |No such file/);
    assert.match(shown, /^Q949387: XFOR: MSMI\.EXE Stops/m, shown);
    assert.match(shown, /^SYMPTOMS$/m, shown);
    assert.match(shown, /^STATUS$/m, shown);
  });
});
