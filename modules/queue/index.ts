import { Annotations, Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { nameFromArn, parseArn } from "../core/arn";
import { Grant } from "../core/grant";
import { denyInsecureTransport, IEnvironmentConsumer, IGrantable } from "../core/iam";
import { IKey, IQueue, QueueAccess, ServiceSendOptions } from "../core/interfaces";
import { envVarPrefix, physicalName } from "../core/naming";
import { dnsSuffixOf } from "../core/provider";
import { ResourcePolicy, ResourcePolicyStatementBase } from "../core/resource-policy";
import { PropsValidator } from "../core/validation";
import { Key } from "../kms-key";
import { ACCOUNT_ID, SERVICE_PRINCIPAL } from "../kms-key/validate-props";
import { QUEUE_CONSUME_ACTIONS, QUEUE_SEND_ACTIONS, QUEUE_SERVICE_SEND_ACTIONS, QUEUE_TLS_DENY_ACTIONS } from "./perms";
import { isAwsManagedSqsKey, validateQueueProps } from "./validate-props";

export { isAwsManagedSqsKey } from "./validate-props";
export type { QueueAccess, ServiceSendOptions } from "../core/interfaces";
export type { ResourcePolicyPrincipals } from "../core/resource-policy";

// Retention of the dead-letter queue a Queue creates for itself: the SQS maximum, 14 days (defaults.ts).
import { DEAD_LETTER_RETENTION_SECONDS, DEFAULT_RETENTION_SECONDS } from "./defaults";
export { DEAD_LETTER_RETENTION_SECONDS, DEFAULT_RETENTION_SECONDS };

export interface QueueProps {
  /**
   * Logical name, 1–80 characters of [A-Za-z0-9_-], without `.fifo` (set `fifo: true` instead).
   * The physical name is `<app>-<env>-<name>` (≤ 80 characters with the `.fifo` suffix; longer names are
   * shortened with a hash).
   */
  readonly name: string;
  /** FIFO queue (exactly-once processing, ordered per message group); the physical name gets `.fifo`. @default false */
  readonly fifo?: boolean;
  /**
   * Seconds a received message stays invisible to other consumers, 0–43200 (12 h). A Lambda consumer needs at least
   * 6 × its timeout (`LambdaFunction.addSqsEventSource` checks it).
   * @default 60
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Seconds a message is kept, 60 (1 minute) – 1209600 (14 days). @default 345600 (4 days) */
  readonly retentionSeconds?: number;
  /** Long-polling wait of ReceiveMessage, 0–20 s. @default 20 (long polling: fewer empty receives, lower cost) */
  readonly receiveWaitTimeSeconds?: number;
  /** Seconds every new message stays invisible after it is sent, 0–900 (15 minutes). @default 0 */
  readonly deliveryDelaySeconds?: number;
  /**
   * Where messages go after `maxReceiveCount` failed receives. Pass a queue of the same type (standard/FIFO), or
   * `false` for no dead-letter queue (a queue that is itself a failure destination or a dead-letter queue).
   * @default the Queue creates its own dead-letter queue `<name>-dlq`: same type and encryption, 14-day retention,
   * TLS-only policy, and a redrive allow policy that accepts messages from this queue only
   */
  readonly deadLetterQueue?: IQueue | false;
  /** Receives before a message moves to the dead-letter queue, 1–1000; only with a dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * Customer-managed KMS key (SSE-KMS). Senders get kms:Encrypt/Decrypt/GenerateDataKey and consumers kms:Decrypt on it;
   * AWS services allowed with `allowServiceSend` are allowed on the key too (when the key's policy is managed here).
   * Mutually exclusive with `kmsMasterKeyId`.
   * @default SSE-SQS (SQS-owned keys, `sqs_managed_sse_enabled`)
   */
  readonly encryptionKey?: IKey;
  /**
   * ARN of a customer-managed KMS key managed elsewhere (`arn:aws:kms:<region>:<account>:key/<id>`). Its policy is not
   * edited here: its owner must allow the services that send to this queue. The AWS-managed `alias/aws/sqs` key is
   * refused: SNS, EventBridge and S3 can never deliver to a queue encrypted with it.
   * @default SSE-SQS
   */
  readonly kmsMasterKeyId?: string;
  /** Seconds SQS reuses a data key before calling KMS again, 60–86400; only with a KMS key. @default 300 (SQS's default) */
  readonly kmsDataKeyReusePeriodSeconds?: number;
  /** FIFO only: deduplicate on a SHA-256 of the body instead of a MessageDeduplicationId. @default false */
  readonly contentBasedDeduplication?: boolean;
  /** Terraform lifecycle `prevent_destroy` on the queue (and on its own dead-letter queue). @default false */
  readonly preventDestroy?: boolean;
}

/** Options of `Queue.fromArn`. */
export interface QueueImportOptions {
  /** The queue's name. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly name?: string;
  /**
   * The queue's URL. @default derived from the ARN (`https://sqs.<region>.<domain>/<account>/<name>`; for a token ARN
   * Terraform derives it at apply)
   */
  readonly url?: string;
  /** True for a FIFO queue. @default derived from the name's `.fifo` suffix (unknown for a token name) */
  readonly fifo?: boolean;
  /** The queue's visibility timeout, so `addSqsEventSource` can check it against the function timeout. @default unknown (not checked) */
  readonly visibilityTimeoutSeconds?: number;
  /** The queue's customer-managed key, so grants include the KMS actions. @default none (SSE-SQS or unencrypted) */
  readonly encryptionKey?: IKey;
  /**
   * The queue's `KmsMasterKeyId` when it is not an IKey: a key ARN (grants include KMS actions on it) or
   * `alias/aws/sqs` (no KMS grant is needed; SNS subscriptions are refused, SNS cannot deliver to such a queue).
   * @default none
   */
  readonly kmsMasterKeyId?: string;
}

/** A statement of the queue's (or topic's) resource policy; its Resource is always the queue (topic) itself. */
export type ResourcePolicyStatement = ResourcePolicyStatementBase;

/** What every queue (created or imported) offers: least-privilege grants and wiring to a function. */
export abstract class QueueBase extends Construct implements IQueue {
  public abstract readonly arn: string;
  public abstract readonly name: string;
  public abstract readonly url: string;
  public abstract readonly visibilityTimeoutSeconds?: number;
  /** True for a FIFO queue; undefined when unknown (an imported queue whose name is a token). */
  public abstract readonly fifo?: boolean;
  /** The customer-managed key that encrypts the queue; undefined for SSE-SQS (or an AWS-managed key). */
  public abstract readonly encryptionKey?: IKey;
  /** The queue's KmsMasterKeyId (key ARN, or `alias/aws/sqs` for an imported queue); undefined for SSE-SQS. */
  public abstract readonly kmsMasterKeyId?: string;
  /** The queue policy resource; undefined when the policy is not managed here (imported queue). */
  public abstract readonly policyResource?: ITerraformDependable;
  /** The dead-letter queue; undefined without one or when unknown (imported queue). */
  public abstract readonly deadLetterQueue?: IQueue;

  /**
   * Receive, delete and change visibility of messages (a Lambda SQS event source, a poller). Gives
   * sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl and sqs:ReceiveMessage on
   * the queue ARN; with a customer-managed key also kms:Decrypt on that key.
   */
  public grantConsumeMessages(grantee: IGrantable): Grant {
    return Grant.combine(Grant.addToPrincipal(grantee, { actions: [...QUEUE_CONSUME_ACTIONS], resources: [this.arn] }), this.encryptionKey?.grantDecrypt(grantee));
  }

  /**
   * Send messages. Gives sqs:GetQueueAttributes, sqs:GetQueueUrl and sqs:SendMessage on the queue ARN; with a
   * customer-managed key also kms:Decrypt, kms:Encrypt and kms:GenerateDataKey on that key.
   */
  public grantSendMessages(grantee: IGrantable): Grant {
    return Grant.combine(Grant.addToPrincipal(grantee, { actions: [...QUEUE_SEND_ACTIONS], resources: [this.arn] }), this.encryptionKey?.grantEncryptDecrypt(grantee));
  }

  /** What a function (or its event source mapping) needs to send failure records here: `grantSendMessages`. */
  public grantSendFailure(grantee: IGrantable): Grant {
    return this.grantSendMessages(grantee);
  }

  /**
   * Wires a function to the queue in one call: grants send or consume access and sets the environment variable
   * holding the queue URL.
   * @param envVar @default `<ID>_QUEUE_URL` from the queue's construct id, e.g. `ProfileEvents` → PROFILE_EVENTS_QUEUE_URL
   */
  public connect(consumer: IEnvironmentConsumer, access: QueueAccess, envVar?: string): Grant {
    let grant: Grant;
    if (access === "send") grant = this.grantSendMessages(consumer);
    else if (access === "consume") grant = this.grantConsumeMessages(consumer);
    else throw new Error(`Queue "${this.node.path}": connect access "${String(access)}" is unknown. Fix: pass "send" or "consume".`);
    consumer.addEnvironment(envVar ?? `${envVarPrefix(this.node.id)}_QUEUE_URL`, this.url);
    return grant;
  }

  /**
   * Lets an AWS service principal (sns.amazonaws.com, events.amazonaws.com, s3.amazonaws.com) send messages, only on
   * behalf of `sourceArn` (and `options.sourceAccount`). Returns false when the queue policy is not managed here
   * (imported queue): its owner must allow the service.
   */
  public abstract allowServiceSend(servicePrincipal: string, sourceArn: string, options?: ServiceSendOptions): boolean;
}

class ImportedQueue extends QueueBase {
  public readonly name: string;
  public readonly url: string;
  public readonly fifo?: boolean;
  public readonly visibilityTimeoutSeconds?: number;
  public readonly encryptionKey?: IKey;
  public readonly kmsMasterKeyId?: string;
  public readonly policyResource = undefined;
  public readonly deadLetterQueue = undefined;

  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
    options: QueueImportOptions,
  ) {
    super(scope, id);
    const importer = `Queue.fromArn(scope, "${id}")`;
    const parsed = parseArn(importer, arn, "sqs");
    if (parsed && (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(parsed.resource) || parsed.region === "" || parsed.account === "")) {
      throw new Error(`${importer}: "${arn}" is not a queue ARN. Fix: pass arn:aws:sqs:<region>:<12-digit account>:<queue name>.`);
    }
    this.name = nameFromArn(importer, arn, "sqs", options.name);
    new PropsValidator("Queue.fromArn", this.node.path)
      .integer("visibilityTimeoutSeconds", options.visibilityTimeoutSeconds, 0, 43200)
      .check(options.encryptionKey === undefined || options.kmsMasterKeyId === undefined, {
        prop: "kmsMasterKeyId",
        received: options.kmsMasterKeyId,
        allowed: "unset when encryptionKey is set",
        fix: "pass the key once: encryptionKey (a Key) or kmsMasterKeyId",
      })
      .throwIfInvalid();
    this.fifo = options.fifo ?? (Token.isUnresolved(this.name) ? undefined : this.name.endsWith(".fifo"));
    this.url = options.url ?? queueUrl(arn, this.name, parsed);
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds;
    this.kmsMasterKeyId = options.encryptionKey?.arn ?? options.kmsMasterKeyId;
    if (options.encryptionKey) this.encryptionKey = options.encryptionKey;
    else if (options.kmsMasterKeyId !== undefined && !isAwsManagedSqsKey(options.kmsMasterKeyId)) {
      this.encryptionKey = Key.fromArn(this, "Key", options.kmsMasterKeyId);
    }
  }

  public allowServiceSend(): boolean {
    return false;
  }
}

