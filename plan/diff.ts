// What a plan changes, resource by resource and attribute by attribute, with sensitive values masked.
import type { ChangeJson, PlanJson, ResourceChangeJson } from "../lib/terraform-json";

/** Shown instead of a sensitive value (before_sensitive/after_sensitive of the plan). Never the value itself. */
export const SENSITIVE = "(sensitive value)";
/** Shown for a value known only after apply (after_unknown). */
export const UNKNOWN = "(known after apply)";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "no-op" | "forget";

/**
 * Resource types whose destruction loses data (or the key to it): a destroy or replace of one of them gets a loud
 * section in the report and fails the run with --fail-on-stateful-destroy.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  "aws_dynamodb_table",
  "aws_rds_cluster",
  "aws_rds_cluster_instance",
  "aws_db_instance",
  "aws_s3_bucket",
  "aws_cognito_user_pool",
  "aws_kinesis_stream",
  "aws_kms_key",
  "aws_cloudwatch_log_group",
  "aws_secretsmanager_secret",
]);

export interface AttributeDiff {
  /** e.g. `hash_key`, `attribute[0].name`, `environment[0].variables.LOG_LEVEL`. */
  readonly path: string;
  /** Display value: the JSON value, SENSITIVE, or undefined when absent. */
  readonly before: unknown;
  /** Display value: the JSON value, SENSITIVE, UNKNOWN, or undefined when absent. */
  readonly after: unknown;
  readonly sensitive: boolean;
  readonly unknown: boolean;
  /** Terraform listed this path (or a parent) in replace_paths. */
  readonly forcesReplacement: boolean;
  /** A list compared as a set: `before` holds the elements removed, `after` the elements added. */
  readonly set?: boolean;
}

export interface ResourceDiff {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly kind: ChangeKind;
  readonly actions: readonly string[];
  /** Terraform's action_reason (replace_because_cannot_update, delete_because_no_resource_config, ...). */
  readonly actionReason?: string;
  /** Paths that force replacement, as Terraform reported them (replace_paths). */
  readonly replacePaths: readonly string[];
  /** Changed attributes of an update or replace (creates and deletes list none). */
  readonly attributes: readonly AttributeDiff[];
  /** Attributes the configuration does not set that become "known after apply" (ids, ARNs ... of a replacement). */
  readonly computedAfterApply: number;
  readonly stateful: boolean;
  /** Set when the kind is a best guess (no replacement detection for this change). */
  readonly uncertain?: string;
}

export interface OutputDiff {
  readonly name: string;
  readonly kind: ChangeKind;
  readonly before: unknown;
  readonly after: unknown;
}

export interface Counts {
  add: number;
  change: number;
  replace: number;
  destroy: number;
}

export interface PlanDiff {
  readonly counts: Counts;
  /** Every resource change other than no-op and read, in plan order. */
  readonly resources: readonly ResourceDiff[];
  readonly outputs: readonly OutputDiff[];
}

/** The kind of a change from its actions (["delete","create"] and ["create","delete"] are replacements). */
export function kindOf(actions: readonly string[]): ChangeKind {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.length === 1 && ["create", "update", "delete", "read", "no-op", "forget"].includes(actions[0])) return actions[0] as ChangeKind;
  return "update";
}

export const emptyCounts = (): Counts => ({ add: 0, change: 0, replace: 0, destroy: 0 });

export function addCounts(a: Counts, b: Counts): Counts {
  return { add: a.add + b.add, change: a.change + b.change, replace: a.replace + b.replace, destroy: a.destroy + b.destroy };
}

export const hasChanges = (d: Pick<PlanDiff, "resources" | "outputs">): boolean => d.resources.length > 0 || d.outputs.length > 0;

/** Summarizes a plan (`terraform show -json`): counts, changed resources with changed attributes, changed outputs. */
export function diffPlan(plan: PlanJson, options: { uncertain?: string } = {}): PlanDiff {
  const counts = emptyCounts();
  const expressions = configExpressions(plan);
  const resources: ResourceDiff[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const kind = kindOf(rc.change.actions);
    if (kind === "no-op" || kind === "read") continue;
    if (kind === "create") counts.add += 1;
    else if (kind === "update") counts.change += 1;
    else if (kind === "replace") counts.replace += 1;
    else if (kind === "delete") counts.destroy += 1;
    resources.push(resourceDiff(rc, kind, options.uncertain, expressions.get(configAddressOf(rc))));
  }
  const outputs: OutputDiff[] = [];
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    const kind = kindOf(change.actions);
    if (kind === "no-op" || kind === "read") continue;
    outputs.push({
      name,
      kind,
      before: display(change.before, change.before_sensitive),
      after: change.after_unknown === true ? UNKNOWN : display(change.after, change.after_sensitive),
    });
  }
  return { counts, resources, outputs };
}

