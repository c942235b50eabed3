/** Paths the tests share: the project root and the optional ../shared data beside it. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (tests run from dist/test/, two levels below it). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The bundled sample corpus. */
export const sampleCorpus = join(projectRoot, "corpus");

/** The real archive tarball, or undefined when ../shared is not beside the project. */
export const sharedTarball: string | undefined = (() => {
  const path = resolve(projectRoot, "..", "shared", "kbarchive", "kb.tar.gz");
  return existsSync(path) ? path : undefined;
})();

/** The message a test skips with when the real archive is absent. */
export const NO_SHARED = "../shared/kbarchive/kb.tar.gz is not present: full-archive test skipped";
