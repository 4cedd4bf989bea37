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
  policy: { enforcement: "error" },
  loadProfile: {
    apiRequestsPerMonth: 30_000_000,
    functionInvocationsPerMonth: 35_000_000,
    averageFunctionDurationMs: 80,
    tableReadsPerMonth: 25_000_000,
    tableWritesPerMonth: 5_000_000,
    tableStorageGb: 20,
    snsPublishesPerMonth: 5_000_000,
    sqsRequestsPerMonth: 1_000,
    logIngestionGbPerMonth: 40,
    monthlyActiveUsers: 50_000,
  },
  ci: { githubRepository: "example-org/platform" },
  analytics: { minCapacity: 0.5, maxCapacity: 16, readers: 1 },
  guards: { deletionProtection: true, pointInTimeRecovery: true, preventDestroy: true },
};
