/**
 * Reads a table's real stream from DynamoDB Local with @aws-sdk/client-dynamodb-streams and converts the
 * records to the shape Lambda's DynamoDB event source delivers (`DynamoDBStreamEvent`).
 */
import {
  AttributeValue,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  _Record as StreamsRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynamodb-local";
import { dynamoDbEndpoint } from "./local-aws";

export function testStreamsClient(): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ endpoint: dynamoDbEndpoint(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** Every record currently in the stream, shard by shard from TRIM_HORIZON, in sequence order within a shard. */
export async function readAllStreamRecords(client: DynamoDBStreamsClient, streamArn: string): Promise<StreamsRecord[]> {
  const shardIds: string[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const out = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
    for (const shard of out.StreamDescription?.Shards ?? []) if (shard.ShardId !== undefined) shardIds.push(shard.ShardId);
    exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId !== undefined);

  const records: StreamsRecord[] = [];
  for (const shardId of shardIds) {
    const start = await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }));
    let iterator = start.ShardIterator;
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const batch = page.Records ?? [];
      records.push(...batch);
      // An open shard always returns a next iterator: stop once a read comes back empty.
      iterator = batch.length === 0 ? undefined : page.NextShardIterator;
    }
  }
  return records;
}

/**
 * Polls the stream until `select` picks at least `count` records (DynamoDB Local writes stream records
 * asynchronously), then returns the picked records in stream order.
 */
export async function waitForStreamRecords(
  client: DynamoDBStreamsClient,
  streamArn: string,
  select: (record: StreamsRecord) => boolean,
  count: number,
  timeoutMs = 15_000,
): Promise<StreamsRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const picked = (await readAllStreamRecords(client, streamArn)).filter(select);
    if (picked.length >= count) return picked;
    if (Date.now() > deadline) {
      throw new Error(`Expected ${count} matching stream records on ${streamArn} within ${timeoutMs} ms, found ${picked.length}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The partition key value of a stream record (for picking one user's records). */
export function partitionKeyOf(record: StreamsRecord, keyName: string): string | undefined {
  const key = record.dynamodb?.Keys?.[keyName];
  return key !== undefined && "S" in key ? key.S : undefined;
}

function toLambdaAttributeValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  throw new Error(`Unknown attribute value ${JSON.stringify(value)}`);
}

function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttributeValue(value)]));
}

/**
 * A GetRecords record as Lambda delivers it: `ApproximateCreationDateTime` in epoch seconds, binary values
 * base64-encoded, and `eventSourceARN` set to the stream ARN.
 */
export function toLambdaRecord(record: StreamsRecord, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb;
  if (stream === undefined) throw new Error(`Stream record ${record.eventID ?? "?"} has no dynamodb section`);
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? "aws:dynamodb",
    awsRegion: record.awsRegion ?? LOCAL_REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime !== undefined ? { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(stream.Keys !== undefined ? { Keys: toLambdaImage(stream.Keys) } : {}),
      ...(stream.NewImage !== undefined ? { NewImage: toLambdaImage(stream.NewImage) } : {}),
      ...(stream.OldImage !== undefined ? { OldImage: toLambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
  };
}

export function toStreamEvent(records: readonly StreamsRecord[], streamArn: string): DynamoDBStreamEvent {
  return { Records: records.map((r) => toLambdaRecord(r, streamArn)) };
}
