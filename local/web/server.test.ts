/**
 * The local web server against real local HTTP servers standing in for the HTTP API and the AWS endpoint: the same
 * rules as the distribution (the /api prefix stripped by the api-prefix function, every viewer header but Host
 * forwarded, the SPA fallback, the security headers) and the generated config.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, IncomingHttpHeaders, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWebServer, localWebConfig, startLocalWebServer } from ".";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

function recorder(answer: (seen: Seen) => { status: number; headers?: Record<string, string>; body: string }): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

let api: Awaited<ReturnType<typeof recorder>>;
let aws: Awaited<ReturnType<typeof recorder>>;
let web: LocalWebServer;
let site: string;
const config = localWebConfig({ region: "us-east-1", userPoolId: "us-east-1_Pool1", userPoolClientId: "client1", filesOrigin: "http://127.0.0.1:4566/" });

beforeAll(async () => {
  api = await recorder(() => ({ status: 200, headers: { "content-type": "application/json", etag: '"7"' }, body: '{"ok":true}' }));
  aws = await recorder(() => ({ status: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: '{"AuthenticationResult":{}}' }));
  site = mkdtempSync(join(tmpdir(), "web-site-"));
  writeFileSync(join(site, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(site, "main-ABCD1234.js"), "console.log(1)");
  web = await startLocalWebServer({ port: 0, apiUrl: api.url, awsEndpoint: aws.url, config, site });
});

afterAll(async () => {
  await web?.close();
  await close(api.server);
  await close(aws.server);
  rmSync(site, { recursive: true, force: true });
});

beforeEach(() => {
  api.seen.length = 0;
  aws.seen.length = 0;
});

const at = (path: string): string => `http://127.0.0.1:${web.port}${path}`;

function expectSecurityHeaders(res: Response): void {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self' http://127.0.0.1:4566");
  expect(csp).toContain("img-src 'self' data: http://127.0.0.1:4566");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  // Plain http locally: HSTS would be ignored by browsers, so it is not sent.
  expect(res.headers.get("strict-transport-security")).toBeNull();
}

describe("local web server: /api/* as the distribution routes it", () => {
  it("strips /api, keeps the query string, forwards every viewer header except Host, and answers with the API's response", async () => {
    const res = await fetch(at("/api/profiles/me?days=7&x=a%20b"), {
      method: "PUT",
      headers: { authorization: "Bearer T", "if-match": '"6"', "x-custom": "kept", "content-type": "application/json", origin: "http://localhost:4568" },
      body: '{"displayName":"Ada"}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get("etag")).toBe('"7"');
    expectSecurityHeaders(res);
    const [seen] = api.seen;
    expect(seen.method).toBe("PUT");
    expect(new URL(seen.url, "http://x").pathname).toBe("/profiles/me");
    expect(Object.fromEntries(new URL(seen.url, "http://x").searchParams)).toEqual({ days: "7", x: "a b" });
    expect(seen.body).toBe('{"displayName":"Ada"}');
    expect(seen.headers).toMatchObject({ authorization: "Bearer T", "if-match": '"6"', "x-custom": "kept", origin: "http://localhost:4568" });
    // The viewer's Host (the web origin) is not forwarded: the API sees its own.
    expect(seen.headers.host).toBe(new URL(api.url).host);
    // As CloudFront does, the viewer's address is appended to X-Forwarded-For.
    expect(seen.headers["x-forwarded-for"]).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it("maps /api/ to /; /api alone is not under the distribution's /api/* pattern and is not sent to the API", async () => {
    await fetch(at("/api/"));
    await fetch(at("/api"));
    expect(api.seen.map((s) => s.url)).toEqual(["/"]);
  });

  it("forwards the viewer's query string as sent (not re-encoded), as CloudFront does when the function leaves it alone", async () => {
    await fetch(at("/api/files?cursor=a%20b&flag&x=%2F"));
    expect(api.seen.map((s) => s.url)).toEqual(["/files?cursor=a%20b&flag&x=%2F"]);
  });

  it("does not treat /apiary as an API path (SPA fallback instead)", async () => {
    const res = await fetch(at("/apiary"));
    expect(await res.text()).toContain("<title>app</title>");
    expect(api.seen).toHaveLength(0);
  });

  it("answers 502 with an error body when the API is down", async () => {
    const down = await startLocalWebServer({ port: 0, apiUrl: "http://127.0.0.1:1", awsEndpoint: aws.url, config, site });
    try {
      const res = await fetch(`http://127.0.0.1:${down.port}/api/files`);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BadGateway");
    } finally {
      await down.close();
    }
  });
});

describe("local web server: the site", () => {
  it("serves index.html for extension-less paths (SPA fallback) and for /, never cached", async () => {
    for (const path of ["/", "/profile", "/files", "/auth/callback?code=x&state=y"]) {
      const res = await fetch(at(path));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain("<title>app</title>");
      expectSecurityHeaders(res);
    }
  });

  it("serves hashed assets as immutable, and a missing file (with an extension) as 404, not the app", async () => {
    const js = await fetch(at("/main-ABCD1234.js"));
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = js.headers.get("etag") ?? "";
    expect((await fetch(at("/main-ABCD1234.js"), { headers: { "if-none-match": etag } })).status).toBe(304);
    const missing = await fetch(at("/main-FFFF0000.js"));
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
  });

  it("never serves a file outside the site folder", async () => {
    expect((await fetch(at("/..%2f..%2fetc%2fpasswd.txt"))).status).toBe(404);
    expect((await fetch(at("/%2e%2e/%2e%2e/etc/hosts.txt"))).status).toBe(404);
  });

  it("refuses writes to the static site", async () => {
    const res = await fetch(at("/profile"), { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("serves config.json generated from the deployment: the API under /api, password sign-in through /_local/cognito", async () => {
    const res = await fetch(at("/config.json"));
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.json()).toEqual({
      apiBaseUrl: "/api",
      region: "us-east-1",
      userPoolId: "us-east-1_Pool1",
      userPoolClientId: "client1",
      auth: { mode: "password", cognitoEndpoint: "/_local/cognito" },
      filesOrigin: "http://127.0.0.1:4566",
    });
  });

  it("refuses to generate a config.json the app would refuse", () => {
    expect(() => localWebConfig({ region: "us-east-1", userPoolId: "", userPoolClientId: "c", filesOrigin: "http://127.0.0.1:4566" })).toThrow(/userPoolId/);
  });
});

describe("local web server: /_local/cognito", () => {
  it("forwards the user pool's public operations to the AWS endpoint with their target", async () => {
    const res = await fetch(at("/_local/cognito"), {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth", cookie: "not-forwarded" },
      body: '{"ClientId":"client1"}',
    });
    expect(res.status).toBe(200);
    expect(aws.seen[0]).toMatchObject({ method: "POST", url: "/", body: '{"ClientId":"client1"}' });
    expect(aws.seen[0].headers["x-amz-target"]).toBe("AWSCognitoIdentityProviderService.InitiateAuth");
    expect(aws.seen[0].headers.cookie).toBeUndefined();
  });

  it("refuses administrative operations and other services", async () => {
    for (const target of ["AWSCognitoIdentityProviderService.AdminCreateUser", "DynamoDB_20120810.Scan", ""]) {
      const res = await fetch(at("/_local/cognito"), { method: "POST", headers: { "x-amz-target": target }, body: "{}" });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { __type: string }).__type).toBe("AccessDeniedException");
    }
    expect(aws.seen).toHaveLength(0);
  });
});
