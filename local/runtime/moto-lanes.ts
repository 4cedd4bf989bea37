/**
 * moto 5.2.1 is not safe under some concurrent requests, so the local endpoint sends those to it one at a time, each
 * kind in its own lane (the gateway's `lane` option; other requests, and other lanes, stay concurrent):
 * - Kinesis writes: moto loses records under concurrent PutRecords. Measured: 40 concurrent PutRecords of 100
 *   records to one shard, all acknowledged, stored 3,983 of 4,000 (the shard's next sequence number is read and used
 *   without a lock, so a concurrent put overwrites a record at the same number). Reads are not affected.
 * - Cognito (every call): moto iterates a user pool's users while another request adds one (`_get_user` in
 *   moto/cognitoidp/models.py): `RuntimeError: OrderedDict mutated during iteration`, answered as an HTML 500 page or
 *   a dropped connection. Measured: 1,000 users signing up and in, 4 at a time, failed within the first seconds.
 * AWS does neither. Lanes serialise only the call to moto, not what a handler does around it (the post-confirmation
 * trigger runs outside the lane).
 */
import type { GatewayRequest } from "./gateway";

const KINESIS_WRITES = new Set(["Kinesis_20131202.PutRecord", "Kinesis_20131202.PutRecords"]);

/** The lane a request to moto must wait in, or undefined (sent at once). */
export function motoLane(req: Pick<GatewayRequest, "service" | "target">): string | undefined {
  if (req.service === "kinesis" && req.target !== undefined && KINESIS_WRITES.has(req.target)) return "kinesis-writes";
  if (req.service === "cognito-idp") return "cognito-idp";
  return undefined;
}
