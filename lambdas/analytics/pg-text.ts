/**
 * Text PostgreSQL cannot store. `text` and `jsonb` refuse U+0000 (NUL: "invalid byte sequence" as text, "unsupported
 * Unicode escape sequence" from JSON), and a lone UTF-16 surrogate has no UTF-8 encoding (JSON's `\ud800` escape is
 * refused by jsonb and by json → text). One such string fails the whole statement it is in, so the analytics
 * consumers, which write a batch in one statement, check every record for it first; activity-ingest refuses it with a
 * 400 so it never enters the stream. Pure: no imports.
 */

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL cannot store `value` as text, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (value.includes("\u0000")) return "contains U+0000 (NUL), which PostgreSQL text cannot store";
  if (LONE_SURROGATE.test(value)) return "contains an unpaired UTF-16 surrogate (not valid Unicode)";
  return undefined;
}

/** True when PostgreSQL can store `value` as text. */
export function isStorableText(value: string): boolean {
  return textProblem(value) === undefined;
}

/** Longest path quoted in a problem (a key can be of any length: never echo it whole). */
const MAX_PATH_LENGTH = 200;

function pathOf(parent: string, key: string | number): string {
  const path = typeof key === "number" ? `${parent}[${key}]` : parent === "" ? key : `${parent}.${key}`;
  return path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path;
}

/**
 * The first string of a JSON-like value (object keys included) that PostgreSQL cannot store, as `path: problem`, or
 * undefined when every string can be stored. Keys are reported with their printable form (NUL shown as `\u0000`).
 */
export function findUnstorableText(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") {
    const problem = textProblem(value);
    return problem === undefined ? undefined : `${path === "" ? "value" : path}: ${problem}`;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], pathOf(path, i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      // JSON.stringify escapes NUL and lone surrogates, so the key is quoted printable.
      if (keyProblem !== undefined) return `${pathOf(path, JSON.stringify(key).slice(1, -1))}: the key ${keyProblem}`;
      const found = findUnstorableText(item, pathOf(path, key));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
