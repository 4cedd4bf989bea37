// Test-only helpers around @cloud-copilot/iam-simulate (AGPL: a devDependency, never imported by shipped code):
// the synthesized policies of a stack with their Terraform references replaced by the ARNs AWS would assign.
import { createHash } from "node:crypto";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { EnvironmentConfig } from "../../environments";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/**
 * AWS managed PowerUserAccess (the deploy role's attached policy; not in the synthesized stack), as AWS publishes it:
 * every service but IAM, Organizations and Account, plus a few reads and service-linked roles.
 */
export const POWER_USER_ACCESS = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
    {
      Effect: "Allow",
      Action: [
        "account:GetAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeOrganization",
      ],
      Resource: "*",
    },
  ],
};

const uuid = (...parts: string[]): string => {
  const h = createHash("sha256").update(parts.join("/")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The ARN AWS would give a resource attribute that a policy references (`${aws_sqs_queue.X.arn}`). */
function arnOf(stack: any, env: EnvironmentConfig, type: string, id: string, attr: string): string {
  const r = stack.resource?.[type]?.[id];
  if (r === undefined) throw new Error(`no ${type}.${id} in the stack`);
  const [region, account] = [env.region, env.allowedAccountIds[0]];
  const key = `${type}.${attr}`;
  switch (key) {
    case "aws_dynamodb_table.arn":
      return `arn:aws:dynamodb:${region}:${account}:table/${r.name}`;
    case "aws_sqs_queue.arn":
      return `arn:aws:sqs:${region}:${account}:${r.name}`;
    case "aws_sns_topic.arn":
      return `arn:aws:sns:${region}:${account}:${r.name}`;
    case "aws_kinesis_stream.arn":
      return `arn:aws:kinesis:${region}:${account}:stream/${r.name}`;
    case "aws_s3_bucket.arn":
      return `arn:aws:s3:::${r.bucket}`;
    case "aws_cloudwatch_log_group.arn":
      return `arn:aws:logs:${region}:${account}:log-group:${r.name}`;
    case "aws_rds_cluster.arn":
      return `arn:aws:rds:${region}:${account}:cluster:${r.cluster_identifier}`;
    case "aws_rds_cluster.master_user_secret[0].secret_arn":
      return `arn:aws:secretsmanager:${region}:${account}:secret:rds!cluster-${uuid(env.name, id)}-AbCdEf`;
    case "aws_kms_key.arn":
      return `arn:aws:kms:${region}:${account}:key/${uuid(env.name, id)}`;
    case "aws_lambda_function.arn":
      return `arn:aws:lambda:${region}:${account}:function:${r.function_name}`;
    case "aws_sfn_state_machine.arn":
      return `arn:aws:states:${region}:${account}:stateMachine:${r.name}`;
    case "aws_cognito_user_pool.arn":
      return `arn:aws:cognito-idp:${region}:${account}:userpool/${region}_${uuid(env.name, id).replace(/-/g, "").slice(0, 9)}`;
    default:
      throw new Error(`test/iam/simulate.ts: no ARN for ${key}; add it`);
  }
}

/** A policy document of the stack with every `${type.id.attr}` reference resolved to its ARN. */
export function resolveDocument(stack: any, env: EnvironmentConfig, json: string): any {
  return JSON.parse(json.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_]+)\.([^}]+)\}/g, (_, type, id, attr) => arnOf(stack, env, type, id, attr)));
}

/** The resolved ARN of the first resource of a type whose config matches. */
export function arnOfResource(stack: any, env: EnvironmentConfig, type: string, match: (r: any) => boolean, attr = "arn"): string {
  const entry = Object.entries<any>(stack.resource?.[type] ?? {}).find(([, r]) => match(r));
  if (!entry) throw new Error(`no matching ${type}`);
  return arnOf(stack, env, type, entry[0], attr);
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly principal?: string;
  /** Account that owns the resource. @default the account in the resource ARN, else the principal's */
  readonly resourceAccount?: string;
  readonly context?: Record<string, string | string[]>;
}

export interface Policies {
  readonly identity?: ReadonlyArray<{ name: string; policy: any }>;
  readonly boundary?: any;
  readonly resourcePolicy?: any;
}

/** Runs one request through the simulator; throws on invalid input (unknown action, ARN of the wrong type ...). */
export async function decide(policies: Policies, req: Request): Promise<Decision> {
  const principal = req.principal ?? "arn:aws:iam::111111111111:role/caller";
  const accountInArn = req.resource.split(":")[4];
  const result = await runSimulation(
    {
      request: {
        principal,
        action: req.action,
        resource: { resource: req.resource, accountId: req.resourceAccount ?? (accountInArn || principal.split(":")[4]) },
        contextVariables: { "aws:SecureTransport": "true", ...(req.context ?? {}) },
      },
      identityPolicies: [...(policies.identity ?? [])],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policies.resourcePolicy,
      permissionBoundaryPolicies: policies.boundary ? [{ name: "boundary", policy: policies.boundary }] : undefined,
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation of ${req.action} on ${req.resource}: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== "single") throw new Error(`simulation of ${req.action} on ${req.resource}: expected one resource, got ${result.resultType}`);
  return result.overallResult as Decision;
}
