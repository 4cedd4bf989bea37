/**
 * The dated, versioned AWS price table behind the cost estimate (cost/estimate.ts).
 *
 * Every price is a public on-demand list price in USD, per region, with where it comes from:
 * - `aws-price-list`: read from the AWS Price List offer file of the region (the data AWS bills from, the
 *   source of the pricing pages), as captured in a stored public snapshot of that file (publication dates
 *   September–October 2026);
 * - `aws-page`: stated on an AWS pricing page or in AWS documentation;
 * - `well-known`: the widely published list price, not re-read from an AWS source when this table was
 *   compiled — verify it on the linked pricing page before relying on it (`note` says what to check).
 *
 * Free tier: every rate that has an always-free allowance carries it in `freeTier`, but the estimate does
 * NOT subtract allowances unless asked to (`estimateMonthlyCost(..., { freeTier: true })`). Allowances are
 * per AWS account and shared by everything in it; list prices keep estimates comparable across pull
 * requests and make every added alarm, dashboard or key show up as a delta. This includes the Cognito
 * Lite/Essentials "first 10,000 MAU free", which AWS grants per account (or organization).
 * 12-month (new-account) free tiers are never modelled.
 *
 * Updating: change the rates, bump `version`, set `effectiveDate` to the day you checked them and keep
 * each rate's `evidence`/`source` honest. The PR cost report shows the version of base and head, so a
 * price change is never mistaken for an infrastructure change.
 */

/** How a price was established (see the file comment). */
export type Evidence = "aws-price-list" | "aws-page" | "well-known";

/** One band of a tiered price: `usd` per `Rate.per` units for the cumulative quantity up to `upTo` units. */
export interface Tier {
  /** Cumulative monthly quantity (in units, not in `per` blocks) where this band ends; `null` = no end. */
  readonly upTo: number | null;
  readonly usd: number;
}

/** An always-free monthly allowance (applied only with `freeTier: true`). */
export interface FreeAllowance {
  /** Units free per account and month. */
  readonly quantity: number;
  /** Rates that share one allowance name the same pool (e.g. Lambda GB-seconds of both architectures). */
  readonly pool?: string;
}

export interface Rate {
  /** The billed unit, singular: "request", "GB-second", "key-month". */
  readonly unit: string;
  /** `usd` is the price of this many units (1, 1,000, 1,000,000 ...), as the pricing page states it. */
  readonly per: number;
  /** Price of `per` units; for a tiered rate, the first band's price. */
  readonly usd: number;
  /** Volume bands (cumulative, per account and month); absent = flat `usd`. */
  readonly tiers?: readonly Tier[];
  readonly freeTier?: FreeAllowance;
  readonly evidence: Evidence;
  /** Public URL the price comes from. */
  readonly source: string;
  readonly note?: string;
}

