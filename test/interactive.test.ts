/**
 * `kbsearch -i`, used as a person uses it: in a real terminal (tmux) of 80x24, keys typed, and what
 * the screen shows read back. Also that it leaves the terminal as it found it, and refuses a pipe.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import type { SearchResult } from "../src/query/types.js";
import { CLI, buildSampleIndex, runCli } from "./helpers.js";
import { hasTmux, NO_TMUX, shellQuote, Tmux } from "./tmux.js";

let indexDir = "";
const sessions: Tmux[] = [];

before(async () => {
  indexDir = await buildSampleIndex("kbsearch-interactive-");
});

after(() => {
  for (const session of sessions) session.close();
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

/** A terminal with a shell in it, `BEFORE` printed, its tty settings noted. */
async function terminal(columns = 80, rows = 24, env: Record<string, string> = {}): Promise<{ tty: Tmux; sttyBefore: string }> {
  const tty = new Tmux(columns, rows, { NO_COLOR: "1", ...env });
  sessions.push(tty);
  await tty.waitFor(/[$#]$/m, 15_000, "the shell's prompt");
  tty.run("stty -g > stty.before; echo BEFORE");
  await tty.waitFor(/^BEFORE$/m);
  return { tty, sttyBefore: "stty.before" };
}

/** The command line that starts the interactive mode on the sample index. */
function interactive(...args: string[]): string {
  return [process.execPath, CLI, ...args, "--index", indexDir].map(shellQuote).join(" ");
}

/** The row showing the selected hit (marked ▌), and its article id. */
function selected(screen: string[]): string | undefined {
  return screen.find((l) => l.startsWith("▌ "))?.slice(2, 9);
}

/** The ids of the hits listed, in order. */
function listed(screen: string[]): string[] {
  return screen.filter((l) => /^(▌| ) Q\d+ /.test(l)).map((l) => l.slice(2, 9).trim());
}

/** Asserts that the terminal is as the shell had it: main screen, cursor shown, tty settings unchanged, the shell's text there. */
async function assertRestored(tty: Tmux): Promise<void> {
  await tty.waitFor((s) => tty.pane("#{alternate_on}") === "0" && s.some((l) => l === "BEFORE"), 10_000, "the shell's screen again");
  assert.equal(tty.pane("#{cursor_flag}"), "1", "the cursor is hidden");
  tty.run("stty -g > stty.after; echo TTY-$(cmp -s stty.before stty.after && echo same || echo changed)");
  const screen = await tty.waitFor(/^TTY-(same|changed)$/m);
  assert.ok(screen.includes("TTY-same"), `the terminal's settings changed:\n${screen.join("\n")}`);
  assert.ok(!screen.some((l) => l.startsWith("▌ ") || l.includes("Esc quit")), `the search's screen was left behind:\n${screen.join("\n")}`);
}

describe("kbsearch -i in a terminal", { skip: hasTmux ? false : NO_TMUX }, () => {
  test("80x24: the query, the hits (the first selected), a preview of its best passage, the keys; no line wider than the terminal", async () => {
    const { tty } = await terminal();
    tty.run(interactive("-i", "heap", "corruption"));
    const screen = await tty.waitFor((s) => selected(s) === "Q949387", 15_000, "Q949387 selected");
    assert.equal(screen.length, 24);
    assert.equal(screen[0], "> heap corruption");
    assert.match(screen[1]!, /^ {2}1\/\d+ articles \(\d+(\.\d+)? ms\)/);
    assert.ok(listed(screen).length >= 2, screen.join("\n"));
    const rule = screen.findIndex((l) => l.startsWith("── Q949387 · 1999-04-14 "));
    assert.ok(rule > 0, `no preview rule for the selected hit:\n${screen.join("\n")}`);
    const preview = screen.slice(rule + 1, -1).join(" ");
    assert.match(preview, /MSMI\.EXE Stops with Access Violation After Heap Corruption/);
    assert.match(preview, /https:\/\/jeffpar\.github\.io\/kbarchive\/kb\/949\/Q949387\//);
    assert.match(preview, /heap corruption is what makes the next/);
    assert.match(screen[23]!, /Enter read · Tab facets · Esc quit/);
    for (const line of screen) assert.ok([...line].length <= 80, `wider than 80: ${line}`);
    tty.press("Escape");
    await assertRestored(tty);
  });

  test("hits update with every key typed; Backspace and Ctrl-U edit the query", async () => {
    const { tty } = await terminal();
    // -i alone: an empty query, which lists nothing until a key is typed.
    tty.run(interactive("-i"));
    await tty.waitFor(/type to search 40 articles/);
    const seen: string[][] = [];
    for (const ch of "spooler") {
      tty.type(ch);
      const typed = seen.length ? seen.at(-1)![0]! + ch : `> ${ch}`;
      seen.push(await tty.waitFor((s) => s[0] === typed, 10_000, `the query line "${typed}"`));
    }
    // The hits a search of the same words gives, in the same order.
    const expected = (JSON.parse(runCli(["spooler", "--json", "-n", "5", "--index", indexDir]).stdout) as SearchResult).hits.map((h) => h.id);
    const final = await tty.waitFor((s) => listed(s).slice(0, 5).join(" ") === expected.join(" "), 10_000, `${expected.join(" ")} for spooler`);
    assert.match(final[1]!, /^ {2}1\/\d+ articles/);
    // Typed in part, the word already finds articles (its completions stand in for it).
    assert.ok(listed(seen[3]!).length > 0, `no hits for "spoo":\n${seen[3]!.join("\n")}`);
    tty.press("BSpace", "BSpace", "BSpace");
    await tty.waitFor((s) => s[0] === "> spoo");
    tty.press("C-u");
    await tty.waitFor((s) => s[0] === ">" && /type to search/.test(s[1]!), 10_000, "the query cleared");
    tty.type("zzqqxx");
    await tty.waitFor((s) => /no articles match/.test(s[1]!) && listed(s).length === 0, 10_000, "no articles match");
    tty.press("C-c");
    await assertRestored(tty);
  });

  test("arrows and Ctrl-N/Ctrl-P move the selection, and the preview follows it", async () => {
    const { tty } = await terminal();
    tty.run(interactive("interactive", "heap"));
    const first = await tty.waitFor((s) => listed(s).length >= 4 && selected(s) !== undefined);
    const ids = listed(first);
    assert.equal(selected(first), ids[0]);
    const expectSelected = async (id: string) => {
      const screen = await tty.waitFor((s) => selected(s) === id, 10_000, `${id} selected`);
      assert.ok(screen.some((l) => l.startsWith(`── ${id} · `)), `the preview is not of ${id}:\n${screen.join("\n")}`);
    };
    tty.press("Down");
    await expectSelected(ids[1]!);
    tty.press("C-n");
    await expectSelected(ids[2]!);
    tty.press("C-p");
    await expectSelected(ids[1]!);
    tty.press("Up");
    await expectSelected(ids[0]!);
    tty.press("Up");
    await expectSelected(ids[0]!);
    tty.press("Escape");
    await assertRestored(tty);
  });

  test("Enter shows the article in the pager with the query's words highlighted; quitting it returns to the list", async () => {
    const { tty } = await terminal(80, 24, { PAGER: "less" });
    tty.run(`env -u LESS -u NO_COLOR ${interactive("-i", "msmi", "heap", "corruption")}`);
    await tty.waitFor((s) => selected(s) === "Q949387");
    tty.press("Enter");
    const article = await tty.waitFor(/^Q949387: XFOR: MSMI\.EXE Stops with Access Violation After Heap Corruption$/m, 10_000, "the article's heading");
    assert.ok(article.some((l) => l === "https://jeffpar.github.io/kbarchive/kb/949/Q949387/"), article.join("\n"));
    assert.ok(!article.some((l) => l.includes("Esc quit")), `the list shows under the article:\n${article.join("\n")}`);
    // Highlighted: less shows the colour codes as colours, never as text.
    assert.doesNotMatch(article.join("\n"), /ESC\[|\^\[/);
    // "(MSMI) service" stands in the first screen of the article.
    assert.match(tty.screenWithColors(), /\x1b\[[0-9;]*33[0-9;]*mMSMI\b/, "the query's words are not highlighted");
    tty.press("q");
    const back = await tty.waitFor((s) => s[0] === "> msmi heap corruption" && selected(s) === "Q949387", 10_000, "the list again");
    assert.match(back[23]!, /Esc quit/);
    tty.press("Down");
    await tty.waitFor((s) => selected(s) !== "Q949387", 10_000, "keys working after the pager");
    tty.press("Escape");
    await assertRestored(tty);
  });

  test("Tab shows the facets of the matching articles instead of the preview, and Tab again the preview", async () => {
    const { tty } = await terminal();
    tty.run(interactive("-i", "heap"));
    await tty.waitFor((s) => selected(s) !== undefined);
    tty.press("Tab");
    const facets = await tty.waitFor(/^── facets ─+$/m, 10_000, "the facets");
    const text = facets.join("\n");
    assert.match(text, /^products: .*Microsoft Exchange \d+/m);
    assert.match(text, /^tags: .*XFOR \d+/m);
    assert.match(text, /^years: .*1999 \d+/m);
    tty.press("Tab");
    await tty.waitFor((s) => s.some((l) => /^── Q\d+ · /.test(l)) && !s.some((l) => l.startsWith("products: ")), 10_000, "the preview again");
    tty.press("Escape");
    await assertRestored(tty);
  });

  test("a resized terminal (SIGWINCH) is redrawn to its new size", async () => {
    const { tty } = await terminal();
    tty.run(interactive("-i", "heap"));
    const small = await tty.waitFor((s) => selected(s) !== undefined);
    const rowsAt24 = listed(small).length;
    tty.resize(100, 34);
    const large = await tty.waitFor((s) => s.length === 34 && /─{60,}/.test(s.find((l) => l.startsWith("── Q")) ?? "") && s[33]!.includes("Esc quit"), 10_000, "a 100x34 screen");
    assert.equal(large.find((l) => l.startsWith("── Q"))!.length, 100, "the rule does not span the new width");
    assert.ok(listed(large).length >= rowsAt24, "the list did not grow with the terminal");
    tty.resize(50, 12);
    const narrow = await tty.waitFor((s) => s.length === 12 && s[11]!.startsWith("↑↓"), 10_000, "a 50x12 screen");
    for (const line of narrow) assert.ok([...line].length <= 50, `wider than 50: ${line}`);
    assert.ok(listed(narrow).length >= 1, narrow.join("\n"));
    tty.press("Escape");
    await assertRestored(tty);
  });

  test("SIGTERM while it runs still leaves the terminal as it was", async () => {
    const { tty } = await terminal();
    tty.run(interactive("-i", "heap"));
    await tty.waitFor((s) => selected(s) !== undefined);
    // The search is the shell's only child.
    const found = spawnSync("pgrep", ["-P", tty.pane("#{pane_pid}")], { encoding: "utf8" });
    const pids = found.stdout.trim().split("\n").filter(Boolean).map(Number);
    assert.equal(pids.length, 1, `the shell runs ${pids.length} processes`);
    process.kill(pids[0]!, "SIGTERM");
    await assertRestored(tty);
  });
});

describe("kbsearch -i without a terminal", () => {
  test("says it needs one and exits 2, for -i and for the interactive command", () => {
    for (const args of [["-i", "heap"], ["interactive"]]) {
      const run = runCli([...args, "--index", indexDir]);
      assert.equal(run.status, 2, `${args.join(" ")}: exit ${run.status}\n${run.stderr}`);
      assert.match(run.stderr, /^kbsearch: interactive mode needs a terminal/);
      assert.equal(run.stdout, "");
      assert.doesNotMatch(run.stderr + run.stdout, /\x1b\[/);
    }
  });
});
