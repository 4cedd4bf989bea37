/**
 * What a producer needs, granted on the stream ARN only (AWS's documented producer permissions: PutRecord and
 * PutRecords; the SDK sends records by stream name or ARN without describing the stream first).
 */
export const STREAM_WRITE_ACTIONS = ["kinesis:PutRecord", "kinesis:PutRecords"] as const;

/**
 * What a consumer needs, granted on the stream ARN only: the permissions Lambda documents for a Kinesis event source
 * mapping with a standard iterator (it describes the stream, lists its shards, gets shard iterators and records).
 * Left out on purpose:
 * - `kinesis:ListStreams` (not needed by a mapping on one stream, and it is not scoped to a stream);
 * - `kinesis:SubscribeToShard` (enhanced fan-out only; it is authorized on a *consumer* ARN, `<stream ARN>/consumer/*`,
 *   so granting it on the stream would grant nothing).
 */
export const STREAM_READ_ACTIONS = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"] as const;

/** A producer on a stream encrypted with a customer-managed key needs a data key from it (Kinesis's documentation). */
export const STREAM_KEY_WRITE_ACTIONS = ["kms:GenerateDataKey"] as const;

/** A consumer of a stream encrypted with a customer-managed key decrypts with it (Kinesis's documentation). */
export const STREAM_KEY_READ_ACTIONS = ["kms:Decrypt"] as const;
