/** Kinesis event source mappings against moto: order, Lambda's retries, bisection, partial batches, destinations, checkpoints. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { startMoto, type Moto } from "../../emulators/moto";
import { LOCAL_AWS, SILENT_LOG, type InvokeFunction } from "../types";
import type { CheckpointStore, EventSourceMappingConfig, RunningEventSource } from "./config";
import { fileCheckpointStore, startEventSource } from "./index";
import { createQueue, delay, failed, FUNCTION_ARN, ok, receiveAll, scriptedInvoke, uniqueName, waitFor } from "./test-kit";

let moto: Moto;
let sqs: SQSClient;
let sns: SNSClient;
let kinesis: KinesisClient;
let dir: string;
const running: RunningEventSource[] = [];

beforeAll(async () => {
  moto = await startMoto();
  const base = { endpoint: moto.endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials };
  sqs = new SQSClient(base);
  sns = new SNSClient(base);
  // moto speaks HTTP/1.1 only; Kinesis's client defaults to HTTP/2.
  kinesis = new KinesisClient({ ...base, requestHandler: new SQSClient(base).config.requestHandler });
  dir = mkdtempSync(join(tmpdir(), "esm-kinesis-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  kinesis.destroy();
  sns.destroy();
  sqs.destroy();
  rmSync(dir, { recursive: true, force: true });
  await moto.stop();
});

async function createStream(): Promise<string> {
  const name = uniqueName("stream");
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  return `arn:aws:kinesis:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:stream/${name}`;
}

/** Puts records in order; returns their sequence numbers. */
async function put(streamArn: string, datas: readonly string[]): Promise<string[]> {
  const sequenceNumbers: string[] = [];
  for (const data of datas) {
    const out = await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: "pk", Data: Buffer.from(data) }));
    sequenceNumbers.push(out.SequenceNumber ?? "");
  }
  return sequenceNumbers;
}

function mapping(streamArn: string, overrides: Partial<EventSourceMappingConfig> = {}): EventSourceMappingConfig {
  return {
    uuid: uniqueName("esm"),
    functionArn: FUNCTION_ARN,
    eventSourceArn: streamArn,
    enabled: true,
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    ...overrides,
  };
}

function start(config: EventSourceMappingConfig, invoke: InvokeFunction, checkpoints?: CheckpointStore): RunningEventSource {
  const endpoint = moto.endpoint;
  const source = startEventSource(config, {
    invoke,
    endpoints: { sqs: endpoint, sns: endpoint, kinesis: endpoint, dynamodbStreams: endpoint },
    log: SILENT_LOG,
    checkpoints,
    idlePollMs: 50,
  });
  running.push(source);
  return source;
}

const dataOf = (record: Record<string, unknown>): string => Buffer.from((record.kinesis as { data: string }).data, "base64").toString();
const seqOf = (record: Record<string, unknown>): string => (record.kinesis as { sequenceNumber: string }).sequenceNumber;

async function failureDocuments(queueUrl: string, count: number): Promise<Array<Record<string, any>>> {
  const documents: Array<Record<string, any>> = [];
  await waitFor(`${count} on-failure record(s)`, async () => {
    for (const m of await receiveAll(sqs, queueUrl)) documents.push(JSON.parse(m.Body ?? "{}"));
    return documents.length >= count;
  });
  return documents;
}

