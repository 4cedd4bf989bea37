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
import { execFile } from "node:child_process";
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SignJWT, generateKeyPair } from "jose";
import { Client } from "pg";
import { freePort } from "../../lib/process";
import { LocalPlatform, startLocalPlatform } from "../../local/platform/start";
import { signIn, signUp } from "../../local/platform/users";
import { LOCAL_AWS } from "../../local/runtime/types";
import { CampaignReport, runConservationCampaign } from "../../scripts/chaos/campaign";
import { formatCampaign } from "../../scripts/chaos/campaign-format";
import { verify } from "../../scripts/chaos/verify";

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

const MOTO_SIGN_SCRIPT = [
  "import gzip, json, os, sys, moto",
  "from joserfc import jwk, jwt",
  "path = os.path.join(os.path.dirname(moto.__file__), 'cognitoidp', 'resources', 'jwks-private.json.gz')",
  "key = jwk.RSAKey.import_key(json.loads(gzip.open(path).read()))",
  "req = json.load(sys.stdin)",
  "print(jwt.encode(req['header'], req['payload'], key))",
].join("\n");

/**
 * Signs a JWT with the private key moto's Cognito signs its tokens with, without blocking the event loop: the local
 * HTTP API serves from this process, and a synchronous child process of a few seconds (a loaded machine) stalls its
 * keep-alive timers, so the next fetch can reuse a socket the server is closing (ECONNRESET).
 */
function signWithMotoKeyAsync(header: object, payload: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("python3", ["-c", MOTO_SIGN_SCRIPT], { encoding: "utf8" }, (err, stdout) => (err !== null ? reject(err) : resolve(stdout.trim())));
    child.stdin?.end(JSON.stringify({ header, payload }));
  });
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
    webPort: false,
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
    const put = await api("/profiles/me", {
      method: "PUT",
      token,
      headers: { "content-type": "application/json", "if-match": '"1"' },
      body: JSON.stringify({ displayName: "Ada Lovelace", locale: "en-GB" }),
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe('"2"');
    const stale = await api("/profiles/me", {
      method: "PUT",
      token,
      headers: { "content-type": "application/json", "if-match": '"1"' },
      body: JSON.stringify({ displayName: "Stale" }),
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBeDefined();
  });

  it("uploads a file with the presigned POST, lists it once S3's event is processed, downloads the same bytes and deletes it", async () => {
    const content = Buffer.from(`local upload ${randomUUID()} – é`, "utf8");
    const created = await api("/files", {
      method: "POST",
      token,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fileName: "e2e notes.txt", contentType: "text/plain", size: content.length }),
    });
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
    // The row is committed inside the analytics-ingest invocation, which the runtime records only when it returns:
    // wait for the record rather than reading the list at the moment the row appears (a race CI lost once).
    for (const fn of ["profile-events", "analytics-ingest"]) {
      await eventually(`a recorded ${fn} invocation`, async () => (invocations.some((i) => i.functionName.endsWith(fn)) ? true : undefined), 10_000);
    }
  });

  it("carries POST /events through Kinesis → activity-processor into rows that the analytics query reads back", async () => {
    const now = new Date().toISOString();
    const res = await api("/events", {
      method: "POST",
      token,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          { type: "page.view", time: now, props: { page: "/" } },
          { type: "page.view", time: now },
          { type: "file.upload", time: now },
        ],
      }),
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
    const expired = await signWithMotoKeyAsync(header, { ...payload, exp: now - 60, iat: now - 3700 });
    expect((await api("/profiles/me", { token: expired })).status).toBe(401);
    // The same claims with a fresh expiry pass: the 401 above is the expiry, not the re-signing.
    const fresh = await signWithMotoKeyAsync(header, { ...payload, exp: now + 600 });
    expect((await api("/profiles/me", { token: fresh })).status).toBe(200);
  });

  it("deletes the account: DELETE /profiles/me → 202, the delete-user workflow runs the real tasks, then nothing of the user is left", async () => {
    // Something to delete: an uploaded file (through the presigned POST, ready once S3's event is processed).
    const content = Buffer.from(`to be deleted ${randomUUID()}`, "utf8");
    const created = await api("/files", {
      method: "POST",
      token,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fileName: "keep.txt", contentType: "text/plain", size: content.length }),
    });
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
        Entries: [{ Id: "poison", MessageBody: poison }, ...good.map((e, i) => ({ Id: `good${i}`, MessageBody: JSON.stringify(e) }))],
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

