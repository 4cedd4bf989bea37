import { extname } from "node:path";

/** Content-Type by file extension (text types with charset=utf-8: esbuild and the app write UTF-8). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
};

/** The Content-Type of a key, or undefined for an extension not in CONTENT_TYPES. */
export function contentTypeOf(key: string): string | undefined {
  return CONTENT_TYPES[extname(key).toLowerCase()];
}

/** Cache-Control of a file whose name carries a content hash: a year, never revalidated (a new build is a new name). */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Cache-Control of every other file (index.html, config.json, favicon.ico): always revalidated (ETag → 304). */
export const NO_CACHE = "no-cache";

/**
 * A content hash in the file name as esbuild writes it (`[name]-[hash]`: 8 characters of upper-case base32), e.g.
 * `main-ABCD1234.js`, `chunk-Q2W3E4R5.css`, `logo-7XK2ZJ4M.svg`, also with a `.map` suffix.
 */
export const HASHED_NAME = /-[A-Z0-9]{8,}\.[A-Za-z0-9]+(\.map)?$/;

/** IMMUTABLE for a hashed name, NO_CACHE otherwise. */
export function cacheControlOf(key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return HASHED_NAME.test(name) ? IMMUTABLE : NO_CACHE;
}