/** `https://sqs.<region>.<domain>/<account>/<name>` from the ARN: at synth for a literal ARN, by Terraform at apply for a token. */
function queueUrl(arn: string, name: string, parsed: { region: string; account: string } | undefined): string {
  const field = (i: number) => (parsed ? undefined : Token.asString(Fn.element(Fn.split(":", arn), i)));
  const partition = parsed ? arn.split(":")[1] : undefined;
  const region = parsed?.region ?? field(3)!;
  const account = parsed?.account ?? field(4)!;
  const domain = dnsSuffixOf(partition);
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/**
 * An SQS queue, secure by default: encrypted (SSE-SQS, or SSE-KMS with a customer-managed key), long polling,
 * its own dead-letter queue (after 5 receives), and a queue policy that denies every request without TLS.
 * Grants are least-privilege on this queue's ARN (and its key); AWS services are allowed per source ARN.
 * The queue policy renders at synth, so statements added after construction still land in it.
 */
export class Queue extends QueueBase {
  /**
   * Imports an existing queue by ARN (`arn:aws:sqs:<region>:<account>:<name>`); the URL is derived from the ARN. A token
   * ARN (another stack's output) needs `options.name`. Its queue policy is not managed here.
   */
  public static fromArn(scope: Construct, id: string, arn: string, options: QueueImportOptions = {}): IQueue {
    return new ImportedQueue(scope, id, arn, options);
  }

  public readonly arn: string;
  public readonly name: string;
  public readonly url: string;
  public readonly visibilityTimeoutSeconds: number;
  public readonly fifo: boolean;
  /** The dead-letter queue: the one this Queue created, the one passed in, or undefined with `deadLetterQueue: false`. */
  public readonly deadLetterQueue?: IQueue;
  /** Receives before a message moves to the dead-letter queue; undefined without one. */
  public readonly maxReceiveCount?: number;
  public readonly encryptionKey?: IKey;
  public readonly kmsMasterKeyId?: string;
  public readonly resource: SqsQueue;
  public readonly policy: SqsQueuePolicy;
  public readonly policyResource: ITerraformDependable;
  private readonly resourcePolicy: ResourcePolicy;

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    validateQueueProps(this.node.path, props);
    this.fifo = props.fifo ?? false;
    this.visibilityTimeoutSeconds = props.visibilityTimeoutSeconds ?? 60;
    this.encryptionKey = props.encryptionKey ?? (props.kmsMasterKeyId !== undefined ? Key.fromArn(this, "Key", props.kmsMasterKeyId) : undefined);
    this.kmsMasterKeyId = props.encryptionKey?.arn ?? props.kmsMasterKeyId;

    let ownDlq: Queue | undefined;
    if (props.deadLetterQueue === undefined) {
      // `<name>-dlq` stays within the 80-character logical limit; the physical name is hashed when too long anyway.
      ownDlq = new Queue(this, "DeadLetterQueue", {
        name: `${props.name.slice(0, 76)}-dlq`,
        fifo: props.fifo,
        retentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
        visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
        receiveWaitTimeSeconds: props.receiveWaitTimeSeconds,
        deadLetterQueue: false,
        encryptionKey: props.encryptionKey,
        kmsMasterKeyId: props.kmsMasterKeyId,
        kmsDataKeyReusePeriodSeconds: props.kmsDataKeyReusePeriodSeconds,
        contentBasedDeduplication: props.contentBasedDeduplication,
        preventDestroy: props.preventDestroy,
      });
      this.deadLetterQueue = ownDlq;
    } else if (props.deadLetterQueue !== false) {
      this.deadLetterQueue = props.deadLetterQueue;
    }
    if (this.deadLetterQueue) this.maxReceiveCount = props.maxReceiveCount ?? 5;

    const suffix = this.fifo ? ".fifo" : "";
    const queueName = `${physicalName(this, props.name, { maxLength: 80 - suffix.length })}${suffix}`;
    const kmsKeyId = this.kmsMasterKeyId;
    this.resource = new SqsQueue(this, "Resource", {
      name: queueName,
      fifoQueue: this.fifo ? true : undefined,
      contentBasedDeduplication: props.contentBasedDeduplication,
      visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.retentionSeconds ?? DEFAULT_RETENTION_SECONDS,
      receiveWaitTimeSeconds: props.receiveWaitTimeSeconds ?? 20,
      delaySeconds: props.deliveryDelaySeconds ?? 0,
      sqsManagedSseEnabled: kmsKeyId === undefined ? true : undefined,
      kmsMasterKeyId: kmsKeyId,
      kmsDataKeyReusePeriodSeconds: kmsKeyId !== undefined ? (props.kmsDataKeyReusePeriodSeconds ?? 300) : undefined,
      redrivePolicy: this.deadLetterQueue ? JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: this.maxReceiveCount }) : undefined,
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });
    this.arn = this.resource.arn;
    this.name = this.resource.name;
    this.url = this.resource.url;

    if (ownDlq) {
      // A separate resource: inline on the DLQ it would reference this queue, which references the DLQ (a cycle).
      new SqsQueueRedriveAllowPolicy(this, "RedriveAllowPolicy", {
        queueUrl: ownDlq.url,
        redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.arn] }),
      });
    }

    this.resourcePolicy = new ResourcePolicy(`Queue "${this.node.path}"`, [this.arn], { sidSuffix: "SendMessage", actions: QUEUE_SERVICE_SEND_ACTIONS });
    this.resourcePolicy.addRendered(denyInsecureTransport(QUEUE_TLS_DENY_ACTIONS, [this.arn]));
    this.policy = new SqsQueuePolicy(this, "Policy", { queueUrl: this.url, policy: this.resourcePolicy.lazy() });
    this.policyResource = this.policy;
  }

  /**
   * Adds a statement to the queue policy (its Resource is this queue). Allow statements must list exact actions and may
   * name principal "*" only with conditions.
   */
  public addToResourcePolicy(statement: ResourcePolicyStatement): void {
    this.resourcePolicy.addStatement(statement);
  }

  /**
   * Lets an AWS service principal send messages (sqs:SendMessage) only on behalf of `sourceArn` (`aws:SourceArn`,
   * ArnEquals, or ArnLike when it has a wildcard) and, with `options.sourceAccount`, only from that account
   * (`aws:SourceAccount`, StringEquals; one statement per service and source account). With a customer-managed key whose
   * policy is managed here, the key allows the service too; with a key managed elsewhere a warning reminds that its
   * owner must. Always returns true.
   */
  public allowServiceSend(servicePrincipal: string, sourceArn: string, options: ServiceSendOptions = {}): boolean {
    new PropsValidator("Queue.allowServiceSend", this.node.path)
      .string("servicePrincipal", servicePrincipal, { pattern: SERVICE_PRINCIPAL, describe: 'an AWS service principal such as "sns.amazonaws.com"' })
      .string("sourceArn", sourceArn, {
        pattern: /^arn:aws[a-z-]*:[a-z0-9-]+:/,
        describe: "the ARN of the resource that sends (a topic, a rule, a bucket)",
        fix: "pass the sender's ARN so only it can send",
      })
      .string("sourceAccount", options.sourceAccount, { pattern: ACCOUNT_ID, describe: "a 12-digit AWS account id", fix: "pass the id of the account that owns the sender" })
      .throwIfInvalid();
    this.resourcePolicy.allowService(servicePrincipal, sourceArn, options.sourceAccount);

    if (this.encryptionKey) {
      const scoped = options.scopeKeyToSource ?? true;
      const managed = this.encryptionKey.allowServiceUse(servicePrincipal, scoped ? { sourceArn } : {});
      if (!managed) {
        Annotations.of(this).addWarning(
          `Queue "${this.node.path}": ${servicePrincipal} is allowed to send, but the queue's KMS key ${this.kmsMasterKeyId ?? this.encryptionKey.arn} is managed elsewhere. ` +
            `Fix: its key policy must allow ${servicePrincipal} kms:GenerateDataKey* and kms:Decrypt, or messages are refused.`,
        );
      }
    }
    return true;
  }
}
