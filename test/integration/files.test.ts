/**
 * The files service on real emulators (moto for S3 and SQS, DynamoDB Local), each started once per jest run:
 * files-api signs real presigned POSTs that a real multipart HTTP POST uses; the S3 notification configuration of the
 * synthesized stack makes moto send real event messages to a real queue; object-metadata consumes them.
 *
 * moto enforces none of a POST policy's conditions nor its signature (DESIGN.md), so the tests decode the policy and
 * assert each condition, and show that object-metadata's own checks catch, on the emulator, what S3 would have refused.
 */
import { randomUUID } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { FILES_TABLE_SCHEMA, UPLOADS_PREFIX } from "../../lambdas/files/schema";
import { normaliseSequencer, objectKey } from "../../lambdas/files/domain";
import { resourcesOf, synthApp } from "../support/app-synth";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";
import { cognitoClaims, httpApiEvent, lambdaContext, sqsEvent } from "../support/events";
import { testDynamoDbClient, uniqueTableName, useLocalAws } from "../support/local-aws";
import { motoEndpoint } from "../support/moto";

type FilesApi = typeof import("../../lambdas/files/files-api");
type ObjectMetadata = typeof import("../../lambdas/files/object-metadata");

const MAX_SIZE = 1024;
const TYPES = ["image/png", "text/plain"];
const suffix = randomUUID().slice(0, 8);
const bucketName = `files-it-${suffix}`;
const tableName = uniqueTableName("files-it");
const alice = { sub: `alice-${suffix}`, email: "alice@example.com" };
const bob = { sub: `bob-${suffix}`, email: "bob@example.com" };

let filesApi: FilesApi;
let objectMetadata: ObjectMetadata;
let s3: S3Client;
let sqs: SQSClient;
let queueUrl: string;
let documents: DynamoDBDocumentClient;
/** The queue block of the synthesized dev stack's aws_s3_bucket_notification. */
let synthesizedNotification: { events: string[]; filter_prefix?: string; filter_suffix?: string };

beforeAll(async () => {
  const dev = synthApp({ offline: true }).stack("platform-dev");
  const notifications = resourcesOf(dev, "aws_s3_bucket_notification");
  expect(notifications).toHaveLength(1);
  expect(notifications[0].queue).toHaveLength(1);
  synthesizedNotification = notifications[0].queue[0];

  const endpoint = motoEndpoint();
  const aws = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  s3 = new S3Client(aws);
  sqs = new SQSClient(aws);
  await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucketName, VersioningConfiguration: { Status: "Enabled" } }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `file-events-${suffix}` }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  // The stack's own notification configuration (events and filters), pointed at this test's queue.
  const rules = [
    ...(synthesizedNotification.filter_prefix ? [{ Name: "prefix" as const, Value: synthesizedNotification.filter_prefix }] : []),
    ...(synthesizedNotification.filter_suffix ? [{ Name: "suffix" as const, Value: synthesizedNotification.filter_suffix }] : []),
  ];
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucketName,
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: synthesizedNotification.events as never, Filter: { Key: { FilterRules: rules } } }] },
    }),
  );

  const ddb = testDynamoDbClient();
  await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: FILES_TABLE_SCHEMA.partitionKey.name, AttributeType: "S" },
        { AttributeName: FILES_TABLE_SCHEMA.sortKey.name, AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: FILES_TABLE_SCHEMA.partitionKey.name, KeyType: "HASH" },
        { AttributeName: FILES_TABLE_SCHEMA.sortKey.name, KeyType: "RANGE" },
      ],
    }),
  );
  await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  documents = DynamoDBDocumentClient.from(ddb);

  useLocalAws({
    AWS_ENDPOINT_URL_S3: endpoint,
    FILES_TABLE_NAME: tableName,
    FILES_BUCKET_NAME: bucketName,
    FILES_MAX_SIZE_BYTES: String(MAX_SIZE),
    FILES_ALLOWED_CONTENT_TYPES: TYPES.join(","),
  });
  filesApi = await import("../../lambdas/files/files-api");
  objectMetadata = await import("../../lambdas/files/object-metadata");
  await drainEvents(); // S3's TestEvent of the new configuration
}, 120_000);

