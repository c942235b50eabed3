/** `kbsearch index [SOURCE]`: build the index, with progress on stderr and a summary after. */
import { setFlagsFromString } from "node:v8";
import { buildIndex, type BuildProgress } from "../../indexer/build.js";
import { resolveIndexDir, sampleCorpusDir } from "../../paths.js";
import { truncateStyled } from "../../present/ansi.js";
import { EXIT_FOUND } from "../exit.js";
import { terminalSafe } from "../../present/terminal-safe.js";
import { writeOut } from "../output.js";
import type { GlobalOptions } from "../options.js";

/** Skipped entries listed in the summary; the rest are counted. */
const SKIPS_LISTED = 20;

export async function runIndex(source: string | undefined, options: GlobalOptions & { full?: boolean; replace?: boolean }): Promise<number> {
  // A build allocates many short-lived objects per article: a larger young generation collects
  // them less often (the full archive builds ~0.8 s faster). Only this process, only for a build.
  setFlagsFromString("--max-semi-space-size=32");
  const { dir } = resolveIndexDir(options.index);
  const from = source ?? sampleCorpusDir;
  const progress = progressReporter(process.stderr);
  const report = await buildIndex(from, { indexDir: dir, onProgress: progress.update, full: options.full, replace: options.replace }).finally(progress.end);

  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const count = (n: number) => n.toLocaleString("en-US");
  const { update } = report;
  const lines = [
    ...(report.rebuiltBecause ? [`built afresh, since ${report.rebuiltBecause}`] : []),
    ...(update
      ? [`updated index: ${count(update.added)} added, ${count(update.changed)} changed, ${count(update.removed)} removed, ${count(update.unchanged)} unchanged (${report.seconds.toFixed(1)} s)`]
      : []),
    `indexed ${report.articles.toLocaleString("en-US")} articles (${mb(report.textBytes)} of text) from ${report.source}`,
    `in ${report.seconds.toFixed(1)} s: ${report.terms.toLocaleString("en-US")} terms, index ${mb(report.indexBytes)} at ${report.indexDir}`,
    `skipped ${report.skipped.length}${report.skipped.length ? ":" : ""}`,
    // Paths as the source names them: a tarball's names may hold anything.
    ...report.skipped.slice(0, SKIPS_LISTED).map((s) => `  ${terminalSafe(s.path)}: ${s.reason}`),
    ...(report.skipped.length > SKIPS_LISTED ? [`  ... and ${report.skipped.length - SKIPS_LISTED} more`] : []),
  ];
  await writeOut(options.json ? JSON.stringify(report) + "\n" : lines.join("\n") + "\n");
  return EXIT_FOUND;
}

/** `0:07`, `1:02:05`: a duration in seconds as a clock shows it. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/**
 * What a progress line says after `elapsedMs`: articles and megabytes read, the time taken and,
 * once a share of the source is known and a second has passed, about how long the rest will take
 * at the pace so far.
 */
export function describeProgress(p: BuildProgress, elapsedMs: number): string {
  const read = `${(p.bytesRead / 1e6).toFixed(1)}${p.totalBytes ? `/${(p.totalBytes / 1e6).toFixed(1)}` : ""} MB`;
  const fraction = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : undefined;
  const seconds = elapsedMs / 1000;
  const left = fraction && fraction < 1 && seconds >= 1 ? `, about ${clock((seconds / fraction) * (1 - fraction))} left` : "";
  return `${p.articles.toLocaleString("en-US")} articles, ${read} read, ${clock(seconds)} elapsed${left}`;
}

/**
 * The terminal's progress line: a bar, the share done, articles, the time taken and the time left
 * (`indexing [#######.........] 42% 25,000 articles, 0:04 elapsed, 0:06 left`); without
 * the source's size, the megabytes read instead of a bar. Fits 80 columns.
 */
export function progressBar(p: BuildProgress, elapsedMs: number): string {
  if (!p.totalBytes) return `indexing ${describeProgress(p, elapsedMs)}`;
  const fraction = Math.min(1, p.bytesRead / p.totalBytes);
  const width = 16;
  const bar = `[${"#".repeat(Math.round(fraction * width)).padEnd(width, ".")}] ${Math.floor(fraction * 100)}%`;
  const seconds = elapsedMs / 1000;
  const left = fraction < 1 && seconds >= 1 ? `, ${clock((seconds / fraction) * (1 - fraction))} left` : "";
  return `indexing ${bar} ${p.articles.toLocaleString("en-US")} articles, ${clock(seconds)} elapsed${left}`;
}

/** A bar redrawn in place on a terminal; elsewhere a plain line at every tenth of the way. */
function progressReporter(stream: NodeJS.WriteStream): { update: (p: BuildProgress) => void; end: () => void } {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let lastTenth = -1;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(p) {
      const fraction = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : undefined;
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        // Cut to the terminal's width: a line that wrapped could not be redrawn in place.
        stream.write(`\r\x1b[2K${truncateStyled(progressBar(p, now - started), (stream.columns || 80) - 1)}`);
        drawn = true;
      } else {
        const tenth = fraction === undefined ? Math.floor(p.articles / 10000) : Math.floor(fraction * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        stream.write(`indexing: ${fraction === undefined ? "" : `${tenth * 10}%, `}${describeProgress(p, now - started)}\n`);
      }
    },
    end() {
      if (drawn) stream.write("\r\x1b[2K");
    },
  };
}
