/**
 * Reading a partial batch response (`ReportBatchItemFailures`) as Lambda does. A complete success: no
 * response, an empty or null response, or an empty or null `batchItemFailures`. A complete failure: a
 * response that is not a JSON object, a `batchItemFailures` that is not a list, or an item whose
 * `itemIdentifier` is missing, empty, not a string, or names no record of the batch.
 */

/** The verdict on one response: which records failed, or why the response counts as a whole-batch failure. */
export type BatchItemFailures = { readonly valid: true; readonly failedIds: readonly string[] } | { readonly valid: false; readonly reason: string };

function asObject(payload: unknown): Record<string, unknown> | null | "invalid" {
  if (payload === undefined || payload === null || payload === "") return null;
  let value: unknown = payload;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return "invalid";
    }
    if (value === null) return null;
  }
  if (typeof value !== "object" || Array.isArray(value)) return "invalid";
  return value as Record<string, unknown>;
}

/** Parses the function's payload against the ids (message ids or sequence numbers) of the batch it got. */
export function parseBatchItemFailures(payload: unknown, batchIds: ReadonlySet<string>): BatchItemFailures {
  const response = asObject(payload);
  if (response === "invalid") return { valid: false, reason: "the response is not a JSON object" };
  const list = response?.batchItemFailures;
  if (list === undefined || list === null) return { valid: true, failedIds: [] };
  if (!Array.isArray(list)) return { valid: false, reason: "batchItemFailures is not a list" };
  const failedIds: string[] = [];
  for (const item of list as unknown[]) {
    const id = item !== null && typeof item === "object" ? (item as Record<string, unknown>).itemIdentifier : undefined;
    if (typeof id !== "string" || id === "") return { valid: false, reason: `an item has no itemIdentifier: ${JSON.stringify(item)}` };
    if (!batchIds.has(id)) return { valid: false, reason: `itemIdentifier ${id} names no record of the batch` };
    if (!failedIds.includes(id)) failedIds.push(id);
  }
  return { valid: true, failedIds };
}

/** True when the mapping lets the function report partial failures. */
export function reportsBatchItemFailures(functionResponseTypes: readonly string[] | undefined): boolean {
  return functionResponseTypes?.includes("ReportBatchItemFailures") ?? false;
}
