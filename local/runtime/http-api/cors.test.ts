/** CORS: preflights answered by the API itself, and the configured headers on every other response. */
import type { HttpApiCorsConfig } from "./config";
import { okOutcome, route, startTestApi, type TestApi } from "./test-harness";

const cors: HttpApiCorsConfig = {
  allowOrigins: ["https://app.example.com", "http://*"],
  allowMethods: ["GET", "POST"],
  allowHeaders: ["authorization", "content-type"],
  exposeHeaders: ["x-total"],
  maxAgeSeconds: 300,
  allowCredentials: true,
};

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
}

describe("CORS configured", () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({
      cors,
      authorizers: [{ id: "a", name: "a", issuer: "https://issuer", audience: ["x"], identitySource: "$request.header.Authorization" }],
      routes: [route("ANY /items/{proxy+}", { authorizationType: "JWT", authorizerId: "a" }), route("GET /open")],
    });
  });
  afterAll(() => t.api.close());
  beforeEach(() => t.invoke.mockClear());

  it("answers a preflight from an allowed origin 204 with the configured headers, without the function or authorizer", async () => {
    const res = await preflight(`${t.api.url}/items/1`, "https://app.example.com");
    expect(res.status).toBe(204);
    expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith("access-control-")))).toEqual({
      "access-control-allow-origin": "https://app.example.com",
      "access-control-allow-methods": "GET,POST",
      "access-control-allow-headers": "authorization,content-type",
      "access-control-max-age": "300",
      "access-control-allow-credentials": "true",
    });
    expect(res.headers.get("apigw-requestid")).not.toBeNull();
    expect(t.invoke).not.toHaveBeenCalled();
  });

  it('answers preflights on paths without any route, and matches a scheme wildcard origin ("http://*")', async () => {
    const res = await preflight(`${t.api.url}/no/route/here`, "http://localhost:5173");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  it("answers a preflight from a disallowed origin 204 without CORS headers", async () => {
    const res = await preflight(`${t.api.url}/items/1`, "https://evil.example.net");
    expect(res.status).toBe(204);
    expect([...res.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });

  it("sets the configured CORS headers on a function's response, replacing the function's own", async () => {
    t.invoke.mockResolvedValueOnce(okOutcome({ statusCode: 200, headers: { "access-control-allow-origin": "*", "access-control-max-age": "1" }, body: "ok" }));
    const res = await fetch(`${t.api.url}/open`, { headers: { origin: "https://app.example.com" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-expose-headers")).toBe("x-total");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-max-age")).toBeNull();
  });

  it("sets them on the gateway's own errors too, so a browser can read a 401", async () => {
    const res = await fetch(`${t.api.url}/items/1`, { headers: { origin: "https://app.example.com" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  it("drops the function's CORS headers and adds none for a disallowed origin", async () => {
    t.invoke.mockResolvedValueOnce(okOutcome({ statusCode: 200, headers: { "access-control-allow-origin": "*" }, body: "ok" }));
    const res = await fetch(`${t.api.url}/open`, { headers: { origin: "https://evil.example.net" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it('answers allowOrigins ["*"] with access-control-allow-origin: *', async () => {
    const star = await startTestApi({ cors: { ...cors, allowOrigins: ["*"], allowCredentials: undefined }, routes: [route("GET /x")] });
    try {
      const res = await preflight(`${star.api.url}/x`, "https://anywhere.example");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
    } finally {
      await star.api.close();
    }
  });
});

describe("CORS not configured", () => {
  it("routes OPTIONS like any other method and leaves the function's CORS headers alone", async () => {
    const t = await startTestApi({ routes: [route("OPTIONS /items"), route("GET /items")] });
    try {
      t.invoke.mockResolvedValue(okOutcome({ statusCode: 200, headers: { "access-control-allow-origin": "*" }, body: "mine" }));
      const res = await preflight(`${t.api.url}/items`, "https://app.example.com");
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("mine");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(t.invoke).toHaveBeenCalledWith("fn:OPTIONS /items", expect.anything());
    } finally {
      await t.api.close();
    }
  });
});
