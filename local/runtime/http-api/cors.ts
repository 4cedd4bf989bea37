import type { HttpApiCorsConfig } from "./config";
import type { GatewayResponse } from "./gateway-response";
import { headerValue, type IncomingRequest } from "./incoming-request";

/**
 * CORS as an HTTP API with a CORS configuration applies it: the API answers preflights itself (for
 * any path, route or not), and sets the CORS headers of every other response to a request with an
 * Origin, ignoring the ones the integration returned.
 */

/** A preflight: OPTIONS with both Origin and Access-Control-Request-Method. */
export function isPreflight(request: IncomingRequest): boolean {
  return request.method === "OPTIONS" && headerValue(request, "origin") !== undefined && headerValue(request, "access-control-request-method") !== undefined;
}

/** The Access-Control-Allow-Origin value for a request's origin, or undefined when it is not allowed. */
function allowOriginFor(cors: HttpApiCorsConfig, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  const lowerOrigin = origin.toLowerCase();
  for (const allowed of cors.allowOrigins) {
    if (allowed === "*") return "*";
    const lowerAllowed = allowed.toLowerCase();
    const matches = lowerAllowed.endsWith("*") ? lowerOrigin.startsWith(lowerAllowed.slice(0, -1)) : lowerOrigin === lowerAllowed;
    if (matches) return origin;
  }
  return undefined;
}

function setList(headers: Record<string, string | string[]>, name: string, values: readonly string[]): void {
  if (values.length > 0) headers[name] = values.join(",");
}

/** The API's own 204 answer to a preflight; without CORS headers when the origin is not allowed. */
export function preflightResponse(cors: HttpApiCorsConfig, request: IncomingRequest): GatewayResponse {
  const headers: Record<string, string | string[]> = {};
  const allowOrigin = allowOriginFor(cors, headerValue(request, "origin"));
  if (allowOrigin !== undefined) {
    headers["access-control-allow-origin"] = allowOrigin;
    setList(headers, "access-control-allow-methods", cors.allowMethods);
    setList(headers, "access-control-allow-headers", cors.allowHeaders);
    if (cors.maxAgeSeconds !== undefined) headers["access-control-max-age"] = String(cors.maxAgeSeconds);
    if (cors.allowCredentials === true) headers["access-control-allow-credentials"] = "true";
  }
  return { statusCode: 204, headers, body: Buffer.alloc(0) };
}

/** A non-preflight response with the integration's CORS headers replaced by the configured ones. */
export function applyCors(cors: HttpApiCorsConfig, request: IncomingRequest, response: GatewayResponse): GatewayResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!name.startsWith("access-control-")) headers[name] = value;
  }
  const allowOrigin = allowOriginFor(cors, headerValue(request, "origin"));
  if (allowOrigin !== undefined) {
    headers["access-control-allow-origin"] = allowOrigin;
    setList(headers, "access-control-expose-headers", cors.exposeHeaders);
    if (cors.allowCredentials === true) headers["access-control-allow-credentials"] = "true";
  }
  return { ...response, headers };
}