// ---------------------------------------------------------------------------------------------------------------------
// helpers

type User = typeof alice;

async function call(user: User | null, method: string, path: string, options: { body?: unknown; routeKey?: string; id?: string; query?: Record<string, string> } = {}) {
  const event = httpApiEvent({
    method,
    path,
    routeKey: options.routeKey ?? `${method} ${path}`,
    claims: user === null ? null : cognitoClaims(user.sub, user.email),
    ...(options.body !== undefined ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) } : {}),
  });
  const withParams = {
    ...event,
    ...(options.id !== undefined ? { pathParameters: { id: options.id } } : {}),
    ...(options.query !== undefined ? { queryStringParameters: options.query } : {}),
  };
  const res = await filesApi.handler(withParams, lambdaContext("files-api"));
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
}

interface Upload {
  fileId: string;
  url: string;
  fields: Record<string, string>;
}

async function requestUpload(user: User, fileName: string, contentType: string, size: number): Promise<Upload> {
  const res = await call(user, "POST", "/files", { body: { fileName, contentType, size } });
  expect(res.status).toBe(201);
  return { fileId: res.body.file.fileId, url: res.body.upload.url, fields: res.body.upload.fields };
}

/** A real multipart/form-data POST with the SDK-generated fields, the file last (as S3 requires). */
async function post(upload: Upload, bytes: Buffer, override: Record<string, string> = {}): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...upload.fields, ...override })) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(bytes)]), "upload.bin");
  const res = await fetch(upload.url, { method: "POST", body: form });
  await res.arrayBuffer();
  return res.status;
}

/** Every message moto sent so far, removed from the queue. */
async function drainEvents(): Promise<Array<{ messageId: string; body: string }>> {
  const out: Array<{ messageId: string; body: string }> = [];
  for (let empty = 0; empty < 2;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = got.Messages ?? [];
    if (messages.length === 0) {
      empty += 1;
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    out.push(...messages.map((m) => ({ messageId: m.MessageId!, body: m.Body! })));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return out;
}

/** Hands moto's pending event messages to object-metadata, as Lambda's SQS event source would. */
async function consumeEvents(): Promise<{ messages: Array<{ messageId: string; body: string }>; failures: string[] }> {
  const messages = await drainEvents();
  if (messages.length === 0) return { messages, failures: [] };
  const response = await objectMetadata.handler(sqsEvent(messages), lambdaContext("object-metadata"));
  return { messages, failures: response.batchItemFailures.map((f) => f.itemIdentifier) };
}

async function item(ownerId: string, fileId: string): Promise<Record<string, unknown> | undefined> {
  return (await documents.send(new GetCommand({ TableName: tableName, Key: { ownerId, fileId }, ConsistentRead: true }))).Item;
}

async function versionsUnder(prefix: string): Promise<number> {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucketName, Prefix: prefix }));
  return (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
}

async function uploadReady(user: User, fileName: string, content: string, contentType = "text/plain"): Promise<Upload> {
  const bytes = Buffer.from(content);
  const upload = await requestUpload(user, fileName, contentType, bytes.length);
  expect(await post(upload, bytes)).toBe(204);
  const { failures } = await consumeEvents();
  expect(failures).toEqual([]);
  return upload;
}

// ---------------------------------------------------------------------------------------------------------------------

describe("the synthesized notification", () => {
  it("sends ObjectCreated and ObjectRemoved of uploads/ only", () => {
    expect(synthesizedNotification.events).toEqual(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]);
    expect(synthesizedNotification.filter_prefix).toBe(UPLOADS_PREFIX);
  });
});

