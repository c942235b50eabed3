/**
 * The conventions users of rg, fd, fzf and git expect of a terminal tool: --version, --color with
 * NO_COLOR / FORCE_COLOR / CLICOLOR_FORCE, a pager started as git starts one and --no-pager, shell
 * completions and a man page made from the same definitions as --help, progress with elapsed time
 * and an estimate, a list of what filters accept, each hit's address on the archive's website,
 * and `open` to show it in a browser.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeProgress, progressBar } from "../src/cli/commands/index.js";
import { openerFor } from "../src/cli/commands/open.js";
import { completionScript } from "../src/cli/completions.js";
import { manPage } from "../src/cli/man-page.js";
import { HELP_AFTER, program, VERSION } from "../src/cli/program.js";
import { articleUrl } from "../src/present/links.js";
import { colorWanted } from "../src/present/terminal-style.js";
import type { FacetCount, SearchResult } from "../src/query/types.js";
import { buildSampleIndex, CLI, projectRoot, runCli, SAMPLE_ARTICLES, sampleCorpus, type Run } from "./helpers.js";
import { hasTmux, NO_TMUX, shellQuote, Tmux } from "./tmux.js";

const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string; man: string | string[] };
let indexDir = "";
let tmp = "";
const sessions: Tmux[] = [];

before(async () => {
  indexDir = await buildSampleIndex("kbsearch-conventions-");
  tmp = mkdtempSync(join(tmpdir(), "kbsearch-conventions-tmp-"));
});

after(() => {
  for (const session of sessions) session.close();
  for (const dir of [indexDir, tmp]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The environment without the variables that steer colour and width. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "BROWSER", "PAGER", "KBSEARCH_PAGER", "LESS"]) delete env[name];
  return { ...env, ...extra };
}

function kbsearch(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  return runCli([...args, "--index", indexDir], { env: cleanEnv(env) });
}

/** An executable script in the temporary folder. */
function script(name: string, body: string): string {
  const path = join(tmp, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("--version", () => {
  test("--version and -V print package.json's version and exit 0", () => {
    for (const flag of ["--version", "-V"]) {
      const run = runCli([flag]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `${pkg.version}\n`);
    }
    assert.equal(VERSION, pkg.version);
  });
});

describe("--color", () => {
  const colored = (run: Run) => /\x1b\[[0-9;]*m/.test(run.stdout);
  const search = ["heap corruption", "-n", "2"];

  test("into a pipe: plain by default, coloured with --color always, FORCE_COLOR or CLICOLOR_FORCE", () => {
    assert.ok(!colored(kbsearch(search)));
    assert.ok(colored(kbsearch([...search, "--color", "always"])));
    assert.ok(colored(kbsearch([...search, "--color=always"])));
    assert.ok(colored(kbsearch(search, { FORCE_COLOR: "1" })));
    assert.ok(colored(kbsearch(search, { CLICOLOR_FORCE: "1" })));
    assert.ok(!colored(kbsearch(search, { FORCE_COLOR: "0" })));
  });

  test("NO_COLOR wins over FORCE_COLOR; --color never and always win over the environment", () => {
    assert.ok(!colored(kbsearch(search, { NO_COLOR: "1", FORCE_COLOR: "1" })));
    assert.ok(!colored(kbsearch([...search, "--color", "never"], { FORCE_COLOR: "1", CLICOLOR_FORCE: "1" })));
    assert.ok(colored(kbsearch([...search, "--color", "always"], { NO_COLOR: "1" })));
  });

  test("a bad --color value is a usage error naming the choices", () => {
    const run = kbsearch([...search, "--color", "sometimes"]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /auto, always, never/);
  });

  test("auto: a terminal gets colour unless TERM=dumb or NO_COLOR; a pipe does not", () => {
    assert.equal(colorWanted({ isTTY: true }, "auto", {}), true);
    assert.equal(colorWanted({ isTTY: true }, "auto", { TERM: "dumb" }), false);
    assert.equal(colorWanted({ isTTY: true }, "auto", { NO_COLOR: "1" }), false);
    assert.equal(colorWanted({ isTTY: true }, "auto", { NO_COLOR: "" }), true, "an empty NO_COLOR is not set (no-color.org)");
    assert.equal(colorWanted({ isTTY: false }, "auto", {}), false);
  });
});

describe("the pager, started as git starts it", { skip: hasTmux ? false : NO_TMUX }, () => {
  /** Runs `show` in a terminal with a `less` of our own first on PATH, which notes how it was started. */
  async function showWithFakeLess(flags: string[], env: string): Promise<{ started: boolean; args: string; less: string; text: string; tty: Tmux }> {
    const tty = new Tmux(100, 30);
    sessions.push(tty);
    const bin = join(tty.dir, "bin");
    spawnSync("mkdir", ["-p", bin]);
    writeFileSync(join(bin, "less"), `#!/bin/sh\necho "$*" > "${tty.dir}/args.txt"\necho "LESS=\${LESS-unset}" > "${tty.dir}/less.txt"\ncat > "${tty.dir}/text.txt"\necho PAGER-DONE\n`);
    chmodSync(join(bin, "less"), 0o755);
    await tty.waitFor(/[$#]$/m);
    const command = [process.execPath, CLI, "show", "Q949387", ...flags, "--index", indexDir].map(shellQuote).join(" ");
    tty.run(`env -u LESS -u PAGER -u NO_COLOR PATH=${shellQuote(`${bin}:${process.env.PATH}`)} ${env} ${command}; echo SHOW-$((40 + 2))`);
    await tty.waitFor(/^SHOW-42$/m);
    const read = (name: string) => (existsSync(join(tty.dir, name)) ? readFileSync(join(tty.dir, name), "utf8").trim() : "");
    return { started: existsSync(join(tty.dir, "args.txt")), args: read("args.txt"), less: read("less.txt"), text: read("text.txt") || tty.history(), tty };
  }

  test("on a terminal, show runs less with LESS=FRX and -R, in colour", async () => {
    const run = await showWithFakeLess(["--query", "heap"], "");
    assert.ok(run.started, "less was not started");
    assert.equal(run.less, "LESS=FRX");
    // R is in LESS: no -R needed.
    assert.equal(run.args, "");
    assert.match(run.text, /^\x1b\[1mQ949387: XFOR: MSMI\.EXE/);
    assert.match(run.text, /\x1b\[1;33mheap\x1b\[0m/i);
  });

  test("a LESS of the user's own is kept, and -R is added", async () => {
    const run = await showWithFakeLess([], "LESS=S");
    assert.equal(run.less, "LESS=S");
    assert.equal(run.args, "-R");
  });

  test("--no-pager prints straight to the terminal, and so does PAGER=cat", async () => {
    for (const [flags, env] of [[["--no-pager"], ""], [[], "PAGER=cat"]] as const) {
      const run = await showWithFakeLess([...flags], env);
      assert.ok(!run.started, `less was started (${flags.join(" ")} ${env})`);
      assert.match(run.text, /Q949387: XFOR: MSMI\.EXE/);
    }
  });
});

describe("shell completions", () => {
  const longOptions = program.options.map((o) => o.long!).filter(Boolean);
  const commands = program.commands.map((c) => c.name());

  /** What bash's completion function offers for the words typed (the last one being completed). */
  function bashComplete(words: string[]): string[] {
    const file = join(tmp, "kbsearch.bash");
    writeFileSync(file, runCli(["completions", "bash"]).stdout);
    const array = words.map(shellQuote).map((w) => (w === "" ? "''" : w)).join(" ");
    const run = spawnSync("bash", ["--norc", "--noprofile", "-c", `source ${shellQuote(file)}; COMP_WORDS=(kbsearch ${array}); COMP_CWORD=${words.length}; _kbsearch; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.split("\n").filter(Boolean);
  }

  test("bash: commands, every option, option values and command arguments, as the parser defines them", () => {
    assert.deepEqual(bashComplete([""]).sort(), [...commands].sort());
    assert.deepEqual(bashComplete(["--"]).sort(), [...longOptions, "--help"].sort());
    assert.deepEqual(bashComplete(["--so"]), ["--sort"]);
    assert.deepEqual(bashComplete(["--sort", ""]), ["relevance", "date", "id"]);
    assert.deepEqual(bashComplete(["--color", ""]), ["auto", "always", "never"]);
    assert.deepEqual(bashComplete(["-n", "5", "li"]), ["list"]);
    assert.deepEqual(bashComplete(["list", ""]), ["products", "tags", "years"]);
    assert.deepEqual(bashComplete(["completions", "z"]), ["zsh"]);
    assert.deepEqual(bashComplete(["show", "Q1", "--q"]), ["--query"]);
    assert.deepEqual(bashComplete(["stats", "--ver"]), ["--verify"]);
    // A command is offered the program's options it takes, and only those.
    assert.deepEqual(bashComplete(["show", "Q1", "--"]).sort(), ["--color", "--help", "--index", "--json", "--no-pager", "--query"]);
    assert.deepEqual(bashComplete(["open", "Q1", "--"]).sort(), ["--help", "--index"]);
    // After query words, only options.
    assert.deepEqual(bashComplete(["heap", "li"]), []);
  });

  test("fish: the same completions through fish's own completer", { skip: spawnSync("fish", ["--version"]).status === 0 ? false : "fish is not installed" }, () => {
    const file = join(tmp, "kbsearch.fish");
    writeFileSync(file, runCli(["completions", "fish"]).stdout);
    const complete = (line: string) => {
      const run = spawnSync("fish", ["--no-config", "-c", `function kbsearch; end; source ${shellQuote(file)}; complete -C ${shellQuote(line)}`], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]!);
    };
    assert.deepEqual(complete("kbsearch --so"), ["--sort"]);
    assert.deepEqual(complete("kbsearch --sort ").sort(), ["date", "id", "relevance"]);
    assert.deepEqual(complete("kbsearch list ").sort(), ["products", "tags", "years"]);
    assert.deepEqual(complete("kbsearch show Q1 --q"), ["--query"]);
    assert.deepEqual(complete("kbsearch open Q1 --").sort(), ["--index"]);
    assert.deepEqual(complete("kbsearch heap --so"), ["--sort"]);
    for (const command of commands) assert.ok(complete("kbsearch ").includes(command), command);
    for (const option of longOptions) assert.ok(complete("kbsearch --").includes(option), option);
  });

  test("zsh: completes in a real zsh (tmux), and the script parses", { skip: !hasTmux ? NO_TMUX : spawnSync("zsh", ["--version"]).status === 0 ? false : "zsh is not installed" }, async () => {
    const file = join(tmp, "kbsearch.zsh");
    writeFileSync(file, runCli(["completions", "zsh"]).stdout);
    assert.equal(spawnSync("zsh", ["-n", file]).status, 0);
    const tty = new Tmux(100, 20);
    sessions.push(tty);
    // zsh completes a command that is on PATH: one named kbsearch that runs the CLI.
    writeFileSync(join(tty.dir, "kbsearch"), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(CLI)} "$@"\n`);
    chmodSync(join(tty.dir, "kbsearch"), 0o755);
    tty.run(`PATH=${shellQuote(tty.dir)}:$PATH exec zsh -f`);
    tty.run(`autoload -U compinit && compinit -u -d ${shellQuote(join(tty.dir, "zcompdump"))} && source ${shellQuote(file)} && echo COMPLETION-READY`);
    await tty.waitFor(/^COMPLETION-READY$/m);
    const offered = async (typed: string, expect: RegExp) => {
      tty.press("C-u");
      tty.type(typed);
      tty.press("Tab");
      return tty.waitFor(expect, 10_000, `zsh completing "${typed}"`);
    };
    await offered("kbsearch --so", /kbsearch --sort$/m);
    await offered("kbsearch list ", /products\s+tags\s+years/);
    await offered("kbsearch ", /^interactive\s+-- search as you type$/m);
  });
});

describe("man page", () => {
  const file = join(projectRoot, typeof pkg.man === "string" ? pkg.man : pkg.man[0]!);

  test("package.json names it, the build wrote it, and it is what the help text makes now", () => {
    assert.equal(pkg.man, "./man/kbsearch.1");
    assert.ok(existsSync(file), `${file} is missing: npm run build writes it`);
    assert.equal(readFileSync(file, "utf8"), manPage(program, HELP_AFTER, VERSION));
  });

  test("it names every command and option of the parser, and man renders it without a warning", { skip: spawnSync("groff", ["--version"]).status === 0 ? false : "groff is not installed" }, () => {
    const run = spawnSync("groff", ["-man", "-Tutf8", "-ww", file], { encoding: "utf8", env: { ...process.env, GROFF_NO_SGR: "1" } });
    assert.equal(run.status, 0);
    assert.equal(run.stderr, "");
    const text = run.stdout.replace(/.\x08/g, "").replace(/\u2010/g, "-").replace(/-\n\s+/g, "-");
    for (const command of program.commands) {
      assert.match(text, new RegExp(`^\\s+${command.name()} \\[options\\]`, "m"), command.name());
      for (const option of command.options) assert.ok(text.includes(option.long!), `${command.name()} ${option.long}`);
    }
    for (const option of program.options) assert.ok(text.includes(option.long!), option.long);
    assert.match(text, /^EXIT CODES$/m);
    assert.match(text, /^ENVIRONMENT$/m);
  });
});

describe("index progress", () => {
  test("piped, each tenth of the way says the time taken", () => {
    const run = runCli(["index", sampleCorpus, "--index", join(tmp, "progress")], { env: cleanEnv() });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^indexing: .*\d+ articles, .* read, \d+:\d\d elapsed/m);
  });

  test("once part of the source is read, the line estimates the time left at the pace so far", () => {
    const progress = { articles: 15000, bytesRead: 50e6, totalBytes: 200e6 };
    assert.equal(describeProgress(progress, 4000), "15,000 articles, 50.0/200.0 MB read, 0:04 elapsed, about 0:12 left");
    assert.equal(describeProgress({ ...progress, bytesRead: 200e6 }, 16000), "15,000 articles, 200.0/200.0 MB read, 0:16 elapsed");
    // Without a total size (a download of unknown length) there is nothing to estimate from.
    assert.equal(describeProgress({ articles: 10, bytesRead: 1e6, totalBytes: undefined }, 2500), "10 articles, 1.0 MB read, 0:03 elapsed");
    assert.match(describeProgress(progress, 4000 * 60), /4:00 elapsed, about 12:00 left$/);
    assert.match(describeProgress(progress, 4000 * 900), /about 3:00:00 left$/);
    // On a terminal: a bar, within 80 columns.
    const bar = progressBar({ articles: 25000, bytesRead: 84e6, totalBytes: 200e6 }, 4000);
    assert.equal(bar, "indexing [#######.........] 42% 25,000 articles, 0:04 elapsed, 0:06 left");
    assert.ok(progressBar({ articles: 60335, bytesRead: 1e8, totalBytes: 2e8 }, 3_600_000).length < 80);
  });

  test("on a terminal, the bar shows the elapsed time", { skip: spawnSync("script", ["--version"]).status === 0 ? false : "script (util-linux) is not installed" }, () => {
    // script(1) gives the build a terminal and keeps every byte written to it, the bar's redraws included.
    const log = join(tmp, "typescript");
    // A tarball, whose size gives the bar its share done.
    const tarball = join(tmp, "corpus.tar.gz");
    assert.equal(spawnSync("tar", ["czf", tarball, "-C", sampleCorpus, "."]).status, 0);
    const command = [process.execPath, CLI, "index", tarball, "--index", join(tmp, "progress-tty")].map(shellQuote).join(" ");
    const run = spawnSync("script", ["-q", "-e", "-c", command, log], { encoding: "utf8", env: cleanEnv() });
    assert.equal(run.status, 0, run.stderr);
    assert.match(readFileSync(log, "utf8"), /\r\x1b\[2Kindexing \[[#.]{16}\] \d+% \d+ articles, \d+:\d\d elapsed/);
  });
});

describe("list", () => {
  test("years: every year with its count, oldest first, the counts adding up to the articles dated", () => {
    const run = kbsearch(["list", "years", "--json"]);
    assert.equal(run.status, 0, run.stderr);
    const years = JSON.parse(run.stdout) as FacetCount[];
    assert.deepEqual(years.map((y) => y.value), [...years.map((y) => y.value)].sort());
    assert.equal(years.reduce((s, y) => s + y.count, 0), SAMPLE_ARTICLES);
  });

  test("tags and products: each count is what that filter finds", () => {
    for (const [kind, field] of [["tags", "tag"], ["products", "product"]] as const) {
      const values = JSON.parse(kbsearch(["list", kind, "--json"]).stdout) as FacetCount[];
      assert.ok(values.length >= 3, kind);
      for (const { value, count } of values.slice(0, 6)) {
        const found = JSON.parse(kbsearch([`${field}:"${value}"`, "--json", "--facets"]).stdout) as SearchResult;
        const counted = (kind === "tags" ? found.facets!.tags : found.facets!.products).find((v) => v.value === value);
        assert.equal(counted?.count, count, `${field}:"${value}"`);
      }
    }
  });

  test("as text: a count, then the value, one a line; a bad kind is a usage error", () => {
    const run = kbsearch(["list", "products"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^\s*\d+ {2}Microsoft Windows NT$/m);
    assert.equal(kbsearch(["list", "colours"]).status, 2);
  });
});

describe("the article's address on the archive's website", () => {
  test("the archive's layout: kb/, the thousands in three digits, the id", () => {
    assert.equal(articleUrl("Q149387"), "https://jeffpar.github.io/kbarchive/kb/149/Q149387/");
    assert.equal(articleUrl("Q10022"), "https://jeffpar.github.io/kbarchive/kb/010/Q10022/");
  });

  test("--json hits carry it as url, the text output shows it under each hit, and the README's schema has it", () => {
    const json = JSON.parse(kbsearch(["heap corruption", "--json"]).stdout) as SearchResult;
    for (const hit of json.hits) assert.equal(hit.url, articleUrl(hit.id));
    const text = kbsearch(["heap corruption"]).stdout;
    for (const hit of json.hits) assert.match(text, new RegExp(`^\\s+${hit.url.replace(/[./]/g, "\\$&")}$`, "m"));
    assert.match(readFileSync(join(projectRoot, "README.md"), "utf8"), /^\s+url: string;\s+\/\/ .*jeffpar\.github\.io\/kbarchive/m);
  });
});

describe("open", () => {
  test("opens the article's page with $BROWSER and prints the address", () => {
    const seen = join(tmp, "browser.txt");
    const browser = script("fake-browser", `echo "$@" > ${shellQuote(seen)}`);
    const run = kbsearch(["open", "949387"], { BROWSER: browser });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "https://jeffpar.github.io/kbarchive/kb/949/Q949387/\n");
    assert.equal(readFileSync(seen, "utf8"), "https://jeffpar.github.io/kbarchive/kb/949/Q949387/\n");
  });

  test("an article the index lacks: exit 1, no browser", () => {
    const seen = join(tmp, "browser-absent.txt");
    const run = kbsearch(["open", "Q999999"], { BROWSER: script("fake-browser-2", `touch ${shellQuote(seen)}`) });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no article Q999999/);
    assert.ok(!existsSync(seen));
  });

  test("a browser that fails: the address is still printed, and the error says to set BROWSER", () => {
    const run = kbsearch(["open", "Q949387"], { BROWSER: script("failing-browser", "exit 3") });
    assert.equal(run.status, 2);
    assert.match(run.stdout, /kb\/949\/Q949387\//);
    assert.match(run.stderr, /could not open a browser .*exit 3.*Set BROWSER/);
  });

  test("without BROWSER: xdg-open on Linux, open on macOS, start on Windows", () => {
    const url = articleUrl("Q149387");
    assert.deepEqual(openerFor(url, {}, "linux"), { file: "xdg-open", args: [url], shell: false });
    assert.deepEqual(openerFor(url, {}, "darwin"), { file: "open", args: [url], shell: false });
    assert.deepEqual(openerFor(url, {}, "win32").args.slice(0, 2), ["/c", "start"]);
    assert.deepEqual(openerFor(url, { BROWSER: "firefox:chromium" }, "linux"), { file: "firefox", args: [url], shell: false });
  });
});

test("every command and option is in each shell's script", () => {
  for (const shell of ["bash", "zsh", "fish"] as const) {
    const text = completionScript(shell, program);
    for (const command of program.commands) assert.ok(text.includes(command.name()), `${shell}: ${command.name()}`);
    for (const option of [...program.options, ...program.commands.flatMap((c) => c.options)]) {
      const long = option.long!;
      assert.ok(shell === "fish" ? text.includes(`-l ${long.slice(2)}`) : text.includes(long), `${shell}: ${long}`);
    }
  }
});
