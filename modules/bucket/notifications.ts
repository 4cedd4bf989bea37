import { IResolveContext, ITerraformDependable, Token } from "cdktf";
import { IQueue } from "../core/interfaces";
import { PropsValidator } from "../core/validation";
import { ACCOUNT_ID } from "../kms-key/validate-props";
import { isAwsManagedSqsKey } from "../queue";

/** The S3 event types a bucket notification can name (Amazon S3 User Guide, "Supported event types"). */
export const S3_EVENT_TYPES = [
  "s3:ObjectCreated:*",
  "s3:ObjectCreated:Put",
  "s3:ObjectCreated:Post",
  "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload",
  "s3:ObjectRemoved:*",
  "s3:ObjectRemoved:Delete",
  "s3:ObjectRemoved:DeleteMarkerCreated",
  "s3:ObjectRestore:*",
  "s3:ObjectRestore:Post",
  "s3:ObjectRestore:Completed",
  "s3:ObjectRestore:Delete",
  "s3:ReducedRedundancyLostObject",
  "s3:Replication:*",
  "s3:Replication:OperationFailedReplication",
  "s3:Replication:OperationMissedThreshold",
  "s3:Replication:OperationReplicatedAfterThreshold",
  "s3:Replication:OperationNotTracked",
  "s3:LifecycleExpiration:*",
  "s3:LifecycleExpiration:Delete",
  "s3:LifecycleExpiration:DeleteMarkerCreated",
  "s3:LifecycleTransition",
  "s3:IntelligentTiering",
  "s3:ObjectTagging:*",
  "s3:ObjectTagging:Put",
  "s3:ObjectTagging:Delete",
  "s3:ObjectAcl:Put",
] as const;

/** An S3 event type, e.g. `"s3:ObjectCreated:*"`. */
export type S3EventType = (typeof S3_EVENT_TYPES)[number];

/** Options of `Bucket.notify`. */
export interface BucketNotifyOptions {
  /** The events to send, at least one, e.g. `["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]`. */
  readonly events: readonly S3EventType[];
  /** Only objects whose key starts with this, e.g. `"uploads/"` (≤ 1024 characters). @default every key */
  readonly prefix?: string;
  /** Only objects whose key ends with this, e.g. `".jpg"` (≤ 1024 characters). @default every key */
  readonly suffix?: string;
  /**
   * The 12-digit id of the account that owns the bucket: the queue policy allows S3 only with `aws:SourceAccount` =
   * this account (a bucket ARN names no account, so `aws:SourceArn` alone would admit a bucket of the same name
   * re-created in another account).
   * @default the account of the stack's naming context (AwsStack: its only allowed account)
   */
  readonly sourceAccount?: string;
}

/** One queue configuration of the bucket's notification, as `notify` recorded it. */
export interface QueueNotification {
  readonly queuePath: string;
  readonly events: readonly S3EventType[];
  readonly prefix?: string;
  readonly suffix?: string;
}

/**
 * Validates a `notify` call against S3's rules, including the configurations already recorded: S3 refuses two
 * configurations that share an event type with overlapping prefix and suffix filters, and delivers neither to a FIFO
 * queue nor to a queue encrypted with the AWS-managed `alias/aws/sqs` key. Throws once with every problem.
 */
export function validateNotify(path: string, queue: IQueue, options: BucketNotifyOptions, existing: readonly QueueNotification[]): void {
  const v = new PropsValidator("Bucket.notify", path);
  v.check(options.events.length > 0, { prop: "events", received: options.events, allowed: "at least one S3 event type", fix: 'pass e.g. ["s3:ObjectCreated:*"]' });
  options.events.forEach((event, i) => {
    v.oneOf(`events[${i}]`, event, S3_EVENT_TYPES, 'pass an S3 event type such as "s3:ObjectCreated:*" or "s3:ObjectRemoved:*"');
    v.check(options.events.indexOf(event) === i, { prop: `events[${i}]`, received: event, allowed: "an event not listed before", fix: "list each event once" });
  });
  v.string("prefix", options.prefix, {
    min: 1,
    max: 1024,
    pattern: /^(?!\/)/,
    describe: "1–1024 characters without a leading '/'",
    fix: 'pass the prefix as it starts the keys, e.g. "uploads/", or leave it unset',
  });
  v.string("suffix", options.suffix, { min: 1, max: 1024, describe: "1–1024 characters", fix: 'pass the suffix as it ends the keys, e.g. ".jpg", or leave it unset' });
  v.string("sourceAccount", options.sourceAccount, { pattern: ACCOUNT_ID, describe: "a 12-digit AWS account id", fix: "pass the id of the account that owns the bucket" });
  if (queue.fifo === true) {
    v.add({ prop: "queue", received: queue.node.path, allowed: "a standard queue (S3 event notifications cannot target FIFO queues)", fix: "notify a standard queue" });
  }
  if (isAwsManagedSqsKey(queue.kmsMasterKeyId)) {
    v.add({
      prop: "queue",
      received: `${queue.node.path} (encrypted with ${queue.kmsMasterKeyId})`,
      allowed: "a queue encrypted with SSE-SQS or a customer-managed key",
      fix: "S3 cannot deliver to a queue encrypted with the AWS-managed alias/aws/sqs key (its policy cannot allow s3.amazonaws.com); use SSE-SQS or a customer-managed key",
    });
  }
  for (const other of existing) {
    const shared = options.events.filter((e) => other.events.some((o) => eventsOverlap(e, o)));
    if (shared.length === 0 || !filtersOverlap(options.prefix, other.prefix, (a, b) => a.startsWith(b)) || !filtersOverlap(options.suffix, other.suffix, (a, b) => a.endsWith(b))) {
      continue;
    }
    v.add({
      prop: "events/prefix/suffix",
      received: { events: options.events, prefix: options.prefix, suffix: options.suffix },
      allowed: `no overlap with the configuration for queue "${other.queuePath}" (events ${other.events.join(", ")}, prefix ${JSON.stringify(other.prefix ?? "")}, suffix ${JSON.stringify(other.suffix ?? "")})`,
      fix: "S3 refuses two configurations that share an event type for overlapping keys: use distinct prefixes or suffixes, or different events",
    });
  }
  v.throwIfInvalid();
}

/** `s3:ObjectCreated:*` overlaps `s3:ObjectCreated:Put`; an event overlaps itself. */
function eventsOverlap(a: string, b: string): boolean {
  const covers = (wild: string, e: string) => wild.endsWith(":*") && e.startsWith(wild.slice(0, -1));
  return a === b || covers(a, b) || covers(b, a);
}

/** Two filters overlap when either contains the other (an unset filter matches every key); tokens are not checked. */
function filtersOverlap(a: string | undefined, b: string | undefined, contains: (x: string, y: string) => boolean): boolean {
  const x = a ?? "";
  const y = b ?? "";
  if (Token.isUnresolved(x) || Token.isUnresolved(y)) return false;
  return contains(x, y) || contains(y, x);
}

/**
 * A `depends_on` entry for a resource: the bare address (`aws_sqs_queue_policy.x`) Terraform expects there, resolved at
 * synth the way cdktf renders the `dependsOn` it is given at construction.
 */
export function dependsOnAddress(dependable: ITerraformDependable): string {
  return Token.asString({
    creationStack: [],
    resolve: (context: IResolveContext) => {
      context.suppressBraces = true;
      return dependable.fqn;
    },
  });
}
