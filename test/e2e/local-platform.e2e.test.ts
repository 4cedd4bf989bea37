/**
 * End to end on the local platform: one `startLocalPlatform` for the file (emulators, Terraform apply of
 * platform-local, the local runtime), then everything over HTTP on localhost with tokens from the local user pool —
 * no handler is called directly. The Lambda semantics it relies on (SQS redrive, Kinesis bisect and failure
 * destination, partial batch responses) are observed through the emulators and the runtime's invocation log.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SignJWT, generateKeyPair } from "jose";
import { Client } from "pg";
import { freePort } from "../../local/emulators/process";
import { LocalPlatform, startLocalPlatform } from "../../local/platform/start";
import { signIn, signUp } from "../../local/platform/users";
import { LOCAL_AWS } from "../../local/runtime/types";

jest.setTimeout(300_000);

let platform: LocalPlatform;
let root: string;
let db: Client;
const invocations: Array<{ functionName: string; event: any; ok: boolean; payload?: any }> = [];
const logLines: string[] = [];

const aws = { region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials };
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(250);
  }
}

/** Signs a JWT with the private key moto's Cognito signs its tokens with. */
function signWithMotoKey(header: object, payload: object): string {
  const script = [
    "import gzip, json, os, sys, moto",
    "from joserfc import jwk, jwt",
    "path = os.path.join(os.path.dirname(moto.__file__), 'cognitoidp', 'resources', 'jwks-private.json.gz')",
    "key = jwk.RSAKey.import_key(json.loads(gzip.open(path).read()))",
    "req = json.load(sys.stdin)",
    "print(jwt.encode(req['header'], req['payload'], key))",
  ].join("\n");
  return execFileSync("python3", ["-c", script], { input: JSON.stringify({ header, payload }), encoding: "utf8" }).trim();
}

const runs0 = (from: number): typeof invocations => invocations.slice(from).filter((i) => i.functionName.endsWith("activity-processor"));

