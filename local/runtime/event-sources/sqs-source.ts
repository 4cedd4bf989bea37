/**
 * The SQS poller of one mapping. Lambda scales SQS pollers out; locally one poller per mapping keeps one batch
 * in flight at a time. It polls ReceiveMessage (at most 10 messages a call; long polling, WaitTimeSeconds = the
 * batching window, at least 1 s, at most 20 s, while the queue is empty) until it has `batchSize`
 * messages or the batching window (from the first message) ends, invokes the function, then deletes what
 * succeeded. Failed messages stay in the queue and come back after its visibility timeout (or after
 * `sqsRetryDelaySeconds`); moving them to a dead-letter queue is the queue's own redrive policy.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import type { InvokeOutcome } from "../types";
import { sqsQueueOf } from "./arn";
import { parseBatchItemFailures, reportsBatchItemFailures } from "./batch-item-failures";
import { sourceClients } from "./clients";
import type { RunningEventSource } from "./config";
import type { SourceContext } from "./context";
import { Backoff, describeError, sleep } from "./delay";
import { IdleTracker } from "./idle";
import { toLambdaSqsRecord, type LambdaSqsRecord } from "./sqs-records";

const POLLER = "sqs-poller";
/** SQS's limits per call. */
const MAX_MESSAGES_PER_RECEIVE = 10;
const MAX_ENTRIES_PER_BATCH_CALL = 10;
const MAX_WAIT_SECONDS = 20;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Throws for a configuration Lambda would refuse for SQS. */
export function assertSqsConfig(batchSize: number, windowSeconds: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error(`SQS batchSize must be 1..10000, got ${batchSize}`);
  if (batchSize > MAX_MESSAGES_PER_RECEIVE && windowSeconds < 1) {
    throw new Error(`SQS batchSize ${batchSize} > 10 needs maximumBatchingWindowInSeconds of at least 1 (as Lambda requires)`);
  }
}

