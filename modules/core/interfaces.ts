import type { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ITerraformDependable } from "cdktf";
import { IConstruct } from "constructs";
import type { Grant } from "./grant";
import { IEnvironmentConsumer, IGrantable } from "./iam";

/** Options of `IKey.allowServiceUse`. */
export interface ServiceUseOptions {
  /**
   * Limit the service's use to requests made for this resource (`aws:SourceArn`, ArnLike; for CloudWatch Logs the
   * log group ARN, matched on `kms:EncryptionContext:aws:logs:arn`). @default any resource of the account
   */
  readonly sourceArn?: string;
}

/** A customer-managed KMS key, created by the `kms-key` module or imported. */
export interface IKey extends IConstruct {
  readonly arn: string;
  readonly keyId: string;
  /** kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on this key (producers of encrypted queues and topics). */
  grantEncryptDecrypt(grantee: IGrantable): Grant;
  /** kms:Decrypt on this key (consumers of encrypted queues). */
  grantDecrypt(grantee: IGrantable): Grant;
  /**
   * Lets an AWS service principal use the key for this account's resources.
   * Returns false when the key policy is not managed here (imported key): its owner must allow the service.
   */
  allowServiceUse(servicePrincipal: string, options?: ServiceUseOptions): boolean;
}

/** Where failed asynchronous invocations or failed stream batches are sent: an SQS queue or SNS topic. */
export interface IFailureDestination extends IConstruct {
  readonly arn: string;
  /** Grants what a Lambda function (or its event source mapping) needs to send failure records here. */
  grantSendFailure(grantee: IGrantable): Grant;
}

/** Options of `IQueue.allowServiceSend`. */
export interface ServiceSendOptions {
  /**
   * Also limit the service's use of the queue's customer-managed key to `sourceArn`. Turn it off when the source is
   * encrypted with the same key (a topic using the queue's key): the key policy would then reference the source and
   * the source the key, a dependency cycle. The key then allows the service for any resource of the key's account.
   * @default true
   */
  readonly scopeKeyToSource?: boolean;
  /**
   * The 12-digit id of the account that owns the source: the service's statement also requires `aws:SourceAccount`
   * (StringEquals). Needed where the source ARN names no account, as S3 bucket ARNs do (`arn:aws:s3:::<name>`): a
   * bucket of that name in another account could otherwise send.
   * @default no aws:SourceAccount condition
   */
  readonly sourceAccount?: string;
}

/** What a function may do with a queue through `connect`. */
export type QueueAccess = "send" | "consume";

/** What a function may do with a table through `connect`. */
export type TableAccess = "read" | "write" | "readWrite";

/** Access a function gets through `Stream.connect`. */
export type StreamAccess = "read" | "write" | "readWrite";

/** An SQS queue, created by the `queue` module or imported. */
export interface IQueue extends IFailureDestination {
  readonly arn: string;
  readonly name: string;
  readonly url: string;
  /** Visibility timeout in seconds; undefined when unknown (imported queue). */
  readonly visibilityTimeoutSeconds?: number;
  /** True for a FIFO queue; undefined when unknown. */
  readonly fifo?: boolean;
  /** The customer-managed key that encrypts the queue; undefined for SSE-SQS, the AWS-managed key, or when unknown. */
  readonly encryptionKey?: IKey;
  /** The queue's KmsMasterKeyId (a key ARN, or `alias/aws/sqs`); undefined for SSE-SQS or when unknown. */
  readonly kmsMasterKeyId?: string;
  /** The queue's dead-letter queue; undefined when it has none or when unknown (imported). */
  readonly deadLetterQueue?: IQueue;
  /**
   * The resource holding the queue policy, so that a sender whose configuration AWS checks against that policy when it
   * is written (an S3 event notification) is created after it; undefined when the policy is not managed here (imported).
   */
  readonly policyResource?: ITerraformDependable;
  /** sqs:ChangeMessageVisibility, DeleteMessage, GetQueueAttributes, GetQueueUrl, ReceiveMessage; kms:Decrypt with a key. */
  grantConsumeMessages(grantee: IGrantable): Grant;
  /** sqs:GetQueueAttributes, GetQueueUrl, SendMessage; kms:Encrypt/Decrypt/GenerateDataKey with a key. */
  grantSendMessages(grantee: IGrantable): Grant;
  /** Grants send or consume access and sets the environment variable (default `<ID>_QUEUE_URL`) to the queue URL. */
  connect(consumer: IEnvironmentConsumer, access: QueueAccess, envVar?: string): Grant;
  /**
   * Lets an AWS service principal (sns.amazonaws.com, events.amazonaws.com, s3.amazonaws.com) send messages, only on
   * behalf of `sourceArn` (and `options.sourceAccount`). Returns false when the queue policy is not managed here
   * (imported queue): its owner must allow the service.
   */
  allowServiceSend(servicePrincipal: string, sourceArn: string, options?: ServiceSendOptions): boolean;
}

