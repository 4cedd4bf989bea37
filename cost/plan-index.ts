/** The planned resources of a `terraform show -json` plan, indexed by type and linked through the configuration's references. */
import type { ConfigModuleJson, PlanJson, ValuesModuleJson } from "../lib/terraform-json";

// Planned attribute values are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned values are whatever the provider schema says; readers narrow them per attribute
export type Attrs = Record<string, any>;

export interface PlanResource {
  readonly address: string;
  /** Address without an instance key (`aws_x.y[0]` → `aws_x.y`). */
  readonly base: string;
  readonly type: string;
  readonly values: Attrs;
}

const stripIndex = (address: string): string => address.replace(/\[[^\]]*\]$/, "");

function plannedResources(plan: PlanJson): PlanResource[] {
  const out: PlanResource[] = [];
  const root = plan.planned_values?.root_module;
  if (root !== undefined) {
    const walk = (m: ValuesModuleJson): void => {
      for (const r of m.resources ?? []) {
        if ((r.mode ?? "managed") !== "managed") continue;
        out.push({ address: r.address, base: stripIndex(r.address), type: r.type, values: r.values ?? {} });
      }
      for (const child of m.child_modules ?? []) walk(child);
    };
    walk(root);
    return out;
  }
  for (const rc of plan.resource_changes ?? []) {
    if ((rc.mode ?? "managed") !== "managed") continue;
    const after = rc.change.after;
    if (after === null || after === undefined) continue; // deleted
    out.push({ address: rc.address, base: stripIndex(rc.address), type: rc.type, values: after });
  }
  return out;
}

const REFERENCE = /^([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/;

export class PlanIndex {
  readonly resources: PlanResource[];
  private readonly byBase = new Map<string, PlanResource[]>();
  private readonly byType = new Map<string, PlanResource[]>();
  /** base address → top-level attribute → referenced resource base addresses */
  private readonly references = new Map<string, Map<string, string[]>>();

  constructor(plan: PlanJson) {
    this.resources = plannedResources(plan);
    for (const r of this.resources) {
      this.byBase.set(r.base, [...(this.byBase.get(r.base) ?? []), r]);
      this.byType.set(r.type, [...(this.byType.get(r.type) ?? []), r]);
    }
    const walk = (m: ConfigModuleJson | undefined, prefix: string): void => {
      for (const r of m?.resources ?? []) {
        if ((r.mode ?? "managed") !== "managed") continue;
        const attrs = new Map<string, string[]>();
        for (const [attr, expr] of Object.entries(r.expressions ?? {})) {
          const refs = Array.isArray(expr?.references) ? (expr.references as string[]) : [];
          const targets = refs
            .map((ref) => REFERENCE.exec(ref))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => `${prefix}${m[1]}.${m[2]}`);
          if (targets.length > 0) attrs.set(attr, [...new Set(targets)]);
        }
        this.references.set(`${prefix}${r.address}`, attrs);
      }
      for (const [name, call] of Object.entries(m?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
    };
    walk(plan.configuration?.root_module, "");
  }

  ofType(type: string): PlanResource[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * Resources of `type` that attribute `attr` of `r` points at: through the configuration's references
   * (values unknown until apply), else by a known value equal to the target's `matchAttr` (e.g. an ARN).
   */
  linked(r: PlanResource, attr: string, type: string, matchAttr = "arn"): PlanResource[] {
    const viaConfig = (this.references.get(r.base)?.get(attr) ?? []).flatMap((base) => this.byBase.get(base) ?? []).filter((t) => t.type === type);
    if (viaConfig.length > 0) return viaConfig;
    const raw = r.values[attr];
    const wanted = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string" && v !== "");
    if (wanted.length === 0) return [];
    return this.ofType(type).filter((t) => wanted.includes(t.values[matchAttr]));
  }

  /** Resources of `type` whose attribute `attr` points at `target`. */
  linking(target: PlanResource, type: string, attrs: readonly string[], matchAttr = "arn"): PlanResource[] {
    return this.ofType(type).filter((r) => attrs.some((a) => this.linked(r, a, target.type, matchAttr).includes(target)));
  }
}
