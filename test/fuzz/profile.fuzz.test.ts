/**
 * Bad input, property-based: profile-api (`GET|PUT|DELETE /profiles/me`, `GET /profiles/me/deletion`, on DynamoDB Local,
 * DELETE starting a state machine on the local runtime's Step Functions endpoint) answers only 2xx or its
 * documented 4xx with a clean `{ error: { code, message } }`; profile-events (DynamoDB stream) reports exactly the
 * malformed records and publishes the valid ones, never failing a whole batch for some bad records.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import fc from "fast-check";
import { mapStreamRecord } from "../../lambdas/profile/domain";
import { cognitoClaims, httpApiEvent, lambdaContext } from "../support/events";
import { createProfilesTable, deleteTable, testDynamoDbClient, uniqueTableName, useLocalAws } from "../support/local-aws";
import { SnsQueryServer } from "../support/sns-query-server";
import { invokeHandlers, LocalStepFunctions, startLocalStepFunctions } from "../support/step-functions";
import { Documented, anyBody, anyHeaderValue, anyJsonValue, expectDocumented, fcParams, hostileString } from "./support";

type ApiModule = typeof import("../../lambdas/profile/profile-api");
type EventsModule = typeof import("../../lambdas/profile/profile-events");

const tableName = uniqueTableName("profiles-fuzz");
const topicArn = "arn:aws:sns:us-east-1:123456789012:platform-fuzz-user-data-change";
const sns = new SnsQueryServer();
let api: ApiModule;
let events: EventsModule;
let stepFunctions: LocalStepFunctions;

beforeAll(async () => {
  const snsEndpoint = await sns.start();
  useLocalAws({ PROFILES_TABLE_NAME: tableName, USER_DATA_CHANGE_TOPIC_ARN: topicArn, AWS_ENDPOINT_URL_SNS: snsEndpoint });
  // DELETE starts a real execution; the workflow's own steps are tested in test/integration/account-deletion.test.ts.
  stepFunctions = await startLocalStepFunctions({ invoke: invokeHandlers({}) });
  process.env.DELETE_USER_STATE_MACHINE_ARN = await stepFunctions.createStateMachine(
    `platform-fuzz-delete-user-${randomUUID().slice(0, 8)}`,
    JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } }),
  );
  process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
  await createProfilesTable(testDynamoDbClient(), tableName);
  api = await import("../../lambdas/profile/profile-api");
  events = await import("../../lambdas/profile/profile-events");
}, 60_000);

afterAll(async () => {
  await stepFunctions?.close();
  await sns.stop();
  await deleteTable(testDynamoDbClient(), tableName).catch(() => undefined);
});

/**
 * README / handler: 400 MissingBody | MalformedJson | ValidationFailed | InvalidIfMatch, 404 NotFound | NoDeletion,
 * 409 DeletionInProgress | AccountDeleted | WriteConflict (retryable, `retry-after: 1`), 412 PreconditionFailed.
 */
const DOCUMENTED: Documented = {
  400: ["MissingBody", "MalformedJson", "ValidationFailed", "InvalidIfMatch"],
  404: ["NotFound", "NoDeletion"],
  409: ["DeletionInProgress", "AccountDeleted", "WriteConflict"],
  412: ["PreconditionFailed"],
};

/** A valid body with one field replaced by a value of any type, or an unknown field added. */
const shapedProfileBodies = [
  fc.record({ displayName: anyJsonValue }),
  fc.record(
    { displayName: hostileString(80), locale: fc.oneof(hostileString(20), anyJsonValue), bio: fc.oneof(hostileString(600), anyJsonValue) },
    { requiredKeys: ["displayName"] },
  ),
  fc.record({ displayName: fc.constant("Ada"), extra: anyJsonValue }),
  fc.record({ displayName: hostileString(70), locale: fc.constantFrom("en", "pt-BR", "EN-gb", "x-private", "", "zz-ZZZZ-1234") }),
];

/** A few users, so GET/DELETE see existing and missing profiles, versions and If-Match races. */
const userId = fc.constantFrom("fuzz-a", "fuzz-b", "fuzz-c").map((u) => `${u}-${tableName}`);

