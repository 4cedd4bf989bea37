/**
 * The reader of one shard: records in order, one batch in flight. It reads up to `batchSize` records, waiting
 * up to the batching window (measured from the first record it sees) to fill the batch, hands the batch to
 * Lambda's error handling (stream-batch.ts), and goes on after it. A closed shard is finished once read to its
 * end. Read errors (an expired iterator, an emulator hiccup) are logged and the iterator is taken anew after the
 * last record read.
 */
import { checkpointKey } from "./checkpoints";
import { Backoff, describeError, sleep } from "./delay";
import type { IdleTracker } from "./idle";
import { processStreamBatch, type StreamBatchContext } from "./stream-batch";
import { compareSequenceNumbers, type ShardDescription, type ShardPosition, type StreamReader, type StreamRecord } from "./stream-reader";
import type { SourceContext } from "./context";
import type { FailureDestination } from "./on-failure";

/** What a shard reader works with. */
export interface ShardReaderOptions {
  readonly ctx: SourceContext;
  readonly reader: StreamReader;
  readonly destination: FailureDestination | undefined;
  readonly tracker: IdleTracker;
  readonly signal: AbortSignal;
  /** Where to start without a checkpoint. */
  readonly initialPosition: ShardPosition;
  /** The latest listing of the shard (the source updates it, e.g. when the shard closes). */
  shard(): ShardDescription;
}

/** Reads the shard until it is finished (closed and read to its end) or the source stops. */
export async function readShard(options: ShardReaderOptions): Promise<"finished" | "stopped"> {
  const { ctx, reader, tracker, signal } = options;
  const { config, log } = ctx;
  const shardId = options.shard().shardId;
  const participant = `shard:${shardId}`;
  const key = checkpointKey(config.uuid, shardId);
  /** The last record read (in memory or done), the position to take an iterator anew from. */
  let lastRead = ctx.checkpoints.get(key);
  let iterator: string | undefined;
  /** Where to take an iterator when nothing was read yet (TRIM_HORIZON after the checkpoint was trimmed away). */
  let startPosition = options.initialPosition;
  const backoff = new Backoff();
  let failures = 0;

  const batchContext: StreamBatchContext = {
    config,
    invoke: ctx.invoke,
    log,
    reader,
    shardId,
    destination: options.destination,
    signal,
    checkpoint: (sequenceNumber) => ctx.checkpoints.set(key, sequenceNumber),
  };

  const readToEnd = (): boolean => {
    const ending = options.shard().endingSequenceNumber;
    if (ending === undefined) return false;
    return lastRead === undefined || compareSequenceNumbers(lastRead, ending) >= 0;
  };

  tracker.busy(participant);
  try {
    while (!signal.aborted) {
      const batch: StreamRecord[] = [];
      let deadline = 0;
      let exhausted = false;
      try {
        if (iterator === undefined) {
          const position: ShardPosition = lastRead !== undefined ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: lastRead } : startPosition;
          iterator = await reader.shardIterator(shardId, position, signal);
          if (iterator === undefined) exhausted = true;
        }
        while (iterator !== undefined) {
          const stamp = tracker.stamp();
          const limit = Math.min(reader.maxRecordsPerRead, config.batchSize - batch.length);
          const read = await reader.getRecords(shardId, iterator, limit, signal);
          iterator = read.nextIterator;
          if (iterator === undefined) exhausted = true;
          if (read.records.length > 0) {
            if (batch.length === 0) {
              deadline = Date.now() + config.maximumBatchingWindowInSeconds * 1000;
              tracker.busy(participant);
            }
            batch.push(...read.records);
            lastRead = read.records[read.records.length - 1].sequenceNumber;
          }
          backoff.reset();
          failures = 0;
          if (batch.length >= config.batchSize || (batch.length > 0 && Date.now() >= deadline)) break;
          if (read.records.length === 0) {
            if (batch.length === 0) {
              if (readToEnd()) exhausted = true;
              if (exhausted) break;
              tracker.quiet(participant, stamp);
            }
            const wait = batch.length === 0 ? ctx.idlePollMs : Math.min(ctx.idlePollMs, deadline - Date.now());
            await sleep(wait, signal);
            if (signal.aborted) return "stopped";
          }
        }
      } catch (err) {
        if (signal.aborted) return "stopped";
        failures += 1;
        // One line per run of failures (an emulator that is down would otherwise log every back-off).
        if (failures === 1) log.warn(`reading ${shardId} failed (${describeError(err)}); taking a new iterator, retrying`);
        iterator = undefined;
        if (err instanceof Error && err.name === "TrimmedDataAccessException" && batch.length === 0) {
          log.warn(`${shardId}: records after ${lastRead ?? "the start"} were trimmed; continuing from TRIM_HORIZON`);
          lastRead = undefined;
          startPosition = { type: "TRIM_HORIZON" };
        }
        // Records already gathered stay in memory: `lastRead` is past them, so deliver them first.
        if (batch.length === 0) {
          await sleep(backoff.next(), signal);
          continue;
        }
      }
      if (batch.length > 0) {
        tracker.busy(participant);
        if ((await processStreamBatch(batch, batchContext)) === "stopped") return "stopped";
      }
      if (exhausted) return "finished";
    }
    return "stopped";
  } finally {
    tracker.remove(participant);
  }
}
