/**
 * The platform's policy rules: secure defaults of the modules, checked on every resource of a synthesized stack.
 *
 * Each rule has a stable id (`PLT-<SERVICE>-<NNN>`, never reused), a severity (`error` fails synth where enforcement is
 * "error"; `warning` never fails synth), the resource types it inspects and a check over the resource's synthesized
 * (resolved, snake_case) config. docs/policy-rules.md documents every rule; a test keeps the two in sync.
 *
 * Values that are Terraform expressions (`${var.x}`, `${aws_x.y.z}`) are known only at apply and are not judged
 * (a rule passes on them), except for policy documents, which must be JSON known at synth.
 */
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../core/iam";
import {
  asList,
  deniesInsecureTransport,
  DocumentResult,
  isOnlyAccountRoot,
  isWildcardAction,
  Statement,
} from "./documents";

export type Severity = "error" | "warning";
export type Enforcement = "error" | "warn";

/** One resource (or data source) of the stack as Terraform sees it. */
export interface ResourceView {
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical id (the name in `<type>.<name>`). */
  readonly name: string;
  /** `<type>.<name>` (`data.<type>.<name>` for a data source). */
  readonly address: string;
  /** Construct path. */
  readonly path: string;
  /** Resolved config: snake_case attributes, references as `${...}` strings, no `//` metadata. */
  readonly config: Readonly<Record<string, any>>;
}

/** What a rule knows besides the resource: the environment and the rest of the stack. */
export interface RuleContext {
  readonly environment: string;
  /** The environment serves real users: production-only rules apply. */
  readonly production: boolean;
  readonly enforcement: Enforcement;
  /** Every resource of the stack of one type. */
  resources(type: string): readonly ResourceView[];
  /** Parses a policy document attribute (JSON string, or a reference to an aws_iam_policy_document of the stack). */
  document(raw: unknown): DocumentResult;
  /** Computes a stack-wide value once per evaluation. */
  memo<T>(key: string, compute: () => T): T;
}

/** A violation found by a rule; `fix` overrides the rule's generic fix. */
export interface Violation {
  readonly message: string;
  readonly fix?: string;
}

export interface PolicyRule {
  /** Stable id, `PLT-<SERVICE>-<NNN>`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what must hold. */
  readonly title: string;
  /** Why the platform requires it. */
  readonly why: string;
  /** How to fix a violation (generic; a violation may say more). */
  readonly fix: string;
  /** Resource types the rule inspects. */
  readonly resourceTypes: readonly string[];
  /** Applies only to production environments. @default false */
  readonly productionOnly?: boolean;
  check(resource: ResourceView, ctx: RuleContext): readonly Violation[];
}

// ---------------------------------------------------------------------------------------------------------------
// helpers over synthesized configs

type Block = Readonly<Record<string, any>>;

