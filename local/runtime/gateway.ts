/**
 * The local AWS endpoint: one HTTP listener that every SDK, Terraform and function talks to. It tells the service of
 * each request from its SigV4 credential scope (or X-Amz-Target for Cognito's unsigned calls), lets the runtime's
 * own handlers answer what they serve (Lambda Invoke, event source mappings, Cognito triggers), and forwards the
 * rest unchanged to the emulator of that service: DynamoDB Local for `dynamodb`, the local Data API for `rds-data`,
 * moto for everything else.
 */
import { Agent, createServer, IncomingHttpHeaders, IncomingMessage, request as httpRequest, Server, ServerResponse } from "node:http";
import type { RuntimeLog } from "./types";

/** The emulators behind the endpoint. */
export interface Upstreams {
  readonly moto: string;
  readonly dynamodb: string;
  readonly rdsData: string;
}

/** A request read whole (AWS API bodies are small; S3 objects up to the limit below). */
export interface GatewayRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The SigV4 service name (`sqs`, `lambda`, `cognito-idp`, ...), or "moto-api" / "unknown". */
  readonly service: string;
  /** X-Amz-Target, for JSON-protocol services. */
  readonly target: string | undefined;
}

export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

/**
 * A handler answers a request itself (a response), declines it (undefined: forwarded), or wraps the forwarding
 * (`forward` sends it to the emulator and returns the answer, e.g. to act after Cognito confirms a user).
 */
export type GatewayHandler = (req: GatewayRequest, forward: Forward) => Promise<GatewayResponse | undefined>;

/** Sends the request on to its emulator; `override` replaces its body and/or X-Amz-Target (another operation). */
export type Forward = (override?: { readonly body?: Buffer; readonly target?: string }) => Promise<GatewayResponse>;

export interface GatewayOptions {
  readonly upstreams: Upstreams;
  readonly handlers?: readonly GatewayHandler[];
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default a free port */
  readonly port?: number;
  readonly log?: RuntimeLog;
  /** How requests reach moto (the replay journal records them while Terraform applies). @default forwardTo */
  readonly motoForward?: (moto: string, req: GatewayRequest) => Promise<GatewayResponse>;
  /**
   * Requests to moto with the same lane are sent one at a time, in arrival order (an emulator that is not safe under
   * concurrency; see moto-lanes.ts); undefined: sent at once. A failed request does not stop its lane.
   */
  readonly lane?: (req: GatewayRequest) => string | undefined;
}

export interface Gateway {
  readonly endpoint: string;
  readonly port: number;
  /** Replaces the handlers (the runtime adds its own once it is ready). */
  setHandlers(handlers: readonly GatewayHandler[]): void;
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024 * 1024;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "host", "content-length"]);

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/** The service a request is for, from its credential scope (header or presigned query) or its X-Amz-Target. */
export function serviceOf(headers: IncomingHttpHeaders, query: URLSearchParams, path: string): string {
  if (path.startsWith("/moto-api")) return "moto-api";
  const auth = headers.authorization;
  const fromHeader = typeof auth === "string" ? CREDENTIAL_SCOPE.exec(auth)?.[1] : undefined;
  if (fromHeader !== undefined) return fromHeader;
  const credential = query.get("X-Amz-Credential");
  if (credential !== null) {
    const parts = credential.split("/");
    if (parts.length >= 5) return parts[3];
  }
  const target = headers["x-amz-target"];
  if (typeof target === "string") {
    if (target.startsWith("AWSCognitoIdentityProviderService.")) return "cognito-idp";
    if (target.startsWith("DynamoDB_") || target.startsWith("DynamoDBStreams_")) return "dynamodb";
  }
  return "unknown";
}

