/**
 * The build's third step: bundles the search page (src/web/page.ts) for browsers with esbuild, into
 * dist/web/: kbsearch.js (the engine and the page, minified), kbsearch.css, and kbsearch.meta.json
 * (which modules the bundle holds: a test checks none is Node's or a build stage's). Platform
 * "browser": an import of a Node module fails the build.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { packageRoot } from "../src/paths.js";

const outDir = join(packageRoot, "dist", "web");
mkdirSync(outDir, { recursive: true });
const page = await build({
  entryPoints: [join(packageRoot, "src", "web", "page.ts")],
  bundle: true,
  platform: "browser",
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  minify: true,
  metafile: true,
  logLevel: "warning",
  absWorkingDir: packageRoot,
  outfile: join(outDir, "kbsearch.js"),
  // Modules the engine loads on first use are found inside the bundle (query/search-engine.ts).
  // import.meta.url is read only where KBSEARCH_BUNDLE is false.
  define: { KBSEARCH_BUNDLE: "true", "import.meta.url": "\"\"" },
});
writeFileSync(join(outDir, "kbsearch.meta.json"), JSON.stringify(page.metafile));
copyFileSync(join(packageRoot, "src", "web", "page.css"), join(outDir, "kbsearch.css"));
