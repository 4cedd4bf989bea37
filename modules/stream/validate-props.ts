import { PropsValidator } from "../core/validation";
import type { StreamProps } from "./index";

export function validateStreamProps(path: string, props: StreamProps): void {
  const v = new PropsValidator("Stream", path);
  v.string("name", props.name, {
    min: 1,
    max: 128,
    pattern: /^[a-zA-Z0-9_.-]+$/,
    describe: "1–128 characters of [a-zA-Z0-9_.-]",
    fix: 'use a short kebab-case name such as "activity"',
  });
  v.oneOf("capacityMode", props.capacityMode, ["ON_DEMAND", "PROVISIONED"] as const, 'set capacityMode to "ON_DEMAND" or "PROVISIONED"');
  const mode = props.capacityMode ?? "ON_DEMAND";
  if (mode === "PROVISIONED") {
    if (props.shardCount === undefined) {
      v.add({
        prop: "shardCount",
        received: undefined,
        allowed: 'an integer ≥ 1 with capacityMode "PROVISIONED"',
        fix: 'set shardCount (each shard takes 1 MB/s or 1000 records/s in, 2 MB/s out), or use capacityMode "ON_DEMAND"',
      });
    } else {
      v.integer("shardCount", props.shardCount, 1, 10000, "set shardCount between 1 and 10000 (and within the account's shard quota)");
    }
  } else if (props.shardCount !== undefined) {
    v.add({
      prop: "shardCount",
      received: props.shardCount,
      allowed: 'unset with capacityMode "ON_DEMAND" (Kinesis manages the shards)',
      fix: 'remove shardCount, or set capacityMode: "PROVISIONED"',
    });
  }
  v.integer("retentionHours", props.retentionHours, 24, 8760, "set retentionHours between 24 (1 day) and 8760 (365 days)");
  v.throwIfInvalid();
}