describe("profile-api under bad input", () => {
  it.each([
    ["displayName", { displayName: "a\u0000b" }],
    ["displayName", { displayName: "x\uD800" }],
    ["bio", { displayName: "Ada", bio: "\uDFFFbio" }],
    ["bio", { displayName: "Ada", bio: "\u0000" }],
    ["locale", { displayName: "Ada", locale: "en\u0000" }],
  ])("PUT /profiles/me with U+0000 or a lone surrogate in %s → 400 ValidationFailed naming it; nothing is stored", async (field, input) => {
    const user = `fuzz-nul-${randomUUID()}`;
    const event = httpApiEvent({ method: "PUT", claims: cognitoClaims(user, `${user}@example.com`), body: JSON.stringify(input) });
    const response = await api.handler(event, lambdaContext("profile-api"));
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body ?? "") as { error: { code: string; message: string } };
    expect(body.error.code).toBe("ValidationFailed");
    expect(body.error.message).toContain(`${field}: must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate`);
    const get = await api.handler(httpApiEvent({ method: "GET", claims: cognitoClaims(user, `${user}@example.com`) }), lambdaContext("profile-api"));
    expect(get.statusCode).toBe(404);
  });

  it("PUT /profiles/me: any body and If-Match → 2xx or a documented 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        userId,
        anyBody(shapedProfileBodies),
        fc.option(anyHeaderValue, { nil: undefined }),
        fc.option(anyHeaderValue, { nil: undefined }),
        async (user, body, ifMatch, contentType) => {
          const event = httpApiEvent({
            method: "PUT",
            claims: cognitoClaims(user, `${user}@example.com`),
            ...(body.body !== undefined ? { body: body.body } : {}),
            isBase64Encoded: body.isBase64Encoded,
            headers: { ...(ifMatch !== undefined ? { "if-match": ifMatch } : {}), ...(contentType !== undefined ? { "content-type": contentType } : {}) },
          });
          expectDocumented(await api.handler(event, lambdaContext("profile-api")), DOCUMENTED, [200, 201]);
        },
      ),
      fcParams(),
    );
  });

  it("GET and DELETE /profiles/me, GET /profiles/me/deletion: any If-Match, any body, any query string → 2xx or a documented 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "DELETE", "GET deletion"),
        userId,
        fc.option(anyHeaderValue, { nil: undefined }),
        anyBody(),
        fc.dictionary(hostileString(10), hostileString(50), { maxKeys: 3 }),
        async (method, user, ifMatch, body, query) => {
          const event = httpApiEvent({
            method: method === "GET deletion" ? "GET" : method,
            ...(method === "GET deletion" ? { path: "/profiles/me/deletion" } : {}),
            claims: cognitoClaims(user, `${user}@example.com`),
            ...(body.body !== undefined ? { body: body.body } : {}),
            isBase64Encoded: body.isBase64Encoded,
            headers: ifMatch !== undefined ? { "if-match": ifMatch } : {},
          });
          const response = await api.handler({ ...event, queryStringParameters: query }, lambdaContext("profile-api"));
          expectDocumented(response, DOCUMENTED, method === "DELETE" ? [202] : [200]);
        },
      ),
      fcParams(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// profile-events

let sequence = 1_000_000;
const nextSequence = (): string => String(sequence++).padStart(21, "0");

function streamRecord(dynamodb: Record<string, unknown>, overrides: Partial<DynamoDBRecord> = {}): DynamoDBRecord {
  return {
    eventID: randomUUID().replace(/-/g, ""),
    eventName: "INSERT",
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    eventSourceARN: `arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}/stream/2024-01-01T00:00:00.000`,
    ...overrides,
    dynamodb: { SequenceNumber: nextSequence(), StreamViewType: "NEW_AND_OLD_IMAGES", SizeBytes: 100, ...dynamodb },
  } as DynamoDBRecord;
}

const profileImage = (user: string, displayName: string, version: number) => ({
  pk: { S: `USER#${user}` },
  sk: { S: "PROFILE" },
  userId: { S: user },
  displayName: { S: displayName },
  version: { N: String(version) },
  createdAt: { S: "2024-05-01T12:00:00.000Z" },
  updatedAt: { S: "2024-05-01T12:00:00.000Z" },
});

/** A record profile-events must publish: an insert of a well-formed profile item (any display name). */
const validRecord = fc.record({ user: fc.uuid(), name: hostileString(64), version: fc.integer({ min: 1, max: 1e9 }) }).map(
  ({ user, name, version }) =>
    () =>
      streamRecord({ Keys: { pk: { S: `USER#${user}` }, sk: { S: "PROFILE" } }, NewImage: profileImage(user, name, version), ApproximateCreationDateTime: 1714564800 }),
);

/** Records that cannot be mapped: wrong key shapes, unknown event names, missing images, broken attribute values, bad times. */
const malformedRecord: fc.Arbitrary<() => DynamoDBRecord> = fc.oneof(
  anyJsonValue.map((keys) => () => streamRecord({ Keys: keys, ApproximateCreationDateTime: 1714564800 })),
  fc.uuid().map((user) => () => streamRecord({ Keys: { pk: { N: "1" }, sk: { S: "PROFILE" } }, NewImage: profileImage(user, "x", 1), ApproximateCreationDateTime: 1714564800 })),
  fc
    .constantFrom("USER#", "OTHER#x", "")
    .map((pk) => () => streamRecord({ Keys: { pk: { S: pk }, sk: { S: "PROFILE" } }, NewImage: profileImage("x", "x", 1), ApproximateCreationDateTime: 1714564800 })),
  hostileString(20)
    .filter((n) => !["INSERT", "MODIFY", "REMOVE"].includes(n))
    .map(
      (name) => () =>
        streamRecord(
          { Keys: { pk: { S: "USER#x" }, sk: { S: "PROFILE" } }, NewImage: profileImage("x", "x", 1), ApproximateCreationDateTime: 1714564800 },
          { eventName: name as never },
        ),
    ),
  fc.constant(() => streamRecord({ Keys: { pk: { S: "USER#x" }, sk: { S: "PROFILE" } }, ApproximateCreationDateTime: 1714564800 })),
  fc.constant(() => streamRecord({ Keys: { pk: { S: "USER#x" }, sk: { S: "PROFILE" } }, NewImage: profileImage("x", "x", 1) }, { eventID: "" })),
  fc
    .oneof(fc.double({ min: 8.7e12 }), fc.double({ max: -8.7e12 }), fc.constantFrom(1e20, -1e20, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY, 8.64e12 + 1))
    .map((seconds) => () => streamRecord({ Keys: { pk: { S: "USER#x" }, sk: { S: "PROFILE" } }, NewImage: profileImage("x", "x", 1), ApproximateCreationDateTime: seconds })),
  fc.record({ displayName: anyJsonValue, version: anyJsonValue }).map(
    ({ displayName, version }) =>
      () =>
        streamRecord({
          Keys: { pk: { S: "USER#x" }, sk: { S: "PROFILE" } },
          NewImage: { ...profileImage("x", "x", 1), displayName: displayName as never, version: version as never },
          ApproximateCreationDateTime: 1714564800,
        }),
  ),
  fc.constantFrom({ N: "not-a-number" }, { B: "***" }, { L: "x" }, { M: null }, { X: "y" }, {}).map(
    (bad) => () =>
      streamRecord({
        Keys: { pk: { S: "USER#x" }, sk: { S: "PROFILE" } },
        NewImage: { ...profileImage("x", "x", 1), version: bad as never },
        ApproximateCreationDateTime: 1714564800,
      }),
  ),
);

describe("profile-events under malformed stream records", () => {
  it("reports exactly the malformed records, publishes the valid ones, and fails the invocation only when all fail", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), validRecord, malformedRecord), { minLength: 1, maxLength: 12 }), async (items) => {
        sns.reset();
        const records = items.map(([good, valid, bad]) => ({ good, record: good ? valid() : bad() }));
        // A generated bad record is never published; some are not errors either, but records the mapping skips on
        // purpose (another item kind of the table, such as a version floor): those are acknowledged, not reported.
        const kinds = records.map((r) => mapStreamRecord(r.record).kind);
        records.forEach((r, i) => expect(r.good ? kinds[i] : kinds[i] !== "event").toBe(r.good ? "event" : true));
        const malformed = records.filter((_, i) => kinds[i] === "error").map((r) => r.record.dynamodb!.SequenceNumber!);
        const event: DynamoDBStreamEvent = { Records: records.map((r) => r.record) };
        const context = lambdaContext("profile-events");
        if (malformed.length === records.length) {
          await expect(events.handler(event, context)).rejects.toMatchObject({ name: "FullBatchFailureError" });
          expect(sns.published).toHaveLength(0);
          return;
        }
        const response = await events.handler(event, context);
        expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([...malformed].sort());
        expect(sns.published).toHaveLength(kinds.filter((k) => k === "event").length);
      }),
      fcParams(),
    );
  });
});
