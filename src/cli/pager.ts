/**
 * Long text on a terminal goes through a pager, started as git starts one: `$KBSEARCH_PAGER`, else
 * `$PAGER`, else `less`; `LESS=FRX` when `LESS` is unset (quit when the text fits one screen, show
 * colours, leave the text on screen). less always gets `-R` semantics, so `PAGER="less -S"` shows
 * colours, not escape codes; a pager not known to show colours gets plain text. A pager that is not
 * installed is named in a one-line note and the text printed as it is.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { basename, delimiter, isAbsolute, join } from "node:path";
import { styleFor, type ColorChoice, type Style } from "../present/terminal-style.js";

/** Pagers that pass colour codes through to the terminal (less is handled on its own). */
const COLOR_PAGERS = new Set(["most", "more", "bat", "batcat", "moar", "moor", "ov", "lv", "pg"]);
/** Characters that make a pager command a shell command line, run by `sh -c` as git does. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~=%]/;

export interface PagerPlan {
  /** The command as configured, for messages. */
  command: string;
  /** What to run: a program and its arguments, or a shell command line. */
  file: string;
  args: string[];
  /** Run `file` as a shell command line (it holds pipes, quotes, variables). */
  shell: boolean;
  /** Environment additions (LESS, LV). */
  env: Record<string, string>;
  /** Whether the pager shows colour codes as colours. */
  color: boolean;
}

export type PagerChoice = { kind: "none" } | { kind: "missing"; command: string; program: string } | ({ kind: "pager" } & PagerPlan);

/**
 * The pager the environment asks for. `stayOpen`: keep less open even when the text fits one
 * screen (the interactive mode, which redraws its own screen when the pager ends).
 */
export function choosePager(env: NodeJS.ProcessEnv = process.env, stayOpen = false): PagerChoice {
  const command = (env.KBSEARCH_PAGER ?? env.PAGER ?? "less").trim();
  // As with git: an empty pager or `cat` means none.
  if (command === "" || command === "cat") return { kind: "none" };
  const words = command.split(/\s+/);
  const program = words[0]!;
  if (!onPath(program, env)) return { kind: "missing", command, program };
  const name = basename(program);
  const shellLine = SHELL_SYNTAX.test(command);
  const extraEnv: Record<string, string> = {};
  let args = words.slice(1);
  let color = COLOR_PAGERS.has(name);
  if (name === "less") {
    let less = env.LESS ?? "FRX";
    if (stayOpen) less = less.replace(/F/g, "");
    if (env.LESS === undefined || stayOpen) extraEnv.LESS = less;
    const rawGiven = /(^|\s)-[a-zA-Z]*[rR]|--raw-control-chars|--RAW-CONTROL-CHARS/.test(command) || /^-?[a-zA-Z]*[rR]/.test(less);
    if (!rawGiven) args = [...args, "-R"];
    color = true;
  }
  if (name === "lv" && env.LV === undefined) extraEnv.LV = "-c";
  if (shellLine) return { kind: "pager", command, file: [command, ...args.slice(words.length - 1)].join(" "), args: [], shell: true, env: extraEnv, color };
  return { kind: "pager", command, file: program, args, shell: false, env: extraEnv, color };
}

/** Whether `program` can be run: a path to an executable, or a name found on `$PATH`. */
function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  const candidates = program.includes("/") ? [program] : (env.PATH ?? "").split(delimiter).filter((d) => isAbsolute(d)).map((d) => join(d, program));
  return candidates.some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface PageOptions {
  color?: ColorChoice;
  /** False with `--no-pager`. */
  pager?: boolean;
  /** Keep less open when the text fits one screen. */
  stayOpen?: boolean;
}

/**
 * Writes the text `render` makes for a style: through the pager on a terminal, straight to
 * stdout otherwise. Colour follows `--color` and what the pager can show.
 */
/** Resolves to whether a pager showed the text (false: it was written to stdout). */
export async function page(render: (style: Style) => string, options: PageOptions = {}): Promise<boolean> {
  const style = styleFor(process.stdout, options.color);
  const choice = process.stdout.isTTY && options.pager !== false ? choosePager(process.env, options.stayOpen) : ({ kind: "none" } as const);
  if (choice.kind === "missing") {
    const from = process.env.KBSEARCH_PAGER !== undefined ? `KBSEARCH_PAGER="${choice.command}"` : process.env.PAGER !== undefined ? `PAGER="${choice.command}"` : "the default pager";
    process.stderr.write(`kbsearch: pager "${choice.program}" not found (from ${from}); printing without one\n`);
  }
  if (choice.kind !== "pager") {
    process.stdout.write(render(style));
    return false;
  }
  const color = options.color === "always" || (style.color && choice.color);
  const text = render({ ...style, color });
  return new Promise<boolean>((resolve) => {
    const child = spawn(choice.file, choice.args, { stdio: ["pipe", "inherit", "inherit"], env: { ...process.env, ...choice.env }, shell: choice.shell });
    child.on("error", (err) => {
      process.stderr.write(`kbsearch: pager "${choice.command}" could not start (${err.message}); printing without one\n`);
      process.stdout.write(text);
      resolve(false);
    });
    child.on("close", () => resolve(true));
    // The reader may quit before reading it all (q in less): not an error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(text);
  });
}
