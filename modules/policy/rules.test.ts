import { TerraformStack, Testing } from "cdktf";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudfrontDistribution, CloudfrontDistributionConfig } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontMonitoringSubscription } from "@cdktf/provider-aws/lib/cloudfront-monitoring-subscription";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DynamodbTable, DynamodbTableConfig } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IotPolicy } from "@cdktf/provider-aws/lib/iot-policy";
import { IotTopicRule } from "@cdktf/provider-aws/lib/iot-topic-rule";
import { KinesisStream } from "@cdktf/provider-aws/lib/kinesis-stream";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction as LambdaFunctionResource } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Naming } from "../core/naming";
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../core/iam";
import { Bucket } from "../bucket";
import { IotIngest, terraformLiteral } from "../iot-ingest";
import { Stream } from "../stream";
import { Key } from "../kms-key";
import { LogGroup } from "../log-group";
import { Queue } from "../queue";
import { Table } from "../table";
import { Topic } from "../topic";
import { LambdaFunction } from "../lambda-function";
import { Retry, StateMachine, StateMachineProps, States, Tasks } from "../state-machine";
import { applyPolicy, POLICY_RULES, PolicyFinding, policyReport } from "./index";

type Build = (stack: TerraformStack) => void;

/** A fresh stack with an AWS provider, built by `build`, with the policy applied; returns the in-process report. */
function evaluate(build: Build, production = false) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  Naming.configure(stack, { app: "test", env: production ? "prod" : "dev" });
  build(stack);
  applyPolicy(stack, { environment: production ? "prod" : "dev", production, enforcement: "warn" });
  return policyReport(stack);
}

function findingsOf(build: Build, ruleId: string, production = false): PolicyFinding[] {
  return evaluate(build, production).findings.filter((f) => f.ruleId === ruleId);
}

const json = (doc: unknown) => JSON.stringify(doc);
const tlsDeny = (action: string, resource: string) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: action,
  Resource: resource,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});

// --- fixtures --------------------------------------------------------------------------------------------------

