import type { EnvironmentInput } from "./schema";

/** Staging: production-shaped, its own account, guards on so rehearsals of prod changes are honest. */
export const staging: EnvironmentInput = {
  name: "staging",
  app: "platform",
  region: "eu-west-1",
  allowedAccountIds: ["222222222222"],
  production: false,
  backend: { bucket: "platform-terraform-state-222222222222", key: "platform/staging.tfstate", region: "eu-west-1" },
  tags: { Project: "platform", Environment: "staging", ManagedBy: "cdktf", CostCenter: "engineering" },
  logRetentionDays: 30,
  functionDefaults: { memorySize: 256, timeoutSeconds: 10, logLevel: "INFO" },
  api: { throttlingBurstLimit: 100, throttlingRateLimit: 50, corsAllowOrigins: ["https://staging.app.example.com"] },
  auth: {
    callbackUrls: ["https://staging.app.example.com/auth/callback"],
    logoutUrls: ["https://staging.app.example.com/"],
    mfa: "OPTIONAL",
  },
  alarmEmail: "platform-alerts+staging@example.com",
  policy: { enforcement: "error" },
  loadProfile: {
    apiRequestsPerMonth: 500_000,
    functionInvocationsPerMonth: 600_000,
    averageFunctionDurationMs: 100,
    tableReadsPerMonth: 400_000,
    tableWritesPerMonth: 100_000,
    tableStorageGb: 1,
    snsPublishesPerMonth: 100_000,
    sqsRequestsPerMonth: 0,
    logIngestionGbPerMonth: 2,
    monthlyActiveUsers: 200,
  },
  ci: { githubRepository: "example-org/platform" },
  analytics: { minCapacity: 0, maxCapacity: 4, secondsUntilAutoPause: 1800, readers: 0 },
  guards: { deletionProtection: true, pointInTimeRecovery: true, preventDestroy: false },
};
