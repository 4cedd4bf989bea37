/**
 * The app's runtime configuration: `/config.json`, uploaded per environment by the stack (static-site) and generated
 * by the local web server from the local deployment. Validated once at start; a bad file gets a clear error screen.
 */
import * as z from "zod/mini";

export interface HostedUiAuth {
  readonly mode: "hosted-ui";
  /** `https://<prefix>.auth.<region>.amazoncognito.com` (no trailing slash). */
  readonly domain: string;
  readonly scopes: readonly string[];
  readonly redirectPath: "/auth/callback";
  readonly logoutPath: "/";
}

/** Local only: a username/password form against the user pool's JSON API, proxied on the app's own origin. */
export interface PasswordAuth {
  readonly mode: "password";
  /** e.g. "/_local/cognito" (same origin, so no CORS). */
  readonly cognitoEndpoint: string;
}

export interface WebConfig {
  /** "/api": CloudFront (or the local server) strips it and forwards to the HTTP API. */
  readonly apiBaseUrl: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly auth: HostedUiAuth | PasswordAuth;
  /** Origin of the files bucket (presigned uploads and downloads go there). */
  readonly filesOrigin: string;
}

const nonEmpty = z.string().check(z.minLength(1, { error: "must not be empty" }));
const url = z.string().check(z.refine((s: string) => /^https?:\/\/[^/\s]+$/.test(s), { error: "must be an origin like https://host (no path, no trailing slash)" }));
const path = z.string().check(z.refine((s: string) => /^\/[^\s]*$/.test(s), { error: "must be a path that starts with /" }));

const hostedUi = z.strictObject({
  mode: z.literal("hosted-ui"),
  domain: url,
  scopes: z.array(nonEmpty).check(z.minLength(1, { error: "must list at least one scope" })),
  redirectPath: z.literal("/auth/callback"),
  logoutPath: z.literal("/"),
});
const password = z.strictObject({ mode: z.literal("password"), cognitoEndpoint: path });

export const webConfigSchema = z.strictObject({
  apiBaseUrl: z
    .string()
    .check(z.refine((s: string) => /^(\/[^\s]*|https?:\/\/\S+)$/.test(s) && !s.endsWith("/"), { error: "must be a path like /api or an absolute URL, without a trailing slash" })),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region like eu-west-1" })),
  userPoolId: z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/, { error: "must be a user pool id like eu-west-1_AbC123" })),
  userPoolClientId: nonEmpty,
  auth: z.discriminatedUnion("mode", [hostedUi, password]),
  filesOrigin: url,
});

export type ConfigResult = { readonly ok: true; readonly config: WebConfig } | { readonly ok: false; readonly problems: readonly string[] };

/** Validates a parsed config.json; every problem is named by its field. */
export function parseWebConfig(input: unknown): ConfigResult {
  const parsed = webConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data as WebConfig };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.length === 0 ? "config" : i.path.map(String).join(".")}: ${i.message}`),
  };
}

/** Fetches and validates `/config.json`. Never throws: a network or parse failure is a problem too. */
export async function loadWebConfig(fetcher: typeof fetch = fetch, url = "/config.json"): Promise<ConfigResult> {
  let res: Response;
  try {
    res = await fetcher(url);
  } catch (err) {
    return { ok: false, problems: [`${url} could not be fetched: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (!res.ok) return { ok: false, problems: [`${url} answered HTTP ${res.status}`] };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, problems: [`${url} is not valid JSON`] };
  }
  return parseWebConfig(body);
}