describe("POST /files", () => {
  it("signs a POST whose policy pins the bucket, the key, the type, the size range, the owner and a 5-minute expiry", async () => {
    const before = Date.now();
    const res = await call(alice, "POST", "/files", { body: { fileName: "notes.txt", contentType: "text/plain", size: 12 } });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/files/${res.body.file.fileId}`);
    expect(res.body.file).toMatchObject({ fileName: "notes.txt", contentType: "text/plain", size: 12, status: "pending" });
    const { url, fields, fileField, method } = res.body.upload;
    expect({ method, fileField }).toEqual({ method: "POST", fileField: "file" });
    expect(url).toContain(bucketName);
    const key = objectKey(alice.sub, res.body.file.fileId, "notes.txt");
    expect(fields).toMatchObject({ key, "Content-Type": "text/plain", "x-amz-meta-owner": alice.sub, "X-Amz-Algorithm": "AWS4-HMAC-SHA256" });
    expect(fields["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);

    const policy = JSON.parse(Buffer.from(fields.Policy, "base64").toString("utf8"));
    const expiry = Date.parse(policy.expiration);
    expect(expiry - before).toBeGreaterThanOrEqual(299_000);
    expect(expiry - before).toBeLessThanOrEqual(302_000);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ["eq", "$Content-Type", "text/plain"],
        ["content-length-range", 1, MAX_SIZE],
        ["eq", "$x-amz-meta-owner", alice.sub],
        { bucket: bucketName },
        { key },
        { "X-Amz-Algorithm": "AWS4-HMAC-SHA256" },
        { "X-Amz-Credential": fields["X-Amz-Credential"] },
        { "X-Amz-Date": fields["X-Amz-Date"] },
      ]),
    );
    // Every field sent is covered by a condition (S3 refuses a form field the policy does not mention).
    const covered = new Set(policy.conditions.flatMap((c: unknown) => (Array.isArray(c) ? [String(c[1]).replace(/^\$/, "")] : Object.keys(c as object))));
    for (const name of Object.keys(fields).filter((f) => !["Policy", "X-Amz-Signature"].includes(f))) expect(covered).toContain(name);
  });

  it.each([
    [{ fileName: "a.gif", contentType: "image/gif", size: 10 }, "UnsupportedContentType"],
    [{ fileName: "a.png", contentType: "image/png", size: MAX_SIZE + 1 }, "FileTooLarge"],
    [{ fileName: "..", contentType: "image/png", size: 10 }, "InvalidFileName"],
    [{ fileName: "a.png", contentType: "image/png", size: 0 }, "InvalidFileSize"],
    [{ fileName: "a.png", size: 10 }, "ValidationFailed"],
    ["{not json", "MalformedJson"],
  ])("answers 400 with a code for %j", async (body, code) => {
    const res = await call(alice, "POST", "/files", { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message.length).toBeGreaterThan(10);
  });

  it("answers 401 without an authorizer context", async () => {
    expect((await call(null, "POST", "/files", { body: { fileName: "a.txt", contentType: "text/plain", size: 1 } })).status).toBe(401);
  });
});

describe("upload → S3 event → object-metadata → file", () => {
  it("a presigned upload becomes a ready file; its key (spaces, unicode) is decoded from moto's encoding; download gives the same bytes", async () => {
    const content = `hello ${randomUUID()}`;
    const upload = await requestUpload(alice, "my report é.txt", "text/plain", Buffer.byteLength(content));
    expect(await post(upload, Buffer.from(content))).toBe(204);
    const { messages, failures } = await consumeEvents();
    expect(failures).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0].body).Records[0].s3.object.key).toContain("%2F"); // moto encodes the whole key

    const stored = await item(alice.sub, upload.fileId);
    expect(stored).toMatchObject({
      status: "ready",
      size: Buffer.byteLength(content),
      contentType: "text/plain",
      fileName: "my report é.txt",
      key: objectKey(alice.sub, upload.fileId, "my report é.txt"),
    });
    expect(stored?.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(stored).not.toHaveProperty("expiresAt");

    const got = await call(alice, "GET", `/files/${upload.fileId}`, { routeKey: "GET /files/{id}", id: upload.fileId });
    expect(got.status).toBe(200);
    expect(got.body.file).toMatchObject({ fileId: upload.fileId, status: "ready" });
    const downloadUrl = new URL(got.body.download.url);
    expect(downloadUrl.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(downloadUrl.searchParams.get("response-content-disposition")).toBe(`attachment; filename="my report _.txt"; filename*=UTF-8''my%20report%20%C3%A9.txt`);
    const download = await fetch(downloadUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString("utf8")).toBe(content);
  });

  it("a repeated event changes nothing", async () => {
    const content = "same twice";
    const upload = await requestUpload(alice, "twice.txt", "text/plain", content.length);
    expect(await post(upload, Buffer.from(content))).toBe(204);
    const messages = await drainEvents();
    const context = lambdaContext("object-metadata");
    await objectMetadata.handler(sqsEvent(messages), context);
    const first = await item(alice.sub, upload.fileId);
    const again = await objectMetadata.handler(sqsEvent(messages.map((m) => ({ body: m.body }))), context);
    expect(again.batchItemFailures).toEqual([]);
    expect(await item(alice.sub, upload.fileId)).toEqual(first);
  });

  it("an object larger than signed (moto does not enforce content-length-range) is deleted and the file rejected", async () => {
    const upload = await requestUpload(alice, "small.txt", "text/plain", 5);
    expect(await post(upload, Buffer.from("far more than five bytes"))).toBe(204); // S3 would answer 400 EntityTooLarge
    expect((await consumeEvents()).failures).toEqual([]);
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "rejected", reason: "SizeMismatch" });
    expect(await versionsUnder(`${UPLOADS_PREFIX}${alice.sub}/${upload.fileId}/`)).toBe(0);
    const got = await call(alice, "GET", `/files/${upload.fileId}`, { routeKey: "GET /files/{id}", id: upload.fileId });
    expect(got.body).toEqual({ file: expect.objectContaining({ status: "rejected", reason: "SizeMismatch" }) });
  });

  it("an object of another type than signed (moto does not enforce the eq condition) is deleted and the file rejected", async () => {
    const upload = await requestUpload(alice, "pic.png", "image/png", 4);
    expect(await post(upload, Buffer.from("<b/>"), { "Content-Type": "text/html" })).toBe(204);
    await consumeEvents();
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "rejected", reason: "ContentTypeMismatch" });
    expect(await versionsUnder(`${UPLOADS_PREFIX}${alice.sub}/${upload.fileId}/`)).toBe(0);
  });

  it("forged uploads are deleted: an unsigned file id, another owner's metadata, a key outside uploads/<owner>/<id>/", async () => {
    const forgedId = "01J00000000000000000000000";
    const forgedKey = objectKey(bob.sub, forgedId, "evil.txt");
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: forgedKey, Body: "x", ContentType: "text/plain", Metadata: { owner: bob.sub } }));
    const signed = await requestUpload(alice, "mine.txt", "text/plain", 1);
    expect(await post(signed, Buffer.from("y"), { "x-amz-meta-owner": bob.sub })).toBe(204); // S3 would refuse: the policy says eq alice
    const loose = `${UPLOADS_PREFIX}loose-${suffix}.txt`;
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: loose, Body: "z", ContentType: "text/plain" }));

    const { failures } = await consumeEvents();
    expect(failures).toEqual([]);
    expect(await versionsUnder(`${UPLOADS_PREFIX}${bob.sub}/${forgedId}/`)).toBe(0);
    expect(await item(bob.sub, forgedId)).toBeUndefined();
    expect(await versionsUnder(`${UPLOADS_PREFIX}${alice.sub}/${signed.fileId}/`)).toBe(0);
    expect(await item(alice.sub, signed.fileId)).toMatchObject({ status: "rejected", reason: "OwnerMismatch" });
    expect(await versionsUnder(loose)).toBe(0);
    // The deletions' own ObjectRemoved events change nothing.
    expect((await consumeEvents()).failures).toEqual([]);
    expect(await item(alice.sub, signed.fileId)).toMatchObject({ status: "rejected" });
  });

  it("acknowledges S3's test event and fails only a malformed message (redelivered, then dead-lettered)", async () => {
    const test = { messageId: "t", body: JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: "2024-01-01T00:00:00Z", Bucket: bucketName }) };
    const bad = { messageId: "bad", body: '{"Records": 3}' };
    const res = await objectMetadata.handler(sqsEvent([test, bad]), lambdaContext("object-metadata"));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: "bad" }]);
  });

  it("a removed object leaves a tombstone; GET answers 404", async () => {
    const upload = await uploadReady(alice, "gone.txt", "bye");
    const key = objectKey(alice.sub, upload.fileId, "gone.txt");
    // moto sends no event for a delete marker (DeleteMarkerCreated, see the sequencer tests), only ObjectRemoved:Delete
    // when the last version of a key is deleted.
    const versionId = (await item(alice.sub, upload.fileId))?.versionId as string;
    expect(versionId).toEqual(expect.any(String));
    await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: key, VersionId: versionId }));
    const { messages, failures } = await consumeEvents();
    expect(failures).toEqual([]);
    expect(JSON.parse(messages[0].body).Records[0].eventName).toBe("ObjectRemoved:Delete");
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "deleted" });
    expect((await call(alice, "GET", `/files/${upload.fileId}`, { routeKey: "GET /files/{id}", id: upload.fileId })).status).toBe(404);
  });
});

describe("event order by sequencer (records shaped as AWS documents them; moto sends none)", () => {
  const record = (eventName: string, key: string, sequencer: string) =>
    JSON.stringify({
      Records: [
        {
          eventVersion: "2.1",
          eventSource: "aws:s3",
          awsRegion: LOCAL_REGION,
          eventTime: new Date().toISOString(),
          eventName,
          s3: {
            s3SchemaVersion: "1.0",
            bucket: { name: bucketName, arn: `arn:aws:s3:::${bucketName}` },
            object: { key: encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+"), size: 5, eTag: "x", sequencer },
          },
        },
      ],
    });

  it("applies the newer event and ignores an older or repeated one, whatever order they arrive in", async () => {
    const upload = await uploadReady(alice, "ordered file.txt", "12345");
    const key = objectKey(alice.sub, upload.fileId, "ordered file.txt");
    const apply = async (...bodies: string[]) => (await objectMetadata.handler(sqsEvent(bodies.map((body) => ({ body }))), lambdaContext("object-metadata"))).batchItemFailures;

    expect(await apply(record("ObjectCreated:Post", key, "0055AED6DCD90281E5"))).toEqual([]);
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "ready", sequencer: normaliseSequencer("0055AED6DCD90281E5") });
    // An older event (shorter sequencer, right-padded) and a duplicate: refused by the stored sequencer.
    expect(await apply(record("ObjectCreated:Put", key, "0055AED6DCD90281E4FF".slice(0, 18)), record("ObjectCreated:Post", key, "0055AED6DCD90281E5"))).toEqual([]);
    expect((await item(alice.sub, upload.fileId))?.sequencer).toBe(normaliseSequencer("0055AED6DCD90281E5"));

    // The object is deleted; its removal arrives, then a late created event older than it.
    await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: key }));
    await drainEvents(); // moto's own (unsequenced) removal event: replaced below by AWS-shaped records
    expect(await apply(record("ObjectRemoved:DeleteMarkerCreated", key, "0055AED6DCD90281F0"))).toEqual([]);
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "deleted", sequencer: normaliseSequencer("0055AED6DCD90281F0") });
    expect(await apply(record("ObjectCreated:Post", key, "0055AED6DCD90281E6"))).toEqual([]);
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "deleted", sequencer: normaliseSequencer("0055AED6DCD90281F0") });
  });

  it("a removal that arrives before its object's creation event leaves the file deleted", async () => {
    const upload = await uploadReady(alice, "early.txt", "abc");
    const key = objectKey(alice.sub, upload.fileId, "early.txt");
    await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: key }));
    await drainEvents();
    const apply = async (body: string) => (await objectMetadata.handler(sqsEvent([{ body }]), lambdaContext("object-metadata"))).batchItemFailures;
    expect(await apply(record("ObjectRemoved:DeleteMarkerCreated", key, "00A0"))).toEqual([]);
    expect(await apply(record("ObjectCreated:Post", key, "009F"))).toEqual([]);
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "deleted" });
  });
});

describe("GET /files", () => {
  it("lists the caller's ready files, newest first, in pages with an opaque cursor", async () => {
    const carol = { sub: `carol-${suffix}`, email: "carol@example.com" };
    const uploads: Upload[] = [];
    for (const n of [1, 2, 3]) uploads.push(await uploadReady(carol, `c${n}.txt`, `content ${n}`));
    await requestUpload(carol, "pending.txt", "text/plain", 3); // signed, never uploaded: not listed

    const first = await call(carol, "GET", "/files", { query: { limit: "2" } });
    expect(first.status).toBe(200);
    expect(first.body.files.map((f: { fileName: string }) => f.fileName)).toEqual(["c3.txt", "c2.txt"]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(carol, "GET", "/files", { query: { limit: "2", cursor: first.body.nextCursor } });
    expect(second.body.files.map((f: { fileName: string }) => f.fileName)).toEqual(["c1.txt"]);
    expect(second.body).not.toHaveProperty("nextCursor");

    expect((await call(carol, "GET", "/files", { query: { limit: "0" } })).body.error.code).toBe("InvalidLimit");
    expect((await call(carol, "GET", "/files", { query: { cursor: "garbage" } })).body.error.code).toBe("InvalidCursor");
  });
});

describe("DELETE /files/{id}", () => {
  it("deletes every version of the object and the file, and is idempotent", async () => {
    const upload = await uploadReady(alice, "delete me.txt", "v1");
    const prefix = `${UPLOADS_PREFIX}${alice.sub}/${upload.fileId}/`;
    // a second version of the same key (re-posted with the same signed form while it is valid)
    expect(await post(upload, Buffer.from("v2"))).toBe(204);
    await consumeEvents();
    expect(await versionsUnder(prefix)).toBe(2);

    const del = (user: User) => call(user, "DELETE", `/files/${upload.fileId}`, { routeKey: "DELETE /files/{id}", id: upload.fileId });
    expect((await del(alice)).status).toBe(204);
    expect(await versionsUnder(prefix)).toBe(0);
    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "deleted" });
    expect((await consumeEvents()).failures).toEqual([]);
    expect((await del(alice)).status).toBe(204);
    expect((await call(alice, "GET", `/files/${upload.fileId}`, { routeKey: "GET /files/{id}", id: upload.fileId })).status).toBe(404);
  });
});

describe("owner isolation", () => {
  it("another user's file is not found on every route (404, never 403), and stays intact", async () => {
    const upload = await uploadReady(alice, "private.txt", "secret");
    const byId = (method: string) => call(bob, method, `/files/${upload.fileId}`, { routeKey: `${method} /files/{id}`, id: upload.fileId });

    const get = await byId("GET");
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe("NotFound");
    expect((await byId("DELETE")).status).toBe(404);
    const list = await call(bob, "GET", "/files");
    expect(list.body.files.map((f: { fileId: string }) => f.fileId)).not.toContain(upload.fileId);
    const own = await call(bob, "POST", "/files", { body: { fileName: "b.txt", contentType: "text/plain", size: 1 } });
    expect(own.body.upload.fields.key.startsWith(`${UPLOADS_PREFIX}${bob.sub}/`)).toBe(true);

    expect(await item(alice.sub, upload.fileId)).toMatchObject({ status: "ready" });
    expect(await versionsUnder(`${UPLOADS_PREFIX}${alice.sub}/${upload.fileId}/`)).toBe(1);
    expect((await call(alice, "GET", `/files/${upload.fileId}`, { routeKey: "GET /files/{id}", id: upload.fileId })).status).toBe(200);
  });

  it("a malformed file id is not found either", async () => {
    const res = await call(alice, "GET", "/files/../../x", { routeKey: "GET /files/{id}", id: "../../x" });
    expect(res.status).toBe(404);
  });
});
