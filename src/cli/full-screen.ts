/**
 * A full-screen session on the terminal, left exactly as it was found: the alternate screen (so
 * the shell's screen and scrollback come back untouched), raw input, the cursor shown again. The
 * terminal is put back however the session ends: normally, on an error, on SIGTERM or SIGHUP, or
 * when the process exits with the session still open.
 */

const ALTERNATE_SCREEN_ON = "\x1b[?1049h";
const ALTERNATE_SCREEN_OFF = "\x1b[?1049l";
const CURSOR_HIDE = "\x1b[?25l";
const CURSOR_SHOW = "\x1b[?25h";
const CLEAR = "\x1b[2J\x1b[H";

export interface FullScreen {
  /** Draws `lines` (one per row, from the top), then puts the cursor at `cursor` (0-based). */
  draw(lines: readonly string[], cursor: { row: number; column: number }): void;
  /** Hands the terminal to another program (a pager) for as long as `run` takes, then takes it back. */
  lend<T>(run: () => Promise<T>): Promise<T>;
  /** Puts the terminal back as it was; safe to call more than once. */
  close(): void;
}

/** Fatal signals that end the process: the terminal is put back first. */
const SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGHUP"];
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGTERM: 15 };

export function openFullScreen(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, onData: (data: string) => void): FullScreen {
  let open = true;
  let lent = false;
  const take = () => {
    stdout.write(ALTERNATE_SCREEN_ON + CLEAR);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
  };
  const release = () => {
    stdin.off("data", onData);
    stdin.setRawMode(false);
    stdin.pause();
    stdout.write(CURSOR_SHOW + ALTERNATE_SCREEN_OFF);
  };
  const onExit = () => close();
  const onSignal = (signal: NodeJS.Signals) => {
    close();
    process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 1));
  };
  function close(): void {
    if (!open) return;
    open = false;
    if (!lent) release();
    process.off("exit", onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  take();

  return {
    draw(lines, cursor) {
      if (!open || lent) return;
      let out = CURSOR_HIDE;
      lines.forEach((line, row) => {
        out += `\x1b[${row + 1};1H${line}\x1b[K`;
      });
      out += `\x1b[${cursor.row + 1};${cursor.column + 1}H${CURSOR_SHOW}`;
      stdout.write(out);
    },
    async lend(run) {
      // The other program runs on the alternate screen too (it clears it); ours is redrawn after.
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write(CLEAR + CURSOR_SHOW);
      lent = true;
      try {
        return await run();
      } finally {
        lent = false;
        if (open) {
          // A pager that leaves the alternate screen when it quits (less without -X) took us off it.
          stdout.write(ALTERNATE_SCREEN_ON + CLEAR);
          stdin.setRawMode(true);
          stdin.on("data", onData);
          stdin.resume();
        } else {
          stdout.write(CURSOR_SHOW + ALTERNATE_SCREEN_OFF);
        }
      }
    },
    close,
  };
}
