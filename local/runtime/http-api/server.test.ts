/** The server around the gateway: payload limit, redeployment with update(), and shutdown. */
import { MAX_REQUEST_BODY_BYTES } from "./incoming-request";
import { route, startTestApi } from "./test-harness";

describe("request body limit", () => {
  it('accepts a body of exactly 10 MB and answers 413 {"message":"Request Entity Too Large"} beyond it', async () => {
    const t = await startTestApi({ routes: [route("POST /upload")] });
    try {
      const atLimit = await fetch(`${t.api.url}/upload`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: Buffer.alloc(MAX_REQUEST_BODY_BYTES, 1),
      });
      expect(atLimit.status).toBe(200);
      expect(Buffer.from(t.event().body, "base64").length).toBe(MAX_REQUEST_BODY_BYTES);

      t.invoke.mockClear();
      const tooLarge = await fetch(`${t.api.url}/upload`, { method: "POST", body: Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1, 1) });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toEqual({ message: "Request Entity Too Large" });
      expect(t.invoke).not.toHaveBeenCalled();
    } finally {
      await t.api.close();
    }
  });
});

describe("update()", () => {
  it("serves the new routes, authorizers and stage from the next request on", async () => {
    const t = await startTestApi({ routes: [route("GET /old")] });
    try {
      expect((await fetch(`${t.api.url}/old`)).status).toBe(200);
      t.api.update({
        apiId: "api123",
        name: "test-api",
        stage: "v2",
        routes: [route("GET /new", { authorizationType: "JWT", authorizerId: "a" })],
        authorizers: [{ id: "a", name: "a", issuer: "https://issuer", audience: ["x"], identitySource: "$request.header.Authorization" }],
      });
      expect(t.api.url).toBe(`http://127.0.0.1:${t.api.port}/v2`);
      expect((await fetch(`${t.api.url}/old`)).status).toBe(404);
      expect((await fetch(`${t.api.url}/new`)).status).toBe(401);
    } finally {
      await t.api.close();
    }
  });

  it("refuses an invalid configuration and keeps serving the current one", async () => {
    const t = await startTestApi({ routes: [route("GET /kept")] });
    try {
      expect(() =>
        t.api.update({
          apiId: "api123",
          name: "test-api",
          stage: "$default",
          routes: [route("GET /x", { authorizationType: "JWT", authorizerId: "missing" })],
          authorizers: [],
        }),
      ).toThrow(/unknown authorizer "missing"/);
      expect((await fetch(`${t.api.url}/kept`)).status).toBe(200);
    } finally {
      await t.api.close();
    }
  });
});

describe("close()", () => {
  it("stops listening, even with a keep-alive connection open", async () => {
    const t = await startTestApi({ routes: [route("GET /x")] });
    expect((await fetch(`${t.api.url}/x`)).status).toBe(200);
    await t.api.close();
    await expect(fetch(`${t.api.url}/x`)).rejects.toThrow();
  });
});
