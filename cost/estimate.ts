/**
 * Monthly cost estimate of one environment from its Terraform plan (`terraform show -json`), idle and at the
 * environment's load profile, with the dated price table of cost/prices.ts; the delta between two estimates
 * (base and head of a pull request); and the Markdown section of the PR report.
 *
 * Idle = what the planned resources cost with zero traffic and zero stored data (KMS keys, alarms,
 * dashboards, provisioned capacity, Kinesis stream-/shard-hours, Aurora minimum ACUs, secrets, SQS polling
 * by Lambda). At load = idle + the traffic of the load profile, allocated over the plan's resources by
 * ALLOCATION_RULES. Every resource type is either priced here, listed free in FREE_RESOURCE_TYPES, or
 * reported in `unpriced` — never silently zero.
 */
import type { EnvironmentConfig } from "../environments/schema";
import { Dimension, DIMENSIONS, FREE_RESOURCE_TYPES, PRICE_TABLE, PriceTable, Rate, RegionPrices } from "./prices";

/** Monthly load of an environment (environments/<env>.ts `loadProfile`). */
export type LoadProfile = EnvironmentConfig["loadProfile"];
type LoadMetric = keyof LoadProfile;

/** The subset of `terraform show -json` (of a plan) that the estimate reads. */
export interface TerraformPlanJson {
  readonly planned_values?: { readonly root_module?: PlannedModule };
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly mode?: string;
    readonly type: string;
    readonly change: { readonly actions?: readonly string[]; readonly after?: Attrs | null };
  }>;
  readonly configuration?: { readonly root_module?: ConfigModule };
}
interface PlannedModule {
  readonly resources?: ReadonlyArray<{ readonly address: string; readonly mode?: string; readonly type: string; readonly values?: Attrs }>;
  readonly child_modules?: readonly PlannedModule[];
}
interface ConfigModule {
  readonly resources?: ReadonlyArray<{ readonly address: string; readonly mode?: string; readonly type: string; readonly expressions?: Attrs }>;
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}
// Planned attribute values are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Attrs = Record<string, any>;

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
    rule:
      "split evenly; GB-seconds = invocations × averageFunctionDurationMs × the function's planned memory_size, at the arm64 or x86_64 rate of its planned architecture (x86_64 when unknown); functions with active tracing record X-Ray traces by the default sampling rule (first request each second + 5 % of the rest, traffic spread evenly over the month)",
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
  { metric: "monthlyActiveUsers", over: "Cognito user pools (aws_cognito_user_pool)", rule: "split evenly; priced by the pool's feature plan (user_pool_tier, Essentials when unset)" },
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
const SQS_LONG_POLL_SECONDS = 20;
/** Aurora Serverless v2 at load with min capacity 0: the instance is assumed awake all month at this capacity. */
export const AURORA_ACTIVE_MIN_ACU = 0.5;
/** Months of logs kept at steady state when a log group never expires (retention_in_days 0 or unset). */
export const NEVER_EXPIRE_RETENTION_MONTHS = 12;

// ---------------------------------------------------------------------------------------------------------
// Plan reading
// ---------------------------------------------------------------------------------------------------------

interface PlanResource {
  readonly address: string;
  /** Address without an instance key (`aws_x.y[0]` → `aws_x.y`). */
  readonly base: string;
  readonly type: string;
  readonly values: Attrs;
}

const stripIndex = (address: string): string => address.replace(/\[[^\]]*\]$/, "");

function plannedResources(plan: TerraformPlanJson): PlanResource[] {
  const out: PlanResource[] = [];
  const root = plan.planned_values?.root_module;
  if (root !== undefined) {
    const walk = (m: PlannedModule): void => {
      for (const r of m.resources ?? []) {
        if ((r.mode ?? "managed") !== "managed") continue;
        out.push({ address: r.address, base: stripIndex(r.address), type: r.type, values: r.values ?? {} });
      }
      for (const child of m.child_modules ?? []) walk(child);
    };
    walk(root);
    return out;
  }
  for (const rc of plan.resource_changes ?? []) {
    if ((rc.mode ?? "managed") !== "managed") continue;
    const after = rc.change.after;
    if (after === null || after === undefined) continue; // deleted
    out.push({ address: rc.address, base: stripIndex(rc.address), type: rc.type, values: after });
  }
  return out;
}