/** Every billing dimension the estimate knows, with what it measures. */
export const DIMENSIONS = {
  "lambda.requests": "Lambda invocation requests",
  "lambda.gbSecondsX86": "Lambda duration, x86_64 (memory GB × seconds)",
  "lambda.gbSecondsArm64": "Lambda duration, arm64 (memory GB × seconds)",
  "apigateway.httpRequests": "API Gateway HTTP API requests (512 KB metering increments)",
  "dynamodb.readRequestUnits": "DynamoDB on-demand read request units (1 RRU = one strongly consistent read ≤ 4 KB)",
  "dynamodb.writeRequestUnits": "DynamoDB on-demand write request units (1 WRU = one write ≤ 1 KB)",
  "dynamodb.readCapacityUnitHours": "DynamoDB provisioned read capacity unit-hours",
  "dynamodb.writeCapacityUnitHours": "DynamoDB provisioned write capacity unit-hours",
  "dynamodb.storageGbMonth": "DynamoDB Standard table class storage",
  "dynamodb.pitrGbMonth": "DynamoDB point-in-time recovery (continuous backup) storage",
  "dynamodb.streamReadRequestUnits": "DynamoDB Streams GetRecords calls by non-Lambda consumers (Lambda triggers read free)",
  "sns.publishes": "SNS standard topic publish requests (64 KB chunks)",
  "sns.sqsDeliveries": "SNS deliveries to SQS queues",
  "sns.lambdaDeliveries": "SNS deliveries to Lambda functions",
  "sns.emailDeliveries": "SNS deliveries to e-mail / e-mail-JSON endpoints",
  "sns.httpDeliveries": "SNS deliveries to HTTP/S endpoints",
  "sqs.standardRequests": "SQS standard queue requests (64 KB chunks)",
  "sqs.fifoRequests": "SQS FIFO queue requests (64 KB chunks)",
  "kms.keyMonths": "KMS customer managed keys (each key, and each multi-Region replica)",
  "kms.requests": "KMS API requests (symmetric keys)",
  "cloudwatch.standardAlarmMetrics": "CloudWatch standard-resolution alarm metrics (period ≥ 60 s)",
  "cloudwatch.highResolutionAlarmMetrics": "CloudWatch high-resolution alarm metrics (period < 60 s)",
  "cloudwatch.compositeAlarms": "CloudWatch composite alarms",
  "cloudwatch.dashboards": "CloudWatch custom dashboards",
  "cloudwatch.logIngestionGb": "CloudWatch Logs ingestion, Standard log class",
  "cloudwatch.logStorageGbMonth": "CloudWatch Logs storage (archived, after compression)",
  "cognito.liteMau": "Cognito user pool monthly active users, Lite feature plan",
  "cognito.essentialsMau": "Cognito user pool monthly active users, Essentials feature plan",
  "cognito.plusMau": "Cognito user pool monthly active users, Plus feature plan",
  "s3.standardStorageGbMonth": "S3 Standard storage",
  "s3.tier1Requests": "S3 PUT, COPY, POST, LIST requests",
  "s3.tier2Requests": "S3 GET and all other requests",
  "kinesis.onDemandStreamHours": "Kinesis Data Streams on-demand stream-hours",
  "kinesis.onDemandIngestedGb": "Kinesis Data Streams on-demand data ingested (records rounded up to 1 KB)",
  "kinesis.onDemandRetrievedGb": "Kinesis Data Streams on-demand data retrieved",
  "kinesis.shardHours": "Kinesis Data Streams provisioned shard-hours",
  "kinesis.putPayloadUnits": "Kinesis Data Streams provisioned PUT payload units (25 KB)",
  "aurora.serverlessV2AcuHours": "Aurora Serverless v2 capacity (ACU-hours), Aurora Standard storage configuration",
  "aurora.storageGbMonth": "Aurora Standard cluster storage",
  "aurora.ioRequests": "Aurora Standard storage I/O requests",
  "secretsmanager.secretMonths": "Secrets Manager secrets (each replica counts as a secret)",
  "secretsmanager.apiRequests": "Secrets Manager API requests",
  "xray.tracesRecorded": "X-Ray traces recorded",
  "xray.tracesRetrieved": "X-Ray traces retrieved or scanned",
  "stepfunctions.standardTransitions": "Step Functions Standard workflow state transitions",
  "stepfunctions.expressRequests": "Step Functions Express workflow requests",
  "cloudfront.dataTransferOutGb": "CloudFront data transfer out to the internet (first 10 TB band)",
  "cloudfront.httpsRequests": "CloudFront HTTPS requests",
  "cloudfront.functionInvocations": "CloudFront Functions invocations (viewer request/response)",
  "cloudwatch.customMetrics": "CloudWatch custom metrics (metric-months; CloudFront additional metrics bill as 8 per distribution)",
  "firehose.ingestedGb": "Data Firehose Direct PUT ingestion (records rounded up to 5 KB)",
  "athena.scannedTb": "Athena SQL queries, data scanned",
  "glue.catalogObjectMonths": "Glue Data Catalog objects stored (tables, partitions, ...)",
  "glue.catalogRequests": "Glue Data Catalog requests",
  "iot.messages": "AWS IoT Core messages published by devices (metered in 5 KB increments)",
  "iot.rulesTriggered": "AWS IoT Core rules triggered (metered in 5 KB increments)",
  "iot.actionsExecuted": "AWS IoT Core rule actions executed (metered in 5 KB increments)",
} as const;

export type Dimension = keyof typeof DIMENSIONS;

/** One region's prices: a rate for every dimension. */
export type RegionPrices = { readonly [D in Dimension]: Rate };

export interface PriceTable {
  /** Bumped on every change of a price or of the dimensions. */
  readonly version: string;
  /** Day the prices were checked (ISO date). */
  readonly effectiveDate: string;
  readonly currency: "USD";
  /** Hours in the billing month used for hourly and monthly prorations (AWS pricing pages use 730). */
  readonly hoursPerMonth: number;
  /** Every URL a price comes from. */
  readonly sources: readonly string[];
  readonly regions: { readonly [region: string]: RegionPrices };
}

const offer = (service: string, region: string): string => `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${service}/current/${region}/index.json`;

