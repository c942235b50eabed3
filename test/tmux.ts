/**
 * A terminal for the tests to use as a person would: a tmux session of a given size, keys sent
 * to it, and what its screen shows read back (capture-pane). Each session has a tmux server of its
 * own (its own socket), started without the user's configuration and with no status line, so the
 * pane is the whole terminal.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether tmux is installed (.ci/run installs it). */
export const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;

export const NO_TMUX = "tmux is not installed (apt-get install -y tmux): terminal tests skipped";

let sessions = 0;

/** A shell word quoted for sh. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export class Tmux {
  readonly dir: string;
  private readonly socket: string;

  /** Starts `bash` (no profile, `$ ` prompt) in a `columns` x `rows` terminal, in a folder of its own (`dir`). */
  constructor(columns: number, rows: number, env: Record<string, string> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "kbsearch-tmux-"));
    this.socket = `kbsearch-test-${process.pid}-${++sessions}`;
    const conf = join(this.dir, "tmux.conf");
    writeFileSync(conf, ["set -g status off", "set -g remain-on-exit on", "set -g history-limit 2000", "set -g default-terminal screen"].join("\n") + "\n");
    // No history files: the shells and less would still be writing them as the session ends.
    const environment = { PS1: "$ ", TERM: "screen", HOME: this.dir, HISTFILE: "/dev/null", LESSHISTFILE: "-", LANG: "C.UTF-8", LC_ALL: "C.UTF-8", ...env };
    this.tmux(["-f", conf, "new-session", "-d", "-s", "t", "-x", String(columns), "-y", String(rows), "-c", this.dir, ...Object.entries(environment).flatMap(([k, v]) => ["-e", `${k}=${v}`]), "bash --norc --noprofile"]);
  }

  /** Runs a tmux command against this session's server; returns its stdout. */
  tmux(args: string[]): string {
    const run = spawnSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${run.stderr}`);
    return run.stdout;
  }

  /** Types `text` literally. */
  type(text: string): void {
    this.tmux(["send-keys", "-t", "t", "-l", text]);
  }

  /** Presses keys by tmux's names: Enter, Escape, Up, Down, Tab, C-n, C-c ... */
  press(...keys: string[]): void {
    this.tmux(["send-keys", "-t", "t", ...keys]);
  }

  /** Types a command line and presses Enter. */
  run(commandLine: string): void {
    this.type(commandLine);
    this.press("Enter");
  }

  /** The screen as a person sees it, one string per row (trailing spaces cut). */
  screen(): string[] {
    return this.tmux(["capture-pane", "-p", "-t", "t"]).replace(/\n$/, "").split("\n");
  }

  /** All the terminal showed, its scrollback included. */
  history(): string {
    return this.tmux(["capture-pane", "-p", "-S", "-", "-t", "t"]);
  }

  /** The screen with its colours, as SGR codes. */
  screenWithColors(): string {
    return this.tmux(["capture-pane", "-p", "-e", "-t", "t"]);
  }

  /** A tmux format of the pane: `#{alternate_on}`, `#{cursor_flag}`, `#{pane_width}` ... */
  pane(format: string): string {
    return this.tmux(["display-message", "-p", "-t", "t", format]).trim();
  }

  resize(columns: number, rows: number): void {
    this.tmux(["resize-window", "-t", "t", "-x", String(columns), "-y", String(rows)]);
  }

  /** Waits until the screen satisfies `ready` (a pattern or a test); throws with the screen after `ms`. */
  async waitFor(ready: RegExp | ((screen: string[]) => boolean), ms = 15_000, what = String(ready)): Promise<string[]> {
    const deadline = Date.now() + ms;
    let screen: string[] = [];
    for (;;) {
      screen = this.screen();
      if (typeof ready === "function" ? ready(screen) : ready.test(screen.join("\n"))) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}; it shows:\n${screen.join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends the session and its server. */
  close(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
    // A process of the session may still be writing its last files (a shell's history) as the server ends.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 200 });
  }
}
