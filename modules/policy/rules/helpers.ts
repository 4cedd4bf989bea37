/** Helpers the rules share: reading synthesized configs, IAM documents, stack-wide facts. */
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../../core/iam";
import { asList, deniesInsecureTransport, DocumentResult, Statement } from "../documents";
import type { ResourceView, RuleContext, Violation } from "./types";

// ---------------------------------------------------------------------------------------------------------------
// helpers over synthesized configs

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a synthesized block is arbitrary JSON; each rule narrows the attributes it reads
export type Block = Readonly<Record<string, any>>;

export function isRecord(v: unknown): v is Block {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A nested block: cdktf renders single blocks as objects and repeated ones as lists. */
export function block(v: unknown): Block | undefined {
  if (Array.isArray(v)) return v.find(isRecord);
  return isRecord(v) ? v : undefined;
}

export function blocks(v: unknown): Block[] {
  return asList(v as unknown[] | undefined).filter(isRecord);
}

/** A Terraform expression, known only at apply. */
export function isExpression(v: unknown): boolean {
  return typeof v === "string" && v.includes("${");
}

/** True, or an expression (not judged at synth). */
export function isOn(v: unknown): boolean {
  return v === true || v === "true" || isExpression(v);
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

export function preventsDestroy(r: ResourceView): boolean {
  return isOn(block(r.config.lifecycle)?.prevent_destroy);
}

/** `${<address>.<attr>}` for each attr. */
export function refs(r: ResourceView, ...attrs: string[]): string[] {
  return attrs.map((a) => `\${${r.address}.${a}}`);
}

export function refersTo(value: unknown, r: ResourceView, ...attrs: string[]): boolean {
  return typeof value === "string" && refs(r, ...attrs).includes(value);
}

export function violation(message: string, fix?: string): Violation {
  return fix === undefined ? { message } : { message, fix };
}

export function display(r: ResourceView, ...nameAttrs: string[]): string {
  for (const a of nameAttrs) {
    const v = r.config[a];
    if (typeof v === "string" && v !== "" && !isExpression(v)) return `"${v}"`;
  }
  return r.address;
}

/** Policy documents that apply to a resource: its inline attribute and separate policy resources pointing at it. */
export function policiesOf(
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
export function tlsOnly(
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

export const IDENTITY_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

export const RESOURCE_POLICY_TYPES: Readonly<Record<string, string>> = {
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

export const KEY_POLICY_TYPES = new Set(["aws_kms_key", "aws_kms_key_policy"]);

/** Identity-policy documents of a resource (aws_iam_role: its inline_policy blocks). */
export function identityDocuments(r: ResourceView, ctx: RuleContext): Array<{ source: string; result: DocumentResult }> {
  if (r.type === "aws_iam_role") {
    return blocks(r.config.inline_policy)
      .filter((b) => isSet(b.policy))
      .map((b, i) => ({ source: `${r.address}.inline_policy[${i}]`, result: ctx.document(b.policy) }));
  }
  const field = IDENTITY_POLICY_TYPES[r.type];
  return field !== undefined && isSet(r.config[field]) ? [{ source: r.address, result: ctx.document(r.config[field]) }] : [];
}

export function resourceDocuments(r: ResourceView, ctx: RuleContext): Array<{ source: string; result: DocumentResult }> {
  const field = RESOURCE_POLICY_TYPES[r.type];
  return field !== undefined && isSet(r.config[field]) ? [{ source: r.address, result: ctx.document(r.config[field]) }] : [];
}

export function statementName(s: Statement, i: number): string {
  return s.sid ? `statement "${s.sid}"` : `statement #${i + 1}`;
}

export const SCOPELESS = new Set([...ACTIONS_WITHOUT_RESOURCE_SCOPE].map((a) => a.toLowerCase()));

// ---------------------------------------------------------------------------------------------------------------
// stack-wide facts

/** Values that name a failure destination / dead-letter target anywhere in the stack (references as written). */
export function failureTargets(ctx: RuleContext): ReadonlySet<string> {
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

export function redriveAllows(raw: unknown): boolean {
  if (typeof raw !== "string") return false;
  try {
    const permission = (JSON.parse(raw) as Record<string, unknown>).redrivePermission;
    return permission === "allowAll" || permission === "byQueue";
  } catch {
    return isExpression(raw); // known only at apply: not judged
  }
}

export function bucketPointer(bucket: ResourceView): (other: ResourceView) => boolean {
  const literal = typeof bucket.config.bucket === "string" && !isExpression(bucket.config.bucket) ? bucket.config.bucket : undefined;
  return (other) => refersTo(other.config.bucket, bucket, "id", "bucket") || (literal !== undefined && other.config.bucket === literal);
}

export const PUBLIC_ACCESS_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;
export const SSE_ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

/** A distribution's default and ordered cache behaviors, each named as a finding names it. */
export function cacheBehaviors(config: Block): Array<{ readonly name: string; readonly b: Block | undefined }> {
  return [
    { name: "default_cache_behavior", b: block(config.default_cache_behavior) },
    ...blocks(config.ordered_cache_behavior).map((b) => ({ name: `ordered_cache_behavior "${b.path_pattern}"`, b })),
  ];
}

export const HTTPS_VIEWER_POLICIES = new Set(["redirect-to-https", "https-only"]);
/** CloudFront security policies that allow only TLS 1.2+ with modern ciphers (AWS's recommendation, 2021 and later). */
/** An S3 origin's domain: `<bucket>.s3[.<region>].amazonaws.com`, or a reference to a bucket's (regional) domain name. */
export function isS3OriginDomain(domain: unknown): boolean {
  if (typeof domain !== "string") return false;
  if (/\$\{aws_s3_bucket\.[^.}]+\.(bucket_regional_domain_name|bucket_domain_name)\}/.test(domain)) return true;
  return !isExpression(domain) && /\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(domain);
}

export const MODERN_CLOUDFRONT_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] as const;

// ---------------------------------------------------------------------------------------------------------------
// IoT policies

/** The thing-name policy variable, as AWS reads it (`${...}`) or as cdk.tf.json escapes it for Terraform (`$${...}`). */
export const THING_NAME_VARIABLE = "${iot:Connection.Thing.ThingName}";

/**
 * A resource of an IoT policy is scoped to the device when it has no wildcard, or when the thing-name policy variable
 * comes before its first wildcard in the resource path (`topic/devices/${thing}/*`: only the thing's own topics).
 */
export function iotResourceScoped(resource: string): boolean {
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
