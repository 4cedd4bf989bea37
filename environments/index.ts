import { dev } from "./dev";
import { local } from "./local";
import { prod } from "./prod";
import { staging } from "./staging";
import { EnvironmentConfig, loadEnvironment } from "./schema";

export * from "./schema";

/** Every deployed environment's raw config, by file name. */
export const ENVIRONMENT_INPUTS = { dev, staging, prod } as const;

/**
 * The local platform's environment (`npm start`, or `PLATFORM_LOCAL=1 cdktf deploy platform-local` while the local
 * runtime runs): emulators on this machine, never AWS. Not part of the deployed app unless asked for.
 */
export const LOCAL_ENVIRONMENT_INPUTS = { local } as const;

/**
 * Validates every environment once (at app start-up); throws an EnvironmentConfigError naming
 * the environment, the field and the allowed values on the first invalid environment.
 */
export function loadEnvironments(inputs: Record<string, unknown> = ENVIRONMENT_INPUTS): EnvironmentConfig[] {
  return Object.entries(inputs).map(([file, input]) => loadEnvironment(file, input));
}
