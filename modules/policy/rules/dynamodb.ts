/** Policy rules of DynamoDB tables (PLT-DDB-*). */
import { block, display, isOn, preventsDestroy, violation } from "./helpers";
import type { PolicyRule, Violation } from "./types";

export const DYNAMODB_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-DDB-001",
    severity: "error",
    title: "DynamoDB tables use KMS server-side encryption",
    why: "With server_side_encryption enabled the table key is a KMS key (AWS-managed or customer-managed) whose use CloudTrail records.",
    fix: "Use the Table module, or set server_side_encryption { enabled = true } (optionally kms_key_arn).",
    resourceTypes: ["aws_dynamodb_table"],
    check(r) {
      return isOn(block(r.config.server_side_encryption)?.enabled) ? [] : [violation(`Table ${display(r, "name")} does not enable server_side_encryption.`)];
    },
  },
  {
    id: "PLT-DDB-002",
    severity: "error",
    title: "DynamoDB tables have point-in-time recovery",
    why: "A bad deploy or a buggy writer can corrupt items; PITR restores the table to any second of the last 35 days.",
    fix: "Use the Table module with pointInTimeRecovery on (the default), or set point_in_time_recovery { enabled = true }.",
    resourceTypes: ["aws_dynamodb_table"],
    check(r) {
      return isOn(block(r.config.point_in_time_recovery)?.enabled) ? [] : [violation(`Table ${display(r, "name")} has point-in-time recovery off.`)];
    },
  },
  {
    id: "PLT-DDB-003",
    severity: "error",
    title: "Production DynamoDB tables have deletion protection and prevent_destroy",
    why: "Production data must survive a mistaken destroy: AWS refuses DeleteTable and Terraform refuses a plan that destroys or replaces the table.",
    fix: "Turn the environment's guards on (deletionProtection, preventDestroy), or set deletion_protection_enabled = true and lifecycle { prevent_destroy = true }.",
    resourceTypes: ["aws_dynamodb_table"],
    productionOnly: true,
    check(r) {
      const out: Violation[] = [];
      if (!isOn(r.config.deletion_protection_enabled)) out.push(violation(`Table ${display(r, "name")} has deletion_protection_enabled off in production.`));
      if (!preventsDestroy(r)) out.push(violation(`Table ${display(r, "name")} has no lifecycle prevent_destroy in production.`));
      return out;
    },
  },
];
