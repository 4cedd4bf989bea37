/** Policy rules of Firehose delivery streams (PLT-FH-*). */
import { block, blocks, bucketPointer, display, isExpression, isSet, refersTo, SSE_ALGORITHMS, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const FIREHOSE_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-FH-001",
    severity: "error",
    title: "Firehose S3 destinations encrypt delivered objects",
    why: "Delivered records (activity events with user ids) must be encrypted at rest: with the stream's kms_key_arn (SSE-KMS), or by the destination bucket's declared default encryption.",
    fix: "Use the DataLake module, or set extended_s3_configuration.kms_key_arn, or give the destination bucket an aws_s3_bucket_server_side_encryption_configuration in the same stack.",
    resourceTypes: ["aws_kinesis_firehose_delivery_stream"],
    check(r, ctx) {
      const dest = block(r.config.extended_s3_configuration) ?? block(r.config.s3_configuration);
      if (dest === undefined) return []; // not an S3 destination
      if (isSet(dest.kms_key_arn)) return [];
      const bucket = ctx.resources("aws_s3_bucket").find((b) => refersTo(dest.bucket_arn, b, "arn"));
      const encrypted =
        bucket !== undefined &&
        ctx
          .resources("aws_s3_bucket_server_side_encryption_configuration")
          .filter(bucketPointer(bucket))
          .flatMap((c) => blocks(c.config.rule))
          .some((rule) => {
            const a = block(rule.apply_server_side_encryption_by_default)?.sse_algorithm;
            return isExpression(a) || SSE_ALGORITHMS.has(a);
          });
      if (encrypted) return [];
      return [
        violation(
          `Delivery stream ${display(r, "name")} sets no kms_key_arn and its destination bucket ${bucket ? display(bucket, "bucket") : "(not in this stack)"} declares no default encryption here.`,
        ),
      ];
    },
  },
];
