// Each function's role, evaluated with its boundary: allowed exactly what its handler's SDK calls need, on exactly
// its own resources; denied the same on another environment's; denied anything outside the boundary even with a
// statement widened to "*".
import { resourcesOf, synthApp } from "../support/app-synth";
import { arnOfResource, decide, resolveDocument } from "./simulate";

const synth = synthApp({ offline: true });
const ENVS = ["dev", "staging", "prod"] as const;

type Ref =
  | "deleteUser"
  | "deleteUserExecution"
  | "profiles"
  | "profilesStream"
  | "topic"
  | "eventsFailures"
  | "cluster"
  | "secret"
  | "ingestQueue"
  | "stream"
  | "activityFailures"
  | "filesTable"
  | "filesObject"
  | "filesBucket"
  | "filesQueue"
  | "workgroup"
  | "glueCatalog"
  | "glueDatabase"
  | "glueTable"
  | "lakeBucket"
  | "lakeObject"
  | "resultsBucket"
  | "resultsObject";

/**
 * One row per client call of each handler (lambdas/<service>/*.ts), as [IAM action, resource]. Event source
 * mappings poll with the function's role, so their reads are rows too.
 */
/** ListBucketVersions is evaluated with the prefix the handler lists (`uploads/<owner>/<fileId>/`). */
const LIST_UPLOAD_VERSIONS = { "s3:prefix": "uploads/u-1/f-1/" };

