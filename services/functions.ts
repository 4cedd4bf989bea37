import type { LambdaFunction, LambdaFunctionProps } from "../modules/lambda-function";

/** Builds a function with the caller's defaults (the stack's factory: memory, timeout, log level and retention). */
export type FunctionFactory = (id: string, props: LambdaFunctionProps) => LambdaFunction;

/** Where a handler's code is and how it is bundled (the stack bundles every handler in one esbuild run). */
export type HandlerEntry = Pick<LambdaFunctionProps, "entry" | "bundling">;
