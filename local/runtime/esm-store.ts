/**
 * Event source mappings as Lambda's control plane keeps them. moto cannot hold them for the local platform (it
 * consumes SQS messages itself when a mapping exists, and rejects Kinesis streams and DynamoDB Local's stream ARNs),
 * so the runtime answers the mapping API itself and keeps the mappings in a JSON file beside the Terraform state.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { LOCAL_AWS } from "./types";

/** A mapping in the Lambda API's own shape (EventSourceMappingConfiguration), plus its tags. */
export interface StoredMapping {
  UUID: string;
  EventSourceMappingArn: string;
  EventSourceArn: string;
  FunctionArn: string;
  State: "Enabled" | "Disabled";
  StateTransitionReason: string;
  LastModified: number;
  LastProcessingResult: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  StartingPosition?: string;
  StartingPositionTimestamp?: number;
  ParallelizationFactor?: number;
  MaximumRecordAgeInSeconds?: number;
  MaximumRetryAttempts?: number;
  BisectBatchOnFunctionError?: boolean;
  TumblingWindowInSeconds?: number;
  DestinationConfig?: { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
  FunctionResponseTypes?: string[];
  FilterCriteria?: { Filters?: Array<{ Pattern?: string }> };
  ScalingConfig?: { MaximumConcurrency?: number };
  Tags: Record<string, string>;
}

/** The request fields of Create/UpdateEventSourceMapping that the store keeps. */
const MUTABLE = [
  "BatchSize",
  "MaximumBatchingWindowInSeconds",
  "ParallelizationFactor",
  "MaximumRecordAgeInSeconds",
  "MaximumRetryAttempts",
  "BisectBatchOnFunctionError",
  "TumblingWindowInSeconds",
  "DestinationConfig",
  "FunctionResponseTypes",
  "FilterCriteria",
  "ScalingConfig",
] as const;

export const isStreamArn = (arn: string): boolean => arn.startsWith("arn:aws:kinesis:") || /^arn:aws:dynamodb:.*\/stream\//.test(arn);

export class MappingValidationError extends Error {}

export class EventSourceMappingStore {
  private mappings = new Map<string, StoredMapping>();
  private readonly listeners = new Set<() => void>();

  /** `file`: where mappings persist across restarts (undefined: memory only). */
  constructor(private readonly file?: string) {
    if (file !== undefined && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, "utf8")) as StoredMapping[];
      for (const m of saved) this.mappings.set(m.UUID, m);
    }
  }

  list(filter: { functionArn?: string; eventSourceArn?: string } = {}): StoredMapping[] {
    return [...this.mappings.values()].filter(
      (m) => (filter.functionArn === undefined || m.FunctionArn === filter.functionArn) && (filter.eventSourceArn === undefined || m.EventSourceArn === filter.eventSourceArn),
    );
  }

  get(uuid: string): StoredMapping | undefined {
    return this.mappings.get(uuid);
  }

  byArn(arn: string): StoredMapping | undefined {
    return [...this.mappings.values()].find((m) => m.EventSourceMappingArn === arn);
  }

  /** CreateEventSourceMapping with Lambda's defaults for the source's kind. */
  create(input: Record<string, unknown>, functionArn: string, validate: (m: StoredMapping) => void = () => undefined): StoredMapping {
    const source = String(input.EventSourceArn ?? "");
    if (source === "") throw new MappingValidationError("EventSourceArn is required");
    const stream = isStreamArn(source);
    if (!stream && !source.startsWith("arn:aws:sqs:")) {
      throw new MappingValidationError(`Unsupported event source ${source}: the local runtime polls SQS queues, Kinesis streams and DynamoDB streams`);
    }
    if (stream && input.StartingPosition === undefined) throw new MappingValidationError("StartingPosition is required for a stream event source");
    if (this.list({ functionArn, eventSourceArn: source }).length > 0) {
      throw new MappingValidationError(`The event source arn (${source}) and function (${functionArn}) provided mapping already exists.`);
    }
    const uuid = randomUUID();
    const mapping: StoredMapping = {
      UUID: uuid,
      EventSourceMappingArn: `arn:aws:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:event-source-mapping:${uuid}`,
      EventSourceArn: source,
      FunctionArn: functionArn,
      State: input.Enabled === false ? "Disabled" : "Enabled",
      StateTransitionReason: "USER_INITIATED",
      LastModified: Date.now() / 1000,
      LastProcessingResult: "No records processed",
      BatchSize: stream ? 100 : 10,
      MaximumBatchingWindowInSeconds: 0,
      ...(stream
        ? {
            StartingPosition: String(input.StartingPosition),
            ParallelizationFactor: 1,
            MaximumRecordAgeInSeconds: -1,
            MaximumRetryAttempts: -1,
            BisectBatchOnFunctionError: false,
            TumblingWindowInSeconds: 0,
          }
        : {}),
      Tags: { ...((input.Tags as Record<string, string> | undefined) ?? {}) },
    };
    this.assign(mapping, input);
    try {
      validate(mapping);
    } catch (err) {
      throw new MappingValidationError(err instanceof Error ? err.message : String(err));
    }
    this.mappings.set(uuid, mapping);
    this.changed();
    return mapping;
  }

  update(uuid: string, input: Record<string, unknown>): StoredMapping | undefined {
    const mapping = this.mappings.get(uuid);
    if (mapping === undefined) return undefined;
    this.assign(mapping, input);
    if (typeof input.Enabled === "boolean") mapping.State = input.Enabled ? "Enabled" : "Disabled";
    if (typeof input.FunctionName === "string") mapping.FunctionArn = String(input.FunctionArn ?? mapping.FunctionArn);
    mapping.LastModified = Date.now() / 1000;
    this.changed();
    return mapping;
  }

  delete(uuid: string): StoredMapping | undefined {
    const mapping = this.mappings.get(uuid);
    if (mapping === undefined) return undefined;
    this.mappings.delete(uuid);
    this.changed();
    return mapping;
  }

  tag(uuid: string, tags: Record<string, string>): void {
    const m = this.mappings.get(uuid);
    if (m === undefined) return;
    Object.assign(m.Tags, tags);
    this.changed();
  }

  untag(uuid: string, keys: readonly string[]): void {
    const m = this.mappings.get(uuid);
    if (m === undefined) return;
    for (const k of keys) delete m.Tags[k];
    this.changed();
  }

  /** Forget every mapping (a reset, or a fresh deploy into empty emulators). */
  clear(): void {
    this.mappings.clear();
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private assign(mapping: StoredMapping, input: Record<string, unknown>): void {
    for (const key of MUTABLE) if (input[key] !== undefined) (mapping as unknown as Record<string, unknown>)[key] = input[key];
  }

  private changed(): void {
    if (this.file !== undefined) {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify([...this.mappings.values()], null, 2));
      renameSync(tmp, this.file);
    }
    for (const l of this.listeners) l();
  }
}

/** The API's answer for a mapping: everything but the tags. */
export function mappingView(m: StoredMapping): Omit<StoredMapping, "Tags"> {
  const { Tags: _tags, ...view } = m;
  return view;
}
