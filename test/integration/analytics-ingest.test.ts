/**
 * analytics-ingest end to end, locally: SQS events of raw SNS deliveries (profile events as profile-events publishes
 * them) → the handler's own RDSDataClient → local Data API endpoint → real PostgreSQL `users`.
 */
import { randomUUID } from "node:crypto";
import type { ProfileEvent } from "../../lambdas/profile/domain";
import { ingestProfileMessages } from "../../lambdas/analytics/ingest";
import { migrate } from "../../lambdas/analytics/migrations";
import { MIGRATIONS } from "../../lambdas/analytics/migrations/index";
import { lambdaContext } from "../support/events";
import { AnalyticsTestDb, sqsEvent, startAnalyticsDb } from "../support/analytics";

type IngestModule = typeof import("../../lambdas/analytics/analytics-ingest");

let t: AnalyticsTestDb;
let handler: IngestModule["handler"];
const context = lambdaContext("analytics-ingest");

function profileEvent(
  userId: string,
  version: number,
  type: ProfileEvent["type"] = version === 1 ? "profile.created" : "profile.updated",
  displayName = `${userId} v${version}`,
): ProfileEvent {
  const at = new Date(Date.UTC(2024, 4, 1, 12, 0, version)).toISOString();
  return {
    eventId: randomUUID(),
    type,
    userId,
    version,
    changedFields: ["displayName", "updatedAt", "version"],
    occurredAt: at,
    ...(type === "profile.deleted" ? {} : { profile: { userId, displayName, locale: "en-GB", version, createdAt: at, updatedAt: at } }),
  };
}

const message = (event: unknown, messageId: string = randomUUID()) => ({ messageId, body: typeof event === "string" ? event : JSON.stringify(event) });

interface UserRowDb {
  user_id: string;
  display_name: string | null;
  locale: string | null;
  version: string;
  deleted: boolean;
  email: string | null;
}
const users = () => t.sql<UserRowDb>("SELECT user_id, display_name, locale, version::text, deleted, email FROM users ORDER BY user_id");

beforeAll(async () => {
  t = await startAnalyticsDb("analytics_ingest");
  await migrate(t.dataApi, MIGRATIONS);
  ({ handler } = await import("../../lambdas/analytics/analytics-ingest"));
});

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  t.api.clearFaults();
  await t.sql("TRUNCATE users");
});

