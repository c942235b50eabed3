/**
 * Writing an answer: JSON or a page asset, compressed as the client accepts (brotli, then gzip),
 * with its content type, length, cache validators and the headers every answer carries.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { errorBody } from "./http-error.js";

/** Bodies shorter than this go as they are: compressing them saves less than its headers and time cost. */
const MIN_COMPRESS_BYTES = 1024;
/** Brotli at 4 compresses search results about as well as gzip at 6 and several times faster than brotli's default of 11. */
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

export type Encoding = "br" | "gzip" | "identity";

/** The best encoding `accept` (an Accept-Encoding header) allows: br, then gzip, else none. */
export function chooseEncoding(accept: string | undefined): Encoding {
  if (!accept) return "identity";
  const allowed = new Map<string, number>();
  for (const part of accept.split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (token) allowed.set(token, Number.isFinite(quality) ? quality : 0);
  }
  const quality = (name: string) => allowed.get(name) ?? (allowed.has("*") ? allowed.get("*")! : 0);
  if (quality("br") > 0) return "br";
  if (quality("gzip") > 0) return "gzip";
  return "identity";
}

/** True when `ifNoneMatch` (an If-None-Match header) names `etag`, compared weakly as RFC 9110 says for GET. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => opaque(tag) === opaque(etag));
}

export interface Body {
  status?: number;
  type: string;
  data: string | Buffer;
  /** Validator for conditional requests; with it, a matching If-None-Match gets a 304. */
  etag?: string;
  cacheControl: string;
  headers?: Record<string, string>;
  /**
   * `data` compressed already (the page's files, a kept answer): sent as it is when the client
   * takes that encoding. An encoding missing here is made and added to it, for the next time.
   */
  compressed?: Partial<Record<Exclude<Encoding, "identity">, Buffer>>;
}

/** Headers on every answer, errors included. */
const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** Sends `body`, compressed when the client accepts it and it is worth it; HEAD gets the headers alone. */
export function send(req: IncomingMessage, res: ServerResponse, body: Body): void {
  const status = body.status ?? 200;
  const headers: Record<string, string | number> = {
    ...COMMON_HEADERS,
    "Content-Type": body.type,
    "Cache-Control": body.cacheControl,
    Vary: "Accept-Encoding",
    ...(body.etag ? { ETag: body.etag } : {}),
    ...body.headers,
  };
  if (status === 200 && body.etag && matchesEtag(req.headers["if-none-match"], body.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  let data = typeof body.data === "string" ? Buffer.from(body.data) : body.data;
  const encoding = data.length >= MIN_COMPRESS_BYTES ? chooseEncoding(req.headers["accept-encoding"]) : "identity";
  if (encoding !== "identity") {
    const ready = body.compressed?.[encoding];
    data = ready ?? compress(data, encoding);
    if (!ready && body.compressed) body.compressed[encoding] = data;
    headers["Content-Encoding"] = encoding;
  }
  headers["Content-Length"] = data.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : data);
}

function compress(data: Buffer, encoding: Exclude<Encoding, "identity">): Buffer {
  if (encoding === "gzip") return gzipSync(data);
  return brotliCompressSync(data, { ...BROTLI_OPTIONS, params: { ...BROTLI_OPTIONS.params, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
}

/** A JSON error answer: never cached, never a stack trace. */
export function sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(req, res, { status, type: "application/json; charset=utf-8", data: errorBody(status, message), cacheControl: "no-store", headers });
}
