/**
 * Tokens as the app holds them: in memory only (never localStorage), with the ID token's expiry read from its
 * `exp` claim, and the time at which to refresh them (REFRESH_LEEWAY_SECONDS before the earliest expiry).
 */

export interface Tokens {
  /** Sent to the API: its JWT authorizer's audience is the SPA client id, which only the ID token carries as `aud`. */
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch ms at which the ID/access tokens expire. */
  readonly expiresAt: number;
}

/** Refresh this long before the tokens expire. */
export const REFRESH_LEEWAY_SECONDS = 60;
/** Never schedule a refresh sooner than this (a token that is nearly expired already refreshes at once, once). */
export const MIN_REFRESH_DELAY_MS = 1000;

/** The payload of a JWT, without verifying it (the API verifies; the app only reads `exp` and `email`). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (part === undefined) throw new Error("not a JWT (no payload segment)");
  const b64 = part
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(part.length / 4) * 4, "=");
  const binary = atob(b64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw new Error("not a JWT (the payload is not an object)");
  return payload as Record<string, unknown>;
}

/**
 * Expiry of a token set: the ID token's `exp` when it has one, else now + `expiresIn` seconds (what the token endpoint
 * says). The earlier of both when both exist.
 */
export function expiryOf(idToken: string, expiresInSeconds: number | undefined, now: number): number {
  const fromResponse = expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) ? now + expiresInSeconds * 1000 : Number.POSITIVE_INFINITY;
  let fromClaim = Number.POSITIVE_INFINITY;
  try {
    const exp = decodeJwtPayload(idToken).exp;
    if (typeof exp === "number") fromClaim = exp * 1000;
  } catch {
    // an unreadable token: rely on expiresIn
  }
  const at = Math.min(fromResponse, fromClaim);
  return Number.isFinite(at) ? at : now;
}

/** Milliseconds from `now` until the refresh should run: REFRESH_LEEWAY_SECONDS before expiry, never negative. */
export function refreshDelay(expiresAt: number, now: number, leewaySeconds = REFRESH_LEEWAY_SECONDS): number {
  return Math.max(MIN_REFRESH_DELAY_MS, expiresAt - leewaySeconds * 1000 - now);
}

/** The tokens can still be sent (with a few seconds to spare for the request). */
export function isUsable(tokens: Tokens | undefined, now: number): tokens is Tokens {
  return tokens !== undefined && tokens.expiresAt - 5000 > now;
}

/** The signed-in user's e-mail (from the ID token), for the header. */
export function emailOf(tokens: Tokens): string | undefined {
  try {
    const email = decodeJwtPayload(tokens.idToken).email;
    return typeof email === "string" ? email : undefined;
  } catch {
    return undefined;
  }
}
