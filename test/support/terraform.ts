import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { run, RunResult } from "../../lib/process";
import { TERRAFORM_INSTALL_HINT, terraformEnv } from "../../lib/terraform-cli";

export type TerraformRun = RunResult;

let cachedEnv: NodeJS.ProcessEnv | undefined;

/** Runs the terraform CLI in `cwd` with the offline CLI config (provider mirror); never throws on a non-zero exit. */
export function terraform(cwd: string, args: readonly string[]): Promise<TerraformRun> {
  cachedEnv ??= terraformEnv();
  return run("terraform", args, { cwd, env: cachedEnv, missingHint: TERRAFORM_INSTALL_HINT });
}

async function mustRun(cwd: string, args: readonly string[]): Promise<TerraformRun> {
  const run = await terraform(cwd, args);
  if (run.code !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd} (exit ${run.code}):\n${run.stderr || run.stdout}`);
  return run;
}

export interface StackPlan {
  readonly validate: { valid: boolean; error_count: number; warning_count: number; diagnostics: any[] };
  /** `terraform show -json` of the saved plan. */
  readonly plan: any;
}

/** init (offline, local backend) → validate → plan (no refresh, no lock) → show -json, for one synthesized stack folder. */
export async function validateAndPlan(stackDir: string): Promise<StackPlan> {
  if (!existsSync(join(stackDir, "cdk.tf.json"))) throw new Error(`${stackDir} has no cdk.tf.json: synthesize first`);
  await mustRun(stackDir, ["init", "-input=false", "-no-color"]);
  const validateRun = await terraform(stackDir, ["validate", "-json", "-no-color"]);
  const validate = JSON.parse(validateRun.stdout);
  if (!validate.valid) return { validate, plan: undefined };
  await mustRun(stackDir, ["plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=tfplan"]);
  const show = await mustRun(stackDir, ["show", "-json", "-no-color", "tfplan"]);
  return { validate, plan: JSON.parse(show.stdout) };
}

/** Synthesizes one stack into a temporary folder, then `validateAndPlan` it; the folder is removed afterwards. */
export async function validateAndPlanStack(stack: TerraformStack): Promise<StackPlan> {
  const dir = mkdtempSync(join(tmpdir(), `${stack.node.id}-tf-`));
  try {
    writeFileSync(join(dir, "cdk.tf.json"), Testing.synth(stack));
    return await validateAndPlan(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Planned resource changes as `type -> count` for the given actions (default: create). */
export function countByType(plan: any, action = "create"): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rc of plan.resource_changes ?? []) {
    if (!rc.change.actions.includes(action)) continue;
    counts[rc.type] = (counts[rc.type] ?? 0) + 1;
  }
  return counts;
}

/** Planned `after` values of every resource of a type. */
export function plannedValues(plan: any, type: string): any[] {
  return (plan.resource_changes ?? []).filter((rc: any) => rc.type === type).map((rc: any) => rc.change.after);
}
