/** Read actions (item and query level), granted on the table and its indexes. */
export const TABLE_READ_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
] as const;

/** Write actions, granted on the table only (indexes are not writable). */
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DeleteItem",
  "dynamodb:DescribeTable",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
] as const;

/** What a stream consumer (a Lambda event source mapping) needs, granted on the table's streams. */
export const STREAM_READ_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"] as const;
