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
import type { FakeContext } from "./fake-values";
import { FAKE_ACCOUNT, fakeString, fakeUuid } from "./fake-values";
import type { ChangeJson, PlanJson, ResourceChangeJson, ResourceSchemas, SchemaAttribute, SchemaBlock, StateInstanceV4, StateResourceV4, StateV4 } from "./types";

export type Path = ReadonlyArray<string | number>;

export interface StateFromPlanOptions {
  /** Resource schemas (versions and types), from `terraform providers schema -json`. */
  readonly schemas: ResourceSchemas;
  /** The configuration the plan came from (cdk.tf.json, parsed): resolves simple references between resources. */
  readonly config?: any;
  /** Account of fake ARNs. @default 123456789012 */
  readonly account?: string;
  /** Region of fake ARNs when the provider configuration has no constant region. @default us-east-1 */
  readonly defaultRegion?: string;
}

interface Pending {
  readonly key: string;
  readonly path: Path;
  readonly template: unknown;
  readonly type: any;
}

interface InstanceDraft {
  readonly key: string;
  readonly rc: ResourceChangeJson;
  attributes: Record<string, any>;
}

/**
 * Planned attribute values of every managed resource instance of `plan`, by address, with unknowns filled (resolved
 * references of the configuration, else fakes). The IAM diff uses them to read a policy document whose ARNs are
 * known only after apply.
 */
export function plannedAttributes(plan: PlanJson, options: StateFromPlanOptions): Map<string, Record<string, any>> {
  const drafts = draftsOf(plan, options);
  return new Map([...drafts.values()].map((d) => [d.rc.address, d.attributes]));
}

