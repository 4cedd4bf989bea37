/** Policy rules of CloudWatch log groups (PLT-LOG-*). */
import { display, isExpression, preventsDestroy, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const LOGS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-LOG-001",
    severity: "error",
    title: "CloudWatch log groups have a retention",
    why: "Logs kept forever cost money every month and keep personal data longer than needed.",
    fix: "Use the LogGroup module (or the owning module's logRetentionDays), or set retention_in_days to a value CloudWatch accepts.",
    resourceTypes: ["aws_cloudwatch_log_group"],
    check(r) {
      const days = r.config.retention_in_days;
      if (isExpression(days) || (typeof days === "number" && days > 0)) return [];
      return [violation(`Log group ${display(r, "name", "name_prefix")} keeps events forever (retention_in_days ${days === undefined ? "unset" : days}).`)];
    },
  },
  {
    id: "PLT-LOG-002",
    severity: "error",
    title: "Production log groups have prevent_destroy",
    why: "Production logs are audit evidence; a replace or destroy in a plan must stop at plan time instead of deleting them.",
    fix: "Turn the environment's preventDestroy guard on (modules pass it as preventLogGroupDestroy), or set lifecycle { prevent_destroy = true }.",
    resourceTypes: ["aws_cloudwatch_log_group"],
    productionOnly: true,
    check(r) {
      return preventsDestroy(r) ? [] : [violation(`Log group ${display(r, "name", "name_prefix")} has no lifecycle prevent_destroy in production.`)];
    },
  },
];
