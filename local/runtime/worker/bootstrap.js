"use strict";
/**
 * A worker process of the local Lambda runtime (forked by worker.ts with cwd = the code folder and Lambda's
 * environment). It runs one invocation at a time, as the Node.js runtime interface client does in Lambda:
 *
 * - the first invocation loads the handler module (the function's init) and reports `initialized`;
 * - the handler gets the event, a context and a callback (callback-context.js); a returned promise answers when it
 *   settles; otherwise the callback answers, or `null` once the event loop is empty if it is never called;
 * - while the handler runs, the IPC channel is unreferenced so that "the event loop is empty" means the function's
 *   own work is done (Lambda's `beforeExit` rules: an async handler whose promise never settles fails with
 *   Runtime.NodeJsExit);
 * - an uncaught exception or unhandled rejection reports the error for the invocation in flight and exits
 *   (129 / 128), so the next invocation starts a fresh process;
 * - before each answer it writes the invocation's marker to stdout and stderr, so the parent knows every line the
 *   invocation printed has arrived before it reports the outcome.
 *
 * Messages are protocol.ts's InvokeMessage (in) and WorkerMessage (out).
 */
const { performance } = require("node:perf_hooks");
const { loadHandler } = require("./load-handler.js");
const { buildCallbackContext } = require("./callback-context.js");
const { logError, toErrorResponse, NodeJsExit, UnhandledPromiseRejection } = require("./error-response.js");

// Captured before user code runs, which may patch the streams.
const writeStdout = process.stdout.write.bind(process.stdout);
const writeStderr = process.stderr.write.bind(process.stderr);
const channel = /** @type {{ ref(): void, unref(): void }} */ (/** @type {any} */ (process).channel);

/** @type {Function | undefined} */
let handler;
/** @typedef {{ requestId: string, marker: string, answered: boolean, startedAt: number | undefined }} Current */
/** @type {Current | undefined} */
let current;
/** @type {() => void} */
let onEmptyEventLoop = () => undefined;

process.on("beforeExit", () => onEmptyEventLoop());

/**
 * Reports how the invocation in flight ended (first call wins).
 * @param {Current} inv
 * @param {{ ok: true, payload: string } | { ok: false, error: unknown }} reply
 * @param {number} [exitCode] exit after reporting (the process is not reusable)
 */
function answer(inv, reply, exitCode) {
  if (inv.answered) return;
  inv.answered = true;
  current = undefined;
  onEmptyEventLoop = () => undefined;
  writeStdout(inv.marker);
  writeStderr(inv.marker);
  channel.ref();
  const result = reply.ok ? { ok: true, payload: reply.payload } : { ok: false, error: toErrorResponse(reply.error) };
  const durationMs = inv.startedAt === undefined ? 0 : performance.now() - inv.startedAt;
  const message = { type: "result", requestId: inv.requestId, durationMs, maxRssKb: process.resourceUsage().maxRSS, exiting: exitCode !== undefined, ...result };
  /** @type {any} */ (process).send(message, () => {
    if (exitCode !== undefined) process.exit(exitCode);
  });
}

/**
 * An error no handler caught: reported for the invocation in flight, then the process exits.
 * @param {string} title
 * @param {unknown} error
 * @param {number} exitCode
 */
function fatal(title, error, exitCode) {
  logError(title, error);
  if (current !== undefined && !current.answered) answer(current, { ok: false, error }, exitCode);
  else process.exit(exitCode);
}

process.on("uncaughtException", (error) => fatal("Uncaught Exception", error, 129));
process.on("unhandledRejection", (reason) => fatal("Unhandled Promise Rejection", new UnhandledPromiseRejection(String(reason)), 128));

/** @param {any} value */
const isPromise = (value) => Boolean(value) && typeof value.then === "function";

/**
 * @param {{ requestId: string, event: string, timeoutMs: number, invokedFunctionArn: string, marker: string }} msg
 */
async function invoke(msg) {
  /** @type {Current} */
  const inv = { requestId: msg.requestId, marker: msg.marker, answered: false, startedAt: undefined };
  current = inv;
  if (handler === undefined) {
    try {
      handler = await loadHandler(process.cwd(), process.env._HANDLER ?? "");
    } catch (err) {
      fatal("Uncaught Exception", err, 129);
      return;
    }
    // performance.now() counts from the process's start: Lambda's Init Duration includes the runtime's start-up.
    process.send?.({ type: "initialized", initDurationMs: performance.now() });
  }
  const fn = handler;
  const isAsync = fn.constructor?.name === "AsyncFunction";
  const { callback, context, markCompleted } = buildCallbackContext({
    requestId: msg.requestId,
    invokedFunctionArn: msg.invokedFunctionArn,
    deadline: Date.now() + msg.timeoutMs,
    answer: (a) => answer(inv, a),
    onEmptyEventLoop: (listener) => {
      if (!inv.answered) onEmptyEventLoop = listener;
    },
  });
  // The event loop emptied and nothing answered: an async handler's promise never settled; a callback handler
  // never called back (Lambda answers null).
  onEmptyEventLoop = () => {
    markCompleted();
    if (isAsync) {
      const error = new NodeJsExit();
      logError("Invoke Error", error);
      answer(inv, { ok: false, error });
    } else answer(inv, { ok: true, payload: "null" });
  };
  channel.unref();
  inv.startedAt = performance.now();
  try {
    const result = fn(JSON.parse(msg.event), context, callback);
    if (isPromise(result)) result.then(context.succeed, context.fail).catch(context.fail);
  } catch (err) {
    callback(err);
  }
}

process.on("message", (/** @type {any} */ msg) => {
  if (msg && msg.type === "invoke") void invoke(msg);
});
// The parent is gone (even killed): nobody can ask for or read another invocation, so do not linger.
process.on("disconnect", () => process.exit(0));