/**
 * The access matrix (issue 12, "Access"): every deployed route × every principal, over HTTP through the local HTTP API's
 * JWT authorizer. Principals: two users (A owns the data under test), a user in groups whose names only look like
 * `admins` (`staff,admins`, `"admins"`), an admin (Cognito group `admins`), and six tokens the authorizer must refuse
 * with 401 before any function runs: none, expired, a genuine ID token and a genuine access token issued to another app
 * client of the same pool, a token of another issuer (signed with the pool's own key, so only `iss` is wrong) and a
 * token with A's claims signed by another key under the pool's `kid`. The refused tokens carry A's `sub` and aim at A's
 * data, so a bypass would act as A and show. Its users are its own (signed up here), independent of the tests above.
 */
describe("access matrix: every route × every principal over the local HTTP API", () => {
  type UserName = "userA" | "userB" | "lookalike" | "admin";
  type RefusedName = "anonymous" | "expired" | "otherClientId" | "otherClientAccess" | "otherIssuer" | "forgedSignature";
  type PrincipalName = RefusedName | UserName;
  interface Expected {
    readonly status: number;
    /** `error.code` of the `{ error: { code, message } }` body (4xx). */
    readonly code?: string;
    /** More proof that the answer is the caller's own (or that the owner's data is untouched). */
    readonly check?: (body: any, who: UserName) => Promise<void> | void;
  }
  interface Case {
    readonly route: string;
    readonly name: string;
    /** The request a principal sends (refused tokens send A's request: they carry A's sub). */
    readonly request: (who: UserName) => { path: string; method?: string; body?: unknown; headers?: Record<string, string> };
    readonly expect: Readonly<Record<UserName, Expected>>;
  }

  const password = "E2e-Passw0rd!long";
  const tag = randomUUID().slice(0, 8);
  const emails: Record<UserName | "deleter", string> = {
    userA: `matrix-a-${tag}@example.com`,
    userB: `matrix-b-${tag}@example.com`,
    lookalike: `matrix-lookalike-${tag}@example.com`,
    admin: `matrix-admin-${tag}@example.com`,
    deleter: `matrix-c-${tag}@example.com`,
  };
  const ADMIN_LOOKALIKE_GROUPS = ["staff,admins", '"admins"'];
  const tokens = {} as Record<UserName | "deleter", string>;
  const subs = {} as Record<UserName | "deleter", string>;
  const refused = {} as Record<RefusedName, { token?: string; challenge: string }>;
  const ctx = { fileA: "", fileA2: "", executionId: "", aOnlyType: `matrix.a-only-${tag}` };
  /** Refused principals first, A (the owner, whose writes come last) at the end of each case. */
  const ORDER: PrincipalName[] = ["anonymous", "expired", "otherClientId", "otherClientAccess", "otherIssuer", "forgedSignature", "userB", "lookalike", "admin", "userA"];
  const USERS: UserName[] = ["userA", "userB", "lookalike", "admin"];

  /** The runtime's last log lines, appended to a failure: a 5xx has no detail in its body, by design. */
  const withLogTail = async (assertion: () => void | Promise<void>): Promise<void> => {
    try {
      await assertion();
    } catch (err) {
      if (err instanceof Error) err.message += `\n\nlast lines of the local runtime's log:\n${logLines.slice(-40).join("\n")}`;
      throw err;
    }
  };
  const claimsOf = (token: string): Record<string, any> => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
  const json = { "content-type": "application/json" };
  const today = (): string => new Date().toISOString().slice(0, 10);
  const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const same = (value: Expected): Record<UserName, Expected> => ({ userA: value, userB: value, lookalike: value, admin: value });
  const forbidden: Expected = { status: 403, code: "Forbidden" };
  /** Admin routes: every signed-in non-admin (the lookalike group included) gets 403. */
  const adminOnly = (admin: Expected): Record<UserName, Expected> => ({ userA: forbidden, userB: forbidden, lookalike: forbidden, admin });
  const notFound: Expected = { status: 404, code: "NotFound" };
  const fileA2Stays: Expected = {
    ...notFound,
    check: async () => {
      const a = await fileOfA(ctx.fileA2);
      expect(a.status).toBe(200);
      expect(a.body.file.status).toBe("ready");
    },
  };
  const activityRow = async (eventId: string): Promise<{ user_id: string; type: string }> =>
    eventually(`activity row ${eventId}`, async () => (await db.query("SELECT user_id, type FROM activity_events WHERE event_id = $1", [eventId])).rows[0]);
  const fileOfA = async (fileId: string): Promise<{ status: number; body: any }> => {
    const res = await api(`/files/${fileId}`, { token: tokens.userA });
    return { status: res.status, body: await res.json() };
  };

  async function uploadReady(token: string, name: string): Promise<string> {
    const content = Buffer.from(`matrix ${name} ${randomUUID()}`, "utf8");
    const created = await api("/files", { method: "POST", token, headers: json, body: JSON.stringify({ fileName: name, contentType: "text/plain", size: content.length }) });
    await withLogTail(() => expect(created.status).toBe(201));
    const { file, upload } = (await created.json()) as { file: { fileId: string }; upload: { url: string; fields: Record<string, string>; fileField: string } };
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append(upload.fileField, new Blob([new Uint8Array(content)]), name);
    expect((await fetch(upload.url, { method: "POST", body: form })).status).toBe(204);
    await eventually(`${name} ready`, async () => {
      const body = (await (await api(`/files/${file.fileId}`, { token })).json()) as { file?: { status: string } };
      return body.file?.status === "ready" ? true : undefined;
    });
    return file.fileId;
  }

  const CASES: Case[] = [
    {
      route: "GET /profiles/me",
      name: "reads the caller's own profile",
      request: () => ({ path: "/profiles/me" }),
      expect: same({
        status: 200,
        check: (body, who) => {
          expect(body.userId).toBe(subs[who]);
          expect(body.email).toBe(emails[who]);
        },
      }),
    },
    {
      route: "PUT /profiles/me",
      name: "writes the caller's own profile only",
      request: (who) => ({ path: "/profiles/me", method: "PUT", headers: json, body: { displayName: `matrix ${who}` } }),
      expect: same({
        status: 200,
        check: async (body, who) => {
          expect(body).toMatchObject({ userId: subs[who], displayName: `matrix ${who}` });
          if (who === "userA") return;
          const a = (await (await api("/profiles/me", { token: tokens.userA })).json()) as { userId: string; displayName: string };
          expect(a.userId).toBe(subs.userA);
          expect(a.displayName).not.toBe(`matrix ${who}`);
        },
      }),
    },
    {
      // A stale If-Match (versions start at 1) stops the handler at the caller's own profile: nothing is deleted here;
      // the real deletion is the last test of this block, by a user of its own.
      route: "DELETE /profiles/me",
      name: "reaches only the caller's profile (If-Match that never matches: nothing deleted)",
      request: () => ({ path: "/profiles/me", method: "DELETE", headers: { "if-match": '"999999"' } }),
      expect: same({
        status: 412,
        code: "PreconditionFailed",
        check: async (_body, who) => {
          expect((await api("/profiles/me", { token: tokens[who] })).status).toBe(200);
          expect((await api("/profiles/me", { token: tokens.userA })).status).toBe(200);
        },
      }),
    },
    {
      route: "GET /profiles/me/deletion",
      name: "reports the caller's own deletion (none requested)",
      request: () => ({ path: "/profiles/me/deletion" }),
      expect: same({ status: 404, code: "NoDeletion" }),
    },
    {
      route: "POST /events",
      name: "stores the events under the caller's sub",
      request: (who) => ({ path: "/events", method: "POST", headers: json, body: { events: [{ eventId: eventIds[who], type: "matrix.post", time: new Date().toISOString() }] } }),
      expect: same({
        status: 202,
        check: async (body, who) => {
          expect(body).toMatchObject({ accepted: 1, failed: 0 });
          expect(await activityRow(eventIds[who])).toEqual({ user_id: subs[who], type: "matrix.post" });
        },
      }),
    },
    {
      route: "POST /events",
      name: "refuses a userId in the body (the user is the token's)",
      request: () => ({ path: "/events", method: "POST", headers: json, body: { events: [{ type: "matrix.spoof", time: new Date().toISOString(), userId: subs.userA }] } }),
      expect: same({ status: 400, code: "ValidationFailed", check: (body) => expect(body.error.message).toMatch(/^events\[0\]\.userId: /) }),
    },
    {
      route: "GET /analytics/me/summary",
      name: "counts the caller's own events only (a userId in the query is ignored)",
      request: () => ({ path: `/analytics/me/summary?days=2&userId=${subs.userA}&user_id=${subs.userA}` }),
      expect: same({
        status: 200,
        check: (body, who) => {
          expect(body.userId).toBe(subs[who]);
          if (who === "userA") expect(body.counts[ctx.aOnlyType]).toBe(1);
          else expect(body.counts[ctx.aOnlyType]).toBeUndefined();
        },
      }),
    },
    {
      route: "GET /analytics/daily-active-users",
      name: "admins only",
      request: () => ({ path: `/analytics/daily-active-users?from=${yesterday()}&to=${today()}` }),
      expect: adminOnly({
        status: 200,
        check: (body) => {
          expect(body.days).toHaveLength(2);
          expect(body.days[1].date).toBe(today());
          expect(body.days[1].users).toBeGreaterThanOrEqual(1); // A was active today
        },
      }),
    },
    {
      route: "GET /analytics/reports/{name}",
      name: "admins only",
      request: () => ({ path: "/analytics/reports/daily-active-users" }),
      expect: adminOnly({ status: 202, check: (body) => expect(body).toEqual({ executionId: expect.stringMatching(/^[0-9a-f-]{36}$/), report: "daily-active-users" }) }),
    },
    {
      route: "GET /analytics/reports/executions/{id}",
      name: "admins only",
      request: () => ({ path: `/analytics/reports/executions/${ctx.executionId}` }),
      expect: adminOnly({
        status: 200,
        check: (body) => {
          expect(body).toMatchObject({ executionId: ctx.executionId, report: "daily-active-users", state: expect.stringMatching(/^(QUEUED|RUNNING|SUCCEEDED)$/) });
          // moto runs no SQL: a succeeded execution has no rows (README, "Run the whole platform locally").
          if (body.state === "SUCCEEDED") expect(body.rows).toEqual([]);
        },
      }),
    },
    {
      route: "POST /files",
      name: "signs an upload into the caller's own prefix, owned by the caller",
      request: (who) => ({ path: "/files", method: "POST", headers: json, body: { fileName: `${who}.txt`, contentType: "text/plain", size: 10 } }),
      expect: same({
        status: 201,
        check: (body, who) => {
          expect(body.upload.fields.key).toBe(`uploads/${subs[who]}/${body.file.fileId}/${who}.txt`);
          expect(body.upload.fields["x-amz-meta-owner"]).toBe(subs[who]);
        },
      }),
    },
    {
      route: "GET /files",
      name: "lists the caller's own files only (an owner in the query is ignored)",
      request: () => ({ path: `/files?owner=${subs.userA}&ownerId=${subs.userA}` }),
      expect: same({
        status: 200,
        check: (body, who) => {
          const ids = (body.files as Array<{ fileId: string }>).map((f) => f.fileId);
          if (who === "userA") expect(ids).toEqual(expect.arrayContaining([ctx.fileA, ctx.fileA2]));
          else expect(ids).toEqual([]);
        },
      }),
    },
    {
      route: "GET /files/{id}",
      name: "A's file: its owner only; anyone else 404, never 403",
      request: () => ({ path: `/files/${ctx.fileA}` }),
      expect: {
        userA: {
          status: 200,
          check: (body) => {
            expect(body.file).toMatchObject({ fileId: ctx.fileA, status: "ready" });
            expect(typeof body.download.url).toBe("string");
          },
        },
        userB: notFound,
        lookalike: notFound,
        admin: notFound,
      },
    },
    {
      route: "DELETE /files/{id}",
      name: "A's file: its owner only; anyone else 404 and the file stays",
      request: () => ({ path: `/files/${ctx.fileA2}`, method: "DELETE" }),
      expect: {
        userA: { status: 204, check: async () => expect((await fileOfA(ctx.fileA2)).status).toBe(404) },
        userB: fileA2Stays,
        lookalike: fileA2Stays,
        admin: fileA2Stays,
      },
    },
  ];
  const eventIds = Object.fromEntries(USERS.map((who) => [who, randomUUID()])) as Record<UserName, string>;

  beforeAll(async () => {
    const names = Object.keys(emails) as Array<UserName | "deleter">;
    for (const who of names) await signUp(platform.endpoint, platform.userPoolClientId, emails[who], password);
    const cognito = new CognitoIdentityProviderClient({ ...aws, endpoint: platform.endpoint });
    try {
      await cognito.send(new CreateGroupCommand({ UserPoolId: platform.userPoolId, GroupName: "admins" }));
    } catch (err) {
      if ((err as { name?: string }).name !== "GroupExistsException") throw err;
    }
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: platform.userPoolId, GroupName: "admins", Username: emails.admin }));
    for (const group of ADMIN_LOOKALIKE_GROUPS) {
      await cognito.send(new CreateGroupCommand({ UserPoolId: platform.userPoolId, GroupName: group }));
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: platform.userPoolId, GroupName: group, Username: emails.lookalike }));
    }
    // Another app client of the same pool: its tokens are genuine, but for an audience the API does not accept.
    const other = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: platform.userPoolId,
        ClientName: `matrix-other-${tag}`,
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    cognito.destroy();
    const otherClientId = String(other.UserPoolClient?.ClientId);
    expect(otherClientId).not.toBe(platform.userPoolClientId);

    // Signed in after the group changes, so the tokens carry cognito:groups. ID tokens: profile-api reads the e-mail.
    for (const who of names) {
      tokens[who] = (await signIn(platform.endpoint, platform.userPoolClientId, emails[who], password)).idToken;
      subs[who] = claimsOf(tokens[who]).sub;
    }
    expect(claimsOf(tokens.admin)["cognito:groups"]).toEqual(["admins"]);
    expect([...claimsOf(tokens.lookalike)["cognito:groups"]].sort()).toEqual([...ADMIN_LOOKALIKE_GROUPS].sort());
    expect(claimsOf(tokens.userA)["cognito:groups"]).toBeUndefined();
    expect(new Set(Object.values(subs)).size).toBe(names.length);

    const viaOther = await signIn(platform.endpoint, otherClientId, emails.userA, password);
    expect(claimsOf(viaOther.idToken)).toMatchObject({ aud: otherClientId, sub: subs.userA });
    expect(claimsOf(viaOther.accessToken)).toMatchObject({ client_id: otherClientId, sub: subs.userA });
    const header = JSON.parse(Buffer.from(tokens.userA.split(".")[0], "base64url").toString("utf8"));
    const claimsA = claimsOf(tokens.userA);
    const now = Math.floor(Date.now() / 1000);
    const challenge = (description: string): string => `Bearer scope="" error="invalid_token" error_description="${description}"`;
    const foreignKey = await generateKeyPair("RS256");
    refused.anonymous = { challenge: "Bearer" };
    refused.expired = { token: await signWithMotoKeyAsync(header, { ...claimsA, iat: now - 3700, exp: now - 60 }), challenge: challenge("the token has expired") };
    refused.otherClientId = { token: viaOther.idToken, challenge: challenge("the token does not have a valid audience") };
    refused.otherClientAccess = { token: viaOther.accessToken, challenge: challenge("the token does not have a valid audience") };
    refused.otherIssuer = {
      token: await signWithMotoKeyAsync(header, { ...claimsA, iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_0therPool", exp: now + 1800 }),
      challenge: challenge("the token does not have a valid issuer"),
    };
    refused.forgedSignature = {
      token: await new SignJWT({ ...claimsA, exp: now + 1800 }).setProtectedHeader(header).sign(foreignKey.privateKey),
      challenge: challenge("the token signature is invalid"),
    };

    // A's data: two ready files (one to read, one to delete last) and an event type nobody else has.
    ctx.fileA = await uploadReady(tokens.userA, "a-read.txt");
    ctx.fileA2 = await uploadReady(tokens.userA, "a-delete.txt");
    const aOnly = randomUUID();
    const posted = await api("/events", {
      method: "POST",
      token: tokens.userA,
      headers: json,
      body: JSON.stringify({ events: [{ eventId: aOnly, type: ctx.aOnlyType, time: new Date().toISOString() }] }),
    });
    await withLogTail(() => expect(posted.status).toBe(202));
    expect(await activityRow(aOnly)).toEqual({ user_id: subs.userA, type: ctx.aOnlyType });
    const started = await api("/analytics/reports/daily-active-users", { token: tokens.admin });
    await withLogTail(() => expect(started.status).toBe(202));
    ctx.executionId = ((await started.json()) as { executionId: string }).executionId;
  });

  it("has exactly one set of rows per deployed route, and every deployed route is behind the JWT authorizer", () => {
    const deployed = platform.deployment.httpApis[0].routes;
    expect([...new Set(CASES.map((c) => c.route))].sort()).toEqual(deployed.map((r) => r.routeKey).sort());
    for (const r of deployed) expect({ route: r.routeKey, authorizationType: r.authorizationType }).toEqual({ route: r.routeKey, authorizationType: "JWT" });
  });

  it("control: the refused tokens are refused for the one claim changed (A's claims re-signed with the pool's key pass)", async () => {
    const header = JSON.parse(Buffer.from(tokens.userA.split(".")[0], "base64url").toString("utf8"));
    const resigned = await signWithMotoKeyAsync(header, { ...claimsOf(tokens.userA), exp: Math.floor(Date.now() / 1000) + 600 });
    const res = await api("/profiles/me", { token: resigned });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userId: string }).userId).toBe(subs.userA);
  });

  const describeExpected = (e: Expected): string => `${e.status}${e.code !== undefined ? ` ${e.code}` : ""}`;
  for (const c of CASES) {
    for (const who of ORDER) {
      const user = USERS.includes(who as UserName) ? (who as UserName) : undefined;
      const title = `${c.route} (${c.name}) as ${who} → ${user !== undefined ? describeExpected(c.expect[user]) : "401 from the authorizer"}`;
      it(title, async () => {
        const req = c.request(user ?? "userA");
        const token = user !== undefined ? tokens[user] : refused[who as RefusedName].token;
        const before = invocations.length;
        const res = await api(req.path, {
          method: req.method ?? "GET",
          token,
          headers: req.headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        });
        const text = await res.text();
        const body = text === "" ? undefined : JSON.parse(text);
        // What reached a function for this route, and as whom.
        const reached = invocations.slice(before).filter((i) => i.event?.routeKey === c.route);
        if (user === undefined) {
          await withLogTail(() =>
            expect({ status: res.status, body, challenge: res.headers.get("www-authenticate") }).toEqual({
              status: 401,
              body: { message: "Unauthorized" },
              challenge: refused[who as RefusedName].challenge,
            }),
          );
          expect(reached).toHaveLength(0);
          return;
        }
        const expected = c.expect[user];
        await withLogTail(() => expect({ status: res.status, code: body?.error?.code }).toEqual({ status: expected.status, code: expected.code }));
        expect(reached.map((i) => i.event.requestContext.authorizer.jwt.claims.sub)).toEqual([subs[user]]);
        await expected.check?.(body, user);
      });
    }
  }

  it("DELETE /profiles/me deletes the caller's account only: C's goes, A's and B's profiles and A's file stay", async () => {
    const started = await api("/profiles/me", { method: "DELETE", token: tokens.deleter });
    expect(started.status).toBe(202);
    const { executionId } = (await started.json()) as { executionId: string };
    expect(executionId).toMatch(new RegExp(`:execution:platform-local-delete-user:delete-${subs.deleter}-v1$`));
    const done = await eventually("C's deletion to finish", async () => {
      const body = (await (await api("/profiles/me/deletion", { token: tokens.deleter })).json()) as { status: string };
      return body.status === "RUNNING" ? undefined : body;
    });
    expect(done).toMatchObject({ status: "SUCCEEDED", executionId });
    expect((await api("/profiles/me", { token: tokens.deleter })).status).toBe(404);
    for (const who of ["userA", "userB", "lookalike", "admin"] as const) {
      const res = await api("/profiles/me", { token: tokens[who] });
      expect({ who, status: res.status }).toEqual({ who, status: 200 });
      const deletion = await api("/profiles/me/deletion", { token: tokens[who] });
      expect({ who, status: deletion.status }).toEqual({ who, status: 404 });
    }
    expect((await fileOfA(ctx.fileA)).status).toBe(200);
    await expect(signIn(platform.endpoint, platform.userPoolClientId, emails.userA, password)).resolves.toBeDefined();
  });
});