const CALLS: Record<string, ReadonlyArray<readonly [string, Ref] | readonly [string, Ref, Record<string, string>]>> = {
  // repository.ts: GetCommand, QueryCommand (account state), UpdateCommand, TransactWriteCommand (Put/ConditionCheck:
  // the profile and the user's version floor) on the profiles table; profile-api.ts: StartExecution of delete-user,
  // DescribeExecution of its executions
  "profile-api": [
    ["dynamodb:GetItem", "profiles"],
    ["dynamodb:Query", "profiles"],
    ["dynamodb:UpdateItem", "profiles"],
    ["dynamodb:PutItem", "profiles"],
    ["dynamodb:ConditionCheckItem", "profiles"],
    ["states:StartExecution", "deleteUser"],
    ["states:DescribeExecution", "deleteUserExecution"],
  ],
  // deletion/files.ts: ListObjectVersions + DeleteObjects of every version under uploads/<user>/; Query + BatchWrite
  // (DeleteItem) of the user's file items
  "delete-user-files": [
    ["s3:ListBucketVersions", "filesBucket", { "s3:prefix": "uploads/u-1/" }],
    ["s3:DeleteObject", "filesObject"],
    ["s3:DeleteObjectVersion", "filesObject"],
    ["dynamodb:Query", "filesTable"],
    ["dynamodb:BatchWriteItem", "filesTable"],
    ["dynamodb:DeleteItem", "filesTable"],
  ],
  // deletion/analytics.ts: one transaction of two UPDATEs through the Data API
  "anonymise-analytics": [
    ["rds-data:ExecuteStatement", "cluster"],
    ["rds-data:BeginTransaction", "cluster"],
    ["rds-data:CommitTransaction", "cluster"],
    ["rds-data:RollbackTransaction", "cluster"],
    ["secretsmanager:GetSecretValue", "secret"],
  ],
  // repository.deleteProfile: GetCommand, TransactWriteCommand (Delete the profile, Put the floor), UpdateCommand (floor)
  "delete-user-profile": [
    ["dynamodb:GetItem", "profiles"],
    ["dynamodb:DeleteItem", "profiles"],
    ["dynamodb:PutItem", "profiles"],
    ["dynamodb:UpdateItem", "profiles"],
  ],
  // createProfileIfAbsent: TransactWriteCommand (Put of the profile + ConditionCheck of the version floor)
  "profile-bootstrap": [
    ["dynamodb:PutItem", "profiles"],
    ["dynamodb:ConditionCheckItem", "profiles"],
  ],
  // publish.ts: PublishBatchCommand (authorized as sns:Publish); stream mapping; failure destination
  "profile-events": [
    ["sns:Publish", "topic"],
    ["dynamodb:GetRecords", "profilesStream"],
    ["dynamodb:GetShardIterator", "profilesStream"],
    ["dynamodb:DescribeStream", "profilesStream"],
    ["sqs:SendMessage", "eventsFailures"],
  ],
  // shared/data-api.ts: Execute/BatchExecute/Begin/Commit/Rollback; the Data API reads the secret as the caller
  "analytics-migrate": [
    ["rds-data:ExecuteStatement", "cluster"],
    ["rds-data:BeginTransaction", "cluster"],
    ["rds-data:CommitTransaction", "cluster"],
    ["rds-data:RollbackTransaction", "cluster"],
    ["secretsmanager:GetSecretValue", "secret"],
  ],
  "analytics-ingest": [
    ["rds-data:ExecuteStatement", "cluster"],
    ["rds-data:BeginTransaction", "cluster"],
    ["rds-data:CommitTransaction", "cluster"],
    ["secretsmanager:GetSecretValue", "secret"],
    ["sqs:ReceiveMessage", "ingestQueue"],
    ["sqs:DeleteMessage", "ingestQueue"],
    ["sqs:GetQueueAttributes", "ingestQueue"],
  ],
  // query.ts: ExecuteStatement. reports-api.ts: StartQueryExecution, GetQueryExecution, GetQueryResults in the lake's
  // workgroup; Athena then acts as the caller: reads the table definition (Glue), locates and lists/reads the lake's
  // objects under activity/, and writes/reads the results (multipart) under results/ of the results bucket.
  "analytics-query": [
    ["rds-data:ExecuteStatement", "cluster"],
    ["secretsmanager:GetSecretValue", "secret"],
    ["athena:StartQueryExecution", "workgroup"],
    ["athena:GetQueryExecution", "workgroup"],
    ["athena:GetQueryResults", "workgroup"],
    ["glue:GetDatabase", "glueCatalog"],
    ["glue:GetDatabase", "glueDatabase"],
    ["glue:GetTable", "glueTable"],
    ["glue:GetPartitions", "glueTable"],
    ["s3:GetBucketLocation", "lakeBucket"],
    ["s3:ListBucket", "lakeBucket", { "s3:prefix": "activity/dt=2026-01-01/" }],
    ["s3:GetObject", "lakeObject"],
    ["s3:GetBucketLocation", "resultsBucket"],
    ["s3:PutObject", "resultsObject"],
    ["s3:GetObject", "resultsObject"],
    ["s3:ListBucketMultipartUploads", "resultsBucket"],
    ["s3:ListMultipartUploadParts", "resultsObject"],
  ],
  // activity-ingest.ts: PutRecordsCommand
  "activity-ingest": [["kinesis:PutRecords", "stream"]],
  "activity-processor": [
    ["rds-data:BatchExecuteStatement", "cluster"],
    ["secretsmanager:GetSecretValue", "secret"],
    ["kinesis:GetRecords", "stream"],
    ["kinesis:GetShardIterator", "stream"],
    ["kinesis:DescribeStream", "stream"],
    ["kinesis:ListShards", "stream"],
    ["sqs:SendMessage", "activityFailures"],
  ],
  // files/repository.ts: Put/Get/Query/Update; presign.ts: presigned POST (PutObject) and GET of one version
  // (GetObjectVersion); objects.ts: ListObjectVersions, DeleteObjects of every version (DeleteObjectVersion)
  "files-api": [
    ["dynamodb:PutItem", "filesTable"],
    ["dynamodb:GetItem", "filesTable"],
    ["dynamodb:Query", "filesTable"],
    ["dynamodb:UpdateItem", "filesTable"],
    ["s3:PutObject", "filesObject"],
    ["s3:GetObject", "filesObject"],
    ["s3:GetObjectVersion", "filesObject"],
    ["s3:ListBucketVersions", "filesBucket", LIST_UPLOAD_VERSIONS],
    ["s3:DeleteObject", "filesObject"],
    ["s3:DeleteObjectVersion", "filesObject"],
  ],
  // object-metadata.ts: HeadObject (s3:GetObject), Get/Update file items, ListObjectVersions + DeleteObjects of every
  // version of a rejected upload; SQS mapping
  "object-metadata": [
    ["s3:GetObject", "filesObject"],
    ["dynamodb:GetItem", "filesTable"],
    ["dynamodb:UpdateItem", "filesTable"],
    ["s3:ListBucketVersions", "filesBucket", LIST_UPLOAD_VERSIONS],
    ["s3:DeleteObject", "filesObject"],
    ["s3:DeleteObjectVersion", "filesObject"],
    ["sqs:ReceiveMessage", "filesQueue"],
    ["sqs:DeleteMessage", "filesQueue"],
  ],
};

