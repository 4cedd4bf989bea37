/** JWT authorizers: which tokens reach the function, what the others get back, and the claims passed on. */
import type { JwtAuthorizerConfig } from "./config";
import { route, startIssuer, startTestApi, TEST_ISSUER, type TestApi, type TestIssuer } from "./test-harness";

const CLIENT_ID = "client-abc";
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const T0_SECONDS = T0 / 1000;

const authorizer: JwtAuthorizerConfig = {
  id: "auth1",
  name: "cognito",
  issuer: TEST_ISSUER,
  audience: [CLIENT_ID],
  identitySource: "$request.header.Authorization",
};

describe("JWT authorizer", () => {
  let issuer: TestIssuer;
  let t: TestApi;
  let now = T0;

  beforeAll(async () => {
    issuer = await startIssuer(() => T0_SECONDS);
    t = await startTestApi(
      {
        authorizers: [authorizer],
        routes: [
          route("GET /me", { authorizationType: "JWT", authorizerId: "auth1" }),
          route("GET /admin", { authorizationType: "JWT", authorizerId: "auth1", authorizationScopes: ["admin", "root"] }),
          route("GET /public"),
        ],
      },
      { jwksUrl: issuer.jwksUrl, now: () => now },
    );
  });
  afterAll(async () => {
    await t.api.close();
    await issuer.close();
  });
  beforeEach(() => {
    now = T0;
    t.invoke.mockClear();
  });

  function call(path: string, authorization?: string): Promise<Response> {
    return fetch(`${t.api.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  }

  /** Asserts a 401 with the given www-authenticate and that no function ran. */
  async function expectUnauthorized(res: Response, challenge: string | RegExp): Promise<void> {
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Unauthorized" });
    if (typeof challenge === "string") expect(res.headers.get("www-authenticate")).toBe(challenge);
    else expect(res.headers.get("www-authenticate")).toMatch(challenge);
    expect(t.invoke).not.toHaveBeenCalled();
  }

  const invalidToken = (description: string) => `Bearer scope="" error="invalid_token" error_description="${description}"`;

  it("answers a request without a token 401 with www-authenticate: Bearer", async () => {
    await expectUnauthorized(await call("/me"), "Bearer");
    await expectUnauthorized(await call("/me", "Bearer "), "Bearer");
  });

  it("lets a valid token through, with or without the Bearer prefix", async () => {
    const token = await issuer.sign({ sub: "user-1", client_id: CLIENT_ID });
    expect((await call("/me", `Bearer ${token}`)).status).toBe(200);
    expect((await call("/me", token)).status).toBe(200);
    expect(t.invoke).toHaveBeenCalledTimes(2);
  });

  it("accepts client_id as the audience when the token has no aud (Cognito access tokens)", async () => {
    expect((await call("/me", `Bearer ${await issuer.sign({ client_id: CLIENT_ID })}`)).status).toBe(200);
  });

  it("judges aud, not client_id, when the token has both, and refuses an audience not configured", async () => {
    const wrongAud = await issuer.sign({ aud: "someone-else", client_id: CLIENT_ID });
    await expectUnauthorized(await call("/me", `Bearer ${wrongAud}`), invalidToken("the token does not have a valid audience"));
    await expectUnauthorized(await call("/me", `Bearer ${await issuer.sign({ client_id: "other-client" })}`), invalidToken("the token does not have a valid audience"));
    expect((await call("/me", `Bearer ${await issuer.sign({ aud: ["x", CLIENT_ID] })}`)).status).toBe(200);
  });

  it("refuses a malformed token", async () => {
    await expectUnauthorized(await call("/me", "Bearer not-a-jwt"), invalidToken("the token is malformed"));
  });

  it("refuses an expired token, and accepts it again within the clock tolerance", async () => {
    const token = await issuer.sign({ client_id: CLIENT_ID, exp: T0_SECONDS + 60 });
    now = T0 + 70_000;
    await expectUnauthorized(await call("/me", `Bearer ${token}`), invalidToken("the token has expired"));
    now = T0 + 62_000;
    expect((await call("/me", `Bearer ${token}`)).status).toBe(200);
  });

  it("refuses a token not valid yet (nbf) and one without exp", async () => {
    await expectUnauthorized(await call("/me", `Bearer ${await issuer.sign({ client_id: CLIENT_ID, nbf: T0_SECONDS + 600 })}`), invalidToken("the token is not valid yet"));
    await expectUnauthorized(await call("/me", `Bearer ${await issuer.sign({ client_id: CLIENT_ID, exp: undefined })}`), invalidToken("the token does not have an exp claim"));
  });

  it("refuses a token from another issuer", async () => {
    const token = await issuer.sign({ client_id: CLIENT_ID, iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" });
    await expectUnauthorized(await call("/me", `Bearer ${token}`), invalidToken("the token does not have a valid issuer"));
  });

  it("refuses a token signed by a key the issuer does not publish, under its kid or another", async () => {
    const forged = await issuer.sign({ client_id: CLIENT_ID }, { key: issuer.foreignKey });
    await expectUnauthorized(await call("/me", `Bearer ${forged}`), invalidToken("the token signature is invalid"));
    const unknownKid = await issuer.sign({ client_id: CLIENT_ID }, { key: issuer.foreignKey, kid: "other-key" });
    await expectUnauthorized(await call("/me", `Bearer ${unknownKid}`), invalidToken("no key of the issuer's JWKS matches the token's kid"));
  });

  it("refuses a token that is not RSA-signed", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "HS256", kid: "test-key-1" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ client_id: CLIENT_ID, iss: TEST_ISSUER, exp: T0_SECONDS + 60 })).toString("base64url");
    await expectUnauthorized(await call("/me", `Bearer ${header}.${payload}.c2ln`), invalidToken("signing method HS256 is invalid"));
  });

  it("answers 403 when the token has none of the route's scopes, and lets one matching scope through", async () => {
    const userToken = await issuer.sign({ client_id: CLIENT_ID, scope: "openid profile" });
    const res = await call("/admin", `Bearer ${userToken}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: "Forbidden" });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer scope="admin root" error="insufficient_scope"/);
    expect(t.invoke).not.toHaveBeenCalled();

    const adminToken = await issuer.sign({ client_id: CLIENT_ID, scope: "openid root" });
    expect((await call("/admin", `Bearer ${adminToken}`)).status).toBe(200);
    expect(t.event().requestContext.authorizer.jwt.scopes).toEqual(["openid", "root"]);
  });

  it("passes the claims to the function stringified as API Gateway does, with scopes null on a route without scopes", async () => {
    const token = await issuer.sign({
      sub: "user-1",
      client_id: CLIENT_ID,
      token_use: "access",
      auth_time: 1704110000,
      "cognito:groups": ["admin", "users"],
      email_verified: true,
      address: { street: "Main", city: "Town" },
    });
    expect((await call("/me", `Bearer ${token}`)).status).toBe(200);
    expect(t.event().requestContext.authorizer).toEqual({
      jwt: {
        claims: {
          iss: TEST_ISSUER,
          exp: String(T0_SECONDS + 3600),
          sub: "user-1",
          client_id: CLIENT_ID,
          token_use: "access",
          auth_time: "1704110000",
          "cognito:groups": "[admin users]",
          email_verified: "true",
          address: "map[city:Town street:Main]",
        },
        scopes: null,
      },
    });
  });

  it("leaves routes without authorization open", async () => {
    expect((await call("/public")).status).toBe(200);
    expect(t.event().requestContext).not.toHaveProperty("authorizer");
  });

  it("caches the issuer's JWKS instead of fetching it per request", async () => {
    expect((await call("/me", `Bearer ${await issuer.sign({ client_id: CLIENT_ID })}`)).status).toBe(200);
    const fetched = issuer.jwksFetches();
    for (let i = 0; i < 3; i++) expect((await call("/me", `Bearer ${await issuer.sign({ client_id: CLIENT_ID })}`)).status).toBe(200);
    expect(fetched).toBeGreaterThanOrEqual(1);
    expect(issuer.jwksFetches()).toBe(fetched);
  });

  it("answers 500 and logs why when the issuer's JWKS cannot be read, rather than blaming the token", async () => {
    const unreachable = await startTestApi(
      { authorizers: [authorizer], routes: [route("GET /me", { authorizationType: "JWT", authorizerId: "auth1" })] },
      { jwksUrl: () => "http://127.0.0.1:9/jwks.json", now: () => now },
    );
    try {
      const res = await fetch(`${unreachable.api.url}/me`, { headers: { authorization: `Bearer ${await issuer.sign({ client_id: CLIENT_ID })}` } });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: "Internal Server Error" });
      expect(unreachable.log.lines.error.join("\n")).toMatch(/cannot verify tokens of https:\/\/cognito-idp.*JWKS http:\/\/127\.0\.0\.1:9\/jwks\.json/);
      expect(unreachable.invoke).not.toHaveBeenCalled();
    } finally {
      await unreachable.api.close();
    }
  });
});
