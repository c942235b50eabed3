/** Where kbsearch finds its bundled corpus and keeps its index unless told otherwise. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INDEX_FILE } from "./store/format.js";

/** The package root (this file runs from dist/src/). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The sample articles shipped with kbsearch. */
export const sampleCorpusDir = join(packageRoot, "corpus");

/** The index directory: `--index`, else `$KBSEARCH_INDEX`, else the package's `index/`. */
export function resolveIndexDir(explicit?: string): { dir: string; isDefault: boolean } {
  if (explicit) return { dir: resolve(explicit), isDefault: false };
  if (process.env.KBSEARCH_INDEX) return { dir: resolve(process.env.KBSEARCH_INDEX), isDefault: false };
  return { dir: join(packageRoot, "index"), isDefault: true };
}

export function indexExists(dir: string): boolean {
  return existsSync(join(dir, INDEX_FILE));
}
