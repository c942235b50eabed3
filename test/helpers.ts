/** What the tests share: the project root, the optional ../shared data beside it, running the CLI, a sample index. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unpack } from "msgpackr/unpack";
import { buildIndex } from "../src/index.js";
import { dataStart, HEADER_LENGTH_AT, INDEX_FILE, PREAMBLE_BYTES } from "../src/store/format.js";

/**
 * The tests' own per-user data folder, in place of the user's (~/.local/share/kbsearch): the
 * default index of a library call or a CLI run that names no index goes there, never to the real
 * one. Set before any test runs, so the CLI processes the tests start inherit it; removed at exit.
 */
export const testDataHome = mkdtempSync(join(tmpdir(), "kbsearch-data-home-"));
process.env.XDG_DATA_HOME = testDataHome;
process.on("exit", () => rmSync(testDataHome, { recursive: true, force: true }));

/** How many articles the bundled sample corpus holds (corpus/README.md lists them). */
export const SAMPLE_ARTICLES = 40;

/** The project root (tests run from dist/test/, two levels below it). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The bundled sample corpus. */
export const sampleCorpus = join(projectRoot, "corpus");

/** Builds the sample corpus's index in a new temporary folder and returns the folder (the caller removes it). */
export async function buildSampleIndex(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await buildIndex(sampleCorpus, { indexDir: dir });
  return dir;
}

/** The real archive tarball, or undefined when ../shared is not beside the project. */
export const sharedTarball: string | undefined = (() => {
  const path = resolve(projectRoot, "..", "shared", "kbarchive", "kb.tar.gz");
  return existsSync(path) ? path : undefined;
})();

/** The message a test skips with when the real archive is absent. */
export const NO_SHARED = "../shared/kbarchive/kb.tar.gz is not present: full-archive test skipped";

/** A seeded pseudo-random generator, so randomized tests repeat exactly. */
export { seededRandom as random, shuffle } from "../bench/seeded-random.js";

/** The built CLI: the command package.json's bin installs (it runs the CLI's bundle). */
export const CLI = join(projectRoot, (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { bin: { kbsearch: string } }).bin.kbsearch);

/** A finished CLI run. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI from the project root, stdin closed (or fed `input`). */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cli?: string; timeout?: number } = {}): Run {
  const result = spawnSync(process.execPath, [opts.cli ?? CLI, ...args], {
    cwd: projectRoot,
    env: opts.env ?? { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
    input: opts.input,
    stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    timeout: opts.timeout ?? 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the built CLI in the background (while this process serves it, say); `done` gives its run. */
export function spawnCli(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: projectRoot, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const done = new Promise<Run>((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
  return { child, done };
}

/** True when output holds a JavaScript stack trace, which users should never see. */
export function hasStackTrace(output: string): boolean {
  return /^\s+at .+[:(]/m.test(output) || /unexpected error/.test(output);
}

/** An HTTP server on the loopback address only; `base` is its URL, `close` ends it and its connections. */
export async function serveLocally(handler: http.RequestListener): Promise<{ base: string; close: () => void }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Where an index file's data region starts: the 8-byte boundary after its preamble and header (format.ts). */
export function dataStartOf(indexFile: Buffer): number {
  return dataStart(indexFile.readUInt32LE(HEADER_LENGTH_AT));
}

/**
 * Asserts that two index files hold the same index: the same bytes after the header, and the
 * same header but for its build time (and, with `sameSource` false, the source it names).
 */
export function assertSameIndex(dirA: string, dirB: string, sameSource = true): void {
  const [a, b] = [dirA, dirB].map((dir) => {
    const bytes = readFileSync(join(dir, INDEX_FILE));
    const headerLength = bytes.readUInt32LE(HEADER_LENGTH_AT);
    const header = unpack(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)) as Record<string, unknown>;
    delete header.createdAt;
    if (!sameSource) delete header.source;
    return { header, data: bytes.subarray(dataStartOf(bytes)) };
  });
  assert.deepEqual(a!.header, b!.header, `${dirA} and ${dirB}: the headers differ`);
  assert.ok(a!.data.equals(b!.data), `${dirA} and ${dirB}: the data differ`);
}
