/** The platform's SQS queues, read without consuming them: depth, and every message of a dead-letter queue. */
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, ListQueuesCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

/** Dead-letter queues and on-failure destinations: where a message ends that could not be processed. */
export const isDeadLetter = (name: string): boolean => name.endsWith("-dlq") || name.endsWith("-failures");

export async function platformQueues(sqs: SQSClient): Promise<Map<string, string>> {
  const out = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "platform-local-" }));
  return new Map((out.QueueUrls ?? []).map((url) => [url.split("/").pop()!, url]));
}

/** Visible + in flight + delayed. */
export async function depth(sqs: SQSClient, url: string): Promise<number> {
  const a =
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        }),
      )
    ).Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
}

/**
 * Every message of a queue nobody consumes (a DLQ): received with a visibility timeout until none is left, then made
 * visible again, so the listing is complete and leaves the queue as it was.
 */
export async function listMessages(sqs: SQSClient, url: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["All"] }),
    );
    const got = out.Messages ?? [];
    if (got.length === 0) break;
    for (const m of got) seen.set(m.MessageId!, m);
  }
  const all = [...seen.values()];
  for (let i = 0; i < all.length; i += 10) {
    const chunk = all.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }),
    );
  }
  return all;
}