function resourceDiff(rc: ResourceChangeJson, kind: ChangeKind, uncertain: string | undefined, expressions: Record<string, any> | undefined): ResourceDiff {
  const replacePaths = (rc.change.replace_paths ?? []).map(formatPath);
  const all = kind === "update" || kind === "replace" ? attributeDiffs(rc.change, expressions) : [];
  const attributes = all.filter((a) => !a.computed);
  return {
    address: rc.address,
    type: rc.type,
    name: rc.name,
    kind,
    actions: rc.change.actions,
    ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
    replacePaths,
    attributes: attributes.map(({ computed: _computed, ...a }) => a),
    computedAfterApply: all.length - attributes.length,
    stateful: STATEFUL_TYPES.has(rc.type),
    ...(uncertain && kind === "update" ? { uncertain } : {}),
  };
}

/**
 * Changed leaves between before and after, masked where either side is sensitive. With the resource's configuration
 * expressions, a leaf that becomes unknown without being configured is flagged `computed` (AWS assigns it).
 */
export function attributeDiffs(change: ChangeJson, expressions?: Record<string, any>): Array<AttributeDiff & { computed?: boolean }> {
  const out: Array<AttributeDiff & { computed?: boolean }> = [];
  const replace = (change.replace_paths ?? []).map((p) => p.map(String));
  const walk = (before: any, after: any, bs: any, as: any, au: any, path: Array<string | number>): void => {
    const forces = replace.some((rp) => rp.length <= path.length && rp.every((s, i) => String(path[i]) === s));
    const masked = (v: unknown): unknown => (v === null || v === undefined ? v : SENSITIVE);
    if (bs === true || as === true) {
      // A sensitive value is compared, never shown.
      if (!equivalent(before, after) || au === true || containsTrue(au)) {
        out.push({
          path: formatPath(path),
          before: masked(before),
          after: au === true ? UNKNOWN : masked(after),
          sensitive: true,
          unknown: au === true,
          forcesReplacement: forces,
        });
      }
      return;
    }
    const partlySensitive = containsTrue(bs) || containsTrue(as);
    if (au === true) {
      const computed = expressions !== undefined && !isConfigured(expressions, path);
      out.push({
        path: formatPath(path),
        before: partlySensitive ? masked(before) : before,
        after: UNKNOWN,
        sensitive: partlySensitive,
        unknown: true,
        forcesReplacement: forces,
        ...(computed ? { computed } : {}),
      });
      return;
    }
    if (equivalent(before, after) && !containsTrue(au)) return;
    if (isObject(before ?? {}) && isObject(after ?? {}) && (isObject(before) || isObject(after))) {
      const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {}), ...Object.keys(isObject(au) ? au : {})]);
      for (const k of [...keys].sort()) walk(before?.[k], after?.[k], bs?.[k], as?.[k], au?.[k], [...path, k]);
      return;
    }
    if (Array.isArray(before) && Array.isArray(after) && !partlySensitive && !containsTrue(au)) {
      // Sets (DynamoDB attribute definitions, tags lists ...) come sorted: one new element shifts every index after it.
      // When elements only moved, show which were removed and which were added instead of index-by-index noise.
      const b = before.map(stableStringify);
      const a = after.map(stableStringify);
      if (a.some((k, i) => k !== b[i] && b.includes(k))) {
        out.push({
          path: formatPath(path),
          before: before.filter((_, i) => !a.includes(b[i])),
          after: after.filter((_, i) => !b.includes(a[i])),
          sensitive: false,
          unknown: false,
          forcesReplacement: forces,
          set: true,
        });
        return;
      }
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
      for (let i = 0; i < after.length; i++) walk(before[i], after[i], bs?.[i], as?.[i], au?.[i], [...path, i]);
      return;
    }
    if (partlySensitive) {
      out.push({ path: formatPath(path), before: masked(before), after: masked(after), sensitive: true, unknown: false, forcesReplacement: forces });
      return;
    }
    out.push({ path: formatPath(path), before, after, sensitive: false, unknown: false, forcesReplacement: forces });
  };
  walk(change.before, change.after, change.before_sensitive, change.after_sensitive, change.after_unknown, []);
  return out;
}

/** Configuration expressions (plan.configuration) by resource address without index. */
function configExpressions(plan: PlanJson): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  for (const r of plan.configuration?.root_module?.resources ?? []) out.set(r.address, r.expressions ?? {});
  for (const [name, call] of Object.entries(plan.configuration?.root_module?.module_calls ?? {})) {
    for (const r of call.module?.resources ?? []) out.set(`module.${name}.${r.address}`, r.expressions ?? {});
  }
  return out;
}

const configAddressOf = (rc: ResourceChangeJson): string => `${rc.module_address ? `${rc.module_address}.` : ""}${rc.type}.${rc.name}`;

