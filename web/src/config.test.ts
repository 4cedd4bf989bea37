import { loadWebConfig, parseWebConfig } from "./config";

const local = {
  apiBaseUrl: "/api",
  region: "us-east-1",
  userPoolId: "us-east-1_abc123",
  userPoolClientId: "client123",
  auth: { mode: "password", cognitoEndpoint: "/_local/cognito" },
  filesOrigin: "http://127.0.0.1:4566",
};
const hosted = {
  ...local,
  region: "eu-west-1",
  userPoolId: "eu-west-1_AbC123",
  auth: { mode: "hosted-ui", domain: "https://platform-dev.auth.eu-west-1.amazoncognito.com", scopes: ["openid", "email"], redirectPath: "/auth/callback", logoutPath: "/" },
  filesOrigin: "https://platform-dev-files.s3.eu-west-1.amazonaws.com",
};

describe("config.json", () => {
  it("accepts the local (password) and the AWS (hosted UI) shapes", () => {
    expect(parseWebConfig(local)).toEqual({ ok: true, config: local });
    expect(parseWebConfig(hosted)).toEqual({ ok: true, config: hosted });
  });

  it("names every wrong field", () => {
    const result = parseWebConfig({ ...hosted, region: "Europe", apiBaseUrl: "/api/", auth: { ...hosted.auth, domain: "https://x.example/path", scopes: [] } });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.join("\n");
    expect(problems).toMatch(/^region: must be an AWS region/m);
    expect(problems).toMatch(/^apiBaseUrl: .*trailing slash/m);
    expect(problems).toMatch(/^auth\.domain: must be an origin/m);
    expect(problems).toMatch(/^auth\.scopes: must list at least one scope/m);
  });

  it("refuses an unknown auth mode, unknown fields and a missing field", () => {
    expect(parseWebConfig({ ...local, auth: { mode: "magic" } }).ok).toBe(false);
    expect(parseWebConfig({ ...local, extra: 1 }).ok).toBe(false);
    const { userPoolClientId: _omit, ...missing } = local;
    const r = parseWebConfig(missing);
    expect(r.ok ? [] : r.problems).toEqual([expect.stringMatching(/^userPoolClientId: /)]);
  });

  it("turns a failed fetch, an HTTP error and invalid JSON into problems instead of throwing", async () => {
    const fail = (async () => {
      throw new TypeError("offline");
    }) as unknown as typeof fetch;
    expect(await loadWebConfig(fail)).toEqual({ ok: false, problems: ["/config.json could not be fetched: offline"] });
    expect(await loadWebConfig((async () => new Response("nope", { status: 404 })) as typeof fetch)).toEqual({ ok: false, problems: ["/config.json answered HTTP 404"] });
    expect(await loadWebConfig((async () => new Response("{")) as typeof fetch)).toEqual({ ok: false, problems: ["/config.json is not valid JSON"] });
    expect(await loadWebConfig((async () => Response.json(local)) as typeof fetch)).toEqual({ ok: true, config: local });
  });
});
