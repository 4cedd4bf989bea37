/** What a publisher needs, granted on the topic ARN only (with a CMK, the key module's encrypt/decrypt grant is added). */
export const TOPIC_PUBLISH_ACTIONS = ["sns:Publish"] as const;

/** Denied to every principal on requests without TLS. */
export const TOPIC_TLS_DENY_ACTIONS = "sns:Publish";

/** What an AWS service principal (CloudWatch alarms, EventBridge, S3) is allowed in the topic policy. */
export const TOPIC_SERVICE_PUBLISH_ACTIONS = ["sns:Publish"] as const;
