/**
 * The on-failure record of a stream event source: the metadata of a discarded batch, sent to the mapping's
 * SQS queue or SNS topic in Lambda's format (the records themselves are not included).
 */
import { randomUUID } from "node:crypto";
import { PublishCommand } from "@aws-sdk/client-sns";
import { GetQueueUrlCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { InvokeOutcome, RuntimeLog } from "../types";
import { parseArn, sqsQueueOf } from "./arn";
import type { SourceClients } from "./clients";
import { Backoff, describeError } from "./delay";

/** Why a batch was discarded. */
export type DiscardCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

/** The section naming the discarded records: `KinesisBatchInfo` or `DDBStreamBatchInfo`. */
export interface StreamBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** What the on-failure record says about one discarded batch. */
export interface FailureRecordInput {
  readonly functionArn: string;
  readonly condition: DiscardCondition;
  /** Invocations that included these records. */
  readonly invokeCount: number;
  /** The last invocation's outcome (none when the records aged out before any). */
  readonly lastOutcome: InvokeOutcome | undefined;
  readonly batchInfoKey: "KinesisBatchInfo" | "DDBStreamBatchInfo";
  readonly batchInfo: StreamBatchInfo;
  readonly now?: Date;
}

/**
 * The JSON document Lambda sends: requestContext (request id of the last invocation, condition, invoke count),
 * responseContext (status 200, `$LATEST`, functionError "Unhandled" after a function error or timeout),
 * version "1.0", timestamp, and the batch info.
 */
export function streamFailureRecord(input: FailureRecordInput): Record<string, unknown> {
  const last = input.lastOutcome;
  return {
    requestContext: {
      requestId: last?.requestId ?? randomUUID(),
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: "$LATEST",
      ...(last !== undefined && !last.ok ? { functionError: "Unhandled" } : {}),
    },
    version: "1.0",
    timestamp: (input.now ?? new Date()).toISOString(),
    [input.batchInfoKey]: input.batchInfo,
  };
}

/** Sends documents to an SQS queue (SendMessage) or SNS topic (Publish). */
export interface FailureDestination {
  readonly arn: string;
  send(document: Record<string, unknown>): Promise<void>;
}

/** Throws unless the ARN names an SQS queue or SNS topic (the destinations Lambda allows for streams here). */
export function assertDestinationArn(arn: string): void {
  const { service } = parseArn(arn);
  if (service !== "sqs" && service !== "sns") {
    throw new Error(`Unsupported on-failure destination ${arn}: the local runtime sends to SQS queues and SNS topics`);
  }
}

const SEND_ATTEMPTS = 3;

/**
 * A destination that tries each document up to three times (with back-off) and then logs it as lost: a
 * broken destination must not stop the shard.
 */
export function failureDestination(arn: string, clients: SourceClients, log: RuntimeLog): FailureDestination {
  assertDestinationArn(arn);
  const { service } = parseArn(arn);
  let queueUrl: string | undefined;
  const deliver = async (body: string): Promise<void> => {
    if (service === "sns") {
      await clients.sns().send(new PublishCommand({ TopicArn: arn, Message: body }));
      return;
    }
    if (queueUrl === undefined) {
      const { queueName, accountId } = sqsQueueOf(arn);
      const out = await clients.sqs().send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }));
      if (out.QueueUrl === undefined) throw new Error(`GetQueueUrl ${queueName} returned no QueueUrl`);
      queueUrl = out.QueueUrl;
    }
    await clients.sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  };
  return {
    arn,
    async send(document) {
      const body = JSON.stringify(document);
      const backoff = new Backoff(200, 1000);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await deliver(body);
          return;
        } catch (err) {
          if (attempt >= SEND_ATTEMPTS) {
            log.error(`on-failure destination ${arn} refused the record after ${attempt} attempts (${describeError(err)}); lost: ${body}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, backoff.next()));
        }
      }
    },
  };
}
