/**
 * Bad input, property-based, for the analytics service: activity-ingest (`POST /events`, injected Kinesis client) and
 * analytics-query (local Data API over PostgreSQL) answer only 2xx or documented 4xx; analytics-ingest (SQS) and
 * activity-processor (Kinesis) report exactly the malformed records and store the valid ones.
 */
import { randomUUID } from "node:crypto";
import type { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import fc from "fast-check";
import { ACTIVITY_PROPS_MAX_BYTES } from "../../lambdas/analytics/activity-event";
import { decodeActivityRecord } from "../../lambdas/analytics/activity-records";
import { migrate } from "../../lambdas/analytics/migrations";
import { MIGRATIONS } from "../../lambdas/analytics/migrations/index";
import { parseProfileEventMessage } from "../../lambdas/analytics/user-events";
import { AnalyticsTestDb, kinesisEvent, sqsEvent, startAnalyticsDb } from "../support/analytics";
import { cognitoClaims, httpApiEvent, lambdaContext } from "../support/events";
import { Documented, anyBody, anyHeaderValue, anyJsonValue, anyQueryValue, expectDocumented, fcParams, hostileString } from "./support";

let t: AnalyticsTestDb;
let query: typeof import("../../lambdas/analytics/analytics-query");
let ingest: typeof import("../../lambdas/analytics/analytics-ingest");
let processor: typeof import("../../lambdas/analytics/activity-processor");

beforeAll(async () => {
  t = await startAnalyticsDb("analytics_fuzz");
  await migrate(t.dataApi, MIGRATIONS);
  query = await import("../../lambdas/analytics/analytics-query");
  ingest = await import("../../lambdas/analytics/analytics-ingest");
  processor = await import("../../lambdas/analytics/activity-processor");
  process.env.ACTIVITY_STREAM_NAME = "fuzz";
  activityIngest = (await import("../../lambdas/analytics/activity-ingest")).createHandler({ kinesis, streamName: "fuzz" });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------------------------------------------------------------
// POST /events

const kinesis = {
  send: async (command: PutRecordsCommand) => ({ FailedRecordCount: 0, Records: (command.input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: "shardId-0" })) }),
};
let activityIngest: ReturnType<typeof import("../../lambdas/analytics/activity-ingest").createHandler>;

const eventShape = fc.record(
  { eventId: fc.oneof(fc.uuid(), anyJsonValue), type: fc.oneof(fc.constant("page.view"), hostileString(80), anyJsonValue), time: fc.oneof(fc.constant("2024-05-01T12:00:00Z"), hostileString(40), anyJsonValue), props: fc.oneof(fc.constant({}), anyJsonValue), userId: hostileString(10), other: anyJsonValue },
  { requiredKeys: [] },
);
const shapedEventBodies = [
  fc.record({ events: fc.array(eventShape, { maxLength: 4 }) }),
  fc.record({ events: anyJsonValue }),
  fc.record({ events: fc.array(eventShape, { minLength: 1, maxLength: 2 }), extra: anyJsonValue }),
  fc.integer({ min: 499, max: 520 }).map((n) => ({ events: Array.from({ length: n }, () => ({ type: "page.view", time: "2024-05-01T12:00:00Z" })) })),
];

describe("activity-ingest under bad input", () => {
  it("POST /events: any body and content-type → 202 or a documented 400", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody(shapedEventBodies), fc.option(anyHeaderValue, { nil: undefined }), async (body, contentType) => {
        const event = httpApiEvent({
          method: "POST",
          path: "/events",
          claims: cognitoClaims("fuzz-user", "fuzz@example.com"),
          ...(body.body !== undefined ? { body: body.body } : {}),
          isBase64Encoded: body.isBase64Encoded,
          headers: contentType !== undefined ? { "content-type": contentType } : {},
        });
        expectDocumented(await activityIngest(event, lambdaContext("activity-ingest")), { 400: ["MissingBody", "MalformedJson", "ValidationFailed"] }, [202]);
      }),
      fcParams(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// GET /analytics/*

const QUERY_DOCUMENTED: Documented = { 400: ["InvalidQueryParameter"], 403: ["Forbidden"] };

describe("analytics-query under bad input", () => {
  it.each(["/analytics/me/summary", "/analytics/daily-active-users"])("GET %s: any query string and groups claim → 200 or a documented 4xx", async (path) => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ days: anyQueryValue, from: anyQueryValue, to: anyQueryValue, limit: anyQueryValue, cursor: anyQueryValue, [hostileString(5) as never]: hostileString() }, { requiredKeys: [] }),
        fc.oneof(fc.constant("[admins]"), fc.constant("admins"), hostileString(30)),
        async (params, groups) => {
          const event = httpApiEvent({ method: "GET", path, claims: { ...cognitoClaims("fuzz-user", "fuzz@example.com"), "cognito:groups": groups } });
          const response = await query.handler({ ...event, queryStringParameters: params as Record<string, string> }, lambdaContext("analytics-query"));
          expectDocumented(response, QUERY_DOCUMENTED, [200]);
        },
      ),
      fcParams(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// analytics-ingest (SQS)

/** NUL and lone surrogates are left out of the valid records: see the `it.failing` cases below (a known defect, reported). */
const noNul = (s: string): boolean => !s.includes("\u0000") && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const validProfileEvent = fc.record({ user: fc.uuid(), name: hostileString(64).filter(noNul), version: fc.integer({ min: 1, max: 1e9 }), type: fc.constantFrom("profile.created", "profile.updated", "profile.deleted") }).map(({ user, name, version, type }) => ({
  eventId: randomUUID(),
  type,
  userId: user,
  version,
  changedFields: ["displayName"],
  occurredAt: "2024-05-01T12:00:00.000Z",
  ...(type === "profile.deleted" ? {} : { profile: { userId: user, displayName: name, version, updatedAt: "2024-05-01T12:00:00.000Z" } }),
}));

const malformedMessage: fc.Arbitrary<string> = fc
  .oneof(
    fc.json(),
    fc.anything().map((v) => String(v)),
    hostileString(200),
    validProfileEvent.chain((e) => fc.constantFrom("eventId", "type", "userId", "version", "occurredAt").chain((field) => anyJsonValue.map((v) => JSON.stringify({ ...e, [field]: v })))),
    validProfileEvent.map((e) => JSON.stringify({ Type: "Notification", Message: e })),
  )
  .filter((body) => !parseProfileEventMessage(body).ok);

describe("analytics-ingest under malformed messages", () => {
  it("reports exactly the malformed messages and upserts the valid ones; fails the invocation only when all fail", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(validProfileEvent.map((e) => ({ good: true as const, e })), malformedMessage.map((body) => ({ good: false as const, body }))), { minLength: 1, maxLength: 10 }), async (items) => {
        const messages = items.map((item) => ({ messageId: randomUUID(), body: item.good ? JSON.stringify(item.e) : item.body }));
        const malformed = messages.filter((_, i) => !items[i].good).map((m) => m.messageId);
        const event = sqsEvent(messages);
        if (malformed.length === messages.length) {
          await expect(ingest.handler(event, lambdaContext("analytics-ingest"))).rejects.toMatchObject({ name: "FullBatchFailureError" });
          return;
        }
        const response = await ingest.handler(event, lambdaContext("analytics-ingest"));
        expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([...malformed].sort());
        const validUsers = items.flatMap((item) => (item.good ? [item.e.userId] : []));
        const stored = await t.sql<{ user_id: string }>("SELECT user_id FROM users WHERE user_id = ANY($1)", [validUsers]);
        expect(new Set(stored.map((r) => r.user_id))).toEqual(new Set(validUsers));
      }),
      fcParams(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// activity-processor (Kinesis)

const validActivity = fc.record({ user: hostileString(20).filter((u) => u.length >= 1 && u.length <= 128 && noNul(u)), type: fc.stringMatching(/^[a-z0-9._-]{1,64}$/), props: fc.dictionary(hostileString(8).filter(noNul), fc.oneof(fc.integer(), hostileString(20).filter(noNul)), { maxKeys: 3 }) })
  // valid means valid by the event's own contract, props included (at most ACTIVITY_PROPS_MAX_BYTES as JSON)
  .filter(({ props }) => Buffer.byteLength(JSON.stringify(props), "utf8") <= ACTIVITY_PROPS_MAX_BYTES)
  .map(({ user, type, props }) => ({
  eventId: randomUUID(),
  userId: user,
  type,
  time: "2024-05-01T12:00:00.000Z",
  props,
}));

/** Kinesis data (already base64, as Lambda delivers it) that is not an ActivityEvent. */
const malformedData: fc.Arbitrary<string> = fc
  .oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("base64")),
    hostileString(100),
    fc.json().map((j) => Buffer.from(j).toString("base64")),
    validActivity.chain((e) => fc.constantFrom("eventId", "userId", "type", "time", "props").chain((field) => anyJsonValue.map((v) => Buffer.from(JSON.stringify({ ...e, [field]: v })).toString("base64")))),
  )
  .filter((data) => !decodeActivityRecord(data).ok);

describe("activity-processor under malformed records", () => {
  it("reports exactly the malformed records and inserts the valid ones; fails the invocation only when all fail", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(validActivity.map((e) => ({ good: true as const, e })), malformedData.map((data) => ({ good: false as const, data }))), { minLength: 1, maxLength: 10 }), async (items) => {
        const event = kinesisEvent(items.map((item) => (item.good ? item.e : "placeholder")), Math.floor(Math.random() * 1e9));
        items.forEach((item, i) => {
          if (!item.good) event.Records[i].kinesis.data = item.data;
        });
        const malformed = event.Records.filter((_, i) => !items[i].good).map((r) => r.kinesis.sequenceNumber);
        if (malformed.length === items.length) {
          await expect(processor.handler(event, lambdaContext("activity-processor"))).rejects.toMatchObject({ name: "FullBatchFailureError" });
          return;
        }
        const response = await processor.handler(event, lambdaContext("activity-processor"));
        expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([...malformed].sort());
        const ids = items.flatMap((item) => (item.good ? [item.e.eventId] : []));
        const stored = await t.sql<{ event_id: string }>("SELECT event_id::text FROM activity_events WHERE event_id = ANY($1::uuid[])", [ids]);
        expect(stored).toHaveLength(ids.length);
      }),
      fcParams(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Known defect (found by these properties, not fixed here): a record that passes validation but holds U+0000, which
// PostgreSQL text/jsonb refuses, fails the one-statement write, so every valid record of its batch fails with it.
// profile-api accepts such a displayName and activity-ingest such props. Remove `.failing` once fixed.

describe("known defect: U+0000 in an otherwise valid record poisons its batch", () => {
  it.failing("analytics-ingest: a displayName with U+0000 fails only its own message", async () => {
    const user = randomUUID();
    const ok = { eventId: randomUUID(), type: "profile.created", userId: randomUUID(), version: 1, occurredAt: "2024-05-01T12:00:00.000Z", profile: { userId: "", displayName: "Ada", version: 1 } };
    ok.profile.userId = ok.userId;
    const nul = { eventId: randomUUID(), type: "profile.created", userId: user, version: 1, occurredAt: "2024-05-01T12:00:00.000Z", profile: { userId: user, displayName: "a\u0000b", version: 1 } };
    const messages = [{ messageId: "ok", body: JSON.stringify(ok) }, { messageId: "nul", body: JSON.stringify(nul) }];
    const response = await ingest.handler(sqsEvent(messages), lambdaContext("analytics-ingest"));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "nul" }]);
  });

  it.failing("activity-processor: props with U+0000 fail only their own record", async () => {
    const ok = { eventId: randomUUID(), userId: "u", type: "page.view", time: "2024-05-01T12:00:00.000Z", props: {} };
    const nul = { ...ok, eventId: randomUUID(), props: { "a\u0000b": "" } };
    const event = kinesisEvent([ok, nul], 900_000_000 + Math.floor(Math.random() * 1e6));
    const response = await processor.handler(event, lambdaContext("activity-processor"));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }]);
  });
});
