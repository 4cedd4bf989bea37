import { ITerraformDependable, Lazy } from "cdktf";

/** One IAM policy statement. Resources are ARNs (tokens allowed). */
export interface PolicyStatement {
  readonly sid?: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>>;
}

/**
 * Actions that have no resource-level permissions in IAM: only these may use `"*"` as resource.
 * Anything else on `"*"` is refused at synth.
 */
/**
 * CloudWatch Logs vended log delivery, which a Step Functions state machine's role needs to send its execution logs
 * ("Logging using CloudWatch Logs", Step Functions Developer Guide): AWS documents these on Resource "*" only.
 */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

export const ACTIONS_WITHOUT_RESOURCE_SCOPE: ReadonlySet<string> = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "cloudwatch:PutMetricData",
  ...LOG_DELIVERY_ACTIONS,
]);

/** Something that can be granted permissions: a Lambda function's role, for instance. */
export interface IGrantable {
  /** Display path used in error messages. */
  readonly grantPrincipalPath: string;
  /** Adds a least-privilege statement to the principal's policy. */
  addToPrincipalPolicy(statement: PolicyStatement): void;
  /**
   * The resource holding the principal's policy (its `aws_iam_role_policy`), which a `Grant` exposes so a caller can
   * depend on it; undefined when the principal's policy is not managed here.
   */
  readonly policyDependable?: ITerraformDependable;
}

/** A grantable that also takes environment variables: resources use it to wire name + access in one call. */
export interface IEnvironmentConsumer extends IGrantable {
  addEnvironment(name: string, value: string): void;
}

/** Throws when a statement uses wildcard actions or a scoped action on `"*"`. */
export function assertLeastPrivilege(owner: string, statement: PolicyStatement): void {
  for (const action of statement.actions) {
    if (action === "*" || /^[a-z0-9-]+:\*$/i.test(action)) {
      throw new Error(`${owner}: IAM action "${action}" is a wildcard. Fix: list the exact actions the function needs (see the module's perms.ts).`);
    }
  }
  if (statement.resources.length === 0) {
    throw new Error(`${owner}: IAM statement for ${statement.actions.join(", ")} has no resources. Fix: pass the resource ARNs.`);
  }
  if (statement.resources.includes("*")) {
    const scoped = statement.actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.has(a));
    if (scoped.length > 0) {
      throw new Error(`${owner}: IAM actions ${scoped.join(", ")} on resource "*". Fix: grant them on the resource's ARN (use the resource module's grant method).`);
    }
  }
}

function renderStatement(s: PolicyStatement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect ?? "Allow";
  out.Action = s.actions.length === 1 ? s.actions[0] : [...s.actions];
  out.Resource = s.resources.length === 1 ? s.resources[0] : [...s.resources];
  if (s.conditions) out.Condition = s.conditions;
  return out;
}

/**
 * A policy document that grows as grants are added and renders lazily at synth,
 * so grants made after the role's policy resource was created still land in it.
 */
export class PolicyDocument {
  private readonly statements: PolicyStatement[] = [];
  private readonly keys = new Set<string>();

  public add(statement: PolicyStatement): void {
    const key = JSON.stringify({ ...statement, actions: [...statement.actions].sort(), resources: [...statement.resources].sort() });
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.statements.push(statement);
  }

  public get isEmpty(): boolean {
    return this.statements.length === 0;
  }

  public get statementCount(): number {
    return this.statements.length;
  }

  /** Renders to an IAM JSON document now. */
  public render(): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: this.statements.map(renderStatement) });
  }

  /** A token that renders the document at synth time, with every statement added by then. */
  public lazy(): string {
    return Lazy.stringValue({ produce: () => this.render() });
  }
}

/** Renders a static policy document (resource policies: bucket, queue, topic, key). */
export function policyJson(statements: ReadonlyArray<Record<string, unknown>>): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Deny any request that does not use TLS (aws:SecureTransport false). */
export function denyInsecureTransport(actions: string | readonly string[], resources: readonly string[]): Record<string, unknown> {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: actions,
    Resource: resources.length === 1 ? resources[0] : resources,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Statement id part from a service principal: `sns.amazonaws.com` → `Sns`, `logs.eu-west-1.amazonaws.com` → `LogsEuWest1`. */
export function sidPart(service: string): string {
  return service
    .replace(/\.amazonaws\.com(\.cn)?$/, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((s) => s[0].toUpperCase() + s.slice(1))
    .join("");
}
