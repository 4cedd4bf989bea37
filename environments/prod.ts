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
  files: { maxFileSizeBytes: 26_214_400, allowedContentTypes: ["image/png", "image/jpeg", "image/webp", "application/pdf", "text/plain"] },
  api: { throttlingBurstLimit: 500, throttlingRateLimit: 200, corsAllowOrigins: ["https://app.example.com"] },
  workflows: { logLevel: "ERROR", includeExecutionData: false, inFlightWaitSeconds: 900 },
  auth: {
    callbackUrls: ["https://app.example.com/auth/callback"],
    logoutUrls: ["https://app.example.com/"],
    mfa: "OPTIONAL",
    domainPrefix: "login",
  },
  // app.example.com with its ACM certificate (us-east-1), TLS 1.2+; PriceClass_100 (North America, Europe, Israel):
  // the users are in Europe, and the other edges would only cost more per GB. Real-time metrics for incidents.
  web: {
    cdn: true,
    priceClass: "PriceClass_100",
    domain: { names: ["app.example.com"], certificateArn: "arn:aws:acm:us-east-1:333333333333:certificate/8d1c1f8e-3b7a-4c1e-9f45-2b6a0d3e7c10" },
    logging: "metrics",
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
    objectStorageGb: 200,
    objectWritesPerMonth: 500_000,
    objectReadsPerMonth: 2_000_000,
    logIngestionGbPerMonth: 40,
    monthlyActiveUsers: 50_000,
    stateTransitionsPerMonth: 50_000,
    lakeIngestGbPerMonth: 60,
    athenaTbScannedPerMonth: 0.5,
    deviceMessagesPerMonth: 20_000_000,
    // 50k users × ~30 visits × ~5 site files, plus the 30M API calls that come through CloudFront
    cdnRequestsPerMonth: 38_000_000,
    // ~100 KB of site per visit (gzip), ~2 KB per API response
    cdnDataOutGbPerMonth: 210,
  },
  ci: { githubRepository: "example-org/platform" },
  analytics: {
    minCapacity: 0.5,
    maxCapacity: 16,
    readers: 1,
    // Traffic follows users (bursts at launches and campaigns): on-demand absorbs up to twice the previous peak with
    // no shard planning, and a mis-sized shard count would throttle POST /events.
    activityStream: { capacityMode: "ON_DEMAND" },
    // Fewer, larger objects: cheaper S3 PUTs and faster Athena scans; reports are daily, so 5 minutes of delay is fine.
    lake: { bufferingSeconds: 300, bufferingMb: 128, resultsExpiryDays: 30, bytesScannedCutoffPerQuery: 10_737_418_240 },
  },
  guards: { deletionProtection: true, pointInTimeRecovery: true, preventDestroy: true },
};
