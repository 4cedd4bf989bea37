// Planning one stack in one of three baselines:
//   real-state  (online): init with the stack's backend, plan with refresh against the real state;
//   empty-state (offline without --base, or a stack new in the head): plan from empty state, every resource a create;
//   base-ref    (offline with --base; online for a stack whose local state is not at hand): plan the base from empty
//               state, build a state from that plan (state-from-plan.ts), check it with a plan of the base against it
//               (fixpoint), then plan the head against it with -refresh=false, so that terraform itself says update
//               or replace.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { structuralPlan, subtractResidual, stableStringify } from "./diff";
import { POLICY_ATTRIBUTES } from "./iam-diff";
import { plannedAttributes, refineState, stateFromPlan } from "./state-from-plan";
import { TerraformCli, TerraformError } from "./terraform";
import type { PlanJson, ResourceSchemas, StateV4 } from "../lib/terraform-json";

export type Baseline = "real-state" | "empty-state" | "base-ref";

export interface StackPlanInput {
  readonly id: string;
  readonly baseline: Baseline;
  /** Synthesized head stack folder; undefined when the head no longer has the stack. */
  readonly headDir?: string;
  /** Synthesized base stack folder (base-ref only); undefined when the base has no such stack. */
  readonly baseDir?: string;
  /**
   * Account of placeholder ARNs (values known only after apply): the environment's own, so that they match the ARNs
   * the configuration writes out, such as a permissions boundary confined to that account. @default 123456789012
   */
  readonly account?: string;
}

export interface StackPlanResult {
  readonly id: string;
  readonly baseline: Baseline;
  /** The plan the report describes (head against the baseline), residual base changes removed. */
  readonly plan?: PlanJson;
  /** The base as a plan, for the cost delta (converged base plan, base from empty state, or the prior state). */
  readonly basePlan?: PlanJson;
  /** terraform: update vs replace as terraform decided; structural: a comparison of planned values only. */
  readonly classification: "terraform" | "structural" | "none";
  /** Head and base synthesized to the same cdk.tf.json. */
  readonly configIdentical?: boolean;
  /** Base changes against its own synthetic state that could not be eliminated (ignored in the head plan). */
  readonly residual: readonly string[];
  /** Fixpoint plans of the base against the synthetic state. */
  readonly iterations: number;
  readonly notes: readonly string[];
  /** A terraform error (the plan could not be made); the report shows it and the run exits 1. */
  readonly error?: string;
  /** Planned attributes with unknowns resolved to placeholders (for policy documents known only after apply). */
  readonly resolved?: ReadonlyMap<string, Record<string, any>>;
}

const MAX_ITERATIONS = 3;

export interface PlanStackOptions {
  /** Head and base with the same cdk.tf.json: reuse the base's plan against its state as the head plan. @default true */
  readonly reuseIdenticalConfig?: boolean;
}

/** Plans one stack; never throws for terraform errors (they are returned in `error`). */
export async function planStack(tf: TerraformCli, input: StackPlanInput, options: PlanStackOptions = {}): Promise<StackPlanResult> {
  const result = await planStackRaw(tf, input, options);
  if (!result.plan || !input.headDir || !needsResolution(result.plan)) return result;
  try {
    const schemas = await tf.resourceSchemas(input.headDir);
    return { ...result, resolved: plannedAttributes(result.plan, { schemas, config: readJson(join(input.headDir, "cdk.tf.json")), account: input.account }) };
  } catch {
    return result;
  }
}

/** Whether a policy document of the plan is unknown until apply (then placeholders make it readable). */
function needsResolution(plan: PlanJson): boolean {
  return (plan.resource_changes ?? []).some((rc) => rc.mode === "managed" && (POLICY_ATTRIBUTES[rc.type] ?? []).some((a) => rc.change.after_unknown?.[a] === true));
}