/** Where the prices come from. */
export const SOURCES = {
  lambdaPage: "https://aws.amazon.com/lambda/pricing/",
  lambdaPriceListEu: offer("AWSLambda", "eu-west-1"),
  apiGatewayPage: "https://aws.amazon.com/api-gateway/pricing/",
  apiGatewayPriceListEu: offer("AmazonApiGateway", "eu-west-1"),
  dynamodbPage: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
  dynamodbProvisionedPage: "https://aws.amazon.com/dynamodb/pricing/provisioned/",
  dynamodbPriceListEu: offer("AmazonDynamoDB", "eu-west-1"),
  snsPage: "https://aws.amazon.com/sns/pricing/",
  snsPriceListEu: offer("AmazonSNS", "eu-west-1"),
  sqsPage: "https://aws.amazon.com/sqs/pricing/",
  sqsPriceListEu: offer("AWSQueueService", "eu-west-1"),
  kmsPage: "https://aws.amazon.com/kms/pricing/",
  cloudwatchPage: "https://aws.amazon.com/cloudwatch/pricing/",
  cloudwatchPriceListEu: offer("AmazonCloudWatch", "eu-west-1"),
  cognitoPage: "https://aws.amazon.com/cognito/pricing/",
  cognitoFeaturePlans: "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html",
  s3Page: "https://aws.amazon.com/s3/pricing/",
  s3PriceListEu: offer("AmazonS3", "eu-west-1"),
  kinesisPage: "https://aws.amazon.com/kinesis/data-streams/pricing/",
  auroraPage: "https://aws.amazon.com/rds/aurora/pricing/",
  rdsPriceListEu: offer("AmazonRDS", "eu-west-1"),
  secretsManagerPage: "https://aws.amazon.com/secrets-manager/pricing/",
  secretsManagerPriceListEu: offer("AWSSecretsManager", "eu-west-1"),
  xrayPage: "https://aws.amazon.com/xray/pricing/",
  stepFunctionsPage: "https://aws.amazon.com/step-functions/pricing/",
  cloudfrontPage: "https://aws.amazon.com/cloudfront/pricing/",
  cloudfrontPriceList: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonCloudFront/current/index.json",
  firehosePage: "https://aws.amazon.com/firehose/pricing/",
  athenaPage: "https://aws.amazon.com/athena/pricing/",
  gluePage: "https://aws.amazon.com/glue/pricing/",
  iotCorePage: "https://aws.amazon.com/iot-core/pricing/",
} as const;

const HOURS_PER_MONTH = 730;

// ---- prices that are the same in both regions ---------------------------------------------------------

