// The policies of every IAM role in one side (before or after) of a plan: inline policies (aws_iam_role_policy,
// aws_iam_role.inline_policy), attached managed policies whose documents the plan (or a sibling stack's plan) holds,
// and the permissions boundary. Values known only after apply are read from the resolved planned attributes
// (state-from-plan.ts plannedAttributes), as iam-diff.ts does; a document still unknown is an opaque source.
import type { PolicySource, RolePolicies } from "./effective-permissions";
import type { PlanJson, ResourceChangeJson } from "../lib/terraform-json";

export type Side = "before" | "after";

/** A customer-managed policy (aws_iam_policy) of a plan. */
export interface ManagedPolicy {
  readonly address: string;
  readonly arn?: string;
  readonly name?: string;
  readonly path?: string;
  readonly document: unknown;
}

export interface RoleOfPlan extends RolePolicies {
  readonly role: string;
  /** The aws_iam_role resource, when the plan manages the role (else only some of its policies are in the plan). */
  readonly address?: string;
  readonly boundaryArn?: string;
  /** Some document holds placeholders for values known only after apply. */
  readonly placeholders: boolean;
  /** Every address that contributes a policy (statement diffs of these belong to the role). */
  readonly addresses: readonly string[];
}

export interface RolesOptions {
  readonly resolved?: ReadonlyMap<string, Record<string, any>>;
  /** Managed policies of the same side of other stacks of the environment (the boundary lives in the bootstrap stack). */
  readonly external?: readonly ManagedPolicy[];
}

const UNKNOWN = Symbol("unknown");

/** Attribute values of a resource on one side; unknowns from the resolved attributes, else UNKNOWN. */
function valuesOf(rc: ResourceChangeJson, side: Side, resolved: RolesOptions["resolved"]): { values: Record<string, any>; placeholders: Set<string> } | undefined {
  if (rc.mode !== "managed" || rc.deposed) return undefined;
  const raw = side === "before" ? rc.change.before : rc.change.after;
  if (!raw || typeof raw !== "object") return undefined;
  const values: Record<string, any> = { ...raw };
  const placeholders = new Set<string>();
  if (side === "after") {
    const fill = resolved?.get(rc.address);
    for (const [key, unknown] of Object.entries<any>(rc.change.after_unknown ?? {})) {
      const nested = unknown !== true && JSON.stringify(unknown ?? false).includes("true");
      if (unknown !== true && !nested) continue;
      if (fill && key in fill && fill[key] !== null && fill[key] !== undefined) {
        values[key] = fill[key];
        placeholders.add(key);
      } else if (unknown === true) values[key] = UNKNOWN;
    }
  }
  return { values, placeholders };
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Customer-managed policies (aws_iam_policy) of one side of a plan. */
export function managedPoliciesOf(plan: PlanJson, side: Side, resolved?: RolesOptions["resolved"]): ManagedPolicy[] {
  const out: ManagedPolicy[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== "aws_iam_policy") continue;
    const v = valuesOf(rc, side, resolved)?.values;
    if (!v) continue;
    out.push({ address: rc.address, arn: str(v.arn), name: str(v.name), path: str(v.path), document: v.policy === UNKNOWN ? undefined : v.policy });
  }
  return out;
}

/** The managed policy an ARN names: same ARN, else same path and name (ARNs of new policies are placeholders). */
function findPolicy(arn: string, policies: readonly ManagedPolicy[]): ManagedPolicy | undefined {
  const m = /^arn:[^:]+:iam::[^:]*:policy(\/.*\/|\/)([^/]+)$/.exec(arn);
  return policies.find((p) => p.arn === arn) ?? (m ? policies.find((p) => p.name === m[2] && (p.path ?? "/") === m[1]) : undefined);
}

function managedSource(arn: string, policies: readonly ManagedPolicy[], via: string): PolicySource {
  const found = findPolicy(arn, policies);
  if (found?.document !== undefined) return { source: `${found.address} (${via})`, document: found.document };
  if (found) return { source: `${found.address} (${via})`, opaque: `policy ${arn} known only after apply` };
  return { source: via, opaque: `managed policy ${arn}, not in this plan` };
}