test("records arrive in Lambda's Kinesis event shape, in sequence order, at most batchSize per invocation", async () => {
  const streamArn = await createStream();
  const datas = Array.from({ length: 25 }, (_, i) => `record-${i}`);
  const sequenceNumbers = await put(streamArn, datas);
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = start(mapping(streamArn, { functionRoleArn: "arn:aws:iam::123456789012:role/consumer-role" }), invoke);

  await waitFor("all 25 records", () => seen.flatMap((s) => s.records).length >= 25);
  await source.idle();

  expect(seen.map((s) => s.records.length)).toEqual([10, 10, 5]);
  const records = seen.flatMap((s) => s.records);
  expect(records.map(dataOf)).toEqual(datas);
  expect(records.map(seqOf)).toEqual(sequenceNumbers);
  const first = records[0];
  expect(first).toEqual({
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: "pk",
      sequenceNumber: sequenceNumbers[0],
      data: Buffer.from("record-0").toString("base64"),
      approximateArrivalTimestamp: expect.any(Number),
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${sequenceNumbers[0]}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/consumer-role",
    awsRegion: LOCAL_AWS.region,
    eventSourceARN: streamArn,
  });
  const arrival = (first.kinesis as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp;
  expect(Math.abs(arrival - Date.now() / 1000)).toBeLessThan(60);
});

test("with bisection a bad record among 8 is isolated: the others succeed once, it is retried maximumRetryAttempts times, its failure record reaches the destination and later records continue", async () => {
  const streamArn = await createStream();
  const destination = await createQueue(sqs, uniqueName("on-failure"));
  const sequenceNumbers = await put(
    streamArn,
    Array.from({ length: 8 }, (_, i) => `r${i}`),
  );
  const { invoke, seen } = scriptedInvoke((records) => (records.some((r) => dataOf(r) === "r5") ? failed("Error", "cannot handle r5") : ok()));
  const source = start(mapping(streamArn, { bisectBatchOnFunctionError: true, maximumRetryAttempts: 2, onFailureDestinationArn: destination.arn }), invoke);

  const [document] = await failureDocuments(destination.url, 1);
  await put(streamArn, ["r8", "r9"]);
  await waitFor("the later records", () => seen.some((s) => s.records.some((r) => dataOf(r) === "r9")));
  await source.idle();

  const succeeded = seen.filter((s) => !s.records.some((r) => dataOf(r) === "r5")).flatMap((s) => s.records.map(dataOf));
  expect(succeeded).toEqual(["r0", "r1", "r2", "r3", "r4", "r6", "r7", "r8", "r9"]);
  // 8 → 4 → 2 → 1 (splits consume no retry), then the lone record: 1 attempt + 2 retries.
  expect(seen.filter((s) => s.records.some((r) => dataOf(r) === "r5")).map((s) => s.records.length)).toEqual([8, 4, 2, 1, 1, 1]);
  expect(document).toEqual({
    requestContext: { requestId: expect.any(String), functionArn: FUNCTION_ARN, condition: "RetryAttemptsExhausted", approximateInvokeCount: 6 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    KinesisBatchInfo: {
      shardId: "shardId-000000000000",
      startSequenceNumber: sequenceNumbers[5],
      endSequenceNumber: sequenceNumbers[5],
      approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      batchSize: 1,
      streamArn,
    },
  });
  expect(await receiveAll(sqs, destination.url)).toEqual([]);
});

test("a partial batch response retries from the lowest failed sequence number only", async () => {
  const streamArn = await createStream();
  const sequenceNumbers = await put(streamArn, ["a", "b", "c", "d", "e"]);
  const { invoke, seen } = scriptedInvoke((records, call) =>
    call === 1 ? ok({ batchItemFailures: [{ itemIdentifier: seqOf(records[4]) }, { itemIdentifier: seqOf(records[2]) }] }) : ok({ batchItemFailures: [] }),
  );
  const source = start(mapping(streamArn, { functionResponseTypes: ["ReportBatchItemFailures"] }), invoke);

  await waitFor("the retry", () => seen.length >= 2);
  await source.idle();

  expect(seen.map((s) => s.records.map(dataOf))).toEqual([
    ["a", "b", "c", "d", "e"],
    ["c", "d", "e"],
  ]);
  expect(seqOf(seen[1].records[0])).toBe(sequenceNumbers[2]);
});

test("without a destination, exhausted retries drop the batch (after maximumRetryAttempts retries) and the shard moves on", async () => {
  const streamArn = await createStream();
  await put(streamArn, ["bad"]);
  const { invoke, seen } = scriptedInvoke((records) => (records.some((r) => dataOf(r) === "bad") ? failed() : ok()));
  const source = start(mapping(streamArn, { maximumRetryAttempts: 1 }), invoke);
  await waitFor("two attempts", () => seen.length >= 2);
  await put(streamArn, ["good"]);

  await waitFor("the next record", () => seen.some((s) => s.records.some((r) => dataOf(r) === "good")));
  await source.idle();

  expect(seen.map((s) => s.records.map(dataOf))).toEqual([["bad"], ["bad"], ["good"]]);
});

test("records older than maximumRecordAgeInSeconds are not invoked: a RecordAgeExceeded record goes to an SNS destination", async () => {
  const streamArn = await createStream();
  const topic = await sns.send(new CreateTopicCommand({ Name: uniqueName("failures") }));
  const subscriber = await createQueue(sqs, uniqueName("topic-subscriber"));
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: subscriber.arn, Attributes: { RawMessageDelivery: "true" } }));
  const [old] = await put(streamArn, ["old"]);
  await delay(1300);
  const { invoke } = scriptedInvoke(() => ok());
  start(mapping(streamArn, { maximumRecordAgeInSeconds: 1, onFailureDestinationArn: topic.TopicArn }), invoke);

  const [document] = await failureDocuments(subscriber.url, 1);

  expect(invoke).not.toHaveBeenCalled();
  expect(document.requestContext).toMatchObject({ condition: "RecordAgeExceeded", approximateInvokeCount: 0, functionArn: FUNCTION_ARN });
  expect(document.KinesisBatchInfo).toMatchObject({ startSequenceNumber: old, endSequenceNumber: old, batchSize: 1, streamArn });
});

