/**
 * Lambda event source mappings for the local platform: pollers that read SQS queues, Kinesis streams and
 * DynamoDB streams from the local emulators and invoke functions with Lambda's events and error handling.
 *
 * Locally, each mapping has one poller: SQS keeps one batch in flight per mapping (Lambda scales SQS pollers
 * out), streams one batch per shard (`parallelizationFactor` is not emulated).
 */
import { eventSourceKind, functionNameOf } from "./arn";
import { sourceClients } from "./clients";
import type { EventSourceDeps, EventSourceMappingConfig, RunningEventSource } from "./config";
import { sourceContext } from "./context";
import { dynamoDbStreamReader } from "./dynamodb-reader";
import { kinesisReader } from "./kinesis-reader";
import { assertDestinationArn, failureDestination } from "./on-failure";
import { assertSqsConfig, startSqsSource } from "./sqs-source";
import { startStreamSource } from "./stream-source";

export type { CheckpointStore, EventSourceDeps, EventSourceMappingConfig, RunningEventSource } from "./config";
export { checkpointKey, fileCheckpointStore, memoryCheckpointStore } from "./checkpoints";

/**
 * Throws, as CreateEventSourceMapping would refuse it, for a mapping the local runtime cannot run: an
 * unsupported source or destination, a batch size or window out of range, an SQS batch above 10 without a
 * window, or a stream without a startingPosition.
 */
export function validateEventSourceMapping(config: EventSourceMappingConfig): void {
  const kind = eventSourceKind(config.eventSourceArn);
  const window = config.maximumBatchingWindowInSeconds;
  if (!Number.isFinite(window) || window < 0 || window > 300) throw new Error(`maximumBatchingWindowInSeconds must be 0..300, got ${window}`);
  if (kind === "sqs") {
    assertSqsConfig(config.batchSize, window);
    return;
  }
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1 || config.batchSize > 10_000) {
    throw new Error(`stream batchSize must be 1..10000, got ${config.batchSize}`);
  }
  if (config.startingPosition !== "LATEST" && config.startingPosition !== "TRIM_HORIZON") {
    throw new Error(`stream event source ${config.eventSourceArn} needs startingPosition LATEST or TRIM_HORIZON`);
  }
  if (config.onFailureDestinationArn !== undefined) assertDestinationArn(config.onFailureDestinationArn);
}

/** A mapping that polls nothing (disabled). */
function inert(config: EventSourceMappingConfig): RunningEventSource {
  return { config, stop: () => Promise.resolve(), idle: () => Promise.resolve() };
}

/**
 * Starts polling the mapping's source (nothing when it is disabled). Throws for an invalid mapping
 * (see `validateEventSourceMapping`); problems reaching the emulators are logged and retried instead.
 */
export function startEventSource(config: EventSourceMappingConfig, deps: EventSourceDeps): RunningEventSource {
  validateEventSourceMapping(config);
  if (!config.enabled) return inert(config);
  const ctx = sourceContext(config, deps);
  const kind = eventSourceKind(config.eventSourceArn);
  if (kind === "sqs") return startSqsSource(ctx);

  const clients = sourceClients(ctx);
  const destination = config.onFailureDestinationArn === undefined ? undefined : failureDestination(config.onFailureDestinationArn, clients, ctx.log);
  const reader =
    kind === "kinesis"
      ? kinesisReader(clients.kinesis(), {
          streamArn: config.eventSourceArn,
          region: ctx.region,
          invokeIdentityArn: config.functionRoleArn ?? `arn:aws:iam::${ctx.accountId}:role/${functionNameOf(config.functionArn)}`,
        })
      : dynamoDbStreamReader(clients.dynamodbStreams(), config.eventSourceArn, ctx.region);
  return startStreamSource(ctx, { reader, destination, close: () => clients.destroy() });
}