async function planStackRaw(tf: TerraformCli, input: StackPlanInput, options: PlanStackOptions): Promise<StackPlanResult> {
  const base = { id: input.id, baseline: input.baseline, residual: [] as string[], iterations: 0 };
  try {
    if (input.baseline === "real-state") return { ...base, ...(await planOnline(tf, input.headDir!)) };
    if (input.baseline === "empty-state" || !input.baseDir) {
      if (!input.headDir) return { ...base, classification: "none", notes: [], error: `stack ${input.id} is in neither base nor head` };
      await tf.init(input.headDir);
      const plan = await planAndShow(tf, input.headDir, "head.tfplan");
      const notes = input.baseline === "base-ref" ? [`\`${input.id}\` is new: it does not exist in the base, so it is planned from empty state.`] : [];
      return { ...base, plan, classification: "terraform", notes };
    }
    return { ...base, ...(await planAgainstBase(tf, input.id, input.baseDir, input.headDir, options.reuseIdenticalConfig ?? true, input.account)) };
  } catch (err) {
    return { ...base, classification: "none", notes: [], error: (err as Error).message };
  }
}

async function planOnline(tf: TerraformCli, headDir: string): Promise<Omit<StackPlanResult, "id" | "baseline" | "residual" | "iterations">> {
  const notes: string[] = [];
  const backend = backendOf(headDir);
  if (backend.type === "local" && !existsSync(backend.path!)) {
    notes.push(
      `local backend and no state file (${backend.relativePath}): planned from empty state. Pass \`--base <ref>\` to compare with a ref instead, or run the plan where \`cdktf deploy\` left that state (cdktf.out/stacks/<id>/).`,
    );
  }
  await tf.init(headDir);
  try {
    const { plan } = await planRun(tf, headDir, "head.tfplan", true);
    return { plan, basePlan: priorStateAsPlan(plan), classification: "terraform", notes };
  } catch (err) {
    const guarded = await planWithoutPreventDestroy(tf, headDir, err as Error, true);
    if (!guarded) throw err;
    return { plan: guarded.plan, basePlan: priorStateAsPlan(guarded.plan), classification: "terraform", notes: [...notes, guarded.note], error: guarded.error };
  }
}

/**
 * terraform refuses a whole plan when it would destroy a resource with lifecycle.prevent_destroy. To show what the
 * guard blocks (which resource, replaced because of which attribute), plan again with the guard lifted in the
 * synthesized copy; the run still fails with terraform's error.
 */
