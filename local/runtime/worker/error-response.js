"use strict";
/**
 * How the worker reports an error, as the Node.js runtime interface client does (its Errors.js): an Error (or an
 * error-shaped object) gives its name, message and stack lines; anything else gives its `typeof` and its string.
 */
const { types } = require("node:util");

/** @typedef {{ errorType: string, errorMessage: string, trace?: string[] }} ErrorResponse */

/** @param {any} value */
function isErrorShaped(value) {
  return Boolean(value) && typeof value.name === "string" && typeof value.message === "string" && typeof value.stack === "string";
}

/**
 * @param {unknown} error what the handler threw, rejected with or passed to its callback
 * @returns {ErrorResponse}
 */
function toErrorResponse(error) {
  try {
    if (types.isNativeError(error) || isErrorShaped(error)) {
      const e = /** @type {Error} */ (error);
      return { errorType: String(e.name), errorMessage: String(e.message), trace: typeof e.stack === "string" ? e.stack.split("\n") : [] };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage: "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

/**
 * Prints an error to stderr the way Lambda's text log format does: `ERROR\t<title> \t{"errorType":...}`.
 * @param {string} title "Invoke Error", "Uncaught Exception", ...
 * @param {unknown} error
 */
function logError(title, error) {
  const { errorType, errorMessage, trace } = toErrorResponse(error);
  process.stderr.write(`ERROR\t${title} \t${JSON.stringify({ errorType, errorMessage, stack: trace ?? [] })}\n`);
}

/** Runtime errors, named `Runtime.<Class>` as Lambda names them. */
class RuntimeError extends Error {}
class ImportModuleError extends RuntimeError {}
class HandlerNotFound extends RuntimeError {}
class MalformedHandlerName extends RuntimeError {}
class UserCodeSyntaxError extends RuntimeError {}
class UnhandledPromiseRejection extends RuntimeError {}
class NodeJsExit extends RuntimeError {
  constructor() {
    super(
      "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes",
    );
  }
}
for (const cls of [ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError, UnhandledPromiseRejection, NodeJsExit]) {
  cls.prototype.name = `Runtime.${cls.name}`;
}

module.exports = {
  toErrorResponse,
  logError,
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  UnhandledPromiseRejection,
  NodeJsExit,
};