const api = (path: string, init: Omit<RequestInit, "headers"> & { token?: string; headers?: Record<string, string> } = {}): Promise<Response> => {
  // A plain object: a Headers instance of jest's realm is not one of fetch's own and would be dropped.
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const { token: _token, ...rest } = init;
  return fetch(`${platform.apiUrl}${path}`, { ...rest, headers });
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "local-platform-e2e-"));
  platform = await startLocalPlatform({
    root,
    reset: true,
    endpointPort: await freePort(),
    apiPort: await freePort(),
    sqsRetryDelaySeconds: 1,
    testUser: false,
    functionOutput: (line, meta) => void logLines.push(`[${meta.functionName}] ${meta.requestId ?? "-"} ${line}`),
    log: { info: () => undefined, warn: (m) => void logLines.push(`[local] ${m}`), error: (m) => void logLines.push(`[local] ERROR ${m}`) },
  });
  platform.registry.observe(({ functionName, event, outcome }) => {
    invocations.push({ functionName, event, ok: outcome.ok, payload: outcome.ok ? outcome.payload : undefined });
  });
  db = new Client({ connectionString: platform.analyticsDatabaseUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await platform?.stop();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe("local platform, end to end over HTTP", () => {
  const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
  const password = "E2e-Passw0rd!long";
  let token: string;
  let sub: string;

  it("deploys platform-local with Terraform through the local endpoint and serves what was deployed", () => {
    expect(platform.deployment.httpApis).toHaveLength(1);
    const routes = platform.deployment.httpApis[0].routes.map((r) => r.routeKey).sort();
    expect(routes).toEqual([
      "DELETE /files/{id}",
      "DELETE /profiles/me",
      "GET /analytics/daily-active-users",
      "GET /analytics/me/summary",
      "GET /analytics/reports/executions/{id}",
      "GET /analytics/reports/{name}",
      "GET /files",
      "GET /files/{id}",
      "GET /profiles/me",
      "GET /profiles/me/deletion",
      "POST /events",
      "POST /files",
      "PUT /profiles/me",
    ]);
    expect(platform.userPoolId).toMatch(/^us-east-1_/);
  });

  it("signs a user up: the post-confirmation trigger creates the profile", async () => {
    await signUp(platform.endpoint, platform.userPoolClientId, email, password);
    const tokens = await signIn(platform.endpoint, platform.userPoolClientId, email, password);
    // The ID token: profile-api reads the caller's e-mail, a claim Cognito puts in ID tokens only.
    token = tokens.idToken;
    sub = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub;
    expect(invocations.some((i) => i.functionName.endsWith("profile-bootstrap") && i.ok && i.event.triggerSource === "PostConfirmation_ConfirmSignUp")).toBe(true);
    const res = await api("/profiles/me", { token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ email, version: 1 });
    expect(res.headers.get("etag")).toBe('"1"');
  });

  it("updates the profile with If-Match and answers 412 to a stale write", async () => {
    const put = await api("/profiles/me", { method: "PUT", token, headers: { "content-type": "application/json", "if-match": '"1"' }, body: JSON.stringify({ displayName: "Ada Lovelace", locale: "en-GB" }) });
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe('"2"');
    const stale = await api("/profiles/me", { method: "PUT", token, headers: { "content-type": "application/json", "if-match": '"1"' }, body: JSON.stringify({ displayName: "Stale" }) });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBeDefined();
  });

  it("uploads a file with the presigned POST, lists it once S3's event is processed, downloads the same bytes and deletes it", async () => {
    const content = Buffer.from(`local upload ${randomUUID()} – é`, "utf8");
    const created = await api("/files", { method: "POST", token, headers: { "content-type": "application/json" }, body: JSON.stringify({ fileName: "e2e notes.txt", contentType: "text/plain", size: content.length }) });
    expect(created.status).toBe(201);
    const { file, upload } = (await created.json()) as { file: { fileId: string }; upload: { url: string; fields: Record<string, string>; fileField: string } };
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append(upload.fileField, new Blob([new Uint8Array(content)]), "e2e notes.txt");
    const posted = await fetch(upload.url, { method: "POST", body: form });
    expect(posted.status).toBe(204);

    // S3 ObjectCreated → SQS → object-metadata (the local runtime's SQS event source) → the file is ready.
    const listed = await eventually("the uploaded file in GET /files", async () => {
      const res = await api("/files", { token });
      const body = (await res.json()) as { files: Array<{ fileId: string; status: string; size: number }> };
      return body.files.find((f) => f.fileId === file.fileId);
    });
    expect(listed).toMatchObject({ status: "ready", size: content.length });
    const described = await api(`/files/${file.fileId}`, { token });
    expect(described.status).toBe(200);
    const { download } = (await described.json()) as { download: { url: string } };
    const downloaded = await fetch(download.url);
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(content)).toBe(true);

    const deleted = await api(`/files/${file.fileId}`, { method: "DELETE", token });
    expect(deleted.status).toBe(204);
    expect((await api(`/files/${file.fileId}`, { token })).status).toBe(404);
    // The bytes are gone: moto answers a presigned GET of a deleted version 403 (S3: 404 NoSuchVersion, or 403 to a
    // caller without s3:ListBucket on the key).
    const gone = await fetch(download.url);
    expect([403, 404]).toContain(gone.status);
    expect(Buffer.from(await gone.arrayBuffer()).includes(content)).toBe(false);
    const after = (await (await api("/files", { token })).json()) as { files: Array<{ fileId: string }> };
    expect(after.files.map((f) => f.fileId)).not.toContain(file.fileId);
  });

  it("carries the change through stream → profile-events → SNS → SQS → analytics-ingest into PostgreSQL", async () => {
    const row = await eventually("the analytics users row at version 2", async () => {
      const r = await db.query("SELECT email, display_name, locale, version FROM users WHERE user_id = $1", [sub]);
      return r.rows[0]?.version === "2" || r.rows[0]?.version === 2 ? r.rows[0] : undefined;
    });
    // Profile events carry no e-mail (analytics keeps no address it was never sent).
    expect(row).toMatchObject({ email: null, display_name: "Ada Lovelace", locale: "en-GB" });
    expect(invocations.some((i) => i.functionName.endsWith("profile-events"))).toBe(true);
    expect(invocations.some((i) => i.functionName.endsWith("analytics-ingest"))).toBe(true);
  });

  it("carries POST /events through Kinesis → activity-processor into rows that the analytics query reads back", async () => {
    const now = new Date().toISOString();
    const res = await api("/events", {
      method: "POST",
      token,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: [{ type: "page.view", time: now, props: { page: "/" } }, { type: "page.view", time: now }, { type: "file.upload", time: now }] }),
    });
    expect(res.status).toBeLessThan(300);
    await eventually("3 activity rows", async () => {
      const r = await db.query("SELECT count(*)::int AS n FROM activity_events WHERE user_id = $1", [sub]);
      return r.rows[0].n === 3 ? true : undefined;
    });
    const summary = await api("/analytics/me/summary?days=1", { token });
    expect(summary.status).toBe(200);
    const text = JSON.stringify(await summary.json());
    expect(text).toContain("page.view");
    expect(text).toContain("file.upload");
  });

  it("answers 401 without a token, with an expired token and with a token from another issuer", async () => {
    expect((await api("/profiles/me")).status).toBe(401);
    // Another issuer: a well-formed RS256 token signed by a key the user pool never published.
    const other = await generateKeyPair("RS256");
    const foreign = await new SignJWT({ client_id: platform.userPoolClientId, token_use: "access" })
      .setProtectedHeader({ alg: "RS256", kid: "other" })
      .setIssuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other")
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(other.privateKey);
    expect((await api("/profiles/me", { token: foreign })).status).toBe(401);
    // Expired: signed with the emulator's own key (moto ships it; signed by moto's own JOSE library, since the key has
    // no CRT parameters that WebCrypto needs), right issuer and client, exp in the past.
    const header = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
    const now = Math.floor(Date.now() / 1000);
    const expired = signWithMotoKey(header, { ...payload, exp: now - 60, iat: now - 3700 });
    expect((await api("/profiles/me", { token: expired })).status).toBe(401);
    // The same claims with a fresh expiry pass: the 401 above is the expiry, not the re-signing.
    const fresh = signWithMotoKey(header, { ...payload, exp: now + 600 });
    expect((await api("/profiles/me", { token: fresh })).status).toBe(200);
  });

  it("deletes the account: DELETE /profiles/me → 202, the delete-user workflow runs the real tasks, then nothing of the user is left", async () => {
    // Something to delete: an uploaded file (through the presigned POST, ready once S3's event is processed).
    const content = Buffer.from(`to be deleted ${randomUUID()}`, "utf8");
    const created = await api("/files", { method: "POST", token, headers: { "content-type": "application/json" }, body: JSON.stringify({ fileName: "keep.txt", contentType: "text/plain", size: content.length }) });
    const { file, upload } = (await created.json()) as { file: { fileId: string }; upload: { url: string; fields: Record<string, string>; fileField: string } };
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append(upload.fileField, new Blob([new Uint8Array(content)]), "keep.txt");
    expect((await fetch(upload.url, { method: "POST", body: form })).status).toBe(204);
    await eventually("the file ready", async () => {
      const body = (await (await api("/files", { token })).json()) as { files: Array<{ fileId: string }> };
      return body.files.find((f) => f.fileId === file.fileId);
    });
    expect((await api("/profiles/me/deletion", { token })).status).toBe(404);

    const started = await api("/profiles/me", { method: "DELETE", token });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe("/profiles/me/deletion");
    const { executionId } = (await started.json()) as { executionId: string };
    expect(executionId).toMatch(new RegExp(`:execution:platform-local-delete-user:delete-${sub}-v2$`));
    // A repeated request reports the same execution.
    expect(((await (await api("/profiles/me", { method: "DELETE", token })).json()) as { executionId: string }).executionId).toBe(executionId);

    const done = await eventually("the deletion to finish", async () => {
      const res = await api("/profiles/me/deletion", { token });
      const body = (await res.json()) as { status: string; removed: Record<string, unknown> | null };
      return body.status === "RUNNING" ? undefined : body;
    });
    // File items: this file and the tombstone of the file deleted earlier (kept a week for late S3 events).
    expect(done).toMatchObject({ status: "SUCCEEDED", executionId, removed: { objectVersions: 1, fileItems: 2, activityRows: 3, profile: true } });
    for (const fn of ["delete-user-files", "anonymise-analytics", "delete-user-profile"]) {
      expect(invocations.some((i) => i.functionName.endsWith(fn) && i.ok)).toBe(true);
    }
    expect((await api("/profiles/me", { token })).status).toBe(404);
    const put = await api("/profiles/me", { method: "PUT", token, headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: "Back" }) });
    expect(put.status).toBe(409);
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe("AccountDeleted");
    expect(((await (await api("/files", { token })).json()) as { files: unknown[] }).files).toEqual([]);
    const rows = await db.query("SELECT count(*)::int AS n FROM activity_events WHERE user_id = $1", [sub]);
    expect(rows.rows[0].n).toBe(0);
    const anonymised = await db.query("SELECT count(*)::int AS n FROM activity_events WHERE user_id LIKE 'deleted-%'");
    expect(anonymised.rows[0].n).toBeGreaterThanOrEqual(3);
    // The stream publishes profile.deleted as for any deletion: analytics marks the row deleted.
    await eventually("the analytics users row deleted", async () => {
      const r = await db.query("SELECT deleted, display_name FROM users WHERE user_id = $1", [sub]);
      return r.rows[0]?.deleted === true ? r.rows[0] : undefined;
    });
    // The Cognito user is gone: signing in fails.
    await expect(signIn(platform.endpoint, platform.userPoolClientId, email, password)).rejects.toThrow();
  });
});

