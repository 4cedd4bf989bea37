/**
 * The web app's security headers, as pure functions: the distribution's response headers policy
 * (modules/cdn) and the local web server send the same values, only with different origins.
 *
 *   securityHeaders({ connectSrc: [hostedUi, filesOrigin], imgSrc: [filesOrigin], formAction: [hostedUi] })
 *
 * The API is same-origin behind `/api` (CloudFront routes it; the local server does too), so `'self'` covers it.
 */

/** HSTS max-age: two years (the preload list asks for at least one). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;
export const REFERRER_POLICY = "strict-origin-when-cross-origin";
export const FRAME_OPTIONS = "DENY";

export interface ContentSecurityPolicyProps {
  /** origins the app calls besides itself: the user pool's hosted-UI domain (token endpoint), the files bucket (uploads) */
  connectSrc: string[];
  /** origins images load from besides itself and `data:`: the files bucket (presigned GETs of avatars) */
  imgSrc: string[];
  /** origins a form may post to besides itself: the hosted UI (sign-in / sign-out) @default [] */
  formAction?: string[];
}

function sources(base: string[], extra: string[] | undefined): string {
  const all: string[] = [];
  for (const s of [...base, ...(extra ?? [])]) {
    const v = s.trim();
    if (v && !all.includes(v)) all.push(v);
  }
  return all.join(" ");
}

/**
 * `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: <imgSrc>; connect-src 'self' <connectSrc>;
 * frame-ancestors 'none'; base-uri 'self'; form-action 'self' <formAction>; object-src 'none'`.
 * No 'unsafe-inline' anywhere: the app ships its scripts and styles as files.
 */
export function contentSecurityPolicy(props: ContentSecurityPolicyProps): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${sources(["'self'", "data:"], props.imgSrc)}`,
    `connect-src ${sources(["'self'"], props.connectSrc)}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action ${sources(["'self'"], props.formAction)}`,
    "object-src 'none'",
  ].join("; ");
}

export interface SecurityHeadersProps extends ContentSecurityPolicyProps {
  /**
   * Send Strict-Transport-Security. Browsers ignore it on plain http, so the local server may leave it out.
   * @default true
   */
  hsts?: boolean;
}

/** The security headers every response of the web app carries (header name → value; names in canonical case). */
export function securityHeaders(props: SecurityHeadersProps): Record<string, string> {
  const headers: Record<string, string> = {};
  if (props.hsts ?? true) headers["Strict-Transport-Security"] = `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload`;
  headers["Content-Security-Policy"] = contentSecurityPolicy(props);
  headers["X-Content-Type-Options"] = "nosniff";
  headers["X-Frame-Options"] = FRAME_OPTIONS;
  headers["Referrer-Policy"] = REFERRER_POLICY;
  return headers;
}