/** Whether the configuration sets the value at `path` (expressions mirror blocks as lists of objects). */
export function isConfigured(expressions: Record<string, any>, path: ReadonlyArray<string | number>): boolean {
  let cur: any = expressions;
  for (const step of path) {
    if (cur === null || cur === undefined) return false;
    if (typeof cur === "object" && !Array.isArray(cur) && ("references" in cur || "constant_value" in cur)) return true;
    if (typeof step === "number") cur = Array.isArray(cur) ? (cur[step] ?? cur[0]) : cur;
    else cur = Array.isArray(cur) ? cur[0]?.[step] : cur[step];
  }
  return cur !== undefined && cur !== null;
}

/** `a.b[0].c` from ["a","b",0,"c"]. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(step)) out += out === "" ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** A whole value for display, SENSITIVE when any part is sensitive. */
export function display(value: unknown, sensitive: unknown): unknown {
  if (containsTrue(sensitive)) return value === null || value === undefined ? value : SENSITIVE;
  return value;
}

export function containsTrue(tree: unknown): boolean {
  if (tree === true) return true;
  if (Array.isArray(tree)) return tree.some(containsTrue);
  if (tree && typeof tree === "object") return Object.values(tree).some(containsTrue);
  return false;
}

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Equal, treating null, absent, [] and {} alike (Terraform shows no change between them either). */
export function equivalent(a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean => v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  return stableStringify(a) === stableStringify(b);
}

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/**
 * Drops from `plan` every resource change identical to one of `residual` (a plan of the base configuration against the
 * same synthetic state): what the base itself would change is not a difference between base and head.
 */
export function subtractResidual(plan: PlanJson, residual: PlanJson | undefined): { plan: PlanJson; ignored: string[] } {
  if (!residual) return { plan, ignored: [] };
  const base = new Map<string, string>();
  for (const rc of residual.resource_changes ?? []) {
    if (kindOf(rc.change.actions) !== "no-op") base.set(rc.address, changeSignature(rc.change));
  }
  const ignored: string[] = [];
  const resource_changes = (plan.resource_changes ?? []).map((rc) => {
    if (kindOf(rc.change.actions) === "no-op" || base.get(rc.address) !== changeSignature(rc.change)) return rc;
    ignored.push(rc.address);
    return { ...rc, change: { ...rc.change, actions: ["no-op" as const] } };
  });
  const output_changes: Record<string, ChangeJson> = {};
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    const r = residual.output_changes?.[name];
    output_changes[name] = r && changeSignature(r) === changeSignature(change) ? { ...change, actions: ["no-op"] } : change;
  }
  return { plan: { ...plan, resource_changes, output_changes }, ignored };
}

function changeSignature(c: ChangeJson): string {
  return stableStringify([c.actions, c.before, c.after, c.after_unknown ?? null]);
}

/** `unknown` without the paths that are also unknown in `other`. */
function dropShared(unknown: any, other: any): any {
  if (unknown === true) return other === true ? false : true;
  if (Array.isArray(unknown)) return unknown.map((u, i) => dropShared(u, Array.isArray(other) ? other[i] : undefined));
  if (unknown && typeof unknown === "object") {
    const out: Record<string, any> = {};
    for (const [k, u] of Object.entries(unknown)) out[k] = dropShared(u, other && typeof other === "object" ? other[k] : undefined);
    return out;
  }
  return unknown;
}

/**
 * Fallback without replacement detection: resource changes between two plans from empty state (base and head),
 * built from their planned values. Changed resources are "update" with `uncertain` set by diffPlan's caller.
 */
export function structuralPlan(base: PlanJson | undefined, head: PlanJson): PlanJson {
  const index = (p: PlanJson | undefined): Map<string, ResourceChangeJson> =>
    new Map((p?.resource_changes ?? []).filter((rc) => rc.mode === "managed" && !rc.deposed).map((rc) => [rc.address, rc]));
  const b = index(base);
  const h = index(head);
  const changes: ResourceChangeJson[] = [];
  for (const [address, rc] of h) {
    const old = b.get(address);
    if (!old) {
      changes.push({ ...rc, change: { ...rc.change, actions: ["create"], before: null, before_sensitive: false } });
      continue;
    }
    const same = stableStringify([old.change.after, old.change.after_unknown ?? null]) === stableStringify([rc.change.after, rc.change.after_unknown ?? null]);
    changes.push({
      ...rc,
      change: {
        actions: same ? ["no-op"] : ["update"],
        before: old.change.after,
        after: rc.change.after,
        // Unknown on both sides (an ARN of a resource to be created, in both plans) is no difference.
        after_unknown: dropShared(rc.change.after_unknown, old.change.after_unknown),
        before_sensitive: old.change.after_sensitive,
        after_sensitive: rc.change.after_sensitive,
      },
    });
  }
  for (const [address, rc] of b) {
    if (!h.has(address))
      changes.push({ ...rc, change: { actions: ["delete"], before: rc.change.after, after: null, before_sensitive: rc.change.after_sensitive, after_sensitive: false } });
  }
  return {
    format_version: head.format_version,
    terraform_version: head.terraform_version,
    resource_changes: changes,
    output_changes: {},
    planned_values: head.planned_values,
    configuration: head.configuration,
  };
}
