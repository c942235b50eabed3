/**
 * Sources of KB articles: a directory tree (a kbarchive checkout or its kb/ folder), a tarball on
 * disk, or a tarball URL (GitHub's repository tarball). Tarballs are streamed, never extracted.
 */
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { join, resolve } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { readTar, TarError } from "./tar.js";
import type { ProgressReporter, SkipReporter, SourceEntry } from "./types.js";

/** A source that cannot be read at all, or breaks off while being read. */
export class SourceError extends Error {
  override name = "SourceError";
}

export type SourceDescription =
  | { kind: "directory"; path: string }
  | { kind: "tarball"; path: string; gzip: boolean; bytes: number }
  | { kind: "url"; url: string };

export interface ReadSourceOptions {
  onSkip?: SkipReporter;
  onProgress?: ProgressReporter;
  /** Tighter (or looser) bounds than SOURCE_LIMITS. */
  limits?: Partial<SourceLimits>;
}

/** How long and how much a source may take before it is given up as stalled or endless. */
export interface SourceLimits {
  /** A server must answer (send its headers) within this many ms... */
  responseMs: number;
  /**
   * ...and then send at least `minBytesPerWindow` bytes in every window of `stallMs` during which
   * the build was waiting for them (a window in which the build held the download back is not
   * counted): silence, or a trickle of a byte every 2 s, fails the download.
   */
  stallMs: number;
  minBytesPerWindow: number;
  /** A whole download may take at most this long. */
  downloadMs: number;
  /** A tarball (on disk or downloaded) may unpack to at most this many bytes: an endless gzip stream stops there. */
  unpackedBytes: number;
}

/** The bounds a source is read within (the README states them): the archive's tarball is 49 MB and unpacks to 277 MB. */
export const SOURCE_LIMITS: SourceLimits = {
  responseMs: 30_000,
  stallMs: 30_000,
  minBytesPerWindow: 64 * 1024,
  downloadMs: 60 * 60_000,
  unpackedBytes: 2 * 1024 ** 3,
};

const SPEC_HELP =
  "give a kbarchive checkout (or its kb/ folder), a .tar.gz tarball of it, " +
  "or its URL (https://github.com/jeffpar/kbarchive/archive/refs/heads/master.tar.gz)";
const MAX_REDIRECTS = 5;
/**
 * Larger files are skipped (reported) unread: the archive's largest article is under 200 KB, and
 * one huge file would otherwise cost its size several times over in memory.
 */
export const MAX_ARTICLE_BYTES = 4 * 1024 * 1024;
/** Progress is reported at most once per this many bytes. */
const PROGRESS_STEP = 64 * 1024;

/** True for `.../Q<digits>/README.md`, the one file per KB article. */
export function isArticlePath(path: string): boolean {
  return /(?:^|\/)Q\d+\/README\.md$/.test(path);
}

/** Tells what kind of source spec names, without reading it; throws SourceError if it cannot be a source. */
export function describeSource(spec: string): SourceDescription {
  if (/^https?:\/\//i.test(spec)) return { kind: "url", url: spec };
  const path = resolve(spec);
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    throw new SourceError(`source ${spec} ${what}: ${SPEC_HELP}`, { cause: error });
  }
  if (stats.isDirectory()) return { kind: "directory", path };
  if (!stats.isFile()) throw new SourceError(`source ${spec} is neither a directory nor a file: ${SPEC_HELP}`);
  const head = readHead(path);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const tar = head.length >= 263 && head.toString("latin1", 257, 262) === "ustar";
  if (gzip || tar || /\.(tar\.gz|tgz|tar)$/i.test(path)) {
    // Magic bytes win over the name; a name alone (say, a corrupt file) decides by its extension.
    return { kind: "tarball", path, gzip: gzip || (!tar && !/\.tar$/i.test(path)), bytes: stats.size };
  }
  throw new SourceError(`source ${spec} is not a directory nor a .tar.gz tarball: ${SPEC_HELP}`);
}

/**
 * Yields the articles of a source in a deterministic order (sorted for directories, archive
 * order for tarballs). Entries that are not articles are passed over silently; article paths that
 * cannot be handed on are reported through onSkip. Throws SourceError when the source cannot be
 * read, or breaks off (entries already yielded stay yielded).
 */
