import { parseActivityEvent } from "../../lambdas/analytics/activity-event";
import { decodeActivityRecord } from "../../lambdas/analytics/activity-records";
import { evaluateRule, formatJodaUtc, IotSqlError, parseRuleSql, topicMatches } from "./iot-sql";
import { DEVICE_ACTIVITY_SQL, DEVICE_EVENT_TIME_FORMAT, deviceActivityTopic } from "./sql";

const NOW = Date.UTC(2026, 10, 30, 12, 34, 56, 789);
const UUID = "0b6a3c1e-5f0d-4c52-9a51-3c9b8f2f4a10";
const ctx = { now: NOW, newUuid: () => UUID };
const run = (topic: string, payload: unknown) => evaluateRule(DEVICE_ACTIVITY_SQL, topic, typeof payload === "string" ? payload : JSON.stringify(payload), ctx);

describe("the IoT SQL evaluator (the subset the device rule uses)", () => {
  it("parses SELECT items with aliases, field keys, nested calls and the FROM filter", () => {
    const rule = parseRuleSql(`select a, b.c, topic(2) as t, concat('x', "y") AS xy FROM 'devices/+/activity'`);
    expect(rule.topicFilter).toBe("devices/+/activity");
    expect(rule.select.map((s) => s.key)).toEqual(["a", "c", "t", "xy"]);
    expect(evaluateRule(rule, "devices/d1/activity", JSON.stringify({ a: 1, b: { c: [2] } }), ctx)).toEqual({
      kind: "output",
      value: { a: 1, c: [2], t: "d1", xy: "xy" },
    });
  });

  it("leaves Undefined items out of the output: missing fields, topic levels that do not exist, concat with an Undefined", () => {
    const out = evaluateRule(`SELECT a, topic(9) AS deep, concat('p', b) AS pb, topic() AS whole FROM '#'`, "x/y", "{}", ctx);
    expect(out).toEqual({ kind: "output", value: { whole: "x/y" } });
  });

  it("matches topic filters: + is exactly one level, a trailing # any levels", () => {
    expect(topicMatches("devices/+/activity", "devices/d1/activity")).toBe(true);
    expect(topicMatches("devices/+/activity", "devices/d1/x/activity")).toBe(false);
    expect(topicMatches("devices/+/activity", "devices//activity")).toBe(true);
    expect(topicMatches("devices/+/activity", "devices/d1/activity/more")).toBe(false);
    expect(topicMatches("devices/#", "devices")).toBe(true);
    expect(topicMatches("devices/#", "devices/a/b")).toBe(true);
    expect(topicMatches("devices/#", "other/a")).toBe(false);
  });

  it("formats parse_time patterns in UTC (quoted literals, Z and ZZ offsets)", () => {
    expect(formatJodaUtc(DEVICE_EVENT_TIME_FORMAT, NOW)).toBe("2026-11-30T12:34:56.789Z");
    expect(formatJodaUtc("yyyy-MM-dd'T'HH:mm:ssZ", 0)).toBe("1970-01-01T00:00:00+0000");
    expect(formatJodaUtc("yyyy-MM-dd'T'HH:mm:ssZZ", 5)).toBe("1970-01-01T00:00:00+00:00");
    expect(formatJodaUtc("HH 'o''clock'", 0)).toBe("00 o'clock");
    expect(() => formatJodaUtc("EEE", 0)).toThrow(/outside the supported subset/);
  });

  it("refuses SQL outside the subset instead of evaluating it wrongly", () => {
    expect(() => parseRuleSql("SELECT * FROM 'a'")).toThrow(IotSqlError);
    expect(() => parseRuleSql("SELECT a FROM 'a' WHERE a")).toThrow(/no WHERE/);
    expect(() => parseRuleSql("SELECT upper(a) AS b FROM 'a'")).toThrow(/function upper\(\) is outside/);
    expect(() => parseRuleSql("SELECT newuuid() FROM 'a'")).toThrow(/needs an alias/);
    expect(() => parseRuleSql("SELECT a, a FROM 'a'")).toThrow(/names "a" twice/);
    expect(() => parseRuleSql(`SELECT a FROM "a"`)).toThrow(/single quotes/);
    expect(() => parseRuleSql("SELECT a FROM 'a/b+/c'")).toThrow(/wildcards must fill a whole level/);
    expect(() => evaluateRule("SELECT parse_time('yyyy', timestamp(), 'Europe/Paris') AS t FROM 'a'", "a", "{}", ctx)).toThrow(/only the UTC zone/);
  });
});

