/** Terraform for the local deploy: the offline CLI config (provider mirror), init once, apply with output to a log. */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { terraformEnv } from "../../scripts/terraform-cli";

export class TerraformFailed extends Error {}

/** Runs terraform in `cwd`, output appended to `logFile`; rejects with the tail of the output on a non-zero exit. */
export function runTerraform(cwd: string, args: readonly string[], logFile: string): Promise<void> {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  log.write(`\n$ terraform ${args.join(" ")}\n`);
  return new Promise((resolveRun, reject) => {
    const child = spawn("terraform", [...args], { cwd, env: { ...terraformEnv(), TF_LOG: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (d: Buffer): void => {
      log.write(d);
      tail = (tail + d.toString("utf8")).slice(-6000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (err) => reject(new TerraformFailed(`terraform could not start (${err.message}). Fix: install Terraform ≥ 1.10 on PATH.`)));
    child.on("close", (code) => {
      log.end();
      if (code === 0) resolveRun();
      else reject(new TerraformFailed(`terraform ${args[0]} failed (exit ${code}) in ${cwd}; full output in ${logFile}:\n${tail}`));
    });
  });
}

/** init (offline, provider from the mirror) when the stack folder has not been initialised yet. */
export async function initOnce(stackDir: string, logFile: string): Promise<void> {
  if (existsSync(join(stackDir, ".terraform", "providers")) && existsSync(join(stackDir, ".terraform.lock.hcl"))) return;
  await runTerraform(stackDir, ["init", "-input=false", "-no-color"], logFile);
}

export function apply(stackDir: string, logFile: string): Promise<void> {
  return runTerraform(stackDir, ["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"], logFile);
}
