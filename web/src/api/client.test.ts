import { ApiClient, ApiError, errorFromResponse } from "./client";

describe("API errors", () => {
  it("shows the API's own { error: { code, message } }", () => {
    const e = errorFromResponse(412, JSON.stringify({ error: { code: "PreconditionFailed", message: "Version 3 is not current" } }));
    expect(e).toMatchObject({ status: 412, code: "PreconditionFailed", message: "Version 3 is not current" });
  });

  it("shows API Gateway's { message } with the status, and names the code after the status", () => {
    expect(errorFromResponse(401, '{"message":"Unauthorized"}')).toMatchObject({ status: 401, code: "Unauthorized", message: "Unauthorized (HTTP 401)" });
    expect(errorFromResponse(429, '{"message":"Too Many Requests"}').code).toBe("TooManyRequests");
  });

  it("never leaves a failure without a message: empty, HTML and odd statuses", () => {
    expect(errorFromResponse(502, "").message).toBe("The request failed with HTTP 502.");
    expect(errorFromResponse(503, "<html>busy</html>").message).toBe("The request failed with HTTP 503.");
    expect(errorFromResponse(418, "short and plain")).toMatchObject({ code: "Http418", message: "The request failed with HTTP 418: short and plain." });
  });
});

describe("ApiClient", () => {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const respond = (res: Response | Error): typeof fetch =>
    (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (res instanceof Error) throw res;
      return res;
    }) as unknown as typeof fetch;

  beforeEach(() => (calls.length = 0));

  it("sends the ID token as a bearer token to <apiBaseUrl><path>, JSON in and out, and returns the ETag", async () => {
    const api = new ApiClient({ baseUrl: "/api", token: () => "ID", fetcher: respond(new Response('{"version":2}', { status: 200, headers: { etag: '"2"' } })) });
    const res = await api.put("/profiles/me", { displayName: "A" }, { "if-match": '"1"' });
    expect(res).toEqual({ status: 200, body: { version: 2 }, etag: '"2"' });
    expect(calls[0].url).toBe("/api/profiles/me");
    expect(calls[0].init.method).toBe("PUT");
    expect(calls[0].init.headers).toMatchObject({ authorization: "Bearer ID", "content-type": "application/json", "if-match": '"1"' });
    expect(calls[0].init.body).toBe('{"displayName":"A"}');
  });

  it("maps a 4xx to an ApiError, and a 401 also ends the session", async () => {
    const ended: ApiError[] = [];
    const api = new ApiClient({
      baseUrl: "/api",
      token: () => "ID",
      onUnauthorized: (e) => ended.push(e),
      fetcher: respond(new Response('{"message":"Unauthorized"}', { status: 401 })),
    });
    await expect(api.get("/profiles/me")).rejects.toMatchObject({ status: 401, code: "Unauthorized" });
    expect(ended).toHaveLength(1);
  });

  it("does not send a request without a token", async () => {
    const api = new ApiClient({ baseUrl: "/api", token: () => undefined, fetcher: respond(new Response("{}")) });
    await expect(api.get("/files")).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(0);
  });

  it("turns a network failure and a non-JSON success into ApiErrors with a message", async () => {
    await expect(new ApiClient({ baseUrl: "", token: () => "t", fetcher: respond(new TypeError("Failed to fetch")) }).get("/x")).rejects.toMatchObject({
      status: 0,
      code: "NetworkError",
      message: expect.stringMatching(/could not be reached \(Failed to fetch\)/),
    });
    await expect(new ApiClient({ baseUrl: "", token: () => "t", fetcher: respond(new Response("<html>")) }).get("/x")).rejects.toMatchObject({ code: "InvalidResponse" });
  });

  it("accepts an empty success (204)", async () => {
    const api = new ApiClient({ baseUrl: "/api", token: () => "t", fetcher: respond(new Response(null, { status: 204 })) });
    await expect(api.delete("/files/X")).resolves.toEqual({ status: 204, body: undefined, etag: undefined });
  });
});
