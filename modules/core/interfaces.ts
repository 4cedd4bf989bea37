import { IConstruct } from "constructs";
import { IEnvironmentConsumer, IGrantable } from "./iam";

/** Where failed asynchronous invocations or failed stream batches are sent: an SQS queue or SNS topic. */
export interface IFailureDestination extends IConstruct {
  readonly arn: string;
  /** Grants what a Lambda function (or its event source mapping) needs to send failure records here. */
  grantSendFailure(grantee: IGrantable): void;
}

/** An SQS queue, created by the `queue` module or imported. */
export interface IQueue extends IFailureDestination {
  readonly arn: string;
  readonly name: string;
  readonly url: string;
  /** Visibility timeout in seconds; undefined when unknown (imported queue). */
  readonly visibilityTimeoutSeconds?: number;
  grantConsumeMessages(grantee: IGrantable): void;
  grantSendMessages(grantee: IGrantable): void;
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
export interface IFunction extends IEnvironmentConsumer {
  readonly arn: string;
  readonly name: string;
  readonly invokeArn: string;
  /** Timeout in seconds; undefined when unknown (imported). */
  readonly timeoutSeconds?: number;
}
