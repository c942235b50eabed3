/**
 * A worker thread of the build's analysis pool (analysis-pool.ts): analyzes the batches of source
 * files it is sent, in order, and posts each batch's result back, its arrays moved, not copied.
 */
import { parentPort } from "node:worker_threads";
import { ArticleAnalyzer, type SourceText } from "./analysis.js";

const port = parentPort;
if (!port) throw new Error("analysis-worker.js runs as a worker thread of the build");
const analyzer = new ArticleAnalyzer();
port.on("message", (files: SourceText[]) => {
  const batch = analyzer.analyzeBatch(files);
  // Both arrays own their buffers whole (analysis.ts makes them so).
  port.postMessage(batch, [batch.tokens.buffer as ArrayBuffer, batch.stored.buffer as ArrayBuffer]);
});
