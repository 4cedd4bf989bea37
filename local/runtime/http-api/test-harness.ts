/** Test support for the HTTP API emulation: a running API with a fake invoke, and a local token issuer. */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { InvokeFunction, InvokeOutcome, RuntimeLog } from "../types";
import type { HttpApiConfig, HttpRouteConfig } from "./config";
import { jose } from "./jose";
import { startHttpApi, type LocalHttpApi } from "./server";

/** A successful invocation returning `payload`. */
export function okOutcome(payload: unknown): InvokeOutcome {
  return { ok: true, payload, requestId: "fn-request", durationMs: 1 };
}

/** A failed invocation (the function threw, or hit its own timeout). */
export function errorOutcome(errorType: string, errorMessage: string): InvokeOutcome {
  return { ok: false, errorType, errorMessage, requestId: "fn-request", durationMs: 1 };
}

/** A route with a 2.0 Lambda proxy integration to `functionArn` (default: the route key as the name). */
export function route(routeKey: string, extra: Partial<HttpRouteConfig> = {}): HttpRouteConfig {
  return { routeKey, functionArn: `fn:${routeKey}`, payloadFormatVersion: "2.0", timeoutMs: 5000, authorizationType: "NONE", ...extra };
}

/** The log lines a running API wrote, by level. */
export interface CapturedLog extends RuntimeLog {
  readonly lines: { readonly info: string[]; readonly warn: string[]; readonly error: string[] };
}

function capturedLog(): CapturedLog {
  const lines = { info: [] as string[], warn: [] as string[], error: [] as string[] };
  return {
    lines,
    info: (message) => void lines.info.push(message),
    warn: (message) => void lines.warn.push(message),
    error: (message) => void lines.error.push(message),
  };
}

/** A running API under test. */
export interface TestApi {
  readonly api: LocalHttpApi;
  /** Answers every invocation with `okOutcome({ statusCode: 200, body: "ok" })` unless re-mocked. */
  readonly invoke: jest.MockedFunction<InvokeFunction>;
  readonly log: CapturedLog;
  /** The event of the n-th invocation (default: the last). */
  event(n?: number): Record<string, any>;
}

/** Starts an API with the given routes and a fake invoke; close it with `api.close()`. */
export async function startTestApi(
  config: Partial<HttpApiConfig> & Pick<HttpApiConfig, "routes">,
  options: { jwksUrl?: (issuer: string) => string; now?: () => number } = {},
): Promise<TestApi> {
  const invoke = jest.fn<ReturnType<InvokeFunction>, Parameters<InvokeFunction>>(async () => okOutcome({ statusCode: 200, body: "ok" }));
  const log = capturedLog();
  const api = await startHttpApi({
    config: { apiId: "api123", name: "test-api", stage: "$default", authorizers: [], ...config },
    invoke,
    jwksUrl: options.jwksUrl ?? (() => "http://127.0.0.1:9/none"),
    now: options.now,
    log,
  });
  return {
    api,
    invoke,
    log,
    event: (n) => {
      const calls = invoke.mock.calls;
      return calls[n ?? calls.length - 1][1] as Record<string, any>;
    },
  };
}

/** A request with exact control of repeated headers (fetch merges them into one line). */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

type PrivateKey = Awaited<ReturnType<typeof jose.generateKeyPair>>["privateKey"];

/** A token issuer shaped like a Cognito user pool, its JWKS served over local HTTP. */
export interface TestIssuer {
  readonly issuer: string;
  readonly jwksUrl: (issuer: string) => string;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: () => number;
  /** Signs claims (iss and a one-hour exp added unless given) with the published key, or another. */
  sign(claims: Record<string, unknown>, options?: { key?: PrivateKey; kid?: string; alg?: string }): Promise<string>;
  /** A key the issuer does not publish. */
  readonly foreignKey: PrivateKey;
  close(): Promise<void>;
}

export const TEST_POOL_ID = "us-east-1_Test1234";
export const TEST_ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`;
export const TEST_KID = "test-key-1";

/** Starts an issuer; `nowSeconds` is the time its default `exp` counts from. */
export async function startIssuer(nowSeconds: () => number = () => Math.floor(Date.now() / 1000)): Promise<TestIssuer> {
  const [{ privateKey, publicKey }, foreign] = await Promise.all([jose.generateKeyPair("RS256"), jose.generateKeyPair("RS256")]);
  const jwks = JSON.stringify({ keys: [{ ...(await jose.exportJWK(publicKey)), kid: TEST_KID, alg: "RS256", use: "sig" }] });
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url === `/${TEST_POOL_ID}/.well-known/jwks.json`) {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: TEST_ISSUER,
    jwksUrl: (issuer) => `http://127.0.0.1:${port}/${issuer.split("/").pop()}/.well-known/jwks.json`,
    jwksFetches: () => fetches,
    foreignKey: foreign.privateKey,
    sign: (claims, options = {}) =>
      new jose.SignJWT({ iss: TEST_ISSUER, exp: nowSeconds() + 3600, ...claims })
        .setProtectedHeader({ alg: options.alg ?? "RS256", kid: options.kid ?? TEST_KID })
        .sign(options.key ?? privateKey),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      }),
  };
}
