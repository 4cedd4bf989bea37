/** What a caller needs to start executions, granted on the state machine ARN only (grantStartExecution). */
export const START_EXECUTION_ACTIONS = ["states:StartExecution"] as const;

/** What a caller needs to follow an execution, granted on `arn:…:execution:<state machine name>:*` (grantRead). */
export const READ_EXECUTION_ACTIONS = ["states:DescribeExecution", "states:GetExecutionHistory"] as const;

/** What Step Functions needs to deliver its execution logs to CloudWatch Logs (vended logs), on Resource "*". */
export { LOG_DELIVERY_ACTIONS } from "../core/iam";

/** X-Ray has no resource-level permissions: granted on "*" when tracing is on. */
export const XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"] as const;

/** Lambda task (Tasks.invoke), granted on the function ARN. */
export const LAMBDA_INVOKE_ACTIONS = ["lambda:InvokeFunction"] as const;

/** The IAM action of each DynamoDB optimized integration (Tasks.dynamoDb), granted on the table ARN. */
export const DYNAMODB_TASK_ACTIONS = {
  getItem: "dynamodb:GetItem",
  putItem: "dynamodb:PutItem",
  updateItem: "dynamodb:UpdateItem",
  deleteItem: "dynamodb:DeleteItem",
} as const;

/** The service principal that assumes a state machine's role. */
export const STATES_PRINCIPAL = "states.amazonaws.com";
