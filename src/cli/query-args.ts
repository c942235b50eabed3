/**
 * Tells a search's options from its query text on the command line. The query language has
 * `-word` and `-field:value` exclusions, and people paste text starting with dashes, so only the
 * options the parser knows are options: any other argument, wherever it stands, is query text
 * (`kbsearch heap -printer`, `kbsearch -tag:PRB heap`, `kbsearch "-printer heap driver"`).
 */

/** An option the full parser knows: its flags and whether a value follows it. */
export interface KnownOption {
  short?: string;
  long?: string;
  takesValue: boolean;
}

/**
 * `args` rewritten for the full parser: the known options (with their values) first, then `--`,
 * an empty argument and the query text, so that no query word is read as an option, nor a first
 * word such as `index` after `--` as that command (the parser looks for a command's name in the
 * first argument after the options, even after `--`). A command line naming a command
 * (`show`, `index` ...) before any query word, or ending with an option that lacks its value, is
 * returned as it is, for the parser to run the command or report the missing value.
 */
export function separateQueryText(args: readonly string[], options: readonly KnownOption[], commands: ReadonlySet<string>): string[] {
  const flags: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      words.push(...args.slice(i + 1));
      break;
    }
    const known = optionNamed(arg, options);
    if (known) {
      flags.push(arg);
      if (known.needsNext) {
        if (i + 1 >= args.length) return [...args];
        flags.push(args[++i]!);
      }
      continue;
    }
    if (words.length === 0 && commands.has(arg)) return [...args];
    words.push(arg);
  }
  return words.length ? [...flags, "--", "", ...words] : flags;
}

/** The known option `arg` is (`--limit`, `--limit=5`, `-n`, `-n5`), and whether its value is the next argument. */
function optionNamed(arg: string, options: readonly KnownOption[]): { needsNext: boolean } | undefined {
  if (!arg.startsWith("-") || arg === "-") return undefined;
  for (const option of options) {
    if (arg === option.long || arg === option.short) return { needsNext: option.takesValue };
    if (option.takesValue && option.long && arg.startsWith(`${option.long}=`)) return { needsNext: false };
    // `-n5`; but `-nt4` is the exclusion of nt4, not -n with the value t4.
    if (option.takesValue && option.short && /^\d+$/.test(arg.slice(option.short.length)) && arg.startsWith(option.short)) return { needsNext: false };
  }
  return undefined;
}
