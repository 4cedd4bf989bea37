/**
 * The I/O step of analytics-ingest and activity-processor, separate from the handlers so tests and the bench run it
 * with any DataApi: validate, dedupe, write in one statement, return which items failed and why.
 */
import type { DataApi } from "../shared/data-api";
import { isRetryableError } from "../shared/data-api";
import { ActivityEvent } from "./activity-event";
import { INSERT_ACTIVITY_SQL, decodeActivityRecord, dedupeByEventId, insertActivityParams, toActivityRow } from "./activity-records";
import { UPSERT_USERS_SQL, UserRow, latestPerUser, parseProfileEventMessage, toUserRow, upsertUsersParams } from "./user-events";

export interface IngestLog {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface IngestOutcome {
  /** Item identifier → reason, for every item that failed. */
  readonly failures: Map<string, string>;
  /** Rows sent to the database in the one statement (after dedupe). */
  readonly rows: number;
}

/** Executes one statement writing rows given as JSON (`:rows`). */
export async function upsertUsers(db: DataApi, rows: readonly UserRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(UPSERT_USERS_SQL, upsertUsersParams(rows));
}

/**
 * SQLSTATE class 22, "data exception" (a value out of range, an untranslatable character, invalid text for a type), as
 * the Data API reports a SQL error (`DatabaseErrorException` / `BadRequestException`, message ending `SQLState: 22008`):
 * the statement's data is at fault, not the database. Any other error (a retryable one, or another SQL error) is not
 * the fault of one item, so it fails every valid item as before.
 */
const DATA_EXCEPTION = /SQLState: 22[0-9A-Z]{3}\b/;

export function isDataException(err: unknown): boolean {
  return !isRetryableError(err) && err instanceof Error && DATA_EXCEPTION.test(err.message);
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Defence in depth for the one-statement write: when it fails with a data exception (a value PostgreSQL refuses that
 * validation did not foresee), one item would fail the whole batch, so each valid item is written again alone and only
 * the items whose own write fails are failures. The writes are idempotent (upsert by version, insert by event id), so
 * writing an item alone after the batch statement changes nothing else. Any other error (retryable, or another SQL
 * error) fails every valid item without this fallback: it is not one item's data.
 */
async function writeEachAlone<T extends { readonly id: string }>(
  items: readonly T[],
  write: (item: T) => Promise<void>,
  batchError: unknown,
  failures: Map<string, string>,
  log: IngestLog,
  what: string,
): Promise<void> {
  log.error(`${what} in one statement failed with a data exception; writing each item alone to find the ones at fault`, {
    ids: items.map((i) => i.id),
    error: batchError,
  });
  for (const item of items) {
    try {
      await write(item);
    } catch (err) {
      log.error(`${what} failed for one item; it fails alone`, { id: item.id, error: err });
      failures.set(item.id, `${what} failed: ${describeError(err)}`);
    }
  }
}

/** SQS messages of profile events → one upsert into `users`. */
export async function ingestProfileMessages(db: DataApi, messages: ReadonlyArray<{ readonly messageId: string; readonly body: string }>, log: IngestLog): Promise<IngestOutcome> {
  const failures = new Map<string, string>();
  const valid: Array<{ messageId: string; row: UserRow }> = [];
  for (const message of messages) {
    const parsed = parseProfileEventMessage(message.body);
    if (!parsed.ok) {
      log.error("Malformed profile event message; it fails alone and reaches the DLQ after maxReceiveCount", { messageId: message.messageId, reason: parsed.error });
      failures.set(message.messageId, parsed.error);
    } else valid.push({ messageId: message.messageId, row: toUserRow(parsed.value) });
  }
  const rows = latestPerUser(valid.map((v) => v.row));
  try {
    await upsertUsers(db, rows);
  } catch (err) {
    if (valid.length > 1 && isDataException(err)) {
      // Each message's own row (not only the latest per user): a newer row at fault must not hold back an older one.
      const items = valid.map((v) => ({ id: v.messageId, row: v.row }));
      await writeEachAlone(items, (item) => upsertUsers(db, [item.row]), err, failures, log, "Upserting users");
    } else {
      const reason = `upsert failed: ${describeError(err)}`;
      log.error("Upserting users failed; every valid message of the batch will be retried", { messageIds: valid.map((v) => v.messageId), error: err });
      for (const v of valid) failures.set(v.messageId, reason);
    }
  }
  return { failures, rows: rows.length };
}

/** Executes one statement inserting events (duplicates of stored ids are skipped). */
export async function insertActivityEvents(db: DataApi, events: readonly ActivityEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.execute(INSERT_ACTIVITY_SQL, insertActivityParams(events.map(toActivityRow)));
}

export interface ActivityOutcome extends IngestOutcome {
  /** Records that can never succeed (not base64 JSON, or not an ActivityEvent): logged and reported as failures. */
  readonly malformed: number;
  /** Records whose event id repeats one earlier in the batch. */
  readonly duplicates: number;
}

/**
 * Kinesis records of activity events → one insert into `activity_events`.
 * Malformed records (a bug or a foreign producer: activity-ingest validates with the same schema) are reported as
 * failures, never dropped: the event source mapping retries them a bounded number of times (maximum retries, bisect)
 * and then sends their batch info to the on-failure queue, which an alarm watches and from which an operator can
 * replay. The valid records of the batch are still inserted, so the retries change nothing for them.
 * If the insert fails, every valid record fails too (identified by its sequence number), except on a data exception
 * (SQLSTATE class 22: a value PostgreSQL refuses): then each valid record is inserted alone and only those that still
 * fail are reported.
 */
export async function processActivityRecords(
  db: DataApi,
  records: ReadonlyArray<{ readonly sequenceNumber: string; readonly data: string }>,
  log: IngestLog,
): Promise<ActivityOutcome> {
  const failures = new Map<string, string>();
  const valid: Array<{ sequenceNumber: string; event: ActivityEvent }> = [];
  let malformed = 0;
  for (const record of records) {
    const decoded = decodeActivityRecord(record.data);
    if (!decoded.ok) {
      malformed += 1;
      failures.set(record.sequenceNumber, `malformed: ${decoded.error}`);
      log.warn("Malformed activity record: reported as failed, it reaches the on-failure queue after the mapping's retries", {
        sequenceNumber: record.sequenceNumber,
        reason: decoded.error,
        data: record.data.slice(0, 4096),
      });
    } else valid.push({ sequenceNumber: record.sequenceNumber, event: decoded.value });
  }
  const events = dedupeByEventId(valid.map((v) => v.event));
  try {
    await insertActivityEvents(db, events);
  } catch (err) {
    if (valid.length > 1 && isDataException(err)) {
      const items = valid.map((v) => ({ id: v.sequenceNumber, event: v.event }));
      await writeEachAlone(items, (item) => insertActivityEvents(db, [item.event]), err, failures, log, "Inserting activity events");
    } else {
      const reason = `insert failed: ${describeError(err)}`;
      log.error("Inserting activity events failed; every valid record of the batch will be retried", { sequenceNumbers: valid.map((v) => v.sequenceNumber), error: err });
      for (const v of valid) failures.set(v.sequenceNumber, reason);
    }
  }
  return { failures, rows: events.length, malformed, duplicates: valid.length - events.length };
}
