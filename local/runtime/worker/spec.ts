/** What the local runtime needs to know about one deployed function. */
export interface FunctionSpec {
  /** Physical function name, e.g. "platform-local-profile-api". */
  readonly name: string;
  readonly arn: string;
  /** Lambda handler string: "index.handler" (file index.js, .mjs or .cjs; export "handler"), "src/app.main", ... */
  readonly handler: string;
  /** A folder holding the unpacked bundle (the worker's cwd and LAMBDA_TASK_ROOT). */
  readonly codeDir: string;
  /** The function's own environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** MB; also the worker's V8 heap limit (--max-old-space-size). */
  readonly memorySize: number;
}

/** Throws when a spec cannot run (a programming error, not a function error). */
export function validateSpec(spec: FunctionSpec): void {
  const where = `function "${spec.name}"`;
  if (!(spec.timeoutSeconds > 0)) throw new Error(`${where}: timeoutSeconds must be positive, got ${spec.timeoutSeconds}`);
  if (!(spec.memorySize > 0)) throw new Error(`${where}: memorySize must be positive, got ${spec.memorySize}`);
  if (spec.codeDir === "") throw new Error(`${where}: codeDir is empty`);
}
