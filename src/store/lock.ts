/**
 * One build at a time per index folder. A build holds `kbsearch.lock`, which names its process;
 * another build finds it and fails with index-busy. A lock whose process is gone (its build was
 * killed) is stale and is taken over. Readers never look at the lock: they open whichever index
 * file is in place, and the atomic rename in writer.ts means that is always a whole one.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KbSearchError } from "../errors.js";

export const LOCK_FILE = "kbsearch.lock";

/** Locks this process holds, by the folder's real path, so that one process's second build of a folder is busy too, however the folder is spelled. */
const held = new Set<string>();

export interface BuildLock {
  release(): void;
}

/** Takes the build lock of `dir` (creating the folder), or throws index-busy naming the holder. */
export function acquireBuildLock(dir: string): BuildLock {
  let path: string;
  try {
    mkdirSync(dir, { recursive: true });
    path = join(realpathSync(dir), LOCK_FILE);
  } catch (err) {
    throw new KbSearchError("build", `cannot create the index folder ${dir} (${(err as Error).message}): check the path and its permissions`, { cause: err });
  }
  const mine = `${path}.${process.pid}`;
  try {
    // Written whole under a name of its own, then linked into place: linking fails if a lock
    // exists, so the lock appears with its owner already in it.
    writeFileSync(mine, `${process.pid}\n`);
  } catch (err) {
    // A full disk may leave the file created but empty.
    rmSync(mine, { force: true });
    throw new KbSearchError("build", `cannot write in ${dir} (${(err as Error).message}): check the folder, its permissions and the free disk space`, { cause: err });
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, path);
        held.add(path);
        removeStaleClaims(dir);
        return {
          release() {
            held.delete(path);
            rmSync(path, { force: true });
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new KbSearchError("build", `cannot create ${path} (${(err as Error).message}): check the folder and its permissions`, { cause: err });
        }
      }
      const owner = lockOwner(path);
      if (owner !== undefined && isRunning(owner, path)) {
        throw new KbSearchError(
          "index-busy",
          `another build (process ${owner}) is writing the index in ${dir}: wait for it to finish, then run again (if no build is running, delete ${path})`,
        );
      }
      rmSync(path, { force: true }); // Stale: its build is gone.
    }
    throw new KbSearchError("index-busy", `other builds keep taking the lock in ${dir}: wait for them to finish, then run again`);
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Removes `kbsearch.lock.PID` files that builds killed while taking the lock left behind. */
function removeStaleClaims(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(name.startsWith(`${LOCK_FILE}.`) ? name.slice(LOCK_FILE.length + 1) : Number.NaN);
    if (Number.isSafeInteger(pid) && pid !== process.pid && !isRunning(pid, "")) rmSync(join(dir, name), { force: true });
  }
}

/** The process id in a lock file; undefined when it is gone or unreadable (so stale). */
function lockOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number, path: string): boolean {
  // Our own id in a lock we do not hold is a killed build's whose id we were given again.
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // Alive, but another user's.
  }
}
