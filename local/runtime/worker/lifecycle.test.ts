import { InvokeOutcome } from "../types";
import { Fixtures, processExists } from "./test-support";

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

function failure(outcome: InvokeOutcome): Extract<InvokeOutcome, { ok: false }> {
  if (outcome.ok) throw new Error(`expected a failed invocation, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function payload<T>(outcome: InvokeOutcome): T {
  if (!outcome.ok) throw new Error(`expected a successful invocation, got ${JSON.stringify(outcome)}`);
  return outcome.payload as T;
}

/** Handler fixture: sleeps event.ms, then returns its pid and when it ran. */
const SLEEPER = `
  exports.handler = async (event) => {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, event.ms ?? 0));
    return { pid: process.pid, start, end: Date.now(), tag: event.tag };
  };`;

type Run = { pid: number; start: number; end: number; tag?: string };

describe("FunctionPool: timeouts and crashes", () => {
  it("kills an invocation that outlives the timeout (Sandbox.Timedout), and the next invocation cold-starts a new process", async () => {
    const { pool, lines } = fixtures.handler(SLEEPER, { timeoutSeconds: 1 });
    const warm = payload<Run>(await pool.invoke({ ms: 0 }));
    const timedOut = failure(await pool.invoke({ ms: 30_000 }, { requestId: "slow" }));
    expect(timedOut).toMatchObject({ errorType: "Sandbox.Timedout", errorMessage: "RequestId: slow Error: Task timed out after 1.00 seconds" });
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(990);
    expect(processExists(warm.pid)).toBe(false);
    expect(lines.map((l) => l.line)).toContain("Task timed out after 1.00 seconds");
    const next = payload<Run>(await pool.invoke({ ms: 0 }));
    expect(next.pid).not.toBe(warm.pid);
    expect(pool.stats()).toEqual({ coldStarts: 2, workers: 1, busy: 0 });
  });

  it("reports a process that exits mid-invocation as Runtime.ExitError with its exit status, and replaces it", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => { if (event.exit) process.exit(3); return process.pid; };`);
    const before = payload<number>(await pool.invoke({}));
    const crashed = failure(await pool.invoke({ exit: true }, { requestId: "crash" }));
    expect(crashed).toMatchObject({ errorType: "Runtime.ExitError", errorMessage: "RequestId: crash Error: Runtime exited with error: exit status 3" });
    const after = payload<number>(await pool.invoke({}));
    expect(after).not.toBe(before);
    expect(pool.stats().coldStarts).toBe(2);
  });

  it("reports a process killed by a signal as 'signal: killed'", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => { process.kill(process.pid, "SIGKILL"); await new Promise(() => setTimeout(() => {}, 10_000)); };`);
    expect(failure(await pool.invoke({}, { requestId: "sig" }))).toMatchObject({
      errorType: "Runtime.ExitError",
      errorMessage: "RequestId: sig Error: Runtime exited with error: signal: killed",
    });
  });

  it("fails the invocation with an exception no one caught (thrown from a timer) and replaces the process, as Lambda's runtime does", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => {
        if (event.throwLater) setTimeout(() => { throw new TypeError("thrown from a timer"); }, 10);
        await new Promise((r) => setTimeout(r, 200));
        return process.pid;
      };`);
    const before = payload<number>(await pool.invoke({}));
    expect(failure(await pool.invoke({ throwLater: true }))).toMatchObject({ errorType: "TypeError", errorMessage: "thrown from a timer" });
    const after = payload<number>(await pool.invoke({}));
    expect(after).not.toBe(before);
  });

  it("fails the invocation with Runtime.UnhandledPromiseRejection for a rejection no one handled, and replaces the process", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => {
        if (event.forget) Promise.reject(new Error("forgotten"));
        await new Promise((r) => setTimeout(r, 200));
        return process.pid;
      };`);
    const before = payload<number>(await pool.invoke({}));
    expect(failure(await pool.invoke({ forget: true }))).toMatchObject({ errorType: "Runtime.UnhandledPromiseRejection", errorMessage: "Error: forgotten" });
    expect(payload<number>(await pool.invoke({}))).not.toBe(before);
    expect(pool.stats().coldStarts).toBe(2);
  });

  it("reports a code folder that does not exist as Runtime.ExitError naming the folder", async () => {
    const { pool } = fixtures.pool(fixtures.spec("/nonexistent/code/folder"));
    const outcome = failure(await pool.invoke({}, { requestId: "nowhere" }));
    expect(outcome.errorType).toBe("Runtime.ExitError");
    expect(outcome.errorMessage).toMatch(/^RequestId: nowhere Error: Runtime exited with error: could not start \(.*ENOENT.*code folder \/nonexistent\/code\/folder\)$/);
  });
});

describe("FunctionPool: loading the handler", () => {
  it("reports a missing module as Runtime.ImportModuleError, and retries init on every invocation", async () => {
    const { pool } = fixtures.pool(fixtures.spec(fixtures.code({ "other.js": "exports.handler = async () => 1;" })));
    const first = failure(await pool.invoke({}));
    expect(first.errorType).toBe("Runtime.ImportModuleError");
    expect(first.errorMessage).toMatch(/^Error: Cannot find module 'index'/);
    expect(failure(await pool.invoke({})).errorType).toBe("Runtime.ImportModuleError");
    expect(pool.stats()).toMatchObject({ coldStarts: 2 });
  });

  it("reports a module that requires a missing package as Runtime.ImportModuleError", async () => {
    const { pool } = fixtures.handler(`const missing = require("not-installed-anywhere"); exports.handler = async () => missing;`);
    const outcome = failure(await pool.invoke({}));
    expect(outcome.errorType).toBe("Runtime.ImportModuleError");
    expect(outcome.errorMessage).toContain("Cannot find module 'not-installed-anywhere'");
  });

  it("reports a handler the module does not export as Runtime.HandlerNotFound", async () => {
    const { pool } = fixtures.handler(`exports.other = async () => 1;`);
    expect(failure(await pool.invoke({}))).toMatchObject({ errorType: "Runtime.HandlerNotFound", errorMessage: "index.handler is undefined or not exported" });
    const { pool: second } = fixtures.handler(`exports.notAFunction = 42;`, { handler: "index.notAFunction" });
    expect(failure(await second.invoke({}))).toMatchObject({ errorType: "Runtime.HandlerNotFound", errorMessage: "index.notAFunction is not a function" });
  });

  it("reports a syntax error as Runtime.UserCodeSyntaxError and an error thrown by init code under its own name", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => {;`);
    expect(failure(await pool.invoke({})).errorType).toBe("Runtime.UserCodeSyntaxError");
    const { pool: throwing } = fixtures.handler(`throw new RangeError("bad configuration"); exports.handler = async () => 1;`);
    expect(failure(await throwing.invoke({}))).toMatchObject({ errorType: "RangeError", errorMessage: "bad configuration" });
  });

  it('loads nested handler paths (src/app.main), nested exports (index.api.handler) and ES modules (.mjs, or .js under "type": "module")', async () => {
    const code = fixtures.code({
      "src/app.js": `exports.main = async () => "nested file";`,
      "index.js": `exports.api = { handler: async () => "nested export" };`,
      "esm.mjs": `export const handler = async (event) => ({ esm: true, event });`,
      "typed/package.json": `{ "type": "module" }`,
      "typed/app.js": `export const handler = async () => import.meta.url.endsWith("/typed/app.js");`,
    });
    const nested = fixtures.pool(fixtures.spec(code, { handler: "src/app.main" })).pool;
    expect(await nested.invoke({})).toMatchObject({ ok: true, payload: "nested file" });
    const member = fixtures.pool(fixtures.spec(code, { handler: "index.api.handler" })).pool;
    expect(await member.invoke({})).toMatchObject({ ok: true, payload: "nested export" });
    const esm = fixtures.pool(fixtures.spec(code, { handler: "esm.handler" })).pool;
    expect(await esm.invoke({ a: 1 })).toMatchObject({ ok: true, payload: { esm: true, event: { a: 1 } } });
    const typeModule = fixtures.pool(fixtures.spec(code, { handler: "typed/app.handler" })).pool;
    expect(await typeModule.invoke({})).toMatchObject({ ok: true, payload: true });
  });
});

