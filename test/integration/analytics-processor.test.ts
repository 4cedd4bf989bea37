/**
 * activity-processor end to end, locally: Kinesis events (base64 JSON ActivityEvent records) → the handler's own
 * RDSDataClient → local Data API endpoint → real PostgreSQL `activity_events`.
 */
import { randomUUID } from "node:crypto";
import type { ActivityEvent } from "../../lambdas/analytics/activity-event";
import { migrate } from "../../lambdas/analytics/migrations";
import { MIGRATIONS } from "../../lambdas/analytics/migrations/index";
import { lambdaContext } from "../support/events";
import { AnalyticsTestDb, kinesisEvent, startAnalyticsDb } from "../support/analytics";

type ProcessorModule = typeof import("../../lambdas/analytics/activity-processor");

let t: AnalyticsTestDb;
let handler: ProcessorModule["handler"];
const context = lambdaContext("activity-processor");

const activity = (userId: string, type = "page.view", extra: Partial<ActivityEvent> = {}): ActivityEvent => ({
  eventId: randomUUID(),
  userId,
  type,
  time: "2024-05-01T12:00:00.000Z",
  props: { path: "/home", n: 1 },
  ...extra,
});
const stored = () =>
  t.sql<{ event_id: string; user_id: string; type: string; props: unknown; at: string }>(
    "SELECT event_id::text, user_id, type, props, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') AS at FROM activity_events ORDER BY user_id, type",
  );

beforeAll(async () => {
  t = await startAnalyticsDb("analytics_processor");
  await migrate(t.dataApi, MIGRATIONS);
  ({ handler } = await import("../../lambdas/analytics/activity-processor"));
});

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  t.api.clearFaults();
  await t.sql("TRUNCATE activity_events");
});

describe("activity-processor", () => {
  it("inserts every event of a batch with its props and time", async () => {
    const e1 = activity("u1", "page.view", { time: "2024-05-01T14:00:00+02:00", props: { path: "/a", nested: { ok: true } } });
    const e2 = activity("u2", "upload.done");
    expect(await handler(kinesisEvent([e1, e2]), context)).toEqual({ batchItemFailures: [] });
    expect(await stored()).toEqual([
      { event_id: e1.eventId, user_id: "u1", type: "page.view", props: { path: "/a", nested: { ok: true } }, at: "2024-05-01T12:00:00" },
      { event_id: e2.eventId, user_id: "u2", type: "upload.done", props: { path: "/home", n: 1 }, at: "2024-05-01T12:00:00" },
    ]);
  });

  it("de-duplicates by eventId within a batch and across replays", async () => {
    const e = activity("dup");
    const batch = kinesisEvent([e, { ...e, type: "other.type" }, activity("dup", "b.type")]);
    expect(await handler(batch, context)).toEqual({ batchItemFailures: [] });
    expect(await handler(batch, context)).toEqual({ batchItemFailures: [] });
    const rows = await stored();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.event_id === e.eventId)?.type).toBe("page.view");
  });

  it("reports every malformed record by sequence number (so it reaches the on-failure queue) and stores the rest", async () => {
    const good = activity("good");
    const event = kinesisEvent([
      "not json",
      { ...activity("bad"), type: "Bad Type" },
      good,
      { ...activity("bad"), eventId: "nope" },
      { ...activity("bad"), props: { big: "x".repeat(3000) } },
    ]);
    const out = await handler(event, context);
    const seq = (i: number): { itemIdentifier: string } => ({ itemIdentifier: event.Records[i].kinesis.sequenceNumber });
    expect(out).toEqual({ batchItemFailures: [seq(0), seq(1), seq(3), seq(4)] });
    expect((await stored()).map((r) => r.event_id)).toEqual([good.eventId]);
  });

  it("the first 3 Data API calls answering DatabaseResumingException still succeed", async () => {
    t.api.failNext(3, "DatabaseResumingException");
    expect(await handler(kinesisEvent([activity("r1"), activity("r2")]), context)).toEqual({ batchItemFailures: [] });
    expect(t.api.pendingFaults).toBe(0);
    expect(await stored()).toHaveLength(2);
  });

  it("when the insert fails, every record fails: the invocation errors so the mapping retries (and bisects) the batch", async () => {
    t.api.failNext(1, "DatabaseErrorException", "ERROR: boom; SQLState: XX000");
    const event = kinesisEvent([activity("f1"), "garbage", activity("f2")]);
    await expect(handler(event, context)).rejects.toThrow(/All records failed processing/);
    expect(await stored()).toEqual([]);
  });
});