async function planWithoutPreventDestroy(tf: TerraformCli, dir: string, err: Error, refresh: boolean): Promise<{ plan: PlanJson; note: string; error: string } | undefined> {
  if (!/prevent_destroy/.test(err.message)) return undefined;
  const file = join(dir, "cdk.tf.json");
  const config = readJson(file);
  const lifted: string[] = [];
  for (const [type, byName] of Object.entries<any>(config.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(byName ?? {})) {
      if (body?.lifecycle?.prevent_destroy === true) {
        body.lifecycle.prevent_destroy = false;
        lifted.push(`${type}.${name}`);
      }
    }
  }
  if (lifted.length === 0) return undefined;
  writeFileSync(file, JSON.stringify(config, null, 2));
  try {
    const { plan } = await planRun(tf, dir, "head-unguarded.tfplan", refresh);
    const blocked = (plan.resource_changes ?? []).filter((rc) => lifted.includes(`${rc.type}.${rc.name}`) && rc.change.actions.includes("delete")).map((rc) => rc.address);
    return {
      plan,
      note: `terraform refuses this plan: lifecycle.prevent_destroy protects ${blocked.map((a) => `\`${a}\``).join(", ") || "a resource"} from the destroy it calls for. The changes below come from the same plan with prevent_destroy lifted, to show what the guard blocks.`,
      error: err.message,
    };
  } catch {
    return undefined;
  }
}

async function planAgainstBase(
  tf: TerraformCli,
  id: string,
  baseDir: string,
  headDir: string | undefined,
  reuse: boolean,
  account: string | undefined,
): Promise<Omit<StackPlanResult, "id" | "baseline">> {
  const notes: string[] = [];
  const baseConfig = readJson(join(baseDir, "cdk.tf.json"));
  const headConfig = headDir ? readJson(join(headDir, "cdk.tf.json")) : undefined;
  const configIdentical = headConfig !== undefined && stableStringify(stripMetadata(baseConfig)) === stableStringify(stripMetadata(headConfig));
  const reuseBase = configIdentical && reuse;
  await Promise.all([tf.init(baseDir), headDir && !reuseBase ? tf.init(headDir) : Promise.resolve(undefined)]);
  const fromEmpty = await planAndShow(tf, baseDir, "base-empty.tfplan");
  const schemas: ResourceSchemas = await tf.resourceSchemas(baseDir);
  let state: StateV4 = stateFromPlan(fromEmpty, { schemas, config: baseConfig, account });

  if (!headDir) {
    // The head dropped the stack: everything of the base would be destroyed.
    const empty: PlanJson = { format_version: fromEmpty.format_version, terraform_version: fromEmpty.terraform_version, resource_changes: [] };
    notes.push(`\`${id}\` no longer exists in the head: every resource of the base would be destroyed (if the stack is deployed).`);
    return { plan: structuralPlan(fromEmpty, empty), basePlan: fromEmpty, classification: "structural", configIdentical: false, residual: [], iterations: 0, notes };
  }

  let verify: PlanJson | undefined;
  let verifyError: string | undefined;
  let head: PlanJson | undefined;
  let headError: string | undefined;
  let converged = false;
  let iterations = 0;
  while (iterations < MAX_ITERATIONS) {
    iterations += 1;
    writeState(baseDir, state);
    if (!reuseBase) writeState(headDir, state);
    const [v, h] = await Promise.all([
      planRun(tf, baseDir, "verify.tfplan", false).catch((err: Error) => err),
      reuseBase ? Promise.resolve(undefined) : planRun(tf, headDir, "head.tfplan", false).catch((err: Error) => err),
    ]);
    if (v instanceof Error) {
      verifyError = v.message;
      break;
    }
    verify = v.plan;
    head = h instanceof Error ? undefined : (h?.plan ?? verify);
    headError = h instanceof Error ? h.message : undefined;
    if (!v.changes) {
      converged = true;
      break;
    }
    const refined = refineState(state, verify, { schemas, account });
    if (refined.changed === 0 && stableStringify(refined.state.outputs) === stableStringify(state.outputs)) break;
    state = refined.state;
  }

  if (verifyError === undefined && headError !== undefined) {
    // A destroy blocked by lifecycle.prevent_destroy: terraform's error stands, the lifted plan shows what it blocks.
    const guarded = await planWithoutPreventDestroy(tf, headDir, new Error(headError), false);
    if (guarded) {
      return {
        plan: guarded.plan,
        basePlan: verify ?? fromEmpty,
        classification: "terraform",
        configIdentical,
        residual: [],
        iterations,
        notes: [...notes, guarded.note],
        error: guarded.error,
      };
    }
  }
  if (verifyError !== undefined || headError !== undefined || head === undefined) {
    // terraform rejected a plan against the synthetic state. If the head plans from empty state, the configuration is
    // fine and the synthetic state is to blame: compare planned values instead (no update/replace classification).
    // If the head fails from empty state too, that failure is the head's error.
    const why = verifyError ?? headError ?? "no head plan";
    let headFromEmpty: PlanJson | undefined;
    try {
      headFromEmpty = await planAndShow(tf, headDir, "head-empty.tfplan", reuseBase);
    } catch (err) {
      return { plan: undefined, basePlan: fromEmpty, classification: "none", configIdentical, residual: [], iterations, notes, error: (err as Error).message };
    }
    notes.push(
      `update vs replace could not be determined: terraform rejected the plan against the synthetic base state (${firstLines(why)}). The changes below compare the planned values of base and head.`,
    );
    return { plan: structuralPlan(fromEmpty, headFromEmpty), basePlan: fromEmpty, classification: "structural", configIdentical, residual: [], iterations, notes };
  }
  let residual: string[] = [];
  let plan = head;
  if (!converged && verify) {
    const sub = subtractResidual(head, verify);
    plan = sub.plan;
    residual = sub.ignored;
    const unresolved = (verify.resource_changes ?? []).filter((rc) => !rc.change.actions.every((a) => a === "no-op" || a === "read")).map((rc) => rc.address);
    notes.push(
      `the synthetic base state did not settle after ${iterations} plans: ${unresolved.length} base resource(s) still plan a change against it (${unresolved.slice(0, 5).join(", ")}${unresolved.length > 5 ? ", …" : ""}); identical changes in the head plan are ignored.`,
    );
  }
  return { plan, basePlan: verify ?? fromEmpty, classification: "terraform", configIdentical, residual, iterations, notes };
}

