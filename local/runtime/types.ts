import { LOCAL_ACCOUNT_ID } from "../../environments/schema";

/** Types shared by the parts of the local Lambda runtime (workers, HTTP API, event sources, AWS endpoint). */

/** The outcome of one invocation, as Lambda's Invoke reports it (a function error is an outcome, not a throw). */
export type InvokeOutcome =
  | { readonly ok: true; readonly payload: unknown; readonly requestId: string; readonly durationMs: number }
  | {
      readonly ok: false;
      /** `errorType` of the thrown error, or "Sandbox.Timedout" / "Runtime.ExitError" / "Runtime.ImportModuleError" */
      readonly errorType: string;
      readonly errorMessage: string;
      readonly trace?: readonly string[];
      readonly requestId: string;
      readonly durationMs: number;
    };

export interface InvokeOptions {
  /** @default a random UUID */
  readonly requestId?: string;
}

/** Runs a deployed function, named by ARN or name, with an event: the local runtime's Lambda Invoke. */
export type InvokeFunction = (functionArnOrName: string, event: unknown, options?: InvokeOptions) => Promise<InvokeOutcome>;

/** Where the runtime's own messages go (function logs go to the console with their own prefix). */
export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Region, account and static credentials of the local platform (moto's default account). */
export const LOCAL_AWS = {
  region: "us-east-1",
  accountId: LOCAL_ACCOUNT_ID,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
} as const;

/** A log that drops everything (tests). */
export const SILENT_LOG: RuntimeLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
