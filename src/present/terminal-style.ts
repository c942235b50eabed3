/**
 * Whether output gets colour, and how wide it may be: the conventions of ripgrep, fd and git.
 *
 * Colour: `--color always|never` decides; with `auto` (the default) `NO_COLOR` (any value but
 * empty, https://no-color.org) turns it off, `FORCE_COLOR` or `CLICOLOR_FORCE` (any value but
 * empty or 0) turns it on even into a pipe, and otherwise a terminal that is not `TERM=dumb` gets it.
 * Width: the terminal's columns, else `$COLUMNS`, else 100 (a pipe), never under 20.
 */

export const COLOR_CHOICES = ["auto", "always", "never"] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

export interface Style {
  color: boolean;
  /** Terminal width in columns, for wrapping. */
  width: number;
}

/** Output written to a pipe or file wraps at this width unless `$COLUMNS` says otherwise. */
const PIPE_WIDTH = 100;
/** Narrower than this, nothing reads well: lines are laid out for this width and the terminal wraps them. */
const MIN_WIDTH = 20;
/** Wider than this, lines are hard to follow. */
const MAX_WIDTH = 160;

/** Whether to colour output for `stream`, given the `--color` choice and the environment. */
export function colorWanted(stream: { isTTY?: boolean }, choice: ColorChoice = "auto", env: NodeJS.ProcessEnv = process.env): boolean {
  if (choice === "always") return true;
  if (choice === "never") return false;
  if (env.NO_COLOR) return false;
  if (isSet(env.FORCE_COLOR) || isSet(env.CLICOLOR_FORCE)) return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/** The columns `stream` has: its own when a terminal, else `$COLUMNS`, else 100. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  const columns = stream.isTTY && stream.columns ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : PIPE_WIDTH;
  return Math.max(MIN_WIDTH, Math.min(columns, MAX_WIDTH));
}

/** The style for writing to `stream`. */
export function styleFor(stream: { isTTY?: boolean; columns?: number }, choice: ColorChoice = "auto", env: NodeJS.ProcessEnv = process.env): Style {
  return { color: colorWanted(stream, choice, env), width: terminalWidth(stream, env) };
}

/** Reads a `--color` value; undefined when it is none of the choices. */
export function parseColorChoice(value: string): ColorChoice | undefined {
  return (COLOR_CHOICES as readonly string[]).includes(value) ? (value as ColorChoice) : undefined;
}
