/**
 * profile-events: the profiles table's stream -> `profile.created|updated|deleted` on the user-data-change topic.
 * Reports partial failures (`ReportBatchItemFailures`) so Lambda retries from the first record not published.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { requireEnv } from "../shared/env";
import { logger } from "../shared/logger";
import { mapStreamRecord } from "./domain";
import { PendingEvent, publishEvents } from "./publish";
import { USER_DATA_CHANGE_TOPIC_ARN_ENV } from "./schema";

const topicArn = requireEnv(USER_DATA_CHANGE_TOPIC_ARN_ENV);
/** Endpoint from `AWS_ENDPOINT_URL_SNS` when set (local runs), the regional endpoint otherwise. */
const sns = new SNSClient({});

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const failed = new Set<string>();
  const pending: PendingEvent[] = [];
  const order: string[] = [];

  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (sequenceNumber === undefined) {
      // Without a sequence number the record cannot be reported alone: fail the batch so nothing is lost.
      throw new Error(`Stream record ${record.eventID ?? "(no eventID)"} has no dynamodb.SequenceNumber; failing the whole batch`);
    }
    order.push(sequenceNumber);
    const mapped = mapStreamRecord(record);
    switch (mapped.kind) {
      case "skip":
        logger.debug("Skipping stream record", { sequenceNumber, reason: mapped.reason });
        break;
      case "error":
        logger.error("Stream record cannot be mapped to a profile event", { sequenceNumber, eventID: record.eventID, reason: mapped.reason });
        failed.add(sequenceNumber);
        break;
      case "event":
        pending.push({ itemIdentifier: sequenceNumber, event: mapped.event });
        break;
    }
  }

  for (const sequenceNumber of await publishEvents(sns, topicArn, pending, logger)) failed.add(sequenceNumber);

  logger.info("Profile events processed", {
    records: event.Records.length,
    published: pending.length - pending.filter((p) => failed.has(p.itemIdentifier)).length,
    failed: failed.size,
  });
  return { batchItemFailures: order.filter((s) => failed.has(s)).map((itemIdentifier) => ({ itemIdentifier })) };
};
