/**
 * How a local environment deploys to the emulators on this machine: which AWS services have a local endpoint (all
 * of them reached through the local runtime, which forwards to the emulator serving each), and the one list of what
 * the emulators cannot apply, with the reason. Applied as an aspect to a local environment's stack only.
 */
import { Annotations, IAspect, TerraformDataSource, TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

/**
 * The policy module (every rule) is needed only by a local environment: loaded then, so that importing AwsStack
 * (`@platform/serverless/modules/stack`) does not load it.
 */
function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above); import() would make this async
  (require("../policy") as typeof import("../policy")).suppressPolicy(scope, ruleId, reason);
}

/**
 * AWS provider endpoint keys served locally (the provider's `endpoints` block): moto for most, DynamoDB Local for
 * `dynamodb`, the local runtime itself for Lambda's Invoke and event source mappings. A resource of any other service
 * fails the local synth, naming the service, so a local deploy never sends a request to AWS.
 */
export const LOCAL_ENDPOINT_SERVICES = [
  "apigatewayv2",
  "athena",
  "cloudwatch",
  "cognitoidp",
  "dynamodb",
  "firehose",
  "glue",
  "iam",
  // moto answers IoT's control plane, but its thing types, policies and topic rules are EMULATOR_GAPS (see there): the
  // endpoint only guarantees that no IoT call of a local deploy can ever reach AWS.
  "iot",
  "kinesis",
  "kms",
  "lambda",
  "logs",
  "rds",
  "s3",
  "secretsmanager",
  "sfn",
  "sns",
  "sqs",
  "sts",
] as const;

export type LocalEndpointService = (typeof LOCAL_ENDPOINT_SERVICES)[number];

/** Terraform type prefixes → the provider endpoint key of the service they call (longest prefix wins). */
const SERVICE_OF_TYPE: ReadonlyArray<readonly [string, string]> = [
  ["aws_apigatewayv2_", "apigatewayv2"],
  ["aws_cloudwatch_log_", "logs"],
  ["aws_cloudwatch_event_", "events"],
  ["aws_cloudwatch_", "cloudwatch"],
  ["aws_cognito_identity_pool", "cognitoidentity"],
  ["aws_cognito_", "cognitoidp"],
  ["aws_dynamodb_", "dynamodb"],
  ["aws_iam_policy_document", "(none)"],
  ["aws_iam_", "iam"],
  ["aws_kinesis_firehose_", "firehose"],
  ["aws_kinesis_", "kinesis"],
  ["aws_kms_", "kms"],
  ["aws_lambda_", "lambda"],
  ["aws_rds_", "rds"],
  ["aws_db_", "rds"],
  ["aws_s3_", "s3"],
  ["aws_secretsmanager_", "secretsmanager"],
  ["aws_sfn_", "sfn"],
  ["aws_sns_", "sns"],
  ["aws_sqs_", "sqs"],
  ["aws_caller_identity", "sts"],
  ["aws_region", "(none)"],
  ["aws_partition", "(none)"],
  ["aws_cloudfront_", "cloudfront"],
  ["aws_iot_", "iot"],
  ["aws_athena_", "athena"],
  ["aws_glue_", "glue"],
  ["aws_wafv2_", "wafv2"],
  ["aws_acm_", "acm"],
];

/** The provider endpoint key a Terraform resource type calls, `(none)` for types that call nothing, undefined if unknown. */
export function serviceOfResourceType(type: string): string | undefined {
  let best: readonly [string, string] | undefined;
  for (const entry of SERVICE_OF_TYPE) if (type.startsWith(entry[0]) && (best === undefined || entry[0].length > best[0].length)) best = entry;
  return best?.[1];
}

/** What the emulators cannot apply: the resource is left out of a local deploy (count = 0), for the reason given. */
export interface EmulatorGap {
  readonly resourceType: string;
  readonly reason: string;
}

/*
 * CloudFront is not a gap but left out of a local environment altogether (environments/local.ts `web.cdn: false`, so
 * the stack creates no distribution, site bucket or site objects; "cloudfront" has no local endpoint, so a CloudFront
 * resource in a local stack fails synth). Measured with moto 5.2.1 and hashicorp/aws 5.100.0 (terraform apply of the
 * cdn module): CreateOriginAccessControl 201 and CreateDistribution 201 (deployed after ~30 s), but CreateFunction,
 * CreateResponseHeadersPolicy and CreateMonitoringSubscription answer 404, and the distribution references the
 * functions and the headers policy, so none of it can be skipped piecewise. moto would not serve the site anyway: the
 * local web server (local/web) serves the built app and routes /api with the same CloudFront Functions
 * (modules/cdn/functions, run in node's vm) and the same security headers (modules/cdn/security-headers.ts).
 */

/**
 * Every emulator gap of the local deploy, in one place. Nothing else is skipped; other differences (attributes an
 * emulator does not store) are in the README (“Run the whole platform locally”): moto's only show as drift in a second
 * plan; DynamoDB Local's (tags, encryption) are kept by the local endpoint (local/runtime/dynamodb-metadata.ts).
 */
