import { Token } from "cdktf";
import { assertLeastPrivilege } from "../core/iam";
import type { ResourcePolicyStatement } from "./index";

// Internal helpers shared by the queue and topic modules (not re-exported from modules/index.ts).

/** Renders one resource-policy statement for `resource`; shared by Queue and Topic. */
export function renderResourceStatement(owner: string, resource: string, s: ResourcePolicyStatement): Record<string, unknown> {
  const effect = s.effect ?? "Allow";
  if (effect === "Allow") {
    assertLeastPrivilege(owner, { actions: s.actions, resources: [resource] });
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
  out.Resource = resource;
  if (s.conditions) out.Condition = s.conditions;
  return out;
}

/** `ArnEquals` for literal ARNs, `ArnLike` when any ARN has a wildcard. */
export function sourceArnCondition(sourceArns: readonly string[]): Record<string, Record<string, string | string[]>> {
  const like = sourceArns.some((a) => !Token.isUnresolved(a) && /[*?]/.test(a));
  return { [like ? "ArnLike" : "ArnEquals"]: { "aws:SourceArn": sourceArns.length === 1 ? sourceArns[0] : [...sourceArns] } };
}

export { sidPart } from "../core/iam";
