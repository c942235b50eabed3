/**
 * Recognizes the commonest command line, a plain search: query words, and at most `--index DIR`
 * and `--json`. Such a search skips the full parser (program.ts, commander), whose loading was a
 * good share of a one-shot search's time; any other command line goes to the full parser, which
 * gives it help, usage errors and every option.
 */
import { DEFAULT_OPTIONS, type GlobalOptions } from "./options.js";

/** The full parser's commands (and its implicit `help`): a first word naming one is that command. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(["index", "related", "show", "batch", "stats", "interactive", "list", "open", "completions", "serve", "help"]);

export interface PlainSearch {
  query: string;
  options: GlobalOptions;
}

/** The search `args` (the arguments after the script) ask for, or undefined when they are not a plain search. */
export function plainSearchIn(args: readonly string[]): PlainSearch | undefined {
  const words: string[] = [];
  const options: GlobalOptions = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) {
      words.push(arg);
    } else if (arg === "--json") {
      options.json = true;
    } else if (arg === "--index" && i + 1 < args.length && !args[i + 1]!.startsWith("-")) {
      options.index = args[++i];
    } else if (arg.startsWith("--index=") && arg.length > "--index=".length) {
      options.index = arg.slice("--index=".length);
    } else {
      return undefined;
    }
  }
  if (words.length === 0 || COMMAND_NAMES.has(words[0]!)) return undefined;
  return { query: words.join(" "), options };
}
