import { createServer, Server } from "node:http";
import { dynamoDbMetadata, sseDescription } from "./dynamodb-metadata";
import { GatewayRequest, GatewayResponse, serviceOf, startGateway, upstreamOf } from "./gateway";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const scope = (service: string): string => `AWS4-HMAC-SHA256 Credential=local/20261130/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`;

describe("local AWS endpoint: which emulator serves a request", () => {
  it("reads the service from the SigV4 credential scope, a presigned URL, or X-Amz-Target", () => {
    expect(serviceOf({ authorization: scope("sqs") }, new URLSearchParams(), "/")).toBe("sqs");
    expect(serviceOf({ authorization: scope("rds-data") }, new URLSearchParams(), "/Execute")).toBe("rds-data");
    expect(serviceOf({}, new URLSearchParams({ "X-Amz-Credential": "local/20261130/us-east-1/s3/aws4_request" }), "/bucket/key")).toBe("s3");
    expect(serviceOf({ "x-amz-target": "AWSCognitoIdentityProviderService.SignUp" }, new URLSearchParams(), "/")).toBe("cognito-idp");
    expect(serviceOf({ "x-amz-target": "DynamoDBStreams_20120810.GetRecords" }, new URLSearchParams(), "/")).toBe("dynamodb");
    expect(serviceOf({}, new URLSearchParams(), "/moto-api/reset")).toBe("moto-api");
    expect(serviceOf({}, new URLSearchParams(), "/us-east-1_x/.well-known/jwks.json")).toBe("unknown");
  });

  it("sends dynamodb to DynamoDB Local, rds-data to the Data API and everything else to moto", () => {
    expect(upstreamOf("dynamodb")).toBe("dynamodb");
    expect(upstreamOf("rds-data")).toBe("rdsData");
    for (const s of ["sqs", "lambda", "cognito-idp", "unknown", "moto-api"]) expect(upstreamOf(s)).toBe("moto");
  });

  it("forwards a request unchanged to the emulator of its service and returns its answer", async () => {
    const seen: Record<string, { method: string; url: string; body: string }> = {};
    const servers: Server[] = [];
    const upstream = async (name: string): Promise<string> => {
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          seen[name] = { method: req.method ?? "", url: req.url ?? "", body };
          res.writeHead(200, { "content-type": "text/plain", "x-from": name });
          res.end(name);
        });
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      const a = server.address();
      return `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
    };
    const gw = await startGateway({ upstreams: { moto: await upstream("moto"), dynamodb: await upstream("dynamodb"), rdsData: await upstream("rdsData") } });
    try {
      const r1 = await fetch(`${gw.endpoint}/Execute?x=1`, { method: "POST", headers: { authorization: scope("rds-data") }, body: "sql" });
      expect([r1.status, r1.headers.get("x-from"), await r1.text()]).toEqual([200, "rdsData", "rdsData"]);
      expect(seen.rdsData).toEqual({ method: "POST", url: "/Execute?x=1", body: "sql" });
      const r2 = await fetch(gw.endpoint, { method: "POST", headers: { "x-amz-target": "DynamoDB_20120810.ListTables" }, body: "{}" });
      expect(await r2.text()).toBe("dynamodb");
      const r3 = await fetch(`${gw.endpoint}/123456789012/q`, { headers: { authorization: scope("sqs") } });
      expect(await r3.text()).toBe("moto");
    } finally {
      await gw.close();
      for (const s of servers) s.close();
    }
  });
});

describe("HEAD through the endpoint", () => {
  it("keeps the upstream Content-Length of a HEAD answer (S3 HeadObject reads the object's size from it)", async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-length": "11", etag: '"abc"' });
      res.end(req.method === "HEAD" ? undefined : "hello world");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const a = server.address();
    const moto = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
    const gw = await startGateway({ upstreams: { moto, dynamodb: moto, rdsData: moto } });
    try {
      const head = await fetch(`${gw.endpoint}/bucket/key.txt`, { method: "HEAD", headers: { authorization: scope("s3") } });
      expect([head.status, head.headers.get("content-length"), head.headers.get("etag")]).toEqual([200, "11", '"abc"']);
      const get = await fetch(`${gw.endpoint}/bucket/key.txt`, { headers: { authorization: scope("s3") } });
      expect([get.headers.get("content-length"), await get.text()]).toEqual(["11", "hello world"]);
    } finally {
      await gw.close();
      server.close();
    }
  });
});

describe("DynamoDB Local's missing table metadata, kept by the endpoint", () => {
  const dir = mkdtempSync(join(tmpdir(), "ddb-meta-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const arn = "arn:aws:dynamodb:ddblocal:000000000000:table/t";
  const req = (op: string, body: unknown): GatewayRequest => ({
    method: "POST",
    url: "/",
    path: "/",
    query: new URLSearchParams(),
    headers: { "x-amz-target": `DynamoDB_20120810.${op}` },
    body: Buffer.from(JSON.stringify(body)),
    service: "dynamodb",
    target: `DynamoDB_20120810.${op}`,
  });
  const notForwarded = async (): Promise<GatewayResponse> => {
    throw new Error("DynamoDB Local must not see this call");
  };
  const json = (r: GatewayResponse | undefined): any => JSON.parse(r!.body.toString("utf8"));

  it("keeps the tags and encryption of CreateTable and answers tagging calls and descriptions with them", async () => {
    const handler = dynamoDbMetadata(join(dir, "meta.json"));
    const created = await handler(req("CreateTable", { TableName: "t", Tags: [{ Key: "Env", Value: "local" }], SSESpecification: { Enabled: true } }), async () => ({
      status: 200,
      headers: {},
      body: Buffer.from(JSON.stringify({ TableDescription: { TableArn: arn, TableName: "t" } })),
    }));
    expect(json(created).TableDescription.SSEDescription).toEqual(sseDescription({ Enabled: true }));
    expect(json(await handler(req("ListTagsOfResource", { ResourceArn: arn }), notForwarded))).toEqual({ Tags: [{ Key: "Env", Value: "local" }] });
    await handler(req("TagResource", { ResourceArn: arn, Tags: [{ Key: "Team", Value: "platform" }] }), notForwarded);
    await handler(req("UntagResource", { ResourceArn: arn, TagKeys: ["Env"] }), notForwarded);
    // A second handler over the same file (a restart) sees the same tags.
    const again = dynamoDbMetadata(join(dir, "meta.json"));
    expect(json(await again(req("ListTagsOfResource", { ResourceArn: arn }), notForwarded))).toEqual({ Tags: [{ Key: "Team", Value: "platform" }] });
    const described = await again(req("DescribeTable", { TableName: "t" }), async () => ({
      status: 200,
      headers: {},
      body: Buffer.from(JSON.stringify({ Table: { TableArn: arn } })),
    }));
    expect(json(described).Table.SSEDescription.Status).toBe("ENABLED");
  });

  it("answers an UpdateTable that only sets encryption itself (DynamoDB Local: Nothing to update), forwarding a describe", async () => {
    const handler = dynamoDbMetadata(join(dir, "meta2.json"));
    const sent: string[] = [];
    const out = await handler(req("UpdateTable", { TableName: "t", SSESpecification: { Enabled: true } }), async (override) => {
      sent.push(override?.target ?? "UpdateTable");
      return { status: 200, headers: {}, body: Buffer.from(JSON.stringify({ Table: { TableArn: arn, TableName: "t" } })) };
    });
    expect(sent).toEqual(["DynamoDB_20120810.DescribeTable"]);
    expect(json(out).TableDescription).toMatchObject({ TableName: "t", SSEDescription: { Status: "ENABLED" } });
  });
});
