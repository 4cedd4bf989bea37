import { Annotations, Fn, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { nameFromArn } from "../core/arn";
import { Grant } from "../core/grant";
import { denyInsecureTransport, IEnvironmentConsumer, IGrantable } from "../core/iam";
import { IFunction, IKey, IQueue, ITopic, SqsSubscriptionOptions, SubscriptionFilterOptions } from "../core/interfaces";
import { uniqueChildId } from "../core/ids";
import { envVarPrefix, physicalName } from "../core/naming";
import { ResourcePolicy } from "../core/resource-policy";
import { PropsValidator } from "../core/validation";
import { SERVICE_PRINCIPAL } from "../kms-key/validate-props";
import { isAwsManagedSqsKey, ResourcePolicyStatement } from "../queue";
import { TOPIC_PUBLISH_ACTIONS, TOPIC_SERVICE_PUBLISH_ACTIONS, TOPIC_TLS_DENY_ACTIONS } from "./perms";
import { validateEmail, validateFilter, validateSqsSubscription, validateTopicProps } from "./validate-props";

/** The AWS-managed SNS key: the default encryption of a Topic. */
export const AWS_MANAGED_SNS_KEY = "alias/aws/sns";

export interface TopicProps {
  /**
   * Logical name, 1–256 characters of [A-Za-z0-9_-] (1–251 for FIFO, without `.fifo`: set `fifo: true`).
   * The physical name is `<app>-<env>-<name>` (≤ 256 with the `.fifo` suffix; longer names are shortened with a hash).
   */
  readonly name: string;
  /** FIFO topic (ordered, deduplicated; delivers to SQS queues only); the physical name gets `.fifo`. @default false */
  readonly fifo?: boolean;
  /**
   * Customer-managed KMS key for server-side encryption. Publishers are granted encrypt/decrypt on it, and service
   * principals allowed with `allowPublishFrom` are allowed on it too (when its policy is managed here).
   * A CMK is required for AWS services that publish themselves (CloudWatch alarms, EventBridge rules, S3 events):
   * the policy of the AWS-managed key cannot allow them, so `allowPublishFrom` refuses a topic without a CMK.
   * @default the AWS-managed key `alias/aws/sns` (encrypted at rest, no key to manage; IAM principals of the account only)
   */
  readonly encryptionKey?: IKey;
  /** Display name, ≤ 100 characters (the sender name of SMS messages). @default none */
  readonly displayName?: string;
  /** FIFO only: deduplicate on a SHA-256 of the body instead of a MessageDeduplicationId. @default false */
  readonly contentBasedDeduplication?: boolean;
  /** X-Ray tracing of published messages. @default "PassThrough" (SNS's default; the attribute is left unset) */
  readonly tracing?: "Active" | "PassThrough";
}

/** Options of `Topic.fromArn`. */
export interface TopicImportOptions {
  /** The topic's name. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly name?: string;
  /** The topic's customer-managed key, so publishers are granted the KMS actions. @default none */
  readonly encryptionKey?: IKey;
  /** True when the topic is FIFO. @default derived from the name's `.fifo` suffix */
  readonly fifo?: boolean;
}

export interface AllowPublishOptions {
  /**
   * Only requests made for this resource may publish (`aws:SourceArn`; a wildcard uses ArnLike), e.g. the alarm ARN
   * pattern `arn:aws:cloudwatch:<region>:<account>:alarm:*` or an EventBridge rule ARN.
   * @default any resource of the source account
   */
  readonly sourceArn?: string;
  /** `aws:SourceAccount` the request must come from. @default the topic's own account (parsed from its ARN at apply) */
  readonly sourceAccount?: string;
}

export type { SqsSubscriptionOptions, SubscriptionFilterOptions } from "../core/interfaces";

/** What every topic (created or imported) offers: least-privilege publish grants, wiring and subscriptions. */
export abstract class TopicBase extends Construct implements ITopic {
  public abstract readonly arn: string;
  public abstract readonly name: string;
  /** True for a FIFO topic; undefined when unknown (an imported topic whose name is a token). */
  public abstract readonly fifo?: boolean;
  /** The customer-managed key that encrypts the topic; undefined with the AWS-managed key. */
  public abstract readonly encryptionKey?: IKey;

  /**
   * Gives sns:Publish on this topic's ARN only; with a customer-managed key also kms:Decrypt, kms:Encrypt and
   * kms:GenerateDataKey on that key only.
   */
  public grantPublish(grantee: IGrantable): Grant {
    return Grant.combine(Grant.addToPrincipal(grantee, { actions: [...TOPIC_PUBLISH_ACTIONS], resources: [this.arn] }), this.encryptionKey?.grantEncryptDecrypt(grantee));
  }

  /** What a function (or its event source mapping) needs to send failure records here: `grantPublish`. */
  public grantSendFailure(grantee: IGrantable): Grant {
    return this.grantPublish(grantee);
  }

  /**
   * Wires a function to the topic in one call: grants publish and sets the environment variable holding the topic ARN.
   * @param envVar @default `<ID>_TOPIC_ARN` from the topic's construct id, e.g. `UserDataChange` → USER_DATA_CHANGE_TOPIC_ARN
   */
  public connect(consumer: IEnvironmentConsumer, envVar?: string): Grant {
    const grant = this.grantPublish(consumer);
    consumer.addEnvironment(envVar ?? `${envVarPrefix(this.node.id)}_TOPIC_ARN`, this.arn);
    return grant;
  }

  /**
   * Subscribes an SQS queue. The queue policy of a `Queue` gets an Allow of sqs:SendMessage for sns.amazonaws.com
   * scoped to this topic (`aws:SourceArn`), and its customer-managed key (if any) allows SNS too. An imported queue's
   * policy is not managed here: the subscription is created and a warning reminds that the queue's owner must allow
   * this topic. A queue encrypted with `alias/aws/sqs`, and a FIFO queue on a standard topic, are refused.
   */
  public addSqsSubscription(queue: IQueue, options: SqsSubscriptionOptions = {}): SnsTopicSubscription {
    validateSqsSubscription(this.node.path, options);
    const q = queue;
    const v = new PropsValidator("Topic.addSqsSubscription", this.node.path);
    if (isAwsManagedSqsKey(q.kmsMasterKeyId)) {
      v.add({
        prop: "queue.kmsMasterKeyId",
        received: `${q.kmsMasterKeyId} (queue "${queue.node.path}")`,
        allowed: "SSE-SQS or a customer-managed key",
        fix: "SNS cannot deliver to a queue encrypted with the AWS-managed alias/aws/sqs key (its policy cannot allow sns.amazonaws.com); re-encrypt the queue with SSE-SQS or a customer-managed key whose policy allows sns.amazonaws.com",
      });
    }
    const queueFifo = q.fifo ?? (!Token.isUnresolved(queue.name) && queue.name.endsWith(".fifo"));
    if (queueFifo && !this.fifo) {
      v.add({
        prop: "queue",
        received: queue.node.path,
        allowed: "a standard queue (a standard topic cannot deliver to a FIFO queue)",
        fix: "subscribe a standard queue, or make the topic FIFO (fifo: true)",
      });
    }
    v.throwIfInvalid();

    const sameKey = q.encryptionKey !== undefined && this.encryptionKey !== undefined && q.encryptionKey.arn === this.encryptionKey.arn;
    const allowed = q.allowServiceSend("sns.amazonaws.com", this.arn, { scopeKeyToSource: !sameKey });
    if (!allowed) {
      Annotations.of(this).addWarning(
        `Topic "${this.node.path}": queue "${queue.node.path}" is imported, so its queue policy is not managed here. ` +
          `Fix: its owner must allow sns.amazonaws.com sqs:SendMessage on ${queue.arn} with aws:SourceArn = this topic's ARN (and allow SNS on its KMS key, if any), or deliveries fail.`,
      );
    }

    const filter = filterFields(options);
    return new SnsTopicSubscription(this, this.subscriptionId("Sqs", queue.node.id), {
      topicArn: this.arn,
      protocol: "sqs",
      endpoint: queue.arn,
      rawMessageDelivery: options.rawMessageDelivery ?? true,
      ...filter,
    });
  }

  /**
   * Subscribes an e-mail address (protocol `email`). The address must confirm the subscription from the message SNS
   * sends; until then Terraform reports it pending. Not available on FIFO topics.
   */
  public addEmailSubscription(id: string, email: string): SnsTopicSubscription {
    validateEmail(this.node.path, email);
    this.refuseOnFifo("addEmailSubscription", "e-mail");
    return new SnsTopicSubscription(this, `Email${id}`, { topicArn: this.arn, protocol: "email", endpoint: email });
  }

  /**
   * Subscribes a Lambda function (protocol `lambda`) and, for a function of this app, allows SNS to invoke it from this
   * topic only. Not available on FIFO topics.
   */
  public addLambdaSubscription(fn: IFunction, options: SubscriptionFilterOptions = {}): SnsTopicSubscription {
    const v = new PropsValidator("Topic.addLambdaSubscription", this.node.path);
    validateFilter(v, options);
    v.throwIfInvalid();
    this.refuseOnFifo("addLambdaSubscription", "Lambda");
    fn.allowInvoke(`Sns${this.node.id.replace(/[^A-Za-z0-9]/g, "")}${this.node.addr.slice(0, 8)}`, "sns.amazonaws.com", this.arn);
    return new SnsTopicSubscription(this, this.subscriptionId("Lambda", (fn.grantPrincipalPath.split("/").pop() ?? "Function").replace(/[^A-Za-z0-9_-]/g, "")), {
      topicArn: this.arn,
      protocol: "lambda",
      endpoint: fn.arn,
      ...filterFields(options),
    });
  }

  private refuseOnFifo(method: string, kind: string): void {
    if (!this.fifo) return;
    throw new Error(
      `Topic "${this.node.path}": ${method}: a FIFO topic delivers to SQS queues only, not to ${kind} endpoints. Fix: use a standard topic (fifo: false) for ${kind} subscriptions.`,
    );
  }

  private subscriptionId(kind: string, id: string): string {
    return uniqueChildId(this, `${kind}Subscription${id}`);
  }
}

function filterFields(options: SubscriptionFilterOptions): { filterPolicy?: string; filterPolicyScope?: string } {
  if (options.filterPolicy === undefined) return {};
  return { filterPolicy: JSON.stringify(options.filterPolicy), filterPolicyScope: options.filterPolicyScope ?? "MessageAttributes" };
}

class ImportedTopic extends TopicBase {
  public readonly name: string;
  public readonly fifo?: boolean;
  public readonly encryptionKey?: IKey;
  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
    options: TopicImportOptions,
  ) {
    super(scope, id);
    this.name = nameFromArn(`Topic.fromArn(scope, "${id}")`, arn, "sns", options.name);
    this.fifo = options.fifo ?? (Token.isUnresolved(this.name) ? undefined : this.name.endsWith(".fifo"));
    this.encryptionKey = options.encryptionKey;
  }
}