function environment(env: string) {
  const s = synth.stack(`platform-${env}`);
  const config = synth.built.environments.find((e) => e.name === env)!;
  const boot = synth.stack(`platform-bootstrap-${env}`);
  const boundary = JSON.parse(resourcesOf(boot, "aws_iam_policy").find((p) => p.name === `platform-${env}-boundary`).policy);
  const arn = (type: string, match: (r: any) => boolean, attr?: string): string => arnOfResource(s, config, type, match, attr);
  const named = (n: string) => (r: any) => r.name === `platform-${env}-${n}`;
  const deleteUser = `arn:aws:states:${config.region}:${config.allowedAccountIds[0]}:stateMachine:platform-${env}-delete-user`;
  const refs: Record<Ref, string> = {
    deleteUser,
    deleteUserExecution: `${deleteUser.replace(":stateMachine:", ":execution:")}:delete-u-1-v3`,
    profiles: arn("aws_dynamodb_table", named("profiles")),
    profilesStream: `${arn("aws_dynamodb_table", named("profiles"))}/stream/2024-01-01T00:00:00.000`,
    topic: arn("aws_sns_topic", named("user-data-change")),
    eventsFailures: arn("aws_sqs_queue", named("profile-events-failures")),
    cluster: arn("aws_rds_cluster", (r) => r.cluster_identifier === `platform-${env}-analytics`),
    secret: arn("aws_rds_cluster", (r) => r.cluster_identifier === `platform-${env}-analytics`, "master_user_secret[0].secret_arn"),
    ingestQueue: arn("aws_sqs_queue", named("analytics-ingest")),
    stream: arn("aws_kinesis_stream", named("activity")),
    activityFailures: arn("aws_sqs_queue", named("activity-processor-failures")),
    filesTable: arn("aws_dynamodb_table", (r) => String(r.name).startsWith(`platform-${env}-files`)),
    filesObject: `${arn("aws_s3_bucket", (r) => String(r.bucket).startsWith(`platform-${env}-files`))}/uploads/u-1/f-1`,
    filesBucket: arn("aws_s3_bucket", (r) => String(r.bucket).startsWith(`platform-${env}-files`)),
    filesQueue: arn("aws_sqs_queue", named("file-events")),
    // Athena and Glue ARNs name the account, region and the physical names (not references): built here the same way.
    workgroup: `arn:aws:athena:${config.region}:${config.allowedAccountIds[0]}:workgroup/platform-${env}-activity`,
    glueCatalog: `arn:aws:glue:${config.region}:${config.allowedAccountIds[0]}:catalog`,
    glueDatabase: `arn:aws:glue:${config.region}:${config.allowedAccountIds[0]}:database/platform_${env}_activity`,
    glueTable: `arn:aws:glue:${config.region}:${config.allowedAccountIds[0]}:table/platform_${env}_activity/activity_events`,
    lakeBucket: arn("aws_s3_bucket", (r) => r.bucket === `platform-${env}-activity-lake`),
    lakeObject: `${arn("aws_s3_bucket", (r) => r.bucket === `platform-${env}-activity-lake`)}/activity/dt=2026-01-01/platform-${env}-activity-lake-1.gz`,
    resultsBucket: arn("aws_s3_bucket", (r) => r.bucket === `platform-${env}-activity-athena-results`),
    resultsObject: `${arn("aws_s3_bucket", (r) => r.bucket === `platform-${env}-activity-athena-results`)}/results/0b9c1f7e-3f52-4c1e-9d7a-2f1c2b7e8a11.csv`,
  };
  const roles: Record<string, { arn: string; policy: any }> = {};
  for (const fn of resourcesOf(s, "aws_lambda_function")) {
    const roleId = /aws_iam_role\.([^.]+)\.arn/.exec(fn.role)![1];
    const policy = resourcesOf(s, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
    const name = String(fn.function_name).replace(`platform-${env}-`, "");
    roles[name] = { arn: `arn:aws:iam::${config.allowedAccountIds[0]}:role/${s.resource.aws_iam_role[roleId].name}`, policy: resolveDocument(s, config, policy.policy) };
    expect(s.resource.aws_iam_role[roleId].permissions_boundary).toBe(`arn:aws:iam::${config.allowedAccountIds[0]}:policy/platform-${env}-boundary`);
  }
  return { config, boundary, refs, roles };
}

const envs = Object.fromEntries(ENVS.map((e) => [e, environment(e)]));
const otherEnv = (env: string): string => (env === "prod" ? "staging" : "prod");
const rows = ENVS.flatMap((env) => Object.entries(CALLS).flatMap(([fn, calls]) => calls.map(([action, ref, context]) => [env, fn, action, ref, context ?? {}] as const)));

describe("function roles, evaluated with their boundary", () => {
  it.each(ENVS)("%s: every function has a row table (no function left unproven)", (env) => {
    expect(Object.keys(envs[env].roles).sort()).toEqual(Object.keys(CALLS).sort());
  });

  it.each(rows)("%s %s: %s on its %s is allowed", async (env, fn, action, ref, context) => {
    const e = envs[env];
    const role = e.roles[fn];
    expect(await decide({ identity: [{ name: "fn", policy: role.policy }], boundary: e.boundary }, { principal: role.arn, action, resource: e.refs[ref], context })).toBe(
      "Allowed",
    );
  });

  it.each(rows)("%s %s: %s on another environment's %s is denied", async (env, fn, action, ref, context) => {
    const e = envs[env];
    const role = e.roles[fn];
    const other = envs[otherEnv(env)].refs[ref];
    expect(await decide({ identity: [{ name: "fn", policy: role.policy }], boundary: e.boundary }, { principal: role.arn, action, resource: other, context })).not.toBe("Allowed");
  });

  it.each(ENVS)("%s files-api: listing versions is allowed under uploads/ only", async (env) => {
    const e = envs[env];
    const role = e.roles["files-api"];
    const list = (prefix: string) =>
      decide(
        { identity: [{ name: "fn", policy: role.policy }], boundary: e.boundary },
        { principal: role.arn, action: "s3:ListBucketVersions", resource: e.refs.filesBucket, context: { "s3:prefix": prefix } },
      );
    expect(await list("uploads/u-1/f-1/")).toBe("Allowed");
    expect(await list("exports/")).not.toBe("Allowed");
  });

  it.each(ENVS.flatMap((env) => Object.keys(CALLS).map((fn) => [env, fn] as const)))("%s %s: grants no action beyond its rows (plus logs and X-Ray)", (env, fn) => {
    const granted = new Set<string>();
    for (const st of [envs[env].roles[fn].policy.Statement].flat()) if (st.Effect === "Allow") for (const a of [st.Action].flat()) granted.add(a);
    const expected = new Set([...CALLS[fn].map(([a]) => a), "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
    // The module grants whole access levels (read, write) that the handler's calls sit in: the extra actions are
    // listed here, so a new one fails this test and is either a new call (add a row) or a wider grant (review).
    const levelExtras = new Set([
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DescribeTable",
      "dynamodb:Scan",
      "dynamodb:Query",
      "dynamodb:GetItem",
      "dynamodb:DeleteItem",
      "dynamodb:UpdateItem",
      "dynamodb:PutItem",
      "dynamodb:ListStreams",
      "rds-data:BatchExecuteStatement",
      "rds-data:BeginTransaction",
      "rds-data:CommitTransaction",
      "rds-data:ExecuteStatement",
      "rds-data:RollbackTransaction",
      "sqs:GetQueueUrl",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
      "kinesis:DescribeStreamSummary",
      "kinesis:PutRecord",
      "s3:GetObjectVersion",
      "s3:ListBucket",
      "s3:ListBucketVersions",
      "s3:AbortMultipartUpload",
      "s3:DeleteObjectVersion",
      "s3:PutObject",
      "cloudwatch:PutMetricData",
      "states:GetExecutionHistory",
    ]);
    expect([...granted].filter((a) => !expected.has(a) && !levelExtras.has(a))).toEqual([]);
  });

  const outside = (env: string, account: string): ReadonlyArray<readonly [string, string]> => [
    ["iam:CreateRole", `arn:aws:iam::${account}:role/platform-${env}-escalate`],
    ["iam:AttachRolePolicy", `arn:aws:iam::${account}:role/platform-${env}-profile-api-fn`],
    ["account:PutAlternateContact", `arn:aws:account::${account}:account`],
    ["dynamodb:GetItem", `arn:aws:dynamodb:eu-west-1:${account}:table/someone-elses-table`],
    ["dynamodb:DeleteTable", `arn:aws:dynamodb:eu-west-1:${account}:table/platform-${env}-profiles`],
    ["s3:GetObject", `arn:aws:s3:::platform-terraform-state-${account}/platform/${env}.tfstate`],
    ["s3:DeleteBucket", `arn:aws:s3:::platform-${env}-files`],
    ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:eu-west-1:${account}:secret:prod-db-password-AbCdEf`],
    ["lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${account}:function:platform-${env}-profile-api`],
    ["ec2:RunInstances", `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`],
  ];
  it.each(ENVS.flatMap((env) => Object.keys(CALLS).map((fn) => [env, fn] as const)))(
    "%s %s: with a statement widened to Action * Resource *, everything outside the boundary is still denied",
    async (env, fn) => {
      const e = envs[env];
      const role = e.roles[fn];
      const widened = { ...role.policy, Statement: [...[role.policy.Statement].flat(), { Effect: "Allow", Action: "*", Resource: "*" }] };
      for (const [action, resource] of outside(env, e.config.allowedAccountIds[0])) {
        const got = await decide({ identity: [{ name: "fn", policy: widened }], boundary: e.boundary }, { principal: role.arn, action, resource });
        expect({ action, resource, got }).toEqual({ action, resource, got: expect.not.stringMatching(/^Allowed$/) });
      }
      // and without the boundary, the same widened policy would allow them: the boundary is what denies
      const [action, resource] = outside(env, e.config.allowedAccountIds[0])[0];
      expect(await decide({ identity: [{ name: "fn", policy: widened }] }, { principal: role.arn, action, resource })).toBe("Allowed");
    },
  );
});
