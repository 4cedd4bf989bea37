/**
 * Lambda's error handling for one batch of a stream shard (Kinesis or DynamoDB):
 * - success: checkpoint after the batch's last record;
 * - partial batch response (ReportBatchItemFailures): checkpoint just before the lowest failed sequence number
 *   and retry from there (a retry);
 * - function error, timeout or invalid partial response: with `bisectBatchOnFunctionError` a batch of two or
 *   more records is split in halves retried separately, first half first (splitting consumes no retry; the
 *   halves carry over the retries and invocations counted so far); otherwise the batch is retried (a retry);
 * - retries beyond `maximumRetryAttempts`, or records older than `maximumRecordAgeInSeconds` (checked before
 *   every invocation): the records are discarded — their on-failure record goes to the destination, or a
 *   warning to the log — and the checkpoint moves past them;
 * - an invocation that could not be made at all (the invoke call rejected) is retried without consuming a retry.
 * Retries back off from 100 ms doubling to 2 s. Once stopping, no further invocation starts.
 */
import type { InvokeFunction, InvokeOutcome, RuntimeLog } from "../types";
import { parseBatchItemFailures, reportsBatchItemFailures } from "./batch-item-failures";
import type { EventSourceMappingConfig } from "./config";
import { Backoff, describeError, sleep } from "./delay";
import { streamFailureRecord, type DiscardCondition, type FailureDestination } from "./on-failure";
import type { StreamReader, StreamRecord } from "./stream-reader";

/** What the error handling of a batch needs: the mapping, the invoke, the shard, the destination and the checkpoint. */
export interface StreamBatchContext {
  readonly config: EventSourceMappingConfig;
  readonly invoke: InvokeFunction;
  readonly log: RuntimeLog;
  readonly reader: Pick<StreamReader, "batchInfoKey" | "formatArrival">;
  readonly shardId: string;
  readonly destination: FailureDestination | undefined;
  /** Aborted when the source stops. */
  readonly signal: AbortSignal;
  /** Records that everything up to and including this sequence number is done with. */
  checkpoint(sequenceNumber: string): void;
}

/** Records still to be delivered, with what they went through so far. */
interface Attempt {
  records: readonly StreamRecord[];
  retries: number;
  invokes: number;
  lastOutcome: InvokeOutcome | undefined;
}

type Verdict = { readonly kind: "success" } | { readonly kind: "partial"; readonly fromIndex: number } | { readonly kind: "failure"; readonly why: string };

function judge(outcome: InvokeOutcome, records: readonly StreamRecord[], partialResponses: boolean): Verdict {
  if (!outcome.ok) return { kind: "failure", why: `${outcome.errorType}: ${outcome.errorMessage}` };
  if (!partialResponses) return { kind: "success" };
  const ids = records.map((r) => r.sequenceNumber);
  const verdict = parseBatchItemFailures(outcome.payload, new Set(ids));
  if (!verdict.valid) return { kind: "failure", why: `invalid partial batch response: ${verdict.reason}` };
  if (verdict.failedIds.length === 0) return { kind: "success" };
  return { kind: "partial", fromIndex: Math.min(...verdict.failedIds.map((id) => ids.indexOf(id))) };
}

const limit = (value: number | undefined): number => (value === undefined || value < 0 ? Infinity : value);

/** Delivers one batch until every record succeeded or was discarded ("done"), or the source stops ("stopped"). */
export async function processStreamBatch(records: readonly StreamRecord[], ctx: StreamBatchContext): Promise<"done" | "stopped"> {
  const { config, log } = ctx;
  const partialResponses = reportsBatchItemFailures(config.functionResponseTypes);
  const maxRetries = limit(config.maximumRetryAttempts);
  const maxAgeMs = limit(config.maximumRecordAgeInSeconds) * 1000;
  const backoff = new Backoff();
  const queue: Attempt[] = [{ records, retries: 0, invokes: 0, lastOutcome: undefined }];

  const discard = async (discarded: readonly StreamRecord[], condition: DiscardCondition, attempt: Attempt): Promise<void> => {
    const first = discarded[0];
    const last = discarded[discarded.length - 1];
    const range = `${discarded.length} record(s) ${first.sequenceNumber}..${last.sequenceNumber} of ${ctx.shardId}`;
    const document = streamFailureRecord({
      functionArn: config.functionArn,
      condition,
      invokeCount: attempt.invokes,
      lastOutcome: attempt.lastOutcome,
      batchInfoKey: ctx.reader.batchInfoKey,
      batchInfo: {
        shardId: ctx.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: ctx.reader.formatArrival(first.arrival),
        approximateArrivalOfLastRecord: ctx.reader.formatArrival(last.arrival),
        batchSize: discarded.length,
        streamArn: config.eventSourceArn,
      },
    });
    if (ctx.destination === undefined) {
      log.warn(`${condition}: dropping ${range} (no on-failure destination)`);
    } else {
      log.warn(`${condition}: ${range} discarded; on-failure record sent to ${ctx.destination.arn}`);
      await ctx.destination.send(document);
    }
    ctx.checkpoint(last.sequenceNumber);
  };

  while (queue.length > 0) {
    if (ctx.signal.aborted) return "stopped";
    const attempt = queue[0];
    const now = Date.now();
    const fresh = attempt.records.findIndex((r) => now - r.arrival.getTime() <= maxAgeMs);
    const expired = fresh === -1 ? attempt.records.length : fresh;
    if (expired > 0) {
      await discard(attempt.records.slice(0, expired), "RecordAgeExceeded", attempt);
      attempt.records = attempt.records.slice(expired);
      if (attempt.records.length === 0) queue.shift();
      continue;
    }

    let outcome: InvokeOutcome;
    try {
      outcome = await ctx.invoke(config.functionArn, { Records: attempt.records.map((r) => r.event) });
    } catch (err) {
      log.error(`could not invoke ${config.functionArn} (${describeError(err)}); retrying`);
      await sleep(backoff.next(), ctx.signal);
      continue;
    }
    attempt.invokes += 1;
    attempt.lastOutcome = outcome;
    const verdict = judge(outcome, attempt.records, partialResponses);

    if (verdict.kind === "success") {
      ctx.checkpoint(attempt.records[attempt.records.length - 1].sequenceNumber);
      queue.shift();
      backoff.reset();
      continue;
    }
    if (verdict.kind === "partial") {
      if (verdict.fromIndex > 0) ctx.checkpoint(attempt.records[verdict.fromIndex - 1].sequenceNumber);
      attempt.records = attempt.records.slice(verdict.fromIndex);
      log.warn(`${config.functionArn} reported failed items: retrying ${ctx.shardId} from ${attempt.records[0].sequenceNumber}`);
    } else if (config.bisectBatchOnFunctionError === true && attempt.records.length > 1) {
      const half = Math.ceil(attempt.records.length / 2);
      log.warn(`${config.functionArn} failed on ${attempt.records.length} record(s) (${verdict.why}); bisecting`);
      queue.splice(0, 1, { ...attempt, records: attempt.records.slice(0, half) }, { ...attempt, records: attempt.records.slice(half) });
      continue;
    } else {
      log.warn(`${config.functionArn} failed on ${attempt.records.length} record(s) of ${ctx.shardId} (${verdict.why})`);
    }

    attempt.retries += 1;
    if (attempt.retries > maxRetries) {
      await discard(attempt.records, "RetryAttemptsExhausted", attempt);
      queue.shift();
      continue;
    }
    await sleep(backoff.next(), ctx.signal);
  }
  return "done";
}