export async function* readSource(spec: string, options: ReadSourceOptions = {}): AsyncGenerator<SourceEntry> {
  const source = describeSource(spec);
  const limits = { ...SOURCE_LIMITS, ...options.limits };
  switch (source.kind) {
    case "directory":
      yield* readDirectory(source.path, options);
      return;
    case "tarball": {
      const progress = new Progress(options.onProgress, source.bytes);
      const file = createReadStream(source.path, { highWaterMark: 1 << 20 });
      file.on("data", (chunk) => progress.add(chunk.length));
      yield* readTarball(file, source.gzip, spec, limits, options.onSkip);
      progress.done();
      return;
    }
    case "url": {
      const response = await get(spec, limits);
      guardDownload(response, spec, limits);
      const declared = Number(response.headers["content-length"]);
      const total = Number.isSafeInteger(declared) ? declared : undefined;
      const progress = new Progress(options.onProgress, total);
      // A connection closed before Content-Length bytes (or the last chunk) makes Node fail the
      // response with "aborted", which reaches us through gunzip.
      response.on("data", (chunk: Buffer) => progress.add(chunk.length));
      yield* readTarball(response, true, spec, limits, options.onSkip);
      progress.done();
      return;
    }
  }
}

/** Articles from a stream of tar (gzipped or not) bytes. */
async function* readTarball(input: Readable, gzip: boolean, spec: string, limits: SourceLimits, onSkip?: SkipReporter): AsyncGenerator<SourceEntry> {
  let stream: Readable = input;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    // pipeline forwards an input error (e.g. a dropped connection) to gunzip, and so to us.
    pipeline(input, gunzip, () => {});
    stream = gunzip;
  }
  try {
    for await (const entry of readTar(unpackedAtMost(stream, limits.unpackedBytes, spec), MAX_ARTICLE_BYTES)) {
      if (!isArticlePath(entry.path)) continue;
      if (entry.type !== "file") {
        onSkip?.({ path: entry.path, reason: entry.type === "oversized" ? tooLarge(entry.size) : "not a regular file (link or special entry)" });
        continue;
      }
      const text = decode(entry.data, entry.path, onSkip);
      if (text !== undefined) yield { path: entry.path, text, bytes: entry.data.length };
    }
  } catch (error) {
    // A bound of ours that stopped the source says so itself.
    if (error instanceof SourceError) throw error;
    throw new SourceError(breakOffMessage(spec, error), { cause: error });
  } finally {
    // Stopped early (consumer quit or error): close the file or connection too.
    input.destroy();
  }
}

/** The chunks of `stream`, failing once they pass `max` bytes in all. */
async function* unpackedAtMost(stream: Readable, max: number, spec: string): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) throw new SourceError(`${spec} unpacks to more than ${megabytes(max)} (the archive unpacks to 277 MB): not a KB archive, or endless`);
    yield chunk;
  }
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024)).toLocaleString("en-US")} MB`;
}

/**
 * Fails a download (destroying the response with a SourceError) that stalls, trickles or runs too
 * long: see SourceLimits. Windows in which the build paused the download (backpressure) are not held against it.
 */
function guardDownload(response: http.IncomingMessage, url: string, limits: SourceLimits): void {
  let received = 0;
  let paused = response.isPaused();
  const fail = (why: string) => response.destroy(new SourceError(`download of ${url} ${why}; the index was left as it was: try again later`));
  response.on("data", (chunk: Buffer) => (received += chunk.length));
  response.on("pause", () => (paused = true));
  const stall = setInterval(() => {
    if (!paused && received < limits.minBytesPerWindow) {
      fail(received === 0 ? `stalled: nothing arrived for ${seconds(limits.stallMs)}` : `stalled: ${received} bytes arrived in ${seconds(limits.stallMs)} (at least ${limits.minBytesPerWindow} are expected)`);
    }
    received = 0;
    paused = response.isPaused();
  }, limits.stallMs);
  const whole = setTimeout(() => fail(`took longer than ${seconds(limits.downloadMs)}`), limits.downloadMs);
  response.once("close", () => {
    clearInterval(stall);
    clearTimeout(whole);
  });
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

function breakOffMessage(spec: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (error instanceof TarError || code.startsWith("Z_")) {
    const detail = code.startsWith("Z_") ? `gzip: ${message}` : message;
    return `${spec} is corrupt or truncated (${detail}); download it again or check that it is a .tar.gz of the KB archive`;
  }
  if (/^https?:/i.test(spec)) return `download of ${spec} broke off, the archive is truncated (${message}); try again`;
  return `reading ${spec} failed (${message})`;
}

/**
 * Articles under a directory, in sorted path order, paths relative to it with `/` separators.
 * File-system calls are synchronous on purpose: for 60,000 small files the thread-pool round trips
 * of the async API cost five times the reading itself, and each call blocks only microseconds.
 */
async function* readDirectory(root: string, options: ReadSourceOptions): AsyncGenerator<SourceEntry> {
  const progress = new Progress(options.onProgress, undefined);
  for (const path of walk(root, "", options.onSkip)) {
    let data: Buffer;
    try {
      const size = statSync(join(root, path)).size;
      if (size > MAX_ARTICLE_BYTES) {
        options.onSkip?.({ path, reason: tooLarge(size) });
        continue;
      }
      data = readFileSync(join(root, path));
    } catch (error) {
      options.onSkip?.({ path, reason: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    progress.add(data.length);
    const text = decode(data, path, options.onSkip);
    if (text !== undefined) yield { path, text, bytes: data.length };
  }
  progress.done();
}

/** Article paths under root/relative, depth first in code-point order; symbolic links are not followed. */
function* walk(root: string, relative: string, onSkip?: SkipReporter): Generator<string> {
  let entries;
  try {
    entries = readdirSync(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if (relative === "") throw new SourceError(`source ${root} cannot be listed (${(error as Error).message})`, { cause: error });
    onSkip?.({ path: relative, reason: `directory cannot be listed: ${(error as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(root, path, onSkip);
    else if (isArticlePath(path)) {
      if (entry.isFile()) yield path;
      else onSkip?.({ path, reason: "not a regular file (symbolic link or special file)" });
    }
  }
}

