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
}

export async function runServe(options: ServeOptions): Promise<number> {
  const dir = await indexDirForCli(options);
  const log = (line: string) => process.stderr.write(`kbsearch serve: ${line}\n`);
  const server = new SearchServer({ indexDir: dir, suggest: options.suggest, log });
  let address;
  try {
    address = await server.listen(options.port, options.host);
  } catch (err) {
    await server.close(0);
    const code = (err as NodeJS.ErrnoException).code;
    throw new KbSearchError("usage", `cannot listen on ${options.host}:${options.port} (${code ?? String(err)})`, { cause: err });
  }
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  process.stdout.write(`serving ${dir} at http://${host}:${address.port}/\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: finishing the requests under way, then stopping`);
      server.close().then(resolve, resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return EXIT_FOUND;
}
