// SQS batch handler: each record is processed on its own; failures are returned as batchItemFailures, so only
// those messages come back (and reach the DLQ after maxReceiveCount receives).
interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

export async function handler(event: { Records: SqsRecord[] }): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const job = JSON.parse(record.body) as { id?: string };
      if (!job.id) throw new Error("job without id");
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
