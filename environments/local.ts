import type { EnvironmentInput } from "./schema";
import { LOCAL_ACCOUNT_ID } from "./schema";

/**
 * Local: the whole platform on this machine (`npm start`), deployed by Terraform to emulators (moto, DynamoDB Local,
 * the local Data API) through the local runtime at `local.endpointPort`. Its provider allows only the emulators'
 * account, so it can never reach AWS. Guards are off (throw-away data); DynamoDB Local has no point-in-time recovery.
 */
export const local: EnvironmentInput = {
  name: "local",
  app: "platform",
  region: "us-east-1",
  allowedAccountIds: [LOCAL_ACCOUNT_ID],
  production: false,
  local: { endpointPort: 4566, apiPort: 4567 },
  tags: { Project: "platform", Environment: "local", ManagedBy: "cdktf" },
  logRetentionDays: 1,
  functionDefaults: { memorySize: 256, timeoutSeconds: 10, logLevel: "DEBUG" },
  files: { maxFileSizeBytes: 10_485_760, allowedContentTypes: ["image/png", "image/jpeg", "image/webp", "application/pdf", "text/plain"] },
  api: { throttlingBurstLimit: 500, throttlingRateLimit: 200, corsAllowOrigins: ["http://localhost:5173", "http://localhost:4568"] },
  workflows: { logLevel: "ALL", includeExecutionData: true, inFlightWaitSeconds: 20 },
  auth: {
    callbackUrls: ["http://localhost:5173/auth/callback", "http://localhost:4568/auth/callback"],
    logoutUrls: ["http://localhost:5173/", "http://localhost:4568/"],
    mfa: "OFF",
    passwordAuth: true,
  },
  // No CloudFront locally: moto 5.2.1 answers 404 to CloudFront Functions, response headers policies and monitoring
  // subscriptions (measured). The local web server (local/web) serves the SPA and routes /api with the same functions
  // (modules/cdn/functions) and headers (modules/cdn/security-headers.ts). The other fields only have to be valid.
  web: { cdn: false, priceClass: "PriceClass_100", logging: "none" },
  alarmEmail: "platform-alerts+local@example.com",
  policy: { enforcement: "warn" },
  loadProfile: {
    apiRequestsPerMonth: 0,
    functionInvocationsPerMonth: 0,
    averageFunctionDurationMs: 100,
    tableReadsPerMonth: 0,
    tableWritesPerMonth: 0,
    tableStorageGb: 0,
    snsPublishesPerMonth: 0,
    sqsRequestsPerMonth: 0,
    objectStorageGb: 0.1,
    objectWritesPerMonth: 1_000,
    objectReadsPerMonth: 1_000,
    logIngestionGbPerMonth: 0,
    monthlyActiveUsers: 0,
    stateTransitionsPerMonth: 0,
    lakeIngestGbPerMonth: 0,
    athenaTbScannedPerMonth: 0,
    deviceMessagesPerMonth: 0,
  },
  ci: { githubRepository: "example-org/platform" },
  analytics: {
    minCapacity: 0,
    maxCapacity: 1,
    secondsUntilAutoPause: 300,
    readers: 0,
    // moto models both modes; one provisioned shard keeps the local runtime's stream poller to a single shard.
    activityStream: { capacityMode: "PROVISIONED", shardCount: 1 },
    // Deployed but inert locally (moto does not deliver Firehose from Kinesis): the values only have to be valid.
    lake: { bufferingSeconds: 60, bufferingMb: 1, resultsExpiryDays: 1, bytesScannedCutoffPerQuery: 10_485_760 },
  },
  guards: { deletionProtection: false, pointInTimeRecovery: false, preventDestroy: false },
};
