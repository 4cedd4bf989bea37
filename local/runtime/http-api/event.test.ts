/** The payload format 2.0 event a function receives for a request. */
import { rawRequest, route, startTestApi, type TestApi } from "./test-harness";

const NOW = Date.UTC(2020, 2, 12, 19, 3, 58, 123);

describe("payload format 2.0 event", () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ routes: [route("POST /items/{id}"), route("GET /items")] }, { now: () => NOW });
  });
  afterAll(() => t.api.close());

  it("carries the request as API Gateway describes it: raw path and query, headers, cookies, parameters, context", async () => {
    const res = await rawRequest(`${t.api.url}/items/a%2Fb?tag=x&tag=y&q=hello%20world&flag&empty=`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Multi": ["one", "two"],
        Cookie: ["session=abc; theme=dark", "lang=en"],
        "User-Agent": "test-agent/1.0",
      },
      body: Buffer.from('{"name":"pen"}'),
    });
    expect(res.status).toBe(200);
    expect(t.invoke).toHaveBeenLastCalledWith("fn:POST /items/{id}", expect.anything());
    const event = t.event();
    expect(event).toEqual({
      version: "2.0",
      routeKey: "POST /items/{id}",
      rawPath: "/items/a%2Fb",
      rawQueryString: "tag=x&tag=y&q=hello%20world&flag&empty=",
      cookies: ["session=abc", "theme=dark", "lang=en"],
      headers: {
        "content-type": "application/json",
        "content-length": "14",
        "x-multi": "one,two",
        "user-agent": "test-agent/1.0",
        host: `127.0.0.1:${t.api.port}`,
        "x-forwarded-for": "127.0.0.1",
        "x-forwarded-port": String(t.api.port),
        "x-forwarded-proto": "http",
        "x-amzn-trace-id": expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
      },
      queryStringParameters: { tag: "x,y", q: "hello world", flag: "", empty: "" },
      pathParameters: { id: "a/b" },
      requestContext: {
        accountId: "123456789012",
        apiId: "api123",
        domainName: `127.0.0.1:${t.api.port}`,
        domainPrefix: "127",
        http: { method: "POST", path: "/items/a%2Fb", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test-agent/1.0" },
        requestId: res.headers["apigw-requestid"],
        routeKey: "POST /items/{id}",
        stage: "$default",
        time: "12/Mar/2020:19:03:58 +0000",
        timeEpoch: NOW,
      },
      body: '{"name":"pen"}',
      isBase64Encoded: false,
    });
  });

  it("omits cookies, queryStringParameters, pathParameters, body and authorizer when the request has none", async () => {
    await fetch(`${t.api.url}/items`);
    const event = t.event();
    expect(event.headers["content-length"]).toBe("0");
    expect(event.rawQueryString).toBe("");
    expect(event.isBase64Encoded).toBe(false);
    for (const absent of ["cookies", "queryStringParameters", "pathParameters", "body", "stageVariables"]) expect(event).not.toHaveProperty(absent);
    expect(event.requestContext).not.toHaveProperty("authorizer");
    expect(event.headers).not.toHaveProperty("cookie");
  });

  it("base64-encodes a binary body, and a body without content type or a form post", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    for (const headers of [{ "content-type": "application/octet-stream" }, {}, { "content-type": "application/x-www-form-urlencoded" }]) {
      await rawRequest(`${t.api.url}/items/1`, { method: "POST", headers, body: bytes });
      expect(t.event()).toMatchObject({ body: bytes.toString("base64"), isBase64Encoded: true });
    }
  });

  it("drops hop-by-hop headers and gives a chunked body its content-length", async () => {
    await rawRequest(`${t.api.url}/items/1`, {
      method: "POST",
      headers: { "content-type": "text/plain", "transfer-encoding": "chunked", connection: "keep-alive" },
      body: Buffer.from("chunked body"),
    });
    const { headers } = t.event();
    expect(headers).not.toHaveProperty("transfer-encoding");
    expect(headers).not.toHaveProperty("connection");
    expect(headers["content-length"]).toBe("12");
  });

  it("passes text/*, JSON, XML and JavaScript bodies as text", async () => {
    for (const contentType of ["text/plain; charset=utf-8", "application/json", "application/xml", "application/javascript", "text/csv"]) {
      await rawRequest(`${t.api.url}/items/1`, { method: "POST", headers: { "content-type": contentType }, body: Buffer.from("héllo") });
      expect(t.event()).toMatchObject({ body: "héllo", isBase64Encoded: false });
    }
  });
});