function isRecord(v: unknown): v is Block {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A nested block: cdktf renders single blocks as objects and repeated ones as lists. */
function block(v: unknown): Block | undefined {
  if (Array.isArray(v)) return v.find(isRecord);
  return isRecord(v) ? v : undefined;
}

function blocks(v: unknown): Block[] {
  return asList(v as unknown[] | undefined).filter(isRecord);
}

/** A Terraform expression, known only at apply. */
function isExpression(v: unknown): boolean {
  return typeof v === "string" && v.includes("${");
}

/** True, or an expression (not judged at synth). */
function isOn(v: unknown): boolean {
  return v === true || v === "true" || isExpression(v);
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

function preventsDestroy(r: ResourceView): boolean {
  return isOn(block(r.config.lifecycle)?.prevent_destroy);
}

/** `${<address>.<attr>}` for each attr. */
function refs(r: ResourceView, ...attrs: string[]): string[] {
  return attrs.map((a) => `\${${r.address}.${a}}`);
}

function refersTo(value: unknown, r: ResourceView, ...attrs: string[]): boolean {
  return typeof value === "string" && refs(r, ...attrs).includes(value);
}

function violation(message: string, fix?: string): Violation {
  return fix === undefined ? { message } : { message, fix };
}

function display(r: ResourceView, ...nameAttrs: string[]): string {
  for (const a of nameAttrs) {
    const v = r.config[a];
    if (typeof v === "string" && v !== "" && !isExpression(v)) return `"${v}"`;
  }
  return r.address;
}

/** Policy documents that apply to a resource: its inline attribute and separate policy resources pointing at it. */
function policiesOf(
  r: ResourceView,
  ctx: RuleContext,
  inlineAttr: string,
  policyType: string,
  pointer: (policy: ResourceView) => boolean,
): Array<{ source: string; result: DocumentResult }> {
  const out: Array<{ source: string; result: DocumentResult }> = [];
  if (isSet(r.config[inlineAttr])) out.push({ source: `${r.address}.${inlineAttr}`, result: ctx.document(r.config[inlineAttr]) });
  for (const p of ctx.resources(policyType).filter(pointer)) out.push({ source: p.address, result: ctx.document(p.config.policy) });
  return out;
}

/** The TLS-only check shared by buckets, queues and topics. */
function tlsOnly(
  r: ResourceView,
  ctx: RuleContext,
  what: string,
  action: string,
  inlineAttr: string,
  policyType: string,
  pointer: (policy: ResourceView) => boolean,
): Violation[] {
  const policies = policiesOf(r, ctx, inlineAttr, policyType, pointer);
  if (policies.length === 0) return [violation(`${what} has no ${policyType}, so requests without TLS are allowed.`)];
  const unreadable = policies.filter((p) => !p.result.ok);
  const denies = policies.some((p) => p.result.ok && p.result.statements.some((s) => deniesInsecureTransport(s, action)));
  if (denies) return [];
  if (unreadable.length > 0) {
    return unreadable.map((p) =>
      violation(
        `${what}: the TLS-only statement cannot be verified, ${p.source}: ${(p.result as { reason: string }).reason}.`,
        "Render the policy as JSON (JSON.stringify) so it is known at synth, with the Deny on aws:SecureTransport false.",
      ),
    );
  }
  return [violation(`${what}'s policy has no Deny for principal "*" on ${action} when aws:SecureTransport is false.`)];
}

// ---------------------------------------------------------------------------------------------------------------
// IAM documents

const IDENTITY_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

const RESOURCE_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket: "policy",
  aws_s3_bucket_policy: "policy",
  aws_sqs_queue: "policy",
  aws_sqs_queue_policy: "policy",
  aws_sns_topic: "policy",
  aws_sns_topic_policy: "policy",
  aws_kms_key: "policy",
  aws_kms_key_policy: "policy",
  aws_secretsmanager_secret_policy: "policy",
  aws_ecr_repository_policy: "policy",
};

const KEY_POLICY_TYPES = new Set(["aws_kms_key", "aws_kms_key_policy"]);

/** Identity-policy documents of a resource (aws_iam_role: its inline_policy blocks). */
function identityDocuments(r: ResourceView, ctx: RuleContext): Array<{ source: string; result: DocumentResult }> {
  if (r.type === "aws_iam_role") {
    return blocks(r.config.inline_policy)
      .filter((b) => isSet(b.policy))
      .map((b, i) => ({ source: `${r.address}.inline_policy[${i}]`, result: ctx.document(b.policy) }));
  }
  const field = IDENTITY_POLICY_TYPES[r.type];
  return field !== undefined && isSet(r.config[field]) ? [{ source: r.address, result: ctx.document(r.config[field]) }] : [];
}

function resourceDocuments(r: ResourceView, ctx: RuleContext): Array<{ source: string; result: DocumentResult }> {
  const field = RESOURCE_POLICY_TYPES[r.type];
  return field !== undefined && isSet(r.config[field]) ? [{ source: r.address, result: ctx.document(r.config[field]) }] : [];
}

function statementName(s: Statement, i: number): string {
  return s.sid ? `statement "${s.sid}"` : `statement #${i + 1}`;
}

const SCOPELESS = new Set([...ACTIONS_WITHOUT_RESOURCE_SCOPE].map((a) => a.toLowerCase()));

// ---------------------------------------------------------------------------------------------------------------
// stack-wide facts

/** Values that name a failure destination / dead-letter target anywhere in the stack (references as written). */
function failureTargets(ctx: RuleContext): ReadonlySet<string> {
  return ctx.memo("failure-targets", () => {
    const out = new Set<string>();
    const fromRedrive = (raw: unknown) => {
      let parsed: unknown = raw;
      if (typeof raw === "string") {
        try {
          parsed = JSON.parse(raw);
        } catch {
          return; // an expression: nothing to learn at synth
        }
      }
      if (isRecord(parsed) && typeof parsed.deadLetterTargetArn === "string") out.add(parsed.deadLetterTargetArn);
    };
    for (const q of ctx.resources("aws_sqs_queue")) fromRedrive(q.config.redrive_policy);
    for (const p of ctx.resources("aws_sqs_queue_redrive_policy")) fromRedrive(p.config.redrive_policy);
    for (const s of ctx.resources("aws_sns_topic_subscription")) fromRedrive(s.config.redrive_policy);
    for (const m of ctx.resources("aws_lambda_event_source_mapping")) {
      const d = block(block(m.config.destination_config)?.on_failure)?.destination_arn;
      if (typeof d === "string") out.add(d);
    }
    for (const c of ctx.resources("aws_lambda_function_event_invoke_config")) {
      const d = block(block(c.config.destination_config)?.on_failure)?.destination;
      if (typeof d === "string") out.add(d);
    }
    for (const f of ctx.resources("aws_lambda_function")) {
      const d = block(f.config.dead_letter_config)?.target_arn;
      if (typeof d === "string") out.add(d);
    }
    for (const t of ctx.resources("aws_cloudwatch_event_target")) {
      const d = block(t.config.dead_letter_config)?.arn;
      if (typeof d === "string") out.add(d);
    }
    for (const s of ctx.resources("aws_scheduler_schedule")) {
      const d = block(block(s.config.target)?.dead_letter_config)?.arn;
      if (typeof d === "string") out.add(d);
    }
    // An IoT topic rule's SQS error action names its queue by URL: `${aws_sqs_queue.<id>.url}` → that queue's ARN.
    for (const t of ctx.resources("aws_iot_topic_rule")) {
      const url = block(block(t.config.error_action)?.sqs)?.queue_url;
      const m = typeof url === "string" ? /^\$\{(aws_sqs_queue\.[^.}]+)\.(url|id)\}$/.exec(url) : null;
      if (m) out.add(`\${${m[1]}.arn}`);
    }
    for (const p of ctx.resources("aws_pipes_pipe")) {
      const params = block(p.config.source_parameters);
      for (const key of ["dynamodb_stream_parameters", "kinesis_stream_parameters"]) {
        const d = block(block(params?.[key])?.dead_letter_config)?.arn;
        if (typeof d === "string") out.add(d);
      }
    }
    return out;
  });
}

function redriveAllows(raw: unknown): boolean {
  if (typeof raw !== "string") return false;
  try {
    const permission = (JSON.parse(raw) as Record<string, unknown>).redrivePermission;
    return permission === "allowAll" || permission === "byQueue";
  } catch {
    return isExpression(raw); // known only at apply: not judged
  }
}

function bucketPointer(bucket: ResourceView): (other: ResourceView) => boolean {
  const literal = typeof bucket.config.bucket === "string" && !isExpression(bucket.config.bucket) ? bucket.config.bucket : undefined;
  return (other) => refersTo(other.config.bucket, bucket, "id", "bucket") || (literal !== undefined && other.config.bucket === literal);
}

const PUBLIC_ACCESS_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;
const SSE_ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

/** A distribution's default and ordered cache behaviors, each named as a finding names it. */
function cacheBehaviors(config: Block): Array<{ readonly name: string; readonly b: Block | undefined }> {
  return [
    { name: "default_cache_behavior", b: block(config.default_cache_behavior) },
    ...blocks(config.ordered_cache_behavior).map((b) => ({ name: `ordered_cache_behavior "${b.path_pattern}"`, b })),
  ];
}

