/** How a function's answer (or failure) becomes the HTTP response, under payload format 2.0. */
import { errorOutcome, okOutcome, route, startTestApi, type TestApi } from "./test-harness";

describe("response mapping", () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({
      routes: [
        route("ANY /fn"),
        route("GET /slow", { timeoutMs: 100 }),
        route("GET /no-integration", { functionArn: undefined }),
        route("GET /v1", { payloadFormatVersion: "1.0" }),
      ],
    });
  });
  afterAll(() => t.api.close());
  beforeEach(() => t.invoke.mockReset());

  function answer(payload: unknown): void {
    t.invoke.mockResolvedValue(okOutcome(payload));
  }

  it("sends a structured result's statusCode, headers and body", async () => {
    answer({ statusCode: 201, headers: { "Content-Type": "text/plain", "X-Count": 3, "X-Flag": true }, body: "created" });
    const res = await fetch(`${t.api.url}/fn`);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("x-count")).toBe("3");
    expect(res.headers.get("x-flag")).toBe("true");
    expect(await res.text()).toBe("created");
  });

  it("decodes a base64 body when isBase64Encoded is true", async () => {
    const bytes = Buffer.from([137, 80, 78, 71, 0, 255]);
    answer({ statusCode: 200, headers: { "content-type": "image/png" }, body: bytes.toString("base64"), isBase64Encoded: true });
    const res = await fetch(`${t.api.url}/fn`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("turns cookies into one Set-Cookie header each", async () => {
    answer({ statusCode: 200, cookies: ["a=1; Path=/", "b=2; HttpOnly"], body: "" });
    const res = await fetch(`${t.api.url}/fn`);
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
  });

  it("infers 200 application/json for a result without statusCode: object, string and number alike", async () => {
    for (const payload of [{ message: "hi", body: "not a field here" }, "hello", 42, [1, 2]]) {
      answer(payload);
      const res = await fetch(`${t.api.url}/fn`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.text()).toBe(JSON.stringify(payload));
    }
  });

  it("answers an empty-bodied status such as 204 without a body", async () => {
    answer({ statusCode: 204 });
    const res = await fetch(`${t.api.url}/fn`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  it("adds an apigw-requestid header that matches requestContext.requestId", async () => {
    answer({ statusCode: 200, body: "x" });
    const res = await fetch(`${t.api.url}/fn`);
    expect(res.headers.get("apigw-requestid")).toBe(t.event().requestContext.requestId);
  });

  it('answers 500 {"message":"Internal Server Error"} when the function fails, and logs the error', async () => {
    t.invoke.mockResolvedValue(errorOutcome("TypeError", "x is undefined"));
    const res = await fetch(`${t.api.url}/fn`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: "Internal Server Error" });
    expect(t.log.lines.warn.at(-1)).toMatch(/fn:ANY \/fn failed with TypeError: x is undefined/);
  });

  it("answers 500 when the function hits its own timeout (a function error, not the integration's)", async () => {
    t.invoke.mockResolvedValue(errorOutcome("Sandbox.Timedout", "Task timed out after 3.00 seconds"));
    expect((await fetch(`${t.api.url}/fn`)).status).toBe(500);
  });

  it("answers 500 when the invocation itself throws", async () => {
    t.invoke.mockRejectedValue(new Error("function not found"));
    expect((await fetch(`${t.api.url}/fn`)).status).toBe(500);
    expect(t.log.lines.error.at(-1)).toMatch(/function not found/);
  });

  it('answers 503 {"message":"Service Unavailable"} when the integration timeout passes first', async () => {
    t.invoke.mockReturnValue(new Promise((resolve) => setTimeout(() => resolve(okOutcome({ statusCode: 200 })), 1000).unref()));
    const started = Date.now();
    const res = await fetch(`${t.api.url}/slow`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: "Service Unavailable" });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("answers 500 for a malformed structured result (bad statusCode, non-string body, bad header)", async () => {
    for (const payload of [{ statusCode: "ok" }, { statusCode: 200, body: { a: 1 } }, { statusCode: 200, headers: { "x-bad": "a\nb" } }]) {
      answer(payload);
      expect((await fetch(`${t.api.url}/fn`)).status).toBe(500);
      expect(t.log.lines.warn.at(-1)).toMatch(/malformed Lambda proxy response/);
    }
  });

  it("answers 500 for a route without an integration and for payload format 1.0, saying so in the log", async () => {
    expect((await fetch(`${t.api.url}/no-integration`)).status).toBe(500);
    expect(t.log.lines.warn.at(-1)).toMatch(/GET \/no-integration: the route has no integration/);
    const res = await fetch(`${t.api.url}/v1`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: "Internal Server Error" });
    expect(t.log.lines.warn.at(-1)).toMatch(/payload format 1\.0 is not emulated/);
    expect(t.invoke).not.toHaveBeenCalled();
  });

  it("writes one access log line per request with method, path, status, latency, request id and route key", async () => {
    answer({ statusCode: 202, body: "" });
    const res = await fetch(`${t.api.url}/fn?x=1`, { method: "POST" });
    const requestId = res.headers.get("apigw-requestid");
    expect(t.log.lines.info.at(-1)).toMatch(new RegExp(`^http-api test-api: POST /fn\\?x=1 202 \\d+ms requestId=${requestId} routeKey=ANY /fn$`));
  });
});
