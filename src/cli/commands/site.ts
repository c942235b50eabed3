/** `kbsearch site DIR`: writes the search page and the index as a static site. */
import { resolve } from "node:path";
import { resolveIndexDir } from "../../paths.js";
import type { SiteLayout } from "../../web/manifest.js";
import { DEFAULT_ARTICLE_BASE, writeSite } from "../../web/site.js";
import { EXIT_FOUND } from "../exit.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export interface SiteCommandOptions extends GlobalOptions {
  layout: SiteLayout;
  articles: string;
}

export async function runSite(dir: string, options: SiteCommandOptions): Promise<number> {
  // Opened first as every command opens it: a missing default index is built from the sample, a damaged one refused.
  (await openIndexForCli(options)).close();
  const started = Date.now();
  const report = writeSite(resolve(dir), { indexDir: resolveIndexDir(options.index).dir, layout: options.layout, articleBase: options.articles });
  if (options.json) {
    process.stdout.write(JSON.stringify(report) + "\n");
    return EXIT_FOUND;
  }
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  process.stdout.write(
    `site written to ${report.dir}: ${report.articles.toLocaleString("en-US")} articles, ${report.files.toLocaleString("en-US")} files, ${mb(report.bytes)} ` +
      `(largest ${mb(report.largestFile)}; layout ${report.layout}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
      (report.layout === "ranges"
        ? `serve the folder with a static file server that answers range requests (GitHub Pages, nginx, caddy), and open index.html; ` +
          `\`python3 -m http.server -d ${dir}\` does not answer them, so the page fetches each index file whole, once (fine on this machine; for a public host without them, use --layout pieces)\n`
        : `serve the folder with any static file server, e.g. \`python3 -m http.server -d ${dir}\`, and open index.html\n`),
  );
  return EXIT_FOUND;
}

export { DEFAULT_ARTICLE_BASE };
