"use strict";
/**
 * The `context` and `callback` a handler receives, with the semantics of the Node.js runtime interface client (its
 * CallbackContext.js and InvokeContext.js): only the first of callback/done/succeed/fail counts; `callback(null, x)`
 * answers once the event loop is empty unless `context.callbackWaitsForEmptyEventLoop` is false; done/succeed/fail
 * answer at once; a result that JSON cannot encode becomes the error "Unable to stringify response body".
 */
const { logError } = require("./error-response.js");

/**
 * @typedef {{ ok: true, payload: string } | { ok: false, error: unknown }} Answer
 * @typedef {object} Invocation
 * @property {string} requestId
 * @property {string} invokedFunctionArn
 * @property {number} deadline epoch milliseconds
 * @property {(answer: Answer) => void} answer reports the outcome (called at most once)
 * @property {(listener: () => void) => void} onEmptyEventLoop replaces what runs when the event loop empties
 */

/** @param {unknown} result */
function serialize(result) {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch {
    throw new Error("Unable to stringify response body");
  }
}

/**
 * @param {Invocation} inv
 * @returns {{ callback: (err?: unknown, result?: unknown) => void, context: Record<string, unknown>, markCompleted: () => void }}
 */
function buildCallbackContext(inv) {
  let completed = false;
  let waitForEmptyEventLoop = true;
  const noop = () => undefined;

  /** @param {unknown} err */
  const postError = (err) => {
    logError("Invoke Error", err);
    inv.answer({ ok: false, error: err });
  };
  /** @param {unknown} result */
  const complete = (result) => {
    if (completed) {
      console.error("Invocation has already been reported as done. Cannot call complete more than once per invocation.");
      return;
    }
    completed = true;
    inv.answer({ ok: true, payload: serialize(result) });
  };
  /** @type {(err?: unknown, result?: unknown) => void} */
  const callback = (err, result) => {
    inv.onEmptyEventLoop(noop);
    if (err !== undefined && err !== null) postError(err);
    else if (!waitForEmptyEventLoop) complete(result);
    else inv.onEmptyEventLoop(() => setImmediate(() => complete(result)));
  };
  /** @type {(err?: unknown, result?: unknown) => void} */
  const done = (err, result) => {
    inv.onEmptyEventLoop(noop);
    if (err !== undefined && err !== null) postError(err);
    else complete(result);
  };

  let finished = false;
  /** @template {(...args: any[]) => void} F @param {F} fn @returns {F} */
  const firstCallOnly = (fn) =>
    /** @type {F} */ (
      (...args) => {
        if (finished) return;
        fn(...args);
        finished = true;
      }
    );

  const env = process.env;
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    done: firstCallOnly(done),
    succeed: firstCallOnly((/** @type {unknown} */ result) => done(null, result)),
    fail: firstCallOnly((/** @type {unknown} */ err) => done(err === undefined || err === null ? "handled" : err, null)),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: inv.invokedFunctionArn,
    awsRequestId: inv.requestId,
    getRemainingTimeInMillis: () => inv.deadline - Date.now(),
  };
  return {
    callback: firstCallOnly(callback),
    context,
    markCompleted: () => {
      completed = true;
    },
  };
}

module.exports = { buildCallbackContext };
