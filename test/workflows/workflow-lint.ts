// Static checks of GitHub Actions workflows (.github/workflows/*.yml): least-privilege tokens, pinned actions,
// timeouts, protected deploys, strict shells and no secret or untrusted input in scripts. Pure: text in, findings out.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export type Rule =
  | "yaml"
  | "job-timeout"
  | "pinned-actions"
  | "top-level-permissions"
  | "id-token-write"
  | "pull-requests-write"
  | "pull-request-target"
  | "deploy-protection"
  | "secret-echo"
  | "secret-interpolation"
  | "strict-shell"
  | "untrusted-input";

export interface Finding {
  readonly rule: Rule;
  readonly file: string;
  readonly job?: string;
  readonly message: string;
}

export interface LintOptions {
  /** Jobs that may hold `pull-requests: write` (they post the PR comment). @default ["comment"] */
  readonly commentJobs?: readonly string[];
}

const CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials";
const SHA_PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+\.\d+\.\d+\b/;
/** A script line that runs a deploy (not one that only mentions it in a message or a comment). */
const DEPLOY_COMMAND = /^\s*(?!echo\b|printf\b|#)(?:npx\s+)?\S*\b(?:cdktf|terraform)\b(?:\s+-\S+)*\s+(?:deploy|apply|destroy)\b/m;
const STRICT = /(^|\s)-euo\s+pipefail\b/;
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref|inputs\.)/;
const SECRET_EXPR = /\$\{\{[^}]*\b(secrets\.|github\.token)/;

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function triggers(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  if (isObj(on)) return Object.keys(on);
  return [];
}

/** A permissions value grants `scope: write` (or write-all). */
function grantsWrite(permissions: unknown, scope: string): boolean {
  if (permissions === "write-all") return true;
  return isObj(permissions) && permissions[scope] === "write";
}

function steps(job: Obj): Obj[] {
  return Array.isArray(job.steps) ? job.steps.filter(isObj) : [];
}

function usesAction(job: Obj, action: string): boolean {
  return steps(job).some((s) => typeof s.uses === "string" && s.uses.split("@")[0] === action);
}

/** Environment variables (workflow, job, step) whose value carries a secret. */
function secretVars(...envs: unknown[]): string[] {
  const names: string[] = [];
  for (const env of envs) {
    if (!isObj(env)) continue;
    for (const [name, value] of Object.entries(env)) if (typeof value === "string" && SECRET_EXPR.test(value)) names.push(name);
  }
  return names;
}

/** Lints one workflow's text. */
export function lintWorkflow(file: string, text: string, options: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: Rule, message: string, job?: string): void => {
    findings.push({ rule, file, job, message });
  };
  let wf: Obj;
  try {
    wf = parse(text);
  } catch (err) {
    add("yaml", `not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
    return findings;
  }
  if (!isObj(wf) || !isObj(wf.jobs)) {
    add("yaml", "not a workflow: no jobs map");
    return findings;
  }
  const commentJobs = new Set(options.commentJobs ?? ["comment"]);

  if (triggers(wf.on).includes("pull_request_target")) {
    add("pull-request-target", "pull_request_target runs with a write token and secrets on code from forks: use pull_request");
  }

  if (!("permissions" in wf)) {
    add("top-level-permissions", "no top-level permissions: set `permissions: {}` (or read-only scopes) and grant per job");
  } else if (!isObj(wf.permissions)) {
    add("top-level-permissions", `top-level permissions "${String(wf.permissions)}": use a map of read-only scopes, e.g. {} or { contents: read }`);
  } else {
    for (const [scope, level] of Object.entries(wf.permissions)) {
      if (level !== "read" && level !== "none") add("top-level-permissions", `top-level permission ${scope}: ${String(level)}: grant write scopes on the job that needs them`);
    }
  }

  // Every `uses:` line carries its version as a comment next to the SHA (`@<sha> # v1.2.3`) so a reader and Dependabot
  // know what it is.
  for (const [i, line] of text.split("\n").entries()) {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)/.exec(line);
    if (!m || m[1].startsWith("./") || m[1].startsWith("docker://")) continue;
    if (SHA_PINNED.test(m[1]) && !VERSION_COMMENT.test(line)) add("pinned-actions", `line ${i + 1}: ${m[1]} has no "# vX.Y.Z" comment naming the pinned release`);
  }

  for (const [jobId, job] of Object.entries<any>(wf.jobs)) {
    if (!isObj(job)) continue;
    const refs = [job.uses, ...steps(job).map((s) => s.uses)].filter((u): u is string => typeof u === "string");
    for (const ref of refs) {
      if (ref.startsWith("./")) continue;
      if (ref.startsWith("docker://") ? !/@sha256:[0-9a-f]{64}$/.test(ref) : !SHA_PINNED.test(ref)) {
        add("pinned-actions", `${ref} is not pinned to a full commit SHA (docker images: to a sha256 digest)`, jobId);
      }
    }

    if (job.uses === undefined && !("timeout-minutes" in job)) add("job-timeout", "no timeout-minutes (the default is 6 hours)", jobId);

    const permissions = job.permissions ?? wf.permissions;
    if (grantsWrite(permissions, "id-token") && !usesAction(job, CREDENTIALS_ACTION)) {
      add("id-token-write", `id-token: write without ${CREDENTIALS_ACTION}: only jobs that assume an AWS role get an OIDC token`, jobId);
    }
    if (grantsWrite(permissions, "pull-requests")) {
      if (!commentJobs.has(jobId)) {
        add("pull-requests-write", `pull-requests: write outside the comment job (${[...commentJobs].join(", ")})`, jobId);
      } else if (usesAction(job, "actions/checkout") || steps(job).some((s) => "run" in s)) {
        add("pull-requests-write", "the job with pull-requests: write must not check out or run the pull request's code", jobId);
      }
    }

    const runs = steps(job).filter((s) => typeof s.run === "string");
    if (runs.some((s) => DEPLOY_COMMAND.test(s.run))) {
      if (job.environment === undefined) add("deploy-protection", "a deploy job runs in a GitHub environment (`environment:`), so its protection rules apply", jobId);
      const concurrency = job.concurrency ?? wf.concurrency;
      const group = typeof concurrency === "string" ? concurrency : isObj(concurrency) ? concurrency.group : undefined;
      if (typeof group !== "string" || group === "") add("deploy-protection", "a deploy job needs a concurrency group (one deploy per environment at a time)", jobId);
      if (isObj(concurrency) && concurrency["cancel-in-progress"] !== undefined && concurrency["cancel-in-progress"] !== false) {
        add("deploy-protection", "a deploy must never be cancelled in progress (cancel-in-progress: false)", jobId);
      }
    }

    for (const [index, step] of runs.entries()) {
      const where = `step ${step.name ?? step.id ?? index + 1}`;
      const script: string = step.run;
      const shell = step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell;
      const firstLine = script
        .split("\n")
        .map((l) => l.trim())
        .find((l) => l !== "" && !l.startsWith("#"));
      if (!(typeof shell === "string" && /^bash\b/.test(shell) && STRICT.test(shell)) && firstLine !== "set -euo pipefail") {
        add("strict-shell", `${where}: run with bash -euo pipefail (defaults.run.shell) or start the script with "set -euo pipefail"`, jobId);
      }
      if (SECRET_EXPR.test(script)) add("secret-interpolation", `${where}: a secret is interpolated into the script; pass it through env:`, jobId);
      if (UNTRUSTED.test(script)) add("untrusted-input", `${where}: event data or inputs interpolated into the script (injection); pass them through env:`, jobId);
      const secrets = secretVars(wf.env, job.env, step.env);
      for (const line of script.split("\n")) {
        if (!/\b(echo|printf|print)\b/.test(line)) continue;
        const leaked = secrets.find((name) => new RegExp(`\\$(\\{)?${name}\\b`).test(line)) ?? (SECRET_EXPR.test(line) ? "a secret expression" : undefined);
        if (leaked) add("secret-echo", `${where}: prints ${leaked}: never echo a secret (masking misses encoded or partial values)`, jobId);
      }
    }
  }
  return findings;
}

/** Lints every *.yml / *.yaml workflow in a folder. */
export function lintWorkflowDir(dir: string, options: LintOptions = {}): Finding[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => lintWorkflow(f, readFileSync(join(dir, f), "utf8"), options));
}
