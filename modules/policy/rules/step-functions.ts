/** Policy rules of Step Functions state machines (PLT-SFN-*). */
import { block, display, isExpression, isOn, isSet, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const STEP_FUNCTIONS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-SFN-001",
    severity: "error",
    title: "Step Functions state machines log executions to CloudWatch Logs",
    why: "Without execution logs a failed workflow (a user deletion half done) leaves no record outside the 90-day execution history, and Express workflows keep none at all.",
    fix: 'Use the StateMachine module (level ERROR to its own log group by default), or set logging_configuration { level = "ERROR" (or ALL/FATAL), log_destination = "<log group arn>:*" }.',
    resourceTypes: ["aws_sfn_state_machine"],
    check(r) {
      const logging = block(r.config.logging_configuration);
      const level = logging?.level;
      if (isExpression(level)) return [];
      if (level === undefined || level === "OFF") return [violation(`State machine ${display(r, "name")} has logging level ${level ?? "OFF (unset)"}.`)];
      return isSet(logging?.log_destination) ? [] : [violation(`State machine ${display(r, "name")} logs at level ${level} but has no log_destination.`)];
    },
  },
  {
    id: "PLT-SFN-002",
    severity: "warning",
    title: "Step Functions state machines trace with X-Ray",
    why: "Traces show which state and which downstream call (Lambda, DynamoDB, Cognito) made an execution slow or fail.",
    fix: "Use the StateMachine module with tracing on (the default), or set tracing_configuration { enabled = true }.",
    resourceTypes: ["aws_sfn_state_machine"],
    check(r) {
      const enabled = block(r.config.tracing_configuration)?.enabled;
      return isOn(enabled) ? [] : [violation(`State machine ${display(r, "name")} has tracing ${enabled === undefined ? "unset (off)" : "off"}.`)];
    },
  },
];
