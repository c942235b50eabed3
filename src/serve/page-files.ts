/**
 * The search page's files as the server sends them (`/`, `/kbsearch.js`, `/kbsearch.css`): held in
 * memory from the start, each with an ETag of its content and compressed once, at brotli's and
 * gzip's best, so that no request compresses them again. Looked up by exact name only: a request
 * can name nothing else.
 */
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** A file of the page as its builder gives it. */
export interface PageAsset {
  bytes: Uint8Array;
  contentType: string;
}

export interface PageFile {
  contentType: string;
  etag: string;
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** The HTML page's own rules: its script and styles from this server, nothing framed, no plugins. */
export const PAGE_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function pageFiles(assets: ReadonlyMap<string, PageAsset>): Map<string, PageFile> {
  const files = new Map<string, PageFile>();
  for (const [name, asset] of assets) {
    const identity = Buffer.from(asset.bytes);
    files.set(name, {
      contentType: asset.contentType,
      etag: `"${createHash("sha256").update(identity).digest("base64url").slice(0, 22)}"`,
      identity,
      br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
      gzip: gzipSync(identity, { level: constants.Z_BEST_COMPRESSION }),
    });
  }
  return files;
}