describe("FunctionPool: concurrency", () => {
  it("runs two concurrent invocations in parallel on two workers when maxConcurrency is 2", async () => {
    const { pool } = fixtures.handler(SLEEPER, {}, { maxConcurrency: 2 });
    const [a, b] = (await Promise.all([pool.invoke({ ms: 400 }), pool.invoke({ ms: 400 })])).map((o) => payload<Run>(o));
    expect(a.pid).not.toBe(b.pid);
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
    expect(pool.stats()).toEqual({ coldStarts: 2, workers: 2, busy: 0 });
  });

  it("queues invocations first in, first out on one worker when maxConcurrency is 1", async () => {
    const { pool } = fixtures.handler(SLEEPER, {}, { maxConcurrency: 1 });
    const pending = [pool.invoke({ ms: 200, tag: "first" }), pool.invoke({ ms: 0, tag: "second" }), pool.invoke({ ms: 0, tag: "third" })];
    expect(pool.stats()).toMatchObject({ workers: 1, busy: 1 });
    const runs = (await Promise.all(pending)).map((o) => payload<Run>(o));
    expect(runs.map((r) => r.tag)).toEqual(["first", "second", "third"]);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(1);
    expect(runs[1].start).toBeGreaterThanOrEqual(runs[0].end);
    expect(runs[2].start).toBeGreaterThanOrEqual(runs[1].end);
    expect(pool.stats()).toEqual({ coldStarts: 1, workers: 1, busy: 0 });
  });
});

