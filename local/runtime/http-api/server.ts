import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { LOCAL_AWS, type InvokeFunction, type RuntimeLog } from "../types";
import type { HttpApiConfig } from "./config";
import { compileDeployment, type Deployment } from "./deployment";
import { handleRequest, type GatewayServices, type HandledRequest } from "./gateway";
import { GATEWAY_ERRORS, type GatewayResponse } from "./gateway-response";
import { readIncomingRequest } from "./incoming-request";
import { JwtAuthorizer } from "./jwt-authorizer";

/** How to run one local HTTP API. */
export interface HttpApiServerOptions {
  config: HttpApiConfig;
  /** Runs the routes' functions. */
  invoke: InvokeFunction;
  /**
   * Where the JWKS of an issuer is read: e.g. issuer "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
   * → "http://127.0.0.1:5000/us-east-1_abc/.well-known/jwks.json" (the local emulator serves it; the token's
   * iss keeps the real AWS URL).
   */
  jwksUrl: (issuer: string) => string;
  /** @default LOCAL_AWS.accountId */
  accountId?: string;
  /** @default LOCAL_AWS.region */
  region?: string;
  /** @default "127.0.0.1" */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** Access log lines and the gateway's own warnings. @default the console */
  log?: RuntimeLog;
  /** The clock in ms (request times, token expiry). @default Date.now */
  now?: () => number;
}

/** A running local HTTP API. */
export interface LocalHttpApi {
  /** http://127.0.0.1:PORT, followed by /<stage> when the stage is not $default. */
  readonly url: string;
  readonly port: number;
  /** Serves a new deployment (routes, authorizers, CORS, stage) from the next request on; throws if it is invalid. */
  update(config: HttpApiConfig): void;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

const CONSOLE_LOG: RuntimeLog = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

/** Statuses whose responses have no body (and no content-length). */
function hasNoBody(statusCode: number): boolean {
  return statusCode < 200 || statusCode === 204 || statusCode === 304;
}

function writeResponse(res: ServerResponse, response: GatewayResponse): void {
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (hasNoBody(response.statusCode)) {
    res.end();
    return;
  }
  res.setHeader("content-length", response.body.length);
  res.end(response.body);
}

/** Starts an emulated API Gateway v2 HTTP API on node:http. */
export async function startHttpApi(options: HttpApiServerOptions): Promise<LocalHttpApi> {
  let deployment: Deployment = compileDeployment(options.config);
  const log = options.log ?? CONSOLE_LOG;
  const now = options.now ?? Date.now;
  const region = options.region ?? LOCAL_AWS.region;
  const accountId = options.accountId ?? LOCAL_AWS.accountId;
  const host = options.host ?? "127.0.0.1";
  let port = 0;
  const services: GatewayServices = {
    invoke: options.invoke,
    jwtAuthorizer: new JwtAuthorizer(options.jwksUrl, now, log),
    log,
    accountId,
    now,
    port: () => port,
  };

  async function serve(message: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const started = performance.now();
    const served = deployment; // one deployment for the whole request, even if update() runs meanwhile
    let handled: HandledRequest;
    try {
      handled = await handleRequest(served, services, await readIncomingRequest(message), requestId);
    } catch (err) {
      log.error(`http-api ${served.config.name}: ${message.method} ${message.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const failure = GATEWAY_ERRORS.internalServerError();
      handled = { response: { ...failure, headers: { ...failure.headers, "apigw-requestid": requestId } } };
    }
    writeResponse(res, handled.response);
    const latencyMs = Math.round(performance.now() - started);
    log.info(
      `http-api ${served.config.name}: ${message.method} ${message.url} ${handled.response.statusCode} ${latencyMs}ms ` +
        `requestId=${requestId} routeKey=${handled.routeKey ?? "-"}`,
    );
  }

  const server = createServer((message, res) => void serve(message, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const origin = `http://${urlHost}:${port}`;
  const urlOf = (config: HttpApiConfig): string => (config.stage === "$default" ? origin : `${origin}/${config.stage}`);
  const { config } = deployment;
  log.info(`http-api ${config.name}: arn:aws:execute-api:${region}:${accountId}:${config.apiId}/${config.stage} at ${urlOf(config)}`);

  return {
    get url() {
      return urlOf(deployment.config);
    },
    port,
    update(next: HttpApiConfig): void {
      deployment = compileDeployment(next);
    },
    close(): Promise<void> {
      return new Promise((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeIdleConnections();
      });
    },
  };
}
