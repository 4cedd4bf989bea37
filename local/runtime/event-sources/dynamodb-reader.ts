/** DynamoDB Streams behind the stream poller, and its records in Lambda's `DynamoDBStreamEvent` shape. */
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient, type _Record } from "@aws-sdk/client-dynamodb-streams";
import { toLambdaImage } from "./dynamodb-attributes";
import type { ShardDescription, StreamReader } from "./stream-reader";

/** One record of a DynamoDBStreamEvent: eventVersion 1.1, creation time in epoch seconds, images in DynamoDB JSON. */
export function toLambdaDynamoDbRecord(record: _Record, streamArn: string, region: string): unknown {
  const change = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: region,
    dynamodb: {
      ...(change.ApproximateCreationDateTime !== undefined ? { ApproximateCreationDateTime: Math.floor(change.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(change.Keys !== undefined ? { Keys: toLambdaImage(change.Keys) } : {}),
      ...(change.NewImage !== undefined ? { NewImage: toLambdaImage(change.NewImage) } : {}),
      ...(change.OldImage !== undefined ? { OldImage: toLambdaImage(change.OldImage) } : {}),
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType,
    },
    ...(record.userIdentity !== undefined ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
    eventSourceARN: streamArn,
  };
}

/** DescribeStream / GetShardIterator / GetRecords of one DynamoDB stream. */
export function dynamoDbStreamReader(client: DynamoDBStreamsClient, streamArn: string, region: string): StreamReader {
  return {
    batchInfoKey: "DDBStreamBatchInfo",
    maxRecordsPerRead: 1000,
    // Lambda writes DynamoDB arrival times to the second ("2019-11-14T00:13:19Z").
    formatArrival: (arrival) => arrival.toISOString().replace(/\.\d{3}Z$/, "Z"),
    async listShards(signal) {
      const shards: ShardDescription[] = [];
      let exclusiveStartShardId: string | undefined;
      do {
        const out = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }), { abortSignal: signal });
        for (const shard of out.StreamDescription?.Shards ?? []) {
          if (shard.ShardId === undefined) continue;
          shards.push({
            shardId: shard.ShardId,
            parentShardId: shard.ParentShardId,
            endingSequenceNumber: shard.SequenceNumberRange?.EndingSequenceNumber,
          });
        }
        exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId !== undefined);
      return shards;
    },
    async shardIterator(shardId, position, signal) {
      const out = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type,
          SequenceNumber: position.type === "AFTER_SEQUENCE_NUMBER" ? position.sequenceNumber : undefined,
        }),
        { abortSignal: signal },
      );
      return out.ShardIterator;
    },
    async getRecords(_shardId, iterator, limit, signal) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: signal });
      return {
        records: (out.Records ?? []).map((record) => ({
          sequenceNumber: record.dynamodb?.SequenceNumber ?? "0",
          arrival: record.dynamodb?.ApproximateCreationDateTime ?? new Date(),
          event: toLambdaDynamoDbRecord(record, streamArn, region),
        })),
        nextIterator: out.NextShardIterator,
      };
    },
  };
}