/**
 * An SNS topic, encrypted at rest (the AWS-managed key by default, or a customer-managed key), with a topic policy that
 * denies publishing without TLS and allows AWS services only from this account (optionally only from one source ARN).
 * The topic policy renders at synth, so statements added after construction still land in it.
 */
export class Topic extends TopicBase {
  /** Imports an existing topic by ARN (`arn:aws:sns:<region>:<account>:<name>`); its topic policy is not managed here. */
  public static fromArn(scope: Construct, id: string, arn: string, options: TopicImportOptions = {}): ITopic {
    return new ImportedTopic(scope, id, arn, options);
  }

  public readonly arn: string;
  public readonly name: string;
  public readonly fifo: boolean;
  public readonly encryptionKey?: IKey;
  /** The topic's KmsMasterKeyId: the CMK's ARN, or `alias/aws/sns`. */
  public readonly kmsMasterKeyId: string;
  public readonly resource: SnsTopic;
  public readonly policy: SnsTopicPolicy;
  private readonly resourcePolicy: ResourcePolicy;
  private accountLocal?: TerraformLocal;

  constructor(scope: Construct, id: string, props: TopicProps) {
    super(scope, id);
    validateTopicProps(this.node.path, props);
    this.fifo = props.fifo ?? false;
    this.encryptionKey = props.encryptionKey;
    this.kmsMasterKeyId = props.encryptionKey?.arn ?? AWS_MANAGED_SNS_KEY;
    const suffix = this.fifo ? ".fifo" : "";
    this.resource = new SnsTopic(this, "Resource", {
      name: `${physicalName(this, props.name, { maxLength: 256 - suffix.length })}${suffix}`,
      fifoTopic: this.fifo ? true : undefined,
      contentBasedDeduplication: props.contentBasedDeduplication,
      displayName: props.displayName,
      kmsMasterKeyId: this.kmsMasterKeyId,
      tracingConfig: props.tracing,
    });
    this.arn = this.resource.arn;
    this.name = this.resource.name;

    this.resourcePolicy = new ResourcePolicy(`Topic "${this.node.path}"`, [this.arn], {
      sidSuffix: "Publish",
      actions: TOPIC_SERVICE_PUBLISH_ACTIONS,
      // A service allowed without sourceAccount: the topic's own account (allowPublishFrom created the local).
      defaultSourceAccount: () => this.accountLocal!.asString,
    });
    this.resourcePolicy.addRendered(denyInsecureTransport(TOPIC_TLS_DENY_ACTIONS, [this.arn]));
    this.policy = new SnsTopicPolicy(this, "Policy", { arn: this.arn, policy: this.resourcePolicy.lazy() });
  }

