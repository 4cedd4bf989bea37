/** What each priced resource type consumes, idle and under load, and which resources each load metric lands on. */
import { AURORA_ACTIVE_MIN_ACU, LoadMetric, LoadProfile, NEVER_EXPIRE_RETENTION_MONTHS, SQS_LONG_POLL_SECONDS, SQS_POLLERS_PER_EVENT_SOURCE } from "./model";
import { Attrs, PlanIndex, PlanResource } from "./plan-index";
import { formatPer, formatQuantity, formatRateUsd } from "./format";
import { Dimension, DIMENSIONS, PRICE_TABLE, Rate, RegionPrices } from "./prices";
export interface Charge {
  readonly dimension: Dimension;
  readonly quantity: number;
  /** What the quantity is, e.g. "20,000 invocations". */
  readonly what: string;
}
export type Usage = Charge | { readonly note: string };

export interface Ctx {
  readonly index: PlanIndex;
  readonly prices: RegionPrices;
  readonly profile: LoadProfile;
  readonly hours: number;
  /** This resource's share of a load-profile metric (0 when it is not a target of the metric). */
  share(metric: LoadMetric, r: PlanResource): number;
  isAlarmTopic(topic: PlanResource): boolean;
}

export interface Pricer {
  /** Reason the resource cannot be priced (a variant the table does not cover); it is then left out. */
  unpriced?(r: PlanResource, ctx: Ctx): string | undefined;
  /** Features of a priced resource the table does not cover (reported, the rest is priced). */
  partial?(r: PlanResource, ctx: Ctx): string[];
  idle?(r: PlanResource, ctx: Ctx): Usage[];
  /** Traffic at load, on top of idle. */
  load?(r: PlanResource, ctx: Ctx): Usage[];
}

export const n = (x: number): string => formatQuantity(x);
const first = (v: unknown): Attrs | undefined => (Array.isArray(v) && v.length > 0 && typeof v[0] === "object" ? (v[0] as Attrs) : undefined);
const plural = (unit: string): string => (/[^aeiou]y$/.test(unit) ? `${unit.slice(0, -1)}ies` : `${unit}s`);
export const rateText = (rate: Rate): string => `${formatRateUsd(rate.usd)}/${rate.per === 1 ? rate.unit : `${formatPer(rate.per)} ${plural(rate.unit)}`}`;

/** A type priced by usage only, for which the load profile has no metric: $0 idle and at load, rates stated. */
function usageOnly(dimensions: readonly Dimension[], what: string): Pricer {
  return {
    idle: (_r, ctx) => [{ note: `usage-priced (${dimensions.map((d) => `${DIMENSIONS[d]} at ${rateText(ctx.prices[d])}`).join(", ")}); ${what}` }],
  };
}

/** X-Ray traces recorded by the default sampling rule (first request each second, 5 % of the rest), traffic spread evenly. */
export function sampledTraces(requestsPerMonth: number, hoursPerMonth = PRICE_TABLE.hoursPerMonth): number {
  const seconds = hoursPerMonth * 3600;
  const perSecond = requestsPerMonth / seconds;
  return seconds * (Math.min(perSecond, 1) + 0.05 * Math.max(perSecond - 1, 0));
}

const lambdaFunction: Pricer = {
  partial: (r) => {
    const mb = first(r.values.ephemeral_storage)?.size;
    return typeof mb === "number" && mb > 512 ? [`ephemeral storage above 512 MB (${mb} MB)`] : [];
  },
  idle: () => [{ note: "no charge without invocations" }],
  load: (r, ctx) => {
    const invocations = ctx.share("functionInvocationsPerMonth", r);
    if (invocations === 0) return [{ note: "no invocations allocated" }];
    const memoryMb = typeof r.values.memory_size === "number" ? r.values.memory_size : 128;
    const arch: unknown = Array.isArray(r.values.architectures) ? r.values.architectures[0] : undefined;
    const arm = arch === "arm64";
    const seconds = ctx.profile.averageFunctionDurationMs / 1000;
    const gbSeconds = invocations * seconds * (memoryMb / 1024);
    const usage: Usage[] = [
      { dimension: "lambda.requests", quantity: invocations, what: `${n(invocations)} invocations` },
      {
        dimension: arm ? "lambda.gbSecondsArm64" : "lambda.gbSecondsX86",
        quantity: gbSeconds,
        what: `${n(invocations)} × ${n(seconds)} s × ${n(memoryMb / 1024)} GB = ${n(gbSeconds)} GB-s ${arm ? "arm64" : "x86_64"}${arch === undefined ? " (architecture unknown: x86_64)" : ""}`,
      },
    ];
    if (first(r.values.tracing_config)?.mode === "Active") {
      const traces = sampledTraces(invocations, ctx.hours);
      usage.push({ dimension: "xray.tracesRecorded", quantity: traces, what: `X-Ray: ${n(traces)} traces recorded (default sampling)` });
    }
    return usage;
  },
};

