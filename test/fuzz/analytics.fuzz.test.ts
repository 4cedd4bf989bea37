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
  send: async (command: PutRecordsCommand) => ({
    FailedRecordCount: 0,
    Records: (command.input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: "shardId-0" })),
  }),
};
let activityIngest: ReturnType<typeof import("../../lambdas/analytics/activity-ingest").createHandler>;

const eventShape = fc.record(
  {
    eventId: fc.oneof(fc.uuid(), anyJsonValue),
    type: fc.oneof(fc.constant("page.view"), hostileString(80), anyJsonValue),
    time: fc.oneof(fc.constant("2024-05-01T12:00:00Z"), hostileString(40), anyJsonValue),
    props: fc.oneof(fc.constant({}), anyJsonValue),
    userId: hostileString(10),
    other: anyJsonValue,
  },
  { requiredKeys: [] },
);
const shapedEventBodies = [
  fc.record({ events: fc.array(eventShape, { maxLength: 4 }) }),
  fc.record({ events: anyJsonValue }),
  fc.record({ events: fc.array(eventShape, { minLength: 1, maxLength: 2 }), extra: anyJsonValue }),
  fc.integer({ min: 499, max: 520 }).map((n) => ({ events: Array.from({ length: n }, () => ({ type: "page.view", time: "2024-05-01T12:00:00Z" })) })),
];

