// Assembling the state file (format v4) from the drafts: resources, instances, providers, schema versions, outputs.
import type { PlanJson, ResourceChangeJson, StateResourceV4, StateV4 } from "../lib/terraform-json";
import { fakeUuid } from "./fake-values";
import { mapValues } from "./state-drafts";
import type { StateFromPlanOptions, InstanceDraft } from "./state-drafts";

export function assemble(plan: PlanJson, drafts: Map<string, InstanceDraft>, options: StateFromPlanOptions): StateV4 {
  const resources = new Map<string, StateResourceV4>();
  const providers = providerAddresses(plan);
  for (const draft of drafts.values()) {
    const rc = draft.rc;
    const rkey = `${rc.module_address ?? ""}|${rc.type}|${rc.name}`;
    let resource = resources.get(rkey);
    if (!resource) {
      resource = {
        ...(rc.module_address ? { module: rc.module_address } : {}),
        mode: "managed",
        type: rc.type,
        name: rc.name,
        ...(rc.index === undefined ? {} : { each: typeof rc.index === "number" ? ("list" as const) : ("map" as const) }),
        provider: providers.get(configAddress(rc)) ?? `provider["${rc.provider_name}"]`,
        instances: [],
      };
      resources.set(rkey, resource);
    }
    resource.instances.push({
      ...(rc.index === undefined ? {} : { index_key: rc.index }),
      schema_version: options.schemas[rc.provider_name]?.[rc.type]?.version ?? configSchemaVersion(plan, rc) ?? 0,
      attributes: draft.attributes,
      sensitive_attributes: sensitivePaths(rc.change.after_sensitive),
    });
  }
  // Terraform's own order (statefile normalize): module, mode, type, name, compared as plain strings.
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...resources.values()].sort((a, b) => cmp(a.module ?? "", b.module ?? "") || cmp(a.type, b.type) || cmp(a.name, b.name));
  return {
    version: 4,
    terraform_version: plan.terraform_version ?? "1.11.4",
    serial: 1,
    lineage: fakeUuid("lineage", ...sorted.map((r) => `${r.type}.${r.name}`)),
    outputs: outputsOf(plan),
    resources: sorted,
    check_results: null,
  };
}

/** Root outputs with known values from the plan, typed for the state file. */
export function outputsOf(plan: PlanJson): StateV4["outputs"] {
  const out: StateV4["outputs"] = {};
  for (const [name, o] of Object.entries(plan.planned_values?.outputs ?? {})) {
    const change = plan.output_changes?.[name];
    if (change?.after_unknown === true || !("value" in o) || o.value === null || o.value === undefined) continue;
    out[name] = { value: o.value, type: ctyTypeOf(o.value), ...(o.sensitive ? { sensitive: true } : {}) };
  }
  return out;
}

/** The cty type of a JSON value as Terraform writes it in a state's outputs. */
export function ctyTypeOf(value: any): any {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(ctyTypeOf)];
  if (value && typeof value === "object") return ["object", mapValues(value, ctyTypeOf)];
  return "dynamic";
}

export function configAddress(rc: ResourceChangeJson): string {
  return `${rc.module_address ? `${rc.module_address}.` : ""}${rc.type}.${rc.name}`;
}

export function configResources(plan: PlanJson): Array<{ module?: string; r: any }> {
  const out: Array<{ module?: string; r: any }> = [];
  for (const r of plan.configuration?.root_module?.resources ?? []) out.push({ r });
  for (const [name, call] of Object.entries(plan.configuration?.root_module?.module_calls ?? {})) {
    for (const r of call.module?.resources ?? []) out.push({ module: `module.${name}`, r });
  }
  return out;
}

/** Config address -> provider address as a state writes it: provider["registry.terraform.io/hashicorp/aws"](.alias). */
export function providerAddresses(plan: PlanJson): Map<string, string> {
  const out = new Map<string, string>();
  const configs = plan.configuration?.provider_config ?? {};
  for (const { module, r } of configResources(plan)) {
    const key: string | undefined = r.provider_config_key;
    const pc = key ? configs[key] : undefined;
    if (!pc?.full_name) continue;
    const modulePrefix = module ? `${module}.` : "";
    out.set(`${modulePrefix}${r.type}.${r.name}`, `${modulePrefix}provider["${pc.full_name}"]${pc.alias ? `.${pc.alias}` : ""}`);
  }
  return out;
}

export function configSchemaVersion(plan: PlanJson, rc: ResourceChangeJson): number | undefined {
  const addr = configAddress(rc);
  return configResources(plan).find(({ module, r }) => `${module ? `${module}.` : ""}${r.type}.${r.name}` === addr)?.r.schema_version;
}

/** The provider's region when configured as a constant (offline stacks always are). */
export function regionOf(plan: PlanJson, rc: ResourceChangeJson, fallback: string): string {
  const configs: Record<string, any> = plan.configuration?.provider_config ?? {};
  const res = configResources(plan).find(({ module, r }) => `${module ? `${module}.` : ""}${r.type}.${r.name}` === configAddress(rc));
  const pc = configs[res?.r.provider_config_key ?? "aws"] ?? Object.values(configs)[0];
  const region = pc?.expressions?.region?.constant_value;
  return typeof region === "string" ? region : fallback;
}

/**
 * Sensitive paths as a v4 state records them (`sensitive_attributes`): one list of steps per path, a step being
 * {type: "get_attr", value: name} or {type: "index", value: {value, type}}. Without them terraform plans an update
 * for every resource with a sensitive attribute (the prior value would lack the sensitive mark the plan carries).
 */
export function sensitivePaths(tree: any, path: Array<{ type: string; value: any }> = []): Array<Array<{ type: string; value: any }>> {
  if (tree === true) return path.length > 0 ? [path] : [];
  const out: Array<Array<{ type: string; value: any }>> = [];
  if (Array.isArray(tree)) tree.forEach((t, i) => out.push(...sensitivePaths(t, [...path, { type: "index", value: { value: i, type: "number" } }])));
  else if (tree && typeof tree === "object") {
    // Attributes of resources, objects and blocks are get_attr steps. (A sensitive element of a map would be an index
    // step; the plan's sensitivity tree does not tell maps from objects, and providers mark whole maps anyway.)
    for (const [k, t] of Object.entries(tree)) out.push(...sensitivePaths(t, [...path, { type: "get_attr", value: k }]));
  }
  return out;
}