const lambdaRequests = (evidence: Evidence, source: string): Rate => ({
  unit: "request",
  per: 1_000_000,
  usd: 0.2,
  freeTier: { quantity: 1_000_000 },
  evidence,
  source,
});
const lambdaX86 = (evidence: Evidence, source: string): Rate => ({
  unit: "GB-second",
  per: 1,
  usd: 0.0000166667,
  evidence,
  source,
  tiers: [
    { upTo: 6_000_000_000, usd: 0.0000166667 },
    { upTo: 15_000_000_000, usd: 0.000015 },
    { upTo: null, usd: 0.0000133334 },
  ],
  freeTier: { quantity: 400_000, pool: "lambda.gbSeconds" },
});
const lambdaArm = (evidence: Evidence, source: string): Rate => ({
  unit: "GB-second",
  per: 1,
  usd: 0.0000133334,
  evidence,
  source,
  tiers: [
    { upTo: 7_500_000_000, usd: 0.0000133334 },
    { upTo: 18_750_000_000, usd: 0.0000120001 },
    { upTo: null, usd: 0.0000106667 },
  ],
  freeTier: { quantity: 400_000, pool: "lambda.gbSeconds" },
});
const snsDeliveries = {
  "sns.sqsDeliveries": { unit: "delivery", per: 1_000_000, usd: 0, evidence: "aws-page", source: SOURCES.snsPage, note: "deliveries to SQS are free" },
  "sns.lambdaDeliveries": { unit: "delivery", per: 1_000_000, usd: 0, evidence: "aws-page", source: SOURCES.snsPage, note: "deliveries to Lambda are free" },
  "sns.emailDeliveries": { unit: "notification", per: 100_000, usd: 2.0, freeTier: { quantity: 1_000 }, evidence: "well-known", source: SOURCES.snsPage },
  "sns.httpDeliveries": { unit: "notification", per: 1_000_000, usd: 0.6, freeTier: { quantity: 100_000 }, evidence: "well-known", source: SOURCES.snsPage },
} satisfies Partial<Record<Dimension, Rate>>;
const sqsFree: FreeAllowance = { quantity: 1_000_000, pool: "sqs.requests" };
const kms = {
  "kms.keyMonths": {
    unit: "key-month",
    per: 1,
    usd: 1.0,
    evidence: "aws-page",
    source: SOURCES.kmsPage,
    note: "automatic rotation adds $1/month for each of the first two rotations (capped at $3/key-month)",
  },
  "kms.requests": { unit: "request", per: 10_000, usd: 0.03, freeTier: { quantity: 20_000 }, evidence: "aws-page", source: SOURCES.kmsPage },
} satisfies Partial<Record<Dimension, Rate>>;
const cloudwatchAlarmsAndDashboards = {
  "cloudwatch.standardAlarmMetrics": {
    unit: "alarm metric-month",
    per: 1,
    usd: 0.1,
    freeTier: { quantity: 10 },
    evidence: "aws-price-list",
    source: SOURCES.cloudwatchPriceListEu,
    note: "same price in us-east-1 (pricing page)",
  },
  "cloudwatch.highResolutionAlarmMetrics": { unit: "alarm metric-month", per: 1, usd: 0.3, evidence: "well-known", source: SOURCES.cloudwatchPage },
  "cloudwatch.compositeAlarms": { unit: "alarm-month", per: 1, usd: 0.5, evidence: "well-known", source: SOURCES.cloudwatchPage },
  "cloudwatch.dashboards": {
    unit: "dashboard-month",
    per: 1,
    usd: 3.0,
    freeTier: { quantity: 3 },
    evidence: "well-known",
    source: SOURCES.cloudwatchPage,
    note: "3 dashboards of up to 50 metrics each are free per account (free tier, not applied by default)",
  },
} satisfies Partial<Record<Dimension, Rate>>;
/** Cognito's feature-plan prices are the same in every commercial region. */
const cognito = {
  "cognito.liteMau": {
    unit: "MAU",
    per: 1,
    usd: 0.0055,
    evidence: "well-known",
    source: SOURCES.cognitoPage,
    tiers: [
      { upTo: 100_000, usd: 0.0055 },
      { upTo: 1_000_000, usd: 0.0046 },
      { upTo: 10_000_000, usd: 0.00325 },
      { upTo: null, usd: 0.0025 },
    ],
    freeTier: { quantity: 10_000, pool: "cognito.mau" },
    note: "first 10,000 MAU per account free on Lite and Essentials (direct and social sign-in)",
  },
  "cognito.essentialsMau": {
    unit: "MAU",
    per: 1,
    usd: 0.015,
    evidence: "well-known",
    source: SOURCES.cognitoPage,
    freeTier: { quantity: 10_000, pool: "cognito.mau" },
    note: "first 10,000 MAU per account free on Lite and Essentials; Essentials is the default plan of new user pools",
  },
  "cognito.plusMau": { unit: "MAU", per: 1, usd: 0.02, evidence: "well-known", source: SOURCES.cognitoPage, note: "no free tier on Plus" },
} satisfies Partial<Record<Dimension, Rate>>;
/** CloudFront Functions and CloudWatch custom metrics: the same list price in every region (CloudFront is global). */
const cloudfrontExtras = {
  "cloudfront.functionInvocations": {
    unit: "invocation",
    per: 1_000_000,
    usd: 0.1,
    freeTier: { quantity: 2_000_000 },
    evidence: "well-known",
    source: SOURCES.cloudfrontPage,
    note: "global price; 2M invocations a month in CloudFront's always-free tier",
  },
  "cloudwatch.customMetrics": {
    unit: "metric-month",
    per: 1,
    usd: 0.3,
    freeTier: { quantity: 10 },
    evidence: "well-known",
    source: SOURCES.cloudwatchPage,
    note: "first 10,000 metrics band; CloudFront's additional metrics are billed as 8 custom metrics per distribution (CloudFront Developer Guide, viewing additional metrics)",
  },
} satisfies Partial<Record<Dimension, Rate>>;
const xray = {
  "xray.tracesRecorded": { unit: "trace", per: 1_000_000, usd: 5.0, freeTier: { quantity: 100_000 }, evidence: "aws-page", source: SOURCES.xrayPage },
  "xray.tracesRetrieved": { unit: "trace", per: 1_000_000, usd: 0.5, freeTier: { quantity: 1_000_000 }, evidence: "aws-page", source: SOURCES.xrayPage },
} satisfies Partial<Record<Dimension, Rate>>;
const athena = {
  "athena.scannedTb": { unit: "TB scanned", per: 1, usd: 5.0, evidence: "well-known", source: SOURCES.athenaPage, note: "10 MB minimum per query" },
} satisfies Partial<Record<Dimension, Rate>>;
const glue = {
  "glue.catalogObjectMonths": { unit: "object-month", per: 100_000, usd: 1.0, freeTier: { quantity: 1_000_000 }, evidence: "well-known", source: SOURCES.gluePage },
  "glue.catalogRequests": { unit: "request", per: 1_000_000, usd: 1.0, freeTier: { quantity: 1_000_000 }, evidence: "well-known", source: SOURCES.gluePage },
} satisfies Partial<Record<Dimension, Rate>>;
const iotCore = {
  "iot.messages": {
    unit: "message",
    per: 1_000_000,
    usd: 1.0,
    evidence: "well-known",
    source: SOURCES.iotCorePage,
    tiers: [
      { upTo: 1_000_000_000, usd: 1.0 },
      { upTo: 5_000_000_000, usd: 0.8 },
      { upTo: null, usd: 0.7 },
    ],
    note: "us-east-1 rates assumed for both regions; verify the Europe (Ireland) messaging rates",
  },
  "iot.rulesTriggered": { unit: "rule triggered", per: 1_000_000, usd: 0.15, evidence: "well-known", source: SOURCES.iotCorePage, note: "us-east-1 rate assumed for both regions" },
  "iot.actionsExecuted": {
    unit: "action executed",
    per: 1_000_000,
    usd: 0.15,
    evidence: "well-known",
    source: SOURCES.iotCorePage,
    note: "us-east-1 rate assumed for both regions",
  },
} satisfies Partial<Record<Dimension, Rate>>;
const stepFunctions = {
  "stepfunctions.standardTransitions": {
    unit: "state transition",
    per: 1_000,
    usd: 0.025,
    freeTier: { quantity: 4_000 },
    evidence: "well-known",
    source: SOURCES.stepFunctionsPage,
  },
  "stepfunctions.expressRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 1.0,
    evidence: "well-known",
    source: SOURCES.stepFunctionsPage,
    note: "plus duration per GB-second, not modelled",
  },
} satisfies Partial<Record<Dimension, Rate>>;