/** plan (+ show -json) from whatever state the folder's backend holds. */
async function planRun(tf: TerraformCli, dir: string, file: string, refresh: boolean): Promise<{ plan: PlanJson; changes: boolean }> {
  const run = await tf.plan(dir, { refresh, out: file });
  const plan = await tf.show(dir, file);
  return { plan, changes: run.changes };
}

/** A plan from empty state (the folder must hold no state). */
async function planAndShow(tf: TerraformCli, dir: string, file: string, init = false): Promise<PlanJson> {
  if (init) await tf.init(dir);
  removeState(dir);
  return (await planRun(tf, dir, file, false)).plan;
}

interface Backend {
  readonly type: string;
  readonly relativePath?: string;
  readonly path?: string;
}

/** The backend of a synthesized stack (cdk.tf.json terraform.backend). */
export function backendOf(dir: string): Backend {
  const config = readJson(join(dir, "cdk.tf.json"));
  const backends = Object.entries<any>(config?.terraform?.backend ?? {});
  if (backends.length === 0) return { type: "local", relativePath: "terraform.tfstate", path: join(dir, "terraform.tfstate") };
  const [type, body] = backends[0];
  if (type !== "local") return { type };
  const relativePath: string = body?.path ?? "terraform.tfstate";
  return { type, relativePath, path: isAbsolute(relativePath) ? relativePath : join(dir, relativePath) };
}

function writeState(dir: string, state: StateV4): void {
  const backend = backendOf(dir);
  if (backend.type !== "local")
    throw new TerraformError(`${dir}: an offline plan needs a local backend, the stack has "${backend.type}". Fix: synthesize with offline: true (PLATFORM_OFFLINE=1).`);
  writeFileSync(backend.path!, `${JSON.stringify(state, null, 1)}\n`);
}

function removeState(dir: string): void {
  const backend = backendOf(dir);
  if (backend.type === "local") rmSync(backend.path!, { force: true });
}

/** The error lines of a terraform failure, on one line (for a note). */
function firstLines(message: string): string {
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("terraform "));
  const text = lines.slice(0, 3).join(" ");
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** cdk.tf.json without cdktf's "//" metadata (construct paths), which does not change what terraform plans. */
function stripMetadata(value: any): any {
  if (Array.isArray(value)) return value.map(stripMetadata);
  if (value && typeof value === "object") {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) if (k !== "//") out[k] = stripMetadata(v);
    return out;
  }
  return value;
}

/** The prior (real) state of an online plan in the shape of a plan, for the base side of the cost delta. */
export function priorStateAsPlan(plan: PlanJson): PlanJson {
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    planned_values: { root_module: plan.prior_state?.values?.root_module ?? {} },
    resource_changes: [],
    configuration: plan.configuration,
  };
}
