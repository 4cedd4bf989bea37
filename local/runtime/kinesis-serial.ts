/**
 * moto 5.2.1 loses Kinesis records under concurrent writes: measured, 40 concurrent PutRecords of 100 records to one
 * shard, all acknowledged, stored 3,983 of 4,000 (the shard's next sequence number is read and used without a lock,
 * so a concurrent put overwrites a record at the same number). AWS never does this, so the local endpoint sends
 * PutRecord/PutRecords to moto one at a time; reads are not affected.
 */
import type { GatewayHandler } from "./gateway";

const WRITES = new Set(["Kinesis_20131202.PutRecord", "Kinesis_20131202.PutRecords"]);

export function serializeKinesisWrites(): GatewayHandler {
  let tail: Promise<unknown> = Promise.resolve();
  return async (req, forward) => {
    if (req.service !== "kinesis" || req.target === undefined || !WRITES.has(req.target)) return undefined;
    const answer = tail.then(() => forward());
    tail = answer.catch(() => undefined);
    return answer;
  };
}
