import { base64Url } from "./pkce";

/** An unsigned JWT with the given payload, for tests (the app never verifies signatures; the API does). */
export function fakeJwt(payload: Record<string, unknown>): string {
  const b64 = (o: unknown): string => base64Url(new TextEncoder().encode(JSON.stringify(o)));
  return `${b64({ alg: "RS256", kid: "k" })}.${b64(payload)}.c2ln`;
}
