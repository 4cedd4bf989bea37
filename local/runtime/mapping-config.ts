/** A stored mapping (Lambda API shape) as the event source pollers take it. */
import type { StoredMapping } from "./esm-store";
import type { EventSourceMappingConfig } from "./event-sources";

export function mappingConfig(m: StoredMapping): EventSourceMappingConfig {
  return {
    uuid: m.UUID,
    functionArn: m.FunctionArn,
    eventSourceArn: m.EventSourceArn,
    enabled: m.State === "Enabled",
    batchSize: m.BatchSize,
    maximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
    startingPosition: m.StartingPosition as EventSourceMappingConfig["startingPosition"],
    bisectBatchOnFunctionError: m.BisectBatchOnFunctionError,
    maximumRetryAttempts: m.MaximumRetryAttempts,
    maximumRecordAgeInSeconds: m.MaximumRecordAgeInSeconds,
    onFailureDestinationArn: m.DestinationConfig?.OnFailure?.Destination || undefined,
    functionResponseTypes: m.FunctionResponseTypes,
    parallelizationFactor: m.ParallelizationFactor,
  };
}
