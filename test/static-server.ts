/**
 * A plain static file server on 127.0.0.1 for the page's tests and benchmark: files of a folder,
 * with or without HTTP range requests, text gzipped as GitHub Pages does (index files are binary,
 * sent as they are). It counts what it sends.
 */
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
};

export interface StaticServer {
  url: string;
  /** Requests answered and body bytes sent (after compression). */
  sent: { requests: number; bytes: number };
  /** Each request's path and body bytes sent, in the order answered. */
  log: { path: string; bytes: number }[];
  close(): Promise<void>;
}

export async function serveStatic(root: string, options: { ranges: boolean; gzip?: boolean }): Promise<StaticServer> {
  const sent = { requests: 0, bytes: 0 };
  const log: { path: string; bytes: number }[] = [];
  const server = http.createServer((req, res) => {
    sent.requests++;
    const urlPath = new URL(req.url ?? "/", "http://x").pathname;
    const count = (bytes: number) => {
      sent.bytes += bytes;
      log.push({ path: urlPath, bytes });
    };
    const path = normalize(join(root, decodeURIComponent(urlPath)));
    if (!path.startsWith(root + sep) && path !== root) return void res.writeHead(403).end();
    let file = path;
    let size: number;
    try {
      let stat = statSync(file);
      if (stat.isDirectory()) stat = statSync((file = join(file, "index.html")));
      size = stat.size;
    } catch {
      return void res.writeHead(404).end("not found");
    }
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    const headers: http.OutgoingHttpHeaders = { "Content-Type": type, "Cache-Control": "no-cache" };
    if (options.ranges) headers["Accept-Ranges"] = "bytes";
    const range = options.ranges ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "") : null;
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end || start >= size) return void res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
      res.writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": end - start + 1 });
      count(end - start + 1);
      return void createReadStream(file, { start, end }).pipe(res);
    }
    if (options.gzip !== false && type !== "application/octet-stream" && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
      const body = gzipSync(readFileSync(file));
      count(body.length);
      return void res.writeHead(200, { ...headers, "Content-Encoding": "gzip", "Content-Length": body.length }).end(body);
    }
    count(size);
    res.writeHead(200, { ...headers, "Content-Length": size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sent,
    log,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
