/**
 * The build's last step: writes the man page, man/kbsearch.1, from the command line's definitions
 * and help text (src/cli/man-page.ts). package.json's "man" field names the file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { manPage } from "../src/cli/man-page.js";
import { HELP_AFTER, program, VERSION } from "../src/cli/program.js";
import { packageRoot } from "../src/paths.js";

const out = join(packageRoot, "man", "kbsearch.1");
mkdirSync(join(packageRoot, "man"), { recursive: true });
writeFileSync(out, manPage(program, HELP_AFTER, VERSION));
