/** Policy rules of SNS topics (PLT-SNS-*). */
import { display, isSet, refersTo, tlsOnly, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const SNS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-SNS-001",
    severity: "error",
    title: "SNS topics are encrypted at rest",
    why: "Published messages carry personal data; SSE with KMS keeps them encrypted while SNS stores them.",
    fix: "Use the Topic module, or set kms_master_key_id (alias/aws/sns, or a customer-managed key when AWS services publish to the topic).",
    resourceTypes: ["aws_sns_topic"],
    check(r) {
      return isSet(r.config.kms_master_key_id) ? [] : [violation(`Topic ${display(r, "name")} has no kms_master_key_id.`)];
    },
  },
  {
    id: "PLT-SNS-002",
    severity: "error",
    title: "SNS topic policies deny publishing without TLS",
    why: "Messages must never travel in clear text; a Deny of sns:Publish on aws:SecureTransport false refuses plain HTTP for every principal.",
    fix: 'Use the Topic module, or add an aws_sns_topic_policy for the topic with a Deny for principal "*" on sns:Publish with Condition Bool aws:SecureTransport "false".',
    resourceTypes: ["aws_sns_topic"],
    check(r, ctx) {
      return tlsOnly(r, ctx, `Topic ${display(r, "name")}`, "sns:Publish", "policy", "aws_sns_topic_policy", (p) => refersTo(p.config.arn, r, "arn", "id"));
    },
  },
];
