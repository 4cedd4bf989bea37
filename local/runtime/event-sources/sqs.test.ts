/** SQS event source mappings against moto: Lambda's deletes, redeliveries, partial batches, redrive and batching. */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startMoto, type Moto } from "../../emulators/moto";
import { LOCAL_AWS, SILENT_LOG, type InvokeFunction } from "../types";
import type { EventSourceMappingConfig, RunningEventSource } from "./config";
import { startEventSource } from "./index";
import { createQueue, delay, failed, FUNCTION_ARN, memoryLog, ok, queueDepth, receiveAll, scriptedInvoke, uniqueName, waitFor } from "./test-kit";

let moto: Moto;
let sqs: SQSClient;
const running: RunningEventSource[] = [];

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({ endpoint: moto.endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  sqs.destroy();
  await moto.stop();
});

function mapping(queueArn: string, overrides: Partial<EventSourceMappingConfig> = {}): EventSourceMappingConfig {
  return { uuid: uniqueName("esm"), functionArn: FUNCTION_ARN, eventSourceArn: queueArn, enabled: true, batchSize: 10, maximumBatchingWindowInSeconds: 0, ...overrides };
}

function start(config: EventSourceMappingConfig, invoke: InvokeFunction, extra: { sqsRetryDelaySeconds?: number; log?: ReturnType<typeof memoryLog> } = {}): RunningEventSource {
  const endpoint = moto.endpoint;
  const source = startEventSource(config, {
    invoke,
    endpoints: { sqs: endpoint, sns: endpoint, kinesis: endpoint, dynamodbStreams: endpoint },
    log: extra.log ?? SILENT_LOG,
    sqsRetryDelaySeconds: extra.sqsRetryDelaySeconds,
  });
  running.push(source);
  return source;
}

async function sendBodies(queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })) }));
  }
}

const bodiesOf = (records: ReadonlyArray<Record<string, unknown>>): string[] => records.map((r) => r.body as string);

test("a successful batch is delivered in Lambda's SQS event shape and then deleted from the queue", async () => {
  const queue = await createQueue(sqs, uniqueName("ok"));
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: "hello",
      MessageAttributes: {
        color: { DataType: "String", StringValue: "blue" },
        blob: { DataType: "Binary", BinaryValue: Buffer.from("bytes") },
      },
    }),
  );
  await sendBodies(queue.url, ["second"]);
  const { invoke, seen } = scriptedInvoke(() => ok({}));
  const source = start(mapping(queue.arn), invoke);

  await waitFor("both messages delivered", () => seen.flatMap((s) => s.records).length >= 2);
  await source.idle();

  const record = seen.flatMap((s) => s.records).find((r) => r.body === "hello");
  expect(seen[0].functionArn).toBe(FUNCTION_ARN);
  expect(record).toMatchObject({
    body: "hello",
    eventSource: "aws:sqs",
    eventSourceARN: queue.arn,
    awsRegion: LOCAL_AWS.region,
    md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
    md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: expect.stringMatching(/^\d+$/),
      SenderId: expect.any(String),
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
    },
    messageAttributes: {
      color: { stringValue: "blue", stringListValues: [], binaryListValues: [], dataType: "String" },
      blob: { binaryValue: Buffer.from("bytes").toString("base64"), stringListValues: [], binaryListValues: [], dataType: "Binary" },
    },
  });
  expect(typeof record?.messageId).toBe("string");
  expect(typeof record?.receiptHandle).toBe("string");
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
});

test("a partial batch response deletes the successes and the failed message is redelivered (ApproximateReceiveCount 2)", async () => {
  const queue = await createQueue(sqs, uniqueName("partial"));
  await sendBodies(queue.url, ["a", "b", "c"]);
  const { invoke, seen } = scriptedInvoke((records, call) => {
    if (call > 1) return ok(null);
    const b = records.find((r) => r.body === "b");
    return ok({ batchItemFailures: [{ itemIdentifier: b?.messageId }] });
  });
  const source = start(mapping(queue.arn, { functionResponseTypes: ["ReportBatchItemFailures"] }), invoke, { sqsRetryDelaySeconds: 0 });

  await waitFor("the redelivery", () => seen.length >= 2 && seen[1]);
  await source.idle();

  expect(bodiesOf(seen[0].records).sort()).toEqual(["a", "b", "c"]);
  expect(bodiesOf(seen[1].records)).toEqual(["b"]);
  expect((seen[1].records[0].attributes as Record<string, string>).ApproximateReceiveCount).toBe("2");
  expect(seen).toHaveLength(2);
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
});

test("an invalid partial batch response (unknown itemIdentifier) fails the whole batch", async () => {
  const queue = await createQueue(sqs, uniqueName("invalid"));
  await sendBodies(queue.url, ["a", "b"]);
  const log = memoryLog();
  const { invoke, seen } = scriptedInvoke((_records, call) => (call === 1 ? ok({ batchItemFailures: [{ itemIdentifier: "not-a-message-id" }] }) : ok()));
  const source = start(mapping(queue.arn, { functionResponseTypes: ["ReportBatchItemFailures"] }), invoke, { sqsRetryDelaySeconds: 0, log });

  await waitFor("both messages redelivered", () => seen.slice(1).flatMap((s) => s.records).length >= 2);
  await source.idle();

  expect(bodiesOf(seen.slice(1).flatMap((s) => s.records)).sort()).toEqual(["a", "b"]);
  expect(log.lines.some((l) => l.includes("invalid partial batch response"))).toBe(true);
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
});

