// The permissions boundary of an environment (`<app>-<env>-boundary`): the ceiling of every role the platform
// creates in it. The bootstrap stack creates the policy; PlatformStack attaches it to every role; the deploy role
// may create or change roles only with it attached (bootstrap-stack.ts).
import type { EnvironmentConfig } from "../environments";
import { LOG_DELIVERY_ACTIONS } from "../modules/core/iam";
import { partitionOf } from "../modules/core/provider";

type Statement = Record<string, unknown>;

export { partitionOf };

/** Name of an environment's boundary policy. */
export const boundaryPolicyName = (env: Pick<EnvironmentConfig, "app" | "name">): string => `${env.app}-${env.name}-boundary`;

/** ARN of an environment's boundary policy in its (first) account. */
export function boundaryPolicyArn(env: Pick<EnvironmentConfig, "app" | "name" | "region" | "allowedAccountIds">, account = env.allowedAccountIds[0]): string {
  return `arn:${partitionOf(env.region)}:iam::${account}:policy/${boundaryPolicyName(env)}`;
}

/**
 * Services whose actions no platform role may ever use, whatever its own policy says: IAM (a role that could edit
 * roles could lift its own boundary), Organizations, account settings and billing/payments.
 */
export const BOUNDARY_DENIED_SERVICES = [
  "iam:*",
  "organizations:*",
  "account:*",
  "aws-portal:*",
  "billing:*",
  "payments:*",
  "invoicing:*",
  "tax:*",
  "purchase-orders:*",
  "ce:*",
  "budgets:*",
  "savingsplans:*",
] as const;

/**
 * Data-plane actions the environment's roles may use, by service, and the resources (ARN patterns) they are
 * confined to. Only actions a function, state machine, delivery stream or topic rule calls; no control plane
 * (no creating or deleting tables, queues, buckets...), which the deploy role does through Terraform, not the roles it
 * creates. Exact action names, never `<service>:*` (policy rule PLT-IAM-001).
 * Services with names in their ARNs are confined to `<app>-<env>-*`; what has only generated ids (KMS keys, Cognito
 * user pools, RDS-managed secrets) is confined as boundaryStatements documents.
 */
export const BOUNDARY_ACTIONS = {
  dynamodb: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeStream",
    "dynamodb:ListStreams",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
  ],
  sqs: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
  sns: ["sns:Publish"],
  kinesis: [
    "kinesis:PutRecord",
    "kinesis:PutRecords",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:DescribeStreamConsumer",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
  ],
  rdsData: ["rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:RollbackTransaction"],
  secrets: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
  s3Objects: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
  s3Buckets: ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"],
  logs: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup"],
  lambda: ["lambda:InvokeFunction"],
  states: ["states:StartExecution", "states:StartSyncExecution", "states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"],
  firehose: ["firehose:PutRecord", "firehose:PutRecordBatch"],
  athena: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"],
  glue: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
  cognito: ["cognito-idp:AdminGetUser", "cognito-idp:AdminDeleteUser", "cognito-idp:AdminDisableUser", "cognito-idp:AdminUserGlobalSignOut"],
  kms: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
  /**
   * CloudWatch Logs vended log delivery, which a state machine's role needs to send its execution logs (Step Functions:
   * "Logging using CloudWatch Logs"); these actions have no resource-level permissions, AWS requires Resource "*".
   */
  logDelivery: LOG_DELIVERY_ACTIONS,
  /** Actions without resource-level permissions (ACTIONS_WITHOUT_RESOURCE_SCOPE). */
  unscoped: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "cloudwatch:PutMetricData"],
} as const;

/** Services that call KMS on a role's behalf (forward access sessions) for the platform's encrypted resources. */
const KMS_VIA_SERVICES = ["sqs", "sns", "s3", "dynamodb", "kinesis", "secretsmanager", "logs", "firehose", "states"] as const;

