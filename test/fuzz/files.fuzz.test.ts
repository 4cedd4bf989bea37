/**
 * Bad input, property-based, for the files service on the real emulators (moto S3, DynamoDB Local; started once per
 * jest run by the global setup): files-api (`POST /files`, `GET /files`, `GET|DELETE /files/{id}`) answers only 2xx or
 * its documented 4xx with a clean `{ error: { code, message } }`, whatever the body, headers, query string or path id;
 * object-metadata (S3 events through SQS) reports exactly the messages it cannot process, applies the others (ready,
 * rejected, removed; `s3:TestEvent` acknowledged), and fails the invocation only when every message fails.
 */
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent } from "aws-lambda";
import fc from "fast-check";
import { newFileId, objectKey, parseS3Message, safeFileName } from "../../lambdas/files/domain";
import { OWNER_METADATA } from "../../lambdas/files/schema";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";
import { cognitoClaims, httpApiEvent, lambdaContext, sqsEvent } from "../support/events";
import { createFilesTable, testDynamoDbClient, uniqueTableName, useLocalAws } from "../support/local-aws";
import { motoEndpoint } from "../support/moto";
import { Documented, anyBody, anyHeaderValue, anyJsonValue, anyQueryValue, expectDocumented, fcParams, hostileString } from "./support";

type FilesApi = typeof import("../../lambdas/files/files-api");
type ObjectMetadata = typeof import("../../lambdas/files/object-metadata");

const MAX_SIZE = 1024;
const TYPES = ["image/png", "text/plain"];
const suffix = randomUUID().slice(0, 8);
const bucketName = `files-fuzz-${suffix}`;
const tableName = uniqueTableName("files-fuzz");
const users = [`alice-${suffix}`, `bob-${suffix}`];

let filesApi: FilesApi;
let objectMetadata: ObjectMetadata;
let s3: S3Client;
let documents: DynamoDBDocumentClient;
/** Ids of files that exist in the table, per state, so the path-id property also hits real items. */
const known: Array<{ owner: string; fileId: string }> = [];

/**
 * The handler and README (files section): 400 from POST /files and GET /files, 404 for an unknown (or another user's)
 * file id; 401 when the token has no usable `sub` (the API's authorizer normally stops that earlier); 404 RouteNotFound
 * for a route this function does not serve.
 */
const DOCUMENTED: Documented = {
  400: ["MissingBody", "MalformedJson", "ValidationFailed", "InvalidFileName", "UnsupportedContentType", "FileTooLarge", "InvalidFileSize", "InvalidLimit", "InvalidCursor"],
  401: ["Unauthorized"],
  404: ["NotFound", "RouteNotFound"],
};

beforeAll(async () => {
  const endpoint = motoEndpoint();
  s3 = new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucketName, VersioningConfiguration: { Status: "Enabled" } }));
  const ddb = testDynamoDbClient();
  await createFilesTable(ddb, tableName);
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

  // Per user: a pending file, a ready file (real object, applied event) and a deleted one.
  for (const owner of users) {
    known.push({ owner, fileId: (await requestUpload(owner, "pending.txt", 5)).fileId });
    const ready = await requestUpload(owner, "ready file é.txt", 5);
    await putObject(ready.key, "ready", owner);
    await applyMessages([s3Message([{ eventName: "ObjectCreated:Post", key: ready.key }])], []);
    known.push({ owner, fileId: ready.fileId });
    const deleted = await requestUpload(owner, "deleted.png", 3, "image/png");
    await putObject(deleted.key, "abc", owner, "image/png");
    await applyMessages([s3Message([{ eventName: "ObjectCreated:Post", key: deleted.key }])], []);
    expect((await api("DELETE", owner, { routeKey: "DELETE /files/{id}", id: deleted.fileId })).statusCode).toBe(204);
    known.push({ owner, fileId: deleted.fileId });
  }
}, 120_000);

afterAll(async () => {
  if (process.env.FUZZ_REPORT !== undefined) {
    process.stdout.write(`files fuzz cases (status → count): ${JSON.stringify([...seen].map(([route, c]) => [route, Object.fromEntries(c)]))}\n`);
  }
  await testDynamoDbClient()
    .send(new DeleteTableCommand({ TableName: tableName }))
    .catch(() => undefined);
});

