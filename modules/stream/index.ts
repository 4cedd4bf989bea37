import { Construct } from "constructs";
import { KinesisStream } from "@cdktf/provider-aws/lib/kinesis-stream";
import { nameFromArn, parseArn } from "../core/arn";
import { Grant } from "../core/grant";
import { IEnvironmentConsumer, IGrantable } from "../core/iam";
import { IKey, IStream, StreamAccess } from "../core/interfaces";
import { envVarPrefix, physicalName } from "../core/naming";
import { STREAM_KEY_READ_ACTIONS, STREAM_KEY_WRITE_ACTIONS, STREAM_READ_ACTIONS, STREAM_WRITE_ACTIONS } from "./perms";
import { validateStreamProps } from "./validate-props";

/** The AWS-managed Kinesis key: the default encryption of a Stream. */
export const AWS_MANAGED_KINESIS_KEY = "alias/aws/kinesis";

export type StreamCapacityMode = "ON_DEMAND" | "PROVISIONED";

export interface StreamProps {
  /**
   * Logical name, 1–128 characters of [a-zA-Z0-9_.-]. The physical name is `<app>-<env>-<name>` (≤ 128; longer names
   * are shortened with a hash).
   */
  readonly name: string;
  /**
   * Capacity mode. On-demand scales shards with traffic and bills per GB (no capacity planning; write throughput up to
   * twice the previous peak within 30 days). Provisioned bills per shard-hour and needs `shardCount`.
   * @default "ON_DEMAND"
   */
  readonly capacityMode?: StreamCapacityMode;
  /**
   * Shards of a provisioned stream, 1–10000 (and within the account's shard quota): each takes 1 MB/s or 1000 records/s
   * in and 2 MB/s out. Required with `capacityMode: "PROVISIONED"`, refused with `"ON_DEMAND"`.
   * @default none (on-demand)
   */
  readonly shardCount?: number;
  /** Hours a record stays readable, 24 (1 day) – 8760 (365 days); beyond 24 h retention is billed extra. @default 24 */
  readonly retentionHours?: number;
  /**
   * Customer-managed KMS key for server-side encryption. Producers are granted kms:GenerateDataKey and consumers
   * kms:Decrypt on it (IAM statements; the key policy must let the account's IAM policies govern it, as `Key` does).
   * @default the AWS-managed key `alias/aws/kinesis` (encrypted at rest, no IAM grant on a key needed)
   */
  readonly encryptionKey?: IKey;
  /** Terraform lifecycle `prevent_destroy` on the stream (plan fails before a destroy or replace). @default false */
  readonly preventDestroy?: boolean;
}

/** Options of `Stream.fromArn`. */
export interface StreamImportOptions {
  /** The stream's name. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly name?: string;
  /** The stream's customer-managed key, so grants include the KMS actions on it. @default none (AWS-managed key or unencrypted) */
  readonly encryptionKey?: IKey;
}

export type { StreamAccess } from "../core/interfaces";

/** What every stream (created or imported) offers: least-privilege grants and wiring to a function. */
export abstract class StreamBase extends Construct implements IStream {
  public abstract readonly arn: string;
  public abstract readonly name: string;
  /** The customer-managed key that encrypts the stream; undefined for the AWS-managed key. */
  public abstract readonly encryptionKey?: IKey;

  /**
   * What a consumer needs (a Lambda Kinesis event source mapping, a poller). Gives kinesis:DescribeStream,
   * kinesis:DescribeStreamSummary, kinesis:GetRecords, kinesis:GetShardIterator and kinesis:ListShards on this stream's
   * ARN only; kms:Decrypt on its customer-managed key, if any.
   */
  public grantRead(grantee: IGrantable): Grant {
    const key = this.encryptionKey;
    return Grant.addToPrincipal(
      grantee,
      { actions: [...STREAM_READ_ACTIONS], resources: [this.arn] },
      ...(key ? [{ actions: [...STREAM_KEY_READ_ACTIONS], resources: [key.arn] }] : []),
    );
  }