const httpApi: Pricer = {
  unpriced: (r) =>
    r.values.protocol_type !== undefined && r.values.protocol_type !== "HTTP"
      ? `${r.values.protocol_type} APIs (messages and connection-minutes) are not in the price table`
      : undefined,
  idle: () => [{ note: "no charge without requests" }],
  load: (r, ctx) => {
    const requests = ctx.share("apiRequestsPerMonth", r);
    return requests > 0 ? [{ dimension: "apigateway.httpRequests", quantity: requests, what: `${n(requests)} requests` }] : [{ note: "no requests allocated" }];
  },
};

const isOnDemand = (table: PlanResource): boolean => (table.values.billing_mode ?? "PROVISIONED") === "PAY_PER_REQUEST";

const dynamodbTable: Pricer = {
  unpriced: (r) => (r.values.table_class === "STANDARD_INFREQUENT_ACCESS" ? "the Standard-Infrequent Access table class is not in the price table" : undefined),
  partial: (r) => (Array.isArray(r.values.replica) && r.values.replica.length > 0 ? [`global table replicas (${r.values.replica.length})`] : []),
  idle: (r, ctx) => {
    if (isOnDemand(r)) return [{ note: "on-demand: no charge without requests or data" }];
    const gsis: Attrs[] = Array.isArray(r.values.global_secondary_index) ? r.values.global_secondary_index : [];
    const rcu = (r.values.read_capacity ?? 0) + gsis.reduce((s, g) => s + (g.read_capacity ?? 0), 0);
    const wcu = (r.values.write_capacity ?? 0) + gsis.reduce((s, g) => s + (g.write_capacity ?? 0), 0);
    return [
      { dimension: "dynamodb.readCapacityUnitHours", quantity: rcu * ctx.hours, what: `${n(rcu)} RCU (table + GSIs) × ${ctx.hours} h` },
      { dimension: "dynamodb.writeCapacityUnitHours", quantity: wcu * ctx.hours, what: `${n(wcu)} WCU (table + GSIs) × ${ctx.hours} h` },
    ];
  },
  load: (r, ctx) => {
    const usage: Usage[] = [];
    const reads = ctx.share("tableReadsPerMonth", r);
    const writes = ctx.share("tableWritesPerMonth", r);
    const gb = ctx.share("tableStorageGb", r);
    if (isOnDemand(r)) {
      const gsiCount = Array.isArray(r.values.global_secondary_index) ? r.values.global_secondary_index.length : 0;
      if (reads > 0) usage.push({ dimension: "dynamodb.readRequestUnits", quantity: reads, what: `${n(reads)} reads (1 RRU each)` });
      if (writes > 0) {
        usage.push({
          dimension: "dynamodb.writeRequestUnits",
          quantity: writes * (1 + gsiCount),
          what: `${n(writes)} writes × ${1 + gsiCount} WRU (table${gsiCount > 0 ? ` + ${gsiCount} GSI` : ""})`,
        });
      }
    } else if (reads + writes > 0) {
      usage.push({ note: `${n(reads)} reads and ${n(writes)} writes served by provisioned capacity` });
    }
    if (gb > 0) {
      usage.push({ dimension: "dynamodb.storageGbMonth", quantity: gb, what: `${n(gb)} GB stored` });
      if (first(r.values.point_in_time_recovery)?.enabled === true) usage.push({ dimension: "dynamodb.pitrGbMonth", quantity: gb, what: `PITR of ${n(gb)} GB` });
    }
    if (r.values.stream_enabled === true) {
      const consumers = ctx.index.linking(r, "aws_lambda_event_source_mapping", ["event_source_arn"], "stream_arn");
      usage.push({
        note: consumers.length > 0 ? "stream read by Lambda (free)" : "stream reads by non-Lambda consumers not modelled (no load-profile metric)",
      });
    }
    return usage.length > 0 ? usage : [{ note: "no traffic allocated" }];
  },
};