// ---------------------------------------------------------------------------------------------------------------------
// helpers

interface ApiRequest {
  routeKey: string;
  body?: { body?: string; isBase64Encoded: boolean };
  headers?: Record<string, string>;
  query?: Record<string, string>;
  id?: string;
  pathParameters?: Record<string, string> | null;
}

async function api(method: string, owner: string | null, request: ApiRequest) {
  const path = request.routeKey.split(" ")[1] ?? "/files";
  const event = httpApiEvent({
    method,
    path,
    routeKey: request.routeKey,
    claims: owner === null ? null : cognitoClaims(owner, `${owner}@example.com`),
    ...(request.body?.body !== undefined ? { body: request.body.body } : {}),
    isBase64Encoded: request.body?.isBase64Encoded ?? false,
    headers: request.headers ?? {},
  });
  const pathParameters = request.pathParameters !== undefined ? request.pathParameters : request.id !== undefined ? { id: request.id } : undefined;
  return filesApi.handler(
    {
      ...event,
      ...(pathParameters !== undefined ? { pathParameters: pathParameters ?? undefined } : {}),
      ...(request.query !== undefined ? { queryStringParameters: request.query } : {}),
    },
    lambdaContext("files-api"),
  );
}

async function requestUpload(owner: string, fileName: string, size: number, contentType = "text/plain"): Promise<{ fileId: string; key: string }> {
  const res = await api("POST", owner, { routeKey: "POST /files", body: { body: JSON.stringify({ fileName, contentType, size }), isBase64Encoded: false } });
  expect(res.statusCode).toBe(201);
  const { file, upload } = JSON.parse(res.body ?? "") as { file: { fileId: string }; upload: { fields: { key: string } } };
  return { fileId: file.fileId, key: upload.fields.key };
}

async function putObject(key: string, content: string, owner: string | undefined, contentType = "text/plain"): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucketName, Key: key, Body: content, ContentType: contentType, ...(owner !== undefined ? { Metadata: { [OWNER_METADATA]: owner } } : {}) }),
  );
}

async function versionsOf(key: string): Promise<number> {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucketName, Prefix: key }));
  return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].filter((v) => v.Key === key).length;
}

async function status(owner: string, fileId: string): Promise<unknown> {
  return (await documents.send(new GetCommand({ TableName: tableName, Key: { ownerId: owner, fileId }, ConsistentRead: true }))).Item?.status;
}

/** A key as S3 puts it in an event (form encoding: `+` for space, `/` kept), or as moto does (`/` as `%2F`). */
function encodeKey(key: string, moto: boolean): string {
  const encoded = encodeURIComponent(key).replace(/%20/g, "+");
  return moto ? encoded : encoded.replace(/%2F/g, "/");
}

/** An S3 event notification body (AWS's shape, event version 2.1). */
function s3Message(records: ReadonlyArray<{ eventName: string; key: string; bucket?: string; moto?: boolean; sequencer?: string }>): string {
  return JSON.stringify({
    Records: records.map((r) => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: LOCAL_REGION,
      eventTime: new Date().toISOString(),
      eventName: r.eventName,
      userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: { "x-amz-request-id": "EXAMPLE", "x-amz-id-2": "EXAMPLE" },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "uploads",
        bucket: { name: r.bucket ?? bucketName, ownerIdentity: { principalId: "EXAMPLE" }, arn: `arn:aws:s3:::${r.bucket ?? bucketName}` },
        object: { key: encodeKey(r.key, r.moto ?? false), size: 5, eTag: "d41d8cd98f00b204e9800998ecf8427e", ...(r.sequencer !== undefined ? { sequencer: r.sequencer } : {}) },
      },
    })),
  });
}

/** Runs object-metadata on the bodies and checks that exactly the messages at `failing` (indexes) are reported. */
async function applyMessages(bodies: readonly string[], failing: readonly number[]): Promise<SQSEvent> {
  const event = sqsEvent(bodies.map((body) => ({ body })));
  const expected = failing.map((i) => event.Records[i].messageId).sort();
  if (expected.length === bodies.length) {
    await expect(objectMetadata.handler(event, lambdaContext("object-metadata"))).rejects.toMatchObject({ name: "FullBatchFailureError" });
    return event;
  }
  const response = await objectMetadata.handler(event, lambdaContext("object-metadata"));
  expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(expected);
  return event;
}

