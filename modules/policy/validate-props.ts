import { PropsValidator } from "../core/validation";
import type { Enforcement } from "./rules";

/** Minimum length of a suppression's reason (after trimming). */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

const ENFORCEMENTS: readonly Enforcement[] = ["error", "warn"];

/** applyPolicy options: enforcement "error"/"warn", an environment name, a production flag. */
export function validatePolicyOptions(path: string, options: { environment?: unknown; production?: unknown; enforcement?: unknown }): void {
  new PropsValidator("applyPolicy", path)
    .check(ENFORCEMENTS.includes(options.enforcement as Enforcement), {
      prop: "enforcement",
      received: options.enforcement,
      allowed: `one of ${ENFORCEMENTS.map((e) => JSON.stringify(e)).join(", ")}`,
      fix: "pass the environment's policy.enforcement",
    })
    .check(typeof options.environment === "string" && options.environment !== "", {
      prop: "environment",
      received: options.environment,
      allowed: "the environment's name (a non-empty string)",
      fix: "pass the environment's name",
    })
    .check(typeof options.production === "boolean", {
      prop: "production",
      received: options.production,
      allowed: "true or false",
      fix: "pass the environment's production flag",
    })
    .throwIfInvalid();
}

/** suppressPolicy arguments: a known rule id and a reason of at least 10 characters. */
export function validateSuppression(path: string, ruleId: unknown, reason: unknown, knownIds: readonly string[]): void {
  new PropsValidator("suppressPolicy", path)
    .check(typeof ruleId === "string" && knownIds.includes(ruleId), {
      prop: "ruleId",
      received: ruleId,
      allowed: `a rule id of docs/policy-rules.md: ${knownIds.join(", ")}`,
      fix: "use the id of the rule the finding names",
    })
    .check(typeof reason === "string" && reason.trim().length >= MIN_SUPPRESSION_REASON_LENGTH, {
      prop: "reason",
      received: reason,
      allowed: `a reason of at least ${MIN_SUPPRESSION_REASON_LENGTH} characters`,
      fix: "say why the rule does not apply here; the reason is printed in the policy report",
    })
    .throwIfInvalid();
}
