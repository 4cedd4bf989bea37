/**
 * What a producer needs on the key of an encrypted queue or topic (sqs:SendMessage, sns:Publish):
 * a data key to encrypt with, and Decrypt to reuse a cached data key. Granted on the key ARN only.
 */
export const KEY_ENCRYPT_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] as const;

/** What a consumer needs on the key of an encrypted queue (sqs:ReceiveMessage). Granted on the key ARN only. */
export const KEY_DECRYPT_ACTIONS = ["kms:Decrypt"] as const;

/**
 * Key-policy actions for an AWS service principal that writes into a resource encrypted with the key
 * (CloudWatch alarms publishing to an encrypted topic, SNS delivering to an encrypted queue), as AWS documents them.
 */
export const SERVICE_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"] as const;

/** Key-policy actions CloudWatch Logs (`logs.<region>.amazonaws.com`) needs to encrypt a log group, as AWS documents them. */
export const LOGS_SERVICE_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] as const;

/**
 * The account-root statement of the key policy. It grants nothing by itself: it lets IAM policies of the account
 * decide who may use and manage the key (AWS's default key policy; aws-cdk-lib's Key does the same). It must cover
 * every KMS action, or actions left out could never be allowed by any IAM policy and the key could become unmanageable.
 */
export const ACCOUNT_ROOT_KEY_ACTIONS = ["kms:*"] as const;
