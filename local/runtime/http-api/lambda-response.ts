import { validateHeaderName, validateHeaderValue } from "node:http";
import type { GatewayResponse } from "./gateway-response";

/** A function result that cannot be turned into an HTTP response (API Gateway answers 500). */
export class MalformedLambdaResponse extends Error {}

/** Headers the gateway computes itself; a function's values for them are dropped. */
const GATEWAY_OWNED_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function responseHeaders(headers: unknown): Record<string, string | string[]> {
  if (headers === undefined || headers === null) return {};
  if (!isRecord(headers)) throw new MalformedLambdaResponse("headers must be an object");
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new MalformedLambdaResponse(`header "${name}" must be a string, number or boolean`);
    }
    const lower = name.toLowerCase();
    try {
      validateHeaderName(lower);
      validateHeaderValue(lower, String(value));
    } catch (err) {
      throw new MalformedLambdaResponse(`header "${name}": ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!GATEWAY_OWNED_HEADERS.has(lower)) result[lower] = String(value);
  }
  return result;
}

function responseCookies(cookies: unknown): string[] {
  if (cookies === undefined || cookies === null) return [];
  if (!Array.isArray(cookies) || cookies.some((cookie) => typeof cookie !== "string")) {
    throw new MalformedLambdaResponse("cookies must be an array of strings");
  }
  for (const cookie of cookies as string[]) {
    try {
      validateHeaderValue("set-cookie", cookie);
    } catch (err) {
      throw new MalformedLambdaResponse(`cookie: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return cookies as string[];
}

function structuredResponse(result: Record<string, unknown>): GatewayResponse {
  const { statusCode, body, isBase64Encoded } = result;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedLambdaResponse(`statusCode must be an integer from 100 to 599, got ${JSON.stringify(statusCode)}`);
  }
  if (body !== undefined && body !== null && typeof body !== "string") {
    throw new MalformedLambdaResponse(`body must be a string, got ${Array.isArray(body) ? "array" : typeof body}`);
  }
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== "boolean") {
    throw new MalformedLambdaResponse("isBase64Encoded must be a boolean");
  }
  const headers = responseHeaders(result.headers);
  const cookies = responseCookies(result.cookies);
  if (cookies.length > 0) {
    const fromHeaders = headers["set-cookie"];
    headers["set-cookie"] = fromHeaders === undefined ? cookies : [...[fromHeaders].flat(), ...cookies];
  }
  const text = body ?? "";
  return { statusCode, headers, body: isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8") };
}

/**
 * The HTTP response for a function's result, under payload format 2.0: an object with `statusCode`
 * is a structured response (`headers`, `cookies`, `body`, `isBase64Encoded`); any other result is
 * taken as the JSON body of a 200 `application/json` response.
 * @throws MalformedLambdaResponse when a structured response is unusable
 */
export function mapLambdaResult(result: unknown): GatewayResponse {
  if (isRecord(result) && result.statusCode !== undefined) return structuredResponse(result);
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: Buffer.from(JSON.stringify(result ?? null)),
  };
}