const snsTopic: Pricer = {
  unpriced: (r) => (r.values.fifo_topic === true ? "FIFO topics (priced per publish and payload) are not in the price table" : undefined),
  partial: (r, ctx) =>
    ctx.index
      .linking(r, "aws_sns_topic_subscription", ["topic_arn"])
      .filter((s) => !["sqs", "lambda", "firehose", "email", "email-json", "http", "https"].includes(s.values.protocol))
      .map((s) => `deliveries over protocol "${s.values.protocol}" (${s.address})`),
  idle: () => [{ note: "no charge without publishes" }],
  load: (r, ctx) => {
    if (ctx.isAlarmTopic(r)) return [{ note: "alarm topic: no publishes at load (alarms assumed OK)" }];
    const publishes = ctx.share("snsPublishesPerMonth", r);
    if (publishes === 0) return [{ note: "no publishes allocated" }];
    const usage: Usage[] = [{ dimension: "sns.publishes", quantity: publishes, what: `${n(publishes)} publishes` }];
    for (const sub of ctx.index.linking(r, "aws_sns_topic_subscription", ["topic_arn"])) {
      const protocol: string = sub.values.protocol;
      const dimension: Dimension | undefined =
        protocol === "sqs"
          ? "sns.sqsDeliveries"
          : protocol === "lambda"
            ? "sns.lambdaDeliveries"
            : protocol === "email" || protocol === "email-json"
              ? "sns.emailDeliveries"
              : protocol === "http" || protocol === "https"
                ? "sns.httpDeliveries"
                : undefined;
      if (dimension !== undefined) usage.push({ dimension, quantity: publishes, what: `${n(publishes)} ${protocol} deliveries` });
    }
    return usage;
  },
};

const sqsQueue: Pricer = {
  idle: () => [{ note: "no charge without requests (Lambda polling is priced on its event source mapping)" }],
  load: (r, ctx) => {
    const requests = ctx.share("sqsRequestsPerMonth", r);
    if (requests === 0) return [{ note: "no requests allocated" }];
    const fifo = r.values.fifo_queue === true;
    return [{ dimension: fifo ? "sqs.fifoRequests" : "sqs.standardRequests", quantity: requests, what: `${n(requests)} ${fifo ? "FIFO" : "standard"} requests` }];
  },
};

type EventSource = { kind: "sqs"; fifo: boolean } | { kind: "dynamodb" } | { kind: "kinesis" } | { kind: "other"; what: string } | undefined;

