/**
 * The distribution's viewer-request CloudFront Functions, one plain cloudfront-js-2.0 file each, and a loader
 * that runs those same files in node (a `vm` context) so the local web server applies identical rules.
 *
 *   const rewrite = loadViewerRequestFunction("api-prefix");
 *   rewrite(viewerRequestEvent("GET", "/api/profiles/me?x=1")).uri  // "/profiles/me"
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Script, createContext } from "node:vm";

export type ViewerRequestFunctionName = "api-prefix" | "spa-fallback";

/** A header, query-string parameter or cookie value as CloudFront Functions see it. */
export interface CloudFrontFunctionValue {
  value: string;
  multiValue?: { value: string }[];
}

/** `event.request` of a cloudfront-js-2.0 viewer-request event (header names lower case). */
export interface CloudFrontFunctionRequest {
  method: string;
  /** path only, starting with `/`, no query string */
  uri: string;
  querystring: Record<string, CloudFrontFunctionValue>;
  headers: Record<string, CloudFrontFunctionValue>;
  cookies: Record<string, CloudFrontFunctionValue>;
}

export interface CloudFrontFunctionEvent {
  version: "1.0";
  context: { eventType: "viewer-request"; distributionDomainName?: string; distributionId?: string; requestId?: string };
  viewer: { ip: string };
  request: CloudFrontFunctionRequest;
}

const FILES: Record<ViewerRequestFunctionName, string> = {
  "api-prefix": "api-prefix.js",
  "spa-fallback": "spa-fallback.js",
};

/** The function's source, as deployed (`aws_cloudfront_function.code`). */
export function viewerRequestFunctionSource(name: ViewerRequestFunctionName): string {
  const file = FILES[name];
  if (!file) throw new Error(`CloudFront function "${name}" is unknown; use one of ${Object.keys(FILES).join(", ")}`);
  return readFileSync(join(__dirname, file), "utf8");
}

const loaded = new Map<ViewerRequestFunctionName, (event: CloudFrontFunctionEvent) => CloudFrontFunctionRequest>();

/**
 * Evaluates the function file in its own `vm` context (no `require`, no `process`: as little as CloudFront
 * gives it) and returns its `handler`. The handler may change `event.request` in place, as in CloudFront.
 */
export function loadViewerRequestFunction(name: ViewerRequestFunctionName): (event: CloudFrontFunctionEvent) => CloudFrontFunctionRequest {
  const cached = loaded.get(name);
  if (cached) return cached;
  const context = createContext({});
  new Script(viewerRequestFunctionSource(name), { filename: FILES[name] }).runInContext(context);
  const handler = (context as { handler?: unknown }).handler;
  if (typeof handler !== "function") throw new Error(`CloudFront function ${FILES[name]} defines no top-level function handler(event)`);
  const fn = (event: CloudFrontFunctionEvent): CloudFrontFunctionRequest => {
    const result = (handler as (e: CloudFrontFunctionEvent) => unknown)(event);
    if (!result || typeof result !== "object" || typeof (result as CloudFrontFunctionRequest).uri !== "string") {
      throw new Error(`CloudFront function ${FILES[name]} returned no request (a response object is not supported by this loader)`);
    }
    return result as CloudFrontFunctionRequest;
  };
  loaded.set(name, fn);
  return fn;
}

/**
 * Builds a viewer-request event from a method, a path with an optional query string (`/api/files?limit=5`) and
 * node-style headers, as CloudFront would present it (lower-case header names, decoded query values).
 */
export function viewerRequestEvent(method: string, pathWithQuery: string, headers: Record<string, string | string[] | undefined> = {}, ip = "127.0.0.1"): CloudFrontFunctionEvent {
  const q = pathWithQuery.indexOf("?");
  const uri = q === -1 ? pathWithQuery : pathWithQuery.slice(0, q);
  const querystring: Record<string, CloudFrontFunctionValue> = {};
  if (q !== -1) {
    for (const [k, v] of new URLSearchParams(pathWithQuery.slice(q + 1))) {
      const existing = querystring[k];
      if (existing) existing.multiValue = [...(existing.multiValue ?? [{ value: existing.value }]), { value: v }];
      else querystring[k] = { value: v };
    }
  }
  const hs: Record<string, CloudFrontFunctionValue> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    if (values.length === 0) continue;
    hs[k.toLowerCase()] = values.length === 1 ? { value: values[0] } : { value: values[0], multiValue: values.map((value) => ({ value })) };
  }
  return {
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip },
    request: { method: method.toUpperCase(), uri: uri || "/", querystring, headers: hs, cookies: {} },
  };
}

/** The request's path and query string again (`/profiles/me?x=1`), for forwarding it after the function ran. */
export function requestPathWithQuery(request: CloudFrontFunctionRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(request.querystring)) {
    for (const { value } of v.multiValue ?? [{ value: v.value }]) params.append(k, value);
  }
  const qs = params.toString();
  return qs ? `${request.uri}?${qs}` : request.uri;
}
