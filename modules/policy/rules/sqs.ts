/** Policy rules of SQS queues (PLT-SQS-*). */
import { display, failureTargets, isOn, isSet, redriveAllows, refersTo, refs, tlsOnly, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const SQS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-SQS-001",
    severity: "error",
    title: "SQS queues are encrypted at rest",
    why: "Messages carry personal data; SSE-SQS or SSE-KMS keeps them encrypted on disk.",
    fix: "Use the Queue module, or set sqs_managed_sse_enabled = true (or kms_master_key_id to a customer-managed key).",
    resourceTypes: ["aws_sqs_queue"],
    check(r) {
      if (isSet(r.config.kms_master_key_id) || isOn(r.config.sqs_managed_sse_enabled)) return [];
      return [
        violation(
          `Queue ${display(r, "name")} declares no encryption at rest (sqs_managed_sse_enabled ${r.config.sqs_managed_sse_enabled === false ? "is false" : "is unset"}, no kms_master_key_id).`,
        ),
      ];
    },
  },
  {
    id: "PLT-SQS-002",
    severity: "error",
    title: "SQS queue policies deny requests without TLS",
    why: "Messages must never travel in clear text; a Deny on aws:SecureTransport false refuses plain HTTP for every principal.",
    fix: 'Use the Queue module, or add an aws_sqs_queue_policy for the queue with a Deny for principal "*" on sqs:* with Condition Bool aws:SecureTransport "false".',
    resourceTypes: ["aws_sqs_queue"],
    check(r, ctx) {
      return tlsOnly(r, ctx, `Queue ${display(r, "name")}`, "sqs:*", "policy", "aws_sqs_queue_policy", (p) => refersTo(p.config.queue_url, r, "id", "url"));
    },
  },
  {
    id: "PLT-SQS-003",
    severity: "error",
    title: "SQS queues have a dead-letter queue, unless they are one",
    why: "A message that always fails must be parked for inspection, not retried until retention deletes it.",
    fix: "Use the Queue module (it creates <name>-dlq), or set redrive_policy with a deadLetterTargetArn. A queue that is itself a dead-letter queue or a failure destination is recognised when this stack references it as such (redrive_policy deadLetterTargetArn, on_failure destination, dead_letter_config, redrive_allow_policy).",
    resourceTypes: ["aws_sqs_queue"],
    check(r, ctx) {
      if (isSet(r.config.redrive_policy)) return [];
      if (ctx.resources("aws_sqs_queue_redrive_policy").some((p) => refersTo(p.config.queue_url, r, "id", "url") && isSet(p.config.redrive_policy))) return [];
      if (failureTargets(ctx).has(refs(r, "arn")[0])) return [];
      if (redriveAllows(r.config.redrive_allow_policy)) return [];
      if (ctx.resources("aws_sqs_queue_redrive_allow_policy").some((p) => refersTo(p.config.queue_url, r, "id", "url") && redriveAllows(p.config.redrive_allow_policy))) return [];
      return [violation(`Queue ${display(r, "name")} has no redrive_policy and is not a dead-letter queue or failure destination in this stack.`)];
    },
  },
];