describe("Lambda semantics of the local runtime", () => {
  const sqs = (): SQSClient => new SQSClient({ ...aws, endpoint: platform.endpoint });

  it("re-delivers only the failed message of a partial batch, and a poison message ends in the DLQ after maxReceiveCount", async () => {
    const client = sqs();
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: "platform-local-analytics-ingest" }));
    const { QueueUrl: dlqUrl } = await client.send(new GetQueueUrlCommand({ QueueName: "platform-local-analytics-ingest-dlq" }));
    const poison = `poison-${randomUUID()}`;
    const at = new Date().toISOString();
    const good = ["sqs-a", "sqs-b", "sqs-c"].map((userId) => ({
      eventId: randomUUID(),
      type: "profile.created",
      userId,
      version: 1,
      changedFields: ["displayName"],
      occurredAt: at,
      profile: { userId, displayName: userId, locale: "en-GB", version: 1, createdAt: at, updatedAt: at },
    }));
    const before = invocations.length;
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "poison", MessageBody: poison },
          ...good.map((e, i) => ({ Id: `good${i}`, MessageBody: JSON.stringify(e) })),
        ],
      }),
    );
    const dead = await eventually(
      "the poison message in the DLQ",
      async () => {
        const out = await client.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }));
        return out.Messages?.find((m) => m.Body === poison);
      },
      90_000,
    );
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
    const runs = invocations.slice(before).filter((i) => i.functionName.endsWith("analytics-ingest"));
    const tries = runs.filter((i) => JSON.stringify(i.event).includes(poison));
    expect(tries.length).toBe(5); // maxReceiveCount of the queue module
    // Partial batch responses: each good message was delivered once, in the first batch with the poison; the retries
    // carried the poison alone.
    for (const e of good) expect(runs.filter((i) => JSON.stringify(i.event).includes(e.eventId))).toHaveLength(1);
    expect(tries.slice(1).every((i) => i.event.Records.length === 1)).toBe(true);
    const stored = await db.query("SELECT user_id FROM users WHERE user_id = ANY($1) ORDER BY user_id", [good.map((e) => e.userId)]);
    expect(stored.rows.map((r) => r.user_id)).toEqual(["sqs-a", "sqs-b", "sqs-c"]);
    client.destroy();
  });

  it("retries a failing Kinesis record, bisects its batch and sends it to the on-failure destination; the others are stored once", async () => {
    const kinesis = new KinesisClient({ ...aws, endpoint: platform.endpoint, requestHandler: new NodeHttpHandler() });
    const stream = String(platform.deployment.outputs.activity_stream_name);
    const good = Array.from({ length: 7 }, () => ({ eventId: randomUUID(), userId: "kinesis-user", type: "test.good", time: new Date().toISOString(), props: {} }));
    const records = [...good.slice(0, 3).map((e) => JSON.stringify(e)), "{not json", ...good.slice(3).map((e) => JSON.stringify(e))];
    const before = invocations.length;
    await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records.map((r) => ({ Data: Buffer.from(r), PartitionKey: "kinesis-user" })) }));
    const failure = await eventually(
      "the failure record on activity-processor-failures",
      async () => {
        const client = sqs();
        const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: "platform-local-activity-processor-failures" }));
        const out = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        client.destroy();
        return out.Messages?.map((m) => JSON.parse(m.Body ?? "{}")).find((b) => b.KinesisBatchInfo !== undefined);
      },
      90_000,
    );
    expect(failure.requestContext.condition).toBe("RetryAttemptsExhausted");
    // Partial batch responses: retried from the failing record (the three before it were never sent again), and what is
    // left after the retries, from the bad record on, is reported with its first sequence number.
    const badSeq = runs0(before)[0].event.Records[3].kinesis.sequenceNumber;
    expect(failure.KinesisBatchInfo.startSequenceNumber).toBe(badSeq);
    const r = await db.query("SELECT count(*)::int AS n FROM activity_events WHERE user_id = 'kinesis-user'");
    expect(r.rows[0].n).toBe(7);
    const runs = invocations.slice(before).filter((i) => i.functionName.endsWith("activity-processor"));
    const sizes = runs.map((i) => i.event.Records.length);
    expect(sizes[0]).toBe(8);
    expect(runs.length).toBeGreaterThan(1);
    const retried = runs.slice(1).flatMap((i) => i.event.Records.map((rec: any) => Buffer.from(rec.kinesis.data, "base64").toString()));
    // Partial batch response: the three records before the bad one succeeded and are never sent again.
    for (const e of good.slice(0, 3)) expect(retried).not.toContain(JSON.stringify(e));
    kinesis.destroy();
  });
});

