/**
 * `kbsearch serve --workers N`: N server processes sharing one port (node:cluster), for a machine
 * whose cores one thread leaves idle. A search holds its thread for milliseconds, so one process
 * answers at most one core's worth; each worker opens the index itself (the operating system's
 * page cache holds the file once) and the primary only starts them, restarts one that dies, and
 * passes SIGTERM on.
 */
import cluster, { type Worker } from "node:cluster";

/** A worker stopped before all were serving; it said why on stderr, and its exit code is the command's. */
export class WorkerStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A worker that dies sooner than this after its start is not restarted: it would die again (a bad index, say). */
const MIN_WORKER_LIFE_MS = 5000;

/**
 * Starts `count` workers running this same command line and resolves with the port they listen
 * on once all do; `stopped` resolves when all have exited after SIGTERM or SIGINT.
 */
export async function startWorkers(count: number, log: (line: string) => void): Promise<{ address: string; port: number; stopped: Promise<void> }> {
  let stopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork(), Date.now());
  for (let i = 0; i < count; i++) fork();

  const listening = new Promise<{ address: string; port: number }>((resolve, reject) => {
    let ready = 0;
    cluster.on("listening", (_worker, address) => {
      if (++ready === count) resolve({ address: address.address ?? "127.0.0.1", port: address.port });
    });
    cluster.on("exit", (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) return;
      if (ready < count || lived < MIN_WORKER_LIFE_MS) {
        reject(new WorkerStartError(`a worker stopped at its start (${signal ?? `exit ${code}`})`, code ?? 1));
        for (const other of Object.values(cluster.workers ?? {})) other?.kill("SIGTERM");
        return;
      }
      log(`worker ${worker.process.pid} stopped (${signal ?? `exit ${code}`}); starting another`);
      fork();
    });
  });

  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping the workers`);
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      if (workers.length === 0) return resolve();
      let left = workers.length;
      for (const worker of workers) {
        worker.once("exit", () => --left === 0 && resolve());
        worker.process.kill("SIGTERM");
      }
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });

  return { ...(await listening), stopped };
}

export const isWorker = (): boolean => cluster.isWorker;

/** Ends a worker's channel to the primary once its server has closed: the channel alone would keep the process alive. */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}
