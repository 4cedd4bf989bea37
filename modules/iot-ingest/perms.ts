/**
 * What the topic rule's role and a device are allowed: nothing more. The rule's role is assumed by AWS IoT
 * (iot.amazonaws.com) for this rule only (aws:SourceAccount + aws:SourceArn).
 */

/** The service principal that assumes a topic rule's role. */
export const IOT_SERVICE_PRINCIPAL = "iot.amazonaws.com";

/** The Kinesis action of a topic rule calls PutRecord, one record per message; granted on the target stream only. */
export const IOT_RULE_STREAM_ACTIONS = ["kinesis:PutRecord"] as const;

/** A stream encrypted with a customer-managed key: a producer needs a data key from it. */
export const IOT_RULE_STREAM_KEY_ACTIONS = ["kms:GenerateDataKey"] as const;

/** The SQS error action sends one message per failed action; granted on the error queue only. */
export const IOT_RULE_QUEUE_ACTIONS = ["sqs:SendMessage"] as const;

/** Sending to an SSE-KMS queue with a customer-managed key (SQS's documented producer permissions). */
export const IOT_RULE_QUEUE_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

/** A device connects with its own thing name as MQTT client id (certificate attached to that thing). */
export const DEVICE_CONNECT_ACTIONS = ["iot:Connect"] as const;

/**
 * A device publishes to its own activity topic. It never subscribes or receives: the platform sends nothing down to
 * devices, so iot:Subscribe and iot:Receive are not granted.
 */
export const DEVICE_PUBLISH_ACTIONS = ["iot:Publish"] as const;