describe("restart without --reset", () => {
  it("restores moto from the deploy journal without running Terraform, keeping DynamoDB and PostgreSQL data", async () => {
    const before = { pool: platform.userPoolId, api: platform.deployment.httpApis[0].apiId, endpointPort: Number(new URL(platform.endpoint).port), apiPort: Number(new URL(platform.apiUrl).port) };
    const users = await db.query("SELECT count(*)::int AS n FROM users");
    const table = String(platform.deployment.outputs.profiles_table_name);
    const profiles = async (): Promise<number> => {
      const ddb = new DynamoDBClient({ ...aws, endpoint: platform.endpoint });
      const out = await ddb.send(new ScanCommand({ TableName: table, Select: "COUNT" }));
      ddb.destroy();
      return out.Count ?? 0;
    };
    const profilesBefore = await profiles();
    expect(profilesBefore).toBeGreaterThan(0);
    await db.end();
    await platform.stop();
    platform = await startLocalPlatform({
      root,
      endpointPort: before.endpointPort,
      apiPort: before.apiPort,
      testUser: false,
      functionOutput: () => undefined,
      log: { info: () => undefined, warn: (m) => void logLines.push(`[local] ${m}`), error: (m) => void logLines.push(`[local] ERROR ${m}`) },
    });
    db = new Client({ connectionString: platform.analyticsDatabaseUrl });
    await db.connect();
    expect(platform.applied).toBe(false);
    expect(platform.timings["terraform-apply"]).toBeUndefined();
    expect(platform.userPoolId).toBe(before.pool);
    expect(platform.deployment.httpApis[0].apiId).toBe(before.api);
    expect((await db.query("SELECT count(*)::int AS n FROM users")).rows[0].n).toBe(users.rows[0].n);
    expect(await profiles()).toBe(profilesBefore);
    // Cognito users live in moto and are gone; a new sign-up works end to end on the restored deployment.
    const email = `again-${randomUUID().slice(0, 8)}@example.com`;
    await signUp(platform.endpoint, platform.userPoolClientId, email, "E2e-Passw0rd!long");
    const tokens = await signIn(platform.endpoint, platform.userPoolClientId, email, "E2e-Passw0rd!long");
    const res = await api("/profiles/me", { token: tokens.idToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email, version: 1 });
  });
});
