import type { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ITerraformDependable } from "cdktf";
import { IConstruct } from "constructs";
import { IEnvironmentConsumer, IGrantable } from "./iam";

/** Where failed asynchronous invocations or failed stream batches are sent: an SQS queue or SNS topic. */
export interface IFailureDestination extends IConstruct {
  readonly arn: string;
  /** Grants what a Lambda function (or its event source mapping) needs to send failure records here. */
  grantSendFailure(grantee: IGrantable): void;
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

/** An SQS queue, created by the `queue` module or imported. */
export interface IQueue extends IFailureDestination {
  readonly arn: string;
  readonly name: string;
  readonly url: string;
  /** Visibility timeout in seconds; undefined when unknown (imported queue). */
  readonly visibilityTimeoutSeconds?: number;
  /** True for a FIFO queue; undefined when unknown. */
  readonly fifo?: boolean;
  /** The queue's KmsMasterKeyId (a key ARN, or `alias/aws/sqs`); undefined for SSE-SQS or when unknown. */
  readonly kmsMasterKeyId?: string;
  /**
   * The resource holding the queue policy, so that a sender whose configuration AWS checks against that policy when it
   * is written (an S3 event notification) is created after it; undefined when the policy is not managed here (imported).
   */
  readonly policyResource?: ITerraformDependable;
  grantConsumeMessages(grantee: IGrantable): void;
  grantSendMessages(grantee: IGrantable): void;
  /**
   * Lets an AWS service principal (sns.amazonaws.com, events.amazonaws.com, s3.amazonaws.com) send messages, only on
   * behalf of `sourceArn` (and `options.sourceAccount`). Returns false when the queue policy is not managed here
   * (imported queue): its owner must allow the service.
   */
  allowServiceSend(servicePrincipal: string, sourceArn: string, options?: ServiceSendOptions): boolean;
}

/** An SNS topic, created by the `topic` module or imported. */
export interface ITopic extends IFailureDestination {
  readonly arn: string;
  readonly name: string;
  grantPublish(grantee: IGrantable): void;
  /** Grants publish and sets the environment variable that names the topic ARN. */
  connect(consumer: IEnvironmentConsumer, envVar?: string): void;
}

/** A DynamoDB table, created by the `table` module or imported. */
export interface ITable extends IConstruct {
  readonly arn: string;
  readonly name: string;
  /** Stream ARN when the table has a stream; undefined otherwise. */
  readonly streamArn?: string;
  grantRead(grantee: IGrantable): void;
  grantWrite(grantee: IGrantable): void;
  grantReadWrite(grantee: IGrantable): void;
  grantStreamRead(grantee: IGrantable): void;
}

/** A Kinesis data stream (the `stream` module implements it). */
export interface IStream extends IConstruct {
  readonly arn: string;
  readonly name: string;
  grantRead(grantee: IGrantable): void;
  grantWrite(grantee: IGrantable): void;
}

/** A Lambda function, created by the `lambda-function` module or imported. */
export interface IFunction extends IEnvironmentConsumer, IConstruct {
  readonly arn: string;
  readonly name: string;
  readonly invokeArn: string;
  /** Timeout in seconds; undefined when unknown (imported). */
  readonly timeoutSeconds?: number;
  /**
   * Lets an AWS service (`principal`, e.g. `apigateway.amazonaws.com`) invoke the function, only from `sourceArn`: a
   * `lambda:InvokeFunction` permission (`aws_lambda_permission`) in the function's scope. For an imported function the
   * permission is added by this app on the function's ARN (its deploy role needs lambda:AddPermission on it).
   */
  allowInvoke(id: string, principal: string, sourceArn: string, sourceAccount?: string): LambdaPermission;
  /** Grants `grantee` lambda:InvokeFunction on this function. */
  grantInvoke(grantee: IGrantable): void;
}
