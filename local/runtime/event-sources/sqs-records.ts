/** An SQS message as Lambda hands it to a function (one entry of an SQSEvent's `Records`). */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";

/** Lambda's shape of a message attribute: lists always present, binary values in base64. */
export interface LambdaSqsMessageAttribute {
  readonly stringValue?: string;
  readonly binaryValue?: string;
  readonly stringListValues: string[];
  readonly binaryListValues: string[];
  readonly dataType: string;
}

/** One record of Lambda's SQSEvent. */
export interface LambdaSqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** System attributes as strings: ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, … */
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, LambdaSqsMessageAttribute>;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: "aws:sqs";
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

function lambdaAttribute(value: MessageAttributeValue): LambdaSqsMessageAttribute {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? "String",
  };
}

/** Converts a received message (ReceiveMessage with all attributes) for the event. */
export function toLambdaSqsRecord(message: Message, queueArn: string, region: string): LambdaSqsRecord {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) {
    throw new Error(`ReceiveMessage returned a message without MessageId or ReceiptHandle: ${JSON.stringify(message)}`);
  }
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? "",
    attributes: { ...(message.Attributes ?? {}) } as Record<string, string>,
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, lambdaAttribute(value)])),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes !== undefined ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
