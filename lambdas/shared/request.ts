/**
 * What every HTTP handler needs to read a request: a result type for validation, and the JSON body.
 * Pure: no I/O, no AWS SDK.
 */

/** The outcome of a validation: a value, or a problem the caller can fix. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** A body problem: absent or blank, or not JSON. */
export interface BodyProblem {
  readonly code: "MissingBody" | "MalformedJson";
  readonly message: string;
}

/**
 * Parses an HTTP API request body as JSON. A missing or blank body and malformed JSON are distinct problems.
 * @param example a valid body, quoted in the message of a missing body
 */
export function parseJsonBody(body: string | undefined | null, isBase64Encoded: boolean, example: string): Result<unknown, BodyProblem> {
  const missing = { code: "MissingBody", message: `body: a JSON object is required, e.g. ${example}` } as const;
  if (body === undefined || body === null) return fail(missing);
  const text = isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
  if (text.trim() === "") return fail(missing);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (err) {
    const reason = err instanceof SyntaxError ? err.message : "not valid JSON";
    return fail({ code: "MalformedJson", message: `body: malformed JSON (${reason})` });
  }
}