/** Statuses seen per route: each property must reach both a success and a refusal, or its generators miss the point. */
const seen = new Map<string, Map<number, number>>();
function tally(route: string, statusCode: number): void {
  const counts = seen.get(route) ?? new Map<number, number>();
  counts.set(statusCode, (counts.get(statusCode) ?? 0) + 1);
  seen.set(route, counts);
}
function expectBothOutcomes(route: string, success: readonly number[]): void {
  const counts = [...(seen.get(route) ?? new Map<number, number>()).entries()];
  expect(counts.some(([code]) => success.includes(code))).toBe(true);
  expect(counts.some(([code]) => code >= 400)).toBe(true);
}

const owner = fc.constantFrom(...users);
const crockfordId = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);

// ---------------------------------------------------------------------------------------------------------------------
// files-api

/** Bodies near the schema: each field of any type or hostile, unknown fields, near-miss types and sizes. */
const shapedUploadBodies = [
  fc.record(
    {
      fileName: fc.oneof(hostileString(300), anyJsonValue, fc.constantFrom("a.png", "../../etc/passwd", "..", "C:\\x\\y.txt", "a/b/", " ", "é.png", "x".repeat(256))),
      contentType: fc.oneof(fc.constantFrom(...TYPES, "IMAGE/PNG", " text/plain ", "image/gif", "text/plain; charset=utf-8", ""), hostileString(100), anyJsonValue),
      size: fc.oneof(fc.integer({ min: -5, max: MAX_SIZE + 5 }), fc.double(), fc.constantFrom(0, 1, MAX_SIZE, MAX_SIZE + 1, 2 ** 53, -0, 1.5, "10"), anyJsonValue),
    },
    { requiredKeys: [] },
  ),
  fc.record({ fileName: fc.constant("a.txt"), contentType: fc.constant("text/plain"), size: fc.constant(1), [hostileString(20) as never]: anyJsonValue }),
  fc.dictionary(hostileString(300), anyJsonValue, { maxKeys: 4 }),
];

/** Valid bodies with hostile names (unicode, traversal, control characters, huge) and near-valid types and sizes. */
const nearlyValidUpload = fc
  .record({
    fileName: fc.oneof(hostileString(300), fc.constantFrom("a.png", "ünï cødé.txt", "my file (1).png", "../../x.txt", "a\\b.txt", "🔑.png")),
    contentType: fc.constantFrom(...TYPES, "IMAGE/PNG", " text/plain ", "Text/Plain"),
    size: fc.oneof(fc.integer({ min: 1, max: MAX_SIZE }), fc.constantFrom(MAX_SIZE, MAX_SIZE + 1, 0)),
  })
  .map((body) => ({ body: JSON.stringify(body), isBase64Encoded: false }));

