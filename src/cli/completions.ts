/**
 * Tab-completion scripts for bash, zsh and fish, written from the command line's own definitions
 * (program.ts): every command, option, choice and argument the parser knows, so a script never
 * offers what the parser refuses or misses what it takes.
 */
import type { Command } from "commander";

/** One option as the scripts need it. */
export interface OptionSpec {
  short?: string;
  long: string;
  description: string;
  /** It takes a value. */
  takesValue: boolean;
  /** The values it accepts, when only some. */
  choices?: readonly string[];
  /** What its value names: a folder, a file, or anything. */
  valueKind: "directory" | "file" | "other";
}

export interface CommandSpec {
  name: string;
  description: string;
  /** Its own options and the program's it takes. */
  options: OptionSpec[];
  /** What the first argument accepts: choices, a file, or anything. */
  argument?: { choices?: readonly string[]; kind: "file" | "other" };
}

export interface CompletionSpec {
  name: string;
  options: OptionSpec[];
  commands: CommandSpec[];
}

/** Arguments naming these take a file (or a folder, or a tarball). */
const FILE_ARGUMENTS = new Set(["source", "file"]);

/** The commands and options of `program`, as the completion scripts use them. */
export function completionSpec(program: Command): CompletionSpec {
  const optionsOf = (command: Command): OptionSpec[] => {
    const specs = command.options
      .filter((o) => !o.hidden && o.long)
      .map(
        (o): OptionSpec => ({
          ...(o.short ? { short: o.short } : {}),
          long: o.long!,
          description: firstSentence(o.description),
          takesValue: o.required || o.optional,
          ...(o.argChoices ? { choices: o.argChoices } : {}),
          valueKind: o.long === "--index" ? "directory" : "other",
        }),
      );
    return [...specs, { short: "-h", long: "--help", description: "show help", takesValue: false, valueKind: "other" }];
  };
  return {
    name: program.name(),
    options: optionsOf(program),
    commands: program.commands.map((command) => {
      const first = command.registeredArguments[0];
      // The program's options this command takes, as its help lists them.
      const shared = command.createHelp().visibleGlobalOptions(command).map((o) => o.long);
      return {
        name: command.name(),
        description: firstSentence(command.description()),
        options: [...optionsOf(command).filter((o) => o.long !== "--help"), ...optionsOf(program).filter((o) => shared.includes(o.long))],
        ...(first ? { argument: { ...(first.argChoices ? { choices: first.argChoices } : {}), kind: FILE_ARGUMENTS.has(first.name()) ? "file" : "other" } } : {}),
      } satisfies CommandSpec;
    }),
  };
}

/** The part of a description before its first colon or semicolon (and any bracket it leaves open), for one-line menus. */
function firstSentence(text: string): string {
  let head = text.split(/[;:](\s|$)/)[0]!;
  if ((head.match(/\(/g)?.length ?? 0) > (head.match(/\)/g)?.length ?? 0)) head = head.slice(0, head.lastIndexOf("("));
  return head.trim();
}

export function completionScript(shell: "bash" | "zsh" | "fish", program: Command): string {
  const spec = completionSpec(program);
  if (shell === "bash") return bashScript(spec);
  if (shell === "zsh") return zshScript(spec);
  return fishScript(spec);
}

const flagsOf = (o: OptionSpec) => [o.short, o.long].filter((f): f is string => Boolean(f));

function bashScript(spec: CompletionSpec): string {
  const fn = `_${spec.name}`;
  const valued = [...spec.options, ...spec.commands.flatMap((c) => c.options)].filter((o) => o.takesValue);
  const valueFlags = [...new Set(valued.flatMap(flagsOf))];
  const valueCases = new Map<string, string>();
  for (const o of valued) {
    const reply = o.choices
      ? `COMPREPLY=($(compgen -W "${o.choices.join(" ")}" -- "$cur"))`
      : o.valueKind === "directory"
        ? `COMPREPLY=($(compgen -d -- "$cur"))`
        : "COMPREPLY=()";
    valueCases.set(flagsOf(o).join("|"), reply);
  }
  const globalFlags = spec.options.flatMap(flagsOf).join(" ");
  const commandCases = spec.commands.map((c) => {
    const flags = [...c.options.flatMap(flagsOf), "-h", "--help"].join(" ");
    const argument = c.argument?.choices
      ? `COMPREPLY=($(compgen -W "${c.argument.choices.join(" ")}" -- "$cur"))`
      : c.argument?.kind === "file"
        ? `COMPREPLY=($(compgen -f -- "$cur"))`
        : "COMPREPLY=()";
    return `    ${c.name})
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${flags}" -- "$cur")); else ${argument}; fi ;;`;
  });
  return `# bash completion for ${spec.name} (written by \`${spec.name} completions bash\`)
# Load it with:  source <(${spec.name} completions bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local prev=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${[...valueCases].map(([flags, reply]) => `    ${flags}) ${reply}; return 0 ;;`).join("\n")}
  esac
  # The command: the first word that is neither an option nor an option's value.
  local command="" i
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      ${valueFlags.join("|")}) (( i++ )) ;;
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$command" in
${commandCases.join("\n")}
    "")
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${globalFlags}" -- "$cur")); else COMPREPLY=($(compgen -W "${spec.commands.map((c) => c.name).join(" ")}" -- "$cur")); fi ;;
    *)
      # Query words: only options complete.
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${globalFlags}" -- "$cur")); else COMPREPLY=(); fi ;;
  esac
  return 0
}
complete -o default -F ${fn} ${spec.name}
`;
}

