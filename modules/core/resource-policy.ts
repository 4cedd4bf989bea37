import { Token } from "cdktf";
import { assertLeastPrivilege, PolicyStatement } from "./iam";

/** Principals of a resource-policy statement. */
export interface ResourcePolicyPrincipals {
  /** AWS service principals, e.g. `events.amazonaws.com`. @default none */
  readonly Service?: string | readonly string[];
  /** IAM principal ARNs (roles, accounts), or `"*"` (allowed only with conditions). @default none */
  readonly AWS?: string | readonly string[];
}

/**
 * What every resource-policy statement says, whatever the resource (queue, topic, bucket): each module adds how a
 * statement names its resources.
 */
export interface ResourcePolicyStatementBase {
  /** Statement id. @default none */
  readonly sid?: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly principals: ResourcePolicyPrincipals | "*";
  /** Exact actions (an Allow refuses wildcards). */
  readonly actions: readonly string[];
  /** IAM condition block, e.g. `{ ArnEquals: { "aws:SourceArn": ruleArn } }`. @default none */
  readonly conditions?: PolicyStatement["conditions"];
}

/**
 * Renders one resource-policy statement on `resources` (ARNs). An Allow must list exact actions and may name principal
 * "*" only with conditions; `owner` names the module and construct in the errors.
 */
export function renderResourceStatement(owner: string, resources: readonly string[], s: ResourcePolicyStatementBase): Record<string, unknown> {
  const effect = s.effect ?? "Allow";
  if (effect === "Allow") {
    assertLeastPrivilege(owner, { actions: s.actions, resources });
    const everyone = s.principals === "*" || s.principals.AWS === "*" || (Array.isArray(s.principals.AWS) && s.principals.AWS.includes("*"));
    if (everyone && (s.conditions === undefined || Object.keys(s.conditions).length === 0)) {
      throw new Error(
        `${owner}: a resource-policy Allow for principal "*" without conditions opens the resource to every AWS account. ` +
          `Fix: name the principals (a role ARN, a service principal), or add a condition such as aws:SourceArn / aws:PrincipalOrgID.`,
      );
    }
  }
  if (s.actions.length === 0) throw new Error(`${owner}: resource-policy statement has no actions. Fix: list the actions to ${effect.toLowerCase()}.`);
  const principal = s.principals === "*" ? "*" : Object.fromEntries(Object.entries(s.principals).map(([k, v]) => [k, Array.isArray(v) && v.length === 1 ? v[0] : v]));
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = effect;
  out.Principal = principal;
  out.Action = s.actions.length === 1 ? s.actions[0] : [...s.actions];
  out.Resource = resources.length === 1 ? resources[0] : [...resources];
  if (s.conditions) out.Condition = s.conditions;
  return out;
}

/** `ArnEquals` for literal ARNs, `ArnLike` when any ARN has a wildcard. */
export function sourceArnCondition(sourceArns: readonly string[]): Record<string, Record<string, string | string[]>> {
  const like = sourceArns.some((a) => !Token.isUnresolved(a) && /[*?]/.test(a));
  return { [like ? "ArnLike" : "ArnEquals"]: { "aws:SourceArn": sourceArns.length === 1 ? sourceArns[0] : [...sourceArns] } };
}

/**
 * Statement ids for service statements: `base` the first time, then `base2`, `base3`, ... so that two statements for the
 * same service (different source accounts) keep unique Sids.
 */
export function sidAllocator(): (base: string) => string {
  const counts = new Map<string, number>();
  return (base) => {
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  };
}
