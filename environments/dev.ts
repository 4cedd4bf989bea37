import type { EnvironmentInput } from "./schema";

/** Development: cheap, disposable; guards off so the stack can be torn down. */
export const dev: EnvironmentInput = {
  name: "dev",
  app: "platform",
  region: "eu-west-1",
  allowedAccountIds: ["111111111111"],
  production: false,
  backend: { bucket: "platform-terraform-state-111111111111", key: "platform/dev.tfstate", region: "eu-west-1" },
  tags: { Project: "platform", Environment: "dev", ManagedBy: "cdktf", CostCenter: "engineering" },
  logRetentionDays: 14,
  functionDefaults: { memorySize: 256, timeoutSeconds: 10, logLevel: "DEBUG" },
  files: { maxFileSizeBytes: 10_485_760, allowedContentTypes: ["image/png", "image/jpeg", "image/webp", "application/pdf", "text/plain"] },
  api: { throttlingBurstLimit: 50, throttlingRateLimit: 20, corsAllowOrigins: ["http://localhost:5173", "https://dev.app.example.com"] },
  workflows: { logLevel: "ALL", includeExecutionData: false, inFlightWaitSeconds: 900 },
  auth: {
    callbackUrls: ["http://localhost:5173/auth/callback", "https://dev.app.example.com/auth/callback"],
    logoutUrls: ["http://localhost:5173/", "https://dev.app.example.com/"],
    mfa: "OPTIONAL",
    domainPrefix: "login",
  },
  // The SPA behind CloudFront (services/web.ts). Edge locations in North America and Europe only (the users are in
  // Europe); only the built-in metrics: dev's trickle of requests needs no per-status breakdown.
  web: { cdn: true, priceClass: "PriceClass_100", logging: "none" },
  alarmEmail: "platform-alerts+dev@example.com",
  policy: { enforcement: "warn" },
  loadProfile: {
    apiRequestsPerMonth: 50_000,
    functionInvocationsPerMonth: 60_000,
    averageFunctionDurationMs: 120,
    tableReadsPerMonth: 40_000,
    tableWritesPerMonth: 10_000,
    tableStorageGb: 0.1,
    snsPublishesPerMonth: 10_000,
    sqsRequestsPerMonth: 0,
    objectStorageGb: 1,
    objectWritesPerMonth: 5_000,
    objectReadsPerMonth: 20_000,
    logIngestionGbPerMonth: 0.5,
    monthlyActiveUsers: 20,
    stateTransitionsPerMonth: 1_000,
    lakeIngestGbPerMonth: 0.1,
    athenaTbScannedPerMonth: 0.001,
    deviceMessagesPerMonth: 10_000,
    // page loads (index.html, config.json, assets) plus the API calls that go through CloudFront
    cdnRequestsPerMonth: 60_000,
    cdnDataOutGbPerMonth: 1,
  },
  ci: { githubRepository: "example-org/platform" },
  analytics: {
    minCapacity: 0,
    maxCapacity: 2,
    secondsUntilAutoPause: 300,
    readers: 0,
    // One provisioned shard (~$11/month) covers dev's trickle of events (1 MB/s in) and exercises the provisioned
    // path that on-demand hides; on-demand's per-stream-hour charge alone costs more than one shard.
    activityStream: { capacityMode: "PROVISIONED", shardCount: 1 },
    // Small, frequent objects: a developer sees an event in Athena about a minute after sending it.
    lake: { bufferingSeconds: 60, bufferingMb: 1, resultsExpiryDays: 7, bytesScannedCutoffPerQuery: 100_000_000 },
  },
  guards: { deletionProtection: false, pointInTimeRecovery: true, preventDestroy: false },
};
