/**
 * profile-events: the profiles table's stream -> `profile.created|updated|deleted` on the user-data-change topic.
 *
 * Two steps per batch:
 * 1. map every record to an event and publish the events with SNS PublishBatch (10 per call, in stream order);
 * 2. let Powertools' BatchProcessor build the `ReportBatchItemFailures` response: a record fails when it
 *    could not be mapped or its event was not published, and is reported by its sequence number (when all of
 *    them fail, the invocation fails: FullBatchFailureError).
 * Lambda then retries from the first failed record; redelivered events keep their event id.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { requireEnv } from "../shared/env";
import { logger } from "../shared/logger";
import { mapStreamRecord } from "./domain";
import { PendingEvent, publishEvents } from "./publish";
import { USER_DATA_CHANGE_TOPIC_ARN_ENV } from "./schema";

const topicArn = requireEnv(USER_DATA_CHANGE_TOPIC_ARN_ENV);
/** Endpoint from `AWS_ENDPOINT_URL_SNS` when set (local runs), the regional endpoint otherwise. */
const sns = new SNSClient({});
const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** A record that did not make it to the topic. */
export class RecordNotPublishedError extends Error {
  public constructor(sequenceNumber: string, reason: string) {
    super(`Stream record ${sequenceNumber} was not published: ${reason}`);
    this.name = "RecordNotPublishedError";
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const problems = new Map<string, string>();
  const pending: PendingEvent[] = [];
  let skipped = 0;

  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (sequenceNumber === undefined || sequenceNumber === "") {
      // Without a sequence number the record cannot be reported alone: fail the whole batch so nothing is lost.
      throw new Error(`Stream record ${record.eventID ?? "(no eventID)"} has no dynamodb.SequenceNumber; failing the whole batch`);
    }
    const mapped = mapStreamRecord(record);
    switch (mapped.kind) {
      case "skip":
        skipped += 1;
        logger.debug("Skipping stream record", { sequenceNumber, reason: mapped.reason });
        break;
      case "error":
        logger.error("Stream record cannot be mapped to a profile event", { sequenceNumber, eventID: record.eventID, reason: mapped.reason });
        problems.set(sequenceNumber, mapped.reason);
        break;
      case "event":
        pending.push({ itemIdentifier: sequenceNumber, event: mapped.event });
        break;
    }
  }

  const notPublished = await publishEvents(sns, topicArn, pending, logger);
  for (const failure of notPublished) problems.set(failure.itemIdentifier, failure.reason);

  logger.info("Profile events processed", {
    records: event.Records.length,
    published: pending.length - notPublished.length,
    skipped,
    failed: problems.size,
  });

  const verdict = (record: DynamoDBRecord): void => {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
    const problem = problems.get(sequenceNumber);
    if (problem !== undefined) throw new RecordNotPublishedError(sequenceNumber, problem);
  };
  // When every record failed, Powertools throws FullBatchFailureError: Lambda retries the whole batch, and the
  // failure shows in the function's Errors metric (and its alarm) instead of passing as a successful invocation.
  return processPartialResponse(event, verdict, processor, { context });
};
