import { InvokeOutcome } from "../types";
import { Fixtures } from "./test-support";

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

function failure(outcome: InvokeOutcome): Extract<InvokeOutcome, { ok: false }> {
  if (outcome.ok) throw new Error(`expected a failed invocation, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe("FunctionPool.invoke: results", () => {
  it("returns the handler's value after a JSON round trip (undefined → null, Date → string)", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => {
        if (event.kind === "undefined") return undefined;
        return { echo: event, when: new Date(0), skipped: undefined, list: [1, undefined] };
      };`);
    const full = await pool.invoke({ a: 1, nested: { b: [true, null] } }, { requestId: "req-1" });
    expect(full).toEqual({
      ok: true,
      payload: { echo: { a: 1, nested: { b: [true, null] } }, when: "1970-01-01T00:00:00.000Z", list: [1, null] },
      requestId: "req-1",
      durationMs: expect.any(Number),
    });
    const empty = await pool.invoke({ kind: "undefined" });
    expect(empty).toMatchObject({ ok: true, payload: null });
  });

  it("delivers a 5 MB event intact and an absent event as {}", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => ({ keys: Object.keys(event), length: (event.blob || "").length, tail: (event.blob || "").slice(-3) });`);
    const blob = `${"x".repeat(5 * 1024 * 1024)}end`;
    expect(await pool.invoke({ blob })).toMatchObject({ ok: true, payload: { keys: ["blob"], length: blob.length, tail: "end" } });
    expect(await pool.invoke(undefined)).toMatchObject({ ok: true, payload: { keys: [], length: 0 } });
  });

  it("answers a callback handler once its event loop is empty, or at once when callbackWaitsForEmptyEventLoop is false", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = (event, context, callback) => {
        context.callbackWaitsForEmptyEventLoop = event.wait;
        setTimeout(() => {}, 300);
        callback(null, "answered");
      };`);
    const waited = await pool.invoke({ wait: true });
    expect(waited).toMatchObject({ ok: true, payload: "answered" });
    expect(waited.durationMs).toBeGreaterThanOrEqual(295);
    const immediate = await pool.invoke({ wait: false });
    expect(immediate).toMatchObject({ ok: true, payload: "answered" });
    expect(immediate.durationMs).toBeLessThan(250);
  });

  it("gives context.done/succeed/fail and the callback their Lambda meanings (first call wins)", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = (event, context, callback) => {
        if (event.use === "succeed") { context.succeed("ok"); context.fail(new Error("ignored")); }
        if (event.use === "done") context.done(null, { via: "done" });
        if (event.use === "fail") context.fail();
        if (event.use === "callbackError") callback(new RangeError("out of range"));
      };`);
    expect(await pool.invoke({ use: "succeed" })).toMatchObject({ ok: true, payload: "ok" });
    expect(await pool.invoke({ use: "done" })).toMatchObject({ ok: true, payload: { via: "done" } });
    expect(failure(await pool.invoke({ use: "fail" }))).toMatchObject({ errorType: "string", errorMessage: "handled" });
    expect(failure(await pool.invoke({ use: "callbackError" }))).toMatchObject({ errorType: "RangeError", errorMessage: "out of range" });
  });

  it("gives the handler a context with the request id, function identity, memory, log names and remaining time", async () => {
    const { pool } = fixtures.handler(
      `exports.handler = async (event, context) => ({
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        remaining: context.getRemainingTimeInMillis(),
        waits: context.callbackWaitsForEmptyEventLoop,
      });`,
      { name: "platform-local-profile-api", timeoutSeconds: 7, memorySize: 256 },
    );
    const outcome = await pool.invoke({}, { requestId: "ctx-request" });
    expect(outcome).toMatchObject({
      ok: true,
      payload: {
        awsRequestId: "ctx-request",
        functionName: "platform-local-profile-api",
        functionVersion: "$LATEST",
        invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:platform-local-profile-api",
        memoryLimitInMB: "256",
        logGroupName: "/aws/lambda/platform-local-profile-api",
        logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
        waits: true,
      },
    });
    const remaining = (outcome as { payload: { remaining: number } }).payload.remaining;
    expect(remaining).toBeGreaterThan(6000);
    expect(remaining).toBeLessThanOrEqual(7000);
  });
});

describe("FunctionPool.invoke: function errors", () => {
  it("reports a thrown Error with its name, message and stack, and the same warm worker serves the next invocation", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => {
        if (event.fail) { const err = new Error("profile not found"); err.name = "NotFoundError"; throw err; }
        return process.pid;
      };`);
    const first = await pool.invoke({ fail: false });
    const error = failure(await pool.invoke({ fail: true }, { requestId: "err-1" }));
    expect(error).toMatchObject({ errorType: "NotFoundError", errorMessage: "profile not found", requestId: "err-1" });
    expect(error.trace?.[0]).toBe("NotFoundError: profile not found");
    expect(error.trace?.some((line) => line.includes("index.js"))).toBe(true);
    const after = await pool.invoke({ fail: false });
    expect(after).toMatchObject({ ok: true, payload: (first as { payload: number }).payload });
    expect(pool.stats()).toEqual({ coldStarts: 1, workers: 1, busy: 0 });
  });

  it("reports a rejection with a non-Error value by its typeof, as Lambda does", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => { throw "plain string"; };`);
    expect(failure(await pool.invoke({}))).toMatchObject({ errorType: "string", errorMessage: "plain string", trace: [] });
  });

  it("fails an async handler whose promise never settles with Runtime.NodeJsExit as soon as its event loop is empty", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => new Promise(() => {});`, { timeoutSeconds: 10 });
    const outcome = failure(await pool.invoke({}));
    expect(outcome.errorType).toBe("Runtime.NodeJsExit");
    expect(outcome.durationMs).toBeLessThan(2000);
  });

  it("answers null for a non-async handler that never calls back, once its event loop is empty", async () => {
    const { pool } = fixtures.handler(`exports.handler = (event, context, callback) => { setTimeout(() => {}, 50); return "ignored"; };`);
    expect(await pool.invoke({})).toMatchObject({ ok: true, payload: null });
  });

  it("fails a result JSON cannot encode with 'Unable to stringify response body'", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => { const a = {}; a.self = a; return a; };`);
    expect(failure(await pool.invoke({}))).toMatchObject({ errorType: "Error", errorMessage: "Unable to stringify response body" });
  });

  it("rejects (not a function error) an event JSON cannot encode", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => 1;`);
    await expect(pool.invoke({ big: BigInt(1) })).rejects.toThrow(/cannot be encoded as JSON/);
  });
});

describe("FunctionPool.invoke: warm workers", () => {
  it("keeps module state between warm invocations; a new worker starts with fresh state", async () => {
    const { pool } = fixtures.handler(`
      let count = 0;
      exports.handler = async () => ({ count: ++count, pid: process.pid });`);
    const a = await pool.invoke({});
    const b = await pool.invoke({});
    expect(a).toMatchObject({ payload: { count: 1 } });
    expect(b).toMatchObject({ payload: { count: 2, pid: (a as { payload: { pid: number } }).payload.pid } });
    await pool.reload(pool.spec);
    expect(await pool.invoke({})).toMatchObject({ payload: { count: 1 } });
    expect(pool.stats().coldStarts).toBe(2);
  });
});
