/**
 * Pure logic of analytics-ingest: profile events (as profile-events publishes them to the user-data-change topic,
 * delivered raw to SQS) → rows of the `users` dimension, and the one statement that upserts them.
 */
import * as z from "zod/mini";
import type { SqlParams } from "../shared/data-api";
import { param } from "../shared/data-api";
import { textProblem } from "./pg-text";

/** A string the `users` table can store: no U+0000, no lone surrogate (pg-text.ts). */
const storable = () =>
  z.superRefine((value: string, ctx) => {
    const problem = textProblem(value);
    if (problem !== undefined) ctx.issues.push({ code: "custom", message: problem, input: value });
  });

const profileSchema = z.object({
  userId: z.string(),
  displayName: z.string().check(storable()),
  locale: z.optional(z.string().check(storable())),
  version: z.number().check(z.int(), z.gte(1)),
  updatedAt: z.optional(z.iso.datetime({ offset: true })),
});

/** The parts of a ProfileEvent (lambdas/profile/domain.ts) the users dimension needs. */
export const profileEventSchema = z
  .object({
    eventId: z.string().check(z.minLength(1)),
    type: z.enum(["profile.created", "profile.updated", "profile.deleted"]),
    userId: z.string().check(z.minLength(1), z.maxLength(256), storable()),
    version: z.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)),
    changedFields: z.optional(z.array(z.string())),
    occurredAt: z.iso.datetime({ offset: true }),
    profile: z.optional(profileSchema),
  })
  .check(
    z.refine((e) => e.type === "profile.deleted" || e.profile !== undefined, { error: "profile: required for created and updated events", path: ["profile"] }),
    z.refine((e) => e.profile === undefined || e.profile.userId === e.userId, { error: "profile.userId: differs from userId", path: ["profile", "userId"] }),
  );

export type ProfileEventMessage = z.infer<typeof profileEventSchema>;

/** One row of `users`. */
export interface UserRow {
  readonly user_id: string;
  readonly display_name: string | null;
  readonly locale: string | null;
  readonly version: number;
  /** ISO 8601. */
  readonly updated_at: string;
  readonly deleted: boolean;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length === 0 ? "message" : i.path.map(String).join(".")}: ${i.message}`).join("; ");
}

/**
 * Parses an SQS message body: the event JSON itself (raw message delivery), or — tolerated — an SNS notification
 * envelope around it (`{"Type":"Notification","Message":"..."}`), should raw delivery ever be off.
 */
export function parseProfileEventMessage(body: string): Parsed<ProfileEventMessage> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, error: `body is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (json !== null && typeof json === "object" && (json as Record<string, unknown>).Type === "Notification") {
    const inner = (json as Record<string, unknown>).Message;
    if (typeof inner !== "string") return { ok: false, error: "SNS envelope without a string Message" };
    return parseProfileEventMessage(inner);
  }
  const parsed = profileEventSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: issuesText(parsed.error.issues) };
}

/** The row an event leaves in `users`. A deletion keeps the user id and version and clears personal data. */
export function toUserRow(event: ProfileEventMessage): UserRow {
  const deleted = event.type === "profile.deleted";
  return {
    user_id: event.userId,
    display_name: deleted ? null : (event.profile?.displayName ?? null),
    locale: deleted ? null : (event.profile?.locale ?? null),
    version: event.version,
    updated_at: (deleted ? undefined : event.profile?.updatedAt) ?? event.occurredAt,
    deleted,
  };
}

/** True when `a` supersedes `b`: a higher version, or the deletion of the same version. */
export function supersedes(a: Pick<UserRow, "version" | "deleted">, b: Pick<UserRow, "version" | "deleted">): boolean {
  return a.version > b.version || (a.version === b.version && a.deleted && !b.deleted);
}

/**
 * One row per user: the one that supersedes the others (PostgreSQL refuses to update one row twice in one
 * INSERT ... ON CONFLICT DO UPDATE). Order: first appearance of each user.
 */
export function latestPerUser(rows: readonly UserRow[]): UserRow[] {
  const best = new Map<string, UserRow>();
  for (const row of rows) {
    const current = best.get(row.user_id);
    if (current === undefined || supersedes(row, current)) best.set(row.user_id, row);
  }
  return [...best.values()];
}

/**
 * Upserts every row in one statement. A row changes `users` only when it supersedes what is stored
 * (version, then deletion), so replays and out-of-order deliveries change nothing. Email is not in profile events:
 * an update keeps it, a deletion clears it.
 */
export const UPSERT_USERS_SQL = `INSERT INTO users (user_id, display_name, locale, version, updated_at, deleted)
SELECT r.user_id, r.display_name, r.locale, r.version, r.updated_at, r.deleted
FROM json_to_recordset(CAST(:rows AS json)) AS r(user_id text, display_name text, locale text, version bigint, updated_at timestamptz, deleted boolean)
ON CONFLICT (user_id) DO UPDATE SET
  display_name = EXCLUDED.display_name,
  locale = EXCLUDED.locale,
  version = EXCLUDED.version,
  updated_at = EXCLUDED.updated_at,
  deleted = EXCLUDED.deleted,
  email = CASE WHEN EXCLUDED.deleted THEN NULL ELSE users.email END
WHERE (users.version, users.deleted) < (EXCLUDED.version, EXCLUDED.deleted)`;

/** Parameters of UPSERT_USERS_SQL. */
export function upsertUsersParams(rows: readonly UserRow[]): SqlParams {
  return { rows: param.json(rows) };
}

/** The same upsert for one row (what a per-record consumer would run; the bench compares both). */
export const UPSERT_USER_SQL = `INSERT INTO users (user_id, display_name, locale, version, updated_at, deleted)
VALUES (:user_id, :display_name, :locale, :version, CAST(:updated_at AS timestamptz), :deleted)
ON CONFLICT (user_id) DO UPDATE SET
  display_name = EXCLUDED.display_name,
  locale = EXCLUDED.locale,
  version = EXCLUDED.version,
  updated_at = EXCLUDED.updated_at,
  deleted = EXCLUDED.deleted,
  email = CASE WHEN EXCLUDED.deleted THEN NULL ELSE users.email END
WHERE (users.version, users.deleted) < (EXCLUDED.version, EXCLUDED.deleted)`;

export function upsertUserParams(row: UserRow): SqlParams {
  return { ...row };
}
