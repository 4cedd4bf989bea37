/**
 * activity-processor: the Kinesis "activity" stream (base64 JSON ActivityEvent records, see activity-event.ts)
 * → `activity_events`, through the Data API.
 *
 * Per batch: decode and validate every record; de-duplicate by eventId; insert all valid events in ONE statement
 * (`ON CONFLICT (event_id) DO NOTHING`: replays change nothing). Partial failures are reported by sequence number
 * (Powertools BatchProcessor): when the insert fails, every valid record fails and Lambda retries from the first (with
 * bisect-on-error and a failure destination configured on the event source mapping), except on a data exception
 * (SQLSTATE class 22: a value PostgreSQL refuses): then each valid record is inserted alone and only the records whose
 * own insert fails are reported. Records with U+0000 or a lone surrogate in userId or props are malformed.
 *
 * Malformed records are reported as failures like records that could not be stored: the mapping retries them a
 * bounded number of times, bisects, then sends them to its on-failure queue (alarmed, replayable). Each is logged with
 * its data and sequence number and counted in the `MalformedActivityRecords` metric (EMF, namespace Platform/Analytics).
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { DataApi, analyticsDbTargetFromEnv, createRdsDataClient } from "../shared/data-api";
import { logger } from "../shared/logger";
import { processActivityRecords } from "./ingest";
import { emitCount } from "./metrics";

const db = new DataApi({
  client: createRdsDataClient(),
  target: analyticsDbTargetFromEnv(),
  onRetry: ({ attempt, delayMs, error }) => logger.warn("Retrying a Data API call", { attempt, delayMs, error: String(error) }),
});
const processor = new BatchProcessor(EventType.KinesisDataStreams);

export class RecordNotStoredError extends Error {
  public constructor(sequenceNumber: string, reason: string) {
    super(`Kinesis record ${sequenceNumber} was not stored: ${reason}`);
    this.name = "RecordNotStoredError";
  }
}

export const handler = async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
  logger.addContext(context);
  const records = event.Records.map((r) => ({ sequenceNumber: r.kinesis.sequenceNumber, data: r.kinesis.data }));
  const outcome = await processActivityRecords(db.forInvocation(context), records, logger);
  if (outcome.malformed > 0) emitCount("MalformedActivityRecords", outcome.malformed, "activity-processor");
  logger.info("Activity records processed", {
    records: event.Records.length,
    inserted: outcome.rows,
    duplicates: outcome.duplicates,
    malformed: outcome.malformed,
    failed: outcome.failures.size,
  });
  const verdict = (record: KinesisStreamRecord): void => {
    const reason = outcome.failures.get(record.kinesis.sequenceNumber);
    if (reason !== undefined) throw new RecordNotStoredError(record.kinesis.sequenceNumber, reason);
  };
  return processPartialResponse(event, verdict, processor, { context });
};