function eventSourceOf(esm: PlanResource, index: PlanIndex): EventSource {
  const queue = index.linked(esm, "event_source_arn", "aws_sqs_queue")[0];
  if (queue !== undefined) return { kind: "sqs", fifo: queue.values.fifo_queue === true };
  if (index.linked(esm, "event_source_arn", "aws_dynamodb_table", "stream_arn").length > 0) return { kind: "dynamodb" };
  if (index.linked(esm, "event_source_arn", "aws_kinesis_stream").length > 0) return { kind: "kinesis" };
  const arn = esm.values.event_source_arn;
  if (typeof arn === "string") {
    if (arn.startsWith("arn:aws:sqs:")) return { kind: "sqs", fifo: arn.endsWith(".fifo") };
    if (/^arn:aws:dynamodb:.*\/stream\//.test(arn)) return { kind: "dynamodb" };
    if (arn.startsWith("arn:aws:kinesis:")) return { kind: "kinesis" };
    return { kind: "other", what: arn.split(":")[2] ?? arn };
  }
  if (Array.isArray(esm.values.self_managed_event_source) && esm.values.self_managed_event_source.length > 0) return { kind: "other", what: "self-managed Kafka" };
  return undefined;
}

const eventSourceMapping: Pricer = {
  unpriced: (r, ctx) => {
    const source = eventSourceOf(r, ctx.index);
    if (source === undefined) return "its event source could not be resolved from the plan";
    if (source.kind === "other") return `event source ${source.what} (polling) is not in the price table`;
    return undefined;
  },
  idle: (r, ctx) => {
    const source = eventSourceOf(r, ctx.index);
    if (r.values.enabled === false) return [{ note: "disabled" }];
    if (source?.kind === "sqs") {
      const polls = SQS_POLLERS_PER_EVENT_SOURCE * (3600 / SQS_LONG_POLL_SECONDS) * ctx.hours;
      return [
        {
          dimension: source.fifo ? "sqs.fifoRequests" : "sqs.standardRequests",
          quantity: polls,
          what: `Lambda long polling: ${SQS_POLLERS_PER_EVENT_SOURCE} pollers × one ${SQS_LONG_POLL_SECONDS} s ReceiveMessage × ${ctx.hours} h = ${n(polls)} requests`,
        },
      ];
    }
    if (source?.kind === "dynamodb") return [{ note: "DynamoDB stream reads by Lambda are free" }];
    return [{ note: "Kinesis reads by Lambda: no charge on provisioned streams; on-demand retrieval is priced per GB (no load-profile metric)" }];
  },
};

const kmsKey: Pricer = {
  idle: (r) => [
    {
      dimension: "kms.keyMonths",
      quantity: 1,
      what: `1 key${r.values.enable_key_rotation === true ? " (rotation on: +$1/month after each of the first two rotations)" : ""}`,
    },
  ],
  load: () => [{ note: "KMS requests not modelled (no load-profile metric; services cache data keys)" }],
};

function alarmMetrics(r: PlanResource): { count: number; highResolution: boolean; unsupported?: string } {
  const queries: Attrs[] = Array.isArray(r.values.metric_query) ? r.values.metric_query : [];
  if (queries.length === 0) return { count: 1, highResolution: typeof r.values.period === "number" && r.values.period < 60 };
  if (queries.some((q) => typeof q.expression === "string" && /\bSELECT\b/i.test(q.expression)))
    return { count: 0, highResolution: false, unsupported: "Metrics Insights query alarms" };
  const metrics = queries.map((q) => first(q.metric)).filter((m): m is Attrs => m !== undefined);
  const anomaly = queries.some((q) => typeof q.expression === "string" && q.expression.includes("ANOMALY_DETECTION_BAND"));
  return {
    count: Math.max(1, metrics.length) * (anomaly ? 3 : 1),
    highResolution: metrics.some((m) => typeof m.period === "number" && m.period < 60),
  };
}

const metricAlarm: Pricer = {
  unpriced: (r) => {
    const unsupported = alarmMetrics(r).unsupported;
    return unsupported === undefined ? undefined : `${unsupported} are not in the price table`;
  },
  idle: (r) => {
    const { count, highResolution } = alarmMetrics(r);
    return [
      {
        dimension: highResolution ? "cloudwatch.highResolutionAlarmMetrics" : "cloudwatch.standardAlarmMetrics",
        quantity: count,
        what: `${count} alarm metric${count === 1 ? "" : "s"}${highResolution ? " (high resolution)" : ""}`,
      },
    ];
  },
};

const logGroup: Pricer = {
  unpriced: (r) =>
    r.values.log_group_class !== undefined && r.values.log_group_class !== null && r.values.log_group_class !== "STANDARD"
      ? `log class ${r.values.log_group_class} is not in the price table`
      : undefined,
  idle: () => [{ note: "no charge without log events" }],
  load: (r, ctx) => {
    const gb = ctx.share("logIngestionGbPerMonth", r);
    if (gb === 0) return [{ note: "no log ingestion allocated" }];
    const days = typeof r.values.retention_in_days === "number" ? r.values.retention_in_days : 0;
    const months = days > 0 ? days / (ctx.hours / 24) : NEVER_EXPIRE_RETENTION_MONTHS;
    const stored = gb * months;
    return [
      { dimension: "cloudwatch.logIngestionGb", quantity: gb, what: `${n(gb)} GB ingested` },
      {
        dimension: "cloudwatch.logStorageGbMonth",
        quantity: stored,
        what: `${n(stored)} GB stored (${days > 0 ? `${days}-day retention` : `never expires: ${NEVER_EXPIRE_RETENTION_MONTHS} months kept`}, uncompressed)`,
      },
    ];
  },
};

const userPool: Pricer = {
  partial: (r) => {
    const mode = first(r.values.user_pool_add_ons)?.advanced_security_mode;
    return typeof mode === "string" && mode !== "OFF" && r.values.user_pool_tier !== "PLUS"
      ? [`advanced security (${mode}) on the ${r.values.user_pool_tier ?? "ESSENTIALS"} plan`]
      : [];
  },
  idle: () => [{ note: "no charge without active users" }],
  load: (r, ctx) => {
    const mau = ctx.share("monthlyActiveUsers", r);
    if (mau === 0) return [{ note: "no active users allocated" }];
    const tier: string = r.values.user_pool_tier ?? "ESSENTIALS";
    const dimension: Dimension = tier === "LITE" ? "cognito.liteMau" : tier === "PLUS" ? "cognito.plusMau" : "cognito.essentialsMau";
    return [
      { dimension, quantity: mau, what: `${n(mau)} MAU on ${tier}${r.values.user_pool_tier === undefined || r.values.user_pool_tier === null ? " (plan unset: Essentials)" : ""}` },
      { note: "e-mail/SMS messages (SES/SNS) not modelled" },
    ];
  },
};

const kinesisMode = (r: PlanResource): "ON_DEMAND" | "PROVISIONED" => {
  const mode = first(r.values.stream_mode_details)?.stream_mode;
  if (mode === "ON_DEMAND" || mode === "PROVISIONED") return mode;
  return typeof r.values.shard_count === "number" && r.values.shard_count > 0 ? "PROVISIONED" : "ON_DEMAND";
};

const kinesisStream: Pricer = {
  partial: (r) => (typeof r.values.retention_period === "number" && r.values.retention_period > 24 ? [`extended retention (${r.values.retention_period} h)`] : []),
  idle: (r, ctx) =>
    kinesisMode(r) === "ON_DEMAND"
      ? [{ dimension: "kinesis.onDemandStreamHours", quantity: ctx.hours, what: `on-demand stream × ${ctx.hours} h` }]
      : [{ dimension: "kinesis.shardHours", quantity: (r.values.shard_count ?? 1) * ctx.hours, what: `${r.values.shard_count ?? 1} shard(s) × ${ctx.hours} h` }],
  load: () => [{ note: "records in/out not modelled (no load-profile metric)" }],
};

const auroraCluster: Pricer = {
  unpriced: (r) => {
    const engine = String(r.values.engine ?? "");
    if (!engine.startsWith("aurora")) return `engine ${engine || "(unknown)"} (non-Aurora RDS) is not in the price table`;
    if (r.values.engine_mode === "serverless") return "Aurora Serverless v1 is not in the price table";
    if (r.values.storage_type === "aurora-iopt1") return "the Aurora I/O-Optimized configuration is not in the price table";
    return undefined;
  },
  idle: (r) => [
    ...(r.values.manage_master_user_password === true ? [{ dimension: "secretsmanager.secretMonths" as const, quantity: 1, what: "master user secret managed by RDS" }] : []),
    { note: "storage and I/O: nothing stored when idle" },
  ],
  load: () => [{ note: "storage and I/O not modelled (no load-profile metric)" }],
};

function clusterOf(instance: PlanResource, index: PlanIndex): PlanResource | undefined {
  return index.linked(instance, "cluster_identifier", "aws_rds_cluster", "cluster_identifier")[0];
}
const minAcu = (cluster: PlanResource): number | undefined => {
  const min = first(cluster.values.serverlessv2_scaling_configuration)?.min_capacity;
  return typeof min === "number" ? min : undefined;
};

const auroraInstance: Pricer = {
  unpriced: (r, ctx) => {
    if (r.values.instance_class !== "db.serverless") return `instance class ${r.values.instance_class ?? "(unknown)"} (provisioned) is not in the price table`;
    const cluster = clusterOf(r, ctx.index);
    if (cluster === undefined) return "its cluster could not be resolved from the plan (min capacity unknown)";
    if (minAcu(cluster) === undefined) return `${cluster.address} has no serverlessv2_scaling_configuration (min capacity unknown)`;
    if (cluster.values.storage_type === "aurora-iopt1") return "the Aurora I/O-Optimized configuration is not in the price table";
    return undefined;
  },
  idle: (r, ctx) => {
    const min = minAcu(clusterOf(r, ctx.index)!)!;
    if (min === 0) return [{ note: "min capacity 0: auto-paused when idle, no ACU charge" }];
    return [{ dimension: "aurora.serverlessV2AcuHours", quantity: min * ctx.hours, what: `min ${n(min)} ACU × ${ctx.hours} h` }];
  },
  load: (r, ctx) => {
    const min = minAcu(clusterOf(r, ctx.index)!)!;
    const active = Math.max(min, AURORA_ACTIVE_MIN_ACU);
    if (active === min) return [{ note: "at load: min capacity all month (no database metric in the load profile)" }];
    return [
      {
        dimension: "aurora.serverlessV2AcuHours",
        quantity: (active - min) * ctx.hours,
        what: `at load: awake all month at ${n(active)} ACU (no database metric in the load profile) × ${ctx.hours} h`,
      },
    ];
  },
};

const secret: Pricer = {
  idle: (r) => {
    const replicas = Array.isArray(r.values.replica) ? r.values.replica.length : 0;
    return [{ dimension: "secretsmanager.secretMonths", quantity: 1 + replicas, what: `1 secret${replicas > 0 ? ` + ${replicas} replica(s)` : ""}` }];
  },
  load: () => [{ note: "API requests not modelled (no load-profile metric)" }],
};

const s3Bucket: Pricer = {
  idle: usageOnly(["s3.standardStorageGbMonth", "s3.tier1Requests", "s3.tier2Requests"], "empty when created").idle,
  load: (r, ctx) => {
    const gb = ctx.share("objectStorageGb", r);
    const writes = ctx.share("objectWritesPerMonth", r);
    const reads = ctx.share("objectReadsPerMonth", r);
    const usage: Usage[] = [];
    if (gb > 0) usage.push({ dimension: "s3.standardStorageGbMonth", quantity: gb, what: `${n(gb)} GB-month Standard storage` });
    if (writes > 0) usage.push({ dimension: "s3.tier1Requests", quantity: writes, what: `${n(writes)} PUT/POST/COPY/LIST requests` });
    if (reads > 0) usage.push({ dimension: "s3.tier2Requests", quantity: reads, what: `${n(reads)} GET/HEAD requests` });
    return usage.length > 0 ? usage : [{ note: "no objects or requests allocated" }];
  },
};

const firehoseDeliveryStream: Pricer = {
  idle: () => [{ note: "no charge without records" }],
  load: (r, ctx) => {
    const gb = ctx.share("lakeIngestGbPerMonth", r);
    return gb > 0 ? [{ dimension: "firehose.ingestedGb", quantity: gb, what: `${n(gb)} GB ingested` }] : [{ note: "no ingestion allocated" }];
  },
};

const athenaWorkgroup: Pricer = {
  idle: () => [{ note: "no charge without queries" }],
  load: (r, ctx) => {
    const tb = ctx.share("athenaTbScannedPerMonth", r);
    return tb > 0 ? [{ dimension: "athena.scannedTb", quantity: tb, what: `${n(tb)} TB scanned` }] : [{ note: "no queries allocated" }];
  },
};

/** A Glue Data Catalog database or table: one stored object (partition projection stores no partitions). */
function glueCatalogObject(kind: string): Pricer {
  return {
    idle: () => [{ dimension: "glue.catalogObjectMonths", quantity: 1, what: `1 catalog object (${kind})` }],
    load: () => [{ note: "catalog requests (Athena reads the table per query) not modelled: no load-profile metric" }],
  };
}

/** Actions a topic rule executes per message: every action block of the rule (the error action runs only on failure). */
function iotRuleActionCount(r: PlanResource): number {
  let count = 0;
  for (const [key, value] of Object.entries(r.values)) {
    if (key === "error_action" || !Array.isArray(value)) continue;
    if (value.length > 0 && typeof value[0] === "object" && value[0] !== null && "role_arn" in (value[0] as Attrs)) count += value.length;
  }
  return count;
}

const iotTopicRule: Pricer = {
  idle: () => [{ note: "no charge without messages" }],
  load: (r, ctx) => {
    const messages = ctx.share("deviceMessagesPerMonth", r);
    if (messages === 0) return [{ note: "no device messages allocated" }];
    const actions = iotRuleActionCount(r);
    const usage: Usage[] = [
      { dimension: "iot.messages", quantity: messages, what: `${n(messages)} device messages` },
      { dimension: "iot.rulesTriggered", quantity: messages, what: `${n(messages)} rule triggers` },
    ];
    if (actions > 0) usage.push({ dimension: "iot.actionsExecuted", quantity: messages * actions, what: `${n(messages * actions)} actions (${actions} per message)` });
    return usage;
  },
};

const isExpress = (r: PlanResource): boolean => r.values.type === "EXPRESS";

const stateMachine: Pricer = {
  idle: (r) => [{ note: isExpress(r) ? "Express: no charge without executions" : "Standard: no charge without executions (billed per state transition)" }],
  load: (r, ctx) => {
    if (isExpress(r)) {
      return [
        {
          note: `Express workflows (${DIMENSIONS["stepfunctions.expressRequests"]} at ${rateText(ctx.prices["stepfunctions.expressRequests"])}, plus duration) have no load-profile metric`,
        },
      ];
    }
    const transitions = ctx.share("stateTransitionsPerMonth", r);
    return transitions > 0
      ? [{ dimension: "stepfunctions.standardTransitions", quantity: transitions, what: `${n(transitions)} state transitions` }]
      : [{ note: "no state transitions allocated" }];
  },
};

/** CloudFront's additional metrics of one distribution are billed as this many CloudWatch custom metrics. */
export const CLOUDFRONT_ADDITIONAL_METRICS = 8;

/** Every viewer request runs the viewer-request function of its behaviour, if that behaviour has one. */
function runsFunctions(r: PlanResource): { all: boolean; any: boolean } {
  const behaviors = [first(r.values.default_cache_behavior), ...((r.values.ordered_cache_behavior as Attrs[] | undefined) ?? [])].filter((b): b is Attrs => b !== undefined);
  const withFn = behaviors.filter((b) => Array.isArray(b.function_association) && b.function_association.length > 0);
  return { all: behaviors.length > 0 && withFn.length === behaviors.length, any: withFn.length > 0 };
}

const cloudfrontDistribution: Pricer = {
  idle: () => [{ note: "no charge without requests" }],
  load: (r, ctx) => {
    const requests = ctx.share("cdnRequestsPerMonth", r);
    const gb = ctx.share("cdnDataOutGbPerMonth", r);
    const usage: Usage[] = [];
    if (requests > 0) usage.push({ dimension: "cloudfront.httpsRequests", quantity: requests, what: `${n(requests)} HTTPS requests` });
    if (gb > 0) usage.push({ dimension: "cloudfront.dataTransferOutGb", quantity: gb, what: `${n(gb)} GB to viewers` });
    const fns = runsFunctions(r);
    if (requests > 0 && fns.any) {
      usage.push({
        dimension: "cloudfront.functionInvocations",
        quantity: requests,
        what: `${n(requests)} function invocations (${fns.all ? "every behaviour runs a viewer-request function" : "some behaviours run a function: every request counted, an upper bound"})`,
      });
    }
    return usage.length > 0 ? usage : [{ note: "no CDN traffic allocated" }];
  },
};

export const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_lambda_function: lambdaFunction,
  aws_apigatewayv2_api: httpApi,
  aws_dynamodb_table: dynamodbTable,
  aws_sns_topic: snsTopic,
  aws_sqs_queue: sqsQueue,
  aws_lambda_event_source_mapping: eventSourceMapping,
  aws_kms_key: kmsKey,
  aws_kms_replica_key: kmsKey,
  aws_cloudwatch_metric_alarm: metricAlarm,
  aws_cloudwatch_composite_alarm: { idle: () => [{ dimension: "cloudwatch.compositeAlarms", quantity: 1, what: "1 composite alarm" }] },
  aws_cloudwatch_dashboard: { idle: () => [{ dimension: "cloudwatch.dashboards", quantity: 1, what: "1 dashboard" }] },
  aws_cloudwatch_log_group: logGroup,
  aws_cognito_user_pool: userPool,
  aws_s3_bucket: s3Bucket,
  aws_kinesis_stream: kinesisStream,
  aws_rds_cluster: auroraCluster,
  aws_rds_cluster_instance: auroraInstance,
  aws_secretsmanager_secret: secret,
  aws_sfn_state_machine: stateMachine,
  aws_cloudfront_distribution: cloudfrontDistribution,
  aws_cloudfront_monitoring_subscription: {
    idle: (r) =>
      r.values.monitoring_subscription?.[0]?.realtime_metrics_subscription_config?.[0]?.realtime_metrics_subscription_status === "Disabled"
        ? [{ note: "additional metrics disabled" }]
        : [{ dimension: "cloudwatch.customMetrics", quantity: CLOUDFRONT_ADDITIONAL_METRICS, what: `${CLOUDFRONT_ADDITIONAL_METRICS} additional CloudFront metrics` }],
  },
  aws_kinesis_firehose_delivery_stream: firehoseDeliveryStream,
  aws_athena_workgroup: athenaWorkgroup,
  aws_iot_topic_rule: iotTopicRule,
  aws_glue_catalog_database: glueCatalogObject("database"),
  aws_glue_catalog_table: glueCatalogObject("table"),
};

