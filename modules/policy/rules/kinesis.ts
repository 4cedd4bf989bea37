/** Policy rules of Kinesis streams (PLT-KIN-*). */
import { display, isExpression, isSet, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const KINESIS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-KIN-001",
    severity: "error",
    title: "Kinesis streams are encrypted with KMS",
    why: "Activity records carry user ids; server-side encryption keeps them encrypted in the stream's storage.",
    fix: 'Set encryption_type = "KMS" and kms_key_id (alias/aws/kinesis or a customer-managed key).',
    resourceTypes: ["aws_kinesis_stream"],
    check(r) {
      const type = r.config.encryption_type;
      if (isExpression(type)) return [];
      if (type !== "KMS") return [violation(`Stream ${display(r, "name")} has encryption_type ${type ?? "NONE (unset)"}.`)];
      return isSet(r.config.kms_key_id) ? [] : [violation(`Stream ${display(r, "name")} has encryption_type KMS but no kms_key_id.`)];
    },
  },
];
