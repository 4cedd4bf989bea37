import { App } from "cdktf";
import { ENVIRONMENT_INPUTS, EnvironmentConfig, LOCAL_ENVIRONMENT_INPUTS, loadEnvironments } from "./environments";
import { applyPolicy, Enforcement, PolicyAsCode, PolicyOptions } from "./modules/policy";
import { offlineFromEnv } from "./modules/stack/offline";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { PlatformStack } from "./stacks/platform-stack";

export interface BuildAppOptions {
  /** Output folder. @default CDKTF_OUTDIR or cdktf.out (cdktf's own default) */
  readonly outdir?: string;
  /** Offline mode: local backend and fake credentials. @default PLATFORM_OFFLINE from the environment */
  readonly offline?: boolean;
  /** Raw environment configs by file name. @default environments/{dev,staging,prod}.ts */
  readonly environments?: Record<string, unknown>;
  /** State file of a local environment's stack. @default `terraform.platform-<env>.tfstate` in the stack's folder */
  readonly localStatePath?: string;
}

export interface BuiltApp {
  readonly app: App;
  readonly environments: readonly EnvironmentConfig[];
  readonly platformStacks: readonly PlatformStack[];
  /** One bootstrap stack per distinct state bucket, named after the first environment that uses it. */
  readonly bootstrapStacks: readonly BootstrapStack[];
  /** The policy (modules/policy) applied to each stack, by stack id; checked at synth. */
  readonly policies: ReadonlyMap<string, PolicyAsCode>;
}

/**
 * The environments `main.ts` synthesizes: dev, staging and prod, plus the local environment (`platform-local`) when
 * PLATFORM_LOCAL=1 (for `cdktf deploy platform-local` against a running local runtime; `npm start` builds it itself).
 */
export function appEnvironments(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const local = ["1", "true", "yes"].includes((env.PLATFORM_LOCAL ?? "").toLowerCase());
  return local ? { ...ENVIRONMENT_INPUTS, ...LOCAL_ENVIRONMENT_INPUTS } : { ...ENVIRONMENT_INPUTS };
}

/** Stack id of an environment: `platform-<env>` (what operators pass to `cdktf deploy`). */
export const platformStackId = (env: string): string => `platform-${env}`;
/** Stack id of the state bootstrap of an environment's account: `platform-bootstrap-<env>`. */
export const bootstrapStackId = (env: string): string => `platform-bootstrap-${env}`;

/** Validates every environment once, then builds the bootstrap stack(s) and one platform stack per environment. */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const environments = loadEnvironments(options.environments ?? ENVIRONMENT_INPUTS);
  const offline = options.offline ?? offlineFromEnv();
  // No stack trace in every construct's metadata: computing them (source-mapped) was a sixth of a synth, and nothing
  // reads them (the policy report and the plan review name resources by construct path).
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), stackTraces: false });
  const byBucket = new Map<string, EnvironmentConfig[]>();
  for (const env of environments) {
    if (env.backend === undefined) continue; // a local environment: state on this machine, no bootstrap stack
    byBucket.set(env.backend.bucket, [...(byBucket.get(env.backend.bucket) ?? []), env]);
  }
  const bootstrapStacks = [...byBucket.values()].map(([env, ...sharedWith]) => new BootstrapStack(app, bootstrapStackId(env.name), { env, sharedWith, offline }));
  const platformStacks = environments.map((env) => new PlatformStack(app, platformStackId(env.name), { env, offline, localStatePath: options.localStatePath }));

  // Policy as code on every stack: the environment's enforcement ("error" fails synth, "warn" annotates).
  const policies = new Map<string, PolicyAsCode>();
  for (const stack of platformStacks) policies.set(stack.node.id, applyPolicy(stack, policyOptions([stack.config])));
  for (const [i, users] of [...byBucket.values()].entries()) {
    policies.set(bootstrapStacks[i].node.id, applyPolicy(bootstrapStacks[i], policyOptions(users)));
  }
  return { app, environments, platformStacks, bootstrapStacks, policies };
}

/**
 * Policy options of a stack serving these environments (a bootstrap stack serves every environment that keeps its
 * state in its bucket): named after the first, production and "error" enforcement if any of them is.
 */
export function policyOptions(envs: readonly EnvironmentConfig[]): PolicyOptions {
  const enforcement: Enforcement = envs.some((e) => e.policy.enforcement === "error") ? "error" : "warn";
  return { environment: envs[0].name, production: envs.some((e) => e.production), enforcement };
}
