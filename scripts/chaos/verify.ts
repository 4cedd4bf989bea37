/**
 * The end state the campaign must reach, compared row by row:
 * - each user's profile in DynamoDB is what the API last acknowledged (or absent, with `accountDeleted` on the version
 *   floor, for a deleted account);
 * - the analytics `users` row equals the profile (version, display name, locale, not deleted), or for a deleted
 *   account is marked deleted at the floor's version with every personal field cleared;
 * - every activity event accepted with 202 is stored exactly once (`activity_events` by event_id), with its type and
 *   time, under the user's id, or under a `deleted-<uuid>` pseudonym once the account is deleted; no row exists for the
 *   users that they never sent; an event whose acceptance was never confirmed is stored at most once;
 * - every poison message is in its DLQ or on-failure destination, and those hold nothing else new.
 * Each difference is one mismatch, named.
 */
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { Message } from "@aws-sdk/client-sqs";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Client } from "pg";
import type { UserModel } from "./workload";

export interface Poison {
  /** Bodies sent to the analytics-ingest queue that no consumer can parse. */
  readonly sqsBodies: readonly string[];
  /** Sequence numbers of malformed records put on the activity stream. */
  readonly kinesisSequences: readonly string[];
}

export interface DeadLetters {
  /** Messages that arrived during the campaign, per queue name. */
  readonly fresh: ReadonlyMap<string, readonly Message[]>;
}

export interface Verdict {
  readonly profilesCompared: number;
  readonly usersRowsCompared: number;
  readonly eventsCompared: number;
  readonly ambiguousEvents: number;
  readonly ambiguousStored: number;
  readonly poisonFound: number;
  /**
   * Entries of activity-processor's failure destination without a malformed record while every accepted event is
   * stored exactly once: a batch whose records were stored by an attempt that did not report back (a killed worker),
   * then failed its retries (injected Data API errors). At least once: replaying it is a no-op, nothing was lost.
   */
  readonly redundantFailureBatches: number;
  readonly mismatches: string[];
}

const LIMIT = 50;

