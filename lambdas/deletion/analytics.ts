/**
 * AnonymiseAnalytics, the core: the user's activity rows are re-keyed to the execution's random pseudonym (their free
 * `props` cleared), and the personal fields of their users row are cleared, in ONE statement (two data-modifying CTEs):
 * atomic without a Data API transaction. A Data API transaction outlives a caller that dies in it (a worker killed, a
 * Lambda timed out) for up to 3 minutes, holding its row locks: measured on the local platform under the reliability
 * campaign, that blocked analytics-ingest's upserts of the same users rows into their DLQ and every retry of this step
 * into States.Timeout. A single statement ends with its connection.
 * Idempotent: a re-run finds no row of the user left (and re-keys any that arrived since).
 *
 * The users row keeps its key and version: analytics-ingest applies profile.deleted by version when the profile's
 * deletion reaches it from the stream and marks the row deleted, as for any deletion.
 */
import type { DataApi } from "../shared/data-api";
import { InvalidTaskInputError } from "./files";
import { AnonymiseAnalyticsInput, AnonymiseAnalyticsOutput, PSEUDONYM_PREFIX } from "./schema";

export const ANONYMISE_USER_SQL = `WITH activity AS (
  UPDATE activity_events SET user_id = :pseudonym, props = '{}'::jsonb WHERE user_id = :user_id RETURNING 1
), cleared AS (
  UPDATE users SET email = NULL, display_name = NULL, locale = NULL
  WHERE user_id = :user_id AND (email IS NOT NULL OR display_name IS NOT NULL OR locale IS NOT NULL) RETURNING 1
)
SELECT (SELECT count(*) FROM activity)::int AS activity_rows, (SELECT count(*) FROM cleared)::int AS user_rows`;

const PSEUDONYM = new RegExp(`^${PSEUDONYM_PREFIX}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

export function parseAnonymiseInput(input: unknown): AnonymiseAnalyticsInput {
  const value = input as Partial<AnonymiseAnalyticsInput> | null;
  if (typeof value?.userId !== "string" || value.userId === "" || value.userId.length > 128) {
    throw new InvalidTaskInputError("AnonymiseAnalytics: input.userId must be a user id of 1–128 characters");
  }
  if (typeof value.pseudonym !== "string" || !PSEUDONYM.test(value.pseudonym)) {
    throw new InvalidTaskInputError(`AnonymiseAnalytics: input.pseudonym must be ${PSEUDONYM_PREFIX}<uuid>`);
  }
  return { userId: value.userId, pseudonym: value.pseudonym };
}

export async function anonymiseUser(db: DataApi, input: AnonymiseAnalyticsInput): Promise<AnonymiseAnalyticsOutput> {
  const { rows } = await db.execute(ANONYMISE_USER_SQL, { pseudonym: input.pseudonym, user_id: input.userId });
  const row = rows[0] ?? {};
  return { activityRows: Number(row.activity_rows ?? 0), userRows: Number(row.user_rows ?? 0) };
}
