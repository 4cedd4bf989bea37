/**
 * PKCE (RFC 7636) with the S256 method: a random code verifier and its challenge
 * `BASE64URL(SHA256(ASCII(verifier)))`, through Web Crypto (`crypto.subtle`).
 */

/** base64url without padding (RFC 4648 §5), as RFC 7636 appendix A spells it. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** 32 random bytes → a 43-character verifier (RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]). */
export function randomVerifier(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return base64Url(random(new Uint8Array(32)));
}

/** The S256 code challenge of a verifier. */
export async function codeChallenge(verifier: string): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new Error("PKCE: a code verifier is 43-128 characters of [A-Za-z0-9-._~]");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** An opaque value that ties the callback to the request that started it (CSRF protection). */
export function randomState(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return base64Url(random(new Uint8Array(16)));
}
