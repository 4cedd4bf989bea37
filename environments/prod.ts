import type { EnvironmentInput } from "./schema";

/** Production: every stateful guard on, longer log retention, higher throttling limits. */
export const prod: EnvironmentInput = {
  name: "prod",
  app: "platform",
  region: "eu-west-1",
  allowedAccountIds: ["333333333333"],
  production: true,
  backend: { bucket: "platform-terraform-state-333333333333", key: "platform/prod.tfstate", region: "eu-west-1" },
  tags: { Project: "platform", Environment: "prod", ManagedBy: "cdktf", CostCenter: "engineering", DataClassification: "personal" },
  logRetentionDays: 90,
  functionDefaults: { memorySize: 512, timeoutSeconds: 10, logLevel: "INFO" },
  api: { throttlingBurstLimit: 500, throttlingRateLimit: 200, corsAllowOrigins: ["https://app.example.com"] },
  auth: {
    callbackUrls: ["https://app.example.com/auth/callback"],
    logoutUrls: ["https://app.example.com/"],
    mfa: "OPTIONAL",
  },
  alarmEmail: "platform-alerts@example.com",
  guards: { deletionProtection: true, pointInTimeRecovery: true, preventDestroy: true },
};
