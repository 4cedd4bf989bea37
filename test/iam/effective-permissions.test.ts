// The plan review's own effective-permission computation (plan/effective-permissions.ts, no simulator) agrees with
// @cloud-copilot/iam-simulate on the synthesized platform-dev roles: every grant it computes is allowed by the
// simulator, and what it computes as not granted (other actions of the same services, another environment's
// resources, anything a widened statement adds outside the boundary) the simulator does not allow either.
import { loadActionCatalogue } from "../../plan/action-catalogue";
import { actionSpace, effectiveGrants, globMatch, Grant, RolePolicies } from "../../plan/effective-permissions";
import { resourcesOf, synthApp } from "../support/app-synth";
import { decide, resolveDocument } from "./simulate";

const synth = synthApp({ offline: true });
const ENV = "dev";
const stack = synth.stack(`platform-${ENV}`);
const config = synth.built.environments.find((e) => e.name === ENV)!;
const account = config.allowedAccountIds[0];
const boundary = JSON.parse(resourcesOf(synth.stack(`platform-bootstrap-${ENV}`), "aws_iam_policy").find((p) => p.name === `platform-${ENV}-boundary`).policy);
const catalogue = loadActionCatalogue();

/** Each role of the stack (functions, the state machine, Firehose, the IoT rule): its inline policies as one document. */
const roles = Object.entries<any>(stack.resource.aws_iam_role).flatMap(([id, role]) => {
  const inline = resourcesOf(stack, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${id}.id}`);
  const statements = inline.flatMap((p) => [resolveDocument(stack, config, p.policy).Statement].flat());
  return inline.length > 0 ? [{ name: String(role.name), arn: `arn:aws:iam::${account}:role/${role.name}`, policy: { Version: "2012-10-17", Statement: statements } }] : [];
});

/** A widened statement, as a mistake would add it: whole services on every resource. */
const WIDENED = { Sid: "Mistake", Effect: "Allow", Action: ["dynamodb:*", "s3:*", "sqs:*", "iam:*"], Resource: "*" };

const compute = (policies: RolePolicies): Grant[] => {
  const space = actionSpace([...policies.identity.map((p) => p.document), boundary], catalogue);
  return [...effectiveGrants(policies, space).grants];
};

/** A concrete resource a pattern stands for (`*` → `x`); undefined for "*" alone, which names no resource type. */
const concrete = (pattern: string): string | undefined => (pattern === "*" || pattern.startsWith("NOT ") ? undefined : pattern.replace(/\*/g, "x").replace(/\?/g, "x"));

/** Whether the computed grants allow a request outright (no conditions, limits or inexact parts involved). */
const granted = (grants: readonly Grant[], action: string, resource: string): boolean =>
  grants.some((g) => g.conditions.length === 0 && g.limits.length === 0 && !g.inexact && globMatch(g.action, action, true) && globMatch(g.resource, resource));

interface Probe {
  readonly action: string;
  readonly resource: string;
}

/** Every action the boundary names: the non-grants closest to a grant are the ones the boundary would allow. */
const boundaryActions: string[] = boundary.Statement.flatMap((st: any) => (st.Effect === "Allow" ? [st.Action].flat() : []));

/** Probes: each unconditional grant; other actions of its service on the same resource; another environment's resource. */
function probes(grants: readonly Grant[]): Probe[] {
  const out: Probe[] = [];
  for (const g of grants.filter((x) => x.conditions.length === 0 && !x.inexact)) {
    const resource = concrete(g.resource);
    if (!resource) continue;
    out.push({ action: g.action, resource }, { action: g.action, resource: resource.replace(`platform-${ENV}-`, "platform-prod-") });
    const service = g.action.split(":")[0];
    const others = [...boundaryActions.filter((a) => a.startsWith(`${service}:`)), ...(catalogue?.actionsOf(service) ?? []).slice(0, 2)]
      .filter((a) => !grants.some((x) => x.action === a))
      .slice(0, 5);
    for (const action of others) out.push({ action, resource });
  }
  return out;
}

async function agree(role: (typeof roles)[number], identity: any[], grants: readonly Grant[]): Promise<{ compared: number; disagreements: string[] }> {
  const disagreements: string[] = [];
  let compared = 0;
  for (const p of probes(grants)) {
    let decision: string;
    try {
      decision = await decide({ identity: identity.map((policy, i) => ({ name: `p${i}`, policy })), boundary }, { principal: role.arn, action: p.action, resource: p.resource });
    } catch {
      continue; // the action does not apply to that resource type: nothing to compare
    }
    compared += 1;
    const ours = granted(grants, p.action, p.resource);
    if (ours !== (decision === "Allowed")) disagreements.push(`${p.action} on ${p.resource}: computed ${ours ? "granted" : "not granted"}, simulator ${decision}`);
  }
  return { compared, disagreements };
}

describe(`plan/effective-permissions.ts agrees with the simulator on the platform-${ENV} roles`, () => {
  it("finds the function roles and the catalogue to expand against", () => {
    expect(roles.length).toBeGreaterThanOrEqual(9);
    expect(catalogue).toBeDefined();
  });

  it.each(roles.map((r) => [r.name, r] as const))("%s: computed grants and non-grants are the simulator's decisions", async (_name, role) => {
    const grants = compute({ identity: [{ source: "inline", document: role.policy }], boundary: { source: "boundary", document: boundary } });
    expect(grants.length).toBeGreaterThan(0);
    const { compared, disagreements } = await agree(role, [role.policy], grants);
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(grants.length);
  });

  it.each(roles.map((r) => [r.name, r] as const))(
    "%s: with a statement widened to whole services on *, the computed grants stay within the boundary, as the simulator decides",
    async (_name, role) => {
      const widened = { ...role.policy, Statement: [...role.policy.Statement, WIDENED] };
      const grants = compute({ identity: [{ source: "inline", document: widened }], boundary: { source: "boundary", document: boundary } });
      expect(grants.some((g) => g.action.startsWith("iam:"))).toBe(false);
      expect(grants.some((g) => g.action === "dynamodb:DeleteTable")).toBe(false);
      const { disagreements } = await agree(role, [widened], grants);
      expect(disagreements).toEqual([]);
      expect(
        await decide(
          { identity: [{ name: "p", policy: widened }], boundary },
          { principal: role.arn, action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/platform-${ENV}-x` },
        ),
      ).not.toBe("Allowed");
      expect(granted(grants, "iam:PassRole", `arn:aws:iam::${account}:role/platform-${ENV}-x`)).toBe(false);
    },
  );
});
