import type { InvokeFunction, InvokeOutcome, RuntimeLog } from "../types";
import { GATEWAY_ERRORS, type GatewayResponse } from "./gateway-response";
import { MalformedLambdaResponse, mapLambdaResult } from "./lambda-response";

/** API Gateway's ceiling on an HTTP API integration timeout. */
export const MAX_INTEGRATION_TIMEOUT_MS = 30_000;

const TIMED_OUT = Symbol("timed out");

/** The outcome, or TIMED_OUT when the integration timeout passed first (the invocation runs on, ignored). */
function withTimeout(outcome: Promise<InvokeOutcome>, timeoutMs: number): Promise<InvokeOutcome | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  return Promise.race([outcome, timeout]).finally(() => clearTimeout(timer));
}

/** One Lambda proxy invocation from the gateway's side. */
export interface LambdaIntegrationCall {
  readonly functionArn: string;
  readonly event: unknown;
  readonly timeoutMs: number;
  /** For log lines. */
  readonly routeKey: string;
}

/**
 * Invokes the function and maps its answer as API Gateway does: its result becomes the response,
 * a function error (including a function that hit its own timeout) is 500, and an integration
 * timeout is 503.
 */
export async function runLambdaIntegration(invoke: InvokeFunction, call: LambdaIntegrationCall, log: RuntimeLog): Promise<GatewayResponse> {
  const timeoutMs = Math.min(call.timeoutMs, MAX_INTEGRATION_TIMEOUT_MS);
  const invocation = invoke(call.functionArn, call.event);
  invocation.catch(() => undefined); // a rejection after the timeout is not an unhandled one
  let outcome: InvokeOutcome | typeof TIMED_OUT;
  try {
    outcome = await withTimeout(invocation, timeoutMs);
  } catch (err) {
    log.error(`http-api: ${call.routeKey}: invoking ${call.functionArn} failed: ${err instanceof Error ? err.message : String(err)}`);
    return GATEWAY_ERRORS.internalServerError();
  }
  if (outcome === TIMED_OUT) {
    log.warn(`http-api: ${call.routeKey}: ${call.functionArn} did not answer within the integration timeout of ${timeoutMs} ms`);
    return GATEWAY_ERRORS.serviceUnavailable();
  }
  if (!outcome.ok) {
    log.warn(`http-api: ${call.routeKey}: ${call.functionArn} failed with ${outcome.errorType}: ${outcome.errorMessage}`);
    return GATEWAY_ERRORS.internalServerError();
  }
  try {
    return mapLambdaResult(outcome.payload);
  } catch (err) {
    if (!(err instanceof MalformedLambdaResponse)) throw err;
    log.warn(`http-api: ${call.routeKey}: malformed Lambda proxy response from ${call.functionArn}: ${err.message}`);
    return GATEWAY_ERRORS.internalServerError();
  }
}
