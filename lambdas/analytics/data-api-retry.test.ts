/**
 * The Data API client's retry policy (lambdas/shared/data-api.ts) as pure logic: injected sleep, random and clock.
 */
import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { DEFAULT_RETRY_POLICY, DataApi, RetryPolicy, backoffDelay, isRetryableError, param, toDataApiTimestamp, toSqlParameters, withRetry } from "../shared/data-api";

function awsError(name: string, status: number, extra: object = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });
}

/** A fake clock: sleep advances it; remaining time counts down from `budgetMs`. */
function fakeTime(budgetMs: number) {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    remainingTimeMs: () => budgetMs - now,
    elapsed: () => now,
  };
}

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 1000, safetyMarginMs: 3000, maxAttempts: 50 };

describe("isRetryableError", () => {
  it.each([
    ["DatabaseResumingException", 400],
    ["ThrottlingException", 400],
    ["TooManyRequestsException", 429],
    ["ServiceUnavailableError", 503],
    ["InternalServerErrorException", 500],
    ["DatabaseUnavailableException", 504],
    ["SomeNew5xx", 502],
    ["SomeNewThrottle", 429],
  ])("retries %s (HTTP %d)", (name, status) => {
    expect(isRetryableError(awsError(name, status))).toBe(true);
  });

  it.each([
    ["BadRequestException", 400],
    ["DatabaseErrorException", 400],
    ["ForbiddenException", 403],
    ["AccessDeniedException", 403],
    ["StatementTimeoutException", 400],
    ["TransactionNotFoundException", 404],
  ])("does not retry %s (HTTP %d)", (name, status) => {
    expect(isRetryableError(awsError(name, status))).toBe(false);
  });

  it("retries network errors (no HTTP response)", () => {
    expect(isRetryableError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("socket hang up"), { name: "Error" }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("timed out"), { name: "TimeoutError" }))).toBe(true);
  });

  it("does not retry programming errors and non-errors", () => {
    expect(isRetryableError(new TypeError("x is undefined"))).toBe(false);
    expect(isRetryableError("boom")).toBe(false);
    expect(isRetryableError(undefined)).toBe(false);
  });
});

describe("backoffDelay (capped exponential, full jitter)", () => {
  it("draws uniformly below min(cap, base * 2^attempt)", () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(200);
  });

  it("never overflows for huge attempt numbers", () => {
    expect(backoffDelay(10_000, policy, () => 0.5)).toBe(500);
  });
});

