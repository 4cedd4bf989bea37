import { loadViewerRequestFunction, requestPathWithQuery, viewerRequestEvent, viewerRequestFunctionSource } from ".";

describe("spa-fallback CloudFront function", () => {
  const spa = loadViewerRequestFunction("spa-fallback");
  const uri = (path: string) => spa(viewerRequestEvent("GET", path)).uri;

  it("serves /index.html for client-side routes (extension-less paths)", () => {
    expect(uri("/profile")).toBe("/index.html");
    expect(uri("/auth/callback")).toBe("/index.html");
    expect(uri("/files/")).toBe("/index.html");
    expect(uri("/")).toBe("/index.html");
  });

  it("leaves files (paths with an extension) unchanged, so a missing asset stays an error", () => {
    expect(uri("/assets/main-x.js")).toBe("/assets/main-x.js");
    expect(uri("/config.json")).toBe("/config.json");
    expect(uri("/index.html")).toBe("/index.html");
    expect(uri("/v1.2/thing.css")).toBe("/v1.2/thing.css");
  });

  it("never rewrites /api paths", () => {
    expect(uri("/api/x")).toBe("/api/x");
    expect(uri("/api/profiles/me")).toBe("/api/profiles/me");
    expect(uri("/api")).toBe("/api");
  });

  it("keeps the query string (the hosted UI's ?code=&state= on the callback)", () => {
    const req = spa(viewerRequestEvent("GET", "/auth/callback?code=abc&state=s1"));
    expect(req.uri).toBe("/index.html");
    expect(requestPathWithQuery(req)).toBe("/index.html?code=abc&state=s1");
  });
});

describe("api-prefix CloudFront function", () => {
  const api = loadViewerRequestFunction("api-prefix");

  it("strips the /api prefix so the HTTP API's own routes match", () => {
    expect(api(viewerRequestEvent("GET", "/api/profiles/me")).uri).toBe("/profiles/me");
    expect(api(viewerRequestEvent("POST", "/api/files")).uri).toBe("/files");
    expect(api(viewerRequestEvent("GET", "/api/analytics/summary")).uri).toBe("/analytics/summary");
    expect(api(viewerRequestEvent("GET", "/api/")).uri).toBe("/");
  });

  it("keeps method, headers and query string", () => {
    const req = api(viewerRequestEvent("put", "/api/profiles/me?a=1&a=2&b=x%20y", { "If-Match": "3", Authorization: "Bearer t" }));
    expect(req.method).toBe("PUT");
    expect(req.headers["if-match"]).toEqual({ value: "3" });
    expect(req.headers.authorization).toEqual({ value: "Bearer t" });
    expect(requestPathWithQuery(req)).toBe("/profiles/me?a=1&a=2&b=x+y");
  });

  it("does not touch paths that only start with the letters api", () => {
    expect(api(viewerRequestEvent("GET", "/apis/x")).uri).toBe("/apis/x");
  });
});

describe("function sources", () => {
  it.each(["api-prefix", "spa-fallback"] as const)("%s is a self-contained cloudfront-js-2.0 file (no require/import/export), under CloudFront's 10 KB limit", (name) => {
    const src = viewerRequestFunctionSource(name);
    expect(src).toMatch(/^function handler\(event\) \{/m);
    expect(src).not.toMatch(/\brequire\(|^\s*import\s|^\s*export\s/m);
    expect(Buffer.byteLength(src)).toBeLessThan(10 * 1024);
  });

  it("evaluates without node globals (the vm context has no require or process)", () => {
    expect(() => loadViewerRequestFunction("spa-fallback")).not.toThrow();
  });
});