/** Options of a topic subscription that can filter what it delivers. */
export interface SubscriptionFilterOptions {
  /**
   * SNS filter policy: only matching messages are delivered, e.g. `{ eventType: ["deleted"] }`.
   * @default none (every message)
   */
  readonly filterPolicy?: Record<string, unknown>;
  /** What the filter policy matches. Only with `filterPolicy`. @default "MessageAttributes" */
  readonly filterPolicyScope?: "MessageAttributes" | "MessageBody";
}

/** Options of `ITopic.addSqsSubscription`. */
export interface SqsSubscriptionOptions extends SubscriptionFilterOptions {
  /** Deliver the published message as is, without the SNS JSON envelope. @default true */
  readonly rawMessageDelivery?: boolean;
}

/** An SNS topic, created by the `topic` module or imported. */
export interface ITopic extends IFailureDestination {
  readonly arn: string;
  readonly name: string;
  /** True for a FIFO topic; undefined when unknown. */
  readonly fifo?: boolean;
  /** The customer-managed key that encrypts the topic; undefined with the AWS-managed key or when unknown. */
  readonly encryptionKey?: IKey;
  /** sns:Publish on this topic; kms:Encrypt/Decrypt/GenerateDataKey with a customer-managed key. */
  grantPublish(grantee: IGrantable): Grant;
  /** Grants publish and sets the environment variable that names the topic ARN. */
  connect(consumer: IEnvironmentConsumer, envVar?: string): Grant;
  /** Subscribes an SQS queue (and lets SNS send to it from this topic, when the queue's policy is managed here). */
  addSqsSubscription(queue: IQueue, options?: SqsSubscriptionOptions): SnsTopicSubscription;
  /** Subscribes a Lambda function (and lets SNS invoke it from this topic). Not on FIFO topics. */
  addLambdaSubscription(fn: IFunction, options?: SubscriptionFilterOptions): SnsTopicSubscription;
  /** Subscribes an e-mail address (confirmed by its owner). Not on FIFO topics. */
  addEmailSubscription(id: string, email: string): SnsTopicSubscription;
}

/** A DynamoDB table, created by the `table` module or imported. */
export interface ITable extends IConstruct {
  readonly arn: string;
  readonly name: string;
  /** Stream ARN when the table has a stream; undefined otherwise. */
  readonly streamArn?: string;
  /** The customer-managed key that encrypts the table; undefined with the AWS-managed key or when unknown. */
  readonly encryptionKey?: IKey;
  /** Item reads and queries on the table and its indexes; kms:Decrypt with a key. */
  grantRead(grantee: IGrantable): Grant;
  /** Item writes on the table; kms:Encrypt/Decrypt/GenerateDataKey with a key. */
  grantWrite(grantee: IGrantable): Grant;
  /** grantRead and grantWrite. */
  grantReadWrite(grantee: IGrantable): Grant;
  /** What a stream event source needs on the table's streams; kms:Decrypt with a key. */
  grantStreamRead(grantee: IGrantable): Grant;
  /** Grants the access and sets the environment variable (default `<ID>_TABLE_NAME`) to the table name. */
  connect(consumer: IEnvironmentConsumer, access: TableAccess, envVar?: string): Grant;
}

/** A Kinesis data stream, created by the `stream` module or imported. */
export interface IStream extends IConstruct {
  readonly arn: string;
  readonly name: string;
  /** The customer-managed key that encrypts the stream; undefined with the AWS-managed key or when unknown. */
  readonly encryptionKey?: IKey;
  /** What a consumer needs on the stream; kms:Decrypt with a key. */
  grantRead(grantee: IGrantable): Grant;
  /** kinesis:PutRecord and PutRecords on the stream; kms:GenerateDataKey with a key. */
  grantWrite(grantee: IGrantable): Grant;
  /** grantRead and grantWrite. */
  grantReadWrite(grantee: IGrantable): Grant;
  /** Grants the access and sets the environment variable (default `<ID>_STREAM_NAME`) to the stream name. */
  connect(consumer: IEnvironmentConsumer, access: StreamAccess, envVar?: string): Grant;
}