const HTTPS_VIEWER_POLICIES = new Set(["redirect-to-https", "https-only"]);
/** CloudFront security policies that allow only TLS 1.2+ with modern ciphers (AWS's recommendation, 2021 and later). */
/** An S3 origin's domain: `<bucket>.s3[.<region>].amazonaws.com`, or a reference to a bucket's (regional) domain name. */
function isS3OriginDomain(domain: unknown): boolean {
  if (typeof domain !== "string") return false;
  if (/\$\{aws_s3_bucket\.[^.}]+\.(bucket_regional_domain_name|bucket_domain_name)\}/.test(domain)) return true;
  return !isExpression(domain) && /\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(domain);
}

export const MODERN_CLOUDFRONT_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] as const;

// ---------------------------------------------------------------------------------------------------------------
// IoT policies

/** The thing-name policy variable, as AWS reads it (`${...}`) or as cdk.tf.json escapes it for Terraform (`$${...}`). */
const THING_NAME_VARIABLE = "${iot:Connection.Thing.ThingName}";

/**
 * A resource of an IoT policy is scoped to the device when it has no wildcard, or when the thing-name policy variable
 * comes before its first wildcard in the resource path (`topic/devices/${thing}/*`: only the thing's own topics).
 */
function iotResourceScoped(resource: string): boolean {
  const text = resource.replace(/\$\$\{/g, "${");
  const parts = text.split(":");
  const path = text.startsWith("arn:") && parts.length >= 6 ? parts.slice(5).join(":") : text;
  const wildcard = path.search(/[*?]/);
  if (wildcard < 0) return true;
  const variable = path.indexOf(THING_NAME_VARIABLE);
  return variable >= 0 && variable < wildcard;
}

// ---------------------------------------------------------------------------------------------------------------
// the rules

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-S3-001",
    severity: "error",
    title: "S3 buckets block all public access",
    why: "A bucket policy or ACL mistake must never publish data; the four public access block flags make S3 refuse public grants outright.",
    fix: "Use the Bucket module, or add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      const fullyBlocked = (b: ResourceView) => PUBLIC_ACCESS_FLAGS.every((f) => isOn(b.config[f]));
      if (ctx.resources("aws_s3_account_public_access_block").some(fullyBlocked)) return [];
      const own = ctx.resources("aws_s3_bucket_public_access_block").filter(bucketPointer(r));
      if (own.length === 0) return [violation(`Bucket ${display(r, "bucket")} has no aws_s3_bucket_public_access_block.`)];
      const off = PUBLIC_ACCESS_FLAGS.filter((f) => !own.some((b) => isOn(b.config[f])));
      return off.length > 0 ? [violation(`Bucket ${display(r, "bucket")}: public access block leaves ${off.join(", ")} off.`)] : [];
    },
  },
  {
    id: "PLT-S3-002",
    severity: "error",
    title: "S3 buckets declare default encryption at rest",
    why: "Encryption at rest is declared, reviewable and KMS-ready instead of left to account defaults.",
    fix: "Use the Bucket module, or add an aws_s3_bucket_server_side_encryption_configuration for the bucket (sse_algorithm AES256 or aws:kms).",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      const algorithms = [
        ...blocks(block(r.config.server_side_encryption_configuration)?.rule),
        ...ctx
          .resources("aws_s3_bucket_server_side_encryption_configuration")
          .filter(bucketPointer(r))
          .flatMap((c) => blocks(c.config.rule)),
      ].map((rule) => block(rule.apply_server_side_encryption_by_default)?.sse_algorithm);
      if (algorithms.some((a) => isExpression(a) || SSE_ALGORITHMS.has(a))) return [];
      return [violation(`Bucket ${display(r, "bucket")} has no server-side encryption configuration${algorithms.length ? ` with a known algorithm (${algorithms.join(", ")})` : ""}.`)];
    },
  },
  {
    id: "PLT-S3-003",
    severity: "error",
    title: "S3 bucket policies deny requests without TLS",
    why: "Objects must never travel in clear text; a Deny on aws:SecureTransport false refuses plain HTTP for every principal.",
    fix: "Use the Bucket module, or add to the bucket policy a Deny for principal \"*\" on s3:* (bucket and objects) with Condition Bool aws:SecureTransport \"false\".",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      return tlsOnly(r, ctx, `Bucket ${display(r, "bucket")}`, "s3:*", "policy", "aws_s3_bucket_policy", bucketPointer(r));
    },
  },
  {
    id: "PLT-S3-004",
    severity: "error",
    title: "S3 CORS rules name the web origins they serve",
    why: "Direct uploads and downloads (presigned POST/GET) are meant for the platform's own web app; a CORS rule for every origin (\"*\") or a plain-HTTP origin lets any site script requests against the bucket.",
    fix: "List the web app's https:// origins (http:// only for localhost) in the Bucket module's cors.allowedOrigins, or in aws_s3_bucket_cors_configuration's allowed_origins.",
    resourceTypes: ["aws_s3_bucket"],
    check(r, ctx) {
      const rules = [...blocks(r.config.cors_rule), ...ctx.resources("aws_s3_bucket_cors_configuration").filter(bucketPointer(r)).flatMap((c) => blocks(c.config.cors_rule))];
      const origins = rules.flatMap((rule) => (Array.isArray(rule.allowed_origins) ? (rule.allowed_origins as unknown[]) : []));
      const bad = origins.filter((o) => typeof o === "string" && !isExpression(o) && (o.includes("*") || !/^(https:\/\/[^\s/]+|http:\/\/localhost(:\d+)?)$/.test(o)));
      return bad.length > 0 ? [violation(`Bucket ${display(r, "bucket")}: CORS allows ${bad.map((o) => JSON.stringify(o)).join(", ")}.`)] : [];
    },
  },
  {
    id: "PLT-SQS-001",
    severity: "error",
    title: "SQS queues are encrypted at rest",
    why: "Messages carry personal data; SSE-SQS or SSE-KMS keeps them encrypted on disk.",
    fix: "Use the Queue module, or set sqs_managed_sse_enabled = true (or kms_master_key_id to a customer-managed key).",
    resourceTypes: ["aws_sqs_queue"],
    check(r) {
      if (isSet(r.config.kms_master_key_id) || isOn(r.config.sqs_managed_sse_enabled)) return [];
      return [violation(`Queue ${display(r, "name")} declares no encryption at rest (sqs_managed_sse_enabled ${r.config.sqs_managed_sse_enabled === false ? "is false" : "is unset"}, no kms_master_key_id).`)];
    },
  },
  {
    id: "PLT-SQS-002",
    severity: "error",
    title: "SQS queue policies deny requests without TLS",
    why: "Messages must never travel in clear text; a Deny on aws:SecureTransport false refuses plain HTTP for every principal.",
    fix: "Use the Queue module, or add an aws_sqs_queue_policy for the queue with a Deny for principal \"*\" on sqs:* with Condition Bool aws:SecureTransport \"false\".",
    resourceTypes: ["aws_sqs_queue"],
    check(r, ctx) {
      return tlsOnly(r, ctx, `Queue ${display(r, "name")}`, "sqs:*", "policy", "aws_sqs_queue_policy", (p) => refersTo(p.config.queue_url, r, "id", "url"));
    },
  },
  {
    id: "PLT-SQS-003",
    severity: "error",
    title: "SQS queues have a dead-letter queue, unless they are one",
    why: "A message that always fails must be parked for inspection, not retried until retention deletes it.",
    fix: "Use the Queue module (it creates <name>-dlq), or set redrive_policy with a deadLetterTargetArn. A queue that is itself a dead-letter queue or a failure destination is recognised when this stack references it as such (redrive_policy deadLetterTargetArn, on_failure destination, dead_letter_config, redrive_allow_policy).",
    resourceTypes: ["aws_sqs_queue"],
    check(r, ctx) {
      if (isSet(r.config.redrive_policy)) return [];
      if (ctx.resources("aws_sqs_queue_redrive_policy").some((p) => refersTo(p.config.queue_url, r, "id", "url") && isSet(p.config.redrive_policy))) return [];
      if (failureTargets(ctx).has(refs(r, "arn")[0])) return [];
      if (redriveAllows(r.config.redrive_allow_policy)) return [];
      if (ctx.resources("aws_sqs_queue_redrive_allow_policy").some((p) => refersTo(p.config.queue_url, r, "id", "url") && redriveAllows(p.config.redrive_allow_policy))) return [];
      return [violation(`Queue ${display(r, "name")} has no redrive_policy and is not a dead-letter queue or failure destination in this stack.`)];
    },
  },
  {
    id: "PLT-SNS-001",
    severity: "error",
    title: "SNS topics are encrypted at rest",
    why: "Published messages carry personal data; SSE with KMS keeps them encrypted while SNS stores them.",
    fix: "Use the Topic module, or set kms_master_key_id (alias/aws/sns, or a customer-managed key when AWS services publish to the topic).",
    resourceTypes: ["aws_sns_topic"],
    check(r) {
      return isSet(r.config.kms_master_key_id) ? [] : [violation(`Topic ${display(r, "name")} has no kms_master_key_id.`)];
    },
  },
  {
    id: "PLT-SNS-002",
    severity: "error",
    title: "SNS topic policies deny publishing without TLS",
    why: "Messages must never travel in clear text; a Deny of sns:Publish on aws:SecureTransport false refuses plain HTTP for every principal.",
    fix: "Use the Topic module, or add an aws_sns_topic_policy for the topic with a Deny for principal \"*\" on sns:Publish with Condition Bool aws:SecureTransport \"false\".",
    resourceTypes: ["aws_sns_topic"],
    check(r, ctx) {
      return tlsOnly(r, ctx, `Topic ${display(r, "name")}`, "sns:Publish", "policy", "aws_sns_topic_policy", (p) => refersTo(p.config.arn, r, "arn", "id"));
    },
  },
  {
    id: "PLT-DDB-001",
    severity: "error",
    title: "DynamoDB tables use KMS server-side encryption",
    why: "With server_side_encryption enabled the table key is a KMS key (AWS-managed or customer-managed) whose use CloudTrail records.",
    fix: "Use the Table module, or set server_side_encryption { enabled = true } (optionally kms_key_arn).",
    resourceTypes: ["aws_dynamodb_table"],
    check(r) {
      return isOn(block(r.config.server_side_encryption)?.enabled) ? [] : [violation(`Table ${display(r, "name")} does not enable server_side_encryption.`)];
    },
  },
  {
    id: "PLT-DDB-002",
    severity: "error",
    title: "DynamoDB tables have point-in-time recovery",
    why: "A bad deploy or a buggy writer can corrupt items; PITR restores the table to any second of the last 35 days.",
    fix: "Use the Table module with pointInTimeRecovery on (the default), or set point_in_time_recovery { enabled = true }.",
    resourceTypes: ["aws_dynamodb_table"],
    check(r) {
      return isOn(block(r.config.point_in_time_recovery)?.enabled) ? [] : [violation(`Table ${display(r, "name")} has point-in-time recovery off.`)];
    },
  },
  {
    id: "PLT-DDB-003",
    severity: "error",
    title: "Production DynamoDB tables have deletion protection and prevent_destroy",
    why: "Production data must survive a mistaken destroy: AWS refuses DeleteTable and Terraform refuses a plan that destroys or replaces the table.",
    fix: "Turn the environment's guards on (deletionProtection, preventDestroy), or set deletion_protection_enabled = true and lifecycle { prevent_destroy = true }.",
    resourceTypes: ["aws_dynamodb_table"],
    productionOnly: true,
    check(r) {
      const out: Violation[] = [];
      if (!isOn(r.config.deletion_protection_enabled)) out.push(violation(`Table ${display(r, "name")} has deletion_protection_enabled off in production.`));
      if (!preventsDestroy(r)) out.push(violation(`Table ${display(r, "name")} has no lifecycle prevent_destroy in production.`));
      return out;
    },
  },
  {
    id: "PLT-LOG-001",
    severity: "error",
    title: "CloudWatch log groups have a retention",
    why: "Logs kept forever cost money every month and keep personal data longer than needed.",
    fix: "Use the LogGroup module (or the owning module's logRetentionDays), or set retention_in_days to a value CloudWatch accepts.",
    resourceTypes: ["aws_cloudwatch_log_group"],
    check(r) {
      const days = r.config.retention_in_days;
      if (isExpression(days) || (typeof days === "number" && days > 0)) return [];
      return [violation(`Log group ${display(r, "name", "name_prefix")} keeps events forever (retention_in_days ${days === undefined ? "unset" : days}).`)];
    },
  },
  {
    id: "PLT-LOG-002",
    severity: "error",
    title: "Production log groups have prevent_destroy",
    why: "Production logs are audit evidence; a replace or destroy in a plan must stop at plan time instead of deleting them.",
    fix: "Turn the environment's preventDestroy guard on (modules pass it as preventLogGroupDestroy), or set lifecycle { prevent_destroy = true }.",
    resourceTypes: ["aws_cloudwatch_log_group"],
    productionOnly: true,
    check(r) {
      return preventsDestroy(r) ? [] : [violation(`Log group ${display(r, "name", "name_prefix")} has no lifecycle prevent_destroy in production.`)];
    },
  },
  {
    id: "PLT-IAM-001",
    severity: "error",
    title: "IAM and resource policies allow no wildcard actions",
    why: "`*` and `<service>:*` grant every current and future action of a service; least privilege lists exact actions. The account-root `kms:*` statement of a key policy is AWS's default key policy and is allowed.",
    fix: "List the exact actions (grant through the module's grant methods, whose action lists live in perms.ts). Render policies as JSON known at synth.",
    resourceTypes: ["aws_iam_role", ...Object.keys(IDENTITY_POLICY_TYPES), ...Object.keys(RESOURCE_POLICY_TYPES)],
    check(r, ctx) {
      const out: Violation[] = [];
      const docs = [...identityDocuments(r, ctx), ...resourceDocuments(r, ctx)];
      for (const { source, result } of docs) {
        if (!result.ok) {
          out.push(violation(`${source}: the policy cannot be verified: ${result.reason}.`, "Render the policy as JSON (JSON.stringify, or an aws_iam_policy_document data source of the same stack)."));
          continue;
        }
        result.statements.forEach((s, i) => {
          if (s.effect !== "Allow") return;
          if (s.notActions !== undefined) {
            out.push(violation(`${source} ${statementName(s, i)}: Allow with NotAction grants every other action.`));
            return;
          }
          const wild = s.actions.filter(isWildcardAction);
          if (wild.length === 0) return;
          const keyRootDefault = KEY_POLICY_TYPES.has(r.type) && isOnlyAccountRoot(s.principal) && wild.every((a) => a.toLowerCase() === "kms:*");
          if (!keyRootDefault) out.push(violation(`${source} ${statementName(s, i)}: wildcard action ${wild.map((a) => `"${a}"`).join(", ")}.`));
        });
      }
      return out;
    },
  },
  {
    id: "PLT-IAM-002",
    severity: "error",
    title: "IAM policies grant no data-plane action on Resource \"*\"",
    why: "An action on \"*\" reaches every table, queue and bucket of the account. Only actions without resource-level permissions (ACTIONS_WITHOUT_RESOURCE_SCOPE in modules/core/iam.ts, e.g. xray:PutTraceSegments) may use \"*\".",
    fix: "Grant the action on the resource's ARN (the resource module's grant method does it).",
    resourceTypes: ["aws_iam_role", ...Object.keys(IDENTITY_POLICY_TYPES)],
    check(r, ctx) {
      const out: Violation[] = [];
      for (const { source, result } of identityDocuments(r, ctx)) {
        if (!result.ok) continue; // PLT-IAM-001 reports unverifiable documents
        result.statements.forEach((s, i) => {
          if (s.effect !== "Allow") return;
          if (s.notResources !== undefined) {
            out.push(violation(`${source} ${statementName(s, i)}: Allow with NotResource applies to every other resource.`));
            return;
          }
          if (!s.resources.includes("*")) return;
          const scoped = s.notActions !== undefined ? ["NotAction: every other action"] : s.actions.filter((a) => !SCOPELESS.has(a.toLowerCase()));
          if (scoped.length > 0) out.push(violation(`${source} ${statementName(s, i)}: ${scoped.join(", ")} on Resource "*".`));
        });
      }
      return out;
    },
  },
  {
    id: "PLT-APIGW-001",
    severity: "error",
    title: "API Gateway routes require authorization unless explicitly public",
    why: "A route without an authorizer is open to the internet; a public route is a decision that must be written down.",
    fix: "Attach an authorizer (HttpApi.addRoute with an authorizer or the API's defaultAuthorizer; authorization_type JWT/CUSTOM with authorizer_id, or AWS_IAM). A route that must be public keeps authorization \"NONE\" and gets suppressPolicy(route, \"PLT-APIGW-001\", \"<why it is public>\").",
    resourceTypes: ["aws_apigatewayv2_route"],
    check(r, ctx) {
      const api = ctx.resources("aws_apigatewayv2_api").find((a) => refersTo(r.config.api_id, a, "id"));
      // WebSocket APIs authorize on $connect only.
      if (api?.config.protocol_type === "WEBSOCKET" && r.config.route_key !== "$connect") return [];
      const type = r.config.authorization_type;
      if (isExpression(type)) return [];
      if (type === undefined || type === "NONE") return [violation(`Route "${r.config.route_key}" is public (authorization_type ${type ?? "unset"}).`)];
      if ((type === "JWT" || type === "CUSTOM") && !isSet(r.config.authorizer_id)) {
        return [violation(`Route "${r.config.route_key}" has authorization_type ${type} but no authorizer_id.`)];
      }
      return [];
    },
  },
  {
    id: "PLT-APIGW-002",
    severity: "warning",
    title: "API Gateway stages write access logs",
    why: "Access logs are the only record of who called what, with status and authorizer errors, when a request is disputed or debugged.",
    fix: "Use the HttpApi module, or set access_log_settings { destination_arn, format } on the stage to a log group with retention.",
    resourceTypes: ["aws_apigatewayv2_stage"],
    check(r) {
      return isSet(block(r.config.access_log_settings)?.destination_arn) ? [] : [violation(`Stage ${display(r, "name")} writes no access logs.`)];
    },
  },
  {
    id: "PLT-CF-001",
    severity: "error",
    title: "CloudFront serves viewers over HTTPS only",
    why: "Tokens and personal data must never cross the internet in clear text.",
    fix: "Set viewer_protocol_policy to \"redirect-to-https\" or \"https-only\" on the default and every ordered cache behavior.",
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      const behaviors = cacheBehaviors(r.config);
      return behaviors
        .filter(({ b }) => b !== undefined && !isExpression(b.viewer_protocol_policy) && !HTTPS_VIEWER_POLICIES.has(b.viewer_protocol_policy))
        .map(({ name, b }) => violation(`Distribution ${r.address}: ${name} has viewer_protocol_policy "${b?.viewer_protocol_policy}".`));
    },
  },
  {
    id: "PLT-CF-002",
    severity: "error",
    title: "CloudFront custom domains require TLS 1.2 (2021 policy or newer)",
    why: "Old TLS versions and ciphers allow downgrade attacks. (With the default *.cloudfront.net certificate AWS fixes the policy, so only custom certificates are checked.)",
    fix: `Set viewer_certificate.minimum_protocol_version to one of ${MODERN_CLOUDFRONT_TLS.join(", ")}.`,
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      const vc = block(r.config.viewer_certificate);
      if (vc === undefined) return [violation(`Distribution ${r.address} has no viewer_certificate.`)];
      if (!isSet(vc.acm_certificate_arn) && !isSet(vc.iam_certificate_id)) return [];
      const min = vc.minimum_protocol_version;
      if (isExpression(min) || (MODERN_CLOUDFRONT_TLS as readonly string[]).includes(min)) return [];
      return [violation(`Distribution ${r.address} allows viewers TLS policy ${min ?? "TLSv1 (unset)"}.`)];
    },
  },
  {
    id: "PLT-CF-003",
    severity: "error",
    title: "CloudFront reads S3 origins through Origin Access Control",
    why: "Without OAC the bucket must be public (or use the legacy origin access identity, which cannot sign SSE-KMS reads or PUTs and is deprecated); with OAC the bucket stays private and its policy allows only this distribution.",
    fix: "Use the Cdn module, or create an aws_cloudfront_origin_access_control (origin type s3, signing always, sigv4) and set origin_access_control_id on every S3 origin (no s3_origin_config.origin_access_identity).",
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      return blocks(r.config.origin)
        .filter((o) => isS3OriginDomain(o.domain_name))
        .filter((o) => !isSet(o.origin_access_control_id) || isSet(block(o.s3_origin_config)?.origin_access_identity))
        .map((o) => violation(`Distribution ${r.address}: S3 origin "${o.origin_id}" is read without Origin Access Control${isSet(block(o.s3_origin_config)?.origin_access_identity) ? " (legacy origin access identity)" : ""}.`));
    },
  },
  {
    id: "PLT-CF-004",
    severity: "error",
    title: "CloudFront cache behaviors attach a response headers policy",
    why: "The security headers (HSTS, Content-Security-Policy, X-Content-Type-Options, frame options, referrer policy) protect the web app's users from downgrade, injection and clickjacking; a behavior without the policy serves pages without them.",
    fix: "Use the Cdn module, or set response_headers_policy_id (a policy with security_headers_config) on the default and every ordered cache behavior.",
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      const behaviors = cacheBehaviors(r.config);
      return behaviors
        .filter(({ b }) => b !== undefined && !isSet(b.response_headers_policy_id))
        .map(({ name }) => violation(`Distribution ${r.address}: ${name} has no response headers policy.`));
    },
  },
  {
    id: "PLT-CF-005",
    severity: "warning",
    title: "Production CloudFront distributions keep access logs or real-time metrics (production only)",
    why: "CloudFront's free metrics are totals; error rates by status code, origin latency and cache hit rate (additional metrics), or per-request logs, are what an incident on the web front end is diagnosed with.",
    fix: "Set the environment's web.logging to \"metrics\" (Cdn logging), or add an aws_cloudfront_monitoring_subscription for the distribution, logging_config, or a realtime_log_config_arn on its behaviors.",
    resourceTypes: ["aws_cloudfront_distribution"],
    productionOnly: true,
    check(r, ctx) {
      if (isSet(block(r.config.logging_config)?.bucket)) return [];
      if (isSet(block(r.config.default_cache_behavior)?.realtime_log_config_arn)) return [];
      const subscribed = ctx
        .resources("aws_cloudfront_monitoring_subscription")
        .some((m) => refersTo(m.config.distribution_id, r, "id") && block(block(m.config.monitoring_subscription)?.realtime_metrics_subscription_config)?.realtime_metrics_subscription_status === "Enabled");
      return subscribed ? [] : [violation(`Distribution ${r.address} has neither access logs nor additional real-time metrics in production.`)];
    },
  },
  {
    id: "PLT-LAMBDA-001",
    severity: "warning",
    title: "Lambda functions trace with X-Ray (Active)",
    why: "Traces show where a slow or failing request spent its time across API Gateway, Lambda, DynamoDB and SNS.",
    fix: "Use the LambdaFunction module with tracing on (the default), or set tracing_config { mode = \"Active\" }.",
    resourceTypes: ["aws_lambda_function"],
    check(r) {
      const mode = block(r.config.tracing_config)?.mode;
      return mode === "Active" || isExpression(mode) ? [] : [violation(`Function ${display(r, "function_name")} has tracing mode ${mode ?? "unset (PassThrough)"}.`)];
    },
  },
  {
    id: "PLT-LAMBDA-002",
    severity: "warning",
    title: "Lambda functions log to a log group managed in the stack",
    why: "Otherwise Lambda creates /aws/lambda/<name> on first log, with no retention, and Terraform never manages it.",
    fix: "Use the LambdaFunction module, or create the aws_cloudwatch_log_group (with retention) and point logging_config.log_group at it.",
    resourceTypes: ["aws_lambda_function"],
    check(r, ctx) {
      const groups = ctx.resources("aws_cloudwatch_log_group");
      const target = block(r.config.logging_config)?.log_group;
      const name = r.config.function_name;
      const managed = groups.some(
        (g) =>
          refersTo(target, g, "name", "id") ||
          (typeof target === "string" && target === g.config.name) ||
          (target === undefined && typeof name === "string" && g.config.name === `/aws/lambda/${name}`),
      );
      if (managed || (isExpression(name) && target === undefined)) return [];
      return [violation(`Function ${display(r, "function_name")} logs to ${target !== undefined ? `"${target}"` : "its default log group"}, which this stack does not manage.`)];
    },
  },
  {
    id: "PLT-SFN-001",
    severity: "error",
    title: "Step Functions state machines log executions to CloudWatch Logs",
    why: "Without execution logs a failed workflow (a user deletion half done) leaves no record outside the 90-day execution history, and Express workflows keep none at all.",
    fix: "Use the StateMachine module (level ERROR to its own log group by default), or set logging_configuration { level = \"ERROR\" (or ALL/FATAL), log_destination = \"<log group arn>:*\" }.",
    resourceTypes: ["aws_sfn_state_machine"],
    check(r) {
      const logging = block(r.config.logging_configuration);
      const level = logging?.level;
      if (isExpression(level)) return [];
      if (level === undefined || level === "OFF") return [violation(`State machine ${display(r, "name")} has logging level ${level ?? "OFF (unset)"}.`)];
      return isSet(logging?.log_destination) ? [] : [violation(`State machine ${display(r, "name")} logs at level ${level} but has no log_destination.`)];
    },
  },
  {
    id: "PLT-SFN-002",
    severity: "warning",
    title: "Step Functions state machines trace with X-Ray",
    why: "Traces show which state and which downstream call (Lambda, DynamoDB, Cognito) made an execution slow or fail.",
    fix: "Use the StateMachine module with tracing on (the default), or set tracing_configuration { enabled = true }.",
    resourceTypes: ["aws_sfn_state_machine"],
    check(r) {
      const enabled = block(r.config.tracing_configuration)?.enabled;
      return isOn(enabled) ? [] : [violation(`State machine ${display(r, "name")} has tracing ${enabled === undefined ? "unset (off)" : "off"}.`)];
    },
  },
  {
    id: "PLT-IOT-001",
    severity: "error",
    title: "IoT policies grant exact actions on the device's own resources",
    why: "An IoT policy is attached to every device certificate: `iot:*` or a wildcard resource lets one stolen device connect as any client, publish to any topic (other devices' telemetry) and subscribe to everything. A wildcard is safe only after the thing-name policy variable `${iot:Connection.Thing.ThingName}`, which pins it to the device's own names.",
    fix: "Use the IotIngest module, or list exact actions (iot:Connect, iot:Publish, ...) on ARNs that name the thing through ${iot:Connection.Thing.ThingName} (client/${iot:Connection.Thing.ThingName}, topic/devices/${iot:Connection.Thing.ThingName}/...).",
    resourceTypes: ["aws_iot_policy"],
    check(r, ctx) {
      const what = `IoT policy ${display(r, "name")}`;
      const doc = ctx.document(r.config.policy);
      if (!doc.ok) return [violation(`${what}: the policy cannot be verified: ${doc.reason}.`, "Render the policy as JSON (JSON.stringify) so it is known at synth.")];
      const out: Violation[] = [];
      doc.statements.forEach((s, i) => {
        if (s.effect !== "Allow") return;
        const name = statementName(s, i);
        if (s.notActions !== undefined) out.push(violation(`${what} ${name}: Allow with NotAction grants every other action.`));
        if (s.notResources !== undefined) out.push(violation(`${what} ${name}: Allow with NotResource applies to every other resource.`));
        const wild = s.actions.filter((a) => a.includes("*") || a.includes("?"));
        if (wild.length > 0) out.push(violation(`${what} ${name}: wildcard action ${wild.map((a) => `"${a}"`).join(", ")}.`));
        // a resource that is one Terraform reference (another resource's ARN) is known only at apply: not judged
        const open = s.resources.filter((res) => !/^\$\{[^}]*\}$/.test(res) && !iotResourceScoped(res));
        if (open.length > 0) {
          out.push(violation(`${what} ${name}: wildcard resource ${open.map((res) => `"${res.replace(/\$\$\{/g, "${")}"`).join(", ")} is not scoped by \${iot:Connection.Thing.ThingName}.`));
        }
      });
      return out;
    },
  },
  {
    id: "PLT-KMS-001",
    severity: "error",
    title: "Symmetric KMS keys rotate automatically",
    why: "Rotation limits how much data one key version protects; it is free and transparent for symmetric keys.",
    fix: "Use the Key module (rotation on by default), or set enable_key_rotation = true.",
    resourceTypes: ["aws_kms_key"],
    check(r) {
      const spec = r.config.customer_master_key_spec ?? "SYMMETRIC_DEFAULT";
      const usage = r.config.key_usage ?? "ENCRYPT_DECRYPT";
      if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") return []; // asymmetric and HMAC keys cannot rotate
      return isOn(r.config.enable_key_rotation) ? [] : [violation(`Key ${r.address} has automatic rotation off.`)];
    },
  },
  {
    id: "PLT-RDS-001",
    severity: "error",
    title: "RDS clusters and instances encrypt storage",
    why: "Database storage, snapshots and replicas hold the analytics data; encryption cannot be turned on later without a copy.",
    fix: "Set storage_encrypted = true (optionally kms_key_id).",
    resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
    check(r) {
      if (r.type === "aws_rds_cluster" && r.config.engine_mode === "serverless") return []; // Serverless v1 is always encrypted
      return isOn(r.config.storage_encrypted) ? [] : [violation(`${r.address} has storage_encrypted off.`)];
    },
  },
  {
    id: "PLT-RDS-002",
    severity: "error",
    title: "Production RDS clusters and instances have deletion protection and prevent_destroy",
    why: "Production data must survive a mistaken destroy: AWS refuses the delete and Terraform refuses a plan that destroys or replaces the database.",
    fix: "Set deletion_protection = true and lifecycle { prevent_destroy = true } (the environment's guards).",
    resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
    productionOnly: true,
    check(r) {
      const out: Violation[] = [];
      if (!isOn(r.config.deletion_protection)) out.push(violation(`${r.address} has deletion_protection off in production.`));
      if (!preventsDestroy(r)) out.push(violation(`${r.address} has no lifecycle prevent_destroy in production.`));
      return out;
    },
  },
  {
    id: "PLT-KIN-001",
    severity: "error",
    title: "Kinesis streams are encrypted with KMS",
    why: "Activity records carry user ids; server-side encryption keeps them encrypted in the stream's storage.",
    fix: "Set encryption_type = \"KMS\" and kms_key_id (alias/aws/kinesis or a customer-managed key).",
    resourceTypes: ["aws_kinesis_stream"],
    check(r) {
      const type = r.config.encryption_type;
      if (isExpression(type)) return [];
      if (type !== "KMS") return [violation(`Stream ${display(r, "name")} has encryption_type ${type ?? "NONE (unset)"}.`)];
      return isSet(r.config.kms_key_id) ? [] : [violation(`Stream ${display(r, "name")} has encryption_type KMS but no kms_key_id.`)];
    },
  },
  {
    id: "PLT-COG-001",
    severity: "error",
    title: "Production user pools have deletion protection and prevent_destroy",
    why: "Deleting a user pool deletes every account and password; it cannot be undone.",
    fix: "Turn the environment's guards on (UserPool deletionProtection, preventDestroy), or set deletion_protection = \"ACTIVE\" and lifecycle { prevent_destroy = true }.",
    resourceTypes: ["aws_cognito_user_pool"],
    productionOnly: true,
    check(r) {
      const out: Violation[] = [];
      const dp = r.config.deletion_protection;
      if (dp !== "ACTIVE" && !isExpression(dp)) out.push(violation(`User pool ${display(r, "name")} has deletion_protection ${dp ?? "INACTIVE (unset)"} in production.`));
      if (!preventsDestroy(r)) out.push(violation(`User pool ${display(r, "name")} has no lifecycle prevent_destroy in production.`));
      return out;
    },
  },
  {
    id: "PLT-FH-001",
    severity: "error",
    title: "Firehose S3 destinations encrypt delivered objects",
    why: "Delivered records (activity events with user ids) must be encrypted at rest: with the stream's kms_key_arn (SSE-KMS), or by the destination bucket's declared default encryption.",
    fix: "Use the DataLake module, or set extended_s3_configuration.kms_key_arn, or give the destination bucket an aws_s3_bucket_server_side_encryption_configuration in the same stack.",
    resourceTypes: ["aws_kinesis_firehose_delivery_stream"],
    check(r, ctx) {
      const dest = block(r.config.extended_s3_configuration) ?? block(r.config.s3_configuration);
      if (dest === undefined) return []; // not an S3 destination
      if (isSet(dest.kms_key_arn)) return [];
      const bucket = ctx.resources("aws_s3_bucket").find((b) => refersTo(dest.bucket_arn, b, "arn"));
      const encrypted =
        bucket !== undefined &&
        ctx
          .resources("aws_s3_bucket_server_side_encryption_configuration")
          .filter(bucketPointer(bucket))
          .flatMap((c) => blocks(c.config.rule))
          .some((rule) => {
            const a = block(rule.apply_server_side_encryption_by_default)?.sse_algorithm;
            return isExpression(a) || SSE_ALGORITHMS.has(a);
          });
      if (encrypted) return [];
      return [violation(`Delivery stream ${display(r, "name")} sets no kms_key_arn and its destination bucket ${bucket ? display(bucket, "bucket") : "(not in this stack)"} declares no default encryption here.`)];
    },
  },
  {
    id: "PLT-ATH-001",
    severity: "error",
    title: "Athena workgroups enforce their configuration and encrypt query results",
    why: "Query results hold the data a query read; with enforce_workgroup_configuration a client cannot send them to another location, turn encryption off or lift the scan cutoff.",
    fix: "Use the DataLake module, or set configuration { enforce_workgroup_configuration = true, result_configuration { encryption_configuration { encryption_option = \"SSE_S3\" | \"SSE_KMS\" | \"CSE_KMS\" } } }.",
    resourceTypes: ["aws_athena_workgroup"],
    check(r) {
      const config = block(r.config.configuration);
      const out: Violation[] = [];
      // enforce_workgroup_configuration defaults to true in the provider; only an explicit false is a violation.
      const enforce = config?.enforce_workgroup_configuration;
      if (enforce === false || enforce === "false") out.push(violation(`Workgroup ${display(r, "name")} lets clients override its configuration (enforce_workgroup_configuration false).`));
      const option = block(block(block(config?.result_configuration)?.encryption_configuration))?.encryption_option;
      if (!isExpression(option) && !["SSE_S3", "SSE_KMS", "CSE_KMS"].includes(option)) {
        out.push(violation(`Workgroup ${display(r, "name")} does not encrypt query results (encryption_option ${option ?? "unset"}).`));
      }
      return out;
    },
  },
];

const BY_ID = new Map(POLICY_RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function policyRule(id: string): PolicyRule | undefined {
  return BY_ID.get(id);
}
