/**
 * The platform's policy rules: secure defaults of the modules, checked on every resource of a synthesized stack.
 *
 * Each rule has a stable id (`PLT-<SERVICE>-<NNN>`, never reused), a severity (`error` fails synth where enforcement is
 * "error"; `warning` never fails synth), the resource types it inspects and a check over the resource's synthesized
 * (resolved, snake_case) config. docs/policy-rules.md documents every rule; a test keeps the two in sync.
 *
 * Values that are Terraform expressions (`${var.x}`, `${aws_x.y.z}`) are known only at apply and are not judged
 * (a rule passes on them), except for policy documents, which must be JSON known at synth.
 */
import { S3_RULES } from "./s3";
import { SQS_RULES } from "./sqs";
import { SNS_RULES } from "./sns";
import { DYNAMODB_RULES } from "./dynamodb";
import { LOGS_RULES } from "./logs";
import { IAM_RULES } from "./iam";
import { API_GATEWAY_RULES } from "./api-gateway";
import { CLOUDFRONT_RULES } from "./cloudfront";
import { LAMBDA_RULES } from "./lambda";
import { STEP_FUNCTIONS_RULES } from "./step-functions";
import { IOT_RULES } from "./iot";
import { KMS_RULES } from "./kms";
import { RDS_RULES } from "./rds";
import { KINESIS_RULES } from "./kinesis";
import { COGNITO_RULES } from "./cognito";
import { FIREHOSE_RULES } from "./firehose";
import { ATHENA_RULES } from "./athena";
import type { PolicyRule } from "./types";

export type { Enforcement, PolicyRule, ResourceView, RuleContext, Severity, Violation } from "./types";
export { MODERN_CLOUDFRONT_TLS } from "./helpers";

/** Every rule, one file per service (rules/<service>.ts), in the order the report lists them. */
export const POLICY_RULES: readonly PolicyRule[] = [
  ...S3_RULES,
  ...SQS_RULES,
  ...SNS_RULES,
  ...DYNAMODB_RULES,
  ...LOGS_RULES,
  ...IAM_RULES,
  ...API_GATEWAY_RULES,
  ...CLOUDFRONT_RULES,
  ...LAMBDA_RULES,
  ...STEP_FUNCTIONS_RULES,
  ...IOT_RULES,
  ...KMS_RULES,
  ...RDS_RULES,
  ...KINESIS_RULES,
  ...COGNITO_RULES,
  ...FIREHOSE_RULES,
  ...ATHENA_RULES,
];

const BY_ID = new Map(POLICY_RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function policyRule(id: string): PolicyRule | undefined {
  return BY_ID.get(id);
}
