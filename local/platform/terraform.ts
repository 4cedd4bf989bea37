/** Terraform for the local deploy: the offline CLI config (provider mirror), init once, apply with output to a log. */
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { run } from "../../lib/process";
import { TERRAFORM_INSTALL_HINT, terraformEnv } from "../../lib/terraform-cli";

export class TerraformFailed extends Error {}

/** Runs terraform in `cwd`, output appended to `logFile`; rejects with the tail of the output on a non-zero exit. */
export function runTerraform(cwd: string, args: readonly string[], logFile: string): Promise<void> {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  log.write(`\n$ terraform ${args.join(" ")}\n`);
  let tail = "";
  const keep = (d: Buffer): void => {
    log.write(d);
    tail = (tail + d.toString("utf8")).slice(-6000);
  };
  return run("terraform", args, { cwd, env: { ...terraformEnv(), TF_LOG: "" }, onOutput: keep, missingHint: TERRAFORM_INSTALL_HINT, timeoutMs: Infinity }).then(
    (result) => {
      log.end();
      if (result.code !== 0) throw new TerraformFailed(`terraform ${args[0]} failed (exit ${result.code}) in ${cwd}; full output in ${logFile}:\n${tail}`);
    },
    (err: Error) => {
      log.end();
      throw new TerraformFailed(err.message);
    },
  );
}

/** init (offline, provider from the mirror) when the stack folder has not been initialised yet. */
export async function initOnce(stackDir: string, logFile: string): Promise<void> {
  if (existsSync(join(stackDir, ".terraform", "providers")) && existsSync(join(stackDir, ".terraform.lock.hcl"))) return;
  await runTerraform(stackDir, ["init", "-input=false", "-no-color"], logFile);
}

export function apply(stackDir: string, logFile: string): Promise<void> {
  return runTerraform(stackDir, ["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"], logFile);
}
