/** Policy rules of Aurora (RDS) clusters (PLT-RDS-*). */
import { isOn, preventsDestroy, violation } from "./helpers";
import type { PolicyRule, Violation } from "./types";

export const RDS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-RDS-001",
    severity: "error",
    title: "RDS clusters and instances encrypt storage",
    why: "Database storage, snapshots and replicas hold the analytics data; encryption cannot be turned on later without a copy.",
    fix: "Set storage_encrypted = true (optionally kms_key_id).",
    resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
    check(r) {
      if (r.type === "aws_rds_cluster" && r.config.engine_mode === "serverless") return []; // Serverless v1 is always encrypted
      return isOn(r.config.storage_encrypted) ? [] : [violation(`${r.address} has storage_encrypted off.`)];
    },
  },
  {
    id: "PLT-RDS-002",
    severity: "error",
    title: "Production RDS clusters and instances have deletion protection and prevent_destroy",
    why: "Production data must survive a mistaken destroy: AWS refuses the delete and Terraform refuses a plan that destroys or replaces the database.",
    fix: "Set deletion_protection = true and lifecycle { prevent_destroy = true } (the environment's guards).",
    resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
    productionOnly: true,
    check(r) {
      const out: Violation[] = [];
      if (!isOn(r.config.deletion_protection)) out.push(violation(`${r.address} has deletion_protection off in production.`));
      if (!preventsDestroy(r)) out.push(violation(`${r.address} has no lifecycle prevent_destroy in production.`));
      return out;
    },
  },
];
