// Pure unit tests of activity-ingest: validation, chunking and PutRecords retries over an injected Kinesis client and
// clock. No Kinesis stand-in is documented to work on these machines (../shared/DESIGN.md), so there is no
// integration test against a stream.
import type { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { Context } from "aws-lambda";
import type * as Ingest from "./activity-ingest";

process.env.ACTIVITY_STREAM_NAME ??= "platform-test-activity";
process.env.AWS_REGION ??= "eu-west-1";
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT"; // the handler logs retries and failures; keep test output readable
// Loaded after the environment above is set (the handler reads it at import).
const ingest: typeof Ingest = require("./activity-ingest");
const { chunkRecords, createHandler, putActivityRecords, toRecords, validateEvents, MAX_BYTES_PER_PUT, MAX_CLOCK_SKEW_MS } = ingest;

const NOW = Date.parse("2026-11-23T12:00:00.000Z");
const USER = "3f0c9b7e-1111-4a4a-9c9c-000000000001";
const ID = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const ev = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ type: "page.view", time: "2026-11-23T11:59:00.000Z", props: { path: "/" }, ...over });
const ids = (): (() => string) => {
  let n = 0;
  return () => ID(++n);
};

type Result = { ErrorCode?: string; ErrorMessage?: string; SequenceNumber?: string; ShardId?: string };
type Call = { stream: string | undefined; records: Array<{ data: any; key: string }> };

/** A fake Kinesis: `answer(call, n)` returns per-record results or throws. */
function fakeKinesis(answer: (call: Call, n: number) => Result[] = (call) => call.records.map(() => ({ SequenceNumber: "1", ShardId: "s" }))) {
  const calls: Call[] = [];
  return {
    calls,
    send: jest.fn(async (command: PutRecordsCommand) => {
      const call: Call = {
        stream: command.input.StreamName,
        records: (command.input.Records ?? []).map((r) => ({ data: JSON.parse(Buffer.from(r.Data!).toString("utf8")), key: r.PartitionKey! })),
      };
      calls.push(call);
      const results = answer(call, calls.length);
      return { FailedRecordCount: results.filter((r) => r.ErrorCode).length, Records: results };
    }),
  };
}

const context = (remainingMs = 10_000): Context => ({ awsRequestId: "req-1", getRemainingTimeInMillis: () => remainingMs, functionName: "activity-ingest" }) as unknown as Context;

function apiEvent(body: unknown, over: { sub?: string | null; method?: string; routeKey?: string; raw?: string; base64?: boolean } = {}): any {
  const text = over.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  return {
    version: "2.0",
    routeKey: over.routeKey ?? "POST /events",
    rawPath: "/events",
    headers: { "content-type": "application/json" },
    isBase64Encoded: over.base64 ?? false,
    body: over.base64 && text !== undefined ? Buffer.from(text).toString("base64") : text,
    requestContext: {
      requestId: "api-req-1",
      stage: "$default",
      http: { method: over.method ?? "POST", path: "/events" },
      authorizer: { jwt: { claims: over.sub === null ? {} : { sub: over.sub ?? USER }, scopes: null } },
    },
  };
}