// ---- Europe (Ireland) ---------------------------------------------------------------------------------

const EU_WEST_1: RegionPrices = {
  "lambda.requests": lambdaRequests("aws-price-list", SOURCES.lambdaPriceListEu),
  "lambda.gbSecondsX86": lambdaX86("aws-price-list", SOURCES.lambdaPriceListEu),
  "lambda.gbSecondsArm64": lambdaArm("aws-price-list", SOURCES.lambdaPriceListEu),
  "apigateway.httpRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 1.11,
    evidence: "aws-price-list",
    source: SOURCES.apiGatewayPriceListEu,
    tiers: [
      { upTo: 300_000_000, usd: 1.11 },
      { upTo: null, usd: 1.0 },
    ],
    note: "the 1M requests/month free tier lasts 12 months for new accounts only: never applied",
  },
  "dynamodb.readRequestUnits": { unit: "read request unit", per: 1_000_000, usd: 0.1415, evidence: "aws-price-list", source: SOURCES.dynamodbPriceListEu },
  "dynamodb.writeRequestUnits": { unit: "write request unit", per: 1_000_000, usd: 0.705, evidence: "aws-price-list", source: SOURCES.dynamodbPriceListEu },
  "dynamodb.readCapacityUnitHours": {
    unit: "RCU-hour",
    per: 1,
    usd: 0.000147,
    freeTier: { quantity: 25 * HOURS_PER_MONTH },
    evidence: "well-known",
    source: SOURCES.dynamodbProvisionedPage,
  },
  "dynamodb.writeCapacityUnitHours": {
    unit: "WCU-hour",
    per: 1,
    usd: 0.000735,
    freeTier: { quantity: 25 * HOURS_PER_MONTH },
    evidence: "well-known",
    source: SOURCES.dynamodbProvisionedPage,
  },
  "dynamodb.storageGbMonth": {
    unit: "GB-month",
    per: 1,
    usd: 0.283,
    freeTier: { quantity: 25 },
    evidence: "aws-price-list",
    source: SOURCES.dynamodbPriceListEu,
    note: "first 25 GB-month per account free",
  },
  "dynamodb.pitrGbMonth": { unit: "GB-month", per: 1, usd: 0.22, evidence: "aws-price-list", source: SOURCES.dynamodbPriceListEu },
  "dynamodb.streamReadRequestUnits": {
    unit: "streams read request unit",
    per: 100_000,
    usd: 0.0226,
    freeTier: { quantity: 2_500_000 },
    evidence: "well-known",
    source: SOURCES.dynamodbPage,
    note: "GetRecords calls made by Lambda event source mappings are free",
  },
  "sns.publishes": { unit: "request", per: 1_000_000, usd: 0.5, freeTier: { quantity: 1_000_000 }, evidence: "aws-price-list", source: SOURCES.snsPriceListEu },
  ...snsDeliveries,
  "sqs.standardRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 0.4,
    freeTier: sqsFree,
    evidence: "aws-price-list",
    source: SOURCES.sqsPriceListEu,
    tiers: [
      { upTo: 100_000_000_000, usd: 0.4 },
      { upTo: 200_000_000_000, usd: 0.3 },
      { upTo: null, usd: 0.24 },
    ],
  },
  "sqs.fifoRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 0.5,
    freeTier: sqsFree,
    evidence: "aws-price-list",
    source: SOURCES.sqsPriceListEu,
    tiers: [
      { upTo: 100_000_000_000, usd: 0.5 },
      { upTo: 200_000_000_000, usd: 0.4 },
      { upTo: null, usd: 0.35 },
    ],
  },
  ...kms,
  ...cloudwatchAlarmsAndDashboards,
  "cloudwatch.logIngestionGb": {
    unit: "GB",
    per: 1,
    usd: 0.57,
    freeTier: { quantity: 5, pool: "cloudwatch.logs" },
    evidence: "aws-price-list",
    source: SOURCES.cloudwatchPriceListEu,
  },
  "cloudwatch.logStorageGbMonth": {
    unit: "GB-month",
    per: 1,
    usd: 0.03,
    freeTier: { quantity: 5, pool: "cloudwatch.logs" },
    evidence: "aws-price-list",
    source: SOURCES.cloudwatchPriceListEu,
  },
  ...cognito,
  "s3.standardStorageGbMonth": {
    unit: "GB-month",
    per: 1,
    usd: 0.023,
    evidence: "aws-price-list",
    source: SOURCES.s3PriceListEu,
    tiers: [
      { upTo: 51_200, usd: 0.023 },
      { upTo: 512_000, usd: 0.022 },
      { upTo: null, usd: 0.021 },
    ],
    note: "bands beyond 50 TB are well-known values",
  },
  "s3.tier1Requests": { unit: "request", per: 1_000, usd: 0.005, evidence: "aws-price-list", source: SOURCES.s3PriceListEu },
  "s3.tier2Requests": { unit: "request", per: 1_000, usd: 0.0004, evidence: "aws-price-list", source: SOURCES.s3PriceListEu },
  "kinesis.onDemandStreamHours": {
    unit: "stream-hour",
    per: 1,
    usd: 0.04,
    evidence: "well-known",
    source: SOURCES.kinesisPage,
    note: "assumed equal to us-east-1; verify the Europe (Ireland) on-demand rates",
  },
  "kinesis.onDemandIngestedGb": {
    unit: "GB",
    per: 1,
    usd: 0.08,
    evidence: "well-known",
    source: SOURCES.kinesisPage,
    note: "assumed equal to us-east-1; verify the Europe (Ireland) on-demand rates",
  },
  "kinesis.onDemandRetrievedGb": {
    unit: "GB",
    per: 1,
    usd: 0.04,
    evidence: "well-known",
    source: SOURCES.kinesisPage,
    note: "assumed equal to us-east-1; verify the Europe (Ireland) on-demand rates",
  },
  "kinesis.shardHours": { unit: "shard-hour", per: 1, usd: 0.015, evidence: "well-known", source: SOURCES.kinesisPage },
  "kinesis.putPayloadUnits": { unit: "PUT payload unit", per: 1_000_000, usd: 0.014, evidence: "well-known", source: SOURCES.kinesisPage },
  "aurora.serverlessV2AcuHours": {
    unit: "ACU-hour",
    per: 1,
    usd: 0.14,
    evidence: "aws-price-list",
    source: SOURCES.rdsPriceListEu,
    note: "usage type EU-Aurora:ServerlessV2Usage as quoted by public pricing tooling; no charge while paused (min capacity 0)",
  },
  "aurora.storageGbMonth": { unit: "GB-month", per: 1, usd: 0.11, evidence: "well-known", source: SOURCES.auroraPage },
  "aurora.ioRequests": { unit: "I/O request", per: 1_000_000, usd: 0.22, evidence: "well-known", source: SOURCES.auroraPage },
  "secretsmanager.secretMonths": { unit: "secret-month", per: 1, usd: 0.4, evidence: "aws-price-list", source: SOURCES.secretsManagerPriceListEu },
  "secretsmanager.apiRequests": { unit: "request", per: 10_000, usd: 0.05, evidence: "aws-price-list", source: SOURCES.secretsManagerPriceListEu },
  ...xray,
  ...stepFunctions,
  "cloudfront.dataTransferOutGb": {
    unit: "GB",
    per: 1,
    usd: 0.085,
    freeTier: { quantity: 1_024 },
    evidence: "aws-price-list",
    source: SOURCES.cloudfrontPriceList,
    note: "CloudFront bills by viewer geography, not by stack region: Europe rate (usage type EU-DataTransfer-Out-Bytes)",
  },
  "cloudfront.httpsRequests": {
    unit: "request",
    per: 10_000,
    usd: 0.012,
    freeTier: { quantity: 10_000_000 },
    evidence: "aws-price-list",
    source: SOURCES.cloudfrontPriceList,
    note: "Europe viewers (usage type EU-Requests-Tier2-HTTPS)",
  },
  ...cloudfrontExtras,
  "firehose.ingestedGb": {
    unit: "GB",
    per: 1,
    usd: 0.029,
    evidence: "well-known",
    source: SOURCES.firehosePage,
    note: "us-east-1 first-band rate assumed; verify the Europe (Ireland) rate",
  },
  ...athena,
  ...glue,
  ...iotCore,
};

