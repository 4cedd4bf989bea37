// Run: node -r @swc-node/register scripts/doctor.ts   (part of `npm run setup`)
// Checks what the tests and synth need besides node_modules, and writes the offline Terraform CLI config.
import { spawnSync } from "node:child_process";
import { terraformEnv } from "../lib/terraform-cli";

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What a command prints about its version (stdout and stderr: `java -version` writes to stderr); undefined when absent. */
function version(cmd: string, args: string[]): string | undefined {
  const run = spawnSync(cmd, args, { encoding: "utf8" });
  if (run.error) return undefined;
  return `${run.stdout ?? ""}${run.stderr ?? ""}`.trim() || undefined;
}

export function runChecks(): Check[] {
  const checks: Check[] = [];
  const [major] = process.versions.node.split(".").map(Number);
  checks.push({ name: "node", ok: major >= 20, detail: `v${process.versions.node}${major >= 20 ? "" : " (need ≥ 20)"}` });

  const tf = version("terraform", ["version", "-json"]);
  let tfVersion: string | undefined;
  try {
    tfVersion = tf ? (JSON.parse(tf.slice(tf.indexOf("{"), tf.lastIndexOf("}") + 1)).terraform_version as string) : undefined;
  } catch {
    tfVersion = undefined;
  }
  const [tfMajor, tfMinor] = (tfVersion ?? "0.0").split(".").map(Number);
  const tfOk = tfVersion !== undefined && (tfMajor > 1 || (tfMajor === 1 && tfMinor >= 10));
  checks.push({
    name: "terraform",
    ok: tfOk,
    detail: tfVersion
      ? `${tfVersion}${tfOk ? "" : " (need ≥ 1.10 for S3 use_lockfile)"}`
      : "not found: install Terraform ≥ 1.10 (https://developer.hashicorp.com/terraform/install)",
  });

  const java = version("java", ["-version"]);
  const javaMajor = java ? Number((/version "(\d+)/.exec(java) ?? [])[1]) : 0;
  checks.push({
    name: "java",
    ok: javaMajor >= 17,
    detail: java ? `${java.split("\n")[0]}${javaMajor >= 17 ? "" : " (need ≥ 17)"}` : "not found: DynamoDB Local needs Java 17 (apt-get install -y openjdk-17-jre-headless)",
  });

  const moto = version("moto_server", ["--help"]);
  checks.push({
    name: "moto_server",
    ok: moto !== undefined,
    detail: moto
      ? "on PATH (the local platform's AWS emulator)"
      : "not found: npm start and the end-to-end test need moto 5.2.1 (pip install 'moto[server]==5.2.1'; needs a Python package index)",
  });

  // The browser tests (test/browser) drive a system chromium through playwright-core; nothing downloads a browser.
  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const chromium = version(chromiumPath, ["--version"]);
  checks.push({
    name: "chromium",
    ok: chromium !== undefined,
    detail: chromium
      ? `${chromium.split("\n")[0]} at ${chromiumPath} (the web app's browser tests)`
      : `not found at ${chromiumPath}: the web app's browser tests need it (apt-get install -y chromium, Debian's package; or set CHROMIUM_PATH)`,
  });

  const env = terraformEnv();
  checks.push({
    name: "aws provider",
    ok: true,
    detail: env.TF_PROVIDER_MIRROR
      ? `hashicorp/aws 5.100.0 from filesystem mirror ${env.TF_PROVIDER_MIRROR} (CLI config ${env.TF_CLI_CONFIG_FILE})`
      : "no filesystem mirror found: terraform init will download hashicorp/aws 5.100.0 from the registry (set TF_PROVIDER_MIRROR to work offline)",
  });
  return checks;
}

if (require.main === module) {
  const checks = runChecks();
  for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name.padEnd(13)} ${c.detail}`);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    console.error(`\n${failed.length} requirement(s) missing: ${failed.map((c) => c.name).join(", ")}`);
    process.exit(1);
  }
}
