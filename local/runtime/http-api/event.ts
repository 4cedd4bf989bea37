import { randomBytes } from "node:crypto";
import type { JwtAuthorizerContext } from "./jwt-authorizer";
import type { IncomingRequest } from "./incoming-request";
import { headerValue } from "./incoming-request";
import { formatRequestTime } from "./request-time";
import { decodePercent } from "./url-decoding";

/** The Lambda proxy event of payload format 2.0, as API Gateway HTTP APIs send it. */
export interface HttpApiEventV2 {
  version: "2.0";
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: JwtAuthorizerContext;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

/** Everything about a request the event needs beyond the request itself. */
export interface EventContext {
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  readonly authorizer?: JwtAuthorizerContext;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly requestId: string;
  readonly timeEpoch: number;
  /** The port the gateway listens on (x-forwarded-port). */
  readonly port: number;
}

/**
 * Content types whose bodies reach the function as text; every other body (including one without a
 * content type, and form posts) arrives base64-encoded, as observed on HTTP APIs.
 */
function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  return mediaType.startsWith("text/") || mediaType === "application/json" || mediaType === "application/xml" || mediaType === "application/javascript";
}

/** Headers that end at the gateway: Cookie travels in `cookies`, the hop-by-hop ones concern one connection only. */
const NOT_FORWARDED = new Set(["cookie", "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "proxy-connection"]);

/**
 * Headers by lower-cased name, repeats comma-joined, plus the ones the gateway adds: content-length
 * (always, "0" without a body), x-forwarded-for / -port / -proto and x-amzn-trace-id.
 */
function eventHeaders(request: IncomingRequest, context: EventContext, bodyLength: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of request.headers) {
    if (!NOT_FORWARDED.has(name)) headers[name] = values.join(",");
  }
  headers["content-length"] = String(bodyLength);
  const forwardedFor = headers["x-forwarded-for"];
  headers["x-forwarded-for"] = forwardedFor === undefined ? request.sourceIp : `${forwardedFor}, ${request.sourceIp}`;
  headers["x-forwarded-port"] = String(context.port);
  headers["x-forwarded-proto"] = "http";
  headers["x-amzn-trace-id"] ??= traceId(context.timeEpoch);
  return headers;
}

/** An X-Ray style trace id: Root=1-<epoch seconds, hex>-<96 random bits, hex>. */
function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
}

function eventCookies(request: IncomingRequest): string[] | undefined {
  const cookies = (request.headers.get("cookie") ?? []).flatMap((header) =>
    header
      .split(";")
      .map((cookie) => cookie.trim())
      .filter((cookie) => cookie !== ""),
  );
  return cookies.length > 0 ? cookies : undefined;
}

/** Query parameters decoded, repeated keys comma-joined; undefined when there are none. */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const pair of rawQueryString.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const name = decodePercent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? "" : decodePercent(pair.slice(equals + 1));
    parameters[name] = Object.hasOwn(parameters, name) ? `${parameters[name]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** The domain prefix of a host: its first label ("abc123" of "abc123.execute-api.…"). */
function domainPrefix(host: string): string {
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  return hostname.split(".")[0];
}

/** Builds the payload format 2.0 event for one request. */
export function buildEventV2(request: IncomingRequest, context: EventContext): HttpApiEventV2 {
  const host = headerValue(request, "host") ?? "";
  const body = request.body ?? Buffer.alloc(0);
  const textual = isTextual(headerValue(request, "content-type"));
  const event: HttpApiEventV2 = {
    version: "2.0",
    routeKey: context.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers: eventHeaders(request, context, body.length),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      domainName: host,
      domainPrefix: domainPrefix(host),
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: headerValue(request, "user-agent") ?? "",
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: context.stage,
      time: formatRequestTime(context.timeEpoch),
      timeEpoch: context.timeEpoch,
    },
    isBase64Encoded: false,
  };
  const cookies = eventCookies(request);
  if (cookies !== undefined) event.cookies = cookies;
  const query = queryParameters(request.rawQueryString);
  if (query !== undefined) event.queryStringParameters = query;
  if (context.pathParameters !== undefined) event.pathParameters = context.pathParameters;
  if (context.authorizer !== undefined) event.requestContext.authorizer = context.authorizer;
  if (body.length > 0) {
    event.body = textual ? body.toString("utf8") : body.toString("base64");
    event.isBase64Encoded = !textual;
  }
  return event;
}
