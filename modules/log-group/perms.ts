/** What a principal needs to write events into a log group (granted on the group's streams, `<group ARN>:*`). */
export const LOG_GROUP_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;
