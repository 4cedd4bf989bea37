/**
 * The poller of one stream mapping (Kinesis or DynamoDB Streams): lists the shards every 4 idle polls (1 s by
 * default) and runs one shard reader per shard (one batch in flight each, in order). A child shard (split,
 * merge, DynamoDB's shard rollover) starts only when its parents are finished or no longer listed. Shards
 * present at the first listing start at the mapping's startingPosition (with LATEST, closed ones are skipped);
 * shards that appear later start at TRIM_HORIZON so none of their records is missed. A shard with a checkpoint
 * resumes after it. `parallelizationFactor` > 1 is not emulated (one batch in flight per shard).
 */
import type { RunningEventSource } from "./config";
import type { SourceContext } from "./context";
import { Backoff, describeError, sleep, Wakeable } from "./delay";
import { IdleTracker } from "./idle";
import type { FailureDestination } from "./on-failure";
import { readShard } from "./stream-shard";
import type { ShardDescription, ShardPosition, StreamReader } from "./stream-reader";
import { checkpointKey } from "./checkpoints";

const LISTER = "shard-lister";

/** Shards are listed every 4 idle polls (1 s by default), at most every 100 ms. */
const listingIntervalMs = (idlePollMs: number): number => Math.max(100, 4 * idlePollMs);

/** A running shard reader and the latest listing of its shard. */
interface ReaderEntry {
  shard: ShardDescription;
  done: Promise<void>;
}

/** The stream-specific parts of a stream source. */
export interface StreamSourceParts {
  readonly reader: StreamReader;
  readonly destination: FailureDestination | undefined;
  /** Closes the SDK clients once everything stopped. */
  readonly close: () => void;
}

/** Starts the poller of a Kinesis or DynamoDB stream mapping (validated, enabled). */
export function startStreamSource(ctx: SourceContext, parts: StreamSourceParts): RunningEventSource {
  const { config, log } = ctx;
  const { reader } = parts;
  const startingPosition = config.startingPosition;
  if (startingPosition === undefined) throw new Error(`Stream event source ${config.eventSourceArn} needs a startingPosition (LATEST or TRIM_HORIZON)`);
  if ((config.parallelizationFactor ?? 1) > 1) {
    log.info(`parallelizationFactor ${config.parallelizationFactor ?? 1} is not emulated: one batch in flight per shard`);
  }
  const abort = new AbortController();
  const tracker = new IdleTracker();
  tracker.busy(LISTER);
  const wakeable = new Wakeable();
  const readers = new Map<string, ReaderEntry>();
  const finished = new Set<string>();

  const startReader = (shard: ShardDescription, initialPosition: ShardPosition): void => {
    const entry: ReaderEntry = { shard, done: Promise.resolve() };
    readers.set(shard.shardId, entry);
    entry.done = readShard({
      ctx,
      reader,
      destination: parts.destination,
      tracker,
      signal: abort.signal,
      initialPosition,
      shard: () => entry.shard,
    }).then(
      (result) => {
        readers.delete(shard.shardId);
        if (result === "finished") {
          finished.add(shard.shardId);
          wakeable.wake();
        }
      },
      (err: unknown) => {
        readers.delete(shard.shardId);
        log.error(`reader of ${shard.shardId} stopped unexpectedly (${describeError(err)}); restarting it at the next listing`);
        wakeable.wake();
      },
    );
  };

  const run = async (): Promise<void> => {
    const backoff = new Backoff(250, 5000);
    let firstListing = true;
    let failures = 0;
    while (!abort.signal.aborted) {
      const stamp = tracker.stamp();
      let shards: readonly ShardDescription[];
      try {
        shards = await reader.listShards(abort.signal);
      } catch (err) {
        if (abort.signal.aborted) break;
        failures += 1;
        if (failures === 1) log.warn(`listing the shards of ${config.eventSourceArn} failed (${describeError(err)}); retrying`);
        await sleep(backoff.next(), abort.signal);
        continue;
      }
      failures = 0;
      backoff.reset();
      const listed = new Set(shards.map((s) => s.shardId));
      const hasCheckpoint = (s: ShardDescription): boolean => ctx.checkpoints.get(checkpointKey(config.uuid, s.shardId)) !== undefined;
      if (firstListing && startingPosition === "LATEST") {
        for (const s of shards) if (s.endingSequenceNumber !== undefined && !hasCheckpoint(s)) finished.add(s.shardId);
      }
      let waiting = false;
      for (const s of shards) {
        const running = readers.get(s.shardId);
        if (running !== undefined) {
          running.shard = s;
          continue;
        }
        if (finished.has(s.shardId)) continue;
        const parents = [s.parentShardId, s.adjacentParentShardId].filter((p): p is string => p !== undefined && listed.has(p) && !finished.has(p));
        if (parents.length > 0) {
          waiting = true;
          continue;
        }
        startReader(s, firstListing ? { type: startingPosition } : { type: "TRIM_HORIZON" });
      }
      firstListing = false;
      if (!waiting) tracker.quiet(LISTER, stamp);
      await wakeable.sleep(listingIntervalMs(ctx.idlePollMs), abort.signal);
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
        await Promise.all([...readers.values()].map((r) => r.done));
        parts.close();
        tracker.close();
      })();
      return stopping;
    },
    idle: () => tracker.wait(),
  };
}
