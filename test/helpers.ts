/** Paths the tests share: the project root and the optional ../shared data beside it. */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIndex } from "../src/index.js";

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

/** A seeded pseudo-random generator (mulberry32), so randomized tests repeat exactly. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
