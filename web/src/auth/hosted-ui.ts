/**
 * Hosted-UI mode: OAuth 2.0 authorization code flow with PKCE (S256) against the user pool's domain.
 * The state and the code verifier live in sessionStorage only for the redirect round trip (removed on the way back);
 * tokens are kept in memory by the session.
 */
import type { HostedUiAuth } from "../config";
import { codeChallenge, randomState, randomVerifier } from "./pkce";
import { Tokens, expiryOf } from "./tokens";

export const PKCE_STORAGE_KEY = "platform.pkce";

interface PendingLogin {
  readonly state: string;
  readonly verifier: string;
  /** Where to go after sign-in. */
  readonly returnTo: string;
}

/** What a storage must offer (sessionStorage in the browser, a Map-backed fake in tests). */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface HostedUiContext {
  readonly auth: HostedUiAuth;
  readonly clientId: string;
  /** `location.origin` of the app. */
  readonly origin: string;
  readonly storage: KeyValueStorage;
  readonly fetcher?: typeof fetch;
}

export function redirectUri(ctx: Pick<HostedUiContext, "auth" | "origin">): string {
  return `${ctx.origin}${ctx.auth.redirectPath}`;
}

/** The authorize URL (and remembers state + verifier for the callback). */
export async function beginSignIn(ctx: HostedUiContext, returnTo: string): Promise<string> {
  const verifier = randomVerifier();
  const state = randomState();
  const pending: PendingLogin = { state, verifier, returnTo };
  ctx.storage.setItem(PKCE_STORAGE_KEY, JSON.stringify(pending));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: ctx.clientId,
    redirect_uri: redirectUri(ctx),
    scope: ctx.auth.scopes.join(" "),
    state,
    code_challenge_method: "S256",
    code_challenge: await codeChallenge(verifier),
  });
  return `${ctx.auth.domain}/oauth2/authorize?${params.toString()}`;
}

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInError";
  }
}

async function tokenRequest(ctx: HostedUiContext, form: Record<string, string>): Promise<Record<string, unknown>> {
  const fetcher = ctx.fetcher ?? fetch;
  let res: Response;
  try {
    res = await fetcher(`${ctx.auth.domain}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  } catch (err) {
    throw new SignInError(`The sign-in service could not be reached (${err instanceof Error ? err.message : String(err)}).`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new SignInError(`The sign-in service refused the request: ${String(body.error ?? res.status)}${body.error_description ? ` (${String(body.error_description)})` : ""}.`);
  return body;
}

function toTokens(body: Record<string, unknown>, previousRefresh: string | undefined): Tokens {
  const idToken = body.id_token;
  const accessToken = body.access_token;
  if (typeof idToken !== "string" || typeof accessToken !== "string") throw new SignInError("The sign-in service answered without an ID token (is the openid scope requested?).");
  return {
    idToken,
    accessToken,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : previousRefresh,
    expiresAt: expiryOf(idToken, typeof body.expires_in === "number" ? body.expires_in : undefined, Date.now()),
  };
}

/**
 * Handles `/auth/callback?code&state`: checks the state against the stored one, exchanges the code with the stored
 * verifier, and forgets both. Returns the tokens and where to go next.
 */
export async function completeSignIn(ctx: HostedUiContext, search: string): Promise<{ tokens: Tokens; returnTo: string }> {
  const params = new URLSearchParams(search);
  const stored = ctx.storage.getItem(PKCE_STORAGE_KEY);
  ctx.storage.removeItem(PKCE_STORAGE_KEY);
  const error = params.get("error");
  if (error !== null) throw new SignInError(`Sign-in failed: ${error}${params.get("error_description") ? ` (${params.get("error_description")})` : ""}.`);
  const code = params.get("code");
  const state = params.get("state");
  if (code === null || state === null) throw new SignInError("The sign-in callback has no code or state. Start the sign-in again.");
  if (stored === null) throw new SignInError("No sign-in was started from this tab (or it was already completed). Start the sign-in again.");
  const pending = JSON.parse(stored) as PendingLogin;
  if (pending.state !== state) throw new SignInError("The sign-in callback does not match the sign-in this tab started (state mismatch). Start the sign-in again.");
  const body = await tokenRequest(ctx, {
    grant_type: "authorization_code",
    client_id: ctx.clientId,
    code,
    redirect_uri: redirectUri(ctx),
    code_verifier: pending.verifier,
  });
  return { tokens: toTokens(body, undefined), returnTo: pending.returnTo };
}

export async function refreshHostedUi(ctx: HostedUiContext, refreshToken: string): Promise<Tokens> {
  const body = await tokenRequest(ctx, { grant_type: "refresh_token", client_id: ctx.clientId, refresh_token: refreshToken });
  return toTokens(body, refreshToken);
}

/** Cognito's logout endpoint, which ends the hosted UI's session and comes back to `logoutPath`. */
export function logoutUrl(ctx: Pick<HostedUiContext, "auth" | "clientId" | "origin">): string {
  const params = new URLSearchParams({ client_id: ctx.clientId, logout_uri: `${ctx.origin}${ctx.auth.logoutPath}` });
  return `${ctx.auth.domain}/logout?${params.toString()}`;
}
