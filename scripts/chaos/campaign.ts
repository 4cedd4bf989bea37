/**
 * The conservation campaign on an already started local platform: N users make seeded random sequences of profile
 * writes, deletions and activity events over HTTP while faults are injected (faults.ts) and poison messages are sent;
 * then, once every queue, stream and deletion workflow is drained, the stores are compared (verify.ts).
 * Only local addresses are used: the platform's endpoint, API, Data API and PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { Message, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Client } from "pg";
import type { LocalPlatform } from "../../local/platform/start";
import { LOCAL_AWS } from "../../local/runtime/types";
import { AlarmCheck, alarmsForQueues, describeAllAlarms } from "./alarms";
import { DEFAULT_RATES, FaultInjector, FaultKind, FaultRates, POISON_PREFIX } from "./faults";
import { Flow, FlowName, Flows } from "./flows";
import { depth, isDeadLetter, listMessages, platformQueues } from "./queues";
import { Poison, verify, Verdict } from "./verify";
import { call, createUsers, runWorkload, Tally, UserModel } from "./workload";

export interface CampaignOptions {
  readonly users: number;
  readonly seed: number;
  /** Operations per user. @default [3, 8] */
  readonly ops?: readonly [number, number];
  /** @default 0.04 per operation */
  readonly deleteChance?: number;
  /** Users signing up / acting at once. @default 16 */
  readonly concurrency?: number;
  /** Poison messages per kind (SQS body, Kinesis record). @default 3 */
  readonly poison?: number;
  readonly rates?: Partial<FaultRates>;
  /** Give up draining after this long. @default 300000 */
  readonly drainTimeoutMs?: number;
  /** After the workload, keep the faults on at most this long until every flow has run under them. @default 30000 */
  readonly settleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface CampaignReport {
  readonly runId: string;
  readonly users: number;
  readonly seed: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Injections that could not be made (not mismatches: the campaign injected less than planned). */
  readonly faultErrors: readonly string[];
  readonly flows: ReadonlyMap<FlowName, Flow>;
  readonly put: { readonly activityRecords: number; readonly malformedRecords: number; readonly poisonMessages: number };
  readonly deadLetters: ReadonlyMap<string, number>;
  /** Per dead-letter queue that received messages: its depth and the deployed alarms that would fire at it. */
  readonly alarms: readonly AlarmCheck[];
  readonly answers: Tally;
  readonly deletedUsers: number;
  readonly verdict: Verdict;
  readonly timings: Readonly<Record<string, number>>;
  /** Every mismatch: the verdict's and the answers the model did not allow. */
  readonly mismatches: readonly string[];
  /** What the verdict compared, to compare again (the test that proves the check catches a lost row). */
  readonly compared: Omit<Parameters<typeof verify>[0], "ddb" | "db">;
}

const PREFIX = "platform-local-";
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runConservationCampaign(platform: LocalPlatform, options: CampaignOptions): Promise<CampaignReport> {
  const log = options.log ?? ((line: string) => console.log(`[chaos] ${line}`));
  const runId = randomUUID().slice(0, 8);
  const aws = { region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, endpoint: platform.endpoint };
  const sqs = new SQSClient(aws);
  const kinesis = new KinesisClient({ ...aws, requestHandler: new NodeHttpHandler() });
  const ddb = new DynamoDBClient(aws);
  const cloudwatch = new CloudWatchClient(aws);
  const db = new Client({ connectionString: platform.analyticsDatabaseUrl });
  await db.connect();
  const timings: Record<string, number> = {};
  const t = Date.now();
  const lap = (name: string, since: number): void => void (timings[name] = Date.now() - since);
  const tally = new Tally();
  const flows = new Flows(platform);
  const faults = new FaultInjector(platform, { ...DEFAULT_RATES, ...options.rates }, options.seed);
  try {
    const queues = await platformQueues(sqs);
    const deadQueues = [...queues].filter(([name]) => isDeadLetter(name));
    const baseline = new Map<string, Set<string>>();
    for (const [name, url] of deadQueues) baseline.set(name, new Set((await listMessages(sqs, url)).map((m) => m.MessageId!)));

    log(`run ${runId}: signing up ${options.users} users`);
    const users = await createUsers(
      {
        endpoint: platform.endpoint,
        apiUrl: platform.apiUrl,
        clientId: platform.userPoolClientId,
        users: options.users,
        runId,
        concurrency: Math.min(options.concurrency ?? 16, 4),
      },
      tally,
    );
    lap("sign-up", t);

    const tw = Date.now();
    await faults.start();
    const poison = await sendPoison(sqs, kinesis, queues.get(`${PREFIX}analytics-ingest`)!, String(platform.deployment.outputs.activity_stream_name), runId, options.poison ?? 3);
    log(`faults on; ${users.length} users acting (seed ${options.seed})`);
    await runWorkload(
      users,
      { apiUrl: platform.apiUrl, seed: options.seed, ops: options.ops ?? [3, 8], deleteChance: options.deleteChance ?? 0.04, concurrency: options.concurrency ?? 16 },
      tally,
    );
    const settled = await faults.settle(options.settleTimeoutMs ?? 30_000);
    log(`faults stay on until the flows ran under them: ${JSON.stringify(settled.seen)}${settled.covered ? "" : " (not all, timed out)"}`);
    await faults.stop();
    lap("workload", tw);

    const td = Date.now();
    log("faults off; draining queues, streams and deletion workflows");
    const drainProblems = await drain(platform, sqs, queues, users, db, tally, options.drainTimeoutMs ?? 300_000);
    lap("drain", td);

    const fresh = new Map<string, Message[]>();
    const deadLetters = new Map<string, number>();
    const dlqDepths = new Map<string, number>();
    for (const [name, url] of deadQueues) {
      const all = await listMessages(sqs, url);
      const known = baseline.get(name)!;
      fresh.set(
        name,
        all.filter((m) => !known.has(m.MessageId!)),
      );
      deadLetters.set(name, fresh.get(name)!.length);
      if (fresh.get(name)!.length > 0) dlqDepths.set(name, all.length);
    }
    // Every queue that received a dead letter must have an alarm that fires at its depth (someone is told).
    const alarms = alarmsForQueues(await describeAllAlarms(cloudwatch), dlqDepths);
    const silent = alarms.filter((a) => a.firing.length === 0).map((a) => `${a.queue} holds ${a.depth} message(s), and no deployed alarm with an action would fire at that depth`);
    const tv = Date.now();
    const compared = { table: String(platform.deployment.outputs.profiles_table_name), users, poison, deadLetters: { fresh }, prefix: PREFIX };
    const verdict = await verify({ ddb, db, ...compared });
    lap("verify", tv);
    lap("total", t);
    const activityRecords = users.reduce((n, u) => n + u.accepted.size + u.ambiguous.size, 0);
    return {
      runId,
      users: users.length,
      seed: options.seed,
      faults: { ...faults.injected },
      faultErrors: faults.errors,
      flows: flows.flows,
      put: { activityRecords, malformedRecords: poison.kinesisSequences.length, poisonMessages: poison.sqsBodies.length },
      deadLetters,
      alarms,
      answers: tally,
      deletedUsers: users.filter((u) => u.deleted).length,
      verdict,
      timings,
      mismatches: [...drainProblems, ...tally.surprises, ...verdict.mismatches, ...silent],
      compared,
    };
  } finally {
    await faults.stop().catch(() => undefined);
    flows.close();
    await db.end();
    sqs.destroy();
    cloudwatch.destroy();
    kinesis.destroy();
    ddb.destroy();
  }
}

