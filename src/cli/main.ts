#!/usr/bin/env node
/**
 * The kbsearch command: a plain search (plain-search.ts) runs straight away; any other command line
 * goes through the full parser (program.ts). Either way a command's code is imported only when it runs.
 * The installed command runs this file's bundle (launch.cts); run as it is, it works the same.
 */
import { KbSearchError } from "../errors.js";
import { terminalSafe } from "../present/terminal-safe.js";
import { guardOutput } from "./output.js";
import { plainSearchIn } from "./plain-search.js";

async function run(args: string[]): Promise<void> {
  guardOutput();
  const plain = plainSearchIn(args);
  if (plain) {
    const { runSearch } = await import("./commands/search.js");
    process.exitCode = await runSearch(plain.query, plain.options);
    return;
  }
  const { runCommandLine } = await import("./program.js");
  await runCommandLine(args);
}

function report(err: unknown): void {
  if (err instanceof KbSearchError) {
    // Messages quote paths, URLs and names a source gave: shown, never obeyed, by the terminal.
    process.stderr.write(`kbsearch: ${terminalSafe(err.message)}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`kbsearch: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  }
}

// No top-level await: the bundle is a CommonJS script, which has none.
run(process.argv.slice(2)).catch(report);
