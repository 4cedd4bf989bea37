/** Pure analytics logic: event schemas, row mapping, dedupe, query parameters, migration files. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ACTIVITY_PROPS_MAX_BYTES, activityEventSchema, parseActivityEvent } from "./activity-event";
import { decodeActivityRecord, dedupeByEventId, toActivityRow } from "./activity-records";
import { MIGRATIONS_DIR, migrationFileNames, migrationsHash } from "./migrations-dir";
import { checksum, prepareMigrations, splitStatements } from "./migrations";
import { MIGRATIONS } from "./migrations/index";
import { groupsFromClaim, parseDateRange, parseDays } from "./query";
import { UserRow, latestPerUser, parseProfileEventMessage, supersedes, toUserRow } from "./user-events";

const validActivity = { eventId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", userId: "u1", type: "page.view", time: "2024-05-01T12:00:00.000Z", props: { path: "/" } };

describe("ActivityEvent schema (shared with activity-ingest)", () => {
  it("accepts a valid event, with a Z or an offset time", () => {
    expect(activityEventSchema.safeParse(validActivity).success).toBe(true);
    expect(parseActivityEvent({ ...validActivity, time: "2024-05-01T14:00:00+02:00" }).ok).toBe(true);
  });

  it.each([
    ["eventId", { eventId: "not-a-uuid" }],
    ["userId", { userId: "" }],
    ["type", { type: "Page View" }],
    ["type", { type: "x".repeat(65) }],
    ["type", { type: "" }],
    ["time", { time: "yesterday" }],
    ["time", { time: "2024-05-01" }],
    ["props", { props: [] }],
    ["props", { props: { big: "x".repeat(ACTIVITY_PROPS_MAX_BYTES) } }],
  ])("rejects a bad %s", (field, patch) => {
    const parsed = parseActivityEvent({ ...validActivity, ...patch });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(field);
  });

  it("counts props in UTF-8 bytes of their JSON: 2048 bytes pass, 2049 fail", () => {
    const fits = { s: "x".repeat(ACTIVITY_PROPS_MAX_BYTES - '{"s":""}'.length) };
    expect(parseActivityEvent({ ...validActivity, props: fits }).ok).toBe(true);
    expect(parseActivityEvent({ ...validActivity, props: { s: `${fits.s}x` } }).ok).toBe(false);
    expect(parseActivityEvent({ ...validActivity, props: { s: "é".repeat(1100) } }).ok).toBe(false);
  });
});

describe("activity records", () => {
  it("decodes base64 JSON records and rejects what is not", () => {
    const data = Buffer.from(JSON.stringify(validActivity)).toString("base64");
    expect(decodeActivityRecord(data)).toEqual({ ok: true, value: validActivity });
    expect(decodeActivityRecord(Buffer.from("{oops").toString("base64"))).toMatchObject({ ok: false, error: expect.stringContaining("not base64 JSON") });
  });

  it("de-duplicates by eventId (case-insensitively), keeping the first", () => {
    const a = { ...validActivity, type: "first" };
    const b = { ...validActivity, eventId: validActivity.eventId.toUpperCase(), type: "second" };
    const c = { ...validActivity, eventId: "7f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" };
    expect(dedupeByEventId([a, b, c])).toEqual([a, c]);
  });

  it("maps an event to its row", () => {
    expect(toActivityRow(validActivity)).toEqual({ event_id: validActivity.eventId, user_id: "u1", type: "page.view", occurred_at: validActivity.time, props: { path: "/" } });
  });
});

describe("profile event messages", () => {
  const at = "2024-05-01T12:00:00.000Z";
  const updated = {
    eventId: "e1",
    type: "profile.updated",
    userId: "u1",
    version: 3,
    changedFields: ["displayName"],
    occurredAt: at,
    profile: { userId: "u1", displayName: "Ada", locale: "en-GB", version: 3, createdAt: at, updatedAt: at },
  };

  it("parses a raw delivery and an SNS envelope alike", () => {
    expect(parseProfileEventMessage(JSON.stringify(updated))).toMatchObject({ ok: true, value: { userId: "u1", version: 3 } });
    expect(parseProfileEventMessage(JSON.stringify({ Type: "Notification", Message: JSON.stringify(updated) }))).toMatchObject({ ok: true });
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["unknown type", JSON.stringify({ ...updated, type: "profile.renamed" }), /type/],
    ["version 0", JSON.stringify({ ...updated, version: 0 }), /version/],
    ["update without profile", JSON.stringify({ ...updated, profile: undefined }), /profile: required/],
    ["profile of another user", JSON.stringify({ ...updated, profile: { ...updated.profile, userId: "u2" } }), /profile.userId/],
  ])("rejects %s", (_name, body, message) => {
    const parsed = parseProfileEventMessage(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it("maps updates to rows, and deletions to rows without personal data", () => {
    const parsed = parseProfileEventMessage(JSON.stringify(updated));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(toUserRow(parsed.value)).toEqual({ user_id: "u1", display_name: "Ada", locale: "en-GB", version: 3, updated_at: at, deleted: false });
    const deleted = parseProfileEventMessage(JSON.stringify({ ...updated, type: "profile.deleted", profile: undefined }));
    if (!deleted.ok) throw new Error(deleted.error);
    expect(toUserRow(deleted.value)).toEqual({ user_id: "u1", display_name: null, locale: null, version: 3, updated_at: at, deleted: true });
  });

  it("keeps the superseding row per user: higher version, then deletion of the same version", () => {
    const row = (user_id: string, version: number, deleted = false): UserRow => ({ user_id, display_name: `${version}`, locale: null, version, updated_at: "t", deleted });
    expect(supersedes(row("a", 2), row("a", 1))).toBe(true);
    expect(supersedes(row("a", 2, true), row("a", 2))).toBe(true);
    expect(supersedes(row("a", 2), row("a", 2, true))).toBe(false);
    expect(supersedes(row("a", 2), row("a", 2))).toBe(false);
    expect(latestPerUser([row("a", 1), row("b", 5), row("a", 3), row("a", 2), row("b", 5, true)])).toEqual([row("a", 3), row("b", 5, true)]);
  });
});

describe("query parameters", () => {
  it("days: default 30, 1..366", () => {
    expect(parseDays(undefined)).toEqual({ ok: true, value: 30 });
    expect(parseDays("1")).toEqual({ ok: true, value: 1 });
    expect(parseDays("366")).toEqual({ ok: true, value: 366 });
    for (const bad of ["0", "367", "1e2", " 5", "5.0", "-3", ""]) expect(parseDays(bad).ok).toBe(false);
  });

  it("date range: inclusive, from <= to, at most 366 days, real calendar dates", () => {
    expect(parseDateRange("2024-01-01", "2024-12-31")).toEqual({ ok: true, value: { from: "2024-01-01", to: "2024-12-31", days: 366 } });
    expect(parseDateRange("2024-03-01", "2024-03-01")).toMatchObject({ ok: true, value: { days: 1 } });
    expect(parseDateRange("2023-01-01", "2024-01-01")).toMatchObject({ ok: true, value: { days: 366 } });
    expect(parseDateRange("2023-01-01", "2024-01-02").ok).toBe(false);
    expect(parseDateRange("2023-02-29", "2023-03-01").ok).toBe(false);
    expect(parseDateRange("2024-03-02", "2024-03-01").ok).toBe(false);
  });

  it("reads cognito:groups as HTTP API flattens it, as an array, or comma-separated", () => {
    expect(groupsFromClaim("[admins other]")).toEqual(["admins", "other"]);
    expect(groupsFromClaim("[admins]")).toEqual(["admins"]);
    expect(groupsFromClaim("admins,other")).toEqual(["admins", "other"]);
    expect(groupsFromClaim(["admins", 3, ""])).toEqual(["admins"]);
    expect(groupsFromClaim("[]")).toEqual([]);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });

  it("never reads a group whose name holds a comma or quotes as `admins` (Cognito allows both in group names)", () => {
    // HTTP API flattens ["staff,admins"] to `[staff,admins]` and ["\"admins\"", "users"] to `["admins" users]`.
    expect(groupsFromClaim("[staff,admins]")).toEqual(["staff,admins"]);
    expect(groupsFromClaim('["admins" users]')).toEqual(['"admins"', "users"]);
    expect(groupsFromClaim(["staff,admins", '"admins"'])).not.toContain("admins");
  });
});

describe("migrations", () => {
  it("lists every .sql file of the migrations folder, in order, with its exact text", () => {
    expect(MIGRATIONS.map((m) => m.name)).toEqual(migrationFileNames());
    for (const m of MIGRATIONS) expect(m.sql).toBe(readFileSync(join(MIGRATIONS_DIR, m.name), "utf8"));
    expect(() => prepareMigrations(MIGRATIONS)).not.toThrow();
  });

  it("hashes the migrations for the deploy trigger", () => {
    expect(migrationsHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationsHash()).toBe(migrationsHash());
    expect(checksum("a")).not.toBe(checksum("a "));
  });

  it("refuses bad names, duplicates and wrong order", () => {
    expect(() => prepareMigrations([{ name: "init.sql", sql: "SELECT 1" }])).toThrow(/0001_name\.sql/);
    expect(() =>
      prepareMigrations([
        { name: "0002_b.sql", sql: "SELECT 1" },
        { name: "0001_a.sql", sql: "SELECT 1" },
      ]),
    ).toThrow(/name order/);
    expect(() => prepareMigrations([{ name: "0001_a.sql", sql: "-- nothing" }])).toThrow(/no SQL statement/);
  });

  it("splits statements on top-level semicolons only", () => {
    const sql = `-- a comment; with a semicolon
CREATE TABLE a (s text DEFAULT 'x;y', "we;ird" int);
/* block; /* nested; */ still comment */
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
DO $$ BEGIN PERFORM 1; END $$;
SELECT 'it''s; fine'
-- trailing comment;
`;
    expect(splitStatements(sql)).toEqual([
      `-- a comment; with a semicolon\nCREATE TABLE a (s text DEFAULT 'x;y', "we;ird" int)`,
      `/* block; /* nested; */ still comment */\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql`,
      "DO $$ BEGIN PERFORM 1; END $$",
      "SELECT 'it''s; fine'\n-- trailing comment;",
    ]);
    expect(splitStatements(MIGRATIONS[0].sql)).toHaveLength(5);
  });
});