describe("FunctionPool.reload", () => {
  it("runs the next invocation on the new code while the one in flight finishes on the old, then retires the old worker", async () => {
    const v1 = fixtures.code({ "index.js": `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 0)); return { version: 1, pid: process.pid }; };` });
    const v2 = fixtures.code({ "index.js": `exports.handler = async () => ({ version: 2, pid: process.pid });` });
    const { pool } = fixtures.pool(fixtures.spec(v1), { maxConcurrency: 1 });
    const idleV1 = payload<{ pid: number }>(await pool.invoke({}));
    const inFlight = pool.invoke({ ms: 1500 });
    await new Promise((r) => setTimeout(r, 100));
    let reloaded = false;
    const reloading = pool.reload(fixtures.spec(v2)).then(() => {
      reloaded = true;
    });
    const next = payload<{ version: number; pid: number }>(await pool.invoke({}));
    expect(next.version).toBe(2);
    expect(reloaded).toBe(false); // the old worker is still busy
    const old = payload<{ version: number; pid: number }>(await inFlight);
    expect(old).toEqual({ version: 1, pid: idleV1.pid });
    await reloading;
    expect(processExists(old.pid)).toBe(false);
    expect(pool.spec.codeDir).toBe(v2);
    expect(pool.stats()).toEqual({ coldStarts: 2, workers: 1, busy: 0 });
  });
});

describe("FunctionPool.stop", () => {
  it("leaves no worker process behind and ends pending invocations with Runtime.Shutdown", async () => {
    const { pool } = fixtures.handler(SLEEPER, {}, { maxConcurrency: 2 });
    const pids = (await Promise.all([pool.invoke({ ms: 100 }), pool.invoke({ ms: 100 })])).map((o) => payload<Run>(o).pid);
    const inFlight = [pool.invoke({ ms: 10_000 }), pool.invoke({ ms: 10_000 })];
    const queued = pool.invoke({ ms: 0 }, { requestId: "queued" });
    await new Promise((r) => setTimeout(r, 100));
    await pool.stop();
    for (const outcome of await Promise.all([...inFlight, queued])) expect(failure(outcome).errorType).toBe("Runtime.Shutdown");
    expect(pids.filter(processExists)).toEqual([]);
    expect(pool.stats()).toMatchObject({ workers: 0, busy: 0 });
    expect(failure(await pool.invoke({})).errorType).toBe("Runtime.Shutdown");
  });

  it("kills a worker that ignores SIGTERM after the 2 s grace period", async () => {
    const { pool } = fixtures.handler(`
      process.on("SIGTERM", () => {});
      exports.handler = async () => process.pid;`);
    const pid = payload<number>(await pool.invoke({}));
    const started = Date.now();
    await pool.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(processExists(pid)).toBe(false);
  });
});

describe("FunctionPool.onInvocationStart", () => {
  it("names the process running each invocation, so a fault injector can kill it mid-invocation (Runtime.ExitError)", async () => {
    const { pool } = fixtures.handler(SLEEPER);
    const starts: Array<{ requestId: string; event: unknown; pid: number | undefined }> = [];
    const remove = pool.onInvocationStart((s) => {
      starts.push(s);
      if ((s.event as { kill?: boolean }).kill === true && s.pid !== undefined) setTimeout(() => process.kill(s.pid!, "SIGKILL"), 200);
    });
    const warm = payload<Run>(await pool.invoke({ ms: 0, tag: "a" }, { requestId: "first" }));
    expect(starts).toEqual([{ requestId: "first", event: { ms: 0, tag: "a" }, pid: warm.pid }]);
    const killed = failure(await pool.invoke({ ms: 5_000, kill: true }, { requestId: "killed" }));
    expect(killed).toMatchObject({ errorType: "Runtime.ExitError", errorMessage: "RequestId: killed Error: Runtime exited with error: signal: killed" });
    expect(starts[1]).toMatchObject({ requestId: "killed", pid: warm.pid });
    remove();
    payload<Run>(await pool.invoke({ ms: 0 }));
    expect(starts).toHaveLength(2);
  });

  it("ignores a listener that throws", async () => {
    const { pool } = fixtures.handler(SLEEPER);
    pool.onInvocationStart(() => {
      throw new Error("injector bug");
    });
    expect(payload<Run>(await pool.invoke({ ms: 0, tag: "ok" })).tag).toBe("ok");
  });
});
