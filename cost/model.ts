/** What the cost estimate takes (a load profile, options) and gives (an estimate), and how it allocates the load. */
import { PriceTable } from "./prices";

/**
 * Monthly load of an environment, what the estimate at load spreads over the plan's resources. Declared here, by
 * the estimate that reads it; an environment's `loadProfile` (environments/schema.ts) satisfies it structurally.
 */
export interface LoadProfile {
  readonly apiRequestsPerMonth: number;
  readonly functionInvocationsPerMonth: number;
  readonly averageFunctionDurationMs: number;
  readonly tableReadsPerMonth: number;
  readonly tableWritesPerMonth: number;
  readonly tableStorageGb: number;
  readonly snsPublishesPerMonth: number;
  readonly sqsRequestsPerMonth: number;
  readonly objectStorageGb: number;
  readonly objectWritesPerMonth: number;
  readonly objectReadsPerMonth: number;
  readonly logIngestionGbPerMonth: number;
  readonly monthlyActiveUsers: number;
  readonly stateTransitionsPerMonth: number;
  readonly cdnRequestsPerMonth: number;
  readonly cdnDataOutGbPerMonth: number;
  readonly lakeIngestGbPerMonth: number;
  readonly athenaTbScannedPerMonth: number;
  readonly deviceMessagesPerMonth: number;
}
export type LoadMetric = keyof LoadProfile;

export interface EstimateOptions {
  /** Region whose prices apply (the environment's `region`). */
  readonly region: string;
  /** Monthly load for the "at load" estimate. */
  readonly loadProfile: LoadProfile;
  /** Subtract the always-free monthly allowances of the price table (per account). @default false (list prices) */
  readonly freeTier?: boolean;
  /** @default PRICE_TABLE */
  readonly priceTable?: PriceTable;
}

export interface CostLine {
  readonly address: string;
  readonly type: string;
  /** USD per month. */
  readonly usd: number;
  /** How the amount was computed: quantities, rates and assumptions. */
  readonly basis: string;
}

export interface CostBreakdown {
  /** USD per month (sum of the lines). */
  readonly total: number;
  /** One line per priced resource (free resources have none), most expensive first. */
  readonly lines: readonly CostLine[];
}

export interface UnpricedResource {
  readonly address: string;
  readonly type: string;
  readonly reason: string;
}

export interface UnallocatedLoad {
  readonly metric: LoadMetric;
  readonly amount: number;
  readonly reason: string;
}

export interface CostEstimate {
  readonly priceTableVersion: string;
  readonly priceTableDate: string;
  readonly region: string;
  readonly currency: "USD";
  /** Whether always-free allowances were subtracted. */
  readonly freeTier: boolean;
  readonly loadProfile: LoadProfile;
  readonly idle: CostBreakdown;
  readonly load: CostBreakdown;
  /** Resource types with at least one resource (or one feature of it) the price table does not cover. */
  readonly unpriced: readonly string[];
  readonly unpricedResources: readonly UnpricedResource[];
  /** Load-profile traffic that found no resource to land on (e.g. API requests but no HTTP API in the plan). */
  readonly unallocated: readonly UnallocatedLoad[];
  /** Number of planned resources of a free type (FREE_RESOURCE_TYPES). */
  readonly freeResources: number;
}