  /**
   * Adds a statement to the topic policy (its Resource is this topic). Allow statements must list exact actions and may
   * name principal "*" only with conditions.
   */
  public addToResourcePolicy(statement: ResourcePolicyStatement): void {
    this.resourcePolicy.addStatement(statement);
  }

  /**
   * Lets an AWS service principal (cloudwatch.amazonaws.com, events.amazonaws.com, s3.amazonaws.com) publish, only
   * from the source account and, with `sourceArn`, only for that resource. The topic's CMK allows the service too
   * (a warning when the key's policy is managed elsewhere). Throws on a topic encrypted with the AWS-managed key:
   * its policy cannot allow a service principal, so every publish would fail.
   */
  public allowPublishFrom(servicePrincipal: string, options: AllowPublishOptions = {}): void {
    new PropsValidator("Topic.allowPublishFrom", this.node.path)
      .string("servicePrincipal", servicePrincipal, { pattern: SERVICE_PRINCIPAL, describe: 'an AWS service principal such as "cloudwatch.amazonaws.com"' })
      .string("sourceArn", options.sourceArn, { pattern: /^arn:aws[a-z-]*:[a-z0-9-]+:/, describe: "an ARN (wildcards allowed)" })
      .string("sourceAccount", options.sourceAccount, { pattern: /^\d{12}$/, describe: "a 12-digit AWS account id" })
      .throwIfInvalid();
    if (!this.encryptionKey) {
      throw new Error(
        `Topic "${this.node.path}": ${servicePrincipal} cannot publish to a topic encrypted with the AWS-managed key ${AWS_MANAGED_SNS_KEY} ` +
          `(its key policy cannot allow a service principal). Fix: pass encryptionKey (a customer-managed Key) to the Topic.`,
      );
    }
    if (options.sourceAccount === undefined && this.accountLocal === undefined) {
      // The topic's own account, read from its ARN at apply (no data source, so offline plans work). A local keeps
      // the expression's quotes out of the policy JSON, so the synthesized document stays parseable.
      this.accountLocal = new TerraformLocal(this, "AccountId", Fn.element(Fn.split(":", this.arn), 4));
    }
    this.resourcePolicy.allowService(servicePrincipal, options.sourceArn, options.sourceAccount);
    if (!this.encryptionKey.allowServiceUse(servicePrincipal, options.sourceArn !== undefined ? { sourceArn: options.sourceArn } : {})) {
      Annotations.of(this).addWarning(
        `Topic "${this.node.path}": ${servicePrincipal} may publish, but the topic's KMS key ${this.encryptionKey.arn} is managed elsewhere. ` +
          `Fix: its key policy must allow ${servicePrincipal} kms:GenerateDataKey* and kms:Decrypt, or publishing fails.`,
      );
    }
  }
}
