/**
 * Runs Lambda functions' deployment bundles locally, in worker processes that behave like Lambda's nodejs22.x
 * runtime: see pool.ts (FunctionPool), worker.ts (one process) and bootstrap.js (inside the process).
 */
export { FunctionPool, defaultOutput } from "./pool";
export type { FunctionPoolOptions, InvocationStartListener, OutputMeta } from "./pool";
export type { FunctionSpec } from "./spec";
export type { OutputStream } from "./worker";
export { unpackZip } from "./unpack-zip";
