/** Policy rules of Athena workgroups (PLT-ATH-*). */
import { block, display, isExpression, violation } from "./helpers";
import type { PolicyRule, Violation } from "./types";

export const ATHENA_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-ATH-001",
    severity: "error",
    title: "Athena workgroups enforce their configuration and encrypt query results",
    why: "Query results hold the data a query read; with enforce_workgroup_configuration a client cannot send them to another location, turn encryption off or lift the scan cutoff.",
    fix: 'Use the DataLake module, or set configuration { enforce_workgroup_configuration = true, result_configuration { encryption_configuration { encryption_option = "SSE_S3" | "SSE_KMS" | "CSE_KMS" } } }.',
    resourceTypes: ["aws_athena_workgroup"],
    check(r) {
      const config = block(r.config.configuration);
      const out: Violation[] = [];
      // enforce_workgroup_configuration defaults to true in the provider; only an explicit false is a violation.
      const enforce = config?.enforce_workgroup_configuration;
      if (enforce === false || enforce === "false")
        out.push(violation(`Workgroup ${display(r, "name")} lets clients override its configuration (enforce_workgroup_configuration false).`));
      const option = block(block(block(config?.result_configuration)?.encryption_configuration))?.encryption_option;
      if (!isExpression(option) && !["SSE_S3", "SSE_KMS", "CSE_KMS"].includes(option)) {
        out.push(violation(`Workgroup ${display(r, "name")} does not encrypt query results (encryption_option ${option ?? "unset"}).`));
      }
      return out;
    },
  },
];
