// Changes in the effective permissions of every IAM role of a plan: the grants each role gains and loses between
// before and after (effective-permissions.ts), so that a statement that restates what a role could already do is
// no change, and a boundary or Deny that takes away is a loss.
import { actionSpace, ActionCatalogue, ActionSpace, compareGrants, covers, effectiveGrants, Grant, PolicySource } from "./effective-permissions";
import type { PolicyDiff } from "./iam-diff";
import { ManagedPolicy, RoleOfPlan, rolesOf } from "./role-policies";
import type { PlanJson } from "../lib/terraform-json";

/** Grants that share resource, conditions and limits, their actions together (`s3:* (all 180 actions)` when complete). */
export interface GrantGroup {
  readonly actions: readonly string[];
  readonly resource: string;
  readonly conditions: readonly string[];
  readonly limits: readonly string[];
  readonly inexact?: string;
  readonly from: readonly string[];
}

export interface RolePermissionChange {
  readonly role: string;
  /** The aws_iam_role resource, when the plan manages the role. */
  readonly address?: string;
  /** created: the role is new; destroyed: it goes; changed: it stays. */
  readonly roleChange: "created" | "destroyed" | "changed";
  /** Effective grants (action on resource) gained and lost, grouped by resource; counts are of single grants. */
  readonly gained: readonly GrantGroup[];
  readonly lost: readonly GrantGroup[];
  /** Lost grants of which a narrower one remains (more conditions or Denies): the remaining grants, grouped. */
  readonly narrowed: readonly GrantGroup[];
  /** Single grants: gained, lost (narrowed ones included). */
  readonly counts: { readonly gained: number; readonly lost: number };
  /** permissions_boundary ARN before and after (undefined: none). */
  readonly boundary: { readonly before?: string; readonly after?: string };
  /** Statement changes (iam-diff.ts) in the role's own policies: where the change comes from. */
  readonly statementChanges: number;
  /** What the computation could not see: a boundary outside the plan, documents known only after apply ... */
  readonly notes: readonly string[];
}

export interface EffectivePermissions {
  /** Roles whose effective permissions, boundary or policy statements change. */
  readonly roles: readonly RolePermissionChange[];
  /** What action wildcards expand against. */
  readonly catalogue: string;
}

export interface EffectivePermissionsOptions {
  readonly resolved?: ReadonlyMap<string, Record<string, any>>;
  /** Managed policies of the environment's other stacks, per side (boundaries live in the bootstrap stack). */
  readonly external?: { readonly before: readonly ManagedPolicy[]; readonly after: readonly ManagedPolicy[] };
  /** @default none: wildcards expand against the actions the plan names, the wildcard kept as a grant */
  readonly catalogue?: ActionCatalogue;
  /** The statement diff of the same plan, to count each role's statement changes. */
  readonly statementDiffs?: readonly PolicyDiff[];
}

export const NO_CATALOGUE = "the actions this plan names (no action catalogue installed), each wildcard also kept as a grant of its own";