// ---- US East (N. Virginia) ----------------------------------------------------------------------------

const US_EAST_1: RegionPrices = {
  "lambda.requests": lambdaRequests("aws-page", SOURCES.lambdaPage),
  "lambda.gbSecondsX86": lambdaX86("aws-page", SOURCES.lambdaPage),
  "lambda.gbSecondsArm64": lambdaArm("aws-page", SOURCES.lambdaPage),
  "apigateway.httpRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 1.0,
    evidence: "aws-page",
    source: SOURCES.apiGatewayPage,
    tiers: [
      { upTo: 300_000_000, usd: 1.0 },
      { upTo: null, usd: 0.9 },
    ],
    note: "the 1M requests/month free tier lasts 12 months for new accounts only: never applied",
  },
  "dynamodb.readRequestUnits": {
    unit: "read request unit",
    per: 1_000_000,
    usd: 0.125,
    evidence: "well-known",
    source: SOURCES.dynamodbPage,
    note: "after the November 2024 on-demand price reduction",
  },
  "dynamodb.writeRequestUnits": {
    unit: "write request unit",
    per: 1_000_000,
    usd: 0.625,
    evidence: "well-known",
    source: SOURCES.dynamodbPage,
    note: "after the November 2024 on-demand price reduction",
  },
  "dynamodb.readCapacityUnitHours": {
    unit: "RCU-hour",
    per: 1,
    usd: 0.00013,
    freeTier: { quantity: 25 * HOURS_PER_MONTH },
    evidence: "well-known",
    source: SOURCES.dynamodbProvisionedPage,
  },
  "dynamodb.writeCapacityUnitHours": {
    unit: "WCU-hour",
    per: 1,
    usd: 0.00065,
    freeTier: { quantity: 25 * HOURS_PER_MONTH },
    evidence: "well-known",
    source: SOURCES.dynamodbProvisionedPage,
  },
  "dynamodb.storageGbMonth": {
    unit: "GB-month",
    per: 1,
    usd: 0.25,
    freeTier: { quantity: 25 },
    evidence: "well-known",
    source: SOURCES.dynamodbPage,
    note: "first 25 GB-month per account free",
  },
  "dynamodb.pitrGbMonth": { unit: "GB-month", per: 1, usd: 0.2, evidence: "well-known", source: SOURCES.dynamodbPage },
  "dynamodb.streamReadRequestUnits": {
    unit: "streams read request unit",
    per: 100_000,
    usd: 0.02,
    freeTier: { quantity: 2_500_000 },
    evidence: "well-known",
    source: SOURCES.dynamodbPage,
    note: "GetRecords calls made by Lambda event source mappings are free",
  },
  "sns.publishes": { unit: "request", per: 1_000_000, usd: 0.5, freeTier: { quantity: 1_000_000 }, evidence: "well-known", source: SOURCES.snsPage },
  ...snsDeliveries,
  "sqs.standardRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 0.4,
    freeTier: sqsFree,
    evidence: "well-known",
    source: SOURCES.sqsPage,
    tiers: [
      { upTo: 100_000_000_000, usd: 0.4 },
      { upTo: 200_000_000_000, usd: 0.3 },
      { upTo: null, usd: 0.24 },
    ],
  },
  "sqs.fifoRequests": {
    unit: "request",
    per: 1_000_000,
    usd: 0.5,
    freeTier: sqsFree,
    evidence: "well-known",
    source: SOURCES.sqsPage,
    tiers: [
      { upTo: 100_000_000_000, usd: 0.5 },
      { upTo: 200_000_000_000, usd: 0.4 },
      { upTo: null, usd: 0.35 },
    ],
  },
  ...kms,
  ...cloudwatchAlarmsAndDashboards,
  "cloudwatch.logIngestionGb": { unit: "GB", per: 1, usd: 0.5, freeTier: { quantity: 5, pool: "cloudwatch.logs" }, evidence: "well-known", source: SOURCES.cloudwatchPage },
  "cloudwatch.logStorageGbMonth": {
    unit: "GB-month",
    per: 1,
    usd: 0.03,
    freeTier: { quantity: 5, pool: "cloudwatch.logs" },
    evidence: "well-known",
    source: SOURCES.cloudwatchPage,
  },
  ...cognito,
  "s3.standardStorageGbMonth": {
    unit: "GB-month",
    per: 1,
    usd: 0.023,
    evidence: "well-known",
    source: SOURCES.s3Page,
    tiers: [
      { upTo: 51_200, usd: 0.023 },
      { upTo: 512_000, usd: 0.022 },
      { upTo: null, usd: 0.021 },
    ],
  },
  "s3.tier1Requests": { unit: "request", per: 1_000, usd: 0.005, evidence: "well-known", source: SOURCES.s3Page },
  "s3.tier2Requests": { unit: "request", per: 1_000, usd: 0.0004, evidence: "well-known", source: SOURCES.s3Page },
  "kinesis.onDemandStreamHours": { unit: "stream-hour", per: 1, usd: 0.04, evidence: "well-known", source: SOURCES.kinesisPage },
  "kinesis.onDemandIngestedGb": { unit: "GB", per: 1, usd: 0.08, evidence: "well-known", source: SOURCES.kinesisPage },
  "kinesis.onDemandRetrievedGb": { unit: "GB", per: 1, usd: 0.04, evidence: "well-known", source: SOURCES.kinesisPage },
  "kinesis.shardHours": { unit: "shard-hour", per: 1, usd: 0.015, evidence: "well-known", source: SOURCES.kinesisPage },
  "kinesis.putPayloadUnits": { unit: "PUT payload unit", per: 1_000_000, usd: 0.014, evidence: "well-known", source: SOURCES.kinesisPage },
  "aurora.serverlessV2AcuHours": { unit: "ACU-hour", per: 1, usd: 0.12, evidence: "well-known", source: SOURCES.auroraPage, note: "no charge while paused (min capacity 0)" },
  "aurora.storageGbMonth": { unit: "GB-month", per: 1, usd: 0.1, evidence: "well-known", source: SOURCES.auroraPage },
  "aurora.ioRequests": { unit: "I/O request", per: 1_000_000, usd: 0.2, evidence: "well-known", source: SOURCES.auroraPage },
  "secretsmanager.secretMonths": { unit: "secret-month", per: 1, usd: 0.4, evidence: "well-known", source: SOURCES.secretsManagerPage },
  "secretsmanager.apiRequests": { unit: "request", per: 10_000, usd: 0.05, evidence: "well-known", source: SOURCES.secretsManagerPage },
  ...xray,
  ...stepFunctions,
  "cloudfront.dataTransferOutGb": {
    unit: "GB",
    per: 1,
    usd: 0.085,
    freeTier: { quantity: 1_024 },
    evidence: "well-known",
    source: SOURCES.cloudfrontPage,
    note: "CloudFront bills by viewer geography, not by stack region: United States rate",
  },
  "cloudfront.httpsRequests": {
    unit: "request",
    per: 10_000,
    usd: 0.01,
    freeTier: { quantity: 10_000_000 },
    evidence: "well-known",
    source: SOURCES.cloudfrontPage,
    note: "United States viewers",
  },
  ...cloudfrontExtras,
  "firehose.ingestedGb": { unit: "GB", per: 1, usd: 0.029, evidence: "well-known", source: SOURCES.firehosePage },
  ...athena,
  ...glue,
  ...iotCore,
};

