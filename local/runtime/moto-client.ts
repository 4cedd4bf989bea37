/**
 * The runtime's own calls to moto (function configuration, Cognito users): plain HTTP with a SigV4-shaped
 * Authorization header that names the service (moto routes by it and checks no signature). They go straight to moto,
 * never through the local endpoint, so they are not part of what Terraform deployed.
 */
import { LOCAL_AWS } from "./types";

export class MotoCallError extends Error {
  constructor(
    public readonly status: number,
    public readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface MotoCall {
  readonly service: string;
  readonly method?: string;
  readonly path?: string;
  /** X-Amz-Target of a JSON-protocol call; the body is then JSON. */
  readonly target?: string;
  readonly body?: unknown;
}

/** An Authorization header naming the service in its credential scope (what moto and the local endpoint route by). */
export function scopedAuthorization(service: string): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, "");
  return `AWS4-HMAC-SHA256 Credential=${LOCAL_AWS.credentials.accessKeyId}/${day}/${LOCAL_AWS.region}/${service}/aws4_request, SignedHeaders=host, Signature=local`;
}

/** Calls moto and returns the parsed JSON answer; a non-2xx answer throws a MotoCallError with AWS's error type. */
export async function callMoto<T = Record<string, unknown>>(moto: string, call: MotoCall): Promise<T> {
  const headers: Record<string, string> = { authorization: scopedAuthorization(call.service) };
  if (call.target !== undefined) {
    headers["x-amz-target"] = call.target;
    headers["content-type"] = "application/x-amz-json-1.1";
  } else if (call.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(new URL(call.path ?? "/", moto), {
    method: call.method ?? "POST",
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) {
    const p = parsed as Record<string, unknown>;
    const type = String(res.headers.get("x-amzn-errortype") ?? p.__type ?? p.Type ?? "UnknownError").split(":")[0];
    throw new MotoCallError(res.status, type, String(p.message ?? p.Message ?? text).slice(0, 500));
  }
  return parsed as T;
}
