/**
 * analytics-ingest: SQS (raw SNS deliveries of profile.created|updated|deleted from the user-data-change topic)
 * → the `users` dimension, through the Data API.
 *
 * Per batch:
 * 1. parse and validate every message; a malformed one fails alone (reported in `batchItemFailures`, so SQS
 *    redelivers it until maxReceiveCount moves it to the DLQ) while the others go on;
 * 2. keep one row per user (the highest version; a deletion ranks after the update of its version) and upsert all
 *    of them in ONE statement that changes a user only when the row is newer than the stored one: idempotent and
 *    safe out of order;
 * 3. if that statement fails (after the Data API client's retries), every valid message fails, except on a data
 *    exception (SQLSTATE class 22: a value PostgreSQL refuses): then each valid message's row is upserted alone and only
 *    the messages whose own upsert fails are reported, so one unstorable message never fails the others.
 * A message PostgreSQL cannot store (U+0000 or a lone surrogate in userId, displayName or locale) is malformed (step 1).
 * When every message fails, Powertools throws FullBatchFailureError: the invocation shows as an error.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { DataApi, analyticsDbTargetFromEnv, createRdsDataClient } from "../shared/data-api";
import { logger } from "../shared/logger";
import { IngestOutcome, ingestProfileMessages } from "./ingest";

const db = new DataApi({
  client: createRdsDataClient(),
  target: analyticsDbTargetFromEnv(),
  onRetry: ({ attempt, delayMs, error }) => logger.warn("Retrying a Data API call", { attempt, delayMs, error: String(error) }),
});
const processor = new BatchProcessor(EventType.SQS);

export class MessageNotIngestedError extends Error {
  public constructor(messageId: string, reason: string) {
    super(`Message ${messageId} was not ingested: ${reason}`);
    this.name = "MessageNotIngestedError";
  }
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const outcome: IngestOutcome = await ingestProfileMessages(db.forInvocation(context), event.Records, logger);
  logger.info("Profile events ingested", { messages: event.Records.length, upsertedUsers: outcome.rows, failed: outcome.failures.size });
  const verdict = (record: SQSRecord): void => {
    const reason = outcome.failures.get(record.messageId);
    if (reason !== undefined) throw new MessageNotIngestedError(record.messageId, reason);
  };
  return processPartialResponse(event, verdict, processor, { context });
};
