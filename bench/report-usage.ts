/**
 * Preloaded into a measured child (`node --import report-usage.js ...`): at exit, writes the process's
 * peak resident set size in bytes to $BENCH_USAGE_FILE. Works for any Node program, the kbsearch CLI
 * included, without changing it.
 */
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_USAGE_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
