/**
 * Pure logic of analytics-query: request validation, the caller's groups, and the (parameterised) SQL.
 */
import type { SqlParams } from "../shared/data-api";

export const SUMMARY_PATH = "/analytics/me/summary";
export const DAU_PATH = "/analytics/daily-active-users";
export const ADMIN_GROUP = "admins";
export const SUMMARY_DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

export interface QueryProblem {
  readonly code: "InvalidQueryParameter";
  readonly message: string;
}
export type QueryResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: QueryProblem };

const bad = (message: string): { ok: false; error: QueryProblem } => ({ ok: false, error: { code: "InvalidQueryParameter", message } });

/** `days`: an integer 1–366; 30 when absent. */
export function parseDays(raw: string | undefined): QueryResult<number> {
  if (raw === undefined) return { ok: true, value: SUMMARY_DEFAULT_DAYS };
  if (!/^\d{1,3}$/.test(raw)) return bad(`days: expected an integer from 1 to ${MAX_DAYS}, received ${JSON.stringify(raw)}`);
  const days = Number(raw);
  if (days < 1 || days > MAX_DAYS) return bad(`days: expected an integer from 1 to ${MAX_DAYS}, received ${days}`);
  return { ok: true, value: days };
}

/** A calendar date `YYYY-MM-DD` that exists (2024-02-30 does not); returns its UTC midnight in ms. */
export function parseDate(name: string, raw: string | undefined): QueryResult<number> {
  if (raw === undefined || raw === "") return bad(`${name}: required, a date as YYYY-MM-DD`);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (match === null) return bad(`${name}: expected a date as YYYY-MM-DD, received ${JSON.stringify(raw)}`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return bad(`${name}: ${raw} is not a calendar date`);
  return { ok: true, value: ms };
}

export interface DateRange {
  readonly from: string;
  readonly to: string;
  /** Days in the range, both ends included. */
  readonly days: number;
}

/** `from` and `to` (inclusive): from ≤ to, at most 366 days. */
export function parseDateRange(from: string | undefined, to: string | undefined): QueryResult<DateRange> {
  const f = parseDate("from", from);
  if (!f.ok) return f;
  const t = parseDate("to", to);
  if (!t.ok) return t;
  if (f.value > t.value) return bad(`from (${from}) must not be after to (${to})`);
  const days = (t.value - f.value) / DAY_MS + 1;
  if (days > MAX_DAYS) return bad(`the range from ${from} to ${to} spans ${days} days; at most ${MAX_DAYS} are allowed`);
  return { ok: true, value: { from: from as string, to: to as string, days } };
}

/**
 * The caller's Cognito groups from the `cognito:groups` claim. HTTP API JWT authorizers flatten array claims to a
 * string like `[admins other]` (Go's fmt: names joined by one space, nothing quoted); a test or REST API may pass a
 * real array, or a comma-separated string.
 *
 * The flattened form splits on whitespace only: a Cognito group name may hold commas and quotes (any letter, mark,
 * symbol, number or punctuation, no whitespace), so a member of a group named `staff,admins` or `"admins"` is not in
 * `admins`.
 */
export function groupsFromClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === "string" && g !== "");
  if (typeof claim !== "string") return [];
  const text = claim.trim();
  if (text.startsWith("[") && text.endsWith("]"))
    return text
      .slice(1, -1)
      .split(/\s+/)
      .filter((g) => g !== "");
  return text.split(/[\s,]+/).filter((g) => g !== "");
}

/** Counts of the caller's events by type since a point in time. */
export const SUMMARY_SQL = `SELECT type, count(*) AS count
FROM activity_events
WHERE user_id = :userId AND occurred_at >= CAST(:since AS timestamptz)
GROUP BY type
ORDER BY type`;

export function summaryParams(userId: string, days: number, now: Date): { params: SqlParams; since: string } {
  const since = new Date(now.getTime() - days * DAY_MS).toISOString();
  return { params: { userId, since }, since };
}

/** Distinct active users per UTC day of [from, to], days without activity included (0). */
export const DAU_SQL = `SELECT to_char(d.day, 'YYYY-MM-DD') AS date, count(DISTINCT e.user_id) AS users
FROM generate_series(CAST(:from AS timestamp), CAST(:to AS timestamp), interval '1 day') AS d(day)
LEFT JOIN activity_events e
  ON e.occurred_at >= (d.day AT TIME ZONE 'UTC') AND e.occurred_at < ((d.day + interval '1 day') AT TIME ZONE 'UTC')
GROUP BY d.day
ORDER BY d.day`;

export function dauParams(range: DateRange): SqlParams {
  return { from: range.from, to: range.to };
}
