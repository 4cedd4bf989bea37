/**
 * Pure logic of activity-processor: Kinesis records (base64 JSON ActivityEvent, see activity-event.ts) → rows of
 * `activity_events`, and the one statement that inserts them.
 */
import type { SqlParams } from "../shared/data-api";
import { param } from "../shared/data-api";
import { ActivityEvent, parseActivityEvent } from "./activity-event";

/** Decodes and validates one record's data (base64 of the event's JSON). */
export function decodeActivityRecord(base64Data: string): { ok: true; value: ActivityEvent } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(base64Data, "base64").toString("utf8"));
  } catch (err) {
    return { ok: false, error: `data is not base64 JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  return parseActivityEvent(json);
}

/** One row of `activity_events` as JSON for json_to_recordset. */
export interface ActivityRow {
  readonly event_id: string;
  readonly user_id: string;
  readonly type: string;
  readonly occurred_at: string;
  readonly props: Record<string, unknown>;
}

export function toActivityRow(event: ActivityEvent): ActivityRow {
  return { event_id: event.eventId, user_id: event.userId, type: event.type, occurred_at: event.time, props: event.props };
}

/** Events with distinct ids, the first of each id kept (a producer retry repeats an event with the same id). */
export function dedupeByEventId<T extends { readonly eventId: string }>(events: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const e of events) {
    const id = e.eventId.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(e);
  }
  return out;
}

/** Inserts every row in one statement; an event id already stored is skipped (replays change nothing). */
export const INSERT_ACTIVITY_SQL = `INSERT INTO activity_events (event_id, user_id, type, occurred_at, props)
SELECT r.event_id, r.user_id, r.type, r.occurred_at, COALESCE(r.props, '{}'::jsonb)
FROM json_to_recordset(CAST(:rows AS json)) AS r(event_id uuid, user_id text, type text, occurred_at timestamptz, props jsonb)
ON CONFLICT (event_id) DO NOTHING`;

export function insertActivityParams(rows: readonly ActivityRow[]): SqlParams {
  return { rows: param.json(rows) };
}

/** The same insert for one event (the per-record baseline of the bench). */
export const INSERT_ONE_ACTIVITY_SQL = `INSERT INTO activity_events (event_id, user_id, type, occurred_at, props)
VALUES (:event_id, :user_id, :type, CAST(:occurred_at AS timestamptz), :props)
ON CONFLICT (event_id) DO NOTHING`;

export function insertOneActivityParams(row: ActivityRow): SqlParams {
  return { event_id: param.uuid(row.event_id), user_id: row.user_id, type: row.type, occurred_at: row.occurred_at, props: param.json(row.props) };
}
