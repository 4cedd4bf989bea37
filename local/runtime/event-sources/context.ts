/** The settings every poller works with: the mapping plus its dependencies with their defaults filled in. */
import { LOCAL_AWS, type InvokeFunction, type RuntimeLog } from "../types";
import { memoryCheckpointStore } from "./checkpoints";
import type { CheckpointStore, EventSourceDeps, EventSourceMappingConfig } from "./config";

/** A mapping with its dependencies resolved. */
export interface SourceContext {
  readonly config: EventSourceMappingConfig;
  readonly invoke: InvokeFunction;
  readonly endpoints: EventSourceDeps["endpoints"];
  readonly region: string;
  readonly accountId: string;
  readonly log: RuntimeLog;
  readonly checkpoints: CheckpointStore;
  readonly sqsRetryDelaySeconds: number | undefined;
  readonly idlePollMs: number;
}

/** A console log whose lines name the mapping. */
export function consoleLog(prefix: string): RuntimeLog {
  return {
    info: (message) => console.info(`${prefix} ${message}`),
    warn: (message) => console.warn(`${prefix} ${message}`),
    error: (message) => console.error(`${prefix} ${message}`),
  };
}

/** Fills in the defaults: LOCAL_AWS region and account, a console log, in-memory checkpoints, 250 ms idle polls. */
export function sourceContext(config: EventSourceMappingConfig, deps: EventSourceDeps): SourceContext {
  return {
    config,
    invoke: deps.invoke,
    endpoints: deps.endpoints,
    region: deps.region ?? LOCAL_AWS.region,
    accountId: deps.accountId ?? LOCAL_AWS.accountId,
    log: deps.log ?? consoleLog(`[event source ${config.uuid} ${config.eventSourceArn}]`),
    checkpoints: deps.checkpoints ?? memoryCheckpointStore(),
    sqsRetryDelaySeconds: deps.sqsRetryDelaySeconds,
    idlePollMs: deps.idlePollMs ?? 250,
  };
}