interface Draft {
  address?: string;
  boundaryArn?: string | typeof UNKNOWN;
  identity: PolicySource[];
  placeholders: boolean;
  addresses: Set<string>;
}

/** Every role of one side of a plan with its policies, by role name. */
export function rolesOf(plan: PlanJson, side: Side, options: RolesOptions = {}): Map<string, RoleOfPlan> {
  const policies = [...managedPoliciesOf(plan, side, options.resolved), ...(options.external ?? [])];
  const drafts = new Map<string, Draft>();
  const draft = (role: unknown, address: string): Draft => {
    const name =
      role === UNKNOWN || typeof role !== "string" || role === "" ? `(role of ${address}, known only after apply)` : role.replace(/^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?/, "");
    if (!drafts.has(name)) drafts.set(name, { identity: [], placeholders: false, addresses: new Set() });
    const d = drafts.get(name)!;
    d.addresses.add(address);
    return d;
  };
  const document = (d: Draft, source: string, doc: unknown): void => {
    d.identity.push(doc === UNKNOWN ? { source, opaque: `policy document of ${source} known only after apply` } : { source, document: doc });
  };
  for (const rc of plan.resource_changes ?? []) {
    const read = valuesOf(rc, side, options.resolved);
    if (!read) continue;
    const { values: v, placeholders } = read;
    switch (rc.type) {
      case "aws_iam_role": {
        const d = draft(v.name, rc.address);
        d.address = rc.address;
        d.placeholders ||= placeholders.size > 0;
        if (v.permissions_boundary === UNKNOWN || str(v.permissions_boundary)) d.boundaryArn = v.permissions_boundary;
        for (const p of Array.isArray(v.inline_policy) ? v.inline_policy : []) if (str(p?.policy)) document(d, `${rc.address} inline_policy["${p.name}"]`, p.policy);
        for (const arn of Array.isArray(v.managed_policy_arns) ? v.managed_policy_arns : []) d.identity.push(managedSource(arn, policies, `${rc.address} managed_policy_arns`));
        break;
      }
      case "aws_iam_role_policy": {
        const d = draft(v.role, rc.address);
        d.placeholders ||= placeholders.has("policy");
        document(d, rc.address, v.policy);
        break;
      }
      case "aws_iam_role_policy_attachment":
      case "aws_iam_policy_attachment": {
        const roles = rc.type === "aws_iam_role_policy_attachment" ? [v.role] : Array.isArray(v.roles) ? v.roles : [];
        for (const role of roles) {
          const d = draft(role, rc.address);
          d.identity.push(
            v.policy_arn === UNKNOWN
              ? { source: rc.address, opaque: `policy ARN of ${rc.address} known only after apply` }
              : managedSource(String(v.policy_arn), policies, rc.address),
          );
        }
        break;
      }
    }
  }
  const out = new Map<string, RoleOfPlan>();
  for (const [role, d] of drafts) {
    const arn = d.boundaryArn;
    const boundary: PolicySource | undefined =
      arn === undefined ? undefined : arn === UNKNOWN ? { source: "permissions_boundary", opaque: "boundary ARN known only after apply" } : boundarySource(arn, policies);
    out.set(role, {
      role,
      ...(d.address ? { address: d.address } : {}),
      ...(typeof arn === "string" ? { boundaryArn: arn } : {}),
      identity: d.identity,
      ...(boundary ? { boundary } : {}),
      placeholders: d.placeholders,
      addresses: [...d.addresses],
    });
  }
  return out;
}

function boundarySource(arn: string, policies: readonly ManagedPolicy[]): PolicySource {
  const found = findPolicy(arn, policies);
  if (found?.document !== undefined) return { source: found.address, document: found.document };
  return {
    source: "permissions_boundary",
    opaque: found ? `boundary ${arn} known only after apply` : `boundary ${arn} is not in this plan (external): grants shown before it cuts them`,
  };
}
