/** Policy rules of Lambda functions (PLT-LAMBDA-*). */
import { block, display, isExpression, refersTo, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const LAMBDA_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-LAMBDA-001",
    severity: "warning",
    title: "Lambda functions trace with X-Ray (Active)",
    why: "Traces show where a slow or failing request spent its time across API Gateway, Lambda, DynamoDB and SNS.",
    fix: 'Use the LambdaFunction module with tracing on (the default), or set tracing_config { mode = "Active" }.',
    resourceTypes: ["aws_lambda_function"],
    check(r) {
      const mode = block(r.config.tracing_config)?.mode;
      return mode === "Active" || isExpression(mode) ? [] : [violation(`Function ${display(r, "function_name")} has tracing mode ${mode ?? "unset (PassThrough)"}.`)];
    },
  },
  {
    id: "PLT-LAMBDA-002",
    severity: "warning",
    title: "Lambda functions log to a log group managed in the stack",
    why: "Otherwise Lambda creates /aws/lambda/<name> on first log, with no retention, and Terraform never manages it.",
    fix: "Use the LambdaFunction module, or create the aws_cloudwatch_log_group (with retention) and point logging_config.log_group at it.",
    resourceTypes: ["aws_lambda_function"],
    check(r, ctx) {
      const groups = ctx.resources("aws_cloudwatch_log_group");
      const target = block(r.config.logging_config)?.log_group;
      const name = r.config.function_name;
      const managed = groups.some(
        (g) =>
          refersTo(target, g, "name", "id") ||
          (typeof target === "string" && target === g.config.name) ||
          (target === undefined && typeof name === "string" && g.config.name === `/aws/lambda/${name}`),
      );
      if (managed || (isExpression(name) && target === undefined)) return [];
      return [violation(`Function ${display(r, "function_name")} logs to ${target !== undefined ? `"${target}"` : "its default log group"}, which this stack does not manage.`)];
    },
  },
];
