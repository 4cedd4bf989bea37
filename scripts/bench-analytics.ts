// Analytics write path: rows/s into `users` through analytics-ingest's upsert and events/s into `activity_events`
// through activity-processor, each batched (one statement per batch, as the handlers run) against one statement per
// record, over a throwaway PostgreSQL (local/postgres) behind the local Data API endpoint (local/data-api) and the
// unmodified RDSDataClient. Prints numbers only. Run by `npm run bench` after the synth section, or alone:
//   node -r @swc-node/register scripts/bench-analytics.ts
import "./sql-require-hook";
import { randomUUID } from "node:crypto";
import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { Client } from "pg";
import { startLocalDataApi } from "../local/data-api";
import { startPostgres } from "../local/postgres";
import { INSERT_ONE_ACTIVITY_SQL, insertOneActivityParams, toActivityRow } from "../lambdas/analytics/activity-records";
import type { ActivityEvent } from "../lambdas/analytics/activity-event";
import { ingestProfileMessages, processActivityRecords } from "../lambdas/analytics/ingest";
import { migrate } from "../lambdas/analytics/migrations";
import { MIGRATIONS } from "../lambdas/analytics/migrations/index";
import { UPSERT_USER_SQL, parseProfileEventMessage, toUserRow, upsertUserParams } from "../lambdas/analytics/user-events";
import { DataApi } from "../lambdas/shared/data-api";

const RECORDS = Number(process.env.BENCH_ANALYTICS_RECORDS ?? 1000);
/** Records per Lambda batch: SQS and Kinesis event sources deliver up to this many per invocation in this bench. */
const BATCH = Number(process.env.BENCH_ANALYTICS_BATCH ?? 100);
const quiet = { warn: () => undefined, error: (message: string, ...extra: unknown[]) => console.error(message, ...extra) };

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function profileMessages(count: number): Array<{ messageId: string; body: string }> {
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const userId = `bench-${randomUUID()}`;
    const profile = { userId, displayName: `User ${i}`, locale: "en-GB", version: 1, createdAt: at, updatedAt: at };
    return {
      messageId: randomUUID(),
      body: JSON.stringify({ eventId: randomUUID(), type: "profile.created", userId, version: 1, changedFields: ["displayName"], occurredAt: at, profile }),
    };
  });
}

function activityRecords(count: number): Array<{ sequenceNumber: string; data: string; event: ActivityEvent }> {
  const time = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const event: ActivityEvent = { eventId: randomUUID(), userId: `user-${i % 50}`, type: "page.view", time, props: { path: `/p/${i}`, ref: "bench" } };
    return { sequenceNumber: String(i), data: Buffer.from(JSON.stringify(event)).toString("base64"), event };
  });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function runAnalyticsBench(): Promise<void> {
  // The SDK warns on Node < 22 (Lambda runs nodejs22.x): noise in the bench output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? "true";
  const server = await startPostgres();
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  const api = await startLocalDataApi({ databaseUrl: server.url, errorModel: "serverless-v2" });
  const client = new RDSDataClient({ endpoint: api.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 });
  try {
    const db = new DataApi({
      client,
      target: { resourceArn: "arn:aws:rds:us-east-1:111111111111:cluster:bench", secretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:bench", database: "postgres" },
    });
    await migrate(db, MIGRATIONS);
    // warm-up: connections, plans, JIT of both paths
    await ingestProfileMessages(db, profileMessages(BATCH), quiet);
    await processActivityRecords(db, activityRecords(BATCH), quiet);
    await admin.query("TRUNCATE users, activity_events");

    // users: analytics-ingest's step (parse, dedupe, ONE upsert statement per batch) vs one upsert per record
    const usersBatched = profileMessages(RECORDS);
    const usersSingle = profileMessages(RECORDS);
    const usersBatchedS = await timed(async () => {
      for (const batch of chunks(usersBatched, BATCH)) {
        const out = await ingestProfileMessages(db, batch, quiet);
        if (out.failures.size > 0) throw new Error(`ingest failures: ${[...out.failures.values()][0]}`);
      }
    });
    const usersSingleS = await timed(async () => {
      for (const message of usersSingle) {
        const parsed = parseProfileEventMessage(message.body);
        if (!parsed.ok) throw new Error(parsed.error);
        await db.execute(UPSERT_USER_SQL, upsertUserParams(toUserRow(parsed.value)));
      }
    });
    const userCount = Number((await admin.query("SELECT count(*) AS n FROM users")).rows[0].n);
    if (userCount !== 2 * RECORDS) throw new Error(`expected ${2 * RECORDS} users, found ${userCount}`);

    // events: activity-processor's step (decode, dedupe, ONE insert statement per batch) vs one insert per record
    const eventsBatched = activityRecords(RECORDS);
    const eventsSingle = activityRecords(RECORDS);
    const eventsBatchedS = await timed(async () => {
      for (const batch of chunks(eventsBatched, BATCH)) {
        const out = await processActivityRecords(db, batch, quiet);
        if (out.failures.size > 0 || out.malformed > 0) throw new Error("processor failures");
      }
    });
    const eventsSingleS = await timed(async () => {
      for (const record of eventsSingle) await db.execute(INSERT_ONE_ACTIVITY_SQL, insertOneActivityParams(toActivityRow(record.event)));
    });
    const eventCount = Number((await admin.query("SELECT count(*) AS n FROM activity_events")).rows[0].n);
    if (eventCount !== 2 * RECORDS) throw new Error(`expected ${2 * RECORDS} events, found ${eventCount}`);

    const rate = (seconds: number) => RECORDS / seconds;
    const row = (name: string, seconds: number) => console.log(name.padEnd(44) + seconds.toFixed(3).padStart(9) + Math.round(rate(seconds)).toString().padStart(12));
    console.log(`\n## analytics writes: ${RECORDS} records, batches of ${BATCH}, local Data API endpoint -> PostgreSQL (one run)`);
    console.log("path".padEnd(44) + "seconds".padStart(9) + "records/s".padStart(12));
    row("users upsert, batched (1 statement/batch)", usersBatchedS);
    row("users upsert, per record", usersSingleS);
    row("activity insert, batched (1 statement/batch)", eventsBatchedS);
    row("activity insert, per record", eventsSingleS);
    console.log(`users: batched/per-record = ${(usersSingleS / usersBatchedS).toFixed(1)}x`);
    console.log(`activity: batched/per-record = ${(eventsSingleS / eventsBatchedS).toFixed(1)}x`);
  } finally {
    client.destroy();
    await api.close();
    await admin.end().catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) {
  runAnalyticsBench().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
