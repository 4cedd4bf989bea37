/**
 * JSON responses for API Gateway HTTP APIs (payload format 2.0).
 * Errors a caller can fix: 4xx with `{ "error": { "code", "message" } }`. Anything else: 500, logged with
 * the request ids; the caller gets a reference id, never an exception message or a stack trace.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export type HttpHeaders = Record<string, string>;

/** A structured HTTP API result with a status code and string headers always present. */
export interface HttpResponse extends APIGatewayProxyStructuredResultV2 {
  readonly statusCode: number;
  readonly headers: HttpHeaders;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** A failure the caller can fix (or must be told about): becomes a 4xx JSON error response. */
export class HttpError extends Error {
  public constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly headers: HttpHeaders = {},
  ) {
    super(message);
    this.name = "HttpError";
    if (statusCode < 400 || statusCode > 499) {
      throw new Error(`HttpError is for 4xx responses; received status ${statusCode} for ${code}`);
    }
  }
}

/** Private, per-user data: never cached by CloudFront or the browser. */
const BASE_HEADERS: HttpHeaders = { "cache-control": "no-store" };

export function jsonResponse(statusCode: number, body: unknown, headers: HttpHeaders = {}): HttpResponse {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(body),
  };
}

export function noContentResponse(headers: HttpHeaders = {}): HttpResponse {
  return { statusCode: 204, headers: { ...BASE_HEADERS, ...headers } };
}

export function errorResponse(statusCode: number, code: string, message: string, headers: HttpHeaders = {}): HttpResponse {
  const body: ErrorBody = { error: { code, message } };
  return jsonResponse(statusCode, body, headers);
}

/** The ids that tie a 5xx response to its log line. */
export interface RequestIds {
  /** Lambda's request id (`context.awsRequestId`). */
  readonly awsRequestId: string;
  /** API Gateway's request id (`event.requestContext.requestId`), which API Gateway's access log shows. */
  readonly apiRequestId?: string;
}

/** The part of a logger the error mapping needs (Powertools' Logger satisfies it). */
export interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
}

/** 500 for an unexpected error: logs it with the request ids, returns only a reference to the caller. */
export function internalErrorResponse(error: unknown, ids: RequestIds, log: ErrorLogger): HttpResponse {
  const reference = ids.apiRequestId ?? ids.awsRequestId;
  log.error("Unhandled error while handling an HTTP request", {
    awsRequestId: ids.awsRequestId,
    apiRequestId: ids.apiRequestId,
    error: error instanceof Error ? error : new Error(String(error)),
  });
  return errorResponse(500, "InternalError", `The request could not be completed. Reference: ${reference}`);
}

/** Maps anything a handler threw to a response: HttpError to its 4xx, everything else to a logged 500. */
export function errorToResponse(error: unknown, ids: RequestIds, log: ErrorLogger): HttpResponse {
  if (error instanceof HttpError) return errorResponse(error.statusCode, error.code, error.message, error.headers);
  return internalErrorResponse(error, ids, log);
}

/** A header's value, looked up case-insensitively (HTTP API lower-cases names, test events may not). */
export function getHeader(headers: Readonly<Record<string, string | undefined>> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * The path a request addresses, without the stage prefix API Gateway keeps in `rawPath` for named stages,
 * and without a trailing slash.
 */
export function requestPath(rawPath: string, stage: string | undefined): string {
  let path = rawPath === "" ? "/" : rawPath;
  if (stage !== undefined && stage !== "$default") {
    const prefix = `/${stage}`;
    if (path === prefix) path = "/";
    else if (path.startsWith(`${prefix}/`)) path = path.slice(prefix.length);
  }
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}
