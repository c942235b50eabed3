/**
 * Standard output, one writer for every command. A reader that goes away (`kbsearch ... | head -1`)
 * ends the command quietly with exit 0, as grep and rg do; any other failure to write (a full disk,
 * /dev/full) is one line on stderr and exit 74, never a stack trace.
 */

/** The exit code when standard output cannot be written (sysexits' EX_IOERR). */
export const EXIT_OUTPUT_FAILED = 74;

let guarded = false;

/** Installs the handlers once, before any command writes. */
export function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    // stderr may be gone as well: a failure to report must not become a trace of its own.
    try {
      process.stderr.write(`kbsearch: cannot write the output (${err.code ?? err.message}): check the disk or the file it goes to\n`);
    } catch {
      // Nothing left to report through.
    }
    process.exit(EXIT_OUTPUT_FAILED);
  });
  // A closed stderr loses the messages, not the command's work.
  process.stderr.on("error", () => undefined);
}

/** Writes `text` to standard output, resolving once it may take more (backpressure, so a slow reader bounds memory). */
export function writeOut(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once("drain", resolve));
}
