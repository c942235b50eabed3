/** `kbsearch serve`: the HTTP JSON API over the index (src/serve/), until SIGTERM or SIGINT. */
import { KbSearchError } from "../../errors.js";
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
}

export async function runServe(options: ServeOptions): Promise<number> {
  const dir = await indexDirForCli(options);
  const log = (line: string) => process.stderr.write(`kbsearch serve: ${line}\n`);
  const { isWorker, leaveCluster, startWorkers } = await import("../../serve/cluster.js");
  if (options.workers > 1 && !isWorker()) {
    const { address, port, stopped } = await startWorkers(options.workers, log).catch((err: unknown) => {
      throw new KbSearchError("usage", `the workers could not start serving on ${options.host}:${options.port}: ${err instanceof Error ? err.message : String(err)}`);
    });
    announce(dir, address, port, `, ${options.workers} workers`);
    await stopped;
    return EXIT_FOUND;
  }

  const server = new SearchServer({ indexDir: dir, suggest: options.suggest, log: isWorker() ? (line) => log(`[${process.pid}] ${line}`) : log });
  let address;
  try {
    address = await server.listen(options.port, options.host);
  } catch (err) {
    await server.close(0);
    const code = (err as NodeJS.ErrnoException).code;
    throw new KbSearchError("usage", `cannot listen on ${options.host}:${options.port} (${code ?? String(err)})`, { cause: err });
  }
  // A worker's primary says where the workers listen.
  if (!isWorker()) announce(dir, address.address, address.port, "");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      if (!isWorker()) log(`${signal}: finishing the requests under way, then stopping`);
      server.close().then(resolve, resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  leaveCluster();
  return EXIT_FOUND;
}

function announce(dir: string, address: string, port: number, how: string): void {
  const host = address.includes(":") ? `[${address}]` : address;
  process.stdout.write(`serving ${dir} at http://${host}:${port}/${how}\n`);
}