export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    resourceType: "aws_sqs_queue_redrive_allow_policy",
    reason:
      "moto 5.2.1 does not model RedriveAllowPolicy: Terraform waits for the attribute forever. Only restricts which " +
      "queues may use a DLQ; the redrive itself (RedrivePolicy on the source queue) is applied and works.",
  },
  {
    resourceType: "aws_s3_bucket_policy",
    reason:
      "moto 5.2.1 evaluates a bucket policy on object requests and treats a statement whose Condition it cannot match as " +
      "a Deny (moto/iam/access_control.py, IAMPolicyStatement), so the TLS-only Deny (aws:SecureTransport false) refuses " +
      "every GetObject and HeadObject; the local endpoint speaks plain HTTP anyway. Public access stays blocked.",
  },
  ...["aws_iot_thing_type", "aws_iot_policy", "aws_iot_topic_rule"].map((resourceType) => ({
    resourceType,
    reason:
      "moto 5.2.1 creates IoT thing types, policies and topic rules (CreateThingType/CreatePolicy/CreateTopicRule answer " +
      "200) but does not implement IoT ListTagsForResource (NotImplementedError, HTTP 500), which the AWS provider " +
      "retries after every create: measured, an apply of the three was still creating them after 4 minutes. Even " +
      "deployed, moto never routes an MQTT message through a topic rule, so device telemetry (IoT Core → Kinesis) is " +
      "not emulated; the rule's role and error queue deploy, and POST /events feeds the same stream locally.",
  })),
];

/** A resource the emulators apply but that does not do its job locally (or cannot be destroyed), with the measured reason. */
export interface InertResource {
  readonly resourceType: string;
  readonly reason: string;
}

/**
 * Resources a local deploy applies (they stay in the plan, so the local stack matches the deployed one) but that are
 * inert on the emulators. Measured with moto 5.2.1 and hashicorp/aws 5.100.0: a terraform apply of the activity lake
 * (stream, Firehose, buckets, Glue database and table, Athena workgroup and named queries, alarms) creates all 33
 * resources and a second plan shows no change to them.
 */
export const EMULATOR_INERT_RESOURCES: readonly InertResource[] = [
  {
    resourceType: "aws_kinesis_firehose_delivery_stream",
    reason:
      "moto stores the delivery stream (Kinesis source, extended S3 destination) but never reads the Kinesis stream, so " +
      "nothing reaches the lake bucket locally; activity events still reach Aurora through activity-processor.",
  },
  {
    resourceType: "aws_athena_workgroup",
    reason:
      "moto runs no SQL: StartQueryExecution and GetQueryExecution work (the execution goes to SUCCEEDED), GetQueryResults " +
      "returns 0 rows unless results were queued at /moto-api/static/athena/query-results. Its ListTagsForResource fails " +
      'for an untagged workgroup ("Does Not Exist"); the local environment\'s default tags avoid that.',
  },
  {
    resourceType: "aws_athena_named_query",
    reason: "moto 5.2.1 has no DeleteNamedQuery: terraform destroy waits for the named queries forever (apply and plan are fine).",
  },
];

/**
 * Policy rules (modules/policy) an emulator cannot satisfy, suppressed on the local stack only, with the reason. The
 * environment's own guards say the same (environments/local.ts turns point-in-time recovery off).
 */
export const EMULATOR_POLICY_EXCEPTIONS: ReadonlyArray<{ readonly resourceType: string; readonly ruleId: string; readonly reason: string }> = [
  {
    resourceType: "aws_dynamodb_table",
    ruleId: "PLT-DDB-002",
    reason: "DynamoDB Local has no point-in-time recovery: UpdateContinuousBackups is an unknown operation there and fails the apply",
  },
];

export class LocalServiceError extends Error {}

/**
 * The aspect of a local environment's stack: drops the resources of EMULATOR_GAPS (annotated with the reason) and
 * throws, naming the resource and its service, when a resource or data source calls a service without a local endpoint.
 */
export class LocalEmulation implements IAspect {
  constructor(private readonly environment: string) {}

  visit(node: IConstruct): void {
    if (!(TerraformResource.isTerraformResource(node) || TerraformDataSource.isTerraformDataSource(node))) return;
    const element = node as TerraformResource | TerraformDataSource;
    const type = element.terraformResourceType;
    const gap = EMULATOR_GAPS.find((g) => g.resourceType === type);
    if (gap !== undefined && TerraformResource.isTerraformResource(node)) {
      element.addOverride("count", 0);
      Annotations.of(node).addInfo(`Left out of the local environment (emulator gap): ${gap.reason}`);
      return;
    }
    for (const e of EMULATOR_POLICY_EXCEPTIONS) if (e.resourceType === type) suppressPolicy(node, e.ruleId, e.reason);
    const service = serviceOfResourceType(type);
    if (service === "(none)") return;
    if (service === undefined || !(LOCAL_ENDPOINT_SERVICES as readonly string[]).includes(service)) {
      throw new LocalServiceError(
        `Local environment "${this.environment}": ${type} (${node.node.path}) calls the AWS service ` +
          `${service === undefined ? `of ${type}, which this platform does not know` : `"${service}"`}, and no local emulator serves it, ` +
          `so a local deploy would reach AWS. Fix: serve it locally (an emulator in local/, its key in LOCAL_ENDPOINT_SERVICES, ` +
          `modules/stack/local-emulation.ts) or list it in EMULATOR_GAPS with the reason.`,
      );
    }
  }
}

/** The provider settings of a local environment: every service at the local endpoint, fake credentials, path-style S3. */
export function localProviderSettings(endpoint: string): {
  endpoints: Array<Record<LocalEndpointService, string>>;
  accessKey: string;
  secretKey: string;
  s3UsePathStyle: boolean;
  skipMetadataApiCheck: string;
} {
  const endpoints = Object.fromEntries(LOCAL_ENDPOINT_SERVICES.map((s) => [s, endpoint])) as Record<LocalEndpointService, string>;
  return { endpoints: [endpoints], accessKey: "local", secretKey: "local", s3UsePathStyle: true, skipMetadataApiCheck: "true" };
}