/** Which emulator serves a service. */
export function upstreamOf(service: string): keyof Upstreams {
  if (service === "dynamodb") return "dynamodb";
  if (service === "rds-data") return "rdsData";
  return "moto";
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Sends a request to an emulator and reads its answer whole. */
export function forwardTo(base: string, req: Pick<GatewayRequest, "method" | "url" | "headers" | "body">): Promise<GatewayResponse> {
  const target = new URL(req.url, base);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  headers["content-length"] = String(req.body.length);
  headers.host = target.host;
  return new Promise((resolveResponse, reject) => {
    const out = httpRequest(target, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const resHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) resHeaders[name] = value;
        // A HEAD answer has no body, but its Content-Length is the size of what a GET would return (S3 HeadObject).
        if (req.method === "HEAD" && res.headers["content-length"] !== undefined) resHeaders["content-length"] = res.headers["content-length"];
        resolveResponse({ status: res.statusCode ?? 502, headers: resHeaders, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    out.on("error", reject);
    out.end(req.body);
  });
}

/** An AWS-style JSON error answer (`x-amzn-errortype` plus `__type`/`message`, which every SDK and Terraform read). */
export function awsError(status: number, type: string, message: string): GatewayResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": type },
    body: Buffer.from(JSON.stringify({ __type: type, Type: status < 500 ? "User" : "Service", message, Message: message })),
  };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: Buffer.from(body === undefined ? "" : JSON.stringify(body)) };
}

export function startGateway(options: GatewayOptions): Promise<Gateway> {
  let handlers: readonly GatewayHandler[] = options.handlers ?? [];
  const log = options.log;
  const lanes = new Map<string, Promise<unknown>>();
  const inLane = (key: string | undefined, send: () => Promise<GatewayResponse>): Promise<GatewayResponse> => {
    if (key === undefined) return send();
    const answer = (lanes.get(key) ?? Promise.resolve()).then(send);
    const tail = answer.catch(() => undefined);
    lanes.set(key, tail);
    // Forget an idle lane (nothing queued behind this request).
    void tail.then(() => {
      if (lanes.get(key) === tail) lanes.delete(key);
    });
    return answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const rawUrl = req.url ?? "/";
    const parsed = new URL(rawUrl, "http://gateway");
    const service = serviceOf(req.headers, parsed.searchParams, parsed.pathname);
    const greq: GatewayRequest = {
      method: req.method ?? "GET",
      url: rawUrl,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body,
      service,
      target: typeof req.headers["x-amz-target"] === "string" ? req.headers["x-amz-target"] : undefined,
    };
    const upstream = upstreamOf(service);
    const forward: Forward = async (override) => {
      const base = options.upstreams[upstream];
      const sent: GatewayRequest =
        override === undefined
          ? greq
          : {
              ...greq,
              body: override.body ?? greq.body,
              target: override.target ?? greq.target,
              headers: { ...greq.headers, ...(override.target !== undefined ? { "x-amz-target": override.target } : {}) },
            };
      if (upstream !== "moto") return forwardTo(base, sent);
      return inLane(options.lane?.(sent), () => (options.motoForward !== undefined ? options.motoForward(base, sent) : forwardTo(base, sent)));
    };
    let answer: GatewayResponse | undefined;
    for (const h of handlers) {
      answer = await h(greq, forward);
      if (answer !== undefined) break;
    }
    answer ??= await forward();
    // A HEAD answer has no body but keeps the length of what a GET would return (S3 HeadObject's ContentLength).
    const upstreamLength = answer.headers["content-length"];
    const length = greq.method === "HEAD" && typeof upstreamLength === "string" ? upstreamLength : String(answer.body.length);
    res.writeHead(answer.status, { ...answer.headers, "content-length": length });
    res.end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log?.error(`gateway: ${req.method} ${req.url}: ${message}`);
      if (!res.headersSent) {
        const e = awsError(502, "LocalGatewayError", `The local AWS endpoint could not serve ${req.method} ${req.url}: ${message}`);
        res.writeHead(e.status, e.headers);
        res.end(e.body);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolveGateway, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`The local AWS endpoint cannot listen on port ${options.port}: it is in use (another npm start?). Stop that process or choose another port.`)
          : err,
      ),
    );
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolveGateway({
        endpoint: `http://127.0.0.1:${port}`,
        port,
        setHandlers: (h) => {
          handlers = h;
        },
        close: () =>
          new Promise((resolveClose) => {
            server.close(() => resolveClose());
            server.closeAllConnections();
          }),
      });
    });
  });
}