test("a restarted source with the same checkpoint store resumes after the last checkpoint (no reprocessing)", async () => {
  const streamArn = await createStream();
  const path = join(dir, uniqueName("checkpoints") + ".json");
  const config = mapping(streamArn);
  const first = scriptedInvoke(() => ok());
  const before = await put(streamArn, ["one", "two", "three"]);
  const source = start(config, first.invoke, fileCheckpointStore(path));
  await waitFor("the first three", () => first.seen.flatMap((s) => s.records).length >= 3);
  await source.idle();
  await source.stop();
  expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ [`${config.uuid}:shardId-000000000000`]: before[2] });

  await put(streamArn, ["four", "five"]);
  const second = scriptedInvoke(() => ok());
  const restarted = start(config, second.invoke, fileCheckpointStore(path));
  await waitFor("the new records", () => second.seen.flatMap((s) => s.records).length >= 2);
  await restarted.idle();

  expect(second.seen.flatMap((s) => s.records.map(dataOf))).toEqual(["four", "five"]);
});

test("startingPosition LATEST skips the records already in the stream", async () => {
  const streamArn = await createStream();
  await put(streamArn, ["before-1", "before-2"]);
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = start(mapping(streamArn, { startingPosition: "LATEST" }), invoke);
  await source.idle();
  await put(streamArn, ["after"]);

  await waitFor("the new record", () => seen.length >= 1);
  await source.idle();

  expect(seen.flatMap((s) => s.records.map(dataOf))).toEqual(["after"]);
});

test("the batching window gathers records put after the first one into the same batch", async () => {
  const streamArn = await createStream();
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = start(mapping(streamArn, { batchSize: 5, maximumBatchingWindowInSeconds: 1 }), invoke);
  await source.idle();
  await put(streamArn, ["w1", "w2"]);
  await delay(300);
  await put(streamArn, ["w3"]);

  await waitFor("the batch", () => seen.length >= 1);
  await source.idle();

  expect(seen.map((s) => s.records.map(dataOf))).toEqual([["w1", "w2", "w3"]]);
});
