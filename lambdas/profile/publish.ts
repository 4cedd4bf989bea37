/**
 * Publishing profile events to SNS with PublishBatch (at most 10 entries per call).
 * Imported only by profile-events: the SNS client stays out of the other bundles.
 */
import { PublishBatchCommand, PublishBatchRequestEntry, SNSClient } from "@aws-sdk/client-sns";
import type { ErrorLogger } from "../shared/http";
import { ProfileEvent, chunk } from "./domain";

/** PublishBatch accepts at most 10 entries. */
export const PUBLISH_BATCH_SIZE = 10;

/** An event to publish, with the identifier Lambda needs back when it fails (the stream sequence number). */
export interface PendingEvent {
  readonly itemIdentifier: string;
  readonly event: ProfileEvent;
}

/** The SNS message of an event: its JSON, and a `type` attribute that subscriptions can filter on. */
export function toPublishEntry(event: ProfileEvent, id: string, fifoTopic: boolean): PublishBatchRequestEntry {
  return {
    Id: id,
    Message: JSON.stringify(event),
    MessageAttributes: { type: { DataType: "String", StringValue: event.type } },
    // A FIFO topic keeps each user's changes in order and drops redeliveries of the same stream record.
    ...(fifoTopic ? { MessageGroupId: event.userId, MessageDeduplicationId: event.eventId } : {}),
  };
}

/** An event SNS did not accept, and why (for the log and the batch item failure). */
export interface PublishFailure {
  readonly itemIdentifier: string;
  readonly reason: string;
}

/**
 * Publishes the events in order, in chunks of 10. Returns the events that were not published: entries SNS
 * reports as Failed (or does not report at all), and every entry of a chunk whose call threw. Later chunks
 * are still attempted. Each failure is logged once, here.
 */
export async function publishEvents(sns: SNSClient, topicArn: string, pending: readonly PendingEvent[], log: ErrorLogger): Promise<PublishFailure[]> {
  const fifoTopic = topicArn.endsWith(".fifo");
  const failed: PublishFailure[] = [];
  for (const batch of chunk(pending, PUBLISH_BATCH_SIZE)) {
    const byEntryId = new Map(batch.map((item, index) => [`e${index}`, item] as const));
    const entries = [...byEntryId].map(([id, item]) => toPublishEntry(item.event, id, fifoTopic));
    try {
      const out = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
      const succeeded = new Set((out.Successful ?? []).map((s) => s.Id));
      for (const [id, item] of byEntryId) {
        if (succeeded.has(id)) continue;
        const failure = (out.Failed ?? []).find((f) => f.Id === id);
        const code = failure?.Code ?? "NotReported";
        const reason = failure?.Message ?? "entry missing from both Successful and Failed";
        log.error("SNS did not publish a profile event", {
          eventId: item.event.eventId,
          sequenceNumber: item.itemIdentifier,
          code,
          reason,
          senderFault: failure?.SenderFault,
        });
        failed.push({ itemIdentifier: item.itemIdentifier, reason: `PublishBatch entry failed: ${code}: ${reason}` });
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      log.error("PublishBatch failed; every event of the chunk will be retried", {
        sequenceNumbers: batch.map((item) => item.itemIdentifier),
        error,
      });
      failed.push(...batch.map((item) => ({ itemIdentifier: item.itemIdentifier, reason: `PublishBatch call failed: ${error.name}: ${error.message}` })));
    }
  }
  return failed;
}
