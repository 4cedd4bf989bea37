// Deterministic stand-ins for values AWS assigns at create time (id, arn, url, endpoints ...), shaped like the real
// thing so that provider validation of a reference to them passes (an event source mapping's ARN, an SQS URL, ...).
// The same resource address and attribute always give the same value: a state built twice is identical.
import { createHash } from "node:crypto";

/** The account of every fake ARN: AWS's documentation account, never a real one. */
export const FAKE_ACCOUNT = "123456789012";

export interface FakeContext {
  readonly type: string;
  readonly address: string;
  /** Planned (known) attribute values of the resource, for names that real ids and ARNs embed. */
  readonly after: Record<string, any>;
  readonly region: string;
  readonly account: string;
}

/** Hex digest of the parts, for deterministic tokens. */
export function token(...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** A deterministic UUID (v4-shaped) from the parts. */
export function fakeUuid(...parts: Array<string | number>): string {
  const h = token(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Lower-case alphanumerics of a given length (API Gateway ids, Cognito client ids). */
function alnum(length: number, ...parts: Array<string | number>): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(parts.join("\u0000")).digest();
  let out = "";
  for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

const NAME_KEYS = [
  "name",
  "function_name",
  "bucket",
  "cluster_identifier",
  "identifier",
  "alarm_name",
  "dashboard_name",
  "table_name",
  "stream_name",
  "queue_name",
  "statement_id",
  "role_name",
  "state_machine_name",
] as const;

/** The resource's own name when the configuration sets one (most AWS ids and ARNs embed it). */
export function naturalName(ctx: FakeContext): string {
  for (const key of NAME_KEYS) {
    const v = ctx.after?.[key];
    if (typeof v === "string" && v !== "") return v;
  }
  const local = ctx.address.split(".").pop() ?? ctx.type;
  return `${local.replace(/[^A-Za-z0-9-]/g, "-").toLowerCase()}-${token(ctx.address).slice(0, 6)}`;
}

type IdRule = (ctx: FakeContext, name: string) => string;

/** The shape of `id` per resource type, where it is not simply the name. */
const ID_RULES: Record<string, IdRule> = {
  aws_sqs_queue: (c, n) => `https://sqs.${c.region}.amazonaws.com/${c.account}/${n}`,
  aws_kms_key: (c) => fakeUuid(c.address, "key"),
  aws_cognito_user_pool: (c) => `${c.region}_${alnum(9, c.address).toUpperCase()}`,
  aws_cognito_user_pool_client: (c) => alnum(26, c.address),
  aws_cognito_user_pool_domain: (c, n) => c.after?.domain ?? n,
  aws_apigatewayv2_api: (c) => alnum(10, c.address),
  aws_apigatewayv2_route: (c) => alnum(7, c.address),
  aws_apigatewayv2_integration: (c) => alnum(7, c.address),
  aws_apigatewayv2_authorizer: (c) => alnum(6, c.address),
  aws_apigatewayv2_stage: (_c, n) => n,
  aws_api_gateway_rest_api: (c) => alnum(10, c.address),
  aws_cloudfront_distribution: (c) => `E${alnum(13, c.address).toUpperCase()}`,
  aws_cloudfront_origin_access_control: (c) => `E${alnum(13, c.address).toUpperCase()}`,
  aws_lambda_event_source_mapping: (c) => fakeUuid(c.address, "esm"),
  aws_iam_role_policy: (c, n) => `${typeof c.after?.role === "string" ? c.after.role : "role"}:${n}`,
  aws_iam_role_policy_attachment: (c) => `${c.after?.role ?? "role"}-${token(c.address).slice(0, 20)}`,
  aws_db_instance: (c) => `db-${alnum(26, c.address).toUpperCase()}`,
  aws_rds_cluster_instance: (_c, n) => n,
  aws_sns_topic_subscription: (c) => fakeArn(c, "sub"),
};

/** Resource types whose `id` is their ARN. */
const ID_IS_ARN = new Set([
  "aws_sns_topic",
  "aws_iam_policy",
  "aws_secretsmanager_secret",
  "aws_kinesis_stream",
  "aws_kinesis_firehose_delivery_stream",
  "aws_sfn_state_machine",
  "aws_lb",
  "aws_lb_target_group",
  "aws_acm_certificate",
  "aws_sns_topic_policy",
]);

export function fakeId(ctx: FakeContext): string {
  const name = naturalName(ctx);
  if (ID_IS_ARN.has(ctx.type)) return fakeArn(ctx);
  const rule = ID_RULES[ctx.type];
  return rule ? rule(ctx, name) : name;
}

/** `arn` per resource type (partition aws); unknown types get arn:aws:<service>:<region>:<account>:<type>/<name>. */
export function fakeArn(ctx: FakeContext, variant?: string): string {
  const r = ctx.region;
  const a = ctx.account;
  const n = naturalName(ctx);
  const after = ctx.after ?? {};
  switch (ctx.type) {
    case "aws_dynamodb_table":
      return `arn:aws:dynamodb:${r}:${a}:table/${n}`;
    case "aws_lambda_function":
      return `arn:aws:lambda:${r}:${a}:function:${n}`;
    case "aws_lambda_alias":
      return `arn:aws:lambda:${r}:${a}:function:${after.function_name ?? "fn"}:${n}`;
    case "aws_lambda_layer_version":
      return `arn:aws:lambda:${r}:${a}:layer:${after.layer_name ?? n}:1`;
    case "aws_lambda_event_source_mapping":
      return `arn:aws:lambda:${r}:${a}:event-source-mapping:${fakeUuid(ctx.address, "esm")}`;
    case "aws_iam_role":
      return `arn:aws:iam::${a}:role/${n}`;
    case "aws_iam_policy":
      return `arn:aws:iam::${a}:policy/${n}`;
    case "aws_iam_user":
      return `arn:aws:iam::${a}:user/${n}`;
    case "aws_iam_openid_connect_provider":
      return `arn:aws:iam::${a}:oidc-provider/${String(after.url ?? n).replace(/^https:\/\//, "")}`;
    case "aws_sqs_queue":
      return `arn:aws:sqs:${r}:${a}:${n}`;
    case "aws_sns_topic":
      return `arn:aws:sns:${r}:${a}:${n}`;
    case "aws_sns_topic_subscription":
      return `arn:aws:sns:${r}:${a}:${variant ?? "topic"}:${fakeUuid(ctx.address, "sub")}`;
    case "aws_cloudwatch_log_group":
      return `arn:aws:logs:${r}:${a}:log-group:${n}`;
    case "aws_cloudwatch_metric_alarm":
      return `arn:aws:cloudwatch:${r}:${a}:alarm:${after.alarm_name ?? n}`;
    case "aws_cloudwatch_dashboard":
      return `arn:aws:cloudwatch::${a}:dashboard/${after.dashboard_name ?? n}`;
    case "aws_kms_key":
      return `arn:aws:kms:${r}:${a}:key/${fakeUuid(ctx.address, "key")}`;
    case "aws_kms_alias":
      return `arn:aws:kms:${r}:${a}:${n.startsWith("alias/") ? n : `alias/${n}`}`;
    case "aws_s3_bucket":
      return `arn:aws:s3:::${after.bucket ?? n}`;
    case "aws_kinesis_stream":
      return `arn:aws:kinesis:${r}:${a}:stream/${n}`;
    case "aws_kinesis_firehose_delivery_stream":
      return `arn:aws:firehose:${r}:${a}:deliverystream/${n}`;
    case "aws_rds_cluster":
      return `arn:aws:rds:${r}:${a}:cluster:${after.cluster_identifier ?? n}`;
    case "aws_rds_cluster_instance":
    case "aws_db_instance":
      return `arn:aws:rds:${r}:${a}:db:${after.identifier ?? n}`;
    case "aws_secretsmanager_secret":
      return `arn:aws:secretsmanager:${r}:${a}:secret:${n}-${alnum(6, ctx.address)}`;
    case "aws_cognito_user_pool":
      return `arn:aws:cognito-idp:${r}:${a}:userpool/${fakeId(ctx)}`;
    case "aws_sfn_state_machine":
      return `arn:aws:states:${r}:${a}:stateMachine:${n}`;
    case "aws_apigatewayv2_api":
      return `arn:aws:apigateway:${r}::/apis/${fakeId(ctx)}`;
    case "aws_apigatewayv2_stage":
      return `arn:aws:apigateway:${r}::/apis/${after.api_id ?? "api"}/stages/${n}`;
    case "aws_cloudfront_distribution":
      return `arn:aws:cloudfront::${a}:distribution/${fakeId(ctx)}`;
    case "aws_athena_workgroup":
      return `arn:aws:athena:${r}:${a}:workgroup/${n}`;
    case "aws_glue_catalog_database":
      return `arn:aws:glue:${r}:${a}:database/${n}`;
    case "aws_glue_catalog_table":
      return `arn:aws:glue:${r}:${a}:table/${after.database_name ?? "db"}/${n}`;
    default: {
      const parts = ctx.type.split("_");
      const service = parts[1] ?? "service";
      const kind = parts.slice(2).join("-") || "resource";
      return `arn:aws:${service}:${r}:${a}:${kind}/${n}`;
    }
  }
}

/**
 * A computed string attribute (null when no naming convention says what it looks like). `path` is where it sits in the resource; the value
 * follows the attribute's naming convention (…_arn, …url, …endpoint, …domain_name) so that validators accept it.
 */
export function fakeString(ctx: FakeContext, path: ReadonlyArray<string | number>): string | null {
  const last = [...path].reverse().find((s): s is string => typeof s === "string") ?? "value";
  const top = path.length === 1;
  const t = token(ctx.address, ...path);
  if (top && last === "id") return fakeId(ctx);
  if (top && last === "arn") return fakeArn(ctx);
  const arn = (): string => fakeArn(ctx);
  switch (`${ctx.type}.${last}`) {
    case "aws_dynamodb_table.stream_arn":
      return `${arn()}/stream/2024-01-01T00:00:00.000`;
    case "aws_dynamodb_table.stream_label":
      return "2024-01-01T00:00:00.000";
    case "aws_lambda_function.invoke_arn":
      return `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn()}/invocations`;
    case "aws_lambda_function.qualified_arn":
      return `${arn()}:$LATEST`;
    case "aws_lambda_function.qualified_invoke_arn":
      return `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn()}:$LATEST/invocations`;
    case "aws_lambda_function.version":
      return "$LATEST";
    case "aws_lambda_function.last_modified":
      return "2024-01-01T00:00:00.000+0000";
    case "aws_lambda_function.code_sha256":
      return Buffer.from(t.slice(0, 32), "hex").toString("base64");
    case "aws_apigatewayv2_api.api_endpoint":
      return `https://${fakeId(ctx)}.execute-api.${ctx.region}.amazonaws.com`;
    case "aws_apigatewayv2_api.execution_arn":
      return `arn:aws:execute-api:${ctx.region}:${ctx.account}:${fakeId(ctx)}`;
    case "aws_apigatewayv2_stage.invoke_url":
      return `https://${ctx.after?.api_id ?? "api"}.execute-api.${ctx.region}.amazonaws.com/${naturalName(ctx)}`;
    case "aws_apigatewayv2_stage.execution_arn":
      return `arn:aws:execute-api:${ctx.region}:${ctx.account}:${ctx.after?.api_id ?? "api"}/${naturalName(ctx)}`;
    case "aws_cognito_user_pool.endpoint":
      return `cognito-idp.${ctx.region}.amazonaws.com/${fakeId(ctx)}`;
    case "aws_sqs_queue.url":
      return fakeId(ctx);
    case "aws_kms_key.key_id":
      return fakeUuid(ctx.address, "key");
    case "aws_rds_cluster.endpoint":
    case "aws_rds_cluster.reader_endpoint":
      return `${naturalName(ctx)}.cluster-${alnum(12, ctx.address)}.${ctx.region}.rds.amazonaws.com`;
    case "aws_s3_bucket.bucket_domain_name":
      return `${naturalName(ctx)}.s3.amazonaws.com`;
    case "aws_s3_bucket.bucket_regional_domain_name":
      return `${naturalName(ctx)}.s3.${ctx.region}.amazonaws.com`;
    case "aws_cloudfront_distribution.domain_name":
      return `${alnum(14, ctx.address)}.cloudfront.net`;
    default:
      break;
  }
  if (last === "owner_id" || last === "account_id") return ctx.account;
  if (last === "secret_arn") return `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${naturalName(ctx)}-${alnum(6, ctx.address, ...path)}`;
  if (last.endsWith("arn")) return `${arn()}/${last}`;
  if (last.endsWith("url")) return `https://${t.slice(0, 12)}.example.com/${last}`;
  if (last.endsWith("endpoint")) return `${t.slice(0, 12)}.${ctx.region}.amazonaws.com`;
  if (last.endsWith("domain_name")) return `${t.slice(0, 12)}.example.com`;
  if (last.endsWith("key_id") || last.endsWith("uuid")) return fakeUuid(ctx.address, ...path);
  if (last === "id" || last.endsWith("_id")) return `fake-${t.slice(0, 12)}`;
  // Anything else AWS computes (enums, dates, prefixes) stays null: a made-up value could fail a provider check
  // (an SNS topic's fifo_throughput_scope), and null is what the provider keeps when nothing configures it.
  return null;
}