  /**
   * What a producer needs. Gives kinesis:PutRecord and kinesis:PutRecords on this stream's ARN only;
   * kms:GenerateDataKey on its customer-managed key, if any.
   */
  public grantWrite(grantee: IGrantable): Grant {
    const key = this.encryptionKey;
    return Grant.addToPrincipal(
      grantee,
      { actions: [...STREAM_WRITE_ACTIONS], resources: [this.arn] },
      ...(key ? [{ actions: [...STREAM_KEY_WRITE_ACTIONS], resources: [key.arn] }] : []),
    );
  }

  /** `grantRead` and `grantWrite`: every action of both. */
  public grantReadWrite(grantee: IGrantable): Grant {
    return Grant.combine(this.grantRead(grantee), this.grantWrite(grantee));
  }

  /**
   * Wires a function to the stream in one call: grants the access and sets the environment variable naming the stream.
   * A function that consumes the stream as an event source needs no `connect`: `addKinesisEventSource` grants read.
   * @param envVar @default `<ID>_STREAM_NAME` from the stream's construct id, e.g. `Activity` → ACTIVITY_STREAM_NAME
   */
  public connect(consumer: IEnvironmentConsumer, access: StreamAccess, envVar?: string): Grant {
    let grant: Grant;
    if (access === "read") grant = this.grantRead(consumer);
    else if (access === "write") grant = this.grantWrite(consumer);
    else if (access === "readWrite") grant = this.grantReadWrite(consumer);
    else throw new Error(`Stream "${this.node.path}": connect access "${String(access)}" is unknown. Fix: pass "read", "write" or "readWrite".`);
    consumer.addEnvironment(envVar ?? `${envVarPrefix(this.node.id)}_STREAM_NAME`, this.name);
    return grant;
  }
}

const STREAM_RESOURCE = /^stream\/([a-zA-Z0-9_.-]{1,128})$/;

class ImportedStream extends StreamBase {
  public readonly name: string;
  public readonly encryptionKey?: IKey;

  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
    options: StreamImportOptions,
  ) {
    super(scope, id);
    const importer = `Stream.fromArn(scope, "${id}")`;
    const parsed = parseArn(importer, arn, "kinesis");
    if (parsed && (!STREAM_RESOURCE.test(parsed.resource) || parsed.region === "" || parsed.account === "")) {
      throw new Error(`${importer}: "${arn}" is not a stream ARN. Fix: pass arn:aws:kinesis:<region>:<12-digit account>:stream/<name>.`);
    }
    this.name = nameFromArn(importer, arn, "kinesis", options.name);
    this.encryptionKey = options.encryptionKey;
  }
}

/**
 * A Kinesis data stream, secure and cheap to run by default: on-demand capacity, server-side encryption with KMS
 * (the AWS-managed `alias/aws/kinesis` key, or a customer-managed Key), 24-hour retention. Grants are least-privilege
 * on this stream's ARN (and its key): `grantRead` is what a Lambda event source mapping needs, `grantWrite` what a
 * producer needs.
 */
export class Stream extends StreamBase {
  /**
   * Imports an existing stream by ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`), for grants and event sources.
   * A token ARN (another stack's output) needs `options.name`.
   */
  public static fromArn(scope: Construct, id: string, arn: string, options: StreamImportOptions = {}): IStream {
    return new ImportedStream(scope, id, arn, options);
  }

  public readonly arn: string;
  public readonly name: string;
  public readonly encryptionKey?: IKey;
  public readonly capacityMode: StreamCapacityMode;
  public readonly retentionHours: number;
  public readonly resource: KinesisStream;

  constructor(scope: Construct, id: string, props: StreamProps) {
    super(scope, id);
    validateStreamProps(this.node.path, props);
    this.capacityMode = props.capacityMode ?? "ON_DEMAND";
    this.retentionHours = props.retentionHours ?? 24;
    this.encryptionKey = props.encryptionKey;

    this.resource = new KinesisStream(this, "Resource", {
      name: physicalName(this, props.name, { maxLength: 128, extraChars: "_." }),
      streamModeDetails: { streamMode: this.capacityMode },
      shardCount: this.capacityMode === "PROVISIONED" ? props.shardCount : undefined,
      retentionPeriod: this.retentionHours,
      encryptionType: "KMS",
      kmsKeyId: props.encryptionKey?.arn ?? AWS_MANAGED_KINESIS_KEY,
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });
    this.arn = this.resource.arn;
    this.name = this.resource.name;
  }
}