export const PRICE_TABLE: PriceTable = {
  version: "2026.12.1",
  effectiveDate: "2026-11-30",
  currency: "USD",
  hoursPerMonth: HOURS_PER_MONTH,
  sources: Object.values(SOURCES),
  regions: {
    "eu-west-1": EU_WEST_1,
    "us-east-1": US_EAST_1,
  },
};

/**
 * Resource types that cost nothing by themselves, each with the reason. A type that is neither here nor
 * priced by cost/estimate.ts is reported as "not priced", never silently counted as zero.
 */
export const FREE_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_iam_role: "IAM is free",
  aws_iam_role_policy: "IAM is free",
  aws_iam_policy: "IAM is free",
  aws_iam_role_policy_attachment: "IAM is free",
  aws_iam_policy_attachment: "IAM is free",
  aws_iam_openid_connect_provider: "IAM is free",
  aws_iam_service_linked_role: "IAM is free",
  aws_lambda_permission: "resource policy statement",
  aws_lambda_function_event_invoke_config: "configuration (destinations are priced as their own resources)",
  aws_lambda_alias: "configuration",
  aws_lambda_invocation: "one invocation per apply that (re)creates it, billed as a request of its function (priced there)",
  aws_lambda_layer_version: "code storage is free up to 75 GB per region",
  aws_apigatewayv2_route: "requests are priced on the API",
  aws_apigatewayv2_integration: "requests are priced on the API",
  aws_apigatewayv2_stage: "requests are priced on the API",
  aws_apigatewayv2_authorizer: "JWT authorizers are free (requests are priced on the API)",
  aws_apigatewayv2_deployment: "configuration",
  aws_apigatewayv2_api_mapping: "configuration",
  aws_apigatewayv2_domain_name: "regional custom domain names are free",
  aws_sns_topic_policy: "resource policy",
  aws_sns_topic_subscription: "deliveries are priced on the topic, by protocol",
  aws_sqs_queue_policy: "resource policy",
  aws_sqs_queue_redrive_policy: "configuration",
  aws_sqs_queue_redrive_allow_policy: "configuration",
  aws_kms_alias: "aliases are free",
  aws_athena_named_query: "a saved query; queries are billed per TB scanned on the workgroup",
  aws_cloudwatch_log_stream: "log streams are free; ingestion and storage are billed on the log group",
  aws_kms_key_policy: "key policy (the key is priced)",
  aws_kms_grant: "grants are free",
  aws_cloudwatch_log_resource_policy: "resource policy",
  aws_cloudwatch_log_subscription_filter: "the filter is free (its destination is priced)",
  aws_cognito_user_pool_client: "app clients are free (MAUs are priced on the pool)",
  aws_cognito_user_pool_domain: "hosted domain is free",
  aws_cognito_user_group: "groups are free",
  aws_cognito_resource_server: "resource servers are free",
  aws_s3_bucket_versioning: "configuration (stored versions are priced as storage)",
  aws_s3_bucket_server_side_encryption_configuration: "SSE-S3 is free",
  aws_s3_bucket_public_access_block: "configuration",
  aws_s3_bucket_policy: "resource policy",
  aws_s3_bucket_lifecycle_configuration: "configuration (transitions are priced as requests)",
  aws_s3_bucket_ownership_controls: "configuration",
  aws_s3_bucket_notification: "configuration",
  aws_s3_bucket_cors_configuration: "configuration",
  aws_s3_bucket_logging: "configuration (log objects are priced as storage)",
  aws_dynamodb_resource_policy: "resource policy",
  aws_secretsmanager_secret_version: "versions are included in the secret's price",
  aws_secretsmanager_secret_policy: "resource policy",
  aws_db_subnet_group: "configuration",
  aws_rds_cluster_parameter_group: "configuration",
  aws_db_parameter_group: "configuration",
  aws_xray_sampling_rule: "sampling rules are free",
  aws_iot_thing_type: "thing types are free (messages are priced on the topic rule)",
  aws_iot_policy: "IoT policies are free",
  aws_cloudfront_origin_access_control: "configuration",
  aws_cloudfront_function: "invocations are priced on the distribution (one per viewer request of a behaviour that runs a function)",
  aws_s3_object: "stored bytes and requests are priced on the bucket (objectStorageGb, objectWritesPerMonth, objectReadsPerMonth)",
  aws_cloudfront_cache_policy: "configuration",
  aws_cloudfront_response_headers_policy: "configuration",
  aws_cloudfront_origin_request_policy: "configuration",
  terraform_data: "Terraform-internal",
  null_resource: "Terraform-internal",
};
