import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";
import { EnvironmentConfig, loadEnvironment } from "./schema";

export * from "./schema";

/** Every environment's raw config, by file name. */
export const ENVIRONMENT_INPUTS = { dev, staging, prod } as const;

/**
 * Validates every environment once (at app start-up); throws an EnvironmentConfigError naming
 * the environment, the field and the allowed values on the first invalid environment.
 */
export function loadEnvironments(inputs: Record<string, unknown> = ENVIRONMENT_INPUTS): EnvironmentConfig[] {
  return Object.entries(inputs).map(([file, input]) => loadEnvironment(file, input));
}
