/** Every engine the runners know, by key, loaded only when asked for (a one-shot loads just its own). */
import { ensureBenchPackage } from "./install.js";
import type { Engine, Peer } from "./types.js";

const loaders = {
  kbsearch: async (): Promise<Engine> => (await import("./kbsearch.js")).kbsearch,
  sqlite: async (): Promise<Engine> => {
    ensureBenchPackage("better-sqlite3");
    return (await import("./sqlite.js")).sqlite;
  },
  flexsearch: async (): Promise<Engine> => (await import("./flexsearch.js")).flexsearch,
  minisearch: async (): Promise<Engine> => (await import("./minisearch.js")).minisearch,
  grep: async (): Promise<Engine> => (await import("./grep.js")).grep,
};

export type EngineKey = keyof typeof loaders;
/** In table order: kbsearch first, then the peers. */
export const ENGINE_KEYS = Object.keys(loaders) as EngineKey[];

export function isEngineKey(key: string): key is EngineKey {
  return key in loaders;
}

export async function loadEngine(key: string): Promise<Engine> {
  if (!isEngineKey(key)) throw new Error(`unknown engine ${key}; known: ${ENGINE_KEYS.join(", ")}`);
  return loaders[key]();
}

export async function loadPeer(key: string): Promise<Peer> {
  const engine = await loadEngine(key);
  if (!("build" in engine)) throw new Error(`${key} is not built from the shared corpus reader`);
  return engine as Peer;
}
