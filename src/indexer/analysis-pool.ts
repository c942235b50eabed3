/**
 * Where the build's parsing and analysis run. The first files of a source are analyzed on the
 * build's own thread (a small source is done before a worker would have started); past that,
 * batches go to worker threads in turn, while this thread reads the source and accumulates
 * postings. Results are taken in the order the files were submitted, whichever thread made them.
 */
import { Worker } from "node:worker_threads";
import { KbSearchError } from "../errors.js";
import { ArticleAnalyzer, type AnalyzedBatch, type SourceText } from "./analysis.js";

/** Files analyzed here before worker threads start (the 36-article sample corpus never needs one). */
const INLINE_FILES = 1000;
/** A batch is sent when it holds this many files or this much text, whichever comes first. */
const BATCH_FILES = 64;
const BATCH_CHARS = 256 * 1024;

/** An analyzer's local term ids and their strings, with the ids the build gave them (-1: none yet). */
export class LocalTerms {
  readonly names: string[] = [];
  ids = new Int32Array(1024).fill(-1);

  append(names: readonly string[]): void {
    for (const name of names) this.names.push(name);
    if (this.names.length > this.ids.length) {
      const grown = new Int32Array(Math.max(this.names.length, this.ids.length * 2)).fill(-1);
      grown.set(this.ids);
      this.ids = grown;
    }
  }
}

/** A batch as it arrived, with the term table its ids refer to. */
export interface ArrivedBatch {
  batch: AnalyzedBatch;
  terms: LocalTerms;
}

/** Where a submitted file's result will be: its batch and its place there. */
export interface Ticket {
  readonly pending: PendingBatch;
  readonly index: number;
}

interface PendingBatch {
  files: SourceText[];
  chars: number;
  sent: boolean;
  arrived?: ArrivedBatch;
  promise?: Promise<ArrivedBatch>;
}

interface Producer {
  analyze(files: SourceText[]): Promise<AnalyzedBatch> | AnalyzedBatch;
  readonly terms: LocalTerms;
}

export interface AnalysisPoolOptions {
  /** Worker threads to use past the first files; 0 analyzes everything on this thread. */
  workers: number;
  /** Files analyzed here first (default INLINE_FILES). */
  inlineFiles?: number;
  /** The worker module (default analysis-worker.js). */
  workerUrl?: URL;
}

export class AnalysisPool {
  private readonly inline: Producer;
  private readonly workers: WorkerProducer[] = [];
  private nextWorker = 0;
  private submitted = 0;
  private current: PendingBatch = newBatch();

  constructor(private readonly options: AnalysisPoolOptions) {
    const analyzer = new ArticleAnalyzer();
    this.inline = { analyze: (files) => analyzer.analyzeBatch(files), terms: new LocalTerms() };
  }

  /** Queues a file; its result is `result(ticket)`. */
  submit(file: SourceText): Ticket {
    const ticket = { pending: this.current, index: this.current.files.length };
    this.current.files.push(file);
    this.current.chars += file.text.length;
    this.submitted++;
    if (this.current.files.length >= BATCH_FILES || this.current.chars >= BATCH_CHARS || this.submitted === this.inlineFiles) this.send();
    return ticket;
  }

  /** The batch holding the ticket's result, once analyzed. */
  result(ticket: Ticket): ArrivedBatch | Promise<ArrivedBatch> {
    if (!ticket.pending.sent) this.send();
    return ticket.pending.arrived ?? ticket.pending.promise!;
  }

  /** True when `result(ticket)` would not wait. */
  ready(ticket: Ticket): boolean {
    return ticket.pending.arrived !== undefined;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private get inlineFiles(): number {
    return this.options.workers > 0 ? this.options.inlineFiles ?? INLINE_FILES : Infinity;
  }

  private send(): void {
    const pending = this.current;
    if (pending.files.length === 0) return;
    this.current = newBatch();
    pending.sent = true;
    const producer = this.submitted <= this.inlineFiles ? this.inline : this.worker();
    const made = producer.analyze(pending.files);
    pending.files = [];
    if (!(made instanceof Promise)) {
      producer.terms.append(made.newTerms);
      pending.arrived = { batch: made, terms: producer.terms };
      return;
    }
    pending.promise = made.then((batch) => {
      // Batches of one worker arrive in the order sent, so its new terms append in id order.
      producer.terms.append(batch.newTerms);
      return (pending.arrived = { batch, terms: producer.terms });
    });
    // A failure is thrown where the batch is awaited; batches behind it are never awaited.
    pending.promise.catch(() => {});
  }

  private worker(): WorkerProducer {
    if (this.workers.length < this.options.workers) {
      this.workers.push(new WorkerProducer(this.options.workerUrl ?? new URL("./analysis-worker.js", import.meta.url)));
    }
    return this.workers[this.nextWorker++ % this.workers.length]!;
  }
}

function newBatch(): PendingBatch {
  return { files: [], chars: 0, sent: false };
}

/** One worker thread; its batches come back in the order sent. */
class WorkerProducer implements Producer {
  readonly terms = new LocalTerms();
  private readonly worker: Worker;
  private readonly waiting: { resolve: (batch: AnalyzedBatch) => void; reject: (err: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(url: URL) {
    this.worker = new Worker(url);
    this.worker.on("message", (batch: AnalyzedBatch) => this.waiting.shift()?.resolve(batch));
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => this.fail(new Error(`it stopped (exit code ${code})`)));
  }

  analyze(files: SourceText[]): Promise<AnalyzedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker.postMessage(files);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error("the pool was closed");
    await this.worker.terminate();
  }

  /** Fails every batch not yet back: the build cannot go on without them. */
  private fail(err: Error): void {
    this.failure ??= new KbSearchError("build", `analysis failed in a worker thread (${err.message}); the index was left as it was`, { cause: err });
    for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure);
  }
}