describe("analytics-ingest", () => {
  it("upserts every user of a batch and reports no failures", async () => {
    const out = await handler(sqsEvent([message(profileEvent("u1", 1)), message(profileEvent("u2", 1)), message(profileEvent("u3", 2))]), context);
    expect(out).toEqual({ batchItemFailures: [] });
    expect(await users()).toEqual([
      { user_id: "u1", display_name: "u1 v1", locale: "en-GB", version: "1", deleted: false, email: null },
      { user_id: "u2", display_name: "u2 v1", locale: "en-GB", version: "1", deleted: false, email: null },
      { user_id: "u3", display_name: "u3 v2", locale: "en-GB", version: "2", deleted: false, email: null },
    ]);
  });

  it("replaying the same batch twice leaves the same rows", async () => {
    const batch = sqsEvent([message(profileEvent("a", 1)), message(profileEvent("a", 2)), message(profileEvent("b", 3)), message(profileEvent("c", 1, "profile.created"))]);
    await handler(batch, context);
    const first = await t.sql("SELECT * FROM users ORDER BY user_id");
    expect(await handler(batch, context)).toEqual({ batchItemFailures: [] });
    expect(await t.sql("SELECT * FROM users ORDER BY user_id")).toEqual(first);
    expect(first).toHaveLength(3);
  });

  it("an older version delivered after a newer one changes nothing (across batches and within one)", async () => {
    await handler(sqsEvent([message(profileEvent("x", 5, "profile.updated", "newest"))]), context);
    await handler(sqsEvent([message(profileEvent("x", 4, "profile.updated", "older")), message(profileEvent("x", 1, "profile.created", "oldest"))]), context);
    expect(await users()).toEqual([expect.objectContaining({ user_id: "x", display_name: "newest", version: "5" })]);

    // within one batch, out of order: the highest version wins
    await handler(sqsEvent([message(profileEvent("y", 3, "profile.updated", "three")), message(profileEvent("y", 2, "profile.updated", "two"))]), context);
    expect((await users()).find((u) => u.user_id === "y")).toEqual(expect.objectContaining({ display_name: "three", version: "3" }));
  });

  it("a deletion of the current version wins over its update, clears personal data, and a late update cannot revive it", async () => {
    await t.sql("INSERT INTO users (user_id, email, display_name, locale, version, updated_at) VALUES ('d', 'd@example.com', 'Dee', 'fr', 2, now())");
    await handler(sqsEvent([message(profileEvent("d", 3, "profile.deleted"))]), context);
    await handler(sqsEvent([message(profileEvent("d", 3, "profile.updated", "late"))]), context);
    expect(await users()).toEqual([{ user_id: "d", display_name: null, locale: null, version: "3", deleted: true, email: null }]);
  });

  describe("a profile deleted and re-created under the same user id (versions continue above the deleted one)", () => {
    // What profile-events publishes for: create, 2 updates, delete at 3, re-create at 4 (one above the floor), update.
    const history = (): ProfileEvent[] => [
      profileEvent("re", 1, "profile.created", "first life"),
      profileEvent("re", 2, "profile.updated", "first life v2"),
      profileEvent("re", 3, "profile.updated", "first life v3"),
      profileEvent("re", 3, "profile.deleted"),
      profileEvent("re", 4, "profile.created", "second life"),
      profileEvent("re", 5, "profile.updated", "second life v5"),
    ];
    const expected = [{ user_id: "re", display_name: "second life v5", locale: "en-GB", version: "5", deleted: false, email: null }];

    it("in delivery order, one message per batch: the row comes back un-deleted with the new profile's data", async () => {
      const rows: UserRowDb[][] = [];
      for (const event of history()) {
        expect(await handler(sqsEvent([message(event)]), context)).toEqual({ batchItemFailures: [] });
        rows.push(await users());
      }
      expect(rows[3]).toEqual([{ user_id: "re", display_name: null, locale: null, version: "3", deleted: true, email: null }]);
      expect(rows[4]).toEqual([{ user_id: "re", display_name: "second life", locale: "en-GB", version: "4", deleted: false, email: null }]);
      expect(rows[5]).toEqual(expected);
    });

    it("in reverse delivery order, one message per batch: the same row", async () => {
      for (const event of history().reverse()) expect(await handler(sqsEvent([message(event)]), context)).toEqual({ batchItemFailures: [] });
      expect(await users()).toEqual(expected);
    });

    it("all in one batch, shuffled, and then replayed: the same row", async () => {
      const events = history();
      const shuffled = [events[4], events[0], events[3], events[5], events[2], events[1]];
      const batch = sqsEvent(shuffled.map((e) => message(e)));
      expect(await handler(batch, context)).toEqual({ batchItemFailures: [] });
      expect(await users()).toEqual(expected);
      expect(await handler(batch, context)).toEqual({ batchItemFailures: [] });
      expect(await users()).toEqual(expected);
    });

    it("the deletion delivered last (after the re-created profile) does not delete the row again", async () => {
      const events = history();
      for (const event of [...events.slice(0, 3), ...events.slice(4), events[3]]) await handler(sqsEvent([message(event)]), context);
      expect(await users()).toEqual(expected);
    });
  });

  it("a poison message is reported as a batch item failure while the rest commit", async () => {
    const poisonNotJson = message("{not json", "poison-1");
    const poisonBadShape = message({ ...profileEvent("p", 1), version: "one" }, "poison-2");
    const poisonNoProfile = message({ ...profileEvent("p", 2), profile: undefined }, "poison-3");
    const out = await handler(sqsEvent([message(profileEvent("ok1", 1)), poisonNotJson, poisonBadShape, message(profileEvent("ok2", 1)), poisonNoProfile]), context);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "poison-1" }, { itemIdentifier: "poison-2" }, { itemIdentifier: "poison-3" }]);
    expect((await users()).map((u) => u.user_id)).toEqual(["ok1", "ok2"]);
  });

  it("accepts an SNS notification envelope too (should raw message delivery ever be off)", async () => {
    const envelope = { Type: "Notification", MessageId: randomUUID(), TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Message: JSON.stringify(profileEvent("env", 1)) };
    expect(await handler(sqsEvent([message(envelope)]), context)).toEqual({ batchItemFailures: [] });
    expect((await users()).map((u) => u.user_id)).toEqual(["env"]);
  });

  it("the first 3 Data API calls answering DatabaseResumingException still succeed", async () => {
    t.api.failNext(3, "DatabaseResumingException");
    expect(await handler(sqsEvent([message(profileEvent("r1", 1)), message(profileEvent("r2", 1))]), context)).toEqual({ batchItemFailures: [] });
    expect(t.api.pendingFaults).toBe(0);
    expect((await users()).map((u) => u.user_id)).toEqual(["r1", "r2"]);
  });

  it("when the database call fails, every valid message fails: with the malformed one, the whole batch fails", async () => {
    t.api.failNext(1, "DatabaseErrorException", "ERROR: something broke; SQLState: XX000");
    const messages = [message(profileEvent("f1", 1), "m1"), message("[]", "m2"), message(profileEvent("f2", 1), "m3")];
    const outcome = await ingestProfileMessages(t.dataApi, messages, { warn: () => undefined, error: () => undefined });
    expect([...outcome.failures.keys()].sort()).toEqual(["m1", "m2", "m3"]);
    expect(outcome.failures.get("m1")).toMatch(/^upsert failed: DatabaseErrorException/);

    // Through the handler, a batch in which every message failed is an invocation error (SQS redelivers all of it).
    t.api.failNext(1, "DatabaseErrorException", "ERROR: something broke; SQLState: XX000");
    await expect(handler(sqsEvent(messages), context)).rejects.toThrow(/All records failed processing/);
    expect(await users()).toEqual([]);
  });

  it("a batch where every message is malformed fails the invocation (FullBatchFailureError)", async () => {
    await expect(handler(sqsEvent([message("nope"), message({})]), context)).rejects.toThrow(/All records failed processing/);
  });
});
