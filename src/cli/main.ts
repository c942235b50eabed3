#!/usr/bin/env node
/**
 * The kbsearch command: a plain search (plain-search.ts) runs straight away; any other command line
 * goes through the full parser (program.ts). Either way a command's code is imported only when it runs.
 */
import { KbSearchError } from "../errors.js";
import { plainSearchIn } from "./plain-search.js";

async function run(args: string[]): Promise<void> {
  const plain = plainSearchIn(args);
  if (plain) {
    const { runSearch } = await import("./commands/search.js");
    process.exitCode = await runSearch(plain.query, plain.options);
    return;
  }
  const { program } = await import("./program.js");
  await program.parseAsync();
}

try {
  await run(process.argv.slice(2));
} catch (err) {
  if (err instanceof KbSearchError) {
    process.stderr.write(`kbsearch: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`kbsearch: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  }
}
