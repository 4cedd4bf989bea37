/**
 * The messages between a worker process (bootstrap.js) and its parent (worker.ts), sent over fork's IPC channel
 * as JSON. Events and results travel as JSON text, so both sides see exactly what Lambda's JSON round trip gives.
 */

/** Parent → worker: run one invocation. */
export interface InvokeMessage {
  readonly type: "invoke";
  readonly requestId: string;
  /** The event as JSON text. */
  readonly event: string;
  /** For context.getRemainingTimeInMillis(), counted from when the handler starts. */
  readonly timeoutMs: number;
  readonly invokedFunctionArn: string;
  /** Written to stdout and stderr before the result is sent: everything before it belongs to this invocation. */
  readonly marker: string;
}

/** An error as Lambda reports it. */
export interface ErrorResponse {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** Worker → parent: the handler module loaded (first invocation of a worker); the invocation's clock starts now. */
export interface InitializedMessage {
  readonly type: "initialized";
  /** From the process's start to the handler loaded (Lambda's Init Duration). */
  readonly initDurationMs: number;
}

/** Worker → parent: how an invocation ended. */
export type ResultMessage = {
  readonly type: "result";
  readonly requestId: string;
  /** From the handler's start to the answer, measured in the worker. */
  readonly durationMs: number;
  /** The worker's peak resident set size so far (kilobytes). */
  readonly maxRssKb: number;
  /** The worker exits after this message (uncaught exception, failed init): do not reuse it. */
  readonly exiting: boolean;
} & ({ readonly ok: true; readonly payload: string } | { readonly ok: false; readonly error: ErrorResponse });

export type WorkerMessage = InitializedMessage | ResultMessage;

/** Whether an IPC message is one of the worker's. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== "object" || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === "initialized" || type === "result";
}