/** Text made safe inside a zsh _arguments spec in single quotes. */
function zshText(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/'/g, "'\\''").replace(/\[/g, "\\[").replace(/\]/g, "\\]").replace(/:/g, "\\:");
}

function zshOptionSpecs(options: readonly OptionSpec[]): string[] {
  return options.map((o) => {
    const flags = flagsOf(o);
    const exclusive = flags.length > 1 ? `(${flags.join(" ")})` : "";
    const names = flags.length > 1 ? `{${flags.join(",")}}` : flags[0]!;
    const value = !o.takesValue ? "" : o.choices ? `:value:(${o.choices.join(" ")})` : o.valueKind === "directory" ? ":directory:_directories" : ":value: ";
    return `'${exclusive}'${names}'[${zshText(o.description)}]${value}'`;
  });
}

function zshScript(spec: CompletionSpec): string {
  const commands = spec.commands.map((c) => `    '${c.name}:${zshText(c.description)}'`);
  const cases = spec.commands.map((c) => {
    const argument = c.argument?.choices ? `'1:${c.name}:(${c.argument.choices.join(" ")})'` : c.argument?.kind === "file" ? "'1:file:_files'" : "'*:word: '";
    return `        ${c.name}) _arguments -s ${[...zshOptionSpecs(c.options), argument].join(" ")} ;;`;
  });
  return `#compdef ${spec.name}
# zsh completion for ${spec.name} (written by \`${spec.name} completions zsh\`)
# Save it as _${spec.name} in a folder of $fpath, or load it with:  source <(${spec.name} completions zsh)
_${spec.name}() {
  local -a commands
  commands=(
${commands.join("\n")}
  )
  local curcontext="$curcontext" state line
  typeset -A opt_args
  _arguments -C -s \\
    ${zshOptionSpecs(spec.options).join(" \\\n    ")} \\
    '1: :->first' \\
    '*:: :->rest'
  case $state in
    first) _describe -t commands '${spec.name} command (or query words)' commands ;;
    rest)
      case $words[1] in
${cases.join("\n")}
      esac ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _${spec.name} "$@"
else
  compdef _${spec.name} ${spec.name}
fi
`;
}

/** Text made safe in single quotes for fish. */
function fishText(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function fishOption(name: string, o: OptionSpec, condition: string): string {
  const parts = [`complete -c ${name}`];
  if (condition) parts.push(`-n ${fishText(condition)}`);
  if (o.short) parts.push(`-s ${o.short.slice(1)}`);
  parts.push(`-l ${o.long.slice(2)}`);
  if (o.takesValue) {
    if (o.choices) parts.push(`-x -a ${fishText(o.choices.join(" "))}`);
    else if (o.valueKind === "directory") parts.push(`-x -a '(__fish_complete_directories)'`);
    else parts.push("-x");
  }
  parts.push(`-d ${fishText(o.description)}`);
  return parts.join(" ");
}

function fishScript(spec: CompletionSpec): string {
  const name = spec.name;
  const lines = [
    `# fish completion for ${name} (written by \`${name} completions fish\`)`,
    `# Save it as ~/.config/fish/completions/${name}.fish, or load it with:  ${name} completions fish | source`,
    `complete -c ${name} -f`,
    // The program's options before a command or among query words; a command takes those it lists.
    ...spec.options.map((o) => fishOption(name, o, `not __fish_seen_subcommand_from ${spec.commands.map((c) => c.name).join(" ")}`)),
    ...spec.commands.map((c) => `complete -c ${name} -n '__fish_use_subcommand' -a ${c.name} -d ${fishText(c.description)}`),
  ];
  for (const c of spec.commands) {
    const seen = `__fish_seen_subcommand_from ${c.name}`;
    lines.push(...c.options.map((o) => fishOption(name, o, seen)));
    if (c.argument?.choices) lines.push(`complete -c ${name} -n ${fishText(`${seen}; and not __fish_seen_subcommand_from ${c.argument.choices.join(" ")}`)} -x -a ${fishText(c.argument.choices.join(" "))}`);
    else if (c.argument?.kind === "file") lines.push(`complete -c ${name} -n ${fishText(seen)} -F`);
  }
  return lines.join("\n") + "\n";
}
