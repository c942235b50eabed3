/** Where kbsearch finds its bundled corpus and keeps its index unless told otherwise. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INDEX_FILE } from "./store/format.js";

/** The package root (this file runs from dist/src/). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The sample articles shipped with kbsearch. */
export const sampleCorpusDir = join(packageRoot, "corpus");

/** Where the index directory came from: `--index`, `$KBSEARCH_INDEX`, or the per-user default. */
export type IndexDirSource = "option" | "environment" | "default";

/**
 * The index directory: `--index`, else `$KBSEARCH_INDEX`, else the user's data folder. Not the
 * package's own folder: a global install may not let its users write there, and an upgrade
 * replaces it.
 */
export function resolveIndexDir(explicit?: string): { dir: string; isDefault: boolean; from: IndexDirSource } {
  if (explicit) return { dir: resolve(explicit), isDefault: false, from: "option" };
  if (process.env.KBSEARCH_INDEX) return { dir: resolve(process.env.KBSEARCH_INDEX), isDefault: false, from: "environment" };
  return { dir: defaultIndexDir(), isDefault: true, from: "default" };
}

/**
 * The platform's per-user data folder for kbsearch: `$XDG_DATA_HOME/kbsearch` where that is set
 * (on any platform), else `~/.local/share/kbsearch` on Linux and other Unixes,
 * `~/Library/Application Support/kbsearch` on macOS, `%LOCALAPPDATA%\kbsearch` on Windows.
 */
export function defaultIndexDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "kbsearch");
  if (platform === "darwin") return join(home, "Library", "Application Support", "kbsearch");
  if (platform === "win32") return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "kbsearch");
  return join(home, ".local", "share", "kbsearch");
}

export function indexExists(dir: string): boolean {
  return existsSync(join(dir, INDEX_FILE));
}
