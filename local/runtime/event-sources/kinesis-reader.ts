/** Kinesis Data Streams behind the stream poller, and its records in Lambda's `KinesisStreamEvent` shape. */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type _Record } from "@aws-sdk/client-kinesis";
import type { ShardDescription, StreamReader } from "./stream-reader";

/** Values every Kinesis record of the mapping carries. */
export interface KinesisRecordContext {
  readonly streamArn: string;
  readonly region: string;
  readonly invokeIdentityArn: string;
}

/** One record of a KinesisStreamEvent: data in base64, arrival in epoch seconds (with milliseconds). */
export function toLambdaKinesisRecord(record: _Record, shardId: string, context: KinesisRecordContext): unknown {
  const sequenceNumber = record.SequenceNumber ?? "";
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: record.PartitionKey ?? "",
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString("base64"),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
      ...(record.EncryptionType !== undefined && record.EncryptionType !== "NONE" ? { encryptionType: record.EncryptionType } : {}),
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: context.invokeIdentityArn,
    awsRegion: context.region,
    eventSourceARN: context.streamArn,
  };
}

/** ListShards / GetShardIterator / GetRecords of one Kinesis stream, addressed by its ARN. */
export function kinesisReader(client: KinesisClient, context: KinesisRecordContext): StreamReader {
  const streamArn = context.streamArn;
  return {
    batchInfoKey: "KinesisBatchInfo",
    maxRecordsPerRead: 10_000,
    formatArrival: (arrival) => arrival.toISOString(),
    async listShards(signal) {
      const shards: ShardDescription[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(new ListShardsCommand(nextToken === undefined ? { StreamARN: streamArn } : { NextToken: nextToken }), { abortSignal: signal });
        for (const shard of out.Shards ?? []) {
          if (shard.ShardId === undefined) continue;
          shards.push({
            shardId: shard.ShardId,
            parentShardId: shard.ParentShardId,
            adjacentParentShardId: shard.AdjacentParentShardId,
            endingSequenceNumber: shard.SequenceNumberRange?.EndingSequenceNumber,
          });
        }
        nextToken = out.NextToken;
      } while (nextToken !== undefined);
      return shards;
    },
    async shardIterator(shardId, position, signal) {
      const out = await client.send(
        new GetShardIteratorCommand({
          StreamARN: streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type,
          StartingSequenceNumber: position.type === "AFTER_SEQUENCE_NUMBER" ? position.sequenceNumber : undefined,
        }),
        { abortSignal: signal },
      );
      return out.ShardIterator;
    },
    async getRecords(shardId, iterator, limit, signal) {
      const out = await client.send(new GetRecordsCommand({ StreamARN: streamArn, ShardIterator: iterator, Limit: limit }), { abortSignal: signal });
      return {
        records: (out.Records ?? []).map((record) => ({
          sequenceNumber: record.SequenceNumber ?? "0",
          arrival: record.ApproximateArrivalTimestamp ?? new Date(),
          event: toLambdaKinesisRecord(record, shardId, context),
        })),
        nextIterator: out.NextShardIterator,
      };
    },
  };
}