/** The boundary policy's statements for one environment (in each of its allowed accounts). */
export function boundaryStatements(env: EnvironmentConfig): Statement[] {
  const p = partitionOf(env.region);
  const prefix = `${env.app}-${env.name}`;
  const glue = `${env.app}_${env.name}_`.replace(/-/g, "_");
  const arns = (service: string, ...resources: string[]): string[] =>
    env.allowedAccountIds.flatMap((account) => resources.map((r) => `arn:${p}:${service}:${service === "s3" ? "" : env.region}:${service === "s3" ? "" : account}:${r}`));
  const allow = (Sid: string, Action: readonly string[], Resource: string | string[], Condition?: Record<string, unknown>): Statement => ({
    Sid,
    Effect: "Allow",
    Action: [...Action],
    Resource,
    ...(Condition ? { Condition } : {}),
  });
  const a = BOUNDARY_ACTIONS;
  return [
    allow("DynamoDbOwnTables", a.dynamodb, arns("dynamodb", `table/${prefix}-*`, `table/${prefix}-*/*`)),
    allow("SqsOwnQueues", a.sqs, arns("sqs", `${prefix}-*`)),
    allow("SnsOwnTopics", a.sns, arns("sns", `${prefix}-*`)),
    allow("KinesisOwnStreams", a.kinesis, arns("kinesis", `stream/${prefix}-*`, `stream/${prefix}-*/consumer/*`)),
    allow("DataApiOwnClusters", a.rdsData, arns("rds", `cluster:${prefix}-*`)),
    // RDS names the secret it manages for a cluster `rds!cluster-<uuid>`: no environment name to match, so the
    // environment's own secrets by name plus the RDS-managed ones of the environment's account and region (each
    // environment has its own account).
    allow("SecretsOwnAndRdsManaged", a.secrets, arns("secretsmanager", `secret:${prefix}-*`, "secret:rds!cluster-*")),
    allow("S3OwnObjects", a.s3Objects, arns("s3", `${prefix}-*/*`)),
    allow("S3OwnBuckets", a.s3Buckets, arns("s3", `${prefix}-*`)),
    allow(
      "LogsOwnLogGroups",
      a.logs,
      arns(
        "logs",
        ...[`/aws/lambda/${prefix}-*`, `/aws/vendedlogs/states/${prefix}-*`, `/aws/kinesisfirehose/${prefix}-*`, `${prefix}-*`].flatMap((g) => [
          `log-group:${g}`,
          `log-group:${g}:*`,
        ]),
      ),
    ),
    allow("InvokeOwnFunctions", a.lambda, arns("lambda", `function:${prefix}-*`, `function:${prefix}-*:*`)),
    allow("OwnStateMachines", a.states, arns("states", `stateMachine:${prefix}-*`, `execution:${prefix}-*:*`)),
    allow("FirehoseOwnStreams", a.firehose, arns("firehose", `deliverystream/${prefix}-*`)),
    allow("AthenaOwnWorkgroups", a.athena, arns("athena", `workgroup/${prefix}-*`)),
    allow("GlueOwnCatalog", a.glue, arns("glue", "catalog", `database/${glue}*`, `table/${glue}*/*`)),
    // User pools have generated ids: confined to the environment's account and region.
    allow("CognitoOwnUserPools", a.cognito, arns("cognito-idp", "userpool/*")),
    // Keys have generated ids. The platform's keys are aliased `alias/<app>-<env>-*` (KmsKey module), so
    // kms:ResourceAliases confines direct use to them; AWS-managed keys (alias/aws/*) and the platform's keys are also
    // usable through the platform's services (kms:ViaService), which is how SQS, SNS, S3 and Secrets Manager call KMS
    // for the caller.
    allow("KmsOwnKeys", a.kms, arns("kms", "key/*"), { "ForAnyValue:StringLike": { "kms:ResourceAliases": `alias/${prefix}-*` } }),
    allow("KmsThroughPlatformServices", a.kms, arns("kms", "key/*"), {
      StringEquals: { "kms:ViaService": KMS_VIA_SERVICES.map((s) => `${s}.${env.region}.amazonaws.com`), "kms:CallerAccount": [...env.allowedAccountIds] },
    }),
    allow("ActionsWithoutResourceScope", a.unscoped, "*"),
    allow("StateMachineLogDelivery", a.logDelivery, "*"),
    { Sid: "NoIamOrganizationsAccountOrBilling", Effect: "Deny", Action: [...BOUNDARY_DENIED_SERVICES], Resource: "*" },
  ];
}
