import { AnnotationMetadataEntryType, App, TerraformStack, Testing } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Naming } from "../../modules/core/naming";

export interface SynthResult {
  /** The synthesized stack as parsed JSON. */
  readonly json: any;
  /** Resources of one type, keyed by logical id. */
  resources(type: string): Record<string, any>;
  /** The single resource of a type (throws when there is not exactly one). */
  only(type: string): any;
  /** `${type.<logical id>.<attr>}` of the single resource of a type. */
  ref(type: string, attr: string): string;
  /** Every IAM policy document in the stack (role inline policies and resource policies), parsed. */
  policies(): Array<{ address: string; document: any }>;
}

/** Builds a stack with an AWS provider and the naming context `test-dev`, runs `build`, synthesizes to JSON. */
export function synthStack(build: (stack: TerraformStack) => void, env = "dev"): SynthResult {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  Naming.configure(stack, { app: "test", env });
  build(stack);
  return parse(Testing.synth(stack));
}

/** Like synthStack, but for a construct tree built on a given app (for stacks under test). */
export function synthExisting(stack: TerraformStack): SynthResult {
  return parse(Testing.synth(stack));
}

function parse(text: string): SynthResult {
  const json = JSON.parse(text);
  const resources = (type: string): Record<string, any> => json.resource?.[type] ?? {};
  return {
    json,
    resources,
    only(type: string) {
      const all = Object.values(resources(type));
      if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
      return all[0];
    },
    ref(type: string, attr: string) {
      const keys = Object.keys(resources(type));
      if (keys.length !== 1) throw new Error(`expected exactly one ${type}, found ${keys.length}`);
      return `\${${type}.${keys[0]}.${attr}}`;
    },
    policies() {
      const out: Array<{ address: string; document: any }> = [];
      const fields: Record<string, string> = {
        aws_iam_role_policy: "policy",
        aws_iam_policy: "policy",
        aws_iam_role: "assume_role_policy",
        aws_sqs_queue_policy: "policy",
        aws_sns_topic_policy: "policy",
        aws_s3_bucket_policy: "policy",
        aws_kms_key: "policy",
      };
      for (const [type, field] of Object.entries(fields)) {
        for (const [name, r] of Object.entries(resources(type))) {
          const raw = (r as any)[field];
          if (typeof raw === "string" && raw.trim().startsWith("{")) out.push({ address: `${type}.${name}`, document: JSON.parse(raw) });
        }
      }
      return out;
    },
  };
}

/** A construct scope in a fresh stack, for modules that only need a scope. */
export function scope(): Construct {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "test");
  Naming.configure(stack, { app: "test", env: "dev" });
  return stack;
}

/** Flattens a statement's Action/Resource fields into arrays. */
export function asArray<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The warnings (cdktf `Annotations`) a construct recorded, as text. */
export function warnings(c: IConstruct): string[] {
  return c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

/**
 * The least-privilege policy document of a role owned by the construct `id` (a LambdaFunction, a StateMachine): the
 * inline policy `aws_iam_role_policy.<id>_Policy_…`, else the first inline policy whose address names `id`.
 */
export function rolePolicyDocument(out: SynthResult, id: string): any {
  const policies = out.policies().filter((p) => p.address.startsWith("aws_iam_role_policy."));
  const policy = policies.find((p) => p.address.startsWith(`aws_iam_role_policy.${id}_Policy`)) ?? policies.find((p) => p.address.includes(id));
  if (!policy) throw new Error(`no aws_iam_role_policy whose address names "${id}"`);
  return policy.document;
}

/**
 * The statements a role's policy got from grants (see `rolePolicyDocument`), without the statements every function or
 * state machine has (`WriteOwnLogs`, `XRayWrite`).
 */
export function roleStatements(out: SynthResult, id: string): any[] {
  return rolePolicyDocument(out, id).Statement.filter((s: any) => s.Sid !== "XRayWrite" && s.Sid !== "WriteOwnLogs");
}

/** Expects no wildcard action and no `"*"` resource in `statements`. */
export function expectNoWildcards(statements: any[]): void {
  for (const s of statements) {
    for (const a of asArray<string>(s.Action)) expect(a).not.toMatch(/\*/);
    for (const r of asArray<string>(s.Resource)) expect(r).not.toBe("*");
  }
}
