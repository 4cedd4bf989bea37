import { delimiter, resolve } from "node:path";
import { LOCAL_AWS } from "../types";
import { FunctionSpec } from "./spec";

/** The only variables a worker takes from this process: what a Node process needs to run on this machine. */
const ESSENTIALS = ["PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TMP", "TEMP", "SYSTEMROOT", "SystemRoot", "WINDIR", "COMSPEC", "PATHEXT"];

/** Lambda always gives a function a region and credentials (its role's); these stand in until baseEnvironment says otherwise. */
const LOCAL_DEFAULTS: Readonly<Record<string, string>> = {
  AWS_REGION: LOCAL_AWS.region,
  AWS_DEFAULT_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
};

/** What one worker's environment is made of. */
export interface WorkerEnvironmentInput {
  readonly spec: FunctionSpec;
  readonly baseEnvironment: Readonly<Record<string, string>>;
  /** This worker's AWS_LAMBDA_LOG_STREAM_NAME. */
  readonly logStreamName: string;
  /** Stand-in for /var/runtime/node_modules (runtime-modules.ts), if any. */
  readonly runtimeModules: string | undefined;
  /** @default process.env */
  readonly parentEnv?: NodeJS.ProcessEnv;
}

/**
 * A worker's environment, in layers (later wins): this process's essentials (PATH, HOME, TMPDIR...), the local
 * region and credentials (LOCAL_AWS) with Lambda's unreserved LANG and NODE_PATH, baseEnvironment, the function's
 * environment, then the variables Lambda reserves (a function cannot override those in Lambda either). Nothing
 * else of this process leaks in: not its AWS_* variables, not NODE_OPTIONS.
 */
export function workerEnvironment(input: WorkerEnvironmentInput): Record<string, string> {
  const { spec } = input;
  const parentEnv = input.parentEnv ?? process.env;
  const essentials: Record<string, string> = {};
  for (const key of ESSENTIALS) {
    const value = parentEnv[key];
    if (value !== undefined) essentials[key] = value;
  }
  const codeDir = resolve(spec.codeDir);
  return {
    ...essentials,
    ...LOCAL_DEFAULTS,
    // Set by Lambda but not reserved: a function may override them.
    LANG: "en_US.UTF-8",
    NODE_PATH: [input.runtimeModules, codeDir].filter((p): p is string => p !== undefined).join(delimiter),
    ...input.baseEnvironment,
    ...spec.environment,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: codeDir,
    TZ: ":UTC",
  };
}

/** A log stream name as Lambda makes them: `2025/01/31/[$LATEST]<32 hex digits>`. */
export function logStreamName(now: Date, id: string): string {
  const day = now.toISOString().slice(0, 10).split("-").join("/");
  return `${day}/[$LATEST]${id}`;
}
