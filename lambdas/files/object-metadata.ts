/**
 * object-metadata: S3 ObjectCreated/ObjectRemoved events on `uploads/` (through SQS, with a DLQ) → file items.
 *
 * Each event reconciles the file with what S3 holds now (HeadObject), so duplicates, out-of-order delivery and events
 * without a `sequencer` (moto) all end in the same state; with a sequencer, a write older than the stored one is refused
 * as well. An object that arrived:
 * - under a key outside `uploads/<owner>/<fileId>/<name>`, with owner metadata that is not the key's owner, for an
 *   upload that was never signed, or with another size or type than signed: every version of it is deleted, the file
 *   (if known) marked `rejected`, the rejection logged and counted (`RejectedObjects`, namespace Platform/Files);
 * - otherwise: the file becomes `ready` with its size, type, ETag, version and creation time.
 * An object that is gone (ObjectRemoved, or no current version) leaves a `deleted` tombstone.
 * `s3:TestEvent` messages are acknowledged. A message that cannot be parsed fails alone (partial batch response), so
 * SQS redelivers it and finally moves it to the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { logger } from "../shared/logger";
import { emitCount } from "../shared/metrics";
import { ObjectEvent, filePrefix, judgeUpload, parseObjectKey, parseS3Message } from "./domain";
import { FilesBucket, createS3Client, deleteAllVersions, headObject } from "./objects";
import { FileStore, getFile, markReady, markRejected, markRemoved } from "./repository";
import { FILES_BUCKET_NAME_ENV, FILES_METRICS_NAMESPACE, FILES_TABLE_NAME_ENV, REJECTED_OBJECTS_METRIC } from "./schema";

const store: FileStore = { client: createDocumentClient(), tableName: requireEnv(FILES_TABLE_NAME_ENV) };
const bucket: FilesBucket = { client: createS3Client(), name: requireEnv(FILES_BUCKET_NAME_ENV) };
// In order: two events of one key in one batch must be applied in the order SQS handed them over.
const processor = new BatchProcessor(EventType.SQS);

export type EventOutcome = "ready" | "removed" | "rejected" | "unchanged";

export class MessageNotProcessedError extends Error {
  public constructor(messageId: string, reason: string) {
    super(`Message ${messageId} was not processed: ${reason}`);
    this.name = "MessageNotProcessedError";
  }
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const counts: Record<EventOutcome | "test", number> = { ready: 0, removed: 0, rejected: 0, unchanged: 0, test: 0 };
  const processRecord = async (record: SQSRecord): Promise<void> => {
    const message = parseS3Message(record.body);
    if (!message.ok) {
      logger.error("Unprocessable S3 event message", { messageId: record.messageId, reason: message.error, body: record.body.slice(0, 2000) });
      throw new MessageNotProcessedError(record.messageId, message.error);
    }
    if (message.value.kind === "test") {
      counts.test += 1;
      return;
    }
    for (const e of message.value.events) {
      try {
        counts[await applyEvent(e, new Date())] += 1;
      } catch (err) {
        // The message stays in the queue (retried, then dead-lettered); the log says why.
        logger.error("Could not apply an S3 event", {
          messageId: record.messageId,
          key: e.key,
          eventName: e.eventName,
          error: err instanceof Error ? err : new Error(String(err)),
        });
        throw err;
      }
    }
  };
  const response = await processPartialResponse(event, processRecord, processor, { context, processInParallel: false });
  if (counts.rejected > 0) emitCount(FILES_METRICS_NAMESPACE, REJECTED_OBJECTS_METRIC, counts.rejected, "object-metadata");
  logger.info("S3 events applied", { messages: event.Records.length, failed: response.batchItemFailures.length, ...counts });
  return response;
};

/** Applies one object event; exported for the tests of its rules. */
export async function applyEvent(e: ObjectEvent, now: Date): Promise<EventOutcome> {
  if (e.bucket !== bucket.name) {
    throw new Error(`event for bucket ${e.bucket}, but this function serves ${bucket.name}: the notification is wired to the wrong function`);
  }
  const parts = parseObjectKey(e.key);
  if (parts === undefined) {
    await reject(e, "KeyOutsideUploads", `the key is not uploads/<owner>/<fileId>/<name>`);
    return "rejected";
  }
  const head = await headObject(bucket, e.key);
  if (head === undefined) return (await markRemoved(store, parts, e.sequencer, now)) ? "removed" : "unchanged";
  const item = await getFile(store, parts.ownerId, parts.fileId);
  const verdict = judgeUpload(parts, item, head);
  if (!verdict.accept) {
    await reject(e, verdict.reason, verdict.detail);
    if (item !== undefined) await markRejected(store, parts, verdict.reason, now);
    return "rejected";
  }
  return (await markReady(store, parts, head, e.sequencer)) ? "ready" : "unchanged";
}

async function reject(e: ObjectEvent, reason: string, detail: string): Promise<void> {
  const parts = parseObjectKey(e.key);
  const versions = await deleteAllVersions(bucket, parts !== undefined ? filePrefix(parts.ownerId, parts.fileId) : e.key, e.key);
  logger.warn("Rejected an uploaded object", { key: e.key, eventName: e.eventName, reason, detail, deletedVersions: versions });
}
