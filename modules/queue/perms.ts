/** What a consumer (a Lambda SQS event source, a poller) needs, granted on the queue ARN only. */
export const QUEUE_CONSUME_ACTIONS = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"] as const;

/** What a producer (or a failure destination's sender) needs, granted on the queue ARN only. */
export const QUEUE_SEND_ACTIONS = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"] as const;

/** Denied to every principal on requests without TLS (a Deny: the wildcard widens the refusal, grants nothing). */
export const QUEUE_TLS_DENY_ACTIONS = "sqs:*";

/** What an AWS service principal (SNS, EventBridge, S3) is allowed in the queue policy to deliver messages. */
export const QUEUE_SERVICE_SEND_ACTIONS = ["sqs:SendMessage"] as const;
