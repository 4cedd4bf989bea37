/**
 * The local web server: what CloudFront does for the web app, on one local origin (`http://localhost:4568`).
 *
 * - `/api/*` (the distribution's path pattern; `/api` alone is not in it, so it falls to the site, as on CloudFront): the
 *   distribution's `api-prefix` CloudFront Function (the same file, run in a `vm`) strips the prefix, then the request
 *   goes to the local HTTP API with every viewer header except Host (CloudFront's AllViewerExceptHostHeader origin
 *   request policy), the viewer's query string as sent when the function leaves it alone, and the viewer's address
 *   appended to X-Forwarded-For, uncached.
 * - `/config.json`: generated from the local deployment (password sign-in, see config.ts).
 * - `/_local/cognito`: POSTs of the user pool's public JSON API operations, forwarded to the local AWS endpoint
 *   (same origin for the browser, so no CORS). Local only: CloudFront has no such path.
 * - everything else: the `spa-fallback` function (extension-less paths → `/index.html`), then the built files.
 * Every response carries the distribution's security headers (modules/cdn/security-headers.ts), with local origins
 * and without HSTS (plain http).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { loadViewerRequestFunction, requestPathWithQuery, viewerRequestEvent } from "../../modules/cdn/functions";
import { securityHeaders } from "../../modules/cdn/security-headers";
import type { WebConfig } from "../../web/src/config";
import type { RuntimeLog } from "../runtime/types";
import { LOCAL_COGNITO_PATH } from "./config";

/** The port `environments/local.ts` lists in the API's CORS origins and the SPA client's callback URLs. */
export const DEFAULT_WEB_PORT = 4568;

export interface LocalWebServerOptions {
  /** @default DEFAULT_WEB_PORT */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** The local HTTP API (`/api/*` goes there). */
  readonly apiUrl: string;
  /** The local AWS endpoint (`/_local/cognito` goes there). */
  readonly awsEndpoint: string;
  readonly config: WebConfig;
  /** The built app's folder; a function is asked again on every index.html (so a rebuild is picked up). */
  readonly site: string | (() => string);
  readonly log?: RuntimeLog;
}

export interface LocalWebServer {
  /** `http://localhost:<port>`: the origin the user pool client and the bucket's CORS rules know. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Headers a proxy never forwards (RFC 9110 §7.6.1), plus Host (the origin's own is set). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host"]);

/** The user pool operations a signed-out browser may call (never Admin*: those need IAM credentials in AWS). */
export const PUBLIC_COGNITO_OPERATIONS = new Set([
  "InitiateAuth",
  "RespondToAuthChallenge",
  "SignUp",
  "ConfirmSignUp",
  "ResendConfirmationCode",
  "ForgotPassword",
  "ConfirmForgotPassword",
  "GetUser",
  "GlobalSignOut",
  "RevokeToken",
]);

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Hashed asset names (`main-AB12CD34.js`) never change content: cached for a year; everything else revalidates. */
export function cacheControlFor(fileName: string): string {
  return /-[A-Z0-9]{8,}\.[a-z0-9]+$/.test(fileName) ? "public, max-age=31536000, immutable" : "no-cache";
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, head = false): void {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "content-length": String(buf.length) });
  res.end(head ? undefined : buf);
}

function errorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function startLocalWebServer(options: LocalWebServerOptions): Promise<LocalWebServer> {
  const log = options.log;
  const apiPrefix = loadViewerRequestFunction("api-prefix");
  const spaFallback = loadViewerRequestFunction("spa-fallback");
  const filesOrigin = options.config.filesOrigin;
  const security = securityHeaders({ hsts: false, connectSrc: [filesOrigin], imgSrc: [filesOrigin] });
  const configBody = JSON.stringify(options.config, null, 2);
  const siteOf = typeof options.site === "function" ? options.site : () => options.site as string;
  let siteDir = resolve(siteOf());

  const proxy = (req: IncomingMessage, res: ServerResponse, target: URL, headers: Record<string, string | string[]>, onError: (err: Error) => void): void => {
    const out = httpRequest(target, { method: req.method, headers }, (upstream) => {
      const resHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) resHeaders[name] = value;
      res.writeHead(upstream.statusCode ?? 502, { ...resHeaders, ...security });
      upstream.pipe(res);
    });
    out.on("error", onError);
    req.pipe(out);
  };

  const serveApi = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const event = viewerRequestEvent(req.method ?? "GET", url, req.headers, req.socket.remoteAddress ?? "127.0.0.1");
    const querystringBefore = JSON.stringify(event.request.querystring);
    const rewritten = apiPrefix(event);
    // CloudFront forwards the query string untouched unless the function changed it; rebuilding it from the parsed
    // object would re-encode it (`%20` → `+`, `?flag` → `flag=`).
    const raw = url.includes("?") ? url.slice(url.indexOf("?")) : "";
    const pathWithQuery = JSON.stringify(rewritten.querystring) === querystringBefore ? `${rewritten.uri}${raw}` : requestPathWithQuery(rewritten);
    const target = new URL(pathWithQuery, options.apiUrl);
    // All viewer headers except Host, as received (the function sees them too; it does not change them).
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    headers.host = target.host;
    // CloudFront appends the viewer's address to X-Forwarded-For (the API's requestContext.http.sourceIp).
    const viewer = req.socket.remoteAddress ?? "127.0.0.1";
    const forwardedFor = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = forwardedFor !== undefined ? `${String(forwardedFor)}, ${viewer}` : viewer;
    proxy(req, res, target, headers, (err) => {
      log?.error(`web: ${req.method} ${req.url} → ${target.href}: ${err.message}`);
      if (!res.headersSent) send(res, 502, { ...security, "content-type": "application/json" }, errorJson("BadGateway", `The local HTTP API could not be reached: ${err.message}`));
      else res.destroy();
    });
  };

  const serveCognito = (req: IncomingMessage, res: ServerResponse): void => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith("AWSCognitoIdentityProviderService.") ? target.slice("AWSCognitoIdentityProviderService.".length) : "";
    if (req.method !== "POST" || !PUBLIC_COGNITO_OPERATIONS.has(operation)) {
      req.resume();
      send(
        res,
        403,
        { ...security, "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "AccessDeniedException" },
        JSON.stringify({
          __type: "AccessDeniedException",
          message: `${LOCAL_COGNITO_PATH} forwards only POSTs of the user pool's public operations (${[...PUBLIC_COGNITO_OPERATIONS].join(", ")}); received ${req.method} ${operation || "(no X-Amz-Target)"}`,
        }),
      );
      return;
    }
    const headers: Record<string, string> = { "content-type": String(req.headers["content-type"] ?? "application/x-amz-json-1.1"), "x-amz-target": target };
    if (req.headers["content-length"] !== undefined) headers["content-length"] = String(req.headers["content-length"]);
    proxy(req, res, new URL("/", options.awsEndpoint), headers, (err) => {
      if (!res.headersSent) send(res, 502, { ...security, "content-type": "application/json" }, JSON.stringify({ __type: "LocalGatewayError", message: err.message }));
      else res.destroy();
    });
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    const head = method === "HEAD";
    if (method !== "GET" && !head) {
      send(res, 405, { ...security, allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }, `${method} is not allowed here: the site is static (GET, HEAD).`);
      return;
    }
    const pathWithQuery = req.url ?? "/";
    const uri = pathWithQuery.split("?")[0];
    if (uri === "/config.json") {
      send(res, 200, { ...security, "content-type": CONTENT_TYPES[".json"], "cache-control": "no-cache" }, configBody, head);
      return;
    }
    const rewritten = spaFallback(viewerRequestEvent(method, pathWithQuery, req.headers)).uri;
    // The bucket's root object: "/" is index.html, as the distribution's default_root_object.
    const objectPath = rewritten === "/" ? "/index.html" : rewritten;
    if (objectPath === "/index.html") siteDir = resolve(siteOf());
    let decoded: string;
    try {
      decoded = decodeURIComponent(objectPath);
    } catch {
      send(res, 400, { ...security, "content-type": "text/plain; charset=utf-8" }, "Malformed path.", head);
      return;
    }
    const file = resolve(siteDir, `.${decoded}`);
    if (!file.startsWith(siteDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      send(res, 404, { ...security, "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" }, `Not found: ${uri}`, head);
      return;
    }
    const body = readFileSync(file);
    const etag = `"${createHash("sha1").update(body).digest("hex")}"`;
    const headers = {
      ...security,
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": cacheControlFor(file.slice(siteDir.length + 1)),
      etag,
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    send(res, 200, headers, body, head);
  };

  const server: Server = createServer((req, res) => {
    try {
      const path = (req.url ?? "/").split("?")[0];
      if (path.startsWith("/api/")) serveApi(req, res);
      else if (path === LOCAL_COGNITO_PATH) serveCognito(req, res);
      else serveStatic(req, res);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log?.error(`web: ${req.method} ${req.url}: ${message}`);
      if (!res.headersSent) send(res, 500, { ...security, "content-type": "text/plain; charset=utf-8" }, `The local web server failed: ${message}`);
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolveServer, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(
              `The local web server cannot listen on port ${options.port ?? DEFAULT_WEB_PORT}: it is in use (another npm start?). Stop that process or choose another port (--web-port).`,
            )
          : err,
      ),
    );
    server.listen(options.port ?? DEFAULT_WEB_PORT, options.host ?? "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolveServer({
        url: `http://localhost:${port}`,
        port,
        close: () =>
          new Promise((resolveClose) => {
            server.close(() => resolveClose());
            server.closeAllConnections();
          }),
      });
    });
  });
}