/** A raw state machine with the given logging configuration and tracing (logs at ERROR with a destination unless given). */
function sfn(stack: TerraformStack, o: { logging?: { level?: string; logDestination?: string }; tracing?: boolean }): SfnStateMachine {
  return new SfnStateMachine(stack, "Sm", {
    name: "test-sm",
    roleArn: "arn:aws:iam::123456789012:role/sm",
    definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Succeed" } } }),
    loggingConfiguration: o.logging ?? { level: "ERROR", logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/x:*" },
    tracingConfiguration: o.tracing === undefined ? undefined : { enabled: o.tracing },
  });
}

function bucket(stack: TerraformStack, o: { block?: boolean; partialBlock?: boolean; encrypt?: boolean; policy?: unknown } = {}): S3Bucket {
  const b = new S3Bucket(stack, "B", { bucket: "test-bucket" });
  if (o.block ?? true) {
    new S3BucketPublicAccessBlock(stack, "Block", {
      bucket: b.id,
      blockPublicAcls: true,
      blockPublicPolicy: !(o.partialBlock ?? false),
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
  if (o.encrypt ?? true) {
    new S3BucketServerSideEncryptionConfigurationA(stack, "Sse", { bucket: b.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
  }
  const policy = o.policy !== undefined ? o.policy : { Version: "2012-10-17", Statement: [tlsDeny("s3:*", `${b.arn}/*`)] };
  if (policy !== null) new S3BucketPolicy(stack, "Policy", { bucket: b.id, policy: typeof policy === "string" ? policy : json(policy) });
  return b;
}

function queue(stack: TerraformStack, id: string, o: { sse?: boolean; policy?: boolean; redriveTo?: SqsQueue } = {}): SqsQueue {
  const q = new SqsQueue(stack, id, {
    name: id.toLowerCase(),
    sqsManagedSseEnabled: o.sse ?? true,
    redrivePolicy: o.redriveTo ? json({ deadLetterTargetArn: o.redriveTo.arn, maxReceiveCount: 5 }) : undefined,
  });
  if (o.policy ?? true) new SqsQueuePolicy(stack, `${id}Policy`, { queueUrl: q.url, policy: json({ Version: "2012-10-17", Statement: [tlsDeny("sqs:*", q.arn)] }) });
  return q;
}

function fn(stack: TerraformStack, id: string, o: { tracing?: string; logGroup?: boolean } = {}): LambdaFunctionResource {
  const name = `test-${id.toLowerCase()}`;
  const group = (o.logGroup ?? true) ? new CloudwatchLogGroup(stack, `${id}Logs`, { name: `/aws/lambda/${name}`, retentionInDays: 30 }) : undefined;
  return new LambdaFunctionResource(stack, id, {
    functionName: name,
    role: "arn:aws:iam::123456789012:role/test",
    runtime: "nodejs22.x",
    handler: "index.handler",
    filename: "function.zip",
    tracingConfig: o.tracing ? { mode: o.tracing } : undefined,
    loggingConfig: group ? { logFormat: "JSON", logGroup: group.name } : undefined,
  });
}

function table(stack: TerraformStack, o: Partial<DynamodbTableConfig> = {}): DynamodbTable {
  return new DynamodbTable(stack, "T", {
    name: "test-table",
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    attribute: [{ name: "pk", type: "S" }],
    serverSideEncryption: { enabled: true },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
    lifecycle: { preventDestroy: true },
    ...o,
  });
}

function rolePolicy(stack: TerraformStack, statements: unknown[]): IamRolePolicy {
  return new IamRolePolicy(stack, "P", { role: "test-role", policy: json({ Version: "2012-10-17", Statement: statements }) });
}

function distribution(stack: TerraformStack, o: Partial<CloudfrontDistributionConfig> = {}): CloudfrontDistribution {
  return new CloudfrontDistribution(stack, "Cdn", {
    enabled: true,
    origin: [{ domainName: "test-bucket.s3.eu-west-1.amazonaws.com", originId: "spa" }],
    defaultCacheBehavior: {
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      targetOriginId: "spa",
      viewerProtocolPolicy: "redirect-to-https",
    },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
    ...o,
  });
}

function httpRoute(stack: TerraformStack, o: { authorizationType?: string; authorizerId?: string; protocol?: string; routeKey?: string } = {}): void {
  const api = new Apigatewayv2Api(stack, "Api", { name: "test-api", protocolType: o.protocol ?? "HTTP" });
  new Apigatewayv2Route(stack, "Route", {
    apiId: api.id,
    routeKey: o.routeKey ?? "GET /items",
    authorizationType: o.authorizationType,
    authorizerId: o.authorizerId,
  });
}

// --- one passing and one failing case per rule -------------------------------------------------------------------

interface RuleCase {
  readonly rule: string;
  readonly pass: Build;
  readonly fail: Build;
  /** The failing resource's address. */
  readonly address: string;
  /** The message of the failing finding contains this. */
  readonly says: string;
  readonly production?: boolean;
}

const IOT_ARN = "arn:aws:iot:eu-west-1:123456789012";

/** An IoT policy with these statements, escaped for Terraform as the IotIngest module renders it (`$${iot:...}`). */
function iotPolicy(stack: TerraformStack, statements: unknown[]): IotPolicy {
  return new IotPolicy(stack, "Device", { name: "device", policy: terraformLiteral(json({ Version: "2012-10-17", Statement: statements })) });
}

/** A Firehose delivery stream to a bucket without default encryption, with or without its own KMS key. */
function firehoseToBucket(s: TerraformStack, kmsKeyArn: string | undefined): void {
  const dest = new S3Bucket(s, "Dest", { bucket: "test-dest" });
  new KinesisFirehoseDeliveryStream(s, "Fh", {
    name: "test-fh",
    destination: "extended_s3",
    extendedS3Configuration: { bucketArn: dest.arn, roleArn: "arn:aws:iam::123456789012:role/fh", kmsKeyArn },
  });
}

const CASES: readonly RuleCase[] = [
  {
    rule: "PLT-S3-001",
    pass: (s) => bucket(s),
    fail: (s) => bucket(s, { block: false }),
    address: "aws_s3_bucket.B",
    says: "no aws_s3_bucket_public_access_block",
  },
  {
    rule: "PLT-S3-002",
    pass: (s) => bucket(s),
    fail: (s) => bucket(s, { encrypt: false }),
    address: "aws_s3_bucket.B",
    says: "no server-side encryption configuration",
  },
  {
    rule: "PLT-S3-003",
    pass: (s) => bucket(s),
    fail: (s) =>
      bucket(s, {
        policy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::test-bucket/*" }],
        },
      }),
    address: "aws_s3_bucket.B",
    says: 'no Deny for principal "*" on s3:*',
  },
  {
    rule: "PLT-S3-004",
    pass: (s) => {
      const b = bucket(s);
      new S3BucketCorsConfiguration(s, "Cors", {
        bucket: b.id,
        corsRule: [{ allowedMethods: ["GET", "POST"], allowedOrigins: ["https://app.example.com", "http://localhost:5173"] }],
      });
    },
    fail: (s) => {
      const b = bucket(s);
      new S3BucketCorsConfiguration(s, "Cors", { bucket: b.id, corsRule: [{ allowedMethods: ["GET"], allowedOrigins: ["*", "http://app.example.com"] }] });
    },
    address: "aws_s3_bucket.B",
    says: 'CORS allows "*", "http://app.example.com"',
  },
  {
    rule: "PLT-SQS-001",
    pass: (s) => queue(s, "Dlq", { redriveTo: queue(s, "Target") }),
    fail: (s) => queue(s, "Plain", { sse: false }),
    address: "aws_sqs_queue.Plain",
    says: "sqs_managed_sse_enabled is false",
  },
  {
    rule: "PLT-SQS-002",
    pass: (s) => queue(s, "Q"),
    fail: (s) => queue(s, "Q", { policy: false }),
    address: "aws_sqs_queue.Q",
    says: "has no aws_sqs_queue_policy",
  },
  {
    rule: "PLT-SQS-003",
    pass: (s) => queue(s, "Work", { redriveTo: queue(s, "WorkDlq") }),
    fail: (s) => queue(s, "Work"),
    address: "aws_sqs_queue.Work",
    says: "no redrive_policy and is not a dead-letter queue",
  },
  {
    rule: "PLT-SNS-001",
    pass: (s) => new SnsTopic(s, "Topic", { name: "t", kmsMasterKeyId: "alias/aws/sns" }),
    fail: (s) => new SnsTopic(s, "Topic", { name: "t" }),
    address: "aws_sns_topic.Topic",
    says: "no kms_master_key_id",
  },
  {
    rule: "PLT-SNS-002",
    pass: (s) => {
      const t = new SnsTopic(s, "Topic", { name: "t", kmsMasterKeyId: "alias/aws/sns" });
      new SnsTopicPolicy(s, "TopicPolicy", { arn: t.arn, policy: json({ Version: "2012-10-17", Statement: [tlsDeny("sns:Publish", t.arn)] }) });
    },
    fail: (s) => {
      const t = new SnsTopic(s, "Topic", { name: "t", kmsMasterKeyId: "alias/aws/sns" });
      // A Deny on another action does not refuse plain-HTTP publishing.
      new SnsTopicPolicy(s, "TopicPolicy", { arn: t.arn, policy: json({ Version: "2012-10-17", Statement: [tlsDeny("sns:Subscribe", t.arn)] }) });
    },
    address: "aws_sns_topic.Topic",
    says: 'no Deny for principal "*" on sns:Publish',
  },
  {
    rule: "PLT-DDB-001",
    pass: (s) => table(s),
    fail: (s) => table(s, { serverSideEncryption: { enabled: false } }),
    address: "aws_dynamodb_table.T",
    says: "does not enable server_side_encryption",
  },
  {
    rule: "PLT-DDB-002",
    pass: (s) => table(s),
    fail: (s) => table(s, { pointInTimeRecovery: { enabled: false } }),
    address: "aws_dynamodb_table.T",
    says: "point-in-time recovery off",
  },
  {
    rule: "PLT-DDB-003",
    production: true,
    pass: (s) => table(s),
    fail: (s) => table(s, { deletionProtectionEnabled: false }),
    address: "aws_dynamodb_table.T",
    says: "deletion_protection_enabled off in production",
  },
  {
    rule: "PLT-LOG-001",
    pass: (s) => new CloudwatchLogGroup(s, "Logs", { name: "/test/logs", retentionInDays: 30 }),
    fail: (s) => new CloudwatchLogGroup(s, "Logs", { name: "/test/logs" }),
    address: "aws_cloudwatch_log_group.Logs",
    says: "keeps events forever (retention_in_days unset)",
  },
  {
    rule: "PLT-LOG-002",
    production: true,
    pass: (s) => new CloudwatchLogGroup(s, "Logs", { name: "/test/logs", retentionInDays: 30, lifecycle: { preventDestroy: true } }),
    fail: (s) => new CloudwatchLogGroup(s, "Logs", { name: "/test/logs", retentionInDays: 30 }),
    address: "aws_cloudwatch_log_group.Logs",
    says: "no lifecycle prevent_destroy in production",
  },
  {
    rule: "PLT-IAM-001",
    pass: (s) => rolePolicy(s, [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }]),
    fail: (s) => rolePolicy(s, [{ Sid: "TooBroad", Effect: "Allow", Action: ["sqs:*"], Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }]),
    address: "aws_iam_role_policy.P",
    says: 'statement "TooBroad": wildcard action "sqs:*"',
  },
  {
    rule: "PLT-IAM-002",
    pass: (s) => rolePolicy(s, [{ Effect: "Allow", Action: [...ACTIONS_WITHOUT_RESOURCE_SCOPE], Resource: "*" }]),
    fail: (s) => rolePolicy(s, [{ Effect: "Allow", Action: ["xray:PutTraceSegments", "dynamodb:GetItem"], Resource: "*" }]),
    address: "aws_iam_role_policy.P",
    says: 'dynamodb:GetItem on Resource "*"',
  },
  {
    rule: "PLT-APIGW-001",
    pass: (s) => httpRoute(s, { authorizationType: "JWT", authorizerId: "abc123" }),
    fail: (s) => httpRoute(s, { authorizationType: "NONE" }),
    address: "aws_apigatewayv2_route.Route",
    says: 'Route "GET /items" is public (authorization_type NONE)',
  },
  {
    rule: "PLT-APIGW-002",
    pass: (s) => {
      const logs = new CloudwatchLogGroup(s, "Access", { name: "/test/access", retentionInDays: 30 });
      new Apigatewayv2Stage(s, "Stage", { apiId: "abc123", name: "$default", accessLogSettings: { destinationArn: logs.arn, format: "{}" } });
    },
    fail: (s) => new Apigatewayv2Stage(s, "Stage", { apiId: "abc123", name: "$default" }),
    address: "aws_apigatewayv2_stage.Stage",
    says: "writes no access logs",
  },
  {
    rule: "PLT-CF-001",
    pass: (s) => distribution(s),
    fail: (s) =>
      distribution(s, {
        orderedCacheBehavior: [
          { pathPattern: "/legacy/*", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "spa", viewerProtocolPolicy: "allow-all" },
        ],
      }),
    address: "aws_cloudfront_distribution.Cdn",
    says: 'ordered_cache_behavior "/legacy/*" has viewer_protocol_policy "allow-all"',
  },
  {
    rule: "PLT-CF-002",
    pass: (s) =>
      distribution(s, {
        viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
      }),
    fail: (s) =>
      distribution(s, {
        viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.1_2016" },
      }),
    address: "aws_cloudfront_distribution.Cdn",
    says: "allows viewers TLS policy TLSv1.1_2016",
  },
  {
    rule: "PLT-CF-003",
    pass: (s) =>
      distribution(s, {
        origin: [{ domainName: "test-bucket.s3.eu-west-1.amazonaws.com", originId: "spa", originAccessControlId: "E2OAC" }],
      }),
    fail: (s) =>
      distribution(s, {
        origin: [
          {
            domainName: "api.example.com",
            originId: "api",
            customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
          },
          { domainName: "test-bucket.s3.eu-west-1.amazonaws.com", originId: "spa" },
        ],
      }),
    address: "aws_cloudfront_distribution.Cdn",
    says: 'S3 origin "spa" is read without Origin Access Control',
  },
  {
    rule: "PLT-CF-004",
    pass: (s) =>
      distribution(s, {
        defaultCacheBehavior: {
          allowedMethods: ["GET", "HEAD"],
          cachedMethods: ["GET", "HEAD"],
          targetOriginId: "spa",
          viewerProtocolPolicy: "redirect-to-https",
          responseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03",
        },
      }),
    fail: (s) =>
      distribution(s, {
        defaultCacheBehavior: {
          allowedMethods: ["GET", "HEAD"],
          cachedMethods: ["GET", "HEAD"],
          targetOriginId: "spa",
          viewerProtocolPolicy: "redirect-to-https",
          responseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03",
        },
        orderedCacheBehavior: [
          { pathPattern: "/api/*", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "spa", viewerProtocolPolicy: "https-only" },
        ],
      }),
    address: "aws_cloudfront_distribution.Cdn",
    says: 'ordered_cache_behavior "/api/*" has no response headers policy',
  },
  {
    rule: "PLT-CF-005",
    production: true,
    pass: (s) => {
      const d = distribution(s);
      new CloudfrontMonitoringSubscription(s, "Metrics", {
        distributionId: d.id,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" } },
      });
    },
    fail: (s) => {
      const d = distribution(s);
      new CloudfrontMonitoringSubscription(s, "Metrics", {
        distributionId: d.id,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Disabled" } },
      });
    },
    address: "aws_cloudfront_distribution.Cdn",
    says: "has neither access logs nor additional real-time metrics in production",
  },
  {
    rule: "PLT-LAMBDA-001",
    pass: (s) => fn(s, "Fn", { tracing: "Active" }),
    fail: (s) => fn(s, "Fn", { tracing: "PassThrough" }),
    address: "aws_lambda_function.Fn",
    says: "tracing mode PassThrough",
  },
  {
    rule: "PLT-LAMBDA-002",
    pass: (s) => fn(s, "Fn", { tracing: "Active" }),
    fail: (s) => fn(s, "Fn", { tracing: "Active", logGroup: false }),
    address: "aws_lambda_function.Fn",
    says: "logs to its default log group, which this stack does not manage",
  },
  {
    rule: "PLT-SFN-001",
    pass: (s) => sfn(s, { logging: { level: "ERROR", logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/x:*" } }),
    fail: (s) => sfn(s, { logging: { level: "OFF" } }),
    address: "aws_sfn_state_machine.Sm",
    says: "logging level OFF",
  },
  {
    rule: "PLT-SFN-002",
    pass: (s) => sfn(s, { tracing: true }),
    fail: (s) => sfn(s, {}),
    address: "aws_sfn_state_machine.Sm",
    says: "tracing unset (off)",
  },
  {
    rule: "PLT-KMS-001",
    pass: (s) => new KmsKey(s, "Key", { enableKeyRotation: true }),
    fail: (s) => new KmsKey(s, "Key", { enableKeyRotation: false }),
    address: "aws_kms_key.Key",
    says: "automatic rotation off",
  },
  {
    rule: "PLT-RDS-001",
    pass: (s) => new RdsCluster(s, "Db", { engine: "aurora-postgresql", engineMode: "provisioned", storageEncrypted: true }),
    fail: (s) => new RdsCluster(s, "Db", { engine: "aurora-postgresql", engineMode: "provisioned" }),
    address: "aws_rds_cluster.Db",
    says: "storage_encrypted off",
  },
  {
    rule: "PLT-RDS-002",
    production: true,
    pass: (s) => new DbInstance(s, "Db", { instanceClass: "db.t4g.micro", storageEncrypted: true, deletionProtection: true, lifecycle: { preventDestroy: true } }),
    fail: (s) => new DbInstance(s, "Db", { instanceClass: "db.t4g.micro", storageEncrypted: true, lifecycle: { preventDestroy: true } }),
    address: "aws_db_instance.Db",
    says: "deletion_protection off in production",
  },
  {
    rule: "PLT-FH-001",
    pass: (s) => firehoseToBucket(s, "arn:aws:kms:eu-west-1:123456789012:key/k"),
    fail: (s) => firehoseToBucket(s, undefined),
    address: "aws_kinesis_firehose_delivery_stream.Fh",
    says: 'Delivery stream "test-fh" sets no kms_key_arn and its destination bucket "test-dest" declares no default encryption',
  },
  {
    rule: "PLT-ATH-001",
    pass: (s) =>
      new AthenaWorkgroup(s, "Wg", {
        name: "test-wg",
        configuration: { enforceWorkgroupConfiguration: true, resultConfiguration: { outputLocation: "s3://r/", encryptionConfiguration: { encryptionOption: "SSE_S3" } } },
      }),
    fail: (s) =>
      new AthenaWorkgroup(s, "Wg", {
        name: "test-wg",
        configuration: { enforceWorkgroupConfiguration: false, resultConfiguration: { outputLocation: "s3://r/", encryptionConfiguration: { encryptionOption: "SSE_S3" } } },
      }),
    address: "aws_athena_workgroup.Wg",
    says: 'Workgroup "test-wg" lets clients override its configuration',
  },
  {
    rule: "PLT-IOT-001",
    pass: (s) => iotPolicy(s, [{ Effect: "Allow", Action: "iot:Publish", Resource: `${IOT_ARN}:topic/devices/\${iot:Connection.Thing.ThingName}/*` }]),
    fail: (s) => iotPolicy(s, [{ Effect: "Allow", Action: "iot:Publish", Resource: `${IOT_ARN}:topic/devices/*` }]),
    address: "aws_iot_policy.Device",
    says: `wildcard resource "${"arn:aws:iot:eu-west-1:123456789012"}:topic/devices/*" is not scoped by \${iot:Connection.Thing.ThingName}`,
  },
  {
    rule: "PLT-KIN-001",
    pass: (s) => new KinesisStream(s, "Stream", { name: "activity", encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" }),
    fail: (s) => new KinesisStream(s, "Stream", { name: "activity" }),
    address: "aws_kinesis_stream.Stream",
    says: "encryption_type NONE (unset)",
  },
  {
    rule: "PLT-COG-001",
    production: true,
    pass: (s) => new CognitoUserPool(s, "Users", { name: "users", deletionProtection: "ACTIVE", lifecycle: { preventDestroy: true } }),
    fail: (s) => new CognitoUserPool(s, "Users", { name: "users", lifecycle: { preventDestroy: true } }),
    address: "aws_cognito_user_pool.Users",
    says: "deletion_protection INACTIVE (unset) in production",
  },
];

describe("every rule has a passing and a failing case", () => {
  it("covers each rule of POLICY_RULES exactly once", () => {
    expect(CASES.map((c) => c.rule).sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  });

  describe.each(CASES)("$rule", (c) => {
    it("finds nothing on a compliant resource", () => {
      expect(findingsOf(c.pass, c.rule, c.production)).toEqual([]);
    });

    it("reports the violating resource with the rule's severity, a message and a fix", () => {
      const rule = POLICY_RULES.find((r) => r.id === c.rule)!;
      const found = findingsOf(c.fail, c.rule, c.production);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ ruleId: c.rule, severity: rule.severity, address: c.address });
      expect(found[0].message).toContain(c.says);
      expect(found[0].fix.length).toBeGreaterThan(10);
    });
  });
});

describe("production-only rules", () => {
  it("do not apply outside production", () => {
    const report = evaluate((s) => {
      table(s, { deletionProtectionEnabled: false, lifecycle: undefined });
      new CloudwatchLogGroup(s, "Logs", { name: "/test/logs", retentionInDays: 30 });
      new CognitoUserPool(s, "Users", { name: "users" });
      new RdsCluster(s, "Db", { engine: "aurora-postgresql", storageEncrypted: true });
    }, false);
    expect(report.findings).toEqual([]);
  });

  it("report each missing guard separately", () => {
    const found = findingsOf((s) => table(s, { deletionProtectionEnabled: false, lifecycle: undefined }), "PLT-DDB-003", true);
    expect(found.map((f) => f.message)).toEqual([
      'Table "test-table" has deletion_protection_enabled off in production.',
      'Table "test-table" has no lifecycle prevent_destroy in production.',
    ]);
  });

  it("are exactly the deletion guards and the CDN observability rule", () => {
    expect(
      POLICY_RULES.filter((r) => r.productionOnly)
        .map((r) => r.id)
        .sort(),
    ).toEqual(["PLT-CF-005", "PLT-COG-001", "PLT-DDB-003", "PLT-LOG-002", "PLT-RDS-002"]);
  });
});

describe("the platform's modules comply by default", () => {
  it("Bucket, Queue (own DLQ), Topic, Table, LogGroup and Key have no finding, even in production with guards on", () => {
    const report = evaluate((s) => {
      new Bucket(s, "Uploads", { name: "uploads", preventDestroy: true });
      new Queue(s, "Work", { name: "work" });
      const key = new Key(s, "Key", { name: "key", accountId: "123456789012" });
      new Topic(s, "Events", { name: "events", encryptionKey: key });
      new Topic(s, "Plain", { name: "plain" });
      new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, preventDestroy: true });
      new LogGroup(s, "Logs", { logGroupName: "/test/logs", preventDestroy: true });
    }, true);
    expect(report.findings).toEqual([]);
  });

  it("a Queue with deadLetterQueue: false fails PLT-SQS-003 until something uses it as a failure destination", () => {
    const alone = findingsOf((s) => new Queue(s, "Failures", { name: "failures", deadLetterQueue: false }), "PLT-SQS-003");
    expect(alone).toHaveLength(1);
    expect(alone[0].address).toMatch(/^aws_sqs_queue\.Failures_/);
  });
});

describe("Step Functions rules", () => {
  const machine = (s: TerraformStack, extra: Partial<StateMachineProps> = {}) => {
    Naming.configure(s, { app: "test", env: "dev", account: "123456789012" });
    const task = Tasks.invoke(LambdaFunction.fromArn(s, "Fn", "arn:aws:lambda:eu-west-1:123456789012:function:test-dev-fn"));
    new StateMachine(s, "Flow", {
      name: "flow",
      definition: { startAt: "A", states: { A: States.task(task, { retry: [Retry.transient(task)], catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() } },
      ...extra,
    });
  };

  it('the StateMachine module complies by default (logging ERROR to its log group, tracing on, log delivery on "*" without a finding or a suppression)', () => {
    const report = evaluate((s) => machine(s));
    expect(report.findings).toEqual([]);
    expect(report.suppressions).toEqual([]);
  });

  it("flags a StateMachine with logging OFF (PLT-SFN-001) and one with tracing off (PLT-SFN-002)", () => {
    expect(findingsOf((s) => machine(s, { logging: { level: "OFF" } }), "PLT-SFN-001")).toEqual([
      expect.objectContaining({ severity: "error", message: expect.stringContaining('"test-dev-flow" has logging level OFF') }),
    ]);
    expect(findingsOf((s) => machine(s, { tracing: false }), "PLT-SFN-002")).toEqual([
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("tracing off") }),
    ]);
  });

  it("PLT-SFN-001 flags a level without a log_destination", () => {
    expect(findingsOf((s) => sfn(s, { logging: { level: "ALL" } }), "PLT-SFN-001")).toEqual([
      expect.objectContaining({ message: expect.stringContaining("logs at level ALL but has no log_destination") }),
    ]);
  });
});

describe("S3 rules", () => {
  it("accept an account-level public access block", () => {
    expect(
      findingsOf((s) => {
        bucket(s, { block: false });
        new S3AccountPublicAccessBlock(s, "Account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      }, "PLT-S3-001"),
    ).toEqual([]);
  });

  it("name the flags a partial public access block leaves off", () => {
    expect(findingsOf((s) => bucket(s, { partialBlock: true }), "PLT-S3-001")[0].message).toContain("leaves block_public_policy off");
  });

  it("report a bucket policy that is not JSON known at synth as unverifiable", () => {
    const found = findingsOf((s) => bucket(s, { policy: "${jsonencode(local.policy)}" }), "PLT-S3-003");
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("cannot be verified");
    expect(found[0].fix).toContain("JSON");
  });

  it("report a bucket without any bucket policy", () => {
    expect(findingsOf((s) => bucket(s, { policy: null }), "PLT-S3-003")[0].message).toContain("has no aws_s3_bucket_policy");
  });
});

describe("PLT-SQS-003 recognises dead-letter queues and failure destinations", () => {
  it("a queue named by an event source mapping's on_failure destination", () => {
    expect(
      findingsOf((s) => {
        const failures = queue(s, "Failures");
        new LambdaEventSourceMapping(s, "Mapping", {
          functionName: "f",
          eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/s",
          startingPosition: "TRIM_HORIZON",
          destinationConfig: { onFailure: { destinationArn: failures.arn } },
        });
      }, "PLT-SQS-003"),
    ).toEqual([]);
  });

  it("a queue named by an async invoke config's on_failure destination", () => {
    expect(
      findingsOf((s) => {
        const failures = queue(s, "Failures");
        new LambdaFunctionEventInvokeConfig(s, "Async", { functionName: "f", destinationConfig: { onFailure: { destination: failures.arn } } });
      }, "PLT-SQS-003"),
    ).toEqual([]);
  });

  it("a queue named by an SNS subscription's redrive policy", () => {
    expect(
      findingsOf((s) => {
        const dlq = queue(s, "SubscriptionDlq");
        const work = queue(s, "Work", { redriveTo: dlq });
        new SnsTopicSubscription(s, "Sub", {
          topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
          protocol: "sqs",
          endpoint: work.arn,
          redrivePolicy: json({ deadLetterTargetArn: dlq.arn }),
        });
      }, "PLT-SQS-003"),
    ).toEqual([]);
  });

  it("a queue whose redrive allow policy accepts sources", () => {
    expect(
      findingsOf((s) => {
        const dlq = queue(s, "Dlq");
        new SqsQueueRedriveAllowPolicy(s, "Allow", { queueUrl: dlq.url, redriveAllowPolicy: json({ redrivePermission: "allowAll" }) });
      }, "PLT-SQS-003"),
    ).toEqual([]);
  });
});

describe("IAM rules", () => {
  const keyPolicy = (principal: unknown, action: string) =>
    json({ Version: "2012-10-17", Statement: [{ Sid: "Root", Effect: "Allow", Principal: principal, Action: action, Resource: "*" }] });

  it("allow AWS's default account-root kms:* statement in a key policy", () => {
    expect(findingsOf((s) => new KmsKey(s, "Key", { enableKeyRotation: true, policy: keyPolicy({ AWS: "arn:aws:iam::123456789012:root" }, "kms:*") }), "PLT-IAM-001")).toEqual([]);
  });

  it("refuse kms:* to any other principal of a key policy", () => {
    const found = findingsOf((s) => new KmsKey(s, "Key", { enableKeyRotation: true, policy: keyPolicy({ AWS: "arn:aws:iam::123456789012:role/app" }, "kms:*") }), "PLT-IAM-001");
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('statement "Root": wildcard action "kms:*"');
  });

  it('refuse "*" in a managed policy and Allow with NotAction', () => {
    const found = findingsOf(
      (s) =>
        new IamPolicy(s, "Admin", {
          name: "admin",
          policy: json({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "*", Resource: "*" },
              { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
            ],
          }),
        }),
      "PLT-IAM-001",
    );
    expect(found.map((f) => f.message)).toEqual([
      'aws_iam_policy.Admin statement #1: wildcard action "*".',
      "aws_iam_policy.Admin statement #2: Allow with NotAction grants every other action.",
    ]);
  });

  it("ignore wildcards in Deny statements (a TLS-only Deny on s3:* narrows access)", () => {
    expect(findingsOf((s) => bucket(s), "PLT-IAM-001")).toEqual([]);
  });

  it("check a role's inline_policy blocks", () => {
    const found = findingsOf(
      (s) =>
        new IamRole(s, "Role", {
          name: "r",
          assumeRolePolicy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
          inlinePolicy: [{ name: "p", policy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) }],
        }),
      "PLT-IAM-002",
    );
    expect(found.map((f) => f.message)).toEqual(['aws_iam_role.Role.inline_policy[0] statement #1: s3:GetObject on Resource "*".']);
  });

  it("read documents rendered by an aws_iam_policy_document data source of the stack", () => {
    const found = findingsOf((s) => {
      const doc = new DataAwsIamPolicyDocument(s, "Doc", {
        statement: [
          { sid: "Scoped", actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:q"] },
          { sid: "Broad", actions: ["dynamodb:*"], resources: ["*"] },
        ],
      });
      new IamRolePolicy(s, "P", { role: "r", policy: doc.json });
    }, "PLT-IAM-001");
    expect(found.map((f) => f.message)).toEqual(['aws_iam_role_policy.P statement "Broad": wildcard action "dynamodb:*".']);
  });

  it("report a policy that is a Terraform expression as unverifiable", () => {
    const found = findingsOf((s) => new IamRolePolicy(s, "P", { role: "r", policy: "${jsonencode(local.p)}" }), "PLT-IAM-001");
    expect(found[0].message).toContain("the policy cannot be verified: the policy is a Terraform expression");
  });
});

describe("PLT-APIGW-001", () => {
  it("accepts AWS_IAM authorization and WebSocket routes other than $connect", () => {
    expect(findingsOf((s) => httpRoute(s, { authorizationType: "AWS_IAM" }), "PLT-APIGW-001")).toEqual([]);
    expect(findingsOf((s) => httpRoute(s, { protocol: "WEBSOCKET", routeKey: "sendMessage" }), "PLT-APIGW-001")).toEqual([]);
  });

  it("refuses a JWT route without an authorizer_id and an unset authorization_type", () => {
    expect(findingsOf((s) => httpRoute(s, { authorizationType: "JWT" }), "PLT-APIGW-001")[0].message).toContain("no authorizer_id");
    expect(findingsOf((s) => httpRoute(s, {}), "PLT-APIGW-001")[0].message).toContain("authorization_type unset");
  });
});

describe("CloudFront rules", () => {
  it("PLT-CF-002 does not judge the default *.cloudfront.net certificate (AWS fixes its policy)", () => {
    expect(findingsOf((s) => distribution(s), "PLT-CF-002")).toEqual([]);
  });

  it("PLT-CF-003 recognises an S3 origin by a reference to a bucket's regional domain name, and refuses a legacy origin access identity", () => {
    const found = findingsOf((s) => {
      const b = new S3Bucket(s, "Site", { bucket: "test-site" });
      distribution(s, {
        origin: [
          { domainName: b.bucketRegionalDomainName, originId: "ref" },
          {
            domainName: "test-bucket.s3.eu-west-1.amazonaws.com",
            originId: "oai",
            originAccessControlId: "E2OAC",
            s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" },
          },
        ],
      });
    }, "PLT-CF-003");
    expect(found.map((f) => f.message)).toEqual([
      'Distribution aws_cloudfront_distribution.Cdn: S3 origin "ref" is read without Origin Access Control.',
      'Distribution aws_cloudfront_distribution.Cdn: S3 origin "oai" is read without Origin Access Control (legacy origin access identity).',
    ]);
  });

  it("PLT-CF-005 applies to production only, and a distribution with standard logging passes", () => {
    expect(findingsOf((s) => distribution(s), "PLT-CF-005", false)).toEqual([]);
    expect(findingsOf((s) => distribution(s, { loggingConfig: { bucket: "logs.s3.amazonaws.com" } }), "PLT-CF-005", true)).toEqual([]);
  });

  it("PLT-CF-001 checks the default cache behavior too", () => {
    const found = findingsOf(
      (s) =>
        distribution(s, {
          defaultCacheBehavior: { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "spa", viewerProtocolPolicy: "allow-all" },
        }),
      "PLT-CF-001",
    );
    expect(found[0].message).toContain('default_cache_behavior has viewer_protocol_policy "allow-all"');
  });
});

describe("values known only at apply", () => {
  it("are not judged (a variable-driven rotation flag passes)", () => {
    expect(findingsOf((s) => new KmsKey(s, "Key", { enableKeyRotation: "${var.rotate}" as unknown as boolean }), "PLT-KMS-001")).toEqual([]);
  });

  it("asymmetric keys are not asked to rotate", () => {
    expect(findingsOf((s) => new KmsKey(s, "Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }), "PLT-KMS-001")).toEqual([]);
  });
});

describe("PLT-IOT-001 (IoT policies)", () => {
  const messages = (statements: unknown[]) => findingsOf((s) => iotPolicy(s, statements), "PLT-IOT-001").map((f) => f.message);

  it('refuses iot:*, a bare "*" resource and Allow with NotAction, each named', () => {
    expect(messages([{ Sid: "All", Effect: "Allow", Action: "iot:*", Resource: "*" }])).toEqual([
      'IoT policy "device" statement "All": wildcard action "iot:*".',
      'IoT policy "device" statement "All": wildcard resource "*" is not scoped by ${iot:Connection.Thing.ThingName}.',
    ]);
    expect(messages([{ Effect: "Allow", NotAction: "iot:Connect", Resource: `${IOT_ARN}:client/\${iot:Connection.Thing.ThingName}` }])).toEqual([
      'IoT policy "device" statement #1: Allow with NotAction grants every other action.',
    ]);
  });

  it("accepts a wildcard only after the thing-name variable, exact ARNs, and wildcards in Deny statements", () => {
    expect(messages([{ Effect: "Allow", Action: "iot:Connect", Resource: `${IOT_ARN}:client/\${iot:Connection.Thing.ThingName}` }])).toEqual([]);
    expect(messages([{ Effect: "Allow", Action: ["iot:Publish"], Resource: [`arn:aws:iot:*:*:topic/devices/\${iot:Connection.Thing.ThingName}/*`] }])).toEqual([]);
    expect(messages([{ Effect: "Deny", Action: "iot:*", Resource: "*" }])).toEqual([]);
    // the variable after the wildcard pins nothing: devices/<any>/<thing> is another device's topic
    expect(messages([{ Effect: "Allow", Action: "iot:Publish", Resource: `${IOT_ARN}:topic/devices/*/\${iot:Connection.Thing.ThingName}` }])).toHaveLength(1);
    // another policy variable (client id chosen by the device) does not scope to the thing
    expect(messages([{ Effect: "Allow", Action: "iot:Connect", Resource: `${IOT_ARN}:client/*` }])).toHaveLength(1);
  });

  it("reports a policy that is not JSON known at synth as unverifiable", () => {
    const found = findingsOf((s) => new IotPolicy(s, "Device", { name: "device", policy: "${var.policy}" }), "PLT-IOT-001");
    expect(found[0].message).toMatch(/cannot be verified/);
  });
});

describe("the IotIngest module complies by default", () => {
  it("has no finding, even in production: its policy is scoped, its role exact, its error queue a recognised failure destination", () => {
    const report = evaluate((s) => {
      Naming.configure(s, { app: "test", env: "prod", account: "123456789012" });
      new IotIngest(s, "Devices", { name: "devices", stream: new Stream(s, "Activity", { name: "activity" }) });
    }, true);
    expect(report.findings).toEqual([]);
  });

  it("PLT-SQS-003 recognises a queue named by an IoT topic rule's SQS error action (by URL)", () => {
    const found = findingsOf((s) => {
      const q = new Queue(s, "Errors", { name: "errors", deadLetterQueue: false });
      new IotTopicRule(s, "Rule", {
        name: "rule",
        enabled: true,
        sql: "SELECT * FROM 'a/b'",
        sqlVersion: "2016-03-23",
        errorAction: { sqs: { queueUrl: q.url, roleArn: "arn:aws:iam::123456789012:role/r", useBase64: false } },
      });
    }, "PLT-SQS-003");
    expect(found).toEqual([]);
  });
});
