/** What the stream poller needs from a stream API (Kinesis or DynamoDB Streams): shards, iterators, records. */

/** A shard as listed; `endingSequenceNumber` is set once the shard is closed (split, merged or rolled over). */
export interface ShardDescription {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly adjacentParentShardId?: string;
  readonly endingSequenceNumber?: string;
}

/** Where to start reading a shard. */
export type ShardPosition = { readonly type: "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string } | { readonly type: "TRIM_HORIZON" | "LATEST" };

/** One record read, already in the shape Lambda puts in the event. */
export interface StreamRecord {
  readonly sequenceNumber: string;
  /** Kinesis: ApproximateArrivalTimestamp; DynamoDB: ApproximateCreationDateTime. */
  readonly arrival: Date;
  readonly event: unknown;
}

/** One GetRecords answer. */
export interface StreamReadResult {
  readonly records: readonly StreamRecord[];
  /** Undefined once a closed shard has been read to its end. */
  readonly nextIterator: string | undefined;
}

/** One stream, as the shard readers see it. */
export interface StreamReader {
  /** The section of the on-failure record naming the discarded records. */
  readonly batchInfoKey: "KinesisBatchInfo" | "DDBStreamBatchInfo";
  /** GetRecords' largest Limit. */
  readonly maxRecordsPerRead: number;
  /** How arrival times appear in the on-failure record. */
  formatArrival(arrival: Date): string;
  listShards(signal: AbortSignal): Promise<readonly ShardDescription[]>;
  /** Undefined when the shard has nothing left to read from that position. */
  shardIterator(shardId: string, position: ShardPosition, signal: AbortSignal): Promise<string | undefined>;
  getRecords(shardId: string, iterator: string, limit: number, signal: AbortSignal): Promise<StreamReadResult>;
}

/** Orders sequence numbers numerically (they are decimal strings of any length, never compared as text). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