function draftsOf(plan: PlanJson, options: StateFromPlanOptions): Map<string, InstanceDraft> {
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

function stateKey(resource: StateResourceV4, index: string | number | undefined): string {
  return instanceKey({ module_address: resource.module, type: resource.type, name: resource.name, index });
}

function makeContext(plan: PlanJson, rc: ResourceChangeJson, options: StateFromPlanOptions): FakeContext {
  return {
    type: rc.type,
    address: rc.address,
    after: rc.change.after ?? {},
    region: regionOf(plan, rc, options.defaultRegion ?? "us-east-1"),
    account: options.account ?? FAKE_ACCOUNT,
  };
}

/** "No known value" (distinct from a known null). */
const NONE: unique symbol = Symbol("none");

/** Walks planned values against the schema, replacing unknowns (prior value, then resolvable reference, then fake). */
class Filler {
  constructor(
    private readonly ctx: FakeContext,
    private readonly prior: any,
    private readonly config: any,
    private readonly onReference: (path: Path, template: unknown, type: any) => void,
  ) {}

  block(value: any, unknown: any, block: SchemaBlock | undefined, path: Path): Record<string, any> {
    const v = value && typeof value === "object" ? value : {};
    if (!block) return this.schemaless(v, unknown, path);
    const out: Record<string, any> = {};
    for (const [name, attr] of Object.entries(block.attributes ?? {})) {
      out[name] = this.attribute(v[name], unknown === true ? true : unknown?.[name], attr, [...path, name]);
    }
    for (const [name, nested] of Object.entries(block.block_types ?? {})) {
      const u = unknown === true ? true : unknown?.[name];
      const p = [...path, name];
      const raw = v[name];
      if (u === true) {
        out[name] = this.unknownNested(nested.nesting_mode, nested.block, p);
        continue;
      }
      switch (nested.nesting_mode) {
        case "list":
        case "set":
          out[name] = Array.isArray(raw) ? raw.map((e, i) => this.block(e, Array.isArray(u) ? u[i] : undefined, nested.block, [...p, i])) : [];
          break;
        case "map":
          out[name] = raw && typeof raw === "object" ? mapValues(raw, (e, k) => this.block(e, u?.[k], nested.block, [...p, k])) : {};
          break;
        default:
          out[name] = raw === null || raw === undefined ? (nested.nesting_mode === "group" ? this.block({}, undefined, nested.block, p) : null) : this.block(raw, u, nested.block, p);
      }
    }
    return out;
  }

  private attribute(value: any, unknown: any, attr: SchemaAttribute, path: Path): any {
    if (attr.nested_type) {
      if (unknown === true) {
        const known = this.unknownLeaf(undefined, path);
        if (known !== NONE) return known;
        const mode = attr.nested_type.nesting_mode;
        const computedOnly = attr.computed && !attr.optional;
        if (mode === "list" || mode === "set") return computedOnly ? [this.block({}, true, { attributes: attr.nested_type.attributes }, [...path, 0])] : [];
        return mode === "map" ? {} : computedOnly ? this.block({}, true, { attributes: attr.nested_type.attributes }, path) : null;
      }
      if (value === null || value === undefined) return null;
      const block: SchemaBlock = { attributes: attr.nested_type.attributes };
      switch (attr.nested_type.nesting_mode) {
        case "list":
        case "set":
          return (value as any[]).map((e, i) => this.block(e, Array.isArray(unknown) ? unknown[i] : undefined, block, [...path, i]));
        case "map":
          return mapValues(value, (e, k) => this.block(e, unknown?.[k], block, [...path, k]));
        default:
          return this.block(value, unknown, block, path);
      }
    }
    if (unknown === true && attr.computed && !attr.optional && isListOfObjects(attr.type)) {
      // A computed-only list of objects (aws_rds_cluster.master_user_secret) gets one element of fakes: configurations
      // index it (master_user_secret[0].secret_arn), and terraform rejects an index into an empty list.
      const known = this.unknownLeaf(attr.type, path);
      return known !== NONE ? known : [fakeOfType(attr.type[1], this.ctx, [...path, 0])];
    }
    return this.typed(value, unknown, attr.type ?? "dynamic", path);
  }

  private typed(value: any, unknown: any, type: any, path: Path): any {
    if (unknown === true) {
      const known = this.unknownLeaf(type, path);
      return known !== NONE ? known : fakeOfType(type, this.ctx, path);
    }
    if (value === null || value === undefined) return null;
    if (Array.isArray(type)) {
      const [kind, elem] = type;
      if ((kind === "list" || kind === "set") && Array.isArray(value)) return value.map((e, i) => this.typed(e, Array.isArray(unknown) ? unknown[i] : undefined, elem, [...path, i]));
      if (kind === "map" && typeof value === "object") return mapValues(value, (e, k) => this.typed(e, unknown?.[k], elem, [...path, k]));
      if (kind === "object" && typeof value === "object") {
        const out: Record<string, any> = {};
        for (const [k, t] of Object.entries<any>(elem)) out[k] = this.typed(value[k], unknown?.[k], t, [...path, k]);
        return out;
      }
      if (kind === "tuple" && Array.isArray(value)) return (elem as any[]).map((t, i) => this.typed(value[i], unknown?.[i], t, [...path, i]));
    }
    return value;
  }

  /** An unknown value: the prior state's value at that path (null included), else NONE (a fake; a reference of the configuration is resolved later). */
  private unknownLeaf(type: any, path: Path): any {
    if (this.prior !== undefined) {
      const prior = getAt(this.prior, path);
      if (prior !== undefined) return prior;
    }
    if (this.config !== undefined) {
      const configured = configAt(this.config, path);
      if (configured !== undefined && hasReference(configured)) this.onReference(path, configured, type);
    }
    return NONE;
  }

  private unknownNested(mode: string, block: SchemaBlock, path: Path): any {
    const prior = this.prior !== undefined ? getAt(this.prior, path) : undefined;
    if (prior !== undefined) return prior;
    if (mode === "list" || mode === "set") return [];
    if (mode === "map") return {};
    if (mode === "group") return this.block({}, true, block, path);
    return null;
  }

  /** Without a schema: keep known values, fake unknown top-level strings (id, arn) and null the rest. */
  private schemaless(value: Record<string, any>, unknown: any, path: Path): Record<string, any> {
    const out: Record<string, any> = { ...value };
    if (unknown && typeof unknown === "object") {
      for (const [k, u] of Object.entries(unknown)) {
        if (u !== true) continue;
        const known = this.unknownLeaf("string", [...path, k]);
        out[k] = known !== NONE ? known : k === "id" || k.endsWith("arn") ? fakeString(this.ctx, [...path, k]) : null;
      }
    }
    return out;
  }
}

const isListOfObjects = (type: any): boolean => Array.isArray(type) && (type[0] === "list" || type[0] === "set") && Array.isArray(type[1]) && type[1][0] === "object";

/** A fake of a cty type: strings by naming convention, 0, false, empty collections, objects of fakes. */
export function fakeOfType(type: any, ctx: FakeContext, path: Path): any {
  if (type === "string") return fakeString(ctx, path);
  if (type === "number" || type === "bool") return null;
  if (Array.isArray(type)) {
    const [kind, elem] = type;
    if (kind === "list" || kind === "set" || kind === "tuple") return [];
    if (kind === "map") return {};
    if (kind === "object") {
      const out: Record<string, any> = {};
      for (const [k, t] of Object.entries<any>(elem)) out[k] = fakeOfType(t, ctx, [...path, k]);
      return out;
    }
  }
  return null;
}

// ---- references of the configuration (cdk.tf.json) ---------------------------------------------------------------

const SIMPLE_REF = /^(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\[\d+\]|\["[^"\]]*"\])?(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/;

function hasReference(value: unknown): boolean {
  if (typeof value === "string") return /(^|[^$])\$\{/.test(value);
  if (Array.isArray(value)) return value.some(hasReference);
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => k !== "//" && hasReference(v));
  return false;
}

/** The configuration body (cdk.tf.json resource block) of a resource change, root module only. */
function configOf(config: any, rc: ResourceChangeJson): any {
  if (!config || rc.module_address) return undefined;
  return config.resource?.[rc.type]?.[rc.name];
}

/** The configured value at a state path; blocks may be written as one object or as a list of objects. */
export function configAt(body: any, path: Path): any {
  let cur = body;
  for (const step of path) {
    if (cur === null || cur === undefined) return undefined;
    if (typeof step === "number") {
      if (Array.isArray(cur)) cur = cur[step];
      else if (typeof cur === "object" && step === 0) continue;
      else return undefined;
    } else {
      if (Array.isArray(cur)) cur = cur.length === 1 ? cur[0] : undefined;
      cur = cur && typeof cur === "object" ? cur[step] : undefined;
    }
  }
  return cur;
}

function resolvePending(drafts: Map<string, InstanceDraft>, pending: Pending[]): void {
  for (let round = 0; round < 6 && pending.length > 0; round++) {
    let changed = false;
    for (const p of pending) {
      const draft = drafts.get(p.key)!;
      const resolved = resolveValue(p.template, drafts);
      if (!resolved.ok) continue;
      const value = coerce(resolved.value, p.type);
      if (value === undefined) continue;
      if (JSON.stringify(getAt(draft.attributes, p.path)) !== JSON.stringify(value)) {
        draft.attributes = setAt(draft.attributes, p.path, value);
        changed = true;
      }
    }
    if (!changed) break;
  }
}

type Resolved = { ok: true; value: any } | { ok: false };

/** Evaluates a configuration value whose templates hold only plain references (no functions, no directives). */
export function resolveValue(value: unknown, drafts: Map<string, { attributes: Record<string, any> }>): Resolved {
  if (typeof value === "string") return resolveTemplate(value, drafts);
  if (Array.isArray(value)) {
    const out: any[] = [];
    for (const e of value) {
      const r = resolveValue(e, drafts);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  if (value && typeof value === "object") {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "//") continue;
      const r = resolveValue(v, drafts);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}

function resolveTemplate(text: string, drafts: Map<string, { attributes: Record<string, any> }>): Resolved {
  if (text.includes("%{")) return { ok: false };
  const parts: Array<string | { ref: string }> = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("${", i);
    if (start < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (start > 0 && text[start - 1] === "$") {
      // "$${" is a literal "${"
      parts.push(text.slice(i, start - 1) + "${");
      i = start + 2;
      continue;
    }
    const end = text.indexOf("}", start);
    if (end < 0) return { ok: false };
    parts.push(text.slice(i, start));
    const expr = text.slice(start + 2, end).trim();
    if (!SIMPLE_REF.test(expr)) return { ok: false };
    parts.push({ ref: expr });
    i = end + 1;
  }
  const refs = parts.filter((p): p is { ref: string } => typeof p !== "string");
  if (refs.length === 0) return { ok: true, value: text.replace(/\$\$\{/g, "${") };
  const values: any[] = [];
  for (const r of refs) {
    const v = lookupReference(r.ref, drafts);
    if (v === undefined || v === null) return { ok: false };
    values.push(v);
  }
  // "${ref}" alone keeps the referenced value's type; inside a template it must be a primitive.
  const meaningful = parts.filter((p) => p !== "");
  if (meaningful.length === 1 && typeof meaningful[0] !== "string") return { ok: true, value: values[0] };
  let out = "";
  let k = 0;
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else {
      const v = values[k++];
      if (typeof v === "object") return { ok: false };
      out += String(v);
    }
  }
  return { ok: true, value: out };
}

function lookupReference(ref: string, drafts: Map<string, { attributes: Record<string, any> }>): any {
  if (ref.startsWith("data.") || ref.startsWith("var.") || ref.startsWith("local.") || ref.startsWith("module.")) return undefined;
  const steps = parseSteps(ref);
  if (steps.length < 3 || typeof steps[0] !== "string" || typeof steps[1] !== "string") return undefined;
  let key = `${steps[0]}.${steps[1]}`;
  let rest = steps.slice(2);
  if (typeof rest[0] === "number" || (rest[0] as any)?.key !== undefined) {
    const idx = rest[0] as any;
    key = `${key}[${JSON.stringify(typeof idx === "number" ? idx : idx.key)}]`;
    rest = rest.slice(1);
  }
  const draft = drafts.get(key);
  if (!draft) return undefined;
  return getAt(
    draft.attributes,
    rest.map((s) => (typeof s === "object" ? (s as any).key : s)),
  );
}

function parseSteps(ref: string): Array<string | number | { key: string }> {
  const steps: Array<string | number | { key: string }> = [];
  const re = /\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\["([^"\]]*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(ref)) !== null) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push({ key: m[3] });
  }
  return steps;
}

