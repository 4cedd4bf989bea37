/** Route selection over real HTTP: which route (and so which function) a request reaches. */
import { route, startTestApi, type TestApi } from "./test-harness";

describe("route selection", () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({
      routes: [
        route("GET /pets/{id}"),
        route("GET /pets/dog"),
        route("ANY /pets/dog"),
        route("ANY /pets/{id}/toys"),
        route("GET /files/{proxy+}"),
        route("GET /files/{folder}/readme"),
        route("GET /"),
        route("GET /a"),
        route("$default"),
      ],
    });
  });
  afterAll(() => t.api.close());

  /** The route key of the function a request reached, or the gateway status when none was invoked. */
  async function reached(method: string, path: string): Promise<string> {
    t.invoke.mockClear();
    const res = await fetch(`${t.api.url}${path}`, { method });
    await res.arrayBuffer();
    return t.invoke.mock.calls.length === 1 ? String(t.invoke.mock.calls[0][0]).replace(/^fn:/, "") : `status ${res.status}`;
  }

  it("prefers an exact method and path over a path parameter and over ANY", async () => {
    expect(await reached("GET", "/pets/dog")).toBe("GET /pets/dog");
    expect(await reached("POST", "/pets/dog")).toBe("ANY /pets/dog");
    expect(await reached("GET", "/pets/cat")).toBe("GET /pets/{id}");
  });

  it("matches a {param} against exactly one segment and passes it decoded in pathParameters", async () => {
    expect(await reached("GET", "/pets/a%20b")).toBe("GET /pets/{id}");
    expect(t.event().pathParameters).toEqual({ id: "a b" });
    expect(await reached("GET", "/pets/cat/extra")).toBe("$default");
  });

  it("lets a greedy {proxy+} take one or more segments but loses to a more specific route", async () => {
    expect(await reached("GET", "/files/a/b/c.txt")).toBe("GET /files/{proxy+}");
    expect(t.event().pathParameters).toEqual({ proxy: "a/b/c.txt" });
    expect(await reached("GET", "/files/docs/readme")).toBe("GET /files/{folder}/readme");
    expect(await reached("GET", "/files")).toBe("$default");
  });

  it("sends what no route matches to $default, with routeKey $default and no pathParameters", async () => {
    expect(await reached("DELETE", "/nothing/here")).toBe("$default");
    expect(t.event().routeKey).toBe("$default");
    expect(t.event().pathParameters).toBeUndefined();
  });

  it("does not match /a/ against GET /a (a trailing slash is another path)", async () => {
    expect(await reached("GET", "/a")).toBe("GET /a");
    expect(await reached("GET", "/a/")).toBe("$default");
  });

  it("routes the root path and treats HEAD as its own method", async () => {
    expect(await reached("GET", "/")).toBe("GET /");
    expect(await reached("HEAD", "/")).toBe("$default");
  });

  it("puts the matched route key in routeKey and requestContext.routeKey", async () => {
    await reached("PUT", "/pets/7/toys");
    expect(t.event()).toMatchObject({ routeKey: "ANY /pets/{id}/toys", requestContext: { routeKey: "ANY /pets/{id}/toys" } });
  });
});

describe("without a $default route", () => {
  it('answers 404 {"message":"Not Found"} and invokes nothing', async () => {
    const t = await startTestApi({ routes: [route("GET /only")] });
    try {
      const res = await fetch(`${t.api.url}/other`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: "Not Found" });
      expect(res.headers.get("apigw-requestid")).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.invoke).not.toHaveBeenCalled();
    } finally {
      await t.api.close();
    }
  });
});

describe("a named stage", () => {
  it("is served under /<stage>, keeps the stage in rawPath and requestContext.http.path, and 404s outside it", async () => {
    const t = await startTestApi({ stage: "dev", routes: [route("GET /items/{id}"), route("GET /")] });
    try {
      expect(t.api.url).toBe(`http://127.0.0.1:${t.api.port}/dev`);
      const res = await fetch(`${t.api.url}/items/42?x=1`);
      expect(res.status).toBe(200);
      expect(t.event()).toMatchObject({
        routeKey: "GET /items/{id}",
        rawPath: "/dev/items/42",
        pathParameters: { id: "42" },
        requestContext: { stage: "dev", http: { path: "/dev/items/42" } },
      });
      expect((await fetch(t.api.url)).status).toBe(200);
      expect(t.event().routeKey).toBe("GET /");
      const outside = await fetch(`http://127.0.0.1:${t.api.port}/items/42`);
      expect(outside.status).toBe(404);
      expect(await outside.json()).toEqual({ message: "Not Found" });
    } finally {
      await t.api.close();
    }
  });
});

describe("route keys", () => {
  it("refuses a configuration with a malformed route key", async () => {
    await expect(startTestApi({ routes: [route("GET /a/{proxy+}/b")] })).rejects.toThrow(/greedy path variable must be the last segment/);
    await expect(startTestApi({ routes: [route("get /lower")] })).rejects.toThrow(/neither "\$default" nor "METHOD \/path"/);
  });
});
