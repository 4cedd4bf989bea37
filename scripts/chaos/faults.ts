/**
 * Fault injectors of the conservation campaign, each counted:
 * - `dataApiResuming` / `dataApi5xx`: the local Data API's fault switch (`POST /_local/fail-next`) answers the next
 *   calls, whoever makes them, with `DatabaseResumingException` or a 500/503 (the functions retry these with backoff);
 * - `kinesisBatchFailure`: as an activity-processor batch starts, the next Data API call fails with a non-retryable
 *   `DatabaseErrorException`, so the batch reports its records and the stream delivers them again;
 * - `sqsVisibilityExpired`: as an analytics-ingest batch starts, its messages' visibility is set to 0 (as if the
 *   timeout expired mid-batch), so the queue delivers them again while the first delivery is still running;
 * - `snsDuplicate`: a delivered user-data-change message is sent to the subscribed queue once more, now or a few
 *   seconds later (SNS delivers at least once, and late duplicates are stale);
 * - `workerKilled`: a worker process of a consumer is SIGKILLed while it runs a batch (counted when the invocation
 *   ends with Runtime.ExitError);
 * - `dynamodbThrottled`: a gateway handler answers a share of DynamoDB data-plane calls with
 *   `ProvisionedThroughputExceededException` before they reach DynamoDB Local.
 */
import { ChangeMessageVisibilityBatchCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { LocalPlatform } from "../../local/platform/start";
import { awsError, GatewayHandler } from "../../local/runtime/gateway";
import { LOCAL_AWS } from "../../local/runtime/types";
import { fork, Rng } from "./rng";

export const FAULT_KINDS = ["dataApiResuming", "dataApi5xx", "kinesisBatchFailure", "sqsVisibilityExpired", "snsDuplicate", "workerKilled", "dynamodbThrottled"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
  /** Milliseconds between Data API fault bursts (each 1–4 calls). */
  readonly dataApiBurstEveryMs: number;
  /** Share of activity-processor batches whose Data API insert is failed. */
  readonly kinesisBatchFailure: number;
  /** Share of analytics-ingest batches whose visibility is expired mid-batch. */
  readonly sqsVisibility: number;
  /** Share of analytics-ingest batches one of whose messages is delivered again. */
  readonly snsDuplicate: number;
  /** Share of consumer batches whose worker is killed. */
  readonly workerKill: number;
  /** Share of DynamoDB data-plane calls throttled. */
  readonly dynamodbThrottle: number;
}

export const DEFAULT_RATES: FaultRates = {
  dataApiBurstEveryMs: 1500,
  kinesisBatchFailure: 0.25,
  sqsVisibility: 0.15,
  snsDuplicate: 0.3,
  workerKill: 0.05,
  dynamodbThrottle: 0.05,
};

const DYNAMODB_DATA_PLANE = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "TransactWriteItems",
  "TransactGetItems",
  "BatchWriteItem",
  "BatchGetItem",
]);
/** How the campaign's poison messages begin. */
export const POISON_PREFIX = "chaos-poison-";
const fn = (name: string): string => `platform-local-${name}`;

export class FaultInjector {
  readonly injected: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  /** Injections that failed (e.g. the queue refused a visibility change), named. */
  readonly errors: string[] = [];
  private readonly stops: Array<() => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rng: Rng;
  private readonly sqs: SQSClient;
  private ingestQueueUrl: string | undefined;
  private active = false;
  /** Pids killed and not yet seen ending an invocation. */
  private readonly killedPids = new Set<number>();
  /** Invocations that started while the faults were on, per flow (see `settle`). */
  private readonly seen = { ingestPublished: 0, processor: 0, events: 0 };
  /** Delayed one-shot faults (a late SNS duplicate, a kill) scheduled and not yet fired. */
  private pendingOneShots = 0;

  constructor(
    private readonly platform: LocalPlatform,
    private readonly rates: FaultRates,
    seed: number,
  ) {
    this.rng = fork(seed, 1_000_000);
    this.sqs = new SQSClient({ region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, endpoint: platform.endpoint });
  }

  async start(): Promise<void> {
    this.active = true;
    this.ingestQueueUrl = (await this.sqs.send(new GetQueueUrlCommand({ QueueName: fn("analytics-ingest") }))).QueueUrl;
    this.stops.push(this.platform.addGatewayHandler(this.throttle));
    this.scheduleDataApiBurst();
    const processor = await this.platform.registry.pool(fn("activity-processor"));
    const ingest = await this.platform.registry.pool(fn("analytics-ingest"));
    const events = await this.platform.registry.pool(fn("profile-events"));
    this.stops.push(
      processor.onInvocationStart(({ pid }) => {
        if (!this.active) return;
        this.seen.processor += 1;
        if (this.rng.chance(this.rates.kinesisBatchFailure)) {
          this.track(
            "kinesisBatchFailure",
            this.failNext(1, "DatabaseErrorException", "chaos: injected failure of an activity-processor batch").then(() => void (this.injected.kinesisBatchFailure += 1)),
          );
        }
        this.maybeKill(pid);
      }),
      ingest.onInvocationStart(({ event, pid }) => {
        if (!this.active) return;
        const records =
          (event as { Records?: Array<{ body: string; receiptHandle: string; messageAttributes?: Record<string, { dataType: string; stringValue?: string }> }> }).Records ?? [];
        if (records.length > 0 && this.rng.chance(this.rates.sqsVisibility)) this.track("sqsVisibilityExpired", this.expireVisibility(records.map((r) => r.receiptHandle)));
        // Only what SNS delivered is duplicated (the campaign's poison messages were sent to the queue directly).
        const published = records.filter((r) => !r.body.startsWith(POISON_PREFIX));
        if (published.length > 0) this.seen.ingestPublished += 1;
        if (published.length > 0 && this.rng.chance(this.rates.snsDuplicate)) {
          const r = this.rng.pick(published);
          this.later("snsDuplicate", this.rng.chance(0.5) ? 0 : this.rng.int(500, 4000), () => this.duplicate(r.body, r.messageAttributes ?? {}));
        }
        this.maybeKill(pid);
      }),
      events.onInvocationStart(({ pid }) => {
        if (!this.active) return;
        this.seen.events += 1;
        this.maybeKill(pid);
      }),
      this.platform.registry.observe(({ outcome }) => {
        // A kill counts once its invocation ended with the process gone (not when the batch had already finished).
        if (!outcome.ok && outcome.errorType === "Runtime.ExitError" && /signal: killed/.test(outcome.errorMessage)) this.injected.workerKilled += 1;
      }),
    );
  }

