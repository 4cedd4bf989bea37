// A Terraform state (format v4) that looks as if a plan had been applied, built without cloud access.
//
// A plan from empty state knows every configured value but not what AWS assigns (id, arn, ...). The state takes the
// plan's `after` values, fills every unknown with a deterministic fake of the right type (fake-values.ts), resolves
// `${type.name.attr}` references of the configuration against those fakes, and records each resource type's schema
// version. Planning a configuration against it with `-refresh=false` makes terraform itself classify each change as
// update or replace (replace_paths, actions ["delete","create"]).
//
// `refineState` is the fixpoint step: references that this module cannot evaluate (functions, jsonencode, ...)
// are evaluated by terraform in a plan of the same configuration against the state; the known values of that plan
// are folded back into the state until the plan is empty.
import type { PlanJson, ResourceChangeJson, StateInstanceV4, StateResourceV4, StateV4 } from "../lib/terraform-json";
import type { FakeContext } from "./fake-values";
import { FAKE_ACCOUNT } from "./fake-values";
import type { StateFromPlanOptions, Pending, InstanceDraft } from "./state-drafts";
import { Filler } from "./state-filler";
import { configOf, resolvePending, resolveValue } from "./config-references";
import { assemble, outputsOf, ctyTypeOf, regionOf, sensitivePaths } from "./state-file";

export type { Path, StateFromPlanOptions } from "./state-drafts";

/**
 * Planned attribute values of every managed resource instance of `plan`, by address, with unknowns filled (resolved
 * references of the configuration, else fakes). The IAM diff uses them to read a policy document whose ARNs are
 * known only after apply.
 */
export function plannedAttributes(plan: PlanJson, options: StateFromPlanOptions): Map<string, Record<string, any>> {
  const drafts = draftsOf(plan, options);
  return new Map([...drafts.values()].map((d) => [d.rc.address, d.attributes]));
}

export function draftsOf(plan: PlanJson, options: StateFromPlanOptions): Map<string, InstanceDraft> {
  const drafts = new Map<string, InstanceDraft>();
  const pending: Pending[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed" || rc.deposed) continue;
    if (rc.change.actions.length === 1 && rc.change.actions[0] === "delete") continue;
    const key = instanceKey(rc);
    const ctx = makeContext(plan, rc, options);
    const schema = options.schemas[rc.provider_name]?.[rc.type];
    const configBody = configOf(options.config, rc);
    const filler = new Filler(ctx, undefined, configBody, (path, template, type) => pending.push({ key, path, template, type }));
    drafts.set(key, { key, rc, attributes: filler.block(rc.change.after ?? {}, rc.change.after_unknown, schema?.block, []) });
  }
  resolvePending(drafts, pending);
  return drafts;
}

/** Builds the state that applying `plan` (a plan from empty state, or any plan) would leave, with fakes for unknowns. */
export function stateFromPlan(plan: PlanJson, options: StateFromPlanOptions): StateV4 {
  const drafts = draftsOf(plan, options);
  const state = assemble(plan, drafts, options);
  // Outputs unknown in the plan (references to ids, ARNs ...) are resolved the same way, so that a plan of the
  // same configuration against this state has no output changes either.
  for (const [name, output] of Object.entries<any>(options.config?.output ?? {})) {
    if (state.outputs[name] || output?.value === undefined) continue;
    const resolved = resolveValue(output.value, drafts);
    if (resolved.ok && resolved.value !== null && resolved.value !== undefined) {
      state.outputs[name] = { value: resolved.value, type: ctyTypeOf(resolved.value), ...(output.sensitive ? { sensitive: true } : {}) };
    }
  }
  return state;
}

/**
 * One fixpoint step: folds the known planned values of `plan` (a plan of the configuration against `state`) into the
 * state. Unknown values keep the state's value (or get a fake). Returns the new state and how many instances changed.
 */
export function refineState(state: StateV4, plan: PlanJson, options: StateFromPlanOptions): { state: StateV4; changed: number } {
  const next: StateV4 = JSON.parse(JSON.stringify(state));
  const byKey = new Map<string, { resource: StateResourceV4; instance: StateInstanceV4 }>();
  for (const resource of next.resources) {
    for (const instance of resource.instances) byKey.set(stateKey(resource, instance.index_key), { resource, instance });
  }
  let changed = 0;
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed" || rc.deposed) continue;
    const actions = rc.change.actions;
    if (actions.includes("no-op") || actions.includes("read") || (actions.length === 1 && actions[0] === "delete")) continue;
    const found = byKey.get(instanceKey(rc));
    if (!found) continue;
    const ctx = makeContext(plan, rc, options);
    const schema = options.schemas[rc.provider_name]?.[rc.type];
    const filler = new Filler(ctx, found.instance.attributes, undefined, () => undefined);
    const attributes = filler.block(rc.change.after ?? {}, rc.change.after_unknown, schema?.block, []);
    const sensitive = sensitivePaths(rc.change.after_sensitive);
    if (JSON.stringify(attributes) !== JSON.stringify(found.instance.attributes) || JSON.stringify(sensitive) !== JSON.stringify(found.instance.sensitive_attributes)) {
      found.instance.attributes = attributes;
      found.instance.sensitive_attributes = sensitive;
      changed += 1;
    }
  }
  const outputs = outputsOf(plan);
  if (JSON.stringify(outputs) !== JSON.stringify(next.outputs)) next.outputs = outputs;
  next.serial += 1;
  return { state: next, changed };
}

/** Address of a resource instance without module prefix handling quirks: module.x.type.name[index]. */
export function instanceKey(rc: Pick<ResourceChangeJson, "module_address" | "type" | "name" | "index">): string {
  const base = `${rc.module_address ? `${rc.module_address}.` : ""}${rc.type}.${rc.name}`;
  return rc.index === undefined ? base : `${base}[${JSON.stringify(rc.index)}]`;
}

export function stateKey(resource: StateResourceV4, index: string | number | undefined): string {
  return instanceKey({ module_address: resource.module, type: resource.type, name: resource.name, index });
}

export function makeContext(plan: PlanJson, rc: ResourceChangeJson, options: StateFromPlanOptions): FakeContext {
  return {
    type: rc.type,
    address: rc.address,
    after: rc.change.after ?? {},
    region: regionOf(plan, rc, options.defaultRegion ?? "us-east-1"),
    account: options.account ?? FAKE_ACCOUNT,
  };
}