test("a payload with batchItemFailures is ignored when the mapping does not enable ReportBatchItemFailures", async () => {
  const queue = await createQueue(sqs, uniqueName("no-rbif"));
  await sendBodies(queue.url, ["a"]);
  const { invoke, seen } = scriptedInvoke((records) => ok({ batchItemFailures: [{ itemIdentifier: records[0].messageId }] }));
  const source = start(mapping(queue.arn), invoke, { sqsRetryDelaySeconds: 0 });

  await waitFor("the delivery", () => seen.length >= 1);
  await source.idle();

  expect(seen).toHaveLength(1);
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
});

test("a function error deletes nothing: the batch comes back after the queue's visibility timeout", async () => {
  const queue = await createQueue(sqs, uniqueName("error"), { VisibilityTimeout: "1" });
  await sendBodies(queue.url, ["x", "y"]);
  const { invoke, seen } = scriptedInvoke((_records, call) => (call === 1 ? failed("Sandbox.Timedout", "Task timed out after 3.00 seconds") : ok()));
  const source = start(mapping(queue.arn), invoke);

  await waitFor("the redelivery", () => seen.length >= 2);
  await source.idle();

  expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(900);
  expect(bodiesOf(seen[1].records).sort()).toEqual(["x", "y"]);
  expect(seen[1].records.map((r) => (r.attributes as Record<string, string>).ApproximateReceiveCount)).toEqual(["2", "2"]);
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
});

test("a poison message moves to the dead-letter queue after maxReceiveCount receives (the queue's redrive)", async () => {
  const dlq = await createQueue(sqs, uniqueName("dlq"));
  const queue = await createQueue(sqs, uniqueName("poison"), {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: "2" }),
  });
  await sendBodies(queue.url, ["poison"]);
  const { invoke, seen } = scriptedInvoke(() => failed("Error", "cannot parse"));
  const source = start(mapping(queue.arn), invoke, { sqsRetryDelaySeconds: 0 });

  const inDlq = await waitFor("the message in the DLQ", async () => {
    const messages = await receiveAll(sqs, dlq.url);
    return messages.length > 0 && messages;
  });
  await source.idle();

  expect(inDlq.map((m) => m.Body)).toEqual(["poison"]);
  expect(seen).toHaveLength(2);
  expect(seen.map((s) => (s.records[0].attributes as Record<string, string>).ApproximateReceiveCount)).toEqual(["1", "2"]);
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
});

test("batches hold at most batchSize messages, and a short batch waits out the batching window", async () => {
  const queue = await createQueue(sqs, uniqueName("batching"));
  await sendBodies(
    queue.url,
    Array.from({ length: 10 }, (_, i) => `m${i}`),
  );
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = start(mapping(queue.arn, { batchSize: 4, maximumBatchingWindowInSeconds: 1 }), invoke);

  await waitFor("all ten delivered", () => seen.flatMap((s) => s.records).length >= 10);
  await source.idle();

  expect(seen.map((s) => s.records.length)).toEqual([4, 4, 2]);
  expect(bodiesOf(seen.flatMap((s) => s.records)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  // The last two were all the queue had: the poller kept gathering until the 1 s window closed.
  expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(900);
});

test("a batch above 10 messages is gathered over several ReceiveMessage calls within the window", async () => {
  const queue = await createQueue(sqs, uniqueName("big"));
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = start(mapping(queue.arn, { batchSize: 25, maximumBatchingWindowInSeconds: 2 }), invoke);
  await sendBodies(
    queue.url,
    Array.from({ length: 15 }, (_, i) => `early${i}`),
  );
  await delay(400);
  await sendBodies(
    queue.url,
    Array.from({ length: 10 }, (_, i) => `late${i}`),
  );

  await waitFor("the batch", () => seen.length >= 1);
  await source.idle();

  expect(seen.map((s) => s.records.length)).toEqual([25]);
});

test("a batch size above 10 without a batching window is refused, as Lambda does", () => {
  expect(() =>
    startEventSource(mapping("arn:aws:sqs:us-east-1:123456789012:q", { batchSize: 11 }), {
      invoke: jest.fn(),
      endpoints: { sqs: moto.endpoint, sns: moto.endpoint, kinesis: moto.endpoint, dynamodbStreams: moto.endpoint },
    }),
  ).toThrow(/batchSize 11 > 10 needs maximumBatchingWindowInSeconds/);
});

test("a disabled mapping polls nothing", async () => {
  const queue = await createQueue(sqs, uniqueName("disabled"));
  await sendBodies(queue.url, ["untouched"]);
  const { invoke } = scriptedInvoke(() => ok());
  const source = start(mapping(queue.arn, { enabled: false }), invoke);
  await source.idle();
  await delay(1200);

  expect(invoke).not.toHaveBeenCalled();
  const [message] = await receiveAll(sqs, queue.url);
  expect(message.Attributes?.ApproximateReceiveCount).toBe("1");
});

test("stop() lets the invocation in flight finish (its messages are deleted) and then polls no more", async () => {
  const queue = await createQueue(sqs, uniqueName("stop"));
  await sendBodies(queue.url, ["in-flight"]);
  let release: () => void = () => undefined;
  const { invoke, seen } = scriptedInvoke(() => new Promise((resolve) => (release = () => resolve(ok()))));
  const source = start(mapping(queue.arn), invoke);
  await waitFor("the invocation", () => seen.length === 1);

  let stopped = false;
  const stopping = source.stop().then(() => (stopped = true));
  await delay(200);
  expect(stopped).toBe(false);
  release();
  await stopping;

  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  await sendBodies(queue.url, ["after-stop"]);
  await delay(1200);
  expect(seen).toHaveLength(1);
  expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 1, inFlight: 0 });
});
