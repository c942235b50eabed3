/**
 * The man page, kbsearch(1), written from the command line's own definitions and help text
 * (program.ts), so that `man kbsearch` says what `kbsearch --help` says. `npm run build` writes it
 * to man/kbsearch.1 (scripts/man-page.ts); package.json's "man" names it for `npm install -g`.
 */
import type { Command, Option } from "commander";

/** Text made safe for roff: backslashes, and a line starting with a dot or an apostrophe. */
function roff(text: string): string {
  return text
    .replace(/\\/g, "\\e")
    .replace(/-/g, "\\-")
    // A slash may end a line: long paths and addresses wrap instead of overflowing.
    .replace(/\//g, "/\\:")
    .split("\n")
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join("\n");
}

function optionEntry(option: Option): string {
  const flags = roff(option.flags).replace(/<([^>]+)>/g, "\\fI$1\\fB").replace(/\[([^\]]+)\]/g, "[\\fI$1\\fB]");
  const choices = option.argChoices ? ` (${option.argChoices.join(", ")})` : "";
  const fallback = option.defaultValue !== undefined && option.defaultValue !== false && !option.negate ? ` Default: ${String(option.defaultValue)}.` : "";
  return `.TP\n\\fB${flags}\\fR\n${roff(option.description + choices)}.${roff(fallback)}`;
}

export function manPage(program: Command, helpAfter: string, version: string): string {
  const name = program.name();
  const visible = (command: Command) => command.options.filter((o) => !o.hidden);
  const usage = (command: Command) => `${command.name()} ${command.usage()}`;
  const sections = [
    `.TH ${name.toUpperCase()} 1 "" "${name} ${version}" "User Commands"`,
    ".SH NAME",
    `${name} \\- ${roff(program.description().replace(/\.$/, ""))}`,
    ".SH SYNOPSIS",
    `.B ${name}\n${roff(program.usage())}`,
    ...program.commands.map((c) => `.br\n.B ${name}\n${roff(usage(c))}`),
    ".SH DESCRIPTION",
    roff(program.description()),
    ...program.registeredArguments.map((a) => `.TP\n\\fI${a.name()}\\fR\n${roff(a.description)}.`),
    ".SH OPTIONS",
    ...visible(program).map(optionEntry),
    ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the help of kbsearch or of a command.",
    ".SH COMMANDS",
    ...program.commands.flatMap((c) => [
      `.SS "${roff(usage(c))}"`,
      roff(c.description()) + ".",
      ...c.registeredArguments.map((a) => `.TP\n\\fI${a.name()}\\fR\n${roff(a.description)}${a.argChoices ? ` (${a.argChoices.join(", ")})` : ""}.`),
      ...visible(c).map(optionEntry),
    ]),
    // The help's closing text, laid out as --help lays it out.
    ...helpAfter.split(/\n(?=[A-Z][^\n]*:)/).map((block) => {
      const [heading, ...rest] = block.split("\n");
      const title = heading!.replace(/:.*$/, "").replace(/ \(.*\)$/, "");
      const inline = heading!.slice(heading!.indexOf(":") + 1).trim();
      const body = [inline, ...rest].filter((l) => l !== "").join("\n");
      return `.SH "${roff(title.toUpperCase())}"\n.nf\n${roff(body)}\n.fi`;
    }),
    ".SH SEE ALSO",
    "The README of the kbsearch package, and https://github.com/jeffpar/kbarchive (the archive).",
  ];
  return sections.join("\n") + "\n";
}
