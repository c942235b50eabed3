/** `kbsearch serve`: the HTTP JSON API over the index (src/serve/), until SIGTERM or SIGINT. */
import { KbSearchError } from "../../errors.js";
import { KbIndex } from "../../query/engine.js";
import { SearchServer } from "../../serve/server.js";
import { EXIT_FOUND } from "../exit.js";
import { indexDirForCli, type GlobalOptions } from "../options.js";

export interface ServeOptions extends Pick<GlobalOptions, "index"> {
  port: number;
  host: string;
  /** false with --no-suggest. */
  suggest: boolean;
  /** Server processes (--workers); 1 serves from this process. */
  workers: number;
  /** Megabytes of answers kept to send again (--cache-mb). */
  cacheMb: number;
}

export async function runServe(options: ServeOptions): Promise<number> {
  const dir = await indexDirForCli(options);
  const log = (line: string) => process.stderr.write(`kbsearch serve: ${line}\n`);
  const { isWorker, leaveCluster, startWorkers, WorkerStartError } = await import("../../serve/cluster.js");
  if (options.workers > 1 && !isWorker()) {
    // An index that cannot be opened is told once, here, rather than by every worker.
    KbIndex.open(dir).close();
    try {
      const { address, port, stopped } = await startWorkers(options.workers, log);
      announce(dir, address, port, `, ${options.workers} workers`);
      await stopped;
      return EXIT_FOUND;
    } catch (err) {
      if (!(err instanceof WorkerStartError)) throw err;
      log(`${err.message}; stopped`);
      return err.exitCode;
    }
  }
  try {
    return await serveHere(dir, options, isWorker() ? (line) => log(`[${process.pid}] ${line}`) : log, isWorker());
  } finally {
    // A worker's channel to the primary would keep it alive after its server has closed, or failed to start.
    leaveCluster();
  }
}

async function serveHere(dir: string, options: ServeOptions, log: (line: string) => void, worker: boolean): Promise<number> {
  const server = new SearchServer({ indexDir: dir, suggest: options.suggest, log, cacheBytes: options.cacheMb * 1024 * 1024, page: await searchPage(log) });
  let address;
  try {
    address = await server.listen(options.port, options.host);
  } catch (err) {
    await server.close(0);
    const code = (err as NodeJS.ErrnoException).code;
    throw new KbSearchError("usage", `cannot listen on ${options.host}:${options.port} (${code ?? String(err)})`, { cause: err });
  }
  // A worker's primary says where the workers listen.
  if (!worker) announce(dir, address.address, address.port, "");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      if (!worker) log(`${signal}: finishing the requests under way, then stopping`);
      server.close().then(resolve, resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return EXIT_FOUND;
}

function announce(dir: string, address: string, port: number, how: string): void {
  const host = address.includes(":") ? `[${address}]` : address;
  process.stdout.write(`serving ${dir} at http://${host}:${port}/${how}\n`);
}

/** The search page's files, searching through this server's API; without them (a build that left them out) `/` lists the API. */
async function searchPage(log: (line: string) => void): Promise<Map<string, { bytes: Uint8Array; contentType: string }> | undefined> {
  const { pageAssets } = await import("../../web/site.js");
  try {
    return pageAssets({ api: "/api" });
  } catch (err) {
    if (!(err instanceof KbSearchError)) throw err;
    log(`no search page at /: ${err.message}`);
    return undefined;
  }
}