/** Resource types the estimate prices (idle and/or at load). */
export const PRICED_RESOURCE_TYPES: readonly string[] = Object.keys(PRICERS).sort();

/** Which resources each load-profile metric is spread over (see ALLOCATION_RULES). */
export const TARGETS: Readonly<Partial<Record<LoadMetric, (r: PlanResource, ctx: Omit<Ctx, "share">) => boolean>>> = {
  apiRequestsPerMonth: (r) => r.type === "aws_apigatewayv2_api",
  functionInvocationsPerMonth: (r) => r.type === "aws_lambda_function",
  tableReadsPerMonth: (r) => r.type === "aws_dynamodb_table",
  tableWritesPerMonth: (r) => r.type === "aws_dynamodb_table",
  tableStorageGb: (r) => r.type === "aws_dynamodb_table",
  snsPublishesPerMonth: (r, ctx) => r.type === "aws_sns_topic" && !ctx.isAlarmTopic(r),
  sqsRequestsPerMonth: (r) => r.type === "aws_sqs_queue",
  objectStorageGb: (r) => r.type === "aws_s3_bucket",
  objectWritesPerMonth: (r) => r.type === "aws_s3_bucket",
  objectReadsPerMonth: (r) => r.type === "aws_s3_bucket",
  logIngestionGbPerMonth: (r) => r.type === "aws_cloudwatch_log_group",
  monthlyActiveUsers: (r) => r.type === "aws_cognito_user_pool",
  stateTransitionsPerMonth: (r) => r.type === "aws_sfn_state_machine" && !isExpress(r),
  lakeIngestGbPerMonth: (r) => r.type === "aws_kinesis_firehose_delivery_stream",
  cdnRequestsPerMonth: (r) => r.type === "aws_cloudfront_distribution",
  cdnDataOutGbPerMonth: (r) => r.type === "aws_cloudfront_distribution",
  athenaTbScannedPerMonth: (r) => r.type === "aws_athena_workgroup",
  deviceMessagesPerMonth: (r) => r.type === "aws_iot_topic_rule",
};
export const TARGET_NAMES: Readonly<Partial<Record<LoadMetric, string>>> = {
  apiRequestsPerMonth: "HTTP API",
  functionInvocationsPerMonth: "Lambda function",
  tableReadsPerMonth: "DynamoDB table",
  tableWritesPerMonth: "DynamoDB table",
  tableStorageGb: "DynamoDB table",
  snsPublishesPerMonth: "SNS topic other than an alarm topic",
  sqsRequestsPerMonth: "SQS queue",
  objectStorageGb: "S3 bucket",
  objectWritesPerMonth: "S3 bucket",
  objectReadsPerMonth: "S3 bucket",
  logIngestionGbPerMonth: "CloudWatch log group",
  monthlyActiveUsers: "Cognito user pool",
  stateTransitionsPerMonth: "Step Functions Standard state machine",
  lakeIngestGbPerMonth: "Firehose delivery stream",
  athenaTbScannedPerMonth: "Athena workgroup",
  deviceMessagesPerMonth: "IoT topic rule",
};