describe("reliability campaign: nothing lost under injected faults (scripts/chaos, `npm run chaos` at full N)", () => {
  let report: CampaignReport;

  it("conserves every acknowledged profile change, accepted activity event and poison message while faults are injected", async () => {
    report = await runConservationCampaign(platform, {
      users: 12,
      seed: 20261201,
      ops: [3, 6],
      deleteChance: 0.08,
      poison: 2,
      concurrency: 6,
      // Higher rates than the full run, so that a dozen users meet every kind of fault.
      rates: { dataApiBurstEveryMs: 700, kinesisBatchFailure: 0.5, sqsVisibility: 0.3, snsDuplicate: 0.5, workerKill: 0.15, dynamodbThrottle: 0.08 },
      drainTimeoutMs: 150_000,
      log: () => undefined,
    });
    if (report.mismatches.length > 0) console.log(formatCampaign(report));
    // Not a loss (the row exists once): an event accepted before DELETE /profiles/me but stored after the workflow's
    // SweepAnalytics step (workflows.inFlightWaitSeconds after the Cognito user is deleted: 20 s locally) keeps the
    // user's id. With injected Kinesis batch failures an event can take longer than that; `npm run chaos` fails on it,
    // here it is tolerated.
    expect(report.mismatches.filter((m) => !m.startsWith("not anonymised: "))).toEqual([]);
    expect(report.verdict.eventsCompared).toBeGreaterThan(0);
    expect(report.verdict.poisonFound).toBe(4);
    expect(report.deadLetters.get("platform-local-analytics-ingest-dlq")).toBe(2);
    // Each queue that received dead letters has a deployed alarm (read back from the endpoint) that would fire and notify.
    const firing = new Map(report.alarms.map((a) => [a.queue, a.firing]));
    expect(firing.get("platform-local-analytics-ingest-dlq")).toEqual([expect.any(String)]);
    expect(firing.get("platform-local-activity-processor-failures")).toEqual([expect.any(String)]);
    expect(report.faults.dynamodbThrottled + report.faults.dataApiResuming + report.faults.dataApi5xx).toBeGreaterThan(0);
    expect(report.faults.sqsVisibilityExpired + report.faults.snsDuplicate).toBeGreaterThan(0);
  });

  it("reports a lost activity row and a stale analytics users row as mismatches (the comparison is not vacuous)", async () => {
    const ddb = new DynamoDBClient({ ...aws, endpoint: platform.endpoint });
    const user = report.compared.users.find((u) => !u.deleted && u.accepted.size > 0)!;
    const [eventId] = [...user.accepted.keys()];
    const lost = await db.query("DELETE FROM activity_events WHERE event_id = $1 RETURNING *", [eventId]);
    await db.query("UPDATE users SET version = version - 1 WHERE user_id = $1", [user.sub]);
    try {
      const verdict = await verify({ ddb, db, ...report.compared });
      const found = verdict.mismatches.filter((m) => !m.startsWith("not anonymised: "));
      expect(found).toEqual(
        expect.arrayContaining([expect.stringContaining(`analytics row [${user.version - 1},`), `event ${eventId} of user ${user.index}: accepted with 202, not stored`]),
      );
      // Once an event is missing, a failure-destination batch without a malformed record is no longer known to be a
      // stored one (a replay would then matter): the check reports those too, and nothing else.
      const planted = (m: string): boolean => m.includes(`analytics row [${user.version - 1},`) || m === `event ${eventId} of user ${user.index}: accepted with 202, not stored`;
      expect(found.filter(planted)).toHaveLength(2);
      expect(found.filter((m) => !planted(m))).toEqual(found.filter((m) => !planted(m) && m.startsWith("activity-processor-failures holds a batch with no malformed record")));
    } finally {
      const r = lost.rows[0];
      await db.query("INSERT INTO activity_events (event_id, user_id, type, occurred_at, props, received_at) VALUES ($1, $2, $3, $4, $5, $6)", [
        r.event_id,
        r.user_id,
        r.type,
        r.occurred_at,
        r.props,
        r.received_at,
      ]);
      await db.query("UPDATE users SET version = version + 1 WHERE user_id = $1", [user.sub]);
      ddb.destroy();
    }
    const ddbAgain = new DynamoDBClient({ ...aws, endpoint: platform.endpoint });
    expect((await verify({ ddb: ddbAgain, db, ...report.compared })).mismatches.filter((m) => !m.startsWith("not anonymised: "))).toEqual([]);
    ddbAgain.destroy();
  });
});

describe("restart without --reset", () => {
  it("restores moto from the deploy journal without running Terraform, keeping DynamoDB and PostgreSQL data", async () => {
    const before = {
      pool: platform.userPoolId,
      api: platform.deployment.httpApis[0].apiId,
      endpointPort: Number(new URL(platform.endpoint).port),
      apiPort: Number(new URL(platform.apiUrl).port),
    };
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
      webPort: false,
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