describe("files-api under bad input", () => {
  it("POST /files: any body, content-type and extra headers → 201 or a documented 400", async () => {
    await fc.assert(
      fc.asyncProperty(
        owner,
        fc.oneof(anyBody(shapedUploadBodies), nearlyValidUpload),
        fc.dictionary(fc.constantFrom("content-type", "content-length", "x-amz-meta-owner", "authorization", "host"), anyHeaderValue, { maxKeys: 3 }),
        async (user, body, headers) => {
          const response = await api("POST", user, { routeKey: "POST /files", body, headers });
          tally("POST /files", response.statusCode);
          expectDocumented(response, DOCUMENTED, [201]);
        },
      ),
      fcParams(),
    );
    expectBothOutcomes("POST /files", [201]);
  });

  it("GET /files: any limit, cursor and other query parameters → 200 or a documented 400", async () => {
    const validCursor = (id: string) => Buffer.from(JSON.stringify({ after: id }), "utf8").toString("base64url");
    const cursor = fc.oneof(
      anyQueryValue,
      crockfordId.map(validCursor),
      anyJsonValue.map((after) => Buffer.from(JSON.stringify({ after }) ?? "", "utf8").toString("base64url")),
      fc.json().map((j) => Buffer.from(j, "utf8").toString("base64")),
      fc.constantFrom("", "=", "e30", "bnVsbA", "W10", validCursor(known[0]?.fileId ?? "0".repeat(26))),
    );
    await fc.assert(
      fc.asyncProperty(owner, fc.record({ limit: anyQueryValue, cursor, [hostileString(8) as never]: hostileString(50) }, { requiredKeys: [] }), async (user, query) => {
        const response = await api("GET", user, { routeKey: "GET /files", query: query as Record<string, string> });
        tally("GET /files", response.statusCode);
        expectDocumented(response, DOCUMENTED, [200]);
        if (response.statusCode === 200) {
          const page = JSON.parse(response.body ?? "") as { files: Array<{ status: string }> };
          expect(page.files.every((f) => f.status === "ready")).toBe(true);
        }
      }),
      fcParams(),
    );
    expectBothOutcomes("GET /files", [200]);
  });

  it("GET and DELETE /files/{id}: any path id (known ids of either user included), body and headers → 200/204 or 404", async () => {
    const id = fc.oneof(
      hostileString(60),
      crockfordId,
      crockfordId.map((i) => i.toLowerCase()),
      { weight: 3, arbitrary: fc.constantFrom(...known.map((k) => k.fileId)) },
      fc.constantFrom(...known.map((k) => ` ${k.fileId}`), ...known.map((k) => `${k.fileId}/`), ...known.map((k) => k.fileId.slice(1))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "DELETE"),
        owner,
        fc.option(id, { nil: undefined }),
        anyBody(),
        fc.dictionary(fc.constantFrom("if-match", "range", "content-type"), anyHeaderValue, { maxKeys: 2 }),
        async (method, user, fileId, body, headers) => {
          const response = await api(method, user, { routeKey: `${method} /files/{id}`, ...(fileId !== undefined ? { id: fileId } : { pathParameters: null }), body, headers });
          tally(`${method} /files/{id}`, response.statusCode);
          expectDocumented(response, { 404: ["NotFound"] }, method === "GET" ? [200] : [204]);
          const other = known.find((k) => k.fileId === fileId && k.owner !== user);
          if (other !== undefined && !known.some((k) => k.fileId === fileId && k.owner === user)) expect(response.statusCode).toBe(404);
        },
      ),
      fcParams(),
    );
    expectBothOutcomes("GET /files/{id}", [200]);
    expectBothOutcomes("DELETE /files/{id}", [204]);
  });

  it("any route key, any claims → a documented 4xx when the route or the caller is not one this function serves", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom("POST /files", "GET /files", "GET /files/{id}", "DELETE /files/{id}", "PUT /files", "$default", "GET /files/{proxy+}", ""), hostileString(40)),
        fc.oneof(fc.constant(null), fc.constantFrom("", " ", "\t", "a/b", "/", users[0])),
        async (routeKey, user) => {
          const method = routeKey.split(" ")[0] || "GET";
          const response = await api(method, user, { routeKey, body: { body: "{}", isBase64Encoded: false }, id: "NOPE" });
          expectDocumented(response, DOCUMENTED, [200, 201, 204]);
          if (user === null || user.trim() === "" || user.includes("/")) expect(response.statusCode).toBe(401);
        },
      ),
      fcParams(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// object-metadata

/** Bodies that are not S3 event messages (parseS3Message refuses them): kept only when the parser does. */
const malformedBody: fc.Arbitrary<string> = fc
  .oneof(
    hostileString(200),
    fc.json({ maxDepth: 3 }),
    anyJsonValue.map((v) => JSON.stringify(v) ?? "null"),
    // A valid message with one field of the wrong type.
    fc.constantFrom("eventName", "eventTime", "bucket", "key", "object", "s3", "Records").chain((field) =>
      anyJsonValue.map((v) => {
        const message = JSON.parse(s3Message([{ eventName: "ObjectCreated:Put", key: "uploads/x/y/z" }])) as { Records: Array<Record<string, any>> };
        const r = message.Records[0];
        if (field === "Records") return JSON.stringify({ Records: v });
        if (field === "s3") r.s3 = v;
        else if (field === "object") r.s3.object = v;
        else if (field === "bucket") r.s3.bucket = v;
        else if (field === "key") r.s3.object.key = v;
        else r[field] = v;
        return JSON.stringify(message);
      }),
    ),
    // Events the bucket is not configured to send.
    fc
      .constantFrom(
        "ObjectRestore:Post",
        "ObjectRestore:Completed",
        "s3:ReducedRedundancyLostObject",
        "LifecycleExpiration:Delete",
        "ObjectTagging:Put",
        "Replication:OperationFailedReplication",
        "",
        "objectcreated:put",
      )
      .map((eventName) => s3Message([{ eventName, key: "uploads/x/y/z" }])),
    // Keys that are not valid URL encoding (a lone surrogate's UTF-8 bytes, truncated escapes).
    fc.constantFrom("%ZZ", "%", "a%2", "%ED%A0%80", "%C3%28", "uploads%2F%E0%A4%A").map((key) =>
      JSON.stringify({
        Records: [{ ...JSON.parse(s3Message([{ eventName: "ObjectCreated:Put", key: "k" }])).Records[0], s3: { bucket: { name: bucketName }, object: { key } } }],
      }),
    ),
    // A TestEvent of another shape, an SNS envelope around a message (raw delivery is expected).
    fc.constantFrom(
      '{"Event":"s3:testevent"}',
      '{"Service":"Amazon S3","Event":"s3:TestEvent2"}',
      JSON.stringify({ Type: "Notification", Message: s3Message([{ eventName: "ObjectCreated:Put", key: "uploads/a/b/c" }]) }),
    ),
  )
  .filter((body) => !parseS3Message(body).ok);

/** Keys outside `uploads/<owner>/<fileId>/<name>` (hostile, unicode, traversal, near misses), storable in S3. */
const outsideKey: fc.Arbitrary<string> = fc
  .oneof(
    hostileString(60).map((s) => `other/${s}`),
    hostileString(60).map((s) => `uploads/${s}`),
    fc.tuple(owner, crockfordId).map(([o, id]) => `uploads/${o}/${id}`),
    fc.tuple(owner, crockfordId, hostileString(20)).map(([o, id, n]) => `uploads/${o}/${id}/${n}/extra`),
    fc.tuple(owner, hostileString(26)).map(([o, id]) => `uploads/${o}/${id}/name.txt`),
    fc.constantFrom(
      "uploads/",
      "uploads//x/y",
      "Uploads/a/01ARZ3NDEKTSV4RRFFQ69G5FAV/x",
      "../uploads/a/01ARZ3NDEKTSV4RRFFQ69G5FAV/x",
      "uploads/../../etc/passwd",
      "ünïcødé/ключ/🔑",
    ),
  )
  .filter((key) => {
    // Storable as an S3 key: 1–1024 bytes of well-formed UTF-8 without control characters (XML 1.0 cannot carry them).
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this filter excludes
    if (key === "" || /[\u0000-\u001f\u007f\uFFFE\uFFFF]/.test(key) || Buffer.byteLength(key, "utf8") > 1024) return false;
    try {
      encodeURIComponent(key);
    } catch {
      return false;
    }
    return true;
  })
  .filter((key) => {
    const m = /^uploads\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(key);
    return m === null || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(m[2]);
  });

type Kind =
  | { readonly kind: "ready"; readonly owner: string; readonly name: string; readonly moto: boolean }
  | { readonly kind: "mismatch"; readonly owner: string; readonly wrongOwner: boolean }
  | { readonly kind: "outside"; readonly key: string; readonly withObject: boolean; readonly moto: boolean }
  | { readonly kind: "removed"; readonly owner: string; readonly fileId: string }
  | { readonly kind: "test" }
  | { readonly kind: "wrongBucket" }
  | { readonly kind: "malformed"; readonly body: string };

const kind: fc.Arbitrary<Kind> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({
        owner,
        name: fc.oneof(
          fc.constantFrom("a.txt", "my notes (1).txt", "ünïcødé ключ.txt", "a+b=c&d.txt", "%41.txt", "50% off.txt", '"quoted".txt'),
          hostileString(100).filter((n) => safeFileName(n).ok),
        ),
        moto: fc.boolean(),
      })
      .map((k) => ({ kind: "ready" as const, ...k })),
  },
  { weight: 1, arbitrary: fc.record({ owner, wrongOwner: fc.boolean() }).map((k) => ({ kind: "mismatch" as const, ...k })) },
  { weight: 2, arbitrary: fc.record({ key: outsideKey, withObject: fc.boolean(), moto: fc.boolean() }).map((k) => ({ kind: "outside" as const, ...k })) },
  { weight: 1, arbitrary: fc.record({ owner, fileId: crockfordId }).map((k) => ({ kind: "removed" as const, ...k })) },
  { weight: 1, arbitrary: fc.constant({ kind: "test" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "wrongBucket" as const }) },
  { weight: 4, arbitrary: malformedBody.map((body) => ({ kind: "malformed" as const, body })) },
);