function coerce(value: any, type: any): any {
  if (type === "string") return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
  if (type === "number") return typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)) ? Number(value) : undefined;
  if (type === "bool") return typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return Array.isArray(value) ? value : undefined;
  if (Array.isArray(type) && (type[0] === "map" || type[0] === "object")) return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  return value;
}

// ---- assembling the state file ----------------------------------------------------------------------------------

function assemble(plan: PlanJson, drafts: Map<string, InstanceDraft>, options: StateFromPlanOptions): StateV4 {
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
function outputsOf(plan: PlanJson): StateV4["outputs"] {
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

function configAddress(rc: ResourceChangeJson): string {
  return `${rc.module_address ? `${rc.module_address}.` : ""}${rc.type}.${rc.name}`;
}

function configResources(plan: PlanJson): Array<{ module?: string; r: any }> {
  const out: Array<{ module?: string; r: any }> = [];
  for (const r of plan.configuration?.root_module?.resources ?? []) out.push({ r });
  for (const [name, call] of Object.entries(plan.configuration?.root_module?.module_calls ?? {})) {
    for (const r of call.module?.resources ?? []) out.push({ module: `module.${name}`, r });
  }
  return out;
}

/** Config address -> provider address as a state writes it: provider["registry.terraform.io/hashicorp/aws"](.alias). */
function providerAddresses(plan: PlanJson): Map<string, string> {
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

function configSchemaVersion(plan: PlanJson, rc: ResourceChangeJson): number | undefined {
  const addr = configAddress(rc);
  return configResources(plan).find(({ module, r }) => `${module ? `${module}.` : ""}${r.type}.${r.name}` === addr)?.r.schema_version;
}

/** The provider's region when configured as a constant (offline stacks always are). */
function regionOf(plan: PlanJson, rc: ResourceChangeJson, fallback: string): string {
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

// ---- small helpers -----------------------------------------------------------------------------------------------

function mapValues<T, U>(obj: Record<string, T>, fn: (v: T, k: string) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fn(v, k);
  return out;
}

export function getAt(value: any, path: Path): any {
  let cur = value;
  for (const step of path) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = cur[step as any];
  }
  return cur;
}

function setAt<T extends Record<string, any>>(root: T, path: Path, value: any): T {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : { ...root };
  const [head, ...rest] = path;
  copy[head as any] = rest.length === 0 ? value : setAt(copy[head as any] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  return copy;
}

/** A change with only no-op semantics (used by callers that compare plans). */
export function isNoop(change: ChangeJson): boolean {
  return change.actions.every((a) => a === "no-op" || a === "read");
}