  /**
   * Keeps the faults on after the workload until every flow has run under them (profile-events, activity-processor and
   * two analytics-ingest batches of published changes: the workload's API calls can end before its changes reach the
   * queue consumers) and the delayed faults already scheduled have fired; at most `timeoutMs`. Returns what was seen.
   */
  async settle(timeoutMs: number): Promise<{ covered: boolean; seen: Readonly<FaultInjector["seen"]> }> {
    const deadline = Date.now() + timeoutMs;
    const covered = (): boolean => this.seen.ingestPublished >= 2 && this.seen.processor >= 1 && this.seen.events >= 1 && this.pendingOneShots === 0;
    while (!covered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { covered: covered(), seen: { ...this.seen } };
  }

  /** Stops injecting; the Data API's pending faults are cleared. */
  async stop(): Promise<void> {
    this.active = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pendingOneShots = 0;
    for (const s of this.stops.splice(0)) s();
    await fetch(`${this.platform.dataApi}/_local/clear-faults`, { method: "POST", body: "{}" });
    this.sqs.destroy();
  }

  private track(kind: FaultKind, p: Promise<unknown>): void {
    p.catch((err: unknown) => this.errors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`));
  }

  private later(kind: FaultKind, ms: number, fn: () => Promise<void> | void): void {
    // The Data API bursts re-arm themselves for as long as the faults are on; every other delayed fault fires once.
    const oneShot = kind !== "dataApi5xx";
    if (oneShot) this.pendingOneShots += 1;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (oneShot) this.pendingOneShots -= 1;
      this.track(kind, Promise.resolve().then(fn));
    }, ms);
    this.timers.add(t);
  }

  private scheduleDataApiBurst(): void {
    this.later("dataApi5xx", this.rng.int(this.rates.dataApiBurstEveryMs / 2, this.rates.dataApiBurstEveryMs * 1.5), async () => {
      if (!this.active) return;
      const count = this.rng.int(1, 4);
      if (this.rng.chance(0.5)) {
        await this.failNext(count, "DatabaseResumingException");
        this.injected.dataApiResuming += count;
      } else {
        await this.failNext(count, this.rng.chance(0.5) ? "InternalServerErrorException" : "ServiceUnavailableError");
        this.injected.dataApi5xx += count;
      }
      this.scheduleDataApiBurst();
    });
  }

  private async failNext(count: number, errorType: string, message?: string): Promise<void> {
    const res = await fetch(`${this.platform.dataApi}/_local/fail-next`, { method: "POST", body: JSON.stringify({ count, errorType, ...(message ? { message } : {}) }) });
    if (!res.ok) throw new Error(`the Data API's fault switch answered ${res.status}: ${await res.text()}`);
  }

  private async expireVisibility(receiptHandles: string[]): Promise<void> {
    const out = await this.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.ingestQueueUrl,
        Entries: receiptHandles.map((h, i) => ({ Id: String(i), ReceiptHandle: h, VisibilityTimeout: 0 })),
      }),
    );
    this.injected.sqsVisibilityExpired += out.Successful?.length ?? 0;
    for (const f of out.Failed ?? []) this.errors.push(`sqsVisibilityExpired: ${f.Code ?? ""} ${f.Message ?? ""}`);
  }

  private async duplicate(body: string, attributes: Record<string, { dataType: string; stringValue?: string }>): Promise<void> {
    const MessageAttributes = Object.fromEntries(
      Object.entries(attributes)
        .filter(([, a]) => a.stringValue !== undefined)
        .map(([k, a]) => [k, { DataType: a.dataType, StringValue: a.stringValue }]),
    );
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.ingestQueueUrl, MessageBody: body, MessageAttributes }));
    this.injected.snsDuplicate += 1;
  }

  private maybeKill(pid: number | undefined): void {
    if (pid === undefined || !this.rng.chance(this.rates.workerKill)) return;
    this.killedPids.add(pid);
    this.later("workerKilled", this.rng.int(0, 40), () => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    });
  }

  private readonly throttle: GatewayHandler = async (req) => {
    if (!this.active || req.service !== "dynamodb") return undefined;
    const op = req.target?.split(".")[1] ?? "";
    if (!DYNAMODB_DATA_PLANE.has(op) || !this.rng.chance(this.rates.dynamodbThrottle)) return undefined;
    this.injected.dynamodbThrottled += 1;
    return awsError(400, "ProvisionedThroughputExceededException", "chaos: The level of configured provisioned throughput for the table was exceeded.");
  };
}
