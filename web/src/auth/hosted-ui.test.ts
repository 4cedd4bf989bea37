import type { HostedUiAuth } from "../config";
import { HostedUiContext, PKCE_STORAGE_KEY, beginSignIn, completeSignIn, logoutUrl, refreshHostedUi } from "./hosted-ui";
import { codeChallenge } from "./pkce";
import { fakeJwt } from "./jwt.test-support";

const auth: HostedUiAuth = {
  mode: "hosted-ui",
  domain: "https://p.auth.eu-west-1.amazoncognito.com",
  scopes: ["openid", "email"],
  redirectPath: "/auth/callback",
  logoutPath: "/",
};

function context(fetcher?: typeof fetch): HostedUiContext & { store: Map<string, string> } {
  const store = new Map<string, string>();
  return {
    store,
    auth,
    clientId: "client1",
    origin: "https://app.example.com",
    fetcher,
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
  };
}

describe("hosted UI: authorization code flow with PKCE", () => {
  it("sends the browser to /oauth2/authorize with an S256 challenge of the verifier it keeps for the round trip", async () => {
    const ctx = context();
    const url = new URL(await beginSignIn(ctx, "/files"));
    expect(`${url.origin}${url.pathname}`).toBe("https://p.auth.eu-west-1.amazoncognito.com/oauth2/authorize");
    const p = url.searchParams;
    expect(Object.fromEntries(p)).toMatchObject({
      response_type: "code",
      client_id: "client1",
      redirect_uri: "https://app.example.com/auth/callback",
      scope: "openid email",
      code_challenge_method: "S256",
    });
    const pending = JSON.parse(ctx.store.get(PKCE_STORAGE_KEY) ?? "{}");
    expect(pending.state).toBe(p.get("state"));
    expect(p.get("code_challenge")).toBe(await codeChallenge(pending.verifier));
    expect(pending.returnTo).toBe("/files");
  });

  it("exchanges the code with the stored verifier at /oauth2/token and forgets the verifier", async () => {
    const posted: Array<{ url: string; body: string }> = [];
    const idToken = fakeJwt({ exp: Math.floor(Date.now() / 1000) + 3600, email: "a@b.c" });
    const ctx = context((async (url: string, init: RequestInit) => {
      posted.push({ url, body: String(init.body) });
      return Response.json({ id_token: idToken, access_token: "acc", refresh_token: "ref", expires_in: 3600, token_type: "Bearer" });
    }) as unknown as typeof fetch);
    const url = new URL(await beginSignIn(ctx, "/activity"));
    const { verifier } = JSON.parse(ctx.store.get(PKCE_STORAGE_KEY) ?? "{}");
    const out = await completeSignIn(ctx, `?code=CODE&state=${url.searchParams.get("state")}`);
    expect(out.returnTo).toBe("/activity");
    expect(out.tokens).toMatchObject({ idToken, accessToken: "acc", refreshToken: "ref" });
    expect(posted[0].url).toBe("https://p.auth.eu-west-1.amazoncognito.com/oauth2/token");
    expect(Object.fromEntries(new URLSearchParams(posted[0].body))).toEqual({
      grant_type: "authorization_code",
      client_id: "client1",
      code: "CODE",
      redirect_uri: "https://app.example.com/auth/callback",
      code_verifier: verifier,
    });
    expect(ctx.store.has(PKCE_STORAGE_KEY)).toBe(false);
  });

  it("refuses a callback whose state is not the one this tab started, without calling the token endpoint", async () => {
    const fetcher = jest.fn();
    const ctx = context(fetcher as unknown as typeof fetch);
    await beginSignIn(ctx, "/profile");
    await expect(completeSignIn(ctx, "?code=C&state=forged")).rejects.toThrow(/state mismatch/);
    await expect(completeSignIn(ctx, "?code=C&state=x")).rejects.toThrow(/No sign-in was started/);
    await expect(completeSignIn(ctx, "?error=access_denied&error_description=nope")).rejects.toThrow(/access_denied \(nope\)/);
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("refreshes with the refresh_token grant, keeping the refresh token when none is returned", async () => {
    let body = "";
    const idToken = fakeJwt({ exp: 2_000_000_000 });
    const ctx = context((async (_u: string, init: RequestInit) => {
      body = String(init.body);
      return Response.json({ id_token: idToken, access_token: "acc2", expires_in: 3600 });
    }) as unknown as typeof fetch);
    const t = await refreshHostedUi(ctx, "REF");
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ grant_type: "refresh_token", client_id: "client1", refresh_token: "REF" });
    expect(t.refreshToken).toBe("REF");
  });

  it("shows the token endpoint's error", async () => {
    const ctx = context((async () => Response.json({ error: "invalid_grant" }, { status: 400 })) as unknown as typeof fetch);
    await expect(refreshHostedUi(ctx, "REF")).rejects.toThrow(/invalid_grant/);
  });

  it("signs out through Cognito's /logout with client_id and logout_uri", () => {
    const url = new URL(logoutUrl(context()));
    expect(url.pathname).toBe("/logout");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "client1", logout_uri: "https://app.example.com/" });
  });
});
