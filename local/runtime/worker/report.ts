/** The platform lines Lambda writes to a function's log around each invocation (START, END, REPORT). */

/** `START RequestId: <id> Version: $LATEST` */
export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

/** `END RequestId: <id>` */
export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** What one REPORT line says. */
export interface ReportFields {
  readonly requestId: string;
  /** The invoke phase (init excluded). */
  readonly durationMs: number;
  readonly memorySizeMb: number;
  /** Peak resident set size of the worker, when it reported one. */
  readonly maxMemoryUsedMb?: number;
  /** Cold starts only. */
  readonly initDurationMs?: number;
  /** "timeout" or "error" (the runtime died); absent when the runtime answered. */
  readonly status?: "timeout" | "error";
  readonly errorType?: string;
}

/**
 * `REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.00 ms`
 * Billed duration rounds up to the millisecond and includes init (Lambda bills the INIT phase since August 2025).
 */
export function reportLine(r: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${r.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.ceil(r.durationMs + (r.initDurationMs ?? 0))} ms`,
    `Memory Size: ${r.memorySizeMb} MB`,
  ];
  if (r.maxMemoryUsedMb !== undefined) parts.push(`Max Memory Used: ${r.maxMemoryUsedMb} MB`);
  if (r.initDurationMs !== undefined) parts.push(`Init Duration: ${r.initDurationMs.toFixed(2)} ms`);
  if (r.status !== undefined) parts.push(`Status: ${r.status}`);
  if (r.errorType !== undefined) parts.push(`Error Type: ${r.errorType}`);
  return parts.join("\t");
}