describe("DEVICE_ACTIVITY_SQL on sample device messages", () => {
  it("turns a device message into an activity event that activity-processor's own parser accepts", () => {
    const out = run(deviceActivityTopic("sensor-42"), { type: "door.open", props: { door: "front", battery: 87 } });
    expect(out).toEqual({
      kind: "output",
      value: { eventId: UUID, userId: "device:sensor-42", type: "door.open", props: { door: "front", battery: 87 }, time: "2026-11-30T12:34:56.789Z" },
    });
    const parsed = parseActivityEvent((out as { value: unknown }).value);
    expect(parsed).toEqual({ ok: true, value: (out as { value: unknown }).value });
    // as the Kinesis action delivers it (the JSON bytes; Lambda hands them over base64-encoded)
    const record = Buffer.from(JSON.stringify((out as { value: unknown }).value)).toString("base64");
    expect(decodeActivityRecord(record).ok).toBe(true);
  });

  it("gives every message a fresh eventId and takes the userId from the topic, never from the message", () => {
    let n = 0;
    const ids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"];
    const ev = (payload: unknown) => evaluateRule(DEVICE_ACTIVITY_SQL, "devices/cam-1/activity", JSON.stringify(payload), { now: NOW, newUuid: () => ids[n++] });
    const a = ev({ type: "motion", props: {}, userId: "victim-sub", eventId: "00000000-0000-4000-8000-000000000000", time: "1999-01-01T00:00:00Z" });
    const b = ev({ type: "motion", props: {} });
    expect(a).toEqual({ kind: "output", value: { eventId: ids[0], userId: "device:cam-1", type: "motion", props: {}, time: "2026-11-30T12:34:56.789Z" } });
    expect((b as { value: Record<string, unknown> }).value.eventId).toBe(ids[1]);
  });

  it("does not run for other topics (another leaf, a deeper topic, another root)", () => {
    for (const topic of ["devices/d1/telemetry", "devices/d1/activity/x", "things/d1/activity", "devices/activity"]) {
      expect(run(topic, { type: "x", props: {} })).toEqual({ kind: "no-match" });
    }
  });

  it("passes malformed messages through, where activity-processor's parser refuses them (and reports them as failed)", () => {
    const malformed: Array<[string, unknown, RegExp]> = [
      ["missing type", { props: { a: 1 } }, /type: /],
      ["props not an object", { type: "door.open", props: "front" }, /props: /],
      ["props missing", { type: "door.open" }, /props: /],
      ["type not matching [a-z0-9._-]", { type: "Door Open!", props: {} }, /type: must be 1-64 characters/],
      ["props above 2048 bytes", { type: "blob", props: { b: "x".repeat(2100) } }, /props: must be at most 2048 bytes/],
      ["a JSON array", [1, 2], /type: [\s\S]*props: /],
    ];
    for (const [what, payload, error] of malformed) {
      const out = run("devices/d1/activity", payload);
      expect(out.kind).toBe("output");
      const value = (out as { value: Record<string, unknown> }).value;
      // the rule always adds these three: the record is identifiable (eventId, device) when it is reported
      expect(value).toMatchObject({ eventId: UUID, userId: "device:d1", time: "2026-11-30T12:34:56.789Z" });
      const parsed = parseActivityEvent(value);
      expect({ what, ok: parsed.ok }).toEqual({ what, ok: false });
      expect((parsed as { error: string }).error).toMatch(error);
    }
  });

  it("a payload that is not JSON never reaches the stream: the rule does not run (AWS counts a ParseError)", () => {
    expect(run("devices/d1/activity", "type=door.open")).toMatchObject({ kind: "parse-error" });
  });

  it("a thing name too long for userId (> 121 characters) yields an event the parser refuses", () => {
    const out = run(deviceActivityTopic("t".repeat(122)), { type: "x", props: {} });
    expect(parseActivityEvent((out as { value: unknown }).value)).toMatchObject({ ok: false, error: expect.stringMatching(/userId/) });
    expect(parseActivityEvent((run(deviceActivityTopic("t".repeat(121)), { type: "x", props: {} }) as { value: unknown }).value).ok).toBe(true);
  });
});
