import { PropsValidator } from "../core/validation";
import type { QueueProps } from "./index";
import { MAX_RETENTION_SECONDS } from "./defaults";

/** `alias/aws/sqs` or its alias ARN: the AWS-managed SQS key. */
export function isAwsManagedSqsKey(keyId: string | undefined): boolean {
  return keyId !== undefined && /(^|:)alias\/aws\/sqs$/.test(keyId);
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

export function validateQueueProps(path: string, props: QueueProps): void {
  const v = new PropsValidator("Queue", path);
  v.string("name", props.name, {
    min: 1,
    max: 80,
    pattern: /^[A-Za-z0-9_-]+$/,
    describe: "1–80 characters of [A-Za-z0-9_-] (without .fifo)",
    fix: "use a short kebab-case name; set fifo: true instead of a .fifo suffix",
  });
  v.integer("visibilityTimeoutSeconds", props.visibilityTimeoutSeconds, 0, 43200, "set visibilityTimeoutSeconds between 0 and 43200 (12 hours)");
  v.integer("retentionSeconds", props.retentionSeconds, 60, MAX_RETENTION_SECONDS, `set retentionSeconds between 60 (1 minute) and ${MAX_RETENTION_SECONDS} (14 days)`);
  v.integer("receiveWaitTimeSeconds", props.receiveWaitTimeSeconds, 0, 20, "set receiveWaitTimeSeconds between 0 and 20 (20 = long polling)");
  v.integer("deliveryDelaySeconds", props.deliveryDelaySeconds, 0, 900, "set deliveryDelaySeconds between 0 and 900 (15 minutes)");
  v.integer("maxReceiveCount", props.maxReceiveCount, 1, 1000, "set maxReceiveCount between 1 and 1000");
  v.integer("kmsDataKeyReusePeriodSeconds", props.kmsDataKeyReusePeriodSeconds, 60, 86400, "set kmsDataKeyReusePeriodSeconds between 60 and 86400 (24 hours)");

  if (props.contentBasedDeduplication !== undefined) {
    v.check(props.fifo ?? false, {
      prop: "contentBasedDeduplication",
      received: props.contentBasedDeduplication,
      allowed: "set only on a FIFO queue",
      fix: "set fifo: true, or remove contentBasedDeduplication",
    });
  }
  if (props.encryptionKey !== undefined && props.kmsMasterKeyId !== undefined) {
    v.add({
      prop: "kmsMasterKeyId",
      received: props.kmsMasterKeyId,
      allowed: "unset when encryptionKey is set",
      fix: "pass the key once: encryptionKey (a Key) or kmsMasterKeyId (a key ARN)",
    });
  }
  const keyId = props.kmsMasterKeyId;
  if (keyId !== undefined && !PropsValidator.isUnresolved(keyId)) {
    if (isAwsManagedSqsKey(keyId)) {
      v.add({
        prop: "kmsMasterKeyId",
        received: keyId,
        allowed: "a customer-managed key ARN (the AWS-managed alias/aws/sqs key is refused)",
        fix: "leave encryption unset (SSE-SQS) or pass a customer-managed Key; the policy of alias/aws/sqs cannot be edited, so SNS and EventBridge can never deliver to a queue encrypted with it",
      });
    } else {
      v.string("kmsMasterKeyId", keyId, {
        pattern: KEY_ARN,
        describe: "a customer-managed key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
        fix: "pass the key ARN, not an alias or key id, so consumers and senders can be granted kms:Decrypt on it",
      });
    }
  }
  if (props.kmsDataKeyReusePeriodSeconds !== undefined) {
    v.check(props.encryptionKey !== undefined || props.kmsMasterKeyId !== undefined, {
      prop: "kmsDataKeyReusePeriodSeconds",
      received: props.kmsDataKeyReusePeriodSeconds,
      allowed: "set only with a KMS key (encryptionKey or kmsMasterKeyId)",
      fix: "remove it (SSE-SQS has no data key reuse period) or pass a key",
    });
  }
  if (props.deadLetterQueue === false && props.maxReceiveCount !== undefined) {
    v.add({ prop: "maxReceiveCount", received: props.maxReceiveCount, allowed: "set only with a dead-letter queue", fix: "remove maxReceiveCount, or keep the dead-letter queue" });
  }
  const dlq = props.deadLetterQueue;
  if (dlq && "fifo" in dlq && typeof dlq.fifo === "boolean") {
    v.check(dlq.fifo === (props.fifo ?? false), {
      prop: "deadLetterQueue",
      received: dlq.node.path,
      allowed: `a ${(props.fifo ?? false) ? "FIFO" : "standard"} queue (the dead-letter queue must be of the same type as its source)`,
      fix: "pass a dead-letter queue of the same type, or let the Queue create its own",
    });
  }
  v.throwIfInvalid();
}