async function sendPoison(sqs: SQSClient, kinesis: KinesisClient, queueUrl: string, stream: string, runId: string, count: number): Promise<Poison> {
  const sqsBodies = Array.from({ length: count }, (_, i) => `${POISON_PREFIX}${runId}-${i}: not a profile event`);
  if (count > 0) await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: sqsBodies.map((b, i) => ({ Id: String(i), MessageBody: b })) }));
  const kinesisSequences: string[] = [];
  for (let i = 0; i < count; i++) {
    const out = await kinesis.send(
      new PutRecordsCommand({ StreamName: stream, Records: [{ Data: Buffer.from(`{chaos-malformed-${runId}-${i}`), PartitionKey: `chaos-${runId}` }] }),
    );
    const seq = out.Records?.[0]?.SequenceNumber;
    if (seq === undefined) throw new Error(`PutRecords of a malformed record was refused: ${JSON.stringify(out.Records)}`);
    kinesisSequences.push(seq);
  }
  return { sqsBodies, kinesisSequences };
}

/**
 * Waits for every deletion workflow to end, then until the pollers are idle, every consumed queue is empty and the
 * stores stop changing (twice in a row). Returns what did not finish.
 */
async function drain(
  platform: LocalPlatform,
  sqs: SQSClient,
  queues: Map<string, string>,
  users: readonly UserModel[],
  db: Client,
  tally: Tally,
  timeoutMs: number,
): Promise<string[]> {
  const problems: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (const u of users.filter((x) => x.deleted)) {
    for (;;) {
      const got = await call(platform.apiUrl, u.token, "GET", "/profiles/me/deletion");
      tally.count("GET /profiles/me/deletion", got.status);
      if (got.status === 200 && got.body.status !== "RUNNING") {
        if (got.body.status !== "SUCCEEDED") {
          // The API gives the error name only; the local runtime keeps the cause (which state, what failed).
          const execution = platform.executions.get(String(got.body.executionId));
          const steps = (execution?.stateFailures ?? []).map((f) => `${f.state} ${f.error} after ${Math.round((f.at.getTime() - execution!.startDate.getTime()) / 1000)} s`);
          problems.push(
            `user ${u.index}: the deletion workflow ended ${got.body.status} (${got.body.error}${execution?.cause !== undefined ? `: ${execution.cause.slice(0, 300)}` : ""}; failed steps: ${steps.join(", ") || "none recorded"})`,
          );
        }
        break;
      }
      if (Date.now() > deadline) {
        problems.push(`user ${u.index}: the deletion workflow did not end in time (last answer ${got.status} ${JSON.stringify(got.body)})`);
        break;
      }
      await delay(500);
    }
  }
  const consumed = [...queues].filter(([name]) => !isDeadLetter(name));
  let previous = "";
  let stable = 0;
  while (stable < 2) {
    if (Date.now() > deadline) {
      problems.push(`the platform did not drain within ${timeoutMs} ms`);
      break;
    }
    await platform.eventSources.idle();
    const depths = await Promise.all(consumed.map(async ([name, url]) => [name, await depth(sqs, url)] as const));
    const counts = (
      await db.query(
        "SELECT (SELECT count(*) FROM users) AS u, (SELECT coalesce(sum(version), 0) FROM users) AS v, (SELECT count(*) FROM activity_events) AS a, (SELECT count(*) FILTER (WHERE deleted) FROM users) AS d",
      )
    ).rows[0];
    const snapshot = JSON.stringify({ depths, counts });
    stable = depths.every(([, n]) => n === 0) && snapshot === previous ? stable + 1 : 0;
    previous = snapshot;
    if (stable < 2) await delay(2000);
  }
  return problems;
}