/** What a message is and what must hold after the batch. */
interface Prepared {
  readonly body: string;
  readonly fails: boolean;
  check(): Promise<void>;
}

async function prepare(k: Kind): Promise<Prepared> {
  switch (k.kind) {
    case "ready": {
      const upload = await requestUpload(k.owner, k.name, 5);
      await putObject(upload.key, "hello", k.owner);
      return {
        body: s3Message([{ eventName: "ObjectCreated:Post", key: upload.key, moto: k.moto }]),
        fails: false,
        check: async () => {
          expect(await status(k.owner, upload.fileId)).toBe("ready");
          // The ready file is served under the name it was uploaded with, whatever that name is.
          const res = await api("GET", k.owner, { routeKey: "GET /files/{id}", id: upload.fileId });
          expectDocumented(res, {}, [200]);
          expect(JSON.parse(res.body ?? "")).toMatchObject({
            file: { fileName: k.name, status: "ready" },
            download: { url: expect.stringContaining("response-content-disposition=attachment") },
          });
        },
      };
    }
    case "mismatch": {
      const upload = await requestUpload(k.owner, "m.txt", 5);
      // Another size than signed, or another owner's metadata: S3's policy would refuse it, object-metadata must too.
      await putObject(upload.key, k.wrongOwner ? "hello" : "hello, world", k.wrongOwner ? users.find((u) => u !== k.owner) : k.owner);
      return {
        body: s3Message([{ eventName: "ObjectCreated:Put", key: upload.key }]),
        fails: false,
        check: async () => {
          expect(await status(k.owner, upload.fileId)).toBe("rejected");
          expect(await versionsOf(upload.key)).toBe(0);
        },
      };
    }
    case "outside": {
      if (k.withObject) await putObject(k.key, "x", undefined);
      return {
        body: s3Message([{ eventName: "ObjectCreated:Put", key: k.key, moto: k.moto }]),
        fails: false,
        check: async () => expect(await versionsOf(k.key)).toBe(0),
      };
    }
    case "removed":
      return {
        body: s3Message([{ eventName: "ObjectRemoved:Delete", key: objectKey(k.owner, k.fileId, "gone.txt") }]),
        fails: false,
        check: async () => undefined,
      };
    case "test":
      return {
        body: JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: new Date().toISOString(), Bucket: bucketName, RequestId: "X", HostId: "Y" }),
        fails: false,
        check: async () => undefined,
      };
    case "wrongBucket":
      // Documented: an event of another bucket means the notification is wired to the wrong function; it fails.
      return {
        body: s3Message([{ eventName: "ObjectCreated:Put", key: `uploads/${users[0]}/${newFileId()}/a.txt`, bucket: `other-${suffix}` }]),
        fails: true,
        check: async () => undefined,
      };
    case "malformed":
      return { body: k.body, fails: true, check: async () => undefined };
  }
}

describe("object-metadata under mixed batches", () => {
  it("reports exactly the messages it cannot process, applies the others, and fails the invocation only when all fail", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(kind, { minLength: 1, maxLength: 8 }), async (kinds) => {
        const prepared: Prepared[] = [];
        for (const k of kinds) prepared.push(await prepare(k));
        await applyMessages(
          prepared.map((p) => p.body),
          prepared.flatMap((p, i) => (p.fails ? [i] : [])),
        );
        for (const p of prepared) await p.check();
      }),
      fcParams(30),
    );
  }, 120_000);
});
