// Kinesis batch handler: decodes each record and reports the first failure by sequence number, so Lambda retries
// from there (and bisects the batch) instead of replaying the whole batch.
interface KinesisRecord {
  readonly kinesis: { readonly data: string; readonly sequenceNumber: string };
}

export async function handler(event: { Records: KinesisRecord[] }): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  for (const record of event.Records) {
    try {
      JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8"));
    } catch {
      return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}