function tooLarge(bytes: number): string {
  return `too large for a KB article (${(bytes / 1e6).toFixed(1)} MB; the limit is ${MAX_ARTICLE_BYTES / (1024 * 1024)} MB)`;
}

const decoder = new TextDecoder("utf-8");

/**
 * UTF-8 text with invalid bytes as U+FFFD; undefined (reported) for a binary file, which a NUL byte
 * gives away (no text article holds one), or one that cannot be made a string at all.
 */
function decode(data: Buffer, path: string, onSkip?: SkipReporter): string | undefined {
  if (data.includes(0)) {
    onSkip?.({ path, reason: "binary file (it holds NUL bytes), not an article" });
    return undefined;
  }
  try {
    return decoder.decode(data);
  } catch (error) {
    onSkip?.({ path, reason: `cannot be decoded: ${(error as Error).message}` });
    return undefined;
  }
}

/** Throttles progress reports to one per PROGRESS_STEP bytes, plus a final one. */
class Progress {
  private bytes = 0;
  private reported = 0;
  constructor(
    private readonly report: ProgressReporter | undefined,
    private readonly total: number | undefined,
  ) {}

  add(n: number): void {
    this.bytes += n;
    if (this.bytes - this.reported >= PROGRESS_STEP) this.emit();
  }

  done(): void {
    if (this.bytes !== this.reported || this.bytes === 0) this.emit();
  }

  private emit(): void {
    this.reported = this.bytes;
    this.report?.(this.bytes, this.total);
  }
}

/** The first bytes of a file, enough to recognise gzip and ustar. */
function readHead(path: string): Buffer {
  const head = Buffer.alloc(263);
  const fd = openSync(path, "r");
  try {
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * GET with redirects followed (http and https only); resolves with a 2xx response, or rejects with
 * SourceError. Nothing the server sends can throw past it: a malformed or foreign redirect rejects too.
 */
function get(url: string, limits: SourceLimits, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      reject(new SourceError(`${url} is not a valid URL: ${SPEC_HELP}`, { cause: error }));
      return;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      reject(new SourceError(`${url} is not an http or https URL: ${SPEC_HELP}`));
      return;
    }
    const client = parsed.protocol === "https:" ? https : http;
    const request = client.get(parsed, { headers: { "user-agent": "kbsearch" } }, (response) => {
      request.setTimeout(0);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new SourceError(`${url}: more than ${MAX_REDIRECTS} redirects; check the URL`));
          return;
        }
        let target: URL;
        try {
          target = new URL(location, parsed);
        } catch (error) {
          reject(new SourceError(`${url} redirects to ${JSON.stringify(location.slice(0, 200))}, which is not a valid URL; check the URL`, { cause: error }));
          return;
        }
        if (target.protocol !== "http:" && target.protocol !== "https:") {
          reject(new SourceError(`${url} redirects to ${target.protocol}// (only http and https redirects are followed); check the URL`));
          return;
        }
        get(target.href, limits, redirects + 1).then(resolvePromise, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        const text = response.statusMessage ? ` ${response.statusMessage}` : "";
        reject(new SourceError(`HTTP ${status}${text} from ${url}; check the URL (${SPEC_HELP})`));
        return;
      }
      resolvePromise(response);
    });
    request.setTimeout(limits.responseMs, () => request.destroy(new Error(`no answer within ${seconds(limits.responseMs)}`)));
    request.on("error", (error) => reject(new SourceError(`cannot download ${url} (${error.message}); check the URL and the network`, { cause: error })));
  });
}
