// Terraform CLI configuration for offline work: a provider_installation block that reads the AWS provider
// from a filesystem mirror named by an environment variable (TF_PROVIDER_MIRROR), or discovered once and cached.
// Shared by plan/, local/, scripts/ and the tests (lib/ sits below all of them); the CLI is scripts/terraform-cli.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const AWS_PROVIDER_VERSION = "5.100.0";
/** What to do when the terraform CLI is missing. */
export const TERRAFORM_INSTALL_HINT = "Fix: install Terraform ≥ 1.10 on PATH.";
const ROOT = resolve(__dirname, "..");
const CACHE_DIR = join(ROOT, ".terraform-cli");
const PROVIDER_DIR = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);

/** True when `dir` is a mirror (unpacked layout) holding hashicorp/aws at the pinned version. */
export function isMirror(dir: string): boolean {
  const p = join(dir, PROVIDER_DIR);
  if (!existsSync(p)) return false;
  return readdirSync(p).some((platform) => readdirSync(join(p, platform)).some((f) => f.startsWith(`terraform-provider-aws_v${AWS_PROVIDER_VERSION}`)));
}

function discover(): string | undefined {
  // The provider binary's location is machine-specific: find it once instead of hard-coding a path.
  try {
    const out = execFileSync(
      "find",
      [
        "/",
        "-xdev",
        "(",
        "-path",
        "/proc",
        "-o",
        "-path",
        "/sys",
        "-o",
        "-path",
        join(ROOT, "node_modules"),
        ")",
        "-prune",
        "-o",
        "-name",
        `terraform-provider-aws_v${AWS_PROVIDER_VERSION}*`,
        "-print",
        "-quit",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 120000 },
    ).trim();
    if (!out) return undefined;
    // <mirror>/registry.terraform.io/hashicorp/aws/<version>/<platform>/<binary>
    return resolve(dirname(out), "..", "..", "..", "..", "..");
  } catch {
    return undefined;
  }
}

/**
 * The mirror directory: $TF_PROVIDER_MIRROR, else the cached discovery in .terraform-cli/mirror-path, else a search.
 * Returns undefined when no mirror exists (Terraform then installs from the registry, which needs network).
 */
export function resolveMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TF_PROVIDER_MIRROR) {
    if (!isMirror(env.TF_PROVIDER_MIRROR)) {
      throw new Error(
        `TF_PROVIDER_MIRROR=${env.TF_PROVIDER_MIRROR} does not hold ${PROVIDER_DIR}/<platform>/terraform-provider-aws_v${AWS_PROVIDER_VERSION}*. Fix: point it at the mirror's root folder.`,
      );
    }
    return env.TF_PROVIDER_MIRROR;
  }
  const cached = join(CACHE_DIR, "mirror-path");
  if (existsSync(cached)) {
    const dir = readFileSync(cached, "utf8").trim();
    if (dir && isMirror(dir)) return dir;
  }
  const found = discover();
  if (found && isMirror(found)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cached, `${found}\n`);
    return found;
  }
  return undefined;
}

/** Writes .terraform-cli/terraformrc and returns the environment for terraform child processes. */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const mirror = resolveMirror(env);
  mkdirSync(CACHE_DIR, { recursive: true });
  const rc = join(CACHE_DIR, "terraformrc");
  const body = mirror
    ? `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`
    : `# no filesystem mirror found: providers come from the registry\n`;
  if (!existsSync(rc) || readFileSync(rc, "utf8") !== body) writeFileSync(rc, body);
  return { ...env, TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0", ...(mirror ? { TF_PROVIDER_MIRROR: mirror } : {}) };
}
