/** Policy rules of Cognito user pools (PLT-COG-*). */
import { display, isExpression, preventsDestroy, violation } from "./helpers";
import type { PolicyRule, Violation } from "./types";

export const COGNITO_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-COG-001",
    severity: "error",
    title: "Production user pools have deletion protection and prevent_destroy",
    why: "Deleting a user pool deletes every account and password; it cannot be undone.",
    fix: 'Turn the environment\'s guards on (UserPool deletionProtection, preventDestroy), or set deletion_protection = "ACTIVE" and lifecycle { prevent_destroy = true }.',
    resourceTypes: ["aws_cognito_user_pool"],
    productionOnly: true,
    check(r) {
      const out: Violation[] = [];
      const dp = r.config.deletion_protection;
      if (dp !== "ACTIVE" && !isExpression(dp)) out.push(violation(`User pool ${display(r, "name")} has deletion_protection ${dp ?? "INACTIVE (unset)"} in production.`));
      if (!preventsDestroy(r)) out.push(violation(`User pool ${display(r, "name")} has no lifecycle prevent_destroy in production.`));
      return out;
    },
  },
];