const REFERENCE = /^([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/;

class PlanIndex {
  readonly resources: PlanResource[];
  private readonly byBase = new Map<string, PlanResource[]>();
  private readonly byType = new Map<string, PlanResource[]>();
  /** base address → top-level attribute → referenced resource base addresses */
  private readonly references = new Map<string, Map<string, string[]>>();

  constructor(plan: TerraformPlanJson) {
    this.resources = plannedResources(plan);
    for (const r of this.resources) {
      this.byBase.set(r.base, [...(this.byBase.get(r.base) ?? []), r]);
      this.byType.set(r.type, [...(this.byType.get(r.type) ?? []), r]);
    }
    const walk = (m: ConfigModule | undefined, prefix: string): void => {
      for (const r of m?.resources ?? []) {
        if ((r.mode ?? "managed") !== "managed") continue;
        const attrs = new Map<string, string[]>();
        for (const [attr, expr] of Object.entries(r.expressions ?? {})) {
          const refs = Array.isArray(expr?.references) ? (expr.references as string[]) : [];
          const targets = refs.map((ref) => REFERENCE.exec(ref)).filter((m): m is RegExpExecArray => m !== null).map((m) => `${prefix}${m[1]}.${m[2]}`);
          if (targets.length > 0) attrs.set(attr, [...new Set(targets)]);
        }
        this.references.set(`${prefix}${r.address}`, attrs);
      }
      for (const [name, call] of Object.entries(m?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
    };
    walk(plan.configuration?.root_module, "");
  }

  ofType(type: string): PlanResource[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * Resources of `type` that attribute `attr` of `r` points at: through the configuration's references
   * (values unknown until apply), else by a known value equal to the target's `matchAttr` (e.g. an ARN).
   */
  linked(r: PlanResource, attr: string, type: string, matchAttr = "arn"): PlanResource[] {
    const viaConfig = (this.references.get(r.base)?.get(attr) ?? []).flatMap((base) => this.byBase.get(base) ?? []).filter((t) => t.type === type);
    if (viaConfig.length > 0) return viaConfig;
    const raw = r.values[attr];
    const wanted = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string" && v !== "");
    if (wanted.length === 0) return [];
    return this.ofType(type).filter((t) => wanted.includes(t.values[matchAttr]));
  }

  /** Resources of `type` whose attribute `attr` points at `target`. */
  linking(target: PlanResource, type: string, attrs: readonly string[], matchAttr = "arn"): PlanResource[] {
    return this.ofType(type).filter((r) => attrs.some((a) => this.linked(r, a, target.type, matchAttr).includes(target)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pricers: what each priced resource type consumes, idle and under load
// ---------------------------------------------------------------------------------------------------------

interface Charge {
  readonly dimension: Dimension;
  readonly quantity: number;
  /** What the quantity is, e.g. "20,000 invocations". */
  readonly what: string;
}
type Usage = Charge | { readonly note: string };

interface Ctx {
  readonly index: PlanIndex;
  readonly prices: RegionPrices;
  readonly profile: LoadProfile;
  readonly hours: number;
  /** This resource's share of a load-profile metric (0 when it is not a target of the metric). */
  share(metric: LoadMetric, r: PlanResource): number;
  isAlarmTopic(topic: PlanResource): boolean;
}

interface Pricer {
  /** Reason the resource cannot be priced (a variant the table does not cover); it is then left out. */
  unpriced?(r: PlanResource, ctx: Ctx): string | undefined;
  /** Features of a priced resource the table does not cover (reported, the rest is priced). */
  partial?(r: PlanResource, ctx: Ctx): string[];
  idle?(r: PlanResource, ctx: Ctx): Usage[];
  /** Traffic at load, on top of idle. */
  load?(r: PlanResource, ctx: Ctx): Usage[];
}

const n = (x: number): string => formatQuantity(x);
const first = (v: unknown): Attrs | undefined => (Array.isArray(v) && v.length > 0 && typeof v[0] === "object" ? (v[0] as Attrs) : undefined);
const plural = (unit: string): string => (/[^aeiou]y$/.test(unit) ? `${unit.slice(0, -1)}ies` : `${unit}s`);
const rateText = (rate: Rate): string => `${formatRateUsd(rate.usd)}/${rate.per === 1 ? rate.unit : `${formatPer(rate.per)} ${plural(rate.unit)}`}`;

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
  unpriced: (r) => (r.values.protocol_type !== undefined && r.values.protocol_type !== "HTTP" ? `${r.values.protocol_type} APIs (messages and connection-minutes) are not in the price table` : undefined),
  idle: () => [{ note: "no charge without requests" }],
  load: (r, ctx) => {
    const requests = ctx.share("apiRequestsPerMonth", r);
    return requests > 0 ? [{ dimension: "apigateway.httpRequests", quantity: requests, what: `${n(requests)} requests` }] : [{ note: "no requests allocated" }];
  },
};

const isOnDemand = (table: PlanResource): boolean => (table.values.billing_mode ?? "PROVISIONED") === "PAY_PER_REQUEST";

const dynamodbTable: Pricer = {
  unpriced: (r) =>
    r.values.table_class === "STANDARD_INFREQUENT_ACCESS" ? "the Standard-Infrequent Access table class is not in the price table" : undefined,
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
        note:
          consumers.length > 0
            ? "stream read by Lambda (free)"
            : "stream reads by non-Lambda consumers not modelled (no load-profile metric)",
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
        protocol === "sqs" ? "sns.sqsDeliveries"
        : protocol === "lambda" ? "sns.lambdaDeliveries"
        : protocol === "email" || protocol === "email-json" ? "sns.emailDeliveries"
        : protocol === "http" || protocol === "https" ? "sns.httpDeliveries"
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
  if (queries.some((q) => typeof q.expression === "string" && /\bSELECT\b/i.test(q.expression))) return { count: 0, highResolution: false, unsupported: "Metrics Insights query alarms" };
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
    return typeof mode === "string" && mode !== "OFF" && r.values.user_pool_tier !== "PLUS" ? [`advanced security (${mode}) on the ${r.values.user_pool_tier ?? "ESSENTIALS"} plan`] : [];
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
    ...(r.values.manage_master_user_password === true
      ? [{ dimension: "secretsmanager.secretMonths" as const, quantity: 1, what: "master user secret managed by RDS" }]
      : []),
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
      return [{ note: `Express workflows (${DIMENSIONS["stepfunctions.expressRequests"]} at ${rateText(ctx.prices["stepfunctions.expressRequests"])}, plus duration) have no load-profile metric` }];
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

const PRICERS: Readonly<Record<string, Pricer>> = {
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
const TARGETS: Readonly<Partial<Record<LoadMetric, (r: PlanResource, ctx: Omit<Ctx, "share">) => boolean>>> = {
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
const TARGET_NAMES: Readonly<Partial<Record<LoadMetric, string>>> = {
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

// ---------------------------------------------------------------------------------------------------------
// Pricing engine
// ---------------------------------------------------------------------------------------------------------

interface ResourceUsage {
  readonly resource: PlanResource;
  readonly usage: readonly Usage[];
}

/** Price of the units in [from, to) of a (possibly tiered) rate. */
function bandCost(rate: Rate, from: number, to: number): number {
  if (to <= from) return 0;
  if (rate.tiers === undefined) return ((to - from) / rate.per) * rate.usd;
  let lower = 0;
  let cost = 0;
  for (const tier of rate.tiers) {
    const upper = tier.upTo ?? Infinity;
    const overlap = Math.max(0, Math.min(to, upper) - Math.max(from, lower));
    cost += (overlap / rate.per) * tier.usd;
    lower = upper;
  }
  return cost;
}

function priceUsage(items: readonly ResourceUsage[], prices: RegionPrices, freeTier: boolean): CostLine[] {
  const charges = items.flatMap((it) => it.usage.filter((u): u is Charge => "dimension" in u).map((c) => ({ ...c, address: it.resource.address })));
  const quantity = new Map<Dimension, number>();
  for (const c of charges) quantity.set(c.dimension, (quantity.get(c.dimension) ?? 0) + c.quantity);
  // Free allowances are per account: a pool shared by several dimensions is split pro rata of their quantities.
  const poolTotal = new Map<string, number>();
  for (const [dim, q] of quantity) {
    const free = prices[dim].freeTier;
    if (free !== undefined) poolTotal.set(free.pool ?? dim, (poolTotal.get(free.pool ?? dim) ?? 0) + q);
  }
  const dimensionCost = new Map<Dimension, { usd: number; free: number }>();
  for (const [dim, q] of quantity) {
    const rate = prices[dim];
    let free = 0;
    if (freeTier && rate.freeTier !== undefined) {
      const pool = poolTotal.get(rate.freeTier.pool ?? dim) ?? 0;
      free = pool > 0 ? (Math.min(rate.freeTier.quantity, pool) * q) / pool : 0;
    }
    dimensionCost.set(dim, { usd: bandCost(rate, free, q), free });
  }
  const lines: CostLine[] = [];
  for (const it of items) {
    let usd = 0;
    const parts: string[] = [];
    for (const u of it.usage) {
      if (!("dimension" in u)) {
        parts.push(u.note);
        continue;
      }
      const rate = prices[u.dimension];
      const total = quantity.get(u.dimension) ?? 0;
      const { usd: dimUsd, free } = dimensionCost.get(u.dimension)!;
      const share = total > 0 ? (dimUsd * u.quantity) / total : 0;
      usd += share;
      const tiered = rate.tiers !== undefined && rate.tiers[0].upTo !== null && total > rate.tiers[0].upTo ? " (volume tiers)" : "";
      const freeText = free > 0 ? ` less ${n(free * (u.quantity / total))} free` : "";
      parts.push(`${u.what} × ${rateText(rate)}${tiered}${freeText} = ${formatBasisUsd(share)}`);
    }
    lines.push({ address: it.resource.address, type: it.resource.type, usd, basis: parts.join("; ") || "no charge" });
  }
  return lines.sort((a, b) => b.usd - a.usd || a.address.localeCompare(b.address));
}

const breakdown = (lines: CostLine[]): CostBreakdown => ({ total: lines.reduce((s, l) => s + l.usd, 0), lines });

/**
 * Estimates the monthly cost of a planned environment, idle and at its load profile, with the price table of
 * cost/prices.ts. `plan` is `terraform show -json` of a plan: planned_values (or, without them, the `after`
 * of resource_changes) give the resources, the configuration's references link them (which topic an alarm
 * notifies, which table a Lambda event source reads).
 */
export function estimateMonthlyCost(plan: TerraformPlanJson, options: EstimateOptions): CostEstimate {
  const table = options.priceTable ?? PRICE_TABLE;
  const prices = table.regions[options.region];
  if (prices === undefined) {
    throw new Error(
      `cost estimate: no prices for region "${options.region}" in price table ${table.version}; ` +
        `priced regions: ${Object.keys(table.regions).join(", ")}. Fix: add the region's rates to cost/prices.ts.`,
    );
  }
  const freeTier = options.freeTier ?? false;
  const profile = options.loadProfile;
  const index = new PlanIndex(plan);

  const alarmTopics = new Set<PlanResource>();
  for (const alarmType of ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"]) {
    for (const alarm of index.ofType(alarmType)) {
      for (const attr of ["alarm_actions", "ok_actions", "insufficient_data_actions"]) {
        for (const topic of index.linked(alarm, attr, "aws_sns_topic")) alarmTopics.add(topic);
      }
    }
  }
  const base: Omit<Ctx, "share"> = {
    index,
    prices,
    profile,
    hours: table.hoursPerMonth,
    isAlarmTopic: (topic) => alarmTopics.has(topic),
  };

  // Classify every planned resource.
  const unpricedResources: UnpricedResource[] = [];
  const priced: PlanResource[] = [];
  let freeResources = 0;
  const probe: Ctx = { ...base, share: () => 0 };
  for (const r of index.resources) {
    if (FREE_RESOURCE_TYPES[r.type] !== undefined) {
      freeResources++;
      continue;
    }
    const pricer = PRICERS[r.type];
    if (pricer === undefined) {
      unpricedResources.push({ address: r.address, type: r.type, reason: `resource type ${r.type} is not in the price table` });
      continue;
    }
    const reason = pricer.unpriced?.(r, probe);
    if (reason !== undefined) {
      unpricedResources.push({ address: r.address, type: r.type, reason });
      continue;
    }
    for (const feature of pricer.partial?.(r, probe) ?? []) {
      unpricedResources.push({ address: r.address, type: r.type, reason: `not priced: ${feature}` });
    }
    priced.push(r);
  }

  // Load allocation: each metric split evenly over its priced targets.
  const targets = new Map<LoadMetric, Set<PlanResource>>();
  const unallocated: UnallocatedLoad[] = [];
  for (const [metric, isTarget] of Object.entries(TARGETS) as Array<[LoadMetric, (r: PlanResource, ctx: Omit<Ctx, "share">) => boolean]>) {
    const set = new Set(priced.filter((r) => isTarget(r, base)));
    targets.set(metric, set);
    if (set.size === 0 && profile[metric] > 0) {
      unallocated.push({ metric, amount: profile[metric], reason: `no ${TARGET_NAMES[metric]} in the plan` });
    }
  }
  const ctx: Ctx = {
    ...base,
    share: (metric, r) => {
      const set = targets.get(metric);
      return set !== undefined && set.has(r) ? profile[metric] / set.size : 0;
    },
  };

  const idleUsage = priced.map((r) => ({ resource: r, usage: PRICERS[r.type].idle?.(r, ctx) ?? [] }));
  // At load: the idle charges, plus the traffic (whose notes replace the idle notes).
  const loadUsage = idleUsage.map(({ resource, usage }) => {
    const traffic = PRICERS[resource.type].load?.(resource, ctx);
    return { resource, usage: traffic === undefined ? usage : [...usage.filter((u) => "dimension" in u), ...traffic] };
  });

  return {
    priceTableVersion: table.version,
    priceTableDate: table.effectiveDate,
    region: options.region,
    currency: table.currency,
    freeTier,
    loadProfile: profile,
    idle: breakdown(priceUsage(idleUsage, prices, freeTier)),
    load: breakdown(priceUsage(loadUsage, prices, freeTier)),
    unpriced: [...new Set(unpricedResources.map((u) => u.type))].sort(),
    unpricedResources,
    unallocated,
    freeResources,
  };
}

/** The estimate of an environment's plan with the environment's own region and load profile. */
export function estimateEnvironmentCost(plan: TerraformPlanJson, env: Pick<EnvironmentConfig, "region" | "loadProfile">, options: Omit<EstimateOptions, "region" | "loadProfile"> = {}): CostEstimate {
  return estimateMonthlyCost(plan, { ...options, region: env.region, loadProfile: env.loadProfile });
}

// ---------------------------------------------------------------------------------------------------------
// Delta between two estimates
// ---------------------------------------------------------------------------------------------------------

export interface CostLineDelta {
  readonly address: string;
  readonly type: string;
  /** USD per month in base (0 when the resource is new). */
  readonly base: number;
  /** USD per month in head (0 when the resource is removed). */
  readonly head: number;
  readonly delta: number;
  readonly change: "added" | "removed" | "changed" | "unchanged";
  /** Basis of head's line (base's for a removed resource). */
  readonly basis: string;
}

export interface CostBreakdownDelta {
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  /** Every line of base or head, largest absolute delta first. */
  readonly lines: readonly CostLineDelta[];
}

export interface CostDiff {
  readonly priceTableVersion: { readonly base: string; readonly head: string };
  /** True when base and head were priced with different tables: part of the delta is a price change. */
  readonly priceTableChanged: boolean;
  readonly idle: CostBreakdownDelta;
  readonly load: CostBreakdownDelta;
  readonly unpriced: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

/** Amounts closer than this (USD/month) count as equal. */
const EPSILON = 1e-9;

function diffBreakdown(base: CostBreakdown, head: CostBreakdown): CostBreakdownDelta {
  const baseLines = new Map(base.lines.map((l) => [l.address, l]));
  const headLines = new Map(head.lines.map((l) => [l.address, l]));
  const addresses = [...new Set([...baseLines.keys(), ...headLines.keys()])];
  const lines: CostLineDelta[] = addresses.map((address) => {
    const b = baseLines.get(address);
    const h = headLines.get(address);
    const delta = (h?.usd ?? 0) - (b?.usd ?? 0);
    const change = b === undefined ? "added" : h === undefined ? "removed" : Math.abs(delta) > EPSILON ? "changed" : "unchanged";
    return { address, type: (h ?? b)!.type, base: b?.usd ?? 0, head: h?.usd ?? 0, delta, change, basis: (h ?? b)!.basis };
  });
  lines.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.address.localeCompare(y.address));
  return { base: base.total, head: head.total, delta: head.total - base.total, lines };
}

/** Per-line and total delta, idle and at load, from `base` (the target branch) to `head` (the pull request). */
export function diffCost(base: CostEstimate, head: CostEstimate): CostDiff {
  return {
    priceTableVersion: { base: base.priceTableVersion, head: head.priceTableVersion },
    priceTableChanged: base.priceTableVersion !== head.priceTableVersion,
    idle: diffBreakdown(base.idle, head.idle),
    load: diffBreakdown(base.load, head.load),
    unpriced: {
      added: head.unpriced.filter((t) => !base.unpriced.includes(t)),
      removed: base.unpriced.filter((t) => !head.unpriced.includes(t)),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Markdown for the PR report
// ---------------------------------------------------------------------------------------------------------

export interface CostSection {
  /** Environment (or stack) name shown in the table. */
  readonly name: string;
  readonly head: CostEstimate;
  /** The same environment's estimate on the base branch; absent for a new environment. */
  readonly base?: CostEstimate;
}

export interface CostMarkdownOptions {
  /** @default "Estimated monthly cost" */
  readonly title?: string;
  /** Heading level of the title. @default 3 */
  readonly headingLevel?: number;
  /** Changed lines listed per environment (the rest are counted). @default 20 */
  readonly maxLines?: number;
}

/**
 * The cost section of a PR comment: one row per environment (idle, at load, delta against base), then per
 * environment the lines whose cost changes, and anything the price table does not cover.
 */
export function formatCostMarkdown(sections: CostSection | readonly CostSection[], options: CostMarkdownOptions = {}): string {
  const list: readonly CostSection[] = Array.isArray(sections) ? sections : [sections as CostSection];
  const maxLines = options.maxLines ?? 20;
  const out: string[] = [`${"#".repeat(options.headingLevel ?? 3)} ${options.title ?? "Estimated monthly cost"}`, ""];
  out.push("| Environment | Idle | At load | Δ idle | Δ at load |", "|---|---:|---:|---:|---:|");
  for (const s of list) {
    const d = s.base ? diffCost(s.base, s.head) : undefined;
    out.push(
      `| ${escapeCell(s.name)} (${s.head.region}) | ${formatUsd(s.head.idle.total)} | ${formatUsd(s.head.load.total)} | ${d ? formatDelta(d.idle.delta) : "new"} | ${d ? formatDelta(d.load.delta) : "new"} |`,
    );
  }
  out.push("");

  for (const s of list) {
    const d = s.base ? diffCost(s.base, s.head) : undefined;
    const changed = d ? mergeChanged(d) : s.head.load.lines.map((l) => ({ address: l.address, type: l.type, idle: s.head.idle.lines.find((i) => i.address === l.address)?.usd ?? 0, load: l.usd, change: "added" as const, basis: l.basis }));
    const summary = d ? `${s.name}: ${changed.length} line${changed.length === 1 ? "" : "s"} changed` : `${s.name}: ${changed.length} priced resource${changed.length === 1 ? "" : "s"} (no base)`;
    if (changed.length > 0) {
      out.push(`<details><summary>${escapeHtml(summary)}</summary>`, "");
      out.push(d ? "| Resource | Change | Δ idle | Δ at load | Basis at load |" : "| Resource | Idle | At load | Basis at load |");
      out.push(d ? "|---|---|---:|---:|---|" : "|---|---:|---:|---|");
      for (const l of changed.slice(0, maxLines)) {
        out.push(
          d
            ? `| \`${l.address}\` | ${l.change} | ${formatDelta(l.idle)} | ${formatDelta(l.load)} | ${escapeCell(l.basis)} |`
            : `| \`${l.address}\` | ${formatUsd(l.idle)} | ${formatUsd(l.load)} | ${escapeCell(l.basis)} |`,
        );
      }
      if (changed.length > maxLines) out.push(`| … ${changed.length - maxLines} more | | | | |`);
      out.push("", "</details>", "");
    }
    if (s.head.unpriced.length > 0) {
      const added = d ? new Set(d.unpriced.added) : new Set<string>();
      out.push(
        `**${escapeHtml(s.name)}: not priced** (not in the price table, not counted): ` +
          s.head.unpricedResources.map((u) => `\`${u.address}\`${added.has(u.type) ? " (new)" : ""}: ${u.reason}`).join("; "),
        "",
      );
    }
    if (s.head.unallocated.length > 0) {
      out.push(`${escapeHtml(s.name)}: load not allocated: ${s.head.unallocated.map((u) => `${u.metric} ${formatQuantity(u.amount)} (${u.reason})`).join("; ")}.`, "");
    }
    if (d?.priceTableChanged) {
      out.push(`${escapeHtml(s.name)}: base was priced with table ${d.priceTableVersion.base}, head with ${d.priceTableVersion.head}: part of the delta is a price change.`, "");
    }
  }
  const tables = [...new Set(list.map((s) => `${s.head.priceTableVersion} (${s.head.priceTableDate})`))].join(", ");
  const free = list.some((s) => s.head.freeTier) ? "always-free allowances subtracted" : "AWS Free Tier not applied";
  out.push(
    `<sub>USD per month, on-demand list prices from price table ${tables} (cost/prices.ts); ${free}. ` +
      "Idle = zero traffic and no stored data; at load = the environment's `loadProfile` (environments/&lt;env&gt;.ts) spread over the planned resources (README: Cost estimate). " +
      "Data transfer, taxes and support plans are not included.</sub>",
  );
  return out.join("\n");
}

function mergeChanged(d: CostDiff): Array<{ address: string; type: string; idle: number; load: number; change: CostLineDelta["change"]; basis: string }> {
  const idle = new Map(d.idle.lines.map((l) => [l.address, l]));
  return d.load.lines
    .map((l) => {
      const i = idle.get(l.address);
      const changed = Math.abs(l.delta) > EPSILON || (i !== undefined && Math.abs(i.delta) > EPSILON) || l.change === "added" || l.change === "removed";
      return changed ? { address: l.address, type: l.type, idle: i?.delta ?? 0, load: l.delta, change: l.change === "unchanged" ? ("changed" as const) : l.change, basis: l.basis } : undefined;
    })
    .filter((l): l is NonNullable<typeof l> => l !== undefined)
    .sort((a, b) => Math.abs(b.load) - Math.abs(a.load) || Math.abs(b.idle) - Math.abs(a.idle) || a.address.localeCompare(b.address));
}

// ---------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------

/** "$1,234.56"; amounts above zero but under a cent as "<$0.01". */
export function formatUsd(usd: number): string {
  if (Math.abs(usd) < EPSILON) return "$0.00";
  if (Math.abs(usd) < 0.005) return usd < 0 ? "-<$0.01" : "<$0.01";
  const s = Math.abs(usd).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${usd < 0 ? "-" : ""}$${s}`;
}

/** "+$1.20", "-$0.40", "$0.00". */
export function formatDelta(usd: number): string {
  if (Math.abs(usd) < EPSILON) return "$0.00";
  return `${usd > 0 ? "+" : ""}${formatUsd(usd)}`;
}

function formatBasisUsd(usd: number): string {
  if (Math.abs(usd) < EPSILON) return "$0";
  if (Math.abs(usd) >= 0.01) return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${Number(usd.toPrecision(2))}`;
}

function formatRateUsd(usd: number): string {
  return `$${usd >= 0.01 ? usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 }) : String(usd)}`;
}

function formatPer(per: number): string {
  if (per >= 1_000_000 && per % 1_000_000 === 0) return `${per / 1_000_000}M`;
  if (per >= 1_000 && per % 1_000 === 0) return `${per / 1_000}K`;
  return String(per);
}

function formatQuantity(x: number): string {
  if (Number.isInteger(x) || Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeCell = (s: string): string => escapeHtml(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