/** Starts the poller of an SQS mapping (validated, enabled). */
export function startSqsSource(ctx: SourceContext): RunningEventSource {
  const { config, log } = ctx;
  assertSqsConfig(config.batchSize, config.maximumBatchingWindowInSeconds);
  if (config.onFailureDestinationArn !== undefined) {
    log.warn("onFailureDestinationArn is ignored for SQS (as in Lambda): failed messages go to the queue's redrive dead-letter queue");
  }
  const clients = sourceClients(ctx);
  const sqs = clients.sqs();
  const abort = new AbortController();
  const tracker = new IdleTracker();
  tracker.busy(POLLER);
  const partialResponses = reportsBatchItemFailures(config.functionResponseTypes);
  const windowMs = config.maximumBatchingWindowInSeconds * 1000;

  const resolveQueueUrl = async (): Promise<string | undefined> => {
    const { queueName, accountId } = sqsQueueOf(config.eventSourceArn);
    const backoff = new Backoff(250, 5000);
    let reported = false;
    while (!abort.signal.aborted) {
      try {
        const out = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }), { abortSignal: abort.signal });
        if (out.QueueUrl !== undefined) return out.QueueUrl;
      } catch (err) {
        if (abort.signal.aborted) break;
        if (!reported) log.warn(`queue ${queueName} not reachable yet (${describeError(err)}); retrying`);
        reported = true;
      }
      await sleep(backoff.next(), abort.signal);
    }
    return undefined;
  };

  const receive = async (queueUrl: string, max: number, waitSeconds: number): Promise<Message[]> => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: abort.signal },
    );
    return out.Messages ?? [];
  };

  /** Makes messages visible again at once (those gathered when the source stopped). */
  const release = async (queueUrl: string, messages: readonly Message[], visibilitySeconds: number): Promise<void> => {
    for (const chunk of chunks(messages, MAX_ENTRIES_PER_BATCH_CALL)) {
      try {
        const out = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: visibilitySeconds })),
          }),
        );
        for (const failure of out.Failed ?? []) log.warn(`ChangeMessageVisibility refused an entry: ${failure.Code ?? ""} ${failure.Message ?? ""}`);
      } catch (err) {
        log.warn(`ChangeMessageVisibilityBatch failed (${describeError(err)})`);
      }
    }
  };

  /**
   * Up to batchSize messages: a short poll, then (the queue being empty) one long poll, then more receives until
   * the batch is full or the window ends. `onNothingVisible` hears of an empty short poll (so `idle()` need not
   * wait out a long poll).
   */
  const gather = async (queueUrl: string, onNothingVisible: () => void): Promise<Message[]> => {
    const batch: Message[] = [];
    let deadline = 0;
    let polls = 0;
    try {
      for (;;) {
        polls += 1;
        const waitSeconds =
          batch.length > 0 ? clamp(Math.floor((deadline - Date.now()) / 1000), 0, MAX_WAIT_SECONDS) : polls === 1 ? 0 : clamp(Math.ceil(windowMs / 1000), 1, MAX_WAIT_SECONDS);
        const got = await receive(queueUrl, Math.min(MAX_MESSAGES_PER_RECEIVE, config.batchSize - batch.length), waitSeconds);
        if (batch.length === 0 && got.length > 0) deadline = Date.now() + windowMs;
        batch.push(...got);
        if (batch.length === 0) {
          if (polls > 1) return batch;
          onNothingVisible();
          continue;
        }
        if (batch.length >= config.batchSize || Date.now() >= deadline) return batch;
        if (got.length === 0 && waitSeconds === 0) await sleep(Math.min(100, deadline - Date.now()), abort.signal);
        if (abort.signal.aborted) throw new Error("stopped while gathering");
      }
    } catch (err) {
      if (batch.length > 0) await release(queueUrl, batch, 0);
      throw err;
    }
  };

  const failedIds = (outcome: InvokeOutcome, records: readonly LambdaSqsRecord[]): ReadonlySet<string> => {
    const all = new Set(records.map((r) => r.messageId));
    if (!outcome.ok) {
      log.warn(`${config.functionArn} failed on ${records.length} message(s) (${outcome.errorType}: ${outcome.errorMessage}); they stay in the queue`);
      return all;
    }
    if (!partialResponses) return new Set();
    const verdict = parseBatchItemFailures(outcome.payload, all);
    if (!verdict.valid) {
      log.warn(`invalid partial batch response (${verdict.reason}): the whole batch of ${records.length} counts as failed`);
      return all;
    }
    return new Set(verdict.failedIds);
  };

  const deleteMessages = async (queueUrl: string, records: readonly LambdaSqsRecord[]): Promise<void> => {
    for (const chunk of chunks(records, MAX_ENTRIES_PER_BATCH_CALL)) {
      try {
        const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
        for (const failure of out.Failed ?? []) log.warn(`DeleteMessage refused an entry: ${failure.Code ?? ""} ${failure.Message ?? ""}`);
      } catch (err) {
        log.warn(`DeleteMessageBatch failed (${describeError(err)}); those messages will be delivered again`);
      }
    }
  };

  const processBatch = async (queueUrl: string, messages: readonly Message[]): Promise<void> => {
    const records = messages.map((m) => toLambdaSqsRecord(m, config.eventSourceArn, ctx.region));
    let failed: ReadonlySet<string>;
    try {
      failed = failedIds(await ctx.invoke(config.functionArn, { Records: records }), records);
    } catch (err) {
      log.error(`could not invoke ${config.functionArn} (${describeError(err)}); ${records.length} message(s) stay in the queue`);
      failed = new Set(records.map((r) => r.messageId));
    }
    await deleteMessages(
      queueUrl,
      records.filter((r) => !failed.has(r.messageId)),
    );
    if (failed.size > 0 && ctx.sqsRetryDelaySeconds !== undefined) {
      await release(
        queueUrl,
        messages.filter((m) => m.MessageId !== undefined && failed.has(m.MessageId)),
        ctx.sqsRetryDelaySeconds,
      );
    }
  };

  const run = async (): Promise<void> => {
    const queueUrl = await resolveQueueUrl();
    if (queueUrl === undefined) return;
    const backoff = new Backoff();
    while (!abort.signal.aborted) {
      const stamp = tracker.stamp();
      let batch: Message[];
      try {
        batch = await gather(queueUrl, () => tracker.quiet(POLLER, stamp));
      } catch (err) {
        if (abort.signal.aborted) break;
        log.warn(`ReceiveMessage failed (${describeError(err)}); retrying`);
        await sleep(backoff.next(), abort.signal);
        continue;
      }
      backoff.reset();
      if (batch.length === 0) {
        tracker.quiet(POLLER, stamp);
        continue;
      }
      tracker.busy(POLLER);
      try {
        await processBatch(queueUrl, batch);
      } catch (err) {
        log.error(`batch of ${batch.length} message(s) not processed (${describeError(err)}); they come back after the visibility timeout`);
      }
    }
  };

  const running = run().catch((err: unknown) => {
    log.error(`poller stopped unexpectedly: ${describeError(err)}`);
    tracker.close();
  });
  let stopping: Promise<void> | undefined;
  return {
    config,
    stop() {
      stopping ??= (async () => {
        abort.abort();
        await running;
        clients.destroy();
        tracker.close();
      })();
      return stopping;
    },
    idle: () => tracker.wait(),
  };
}
