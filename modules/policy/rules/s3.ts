/** Policy rules of S3 buckets (PLT-S3-*). */
import { block, blocks, bucketPointer, display, isExpression, isOn, PUBLIC_ACCESS_FLAGS, SSE_ALGORITHMS, tlsOnly, violation } from "./helpers";
import type { PolicyRule, ResourceView } from "./types";

export const S3_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-S3-001",
    severity: "error",
    title: "S3 buckets block all public access",
    why: "A bucket policy or ACL mistake must never publish data; the four public access block flags make S3 refuse public grants outright.",
    fix: "Use the Bucket module, or add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      const fullyBlocked = (b: ResourceView) => PUBLIC_ACCESS_FLAGS.every((f) => isOn(b.config[f]));
      if (ctx.resources("aws_s3_account_public_access_block").some(fullyBlocked)) return [];
      const own = ctx.resources("aws_s3_bucket_public_access_block").filter(bucketPointer(r));
      if (own.length === 0) return [violation(`Bucket ${display(r, "bucket")} has no aws_s3_bucket_public_access_block.`)];
      const off = PUBLIC_ACCESS_FLAGS.filter((f) => !own.some((b) => isOn(b.config[f])));
      return off.length > 0 ? [violation(`Bucket ${display(r, "bucket")}: public access block leaves ${off.join(", ")} off.`)] : [];
    },
  },
  {
    id: "PLT-S3-002",
    severity: "error",
    title: "S3 buckets declare default encryption at rest",
    why: "Encryption at rest is declared, reviewable and KMS-ready instead of left to account defaults.",
    fix: "Use the Bucket module, or add an aws_s3_bucket_server_side_encryption_configuration for the bucket (sse_algorithm AES256 or aws:kms).",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      const algorithms = [
        ...blocks(block(r.config.server_side_encryption_configuration)?.rule),
        ...ctx
          .resources("aws_s3_bucket_server_side_encryption_configuration")
          .filter(bucketPointer(r))
          .flatMap((c) => blocks(c.config.rule)),
      ].map((rule) => block(rule.apply_server_side_encryption_by_default)?.sse_algorithm);
      if (algorithms.some((a) => isExpression(a) || SSE_ALGORITHMS.has(a))) return [];
      return [
        violation(`Bucket ${display(r, "bucket")} has no server-side encryption configuration${algorithms.length ? ` with a known algorithm (${algorithms.join(", ")})` : ""}.`),
      ];
    },
  },
  {
    id: "PLT-S3-003",
    severity: "error",
    title: "S3 bucket policies deny requests without TLS",
    why: "Objects must never travel in clear text; a Deny on aws:SecureTransport false refuses plain HTTP for every principal.",
    fix: 'Use the Bucket module, or add to the bucket policy a Deny for principal "*" on s3:* (bucket and objects) with Condition Bool aws:SecureTransport "false".',
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      return tlsOnly(r, ctx, `Bucket ${display(r, "bucket")}`, "s3:*", "policy", "aws_s3_bucket_policy", bucketPointer(r));
    },
  },
  {
    id: "PLT-S3-004",
    severity: "error",
    title: "S3 CORS rules name the web origins they serve",
    why: 'Direct uploads and downloads (presigned POST/GET) are meant for the platform\'s own web app; a CORS rule for every origin ("*") or a plain-HTTP origin lets any site script requests against the bucket.',
    fix: "List the web app's https:// origins (http:// only for localhost) in the Bucket module's cors.allowedOrigins, or in aws_s3_bucket_cors_configuration's allowed_origins.",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      const rules = [
        ...blocks(r.config.cors_rule),
        ...ctx
          .resources("aws_s3_bucket_cors_configuration")
          .filter(bucketPointer(r))
          .flatMap((c) => blocks(c.config.cors_rule)),
      ];
      const origins = rules.flatMap((rule) => (Array.isArray(rule.allowed_origins) ? (rule.allowed_origins as unknown[]) : []));
      const bad = origins.filter((o) => typeof o === "string" && !isExpression(o) && (o.includes("*") || !/^(https:\/\/[^\s/]+|http:\/\/localhost(:\d+)?)$/.test(o)));
      return bad.length > 0 ? [violation(`Bucket ${display(r, "bucket")}: CORS allows ${bad.map((o) => JSON.stringify(o)).join(", ")}.`)] : [];
    },
  },
];
