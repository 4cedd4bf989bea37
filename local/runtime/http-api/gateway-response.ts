/** The response the emulated gateway sends, before it is written to the socket. */
export interface GatewayResponse {
  readonly statusCode: number;
  /** Lower-cased names; an array value is sent as repeated headers (set-cookie). */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * A response API Gateway itself produces: a JSON `{"message": ...}` body, as in
 * `{"message":"Not Found"}` or `{"message":"Unauthorized"}`.
 */
export function gatewayError(statusCode: number, message: string, headers: Record<string, string> = {}): GatewayResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/** The standard gateway errors the emulation answers with. */
export const GATEWAY_ERRORS = {
  notFound: () => gatewayError(404, "Not Found"),
  internalServerError: () => gatewayError(500, "Internal Server Error"),
  serviceUnavailable: () => gatewayError(503, "Service Unavailable"),
  requestEntityTooLarge: () => gatewayError(413, "Request Entity Too Large"),
} as const;
