/** DynamoDB Streams event source mappings against DynamoDB Local (jest's global setup) and moto (the destination). */
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { dynamoDbEndpoint } from "../../../test/support/local-aws";
import { startMoto, type Moto } from "../../emulators/moto";
import { LOCAL_AWS, SILENT_LOG, type InvokeFunction } from "../types";
import type { EventSourceMappingConfig, RunningEventSource } from "./config";
import { startEventSource } from "./index";
import { createQueue, failed, FUNCTION_ARN, ok, receiveAll, scriptedInvoke, uniqueName, waitFor } from "./test-kit";

let moto: Moto;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
const running: RunningEventSource[] = [];

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({ endpoint: moto.endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
  dynamodb = new DynamoDBClient({ endpoint: dynamoDbEndpoint(), region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  dynamodb.destroy();
  sqs.destroy();
  await moto.stop();
});

/** A table keyed by `pk` with a NEW_AND_OLD_IMAGES stream; returns its name and stream ARN. */
async function createTable(): Promise<{ table: string; streamArn: string }> {
  const table = uniqueName("esm-table");
  const out = await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    }),
  );
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: table });
  const streamArn = out.TableDescription?.LatestStreamArn;
  if (streamArn === undefined) throw new Error("no stream ARN");
  return { table, streamArn };
}

function start(config: Partial<EventSourceMappingConfig> & { eventSourceArn: string }, invoke: InvokeFunction): RunningEventSource {
  const source = startEventSource(
    { uuid: uniqueName("esm"), functionArn: FUNCTION_ARN, enabled: true, batchSize: 10, maximumBatchingWindowInSeconds: 0, startingPosition: "TRIM_HORIZON", ...config },
    {
      invoke,
      endpoints: { sqs: moto.endpoint, sns: moto.endpoint, kinesis: moto.endpoint, dynamodbStreams: dynamoDbEndpoint() },
      log: SILENT_LOG,
      idlePollMs: 50,
    },
  );
  running.push(source);
  return source;
}

const pkOf = (record: Record<string, any>): string => record.dynamodb.Keys.pk.S;

test("INSERT, MODIFY and REMOVE arrive in order in Lambda's DynamoDB event shape, with keys and images in DynamoDB JSON", async () => {
  const { table, streamArn } = await createTable();
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = start({ eventSourceArn: streamArn }, invoke);
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "user-1" }, n: { N: "1" }, blob: { B: Buffer.from("bytes") }, tags: { SS: ["a"] } } }));
  await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: "user-1" } }, UpdateExpression: "SET n = :n", ExpressionAttributeValues: { ":n": { N: "2" } } }));
  await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "user-1" } } }));

  await waitFor("three stream records", () => seen.flatMap((s) => s.records).length >= 3);
  await source.idle();

  const records = seen.flatMap((s) => s.records) as Array<Record<string, any>>;
  expect(records.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
  const sequenceNumbers = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  expect([...sequenceNumbers].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequenceNumbers);
  const image = { pk: { S: "user-1" }, n: { N: "1" }, blob: { B: Buffer.from("bytes").toString("base64") }, tags: { SS: ["a"] } };
  expect(records[0]).toEqual({
    eventID: expect.any(String),
    eventName: "INSERT",
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: LOCAL_AWS.region,
    dynamodb: {
      ApproximateCreationDateTime: expect.any(Number),
      Keys: { pk: { S: "user-1" } },
      NewImage: image,
      SequenceNumber: expect.stringMatching(/^\d+$/),
      SizeBytes: expect.any(Number),
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    eventSourceARN: streamArn,
  });
  expect(records[1].dynamodb.OldImage).toEqual(image);
  expect(records[1].dynamodb.NewImage).toEqual({ ...image, n: { N: "2" } });
  expect(records[2].dynamodb.OldImage).toEqual({ ...image, n: { N: "2" } });
  expect(records[2].dynamodb.NewImage).toBeUndefined();
});

test("a failing batch is retried maximumRetryAttempts times, its DDBStreamBatchInfo reaches the destination and later records continue", async () => {
  const { table, streamArn } = await createTable();
  const destination = await createQueue(sqs, uniqueName("ddb-on-failure"));
  const { invoke, seen } = scriptedInvoke((records) => (records.some((r) => pkOf(r).startsWith("bad")) ? failed("TypeError", "cannot read") : ok()));
  const source = start({ eventSourceArn: streamArn, maximumRetryAttempts: 1, onFailureDestinationArn: destination.arn }, invoke);
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "bad-1" } } }));

  const [message] = await waitFor("the on-failure record", async () => {
    const messages = await receiveAll(sqs, destination.url);
    return messages.length > 0 && messages;
  });
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "good-1" } } }));
  await waitFor("the later record", () => seen.some((s) => s.records.some((r) => pkOf(r) === "good-1")));
  await source.idle();

  const badAttempts = seen.filter((s) => s.records.some((r) => pkOf(r) === "bad-1"));
  expect(badAttempts).toHaveLength(2);
  const badRecord = badAttempts[0].records[0] as Record<string, any>;
  const document = JSON.parse(message.Body ?? "{}");
  expect(document).toEqual({
    requestContext: { requestId: expect.any(String), functionArn: FUNCTION_ARN, condition: "RetryAttemptsExhausted", approximateInvokeCount: 2 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: expect.any(String),
    DDBStreamBatchInfo: {
      shardId: expect.stringMatching(/^shardId-/),
      startSequenceNumber: badRecord.dynamodb.SequenceNumber,
      endSequenceNumber: badRecord.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      batchSize: 1,
      streamArn,
    },
  });
  expect(seen.at(-1)?.records.map(pkOf)).toEqual(["good-1"]);
});
