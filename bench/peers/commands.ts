/** The fresh-process commands shared by the peers: build.js builds an index, one-shot.js answers one query. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command, Engine, Peer } from "./types.js";

export function nodeCommand(script: string, ...args: string[]): Command {
  return { file: process.execPath, args: [script, ...args] };
}

const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * A peer from its own parts, with the shared build and one-shot commands. build.js renames the
 * index into place only when it is complete, so a folder that exists holds a whole index.
 */
export function definePeer(
  parts: Pick<Peer, "key" | "name" | "build" | "open"> & Partial<Pick<Engine, "hasIndex" | "warmQueryLimit" | "unavailable" | "oneShotCommand">>,
): Peer {
  return {
    hasIndex: true,
    unavailable: () => undefined,
    buildCommand: (source, dir) => nodeCommand(script("build.js"), parts.key, source, dir),
    isBuilt: (dir) => existsSync(dir),
    oneShotCommand: (dir, query) => nodeCommand(script("one-shot.js"), parts.key, dir, query),
    ...parts,
  };
}