describe("withRetry", () => {
  it("retries a resuming cluster until it answers, sleeping the jittered backoff between attempts", async () => {
    const time = fakeTime(60_000);
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls += 1;
        if (calls <= 3) throw awsError("DatabaseResumingException", 400);
        return "ok";
      },
      policy,
      { sleep: time.sleep, random: () => 0.5, remainingTimeMs: time.remainingTimeMs },
    );
    expect(out).toBe("ok");
    expect(calls).toBe(4);
    expect(time.sleeps).toEqual([50, 100, 200]);
  });

  it("throws a non-retryable error at once, without sleeping", async () => {
    const time = fakeTime(60_000);
    const fn = jest.fn(async () => {
      throw awsError("DatabaseErrorException", 400);
    });
    await expect(withRetry(fn, policy, { sleep: time.sleep, random: () => 0.5, remainingTimeMs: time.remainingTimeMs })).rejects.toMatchObject({ name: "DatabaseErrorException" });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(time.sleeps).toEqual([]);
  });

  it("stops when the remaining time minus the safety margin cannot cover the next delay, and throws the last error", async () => {
    const time = fakeTime(5_000); // 2 s usable after the 3 s margin
    const fn = jest.fn(async () => {
      throw awsError("DatabaseResumingException", 400);
    });
    await expect(withRetry(fn, policy, { sleep: time.sleep, random: () => 0.999, remainingTimeMs: time.remainingTimeMs })).rejects.toMatchObject({
      name: "DatabaseResumingException",
    });
    // 99 + 199 + 399 + 799 = 1496 ms slept; the next (999) would end past 2000 ms
    expect(time.sleeps).toEqual([99, 199, 399, 799]);
    expect(time.elapsed()).toBeLessThanOrEqual(5_000 - policy.safetyMarginMs);
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it("does not retry at all when the invocation is already inside its safety margin", async () => {
    const time = fakeTime(2_999);
    const fn = jest.fn(async () => {
      throw awsError("ThrottlingException", 400);
    });
    await expect(withRetry(fn, policy, { sleep: time.sleep, random: () => 0.5, remainingTimeMs: time.remainingTimeMs })).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("without a deadline, stops after maxAttempts", async () => {
    const fn = jest.fn(async () => {
      throw awsError("ServiceUnavailableError", 503);
    });
    await expect(withRetry(fn, { ...policy, maxAttempts: 4 }, { sleep: async () => undefined, random: () => 0.5 })).rejects.toMatchObject({ name: "ServiceUnavailableError" });
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it("has sensible defaults: 100 ms base, 5 s cap, 3 s safety margin", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ baseDelayMs: 100, maxDelayMs: 5000, safetyMarginMs: 3000, maxAttempts: 50 });
  });
});

describe("DataApi with a fake client", () => {
  const target = { resourceArn: "arn:cluster", secretArn: "arn:secret", database: "analytics" };

  function fakeClient(answers: Array<Error | object>): { client: RDSDataClient; commands: Array<{ name: string; input: any }> } {
    const commands: Array<{ name: string; input: any }> = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        commands.push({ name: command.constructor.name, input: command.input });
        const answer = answers.shift() ?? {};
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as RDSDataClient;
    return { client, commands };
  }

  it("bounds retries by the invocation's remaining time (forInvocation)", async () => {
    const { client, commands } = fakeClient(Array.from({ length: 10 }, () => awsError("DatabaseResumingException", 400)));
    const sleeps: number[] = [];
    const db = new DataApi({ client, target, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
    let remaining = 3_400;
    const invocation = db.forInvocation({ getRemainingTimeInMillis: () => (remaining -= 100) });
    await expect(invocation.execute("SELECT 1")).rejects.toMatchObject({ name: "DatabaseResumingException" });
    expect(commands.length).toBeLessThan(10);
    expect(sleeps.length).toBe(commands.length - 1);
  });

  it("sends named parameters with type hints, and maps records to rows by label", async () => {
    const { client, commands } = fakeClient([{ columnMetadata: [{ label: "a" }, { name: "b" }], records: [[{ longValue: 1 }, { isNull: true }]], numberOfRecordsUpdated: 0 }]);
    const db = new DataApi({ client, target });
    const out = await db.execute("SELECT :id, :doc, :n, :x, :ok, :at", {
      id: param.uuid("u"),
      doc: param.json({ a: 1 }),
      n: 1.5,
      x: null,
      ok: true,
      at: param.timestamp("2024-05-01T12:00:00.123Z"),
    });
    expect(out).toEqual({ rows: [{ a: 1, b: null }], numberOfRecordsUpdated: 0 });
    expect(commands[0].input).toMatchObject({ ...target, includeResultMetadata: true });
    expect(commands[0].input.parameters).toEqual([
      { name: "id", value: { stringValue: "u" }, typeHint: "UUID" },
      { name: "doc", value: { stringValue: '{"a":1}' }, typeHint: "JSON" },
      { name: "n", value: { doubleValue: 1.5 } },
      { name: "x", value: { isNull: true } },
      { name: "ok", value: { booleanValue: true } },
      { name: "at", value: { stringValue: "2024-05-01 12:00:00.123" }, typeHint: "TIMESTAMP" },
    ]);
  });

  it("retries a transaction as a whole: rolls back, begins again, runs fn again, commits once", async () => {
    const { client, commands } = fakeClient([
      { transactionId: "t1" },
      awsError("ServiceUnavailableError", 503), // the statement of the first attempt
      {}, // rollback t1
      { transactionId: "t2" },
      {}, // the statement of the second attempt
      {}, // commit t2
    ]);
    const db = new DataApi({ client, target, sleep: async () => undefined });
    let runs = 0;
    await db.transaction(async (tx) => {
      runs += 1;
      await tx.execute("INSERT 1");
    });
    expect(runs).toBe(2);
    expect(commands.map((c) => c.name)).toEqual([
      "BeginTransactionCommand",
      "ExecuteStatementCommand",
      "RollbackTransactionCommand",
      "BeginTransactionCommand",
      "ExecuteStatementCommand",
      "CommitTransactionCommand",
    ]);
    expect(commands[4].input.transactionId).toBe("t2");
  });

  it("converts plain values and refuses non-finite numbers", () => {
    expect(toSqlParameters({ big: BigInt("9007199254740993"), n: 3 })).toEqual([
      { name: "big", value: { stringValue: "9007199254740993" }, typeHint: "DECIMAL" },
      { name: "n", value: { longValue: 3 } },
    ]);
    expect(() => toSqlParameters({ n: Number.NaN })).toThrow(/:n is NaN/);
    expect(() => toDataApiTimestamp("not a date")).toThrow(/not a valid date/);
  });
});