/** Every role whose effective permissions change in the plan, or whose policies change without effect. */
export function effectivePermissionChanges(plan: PlanJson, options: EffectivePermissionsOptions = {}): EffectivePermissions {
  const before = rolesOf(plan, "before", { external: options.external?.before });
  const after = rolesOf(plan, "after", { resolved: options.resolved, external: options.external?.after });
  const documents = [...before.values(), ...after.values()].flatMap((r) => [...r.identity, ...(r.boundary ? [r.boundary] : [])]).map((p) => p.document);
  const space = actionSpace(documents, options.catalogue);
  const changed = new Set((options.statementDiffs ?? []).filter((d) => d.changes.length > 0 || d.note !== undefined).map((d) => d.address));
  const countFor = (addresses: Set<string>): number =>
    (options.statementDiffs ?? []).filter((d) => addresses.has(d.address)).reduce((n, d) => n + Math.max(d.changes.length, d.note ? 1 : 0), 0);

  const roles: RolePermissionChange[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(name);
    const a = after.get(name);
    const eb = b ? effectiveGrants(b, space) : { grants: [] };
    const ea = a ? effectiveGrants(a, space) : { grants: [] };
    const { gained, lost } = compareGrants(eb.grants, ea.grants);
    // A lost grant of which the after side keeps the same action on the same resource, under more conditions or Denies.
    const remains = new Map<Grant, Grant[]>();
    for (const l of lost) {
      const kept = ea.grants.filter((g) => g.action.toLowerCase() === l.action.toLowerCase() && g.resource === l.resource && covers(l, g));
      if (kept.length) remains.set(l, kept);
    }
    const addresses = new Set([...addressesOf(b), ...addressesOf(a)]);
    const statementChanges = countFor(addresses);
    const boundary = { ...(b?.boundaryArn ? { before: b.boundaryArn } : {}), ...(a?.boundaryArn ? { after: a.boundaryArn } : {}) };
    const touched = [...addresses].some((x) => changed.has(x));
    if (gained.length + lost.length === 0 && boundary.before === boundary.after && !touched) continue;
    const notes = new Set<string>();
    for (const e of [eb, ea]) if ("boundaryUnknown" in e && e.boundaryUnknown) notes.add(e.boundaryUnknown);
    if (!b?.address && !a?.address) notes.add("the role itself is not in this plan: only the policies the plan attaches to it are counted, and no boundary");
    if (a?.placeholders) notes.add("after: documents with ARNs known only after apply, shown as placeholders");
    roles.push({
      role: name,
      ...((a ?? b)?.address ? { address: (a ?? b)!.address } : {}),
      roleChange: !b ? "created" : !a ? "destroyed" : "changed",
      gained: groupGrants(gained, space),
      lost: groupGrants(
        lost.filter((l) => !remains.has(l)),
        space,
      ),
      narrowed: groupGrants([...new Set([...remains.values()].flat())], space),
      counts: { gained: gained.length, lost: lost.length },
      boundary,
      statementChanges,
      notes: [...notes],
    });
  }
  return { roles, catalogue: options.catalogue?.source ?? NO_CATALOGUE };
}

/** The role's own addresses and those of the managed policies (and boundary) it reads. */
function addressesOf(role: RoleOfPlan | undefined): string[] {
  if (!role) return [];
  const sources: PolicySource[] = [...role.identity, ...(role.boundary ? [role.boundary] : [])];
  return [...role.addresses, ...sources.map((s) => s.source.split(" ")[0]).filter((s) => /^[\w.[\]"-]+\.[\w-]+/.test(s))];
}

/** Grants grouped by resource, conditions, limits and inexactness; a service's complete catalogue as `svc:*`. */
export function groupGrants(grants: readonly Grant[], space: ActionSpace): GrantGroup[] {
  const groups = new Map<string, { g: Grant; actions: string[]; from: Set<string> }>();
  for (const g of grants) {
    const key = JSON.stringify([g.resource, g.conditions, g.limits, g.inexact ?? ""]);
    const group = groups.get(key) ?? { g, actions: [], from: new Set<string>() };
    group.actions.push(g.action);
    for (const f of g.from) group.from.add(f);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ g, actions, from }) => ({
    actions: collapse(actions, space),
    resource: g.resource,
    conditions: g.conditions,
    limits: g.limits,
    ...(g.inexact ? { inexact: g.inexact } : {}),
    from: [...from].sort(),
  }));
}

function collapse(actions: readonly string[], space: ActionSpace): string[] {
  const byService = new Map<string, string[]>();
  for (const a of actions) {
    const service = a.includes(":") && !a.startsWith("(") ? a.slice(0, a.indexOf(":")).toLowerCase() : "";
    byService.set(service, [...(byService.get(service) ?? []), a]);
  }
  const out: string[] = [];
  for (const [service, list] of byService) {
    const all = space.catalogued.has(service) ? (space.actions.get(service) ?? []) : [];
    if (all.length > 1 && list.length >= all.length) out.push(`${service}:* (all ${all.length} actions)`);
    else out.push(...[...list].sort((x, y) => x.localeCompare(y)));
  }
  return out;
}