describe("validateEvents", () => {
  const opts = { userId: USER, now: NOW, newId: ids() };

  it("sets userId from the token and an eventId where the client sent none, keeps a client eventId, defaults props to {}", () => {
    const out = validateEvents({ events: [ev(), ev({ eventId: ID(99) }), ev({ props: undefined })] }, { ...opts, newId: ids() });
    expect(out).toEqual([
      { eventId: ID(1), userId: USER, type: "page.view", time: "2026-11-23T11:59:00.000Z", props: { path: "/" } },
      { eventId: ID(99), userId: USER, type: "page.view", time: "2026-11-23T11:59:00.000Z", props: { path: "/" } },
      { eventId: ID(2), userId: USER, type: "page.view", time: "2026-11-23T11:59:00.000Z", props: {} },
    ]);
  });

  it("accepts 1 and 500 events, refuses 0, 501 and a body without an events array", () => {
    expect(validateEvents({ events: [ev()] }, opts)).toHaveLength(1);
    expect(validateEvents({ events: Array.from({ length: 500 }, () => ev()) }, opts)).toHaveLength(500);
    expect(() => validateEvents({ events: [] }, opts)).toThrow(/^events: expected 1–500 events, received 0$/);
    expect(() => validateEvents({ events: Array.from({ length: 501 }, () => ev()) }, opts)).toThrow(/received 501/);
    expect(() => validateEvents({ events: "x" }, opts)).toThrow(/^events: expected an array/);
    expect(() => validateEvents([ev()], opts)).toThrow(/^body: expected a JSON object/);
    expect(() => validateEvents({ events: [ev()], extra: 1 }, opts)).toThrow(/^extra: unknown field/);
  });

  it.each([
    ["a bad eventId", ev({ eventId: "not-a-uuid" }), "events[2].eventId"],
    ["a bad type", ev({ type: "Page View" }), "events[2].type"],
    ["a missing type", ev({ type: undefined }), "events[2].type"],
    ["a time without zone", ev({ time: "2026-11-23T11:59:00" }), "events[2].time"],
    ["props over 2 KB", ev({ props: { blob: "x".repeat(2100) } }), "events[2].props"],
    ["props that is not an object", ev({ props: [1, 2] }), "events[2].props"],
    ["a client userId", { ...ev(), userId: "someone-else" }, "events[2].userId"],
    ["an unknown field", { ...ev(), colour: "red" }, "events[2].colour"],
    ["a non-object event", 42, "events[2]"],
  ])("names the first bad event's index and field: %s", (_what, bad, field) => {
    let error: any;
    try {
      validateEvents({ events: [ev(), ev(), bad, ev({ type: "ALSO BAD" })] }, opts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ingest.EventValidationError);
    expect(error.field).toBe(field);
    expect(error.index).toBe(2);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("ValidationFailed");
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it("refuses a time more than the allowed skew ahead of the clock, accepts one within it and any past time", () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(validateEvents({ events: [ev({ time: at(MAX_CLOCK_SKEW_MS) }), ev({ time: "2020-01-01T00:00:00Z" })] }, opts)).toHaveLength(2);
    expect(() => validateEvents({ events: [ev(), ev({ time: at(MAX_CLOCK_SKEW_MS + 1) })] }, opts)).toThrow(/^events\[1\]\.time: .* is in the future \(more than 300 s/);
    expect(() => validateEvents({ events: [ev({ time: at(61_000) })] }, { ...opts, maxSkewMs: 60_000 })).toThrow(/events\[0\]\.time/);
    // a zone offset counts: 13:04+01:00 is 12:04Z, within 5 minutes
    expect(validateEvents({ events: [ev({ time: "2026-11-23T13:04:00+01:00" })] }, opts)).toHaveLength(1);
  });
});

describe("toRecords and chunkRecords", () => {
  it("makes one JSON record per event with the user as partition key, sized data + key", () => {
    const events = validateEvents({ events: [ev(), ev()] }, { userId: USER, now: NOW, newId: ids() });
    const records = toRecords(events);
    expect(records.map((r) => r.index)).toEqual([0, 1]);
    expect(records[0].entry.PartitionKey).toBe(USER);
    expect(JSON.parse(Buffer.from(records[0].entry.Data).toString("utf8"))).toEqual(events[0]);
    expect(records[0].size).toBe(records[0].entry.Data.byteLength + USER.length);
  });

  it("splits at 500 records and at 5 MiB, in order, never leaving an empty chunk", () => {
    const small = Array.from({ length: 1203 }, (_, i) => ({ i, size: 10 }));
    expect(chunkRecords(small).map((c) => c.length)).toEqual([500, 500, 203]);
    expect(
      chunkRecords(small)
        .flat()
        .map((r) => r.i),
    ).toEqual(small.map((r) => r.i));
    const big = Array.from({ length: 7 }, (_, i) => ({ i, size: 1024 * 1024 }));
    const chunks = chunkRecords(big);
    expect(chunks.map((c) => c.length)).toEqual([5, 2]);
    for (const c of chunks) expect(c.reduce((n, r) => n + r.size, 0)).toBeLessThanOrEqual(MAX_BYTES_PER_PUT);
    expect(chunkRecords([])).toEqual([]);
  });
});

describe("putActivityRecords", () => {
  const records = (n: number) => toRecords(validateEvents({ events: Array.from({ length: n }, () => ev()) }, { userId: USER, now: NOW, newId: ids() }));
  const clock = () => {
    let t = NOW;
    return { now: () => t, sleep: jest.fn(async (ms: number) => void (t += ms)) };
  };

  it("puts every record in one call when all are accepted", async () => {
    const kinesis = fakeKinesis();
    const c = clock();
    const out = await putActivityRecords(records(3), { kinesis, streamName: "s", now: c.now, deadline: NOW + 5000, sleep: c.sleep });
    expect(out).toEqual({ accepted: 3, failed: 0, failures: [] });
    expect(kinesis.calls).toHaveLength(1);
    expect(kinesis.calls[0].stream).toBe("s");
    expect(kinesis.calls[0].records.map((r) => r.key)).toEqual([USER, USER, USER]);
    expect(c.sleep).not.toHaveBeenCalled();
  });

  it("retries only the records PutRecords rejected, with growing jittered backoff, until they are accepted", async () => {
    const kinesis = fakeKinesis((call, n) =>
      call.records.map((_, i) =>
        (n === 1 && i % 2 === 0) || (n === 2 && i === 0) ? { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "slow down" } : { SequenceNumber: "1" },
      ),
    );
    const c = clock();
    const out = await putActivityRecords(records(5), { kinesis, streamName: "s", now: c.now, deadline: NOW + 5000, sleep: c.sleep, random: () => 0.999 });
    expect(out).toEqual({ accepted: 5, failed: 0, failures: [] });
    expect(kinesis.calls.map((x) => x.records.map((r) => r.data.eventId))).toEqual([[ID(1), ID(2), ID(3), ID(4), ID(5)], [ID(1), ID(3), ID(5)], [ID(1)]]);
    expect(c.sleep.mock.calls.map(([ms]) => ms)).toEqual([49, 99]); // full jitter under 50, 100 ms
  });

  it("stops retrying when the next attempt would not fit before the deadline, and reports what failed with its code", async () => {
    const kinesis = fakeKinesis((call) => call.records.map((r) => (r.data.eventId === ID(2) ? { ErrorCode: "InternalFailure" } : { SequenceNumber: "1" })));
    const c = clock();
    const out = await putActivityRecords(records(3), { kinesis, streamName: "s", now: c.now, deadline: NOW + 1000, sleep: c.sleep, random: () => 0.999 });
    expect(out).toEqual({ accepted: 2, failed: 1, failures: [{ index: 1, eventId: ID(2), errorCode: "InternalFailure" }] });
    // 49 + 99 + 199 + 399 ms of backoff fit before the deadline with 250 ms left for each attempt; 799 more would not
    expect(c.sleep.mock.calls.map(([ms]) => ms)).toEqual([49, 99, 199, 399]);
    expect(kinesis.calls).toHaveLength(5);
    expect(c.now()).toBeLessThanOrEqual(NOW + 1000);
  });

  it("is bounded by maxAttempts even with time left", async () => {
    const kinesis = fakeKinesis((call) => call.records.map(() => ({ ErrorCode: "ProvisionedThroughputExceededException" })));
    const c = clock();
    const out = await putActivityRecords(records(2), { kinesis, streamName: "s", now: c.now, deadline: NOW + 3_600_000, sleep: c.sleep, maxAttempts: 4 });
    expect(kinesis.calls).toHaveLength(4);
    expect(out).toMatchObject({ accepted: 0, failed: 2 });
  });

  it("retries a throttled whole call, and throws a non-retryable error (access, missing stream)", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ProvisionedThroughputExceededException" });
    let n = 0;
    const flaky = {
      send: jest.fn(async (cmd: PutRecordsCommand) => {
        if (++n === 1) throw throttled;
        return { FailedRecordCount: 0, Records: (cmd.input.Records ?? []).map(() => ({ SequenceNumber: "1" })) };
      }),
    };
    const c = clock();
    expect(await putActivityRecords(records(2), { kinesis: flaky, streamName: "s", now: c.now, deadline: NOW + 5000, sleep: c.sleep })).toMatchObject({ accepted: 2, failed: 0 });
    expect(flaky.send).toHaveBeenCalledTimes(2);

    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    const broken = { send: jest.fn(async () => Promise.reject(denied)) };
    await expect(putActivityRecords(records(1), { kinesis: broken, streamName: "s", now: c.now, deadline: NOW + 5000, sleep: c.sleep })).rejects.toBe(denied);
    expect(broken.send).toHaveBeenCalledTimes(1);
  });

  it("puts more than 500 records in several calls and counts across them", async () => {
    const kinesis = fakeKinesis();
    const c = clock();
    const many = [...records(500), ...records(250).map((r) => ({ ...r, index: r.index + 500 }))];
    const out = await putActivityRecords(many, { kinesis, streamName: "s", now: c.now, deadline: NOW + 5000, sleep: c.sleep });
    expect(kinesis.calls.map((x) => x.records.length)).toEqual([500, 250]);
    expect(out).toEqual({ accepted: 750, failed: 0, failures: [] });
  });
});

describe("handler", () => {
  const make = (kinesis = fakeKinesis(), over: Partial<Ingest.ActivityIngestDeps> = {}) =>
    createHandler({ kinesis, streamName: "platform-test-activity", now: () => NOW, newId: ids(), sleep: async () => undefined, ...over });

  it("POST /events: 202 with accepted/failed, records on the connected stream keyed by the token's sub", async () => {
    const kinesis = fakeKinesis();
    const res = await make(kinesis)(apiEvent({ events: [ev(), ev({ eventId: ID(42) })] }), context());
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body!)).toEqual({ accepted: 2, failed: 0, failures: [] });
    expect(kinesis.calls[0].stream).toBe("platform-test-activity");
    expect(kinesis.calls[0].records.map((r) => [r.key, r.data.userId, r.data.eventId])).toEqual([
      [USER, USER, ID(1)],
      [USER, USER, ID(42)],
    ]);
  });

  it("reads a base64-encoded body", async () => {
    const res = await make()(apiEvent({ events: [ev()] }, { base64: true }), context());
    expect(res.statusCode).toBe(202);
  });

  it("400 naming the first bad event's index and field, and writes nothing", async () => {
    const kinesis = fakeKinesis();
    const res = await make(kinesis)(apiEvent({ events: [ev(), ev({ time: "yesterday" })] }), context());
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body!);
    expect(body.error.code).toBe("ValidationFailed");
    expect(body.error.message).toMatch(/^events\[1\]\.time: /);
    expect(kinesis.calls).toHaveLength(0);
  });

  it.each([
    ["no body", 400, "MissingBody", undefined],
    ["malformed JSON", 400, "MalformedJson", "{nope"],
  ])("%s → %i %s", async (_what, status, code, raw) => {
    const res = await make()(apiEvent(undefined, { raw: raw as string | undefined }), context());
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body!).error.code).toBe(code);
  });

  it("401 without a sub claim, 405 for another method", async () => {
    expect((await make()(apiEvent({ events: [ev()] }, { sub: null }), context())).statusCode).toBe(401);
    const res = await make()(apiEvent({ events: [ev()] }, { method: "GET", routeKey: "GET /events" }), context());
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("POST");
  });

  it("202 reporting the records still rejected when the invocation runs out of time", async () => {
    const kinesis = fakeKinesis((call) => call.records.map((_, i) => (i === 0 ? { ErrorCode: "ProvisionedThroughputExceededException" } : { SequenceNumber: "1" })));
    const res = await make(kinesis)(apiEvent({ events: [ev(), ev()] }), context(1200));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body!)).toEqual({ accepted: 1, failed: 1, failures: [{ index: 0, eventId: ID(1), errorCode: "ProvisionedThroughputExceededException" }] });
  });

  it("500 with a reference only (no AWS error text) when Kinesis refuses the call", async () => {
    const denied = Object.assign(new Error("User arn:aws:sts::1:assumed-role/x is not authorized"), { name: "AccessDeniedException" });
    const res = await make({ calls: [], send: jest.fn(async () => Promise.reject(denied)) } as any)(apiEvent({ events: [ev()] }), context());
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("not authorized");
    expect(JSON.parse(res.body!).error).toEqual({ code: "InternalError", message: expect.stringContaining("api-req-1") });
  });
});
