/** Policy rules of KMS keys (PLT-KMS-*). */
import { isOn, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const KMS_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-KMS-001",
    severity: "error",
    title: "Symmetric KMS keys rotate automatically",
    why: "Rotation limits how much data one key version protects; it is free and transparent for symmetric keys.",
    fix: "Use the Key module (rotation on by default), or set enable_key_rotation = true.",
    resourceTypes: ["aws_kms_key"],
    check(r) {
      const spec = r.config.customer_master_key_spec ?? "SYMMETRIC_DEFAULT";
      const usage = r.config.key_usage ?? "ENCRYPT_DECRYPT";
      if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") return []; // asymmetric and HMAC keys cannot rotate
      return isOn(r.config.enable_key_rotation) ? [] : [violation(`Key ${r.address} has automatic rotation off.`)];
    },
  },
];
