/** The stream poller's shard handling, against an in-memory stream (moto cannot keep a split parent's records). */
import { SILENT_LOG } from "../types";
import type { EventSourceMappingConfig } from "./config";
import { sourceContext } from "./context";
import type { ShardDescription, ShardPosition, StreamReader, StreamRecord } from "./stream-reader";
import { startStreamSource } from "./stream-source";
import { delay, FUNCTION_ARN, ok, scriptedInvoke, waitFor } from "./test-kit";

/** Shards of records in memory; a closed shard read to its end returns no next iterator, as Kinesis does. */
class MemoryStream implements StreamReader {
  readonly batchInfoKey = "KinesisBatchInfo" as const;
  readonly maxRecordsPerRead = 100;
  readonly shards: ShardDescription[] = [];
  private readonly records = new Map<string, StreamRecord[]>();
  formatArrival = (arrival: Date): string => arrival.toISOString();

  addShard(shardId: string, sequenceNumbers: readonly number[], parentShardId?: string): void {
    this.shards.push({ shardId, parentShardId });
    this.records.set(shardId, []);
    this.append(shardId, sequenceNumbers);
  }

  append(shardId: string, sequenceNumbers: readonly number[]): void {
    const list = this.records.get(shardId) ?? [];
    for (const n of sequenceNumbers) list.push({ sequenceNumber: String(n), arrival: new Date(), event: { shardId, sequenceNumber: String(n) } });
  }

  close(shardId: string): void {
    const index = this.shards.findIndex((s) => s.shardId === shardId);
    const list = this.records.get(shardId) ?? [];
    this.shards[index] = { ...this.shards[index], endingSequenceNumber: list.at(-1)?.sequenceNumber ?? "0" };
  }

  async listShards(): Promise<readonly ShardDescription[]> {
    return [...this.shards];
  }

  async shardIterator(shardId: string, position: ShardPosition): Promise<string> {
    const list = this.records.get(shardId) ?? [];
    if (position.type !== "AFTER_SEQUENCE_NUMBER") return `${shardId}#${position.type === "LATEST" ? list.length : 0}`;
    const after = BigInt(position.sequenceNumber);
    const index = list.filter((r) => BigInt(r.sequenceNumber) <= after).length;
    return `${shardId}#${index}`;
  }

  async getRecords(shardId: string, iterator: string, limit: number): Promise<{ records: StreamRecord[]; nextIterator: string | undefined }> {
    const index = Number(iterator.split("#")[1]);
    const list = this.records.get(shardId) ?? [];
    const records = list.slice(index, index + limit);
    const next = index + records.length;
    const closed = this.shards.find((s) => s.shardId === shardId)?.endingSequenceNumber !== undefined;
    return { records, nextIterator: closed && next >= list.length ? undefined : `${shardId}#${next}` };
  }
}

function startOn(stream: MemoryStream, overrides: Partial<EventSourceMappingConfig>, invoke: ReturnType<typeof scriptedInvoke>["invoke"]) {
  const config: EventSourceMappingConfig = {
    uuid: "esm-memory",
    functionArn: FUNCTION_ARN,
    eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/memory",
    enabled: true,
    batchSize: 1,
    maximumBatchingWindowInSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    ...overrides,
  };
  const endpoint = "http://127.0.0.1:9";
  const ctx = sourceContext(config, { invoke, endpoints: { sqs: endpoint, sns: endpoint, kinesis: endpoint, dynamodbStreams: endpoint }, log: SILENT_LOG, idlePollMs: 20 });
  return startStreamSource(ctx, { reader: stream, destination: undefined, close: () => undefined });
}

const delivered = (seen: ReturnType<typeof scriptedInvoke>["seen"]): string[] => seen.flatMap((s) => s.records.map((r) => `${r.shardId as string}/${r.sequenceNumber as string}`));

test("a closed parent shard is read to its end before its child shards start, each shard in order", async () => {
  const stream = new MemoryStream();
  stream.addShard("parent", [1, 2, 3]);
  stream.close("parent");
  stream.addShard("child-a", [4, 5], "parent");
  stream.addShard("child-b", [6, 7], "parent");
  // A slow function: children started early would interleave with the parent's records.
  const { invoke, seen } = scriptedInvoke(async () => {
    await delay(30);
    return ok();
  });
  const source = startOn(stream, {}, invoke);

  await waitFor("all seven records", () => seen.length >= 7);
  await source.idle();
  await source.stop();

  const order = delivered(seen);
  expect(order.slice(0, 3)).toEqual(["parent/1", "parent/2", "parent/3"]);
  expect(order.filter((r) => r.startsWith("child-a"))).toEqual(["child-a/4", "child-a/5"]);
  expect(order.filter((r) => r.startsWith("child-b"))).toEqual(["child-b/6", "child-b/7"]);
});

test("with LATEST, closed shards are skipped and open ones start at their end, while a shard appearing later is read from its start", async () => {
  const stream = new MemoryStream();
  stream.addShard("old-parent", [1, 2]);
  stream.close("old-parent");
  stream.addShard("open", [3, 4], "old-parent");
  const { invoke, seen } = scriptedInvoke(() => ok());
  const source = startOn(stream, { startingPosition: "LATEST", batchSize: 10 }, invoke);
  await source.idle();

  stream.append("open", [5]);
  stream.addShard("new", [100, 101]);
  await waitFor("the new records", () => seen.flatMap((s) => s.records).length >= 3);
  await source.idle();
  await source.stop();

  expect(delivered(seen).sort()).toEqual(["new/100", "new/101", "open/5"]);
});

test("stop() leaves no timer behind and reads nothing afterwards", async () => {
  const realSetTimeout = global.setTimeout;
  const realClearTimeout = global.clearTimeout;
  const pending = new Set<unknown>();
  const setTimeoutSpy = jest.spyOn(global, "setTimeout").mockImplementation(((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = realSetTimeout(() => {
      pending.delete(handle);
      callback(...args);
    }, ms);
    pending.add(handle);
    return handle;
  }) as typeof setTimeout);
  const clearTimeoutSpy = jest.spyOn(global, "clearTimeout").mockImplementation((handle) => {
    pending.delete(handle);
    realClearTimeout(handle);
  });
  try {
    const stream = new MemoryStream();
    stream.addShard("only", [1]);
    const reads = jest.spyOn(stream, "getRecords");
    const listings = jest.spyOn(stream, "listShards");
    const { invoke, seen } = scriptedInvoke(() => ok());
    const source = startOn(stream, {}, invoke);
    await waitFor("the record", () => seen.length >= 1);
    await source.idle();

    await source.stop();

    expect(pending.size).toBe(0);
    const calls = reads.mock.calls.length + listings.mock.calls.length;
    await new Promise((resolve) => realSetTimeout(resolve, 200));
    expect(reads.mock.calls.length + listings.mock.calls.length).toBe(calls);
  } finally {
    setTimeoutSpy.mockRestore();
    clearTimeoutSpy.mockRestore();
  }
});