/** A Lambda function, created by the `lambda-function` module or imported. */
export interface IFunction extends IEnvironmentConsumer, IConstruct {
  readonly arn: string;
  readonly name: string;
  readonly invokeArn: string;
  /** Timeout in seconds; undefined when unknown (imported). */
  readonly timeoutSeconds?: number;
  /** Name of the function's log group; undefined when unknown (imported). */
  readonly logGroupName?: string;
  /**
   * True when the function consumes a Kinesis or DynamoDB stream (so Lambda emits IteratorAge for it), read at synth
   * after every event source was added; undefined when unknown (imported).
   */
  hasStreamEventSource?(): boolean;
  /**
   * Lets an AWS service (`principal`, e.g. `apigateway.amazonaws.com`) invoke the function, only from `sourceArn`: a
   * `lambda:InvokeFunction` permission (`aws_lambda_permission`) in the function's scope. For an imported function the
   * permission is added by this app on the function's ARN (its deploy role needs lambda:AddPermission on it).
   */
  allowInvoke(id: string, principal: string, sourceArn: string, sourceAccount?: string): LambdaPermission;
  /** Grants `grantee` lambda:InvokeFunction on this function. */
  grantInvoke(grantee: IGrantable): Grant;
}

/** A CloudWatch Logs log group, created by the `log-group` module or imported. */
export interface ILogGroup extends IConstruct {
  readonly name: string;
  /** `arn:aws:logs:<region>:<account>:log-group:<name>` (without the `:*` suffix). */
  readonly arn: string;
  /** The customer-managed key that encrypts the log data; undefined with the AWS-owned key or when unknown. */
  readonly encryptionKey?: IKey;
  /** logs:CreateLogStream and logs:PutLogEvents on the group's streams. */
  grantWrite(grantee: IGrantable): Grant;
}

/** A Cognito user pool, created by the `user-pool` module or imported. */
export interface IUserPool extends IConstruct {
  readonly userPoolId: string;
  readonly arn: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of its tokens, for JWT authorizers. */
  readonly issuerUrl: string;
  /** cognito-idp:AdminGetUser, AdminListGroupsForUser and ListUsers on this pool. */
  grantReadUsers(grantee: IGrantable): Grant;
  /** cognito-idp:AdminAddUserToGroup, AdminRemoveUserFromGroup and AdminListGroupsForUser on this pool. */
  grantManageGroupMembership(grantee: IGrantable): Grant;
}

/** What dashboards, alarms and CDN origins need from an HTTP API (metric dimensions ApiId and Stage). */
export interface IHttpApi extends IConstruct {
  readonly apiId: string;
  readonly stageName: string;
  readonly executionArn: string;
  readonly apiEndpoint: string;
  /** The endpoint's host, `<id>.execute-api.<region>.amazonaws.com` (a CloudFront origin's domain name). */
  readonly endpointHost: string;
}

/** Options of `IDataApiDatabase.connect`. */
export interface DataApiConnectOptions {
  /**
   * Prefix of the three environment variables.
   * @default from the construct id, e.g. `Analytics` → ANALYTICS_CLUSTER_ARN, ANALYTICS_SECRET_ARN, ANALYTICS_DATABASE
   */
  readonly envVarPrefix?: string;
}

/** A database reached through the RDS Data API: an `AuroraServerless` cluster or one imported with `fromAttributes`. */
export interface IDataApiDatabase extends IConstruct {
  readonly clusterArn: string;
  /** ARN of the Secrets Manager secret the Data API signs in with. */
  readonly secretArn: string;
  readonly databaseName: string;
  /** Grants the Data API calls on this cluster and read access to its secret. */
  grantDataApi(grantee: IGrantable): Grant;
  /** Grants Data API access and sets `<PREFIX>_CLUSTER_ARN`, `<PREFIX>_SECRET_ARN` and `<PREFIX>_DATABASE`. */
  connect(consumer: IEnvironmentConsumer, options?: DataApiConnectOptions): Grant;
}