describe("activity-ingest under bad input", () => {
  it.each([
    ["a props key with U+0000", { "a\u0000b": 1 }, /events\[0\]\.props: a\\u0000b: the key contains U\+0000/],
    ["a props value with a lone surrogate", { p: ["x", "\uD800"] }, /events\[0\]\.props: p\[1\]: contains an unpaired UTF-16 surrogate/],
  ])("POST /events with %s → 400 ValidationFailed naming the field; nothing enters the stream", async (_name, props, message) => {
    const sent: unknown[] = [];
    const handler = (await import("../../lambdas/analytics/activity-ingest")).createHandler({
      kinesis: { send: async (c: PutRecordsCommand) => (sent.push(c), kinesis.send(c)) },
      streamName: "fuzz",
    });
    const event = httpApiEvent({
      method: "POST",
      path: "/events",
      claims: cognitoClaims("fuzz-user", "fuzz@example.com"),
      body: JSON.stringify({ events: [{ type: "page.view", time: "2024-05-01T12:00:00Z", props }] }),
    });
    const response = await handler(event, lambdaContext("activity-ingest"));
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body ?? "") as { error: { code: string; message: string } };
    expect(body.error.code).toBe("ValidationFailed");
    expect(body.error.message).toMatch(message);
    // eslint-disable-next-line no-control-regex -- the property under test: no NUL character reaches the error message
    expect(body.error.message).not.toMatch(/\u0000|[\uD800-\uDFFF]/);
    expect(sent).toHaveLength(0);
  });

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
        fc.record(
          { days: anyQueryValue, from: anyQueryValue, to: anyQueryValue, limit: anyQueryValue, cursor: anyQueryValue, [hostileString(5) as never]: hostileString() },
          { requiredKeys: [] },
        ),
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

/**
 * Strings PostgreSQL cannot store (U+0000, lone surrogates: lambdas/analytics/pg-text.ts) make a record invalid by its
 * contract (profile-api and activity-ingest refuse them with a 400): valid records leave them out, malformed ones
 * carry them (`unstorable` below), and the last describe block proves one such record fails alone.
 */
const unstorable = fc.constantFrom("\u0000", "a\u0000b", "\uD800", "x\uDFFF", "\uDFFF\uD800", "ok\u0000");
const noNul = (s: string): boolean => !s.includes("\u0000") && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const validProfileEvent = fc
  .record({
    user: fc.uuid(),
    name: hostileString(64).filter(noNul),
    version: fc.integer({ min: 1, max: 1e9 }),
    type: fc.constantFrom("profile.created", "profile.updated", "profile.deleted"),
  })
  .map(({ user, name, version, type }) => ({
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
    validProfileEvent.chain((e) =>
      fc.constantFrom("eventId", "type", "userId", "version", "occurredAt").chain((field) => anyJsonValue.map((v) => JSON.stringify({ ...e, [field]: v }))),
    ),
    validProfileEvent.map((e) => JSON.stringify({ Type: "Notification", Message: e })),
    validProfileEvent.chain((e) =>
      fc
        .tuple(fc.constantFrom("userId", "displayName", "locale"), unstorable)
        .map(([field, bad]) =>
          JSON.stringify(
            field === "userId"
              ? { ...e, userId: bad, ...(e.profile ? { profile: { ...e.profile, userId: bad } } : {}) }
              : { ...e, profile: { userId: e.userId, version: e.version, displayName: "Ada", ...e.profile, [field]: bad } },
          ),
        ),
    ),
  )
  .filter((body) => !parseProfileEventMessage(body).ok);

describe("analytics-ingest under malformed messages", () => {
  it("reports exactly the malformed messages and upserts the valid ones; fails the invocation only when all fail", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            validProfileEvent.map((e) => ({ good: true as const, e })),
            malformedMessage.map((body) => ({ good: false as const, body })),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        async (items) => {
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
        },
      ),
      fcParams(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// activity-processor (Kinesis)

const validActivity = fc
  .record({
    user: hostileString(20).filter((u) => u.length >= 1 && u.length <= 128 && noNul(u)),
    type: fc.stringMatching(/^[a-z0-9._-]{1,64}$/),
    props: fc.dictionary(hostileString(8).filter(noNul), fc.oneof(fc.integer(), hostileString(20).filter(noNul)), { maxKeys: 3 }),
  })
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
    validActivity.chain((e) =>
      fc.constantFrom("eventId", "userId", "type", "time", "props").chain((field) => anyJsonValue.map((v) => Buffer.from(JSON.stringify({ ...e, [field]: v })).toString("base64"))),
    ),
    validActivity.chain((e) =>
      fc.tuple(fc.constantFrom("userId", "prop key", "prop value", "nested prop"), unstorable).map(([where, bad]) => {
        const event =
          where === "userId"
            ? { ...e, userId: bad }
            : where === "prop key"
              ? { ...e, props: { ...e.props, [bad]: 1 } }
              : where === "prop value"
                ? { ...e, props: { ...e.props, p: bad } }
                : { ...e, props: { ...e.props, p: { list: [1, { deep: bad }] } } };
        return Buffer.from(JSON.stringify(event)).toString("base64");
      }),
    ),
  )
  .filter((data) => !decodeActivityRecord(data).ok);

describe("activity-processor under malformed records", () => {
  it("reports exactly the malformed records and inserts the valid ones; fails the invocation only when all fail", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            validActivity.map((e) => ({ good: true as const, e })),
            malformedData.map((data) => ({ good: false as const, data })),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        async (items) => {
          const event = kinesisEvent(
            items.map((item) => (item.good ? item.e : "placeholder")),
            Math.floor(Math.random() * 1e9),
          );
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
        },
      ),
      fcParams(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// A record PostgreSQL cannot store fails alone (it reaches the DLQ / on-failure destination), never its whole batch:
// U+0000 and lone surrogates are refused at validation; anything else the one-statement write refuses (a year 0000,
// which ISO 8601 validation accepts and timestamptz does not) is found by writing each valid record alone.

describe("a record PostgreSQL cannot store fails alone", () => {
  const profileCreated = (userId: string, displayName: string, updatedAt = "2024-05-01T12:00:00.000Z") => ({
    eventId: randomUUID(),
    type: "profile.created",
    userId,
    version: 1,
    occurredAt: "2024-05-01T12:00:00.000Z",
    profile: { userId, displayName, version: 1, updatedAt },
  });

  it("analytics-ingest: a displayName with U+0000 fails only its own message", async () => {
    const ok = profileCreated(randomUUID(), "Ada");
    const nul = profileCreated(randomUUID(), "a\u0000b");
    const messages = [
      { messageId: "ok", body: JSON.stringify(ok) },
      { messageId: "nul", body: JSON.stringify(nul) },
    ];
    const response = await ingest.handler(sqsEvent(messages), lambdaContext("analytics-ingest"));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "nul" }]);
    expect(await t.sql("SELECT user_id, display_name FROM users WHERE user_id = ANY($1) ORDER BY user_id", [[ok.userId, nul.userId]])).toEqual([
      { user_id: ok.userId, display_name: "Ada" },
    ]);
  });

  it("analytics-ingest: a lone surrogate in displayName or locale fails only its own message", async () => {
    const ok = profileCreated(randomUUID(), "Grace");
    const name = profileCreated(randomUUID(), "x\uD800");
    const locale = { ...profileCreated(randomUUID(), "Ada"), profile: { ...profileCreated("", "Ada").profile, locale: "\uDFFF" } };
    locale.profile.userId = locale.userId;
    const messages = [
      { messageId: "ok", body: JSON.stringify(ok) },
      { messageId: "name", body: JSON.stringify(name) },
      { messageId: "locale", body: JSON.stringify(locale) },
    ];
    const response = await ingest.handler(sqsEvent(messages), lambdaContext("analytics-ingest"));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["locale", "name"]);
    expect(await t.sql("SELECT user_id FROM users WHERE user_id = ANY($1)", [[ok.userId, name.userId, locale.userId]])).toEqual([{ user_id: ok.userId }]);
  });

  it("analytics-ingest: a message that passes validation but PostgreSQL refuses (year 0000) fails alone; the others are upserted", async () => {
    const user = randomUUID();
    const older = { ...profileCreated(user, "Ada v1"), type: "profile.created" };
    const refused = { ...profileCreated(user, "Ada v2", "0000-01-01T00:00:00Z"), type: "profile.updated", version: 2 };
    refused.profile.version = 2;
    const other = profileCreated(randomUUID(), "Grace");
    expect(parseProfileEventMessage(JSON.stringify(refused)).ok).toBe(true);
    const messages = [
      { messageId: "older", body: JSON.stringify(older) },
      { messageId: "refused", body: JSON.stringify(refused) },
      { messageId: "other", body: JSON.stringify(other) },
    ];
    const response = await ingest.handler(sqsEvent(messages), lambdaContext("analytics-ingest"));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "refused" }]);
    // The newer message at fault does not hold back the older one of the same user.
    expect(await t.sql("SELECT user_id, display_name, version::int FROM users WHERE user_id = ANY($1) ORDER BY display_name", [[user, other.userId]])).toEqual([
      { user_id: user, display_name: "Ada v1", version: 1 },
      { user_id: other.userId, display_name: "Grace", version: 1 },
    ]);
  });

  it("activity-processor: props with U+0000 fail only their own record", async () => {
    const ok = { eventId: randomUUID(), userId: "u", type: "page.view", time: "2024-05-01T12:00:00.000Z", props: {} };
    const nul = { ...ok, eventId: randomUUID(), props: { "a\u0000b": "" } };
    const event = kinesisEvent([ok, nul], 900_000_000 + Math.floor(Math.random() * 1e6));
    const response = await processor.handler(event, lambdaContext("activity-processor"));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }]);
    expect(await t.sql("SELECT event_id::text FROM activity_events WHERE event_id = ANY($1::uuid[])", [[ok.eventId, nul.eventId]])).toEqual([{ event_id: ok.eventId }]);
  });

  it("activity-processor: a record that passes validation but PostgreSQL refuses (year 0000) fails alone; the others are inserted", async () => {
    const base = { userId: "u", type: "page.view", props: { n: 1 } };
    const events = [
      { ...base, eventId: randomUUID(), time: "2024-05-01T12:00:00.000Z" },
      { ...base, eventId: randomUUID(), time: "0000-01-01T00:00:00Z" },
      { ...base, eventId: randomUUID(), time: "2024-05-01T12:00:01.000Z" },
    ];
    expect(decodeActivityRecord(Buffer.from(JSON.stringify(events[1])).toString("base64")).ok).toBe(true);
    const event = kinesisEvent(events, 910_000_000 + Math.floor(Math.random() * 1e6));
    const response = await processor.handler(event, lambdaContext("activity-processor"));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }]);
    const stored = await t.sql<{ event_id: string }>("SELECT event_id::text FROM activity_events WHERE event_id = ANY($1::uuid[])", [events.map((e) => e.eventId)]);
    expect(stored.map((r) => r.event_id).sort()).toEqual([events[0].eventId, events[2].eventId].sort());
  });
});
