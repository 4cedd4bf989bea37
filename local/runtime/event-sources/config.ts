/** The shapes an event source mapping is configured with, and what a started one offers. */
import type { InvokeFunction, RuntimeLog } from "../types";

/** One Lambda event source mapping (the fields of CreateEventSourceMapping the local runtime honours). */
export interface EventSourceMappingConfig {
  readonly uuid: string;
  readonly functionArn: string;
  /** arn:aws:sqs:…:queue, arn:aws:kinesis:…:stream/NAME, or arn:aws:dynamodb:…:table/T/stream/LABEL */
  readonly eventSourceArn: string;
  /** A disabled mapping polls nothing. */
  readonly enabled: boolean;
  readonly batchSize: number;
  /** Time to gather a batch, measured from the first record the poller sees. SQS: batchSize > 10 needs ≥ 1. */
  readonly maximumBatchingWindowInSeconds: number;
  /** Streams only (required there): where a shard without a checkpoint starts. */
  readonly startingPosition?: "LATEST" | "TRIM_HORIZON";
  /** Streams: split a batch that failed with a function error in two and retry the halves (no retry consumed). */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Streams: retries of a failed batch before it is discarded. @default -1 (infinite) */
  readonly maximumRetryAttempts?: number;
  /** Streams: records older than this are discarded instead of invoked. @default -1 (infinite) */
  readonly maximumRecordAgeInSeconds?: number;
  /** Streams: SQS queue or SNS topic that receives the on-failure record of discarded batches. */
  readonly onFailureDestinationArn?: string;
  /** ["ReportBatchItemFailures"] lets the function report a partial batch failure. */
  readonly functionResponseTypes?: readonly string[];
  /** Streams: ignored locally (one batch in flight per shard); a value > 1 is logged at start. */
  readonly parallelizationFactor?: number;
  /**
   * Not a field of Lambda's mapping: the function's execution role, which Kinesis records carry as
   * `invokeIdentityArn`. @default arn:aws:iam::ACCOUNT:role/FUNCTION_NAME
   */
  readonly functionRoleArn?: string;
}

/** Durable stream positions: key = mapping uuid + shard id, value = the last checkpointed sequence number. */
export interface CheckpointStore {
  get(key: string): string | undefined;
  set(key: string, sequenceNumber: string): void;
}

/** What an event source needs from the rest of the local platform. */
export interface EventSourceDeps {
  readonly invoke: InvokeFunction;
  /** Endpoints of the emulators serving each API (the same endpoint may serve several). */
  readonly endpoints: { readonly sqs: string; readonly sns: string; readonly kinesis: string; readonly dynamodbStreams: string };
  /** @default LOCAL_AWS.region */
  readonly region?: string;
  /** @default LOCAL_AWS.accountId */
  readonly accountId?: string;
  /** @default messages to the console, prefixed with the mapping */
  readonly log?: RuntimeLog;
  /** Durable stream positions so a restarted runtime resumes after the last checkpoint. @default in memory */
  readonly checkpoints?: CheckpointStore;
  /**
   * SQS only: when set, a failed message is made visible again after this many seconds
   * (ChangeMessageVisibility) instead of waiting out the queue's visibility timeout — a local acceleration.
   * @default undefined: Lambda's behaviour
   */
  readonly sqsRetryDelaySeconds?: number;
  /**
   * Wait between reads of an empty stream shard. SQS long-polls instead (WaitTimeSeconds = the batching
   * window, at least 1 s, at most 20 s). @default 250
   */
  readonly idlePollMs?: number;
}

/** A started event source mapping. */
export interface RunningEventSource {
  readonly config: EventSourceMappingConfig;
  /** Lets the invocation in flight finish (no further retries), stops polling and closes its clients. */
  stop(): Promise<void>;
  /**
   * Resolves once the source has no record in flight and a fetch begun after this call found nothing
   * (for tests: "drained"). Immediately for a disabled or stopped source (or one whose poller died of a bug,
   * which is logged as an error).
   */
  idle(): Promise<void>;
}