/** How the load profile is spread over the plan's resources (also the README's table). */
export const ALLOCATION_RULES: ReadonlyArray<{ readonly metric: LoadMetric; readonly over: string; readonly rule: string }> = [
  { metric: "apiRequestsPerMonth", over: "HTTP APIs (aws_apigatewayv2_api, protocol HTTP)", rule: "split evenly; each request ≤ 512 KB (one metered request)" },
  {
    metric: "functionInvocationsPerMonth",
    over: "Lambda functions (aws_lambda_function)",
    rule: "split evenly; GB-seconds = invocations × averageFunctionDurationMs × the function's planned memory_size, at the arm64 or x86_64 rate of its planned architecture (x86_64 when unknown); functions with active tracing record X-Ray traces by the default sampling rule (first request each second + 5 % of the rest, traffic spread evenly over the month)",
  },
  { metric: "averageFunctionDurationMs", over: "every invocation", rule: "billed duration of each invocation" },
  {
    metric: "tableReadsPerMonth",
    over: "DynamoDB tables (aws_dynamodb_table)",
    rule: "split evenly; on-demand: 1 read request unit each (strongly consistent, ≤ 4 KB); provisioned tables are served by their capacity (no per-request charge)",
  },
  {
    metric: "tableWritesPerMonth",
    over: "DynamoDB tables",
    rule: "split evenly; on-demand: 1 write request unit each (≤ 1 KB) plus one per global secondary index (every item assumed projected into every index)",
  },
  { metric: "tableStorageGb", over: "DynamoDB tables", rule: "split evenly; storage GB-month, and the same GB-month of PITR storage where point-in-time recovery is on" },
  {
    metric: "snsPublishesPerMonth",
    over: "SNS topics that are not alarm topics (alarm topics: targets of a CloudWatch alarm action, assumed quiet)",
    rule: "split evenly; each publish ≤ 64 KB, delivered once to every subscription (SQS/Lambda free, e-mail and HTTP/S priced)",
  },
  { metric: "sqsRequestsPerMonth", over: "SQS queues (aws_sqs_queue)", rule: "split evenly; each request ≤ 64 KB; standard or FIFO rate" },
  { metric: "objectStorageGb", over: "S3 buckets (aws_s3_bucket)", rule: "split evenly; S3 Standard GB-month (every stored version counts)" },
  { metric: "objectWritesPerMonth", over: "S3 buckets", rule: "split evenly; tier-1 requests (PUT, POST, COPY, LIST)" },
  { metric: "objectReadsPerMonth", over: "S3 buckets", rule: "split evenly; tier-2 requests (GET, HEAD and all others)" },
  {
    metric: "logIngestionGbPerMonth",
    over: "CloudWatch log groups (aws_cloudwatch_log_group)",
    rule: "split evenly; storage at steady state = monthly ingestion × retention in months (12 months when logs never expire), uncompressed (an upper bound)",
  },
  {
    metric: "monthlyActiveUsers",
    over: "Cognito user pools (aws_cognito_user_pool)",
    rule: "split evenly; priced by the pool's feature plan (user_pool_tier, Essentials when unset)",
  },
  {
    metric: "stateTransitionsPerMonth",
    over: "Step Functions Standard state machines (aws_sfn_state_machine, type STANDARD or unset)",
    rule: "split evenly; each transition at the Standard rate (Express workflows are billed per request and duration, not by transition: not allocated)",
  },
  {
    metric: "lakeIngestGbPerMonth",
    over: "Firehose delivery streams (aws_kinesis_firehose_delivery_stream)",
    rule: "split evenly; GB ingested at the first-band rate (the objects it writes are S3 storage and requests, which objectStorageGb/objectWritesPerMonth cover)",
  },
  {
    metric: "cdnRequestsPerMonth",
    over: "CloudFront distributions (aws_cloudfront_distribution)",
    rule: "split evenly; HTTPS requests, and one CloudFront Function invocation each where the distribution's behaviours run a viewer-request function (the SPA fallback, the /api prefix stripper)",
  },
  { metric: "cdnDataOutGbPerMonth", over: "CloudFront distributions", rule: "split evenly; data transfer out to viewers, first 10 TB band of the stack region's continent" },
  { metric: "athenaTbScannedPerMonth", over: "Athena workgroups (aws_athena_workgroup)", rule: "split evenly; TB scanned (Athena bills at least 10 MB per query)" },
  {
    metric: "deviceMessagesPerMonth",
    over: "AWS IoT topic rules (aws_iot_topic_rule)",
    rule: "split evenly; each message ≤ 5 KB: one IoT Core message (the device's publish), one rule triggered and one action executed per action of the rule (the error action only on failure: not counted); device connection minutes not modelled",
  },
];

/**
 * Idle assumptions that are not prices (documented here, shown in each line's basis):
 * Lambda polls an SQS event source with 5 concurrent long polls of 20 s each, whether or not messages arrive
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html: "Lambda polls the queue ... using long polling",
 * scaling up from 5 concurrent pollers): 5 × 180 polls/h × 730 h = 657,000 requests a month per mapping.
 */
export const SQS_POLLERS_PER_EVENT_SOURCE = 5;
export const SQS_LONG_POLL_SECONDS = 20;
/** Aurora Serverless v2 at load with min capacity 0: the instance is assumed awake all month at this capacity. */
export const AURORA_ACTIVE_MIN_ACU = 0.5;
/** Months of logs kept at steady state when a log group never expires (retention_in_days 0 or unset). */
export const NEVER_EXPIRE_RETENTION_MONTHS = 12;
