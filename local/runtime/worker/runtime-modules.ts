import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The package scopes Lambda's nodejs22.x runtime provides to every function: the AWS SDK for JavaScript v3. */
const RUNTIME_SCOPES = ["@aws-sdk", "@smithy"] as const;

/** The nearest node_modules folder above `from` that holds the AWS SDK. */
function sdkNodeModules(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules");
    if (existsSync(join(candidate, "@aws-sdk"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

let memo: string | null | undefined;

/**
 * A folder standing in for Lambda's /var/runtime/node_modules (on the workers' NODE_PATH): links to this
 * repository's `@aws-sdk` and `@smithy` packages and nothing else, so a bundle can load the SDK parts it leaves out
 * (the lazy credential providers) as in Lambda, while a dependency a bundle forgot still fails to load as it would
 * there. Created once per machine and node_modules folder under the temp folder; undefined when no SDK is installed.
 */
export function runtimeModulesDir(): string | undefined {
  if (memo !== undefined) return memo ?? undefined;
  const nodeModules = sdkNodeModules(__dirname);
  if (nodeModules === undefined) {
    memo = null;
    return undefined;
  }
  const key = createHash("sha256").update(nodeModules).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), `platform-lambda-runtime-${key}`);
  if (!existsSync(dir)) {
    // Built aside and renamed into place: concurrent processes (jest workers) never see half a folder.
    const staging = `${dir}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const scope of RUNTIME_SCOPES) {
      if (existsSync(join(nodeModules, scope))) symlinkSync(join(nodeModules, scope), join(staging, scope), "dir");
    }
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
  }
  memo = dir;
  return dir;
}