export async function verify(o: {
  readonly ddb: DynamoDBClient;
  readonly table: string;
  readonly db: Client;
  readonly users: readonly UserModel[];
  readonly poison: Poison;
  readonly deadLetters: DeadLetters;
  readonly prefix: string;
}): Promise<Verdict> {
  const mismatches: string[] = [];
  const subs = new Set(o.users.map((u) => u.sub));
  // Profiles and version floors of the campaign's users.
  const items = new Map<string, { profile?: Record<string, any>; floor?: Record<string, any> }>();
  let start: Record<string, any> | undefined;
  do {
    const out = await o.ddb.send(new ScanCommand({ TableName: o.table, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const raw of out.Items ?? []) {
      const item = unmarshall(raw);
      const sub = String(item.pk).replace(/^USER#/, "");
      if (!subs.has(sub)) continue;
      const entry = items.get(sub) ?? {};
      if (item.sk === "PROFILE") entry.profile = item;
      else if (item.sk === "PROFILE_VERSION_FLOOR") entry.floor = item;
      items.set(sub, entry);
    }
    start = out.LastEvaluatedKey;
  } while (start !== undefined);

  const rows = new Map<string, any>(
    (await o.db.query("SELECT user_id, email, display_name, locale, version::int AS version, deleted FROM users WHERE user_id = ANY($1)", [[...subs]])).rows.map((r) => [
      r.user_id,
      r,
    ]),
  );
  let usersRowsCompared = 0;
  for (const u of o.users) {
    const { profile, floor } = items.get(u.sub) ?? {};
    const row = rows.get(u.sub);
    const who = `user ${u.index} (${u.sub})`;
    if (u.deleted) {
      if (profile !== undefined) mismatches.push(`${who}: deleted, but DynamoDB still holds its profile (version ${profile.version})`);
      if (floor?.accountDeleted !== true) mismatches.push(`${who}: deleted, but its version floor has no accountDeleted`);
      usersRowsCompared += 1;
      if (row === undefined) mismatches.push(`${who}: deleted, and analytics has no users row`);
      else {
        if (row.deleted !== true) mismatches.push(`${who}: deleted, analytics row not marked deleted (version ${row.version})`);
        if (row.email !== null || row.display_name !== null || row.locale !== null) mismatches.push(`${who}: deleted, analytics row keeps personal fields`);
        if (floor !== undefined && row.version !== Number(floor.version)) mismatches.push(`${who}: deleted at version ${floor.version}, analytics row at version ${row.version}`);
      }
      continue;
    }
    if (profile === undefined) {
      mismatches.push(`${who}: DynamoDB has no profile, the API acknowledged version ${u.version}`);
      continue;
    }
    if (Number(profile.version) !== u.version || profile.displayName !== u.fields.displayName || (profile.locale ?? null) !== u.fields.locale) {
      mismatches.push(
        `${who}: DynamoDB holds version ${profile.version} ${JSON.stringify([profile.displayName, profile.locale ?? null])}, the API acknowledged version ${u.version} ${JSON.stringify([u.fields.displayName, u.fields.locale])}`,
      );
    }
    usersRowsCompared += 1;
    if (row === undefined) mismatches.push(`${who}: no analytics users row for profile version ${profile.version}`);
    else if (row.version !== Number(profile.version) || row.deleted || row.display_name !== profile.displayName || row.locale !== (profile.locale ?? null)) {
      mismatches.push(
        `${who}: analytics row ${JSON.stringify([row.version, row.display_name, row.locale, row.deleted])} ≠ profile ${JSON.stringify([Number(profile.version), profile.displayName, profile.locale ?? null, false])}`,
      );
    }
  }

  // Activity events.
  const sent = new Map<string, { user: UserModel; type: string; time: string; accepted: boolean }>();
  for (const u of o.users) {
    for (const [id, e] of u.accepted) sent.set(id, { user: u, ...e, accepted: true });
    for (const [id, e] of u.ambiguous) sent.set(id, { user: u, ...e, accepted: false });
  }
  const stored = await o.db.query(
    "SELECT event_id::text AS event_id, user_id, type, occurred_at, count(*) OVER (PARTITION BY event_id)::int AS copies FROM activity_events WHERE event_id = ANY($1::uuid[]) OR user_id = ANY($2)",
    [[...sent.keys()], [...subs]],
  );
  const byId = new Map<string, any>();
  for (const r of stored.rows) {
    byId.set(r.event_id, r);
    if (r.copies !== 1) mismatches.push(`event ${r.event_id}: stored ${r.copies} times`);
    if (!sent.has(r.event_id)) mismatches.push(`event ${r.event_id}: stored for ${r.user_id}, never sent by it`);
  }
  let eventsCompared = 0;
  let ambiguousStored = 0;
  for (const [id, e] of sent) {
    const row = byId.get(id);
    if (!e.accepted) {
      if (row !== undefined) ambiguousStored += 1;
      if (row === undefined) continue;
    } else eventsCompared += 1;
    if (row === undefined) {
      mismatches.push(`event ${id} of user ${e.user.index}: accepted with 202, not stored`);
      continue;
    }
    if (row.type !== e.type || new Date(row.occurred_at).toISOString() !== e.time)
      mismatches.push(`event ${id}: stored as ${row.type} at ${new Date(row.occurred_at).toISOString()}, sent as ${e.type} at ${e.time}`);
    if (e.user.deleted ? !String(row.user_id).startsWith("deleted-") : row.user_id !== e.user.sub) {
      mismatches.push(`${e.user.deleted ? "not anonymised: " : ""}event ${id} of user ${e.user.index}${e.user.deleted ? " (deleted)" : ""}: stored under ${row.user_id}`);
    }
  }

  // Dead letters.
  let poisonFound = 0;
  const ingestDlq = o.deadLetters.fresh.get(`${o.prefix}analytics-ingest-dlq`) ?? [];
  const bodies = ingestDlq.map((m) => m.Body ?? "");
  for (const b of o.poison.sqsBodies) {
    const n = bodies.filter((x) => x === b).length;
    if (n === 1) poisonFound += 1;
    else mismatches.push(`poison message ${b}: ${n} copies in the analytics-ingest DLQ (expected 1)`);
  }
  for (const b of bodies) if (!o.poison.sqsBodies.includes(b)) mismatches.push(`analytics-ingest DLQ holds a message that is not poison: ${b.slice(0, 200)}`);
  const failures = (o.deadLetters.fresh.get(`${o.prefix}activity-processor-failures`) ?? []).map(
    (m) => JSON.parse(m.Body ?? "{}").KinesisBatchInfo as { startSequenceNumber: string; endSequenceNumber: string } | undefined,
  );
  const covers = (f: { startSequenceNumber: string; endSequenceNumber: string } | undefined, seq: string): boolean =>
    f !== undefined && BigInt(f.startSequenceNumber) <= BigInt(seq) && BigInt(seq) <= BigInt(f.endSequenceNumber);
  for (const seq of o.poison.kinesisSequences) {
    if (failures.some((f) => covers(f, seq))) poisonFound += 1;
    else mismatches.push(`malformed activity record ${seq}: not on activity-processor-failures`);
  }
  // Without a malformed record, a failure entry is a loss unless every accepted event is stored (checked above).
  const eventLost = mismatches.some((m) => m.endsWith("accepted with 202, not stored"));
  let redundantFailureBatches = 0;
  for (const f of failures) {
    if (o.poison.kinesisSequences.some((seq) => covers(f, seq))) continue;
    if (eventLost) mismatches.push(`activity-processor-failures holds a batch with no malformed record: ${JSON.stringify(f)}`);
    else redundantFailureBatches += 1;
  }
  for (const [queue, messages] of o.deadLetters.fresh) {
    if (queue.endsWith("analytics-ingest-dlq") || queue.endsWith("activity-processor-failures")) continue;
    for (const m of messages) mismatches.push(`${queue} holds a new message: ${(m.Body ?? "").slice(0, 200)}`);
  }
  return {
    profilesCompared: o.users.length,
    usersRowsCompared,
    eventsCompared,
    ambiguousEvents: [...sent.values()].filter((e) => !e.accepted).length,
    ambiguousStored,
    poisonFound,
    redundantFailureBatches,
    mismatches: mismatches.length > LIMIT * 20 ? mismatches.slice(0, LIMIT * 20) : mismatches,
  };
}
