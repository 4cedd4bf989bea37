// The plan command: synthesize head (and base), plan every stack of the selected environments, build the report.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EnvironmentConfig, loadEnvironments, stateBackend } from "../environments";
import { startOfflineSfnEndpoint } from "./sfn-endpoint";
import { terraformEnv } from "../lib/terraform-cli";
import { loadActionCatalogue } from "./action-catalogue";
import { estimateStackCost, idleProfile } from "./cost";
import type { ActionCatalogue } from "./effective-permissions";
import { Limiter } from "./exec";
import { readPolicyReport } from "./policy-report";
import { assembleReport, buildStackReport, EnvReport, PlanReport, StackReport } from "./report";
import { ManagedPolicy, managedPoliciesOf } from "./role-policies";
import { backendOf, Baseline, planStack, StackPlanResult } from "./stack-plan";
import { headInfo, resolveRef, stackDir, stackIds, stacksOfEnv, synthesize, withWorktree } from "./synth";
import { TerraformCli } from "./terraform";

export interface RunPlanOptions {
  /** The checkout to plan (head). @default this repository */
  readonly repo?: string;
  /** Environment names, or "all". @default "all" */
  readonly envs?: readonly string[] | "all";
  /** Git ref of the base (offline: synthesized in a worktree and planned first). */
  readonly base?: string;
  /** Force offline mode even with credentials. @default false (offline only when no credentials are found) */
  readonly offline?: boolean;
  readonly failOnStatefulDestroy?: boolean;
  /** Concurrent terraform/synth processes. @default min(2, cores) */
  readonly concurrency?: number;
  /** Keep the work folder (synth output, plans, synthetic states) for inspection. @default false */
  readonly keepWorkdir?: boolean;
  /** Process environment (credential detection, terraform). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"] as const;

/** True when the environment carries AWS credentials (or the means to get them). */
export function hasCredentials(env: NodeJS.ProcessEnv): boolean {
  return CREDENTIAL_VARIABLES.some((v) => (env[v] ?? "") !== "");
}

/** Online = credentials present and no --offline. */
export function decideMode(options: { offline?: boolean; env: NodeJS.ProcessEnv }): "online" | "offline" {
  return !options.offline && hasCredentials(options.env) ? "online" : "offline";
}

export async function runPlan(options: RunPlanOptions = {}): Promise<{ report: PlanReport; workdir?: string }> {
  const repo = resolve(options.repo ?? join(__dirname, ".."));
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const mode = decideMode({ offline: options.offline, env });
  const environments = loadEnvironments();
  const selected = selectEnvironments(environments, options.envs ?? "all");
  const concurrency = options.concurrency ?? Math.max(1, Math.min(2, cpus().length));
  const notes: string[] = [];
  if (mode === "online" && options.base) {
    notes.push(
      `online: stacks with remote state are planned against the real state (that is the base); \`--base ${options.base}\` serves only stacks whose local state is not at hand (the state bootstrap).`,
    );
  }
  if (mode === "offline" && !options.base)
    notes.push("offline without `--base`: every stack is planned from empty state (all creates). Pass `--base <git-ref>` to see the difference to that ref.");

  const workdir = mkdtempSync(join(tmpdir(), "platform-plan-"));
  const cleanups: Array<() => Promise<void> | undefined> = [];
  const headOut = join(workdir, "head");
  const baseOut = join(workdir, "base");
  try {
    const limiter = new Limiter(concurrency);
    const offline = mode === "offline";
    const baseRef = options.base;
    const baseCommit = baseRef ? await resolveRef(repo, baseRef) : undefined;
    const started = Date.now();
    // allSettled: a failing head synth must not leave the base worktree behind while its synth still runs.
    const synths = await Promise.allSettled([
      limiter.run(() => synthesize(repo, headOut, { offline, env })).then(() => log(`synth head: ${secondsSince(started)}`)),
      baseCommit
        ? withWorktree(repo, baseCommit, (dir) =>
            limiter.run(() => synthesize(dir, baseOut, { offline, env: { ...env, PLATFORM_BUNDLE_CACHE_DIR: join(workdir, "base-bundles") } })),
          ).then(() => log(`synth base ${baseRef} (${baseCommit.slice(0, 7)}): ${secondsSince(started)}`))
        : Promise.resolve(),
    ]);
    for (const r of synths) if (r.status === "rejected") throw r.reason;

    const headIds = stackIds(headOut);
    const baseIds = baseCommit ? stackIds(baseOut) : [];
    // Offline, the provider's ValidateStateMachineDefinition calls (a changed workflow) go to a local endpoint.
    const sfn = offline ? await startOfflineSfnEndpoint() : undefined;
    cleanups.push(() => sfn?.close());
    const tf = new TerraformCli({ env: { ...terraformEnv(env), ...(sfn !== undefined ? { AWS_ENDPOINT_URL_SFN: sfn.url } : {}) }, limiter, log });
    const jobs: Array<{ env: EnvironmentConfig; id: string; promise: Promise<StackPlanResult> }> = [];
    for (const e of selected) {
      const ids = [...new Set([...stacksOfEnv(headIds, e.name), ...stacksOfEnv(baseIds, e.name)])].sort(platformFirst);
      for (const id of ids) {
        const headDir = headIds.includes(id) ? stackDir(headOut, id) : undefined;
        const baseDir = baseIds.includes(id) ? stackDir(baseOut, id) : undefined;
        const baseline: Baseline = mode === "online" ? onlineBaseline(repo, id, headDir, baseDir, env) : baseCommit ? "base-ref" : "empty-state";
        const input = { id, baseline, headDir, baseDir, account: e.allowedAccountIds[0] };
        jobs.push({ env: e, id, promise: planStack(tf, input).then((r) => (log(`${id}: planned (${secondsSince(started)})`), r)) });
      }
    }
    const results = await Promise.all(jobs.map((j) => j.promise));

    const catalogue = loadActionCatalogue();
    const envs: EnvReport[] = selected.map((e) => {
      const own = jobs.flatMap((j, i) => (j.env === e ? [{ job: j, result: results[i] }] : []));
      return {
        env: e.name,
        region: e.region,
        stacks: own.map(({ job, result }) => {
          // A role's boundary lives in the environment's bootstrap stack: the other stacks' managed policies, per side.
          const others = own.filter((o) => o.result !== result && o.result.plan);
          const external = (side: "before" | "after"): ManagedPolicy[] =>
            others.flatMap((o) => managedPoliciesOf(o.result.plan!, side, side === "after" ? o.result.resolved : undefined));
          return stackReport(e, result, headIds.includes(job.id) ? stackDir(headOut, job.id) : undefined, {
            catalogue,
            external: { before: external("before"), after: external("after") },
          });
        }),
      };
    });
    const info = await headInfo(repo);
    const head = { ...(info.sha ? { commit: info.sha } : {}), dirty: info.dirty };
    const report = assembleReport({
      mode,
      ...(baseCommit && baseRef ? { base: { ref: baseRef, commit: baseCommit } } : {}),
      head,
      envs,
      failOnStatefulDestroy: options.failOnStatefulDestroy ?? false,
      notes,
    });
    return { report, ...(options.keepWorkdir ? { workdir } : {}) };
  } finally {
    for (const c of cleanups) await c();
    if (!options.keepWorkdir) rmSync(workdir, { recursive: true, force: true });
  }
}

interface IamContext {
  readonly catalogue?: ActionCatalogue;
  readonly external: { readonly before: readonly ManagedPolicy[]; readonly after: readonly ManagedPolicy[] };
}

function stackReport(env: EnvironmentConfig, result: StackPlanResult, headDir: string | undefined, iam: IamContext): StackReport {
  const bootstrap = result.id.startsWith("platform-bootstrap-");
  const cost = result.plan
    ? estimateStackCost({
        region: bootstrap ? stateBackend(env).region : env.region,
        loadProfile: bootstrap ? idleProfile(env.loadProfile) : env.loadProfile,
        head: result.plan,
        base: result.baseline === "empty-state" ? undefined : result.basePlan,
      })
    : undefined;
  return buildStackReport({
    stack: result.id,
    env: env.name,
    baseline: result.baseline,
    classification: result.classification,
    plan: result.plan,
    policy: headDir ? readPolicyReport(headDir) : { available: false, reason: "policy report not available (the stack is not in the head)" },
    cost,
    resolved: result.resolved,
    catalogue: iam.catalogue,
    external: iam.external,
    configIdentical: result.configIdentical,
    residual: result.residual,
    notes: result.notes,
    error: result.error,
  });
}

function selectEnvironments(all: readonly EnvironmentConfig[], wanted: readonly string[] | "all"): EnvironmentConfig[] {
  if (wanted === "all" || wanted.includes("all")) return [...all];
  const names = all.map((e) => e.name);
  const unknown = wanted.filter((w) => !names.includes(w));
  if (unknown.length) throw new Error(`--env ${unknown.join(",")}: unknown environment. Choose from ${names.join(", ")} or all.`);
  return all.filter((e) => wanted.includes(e.name));
}

/**
 * Online baseline of a stack: its real state when it has one here (an S3 backend, or a local state file that
 * `cdktf deploy` left in <repo>/cdktf.out/stacks/<id>/, copied in), else the base ref as offline, else empty state.
 */
function onlineBaseline(repo: string, id: string, headDir: string | undefined, baseDir: string | undefined, env: NodeJS.ProcessEnv): Baseline {
  if (!headDir) return baseDir ? "base-ref" : "empty-state";
  const backend = backendOf(headDir);
  if (backend.type !== "local") return "real-state";
  const outdir = resolve(repo, env.CDKTF_OUTDIR ?? "cdktf.out");
  const existing = join(outdir, "stacks", id, backend.relativePath ?? "terraform.tfstate");
  if (backend.path && existsSync(existing) && statSync(existing).size > 0) {
    copyFileSync(existing, backend.path);
    return "real-state";
  }
  return baseDir ? "base-ref" : "real-state";
}

/** platform-<env> before platform-bootstrap-<env>. */
const platformFirst = (a: string, b: string): number => Number(a.includes("bootstrap")) - Number(b.includes("bootstrap")) || a.localeCompare(b);

const secondsSince = (t: number): string => `${((Date.now() - t) / 1000).toFixed(1)} s`;
