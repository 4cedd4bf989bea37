import { CostEstimate, diffCost, estimateEnvironmentCost, estimateMonthlyCost, formatCostMarkdown, sampledTraces, SQS_POLLERS_PER_EVENT_SOURCE } from "./estimate";
import type { PlanJson } from "../lib/terraform-json";
import { PRICE_TABLE } from "./prices";
import { load, NO_LOAD, planOf, ref } from "./test-plans";

const EU = PRICE_TABLE.regions["eu-west-1"];
const US = PRICE_TABLE.regions["us-east-1"];

const estimate = (plan: PlanJson, loadProfile = NO_LOAD, extra: { region?: string; freeTier?: boolean } = {}): CostEstimate =>
  estimateMonthlyCost(plan, { region: extra.region ?? "eu-west-1", loadProfile, freeTier: extra.freeTier });
const line = (e: CostEstimate["idle"], address: string) => {
  const l = e.lines.find((x) => x.address === address);
  if (l === undefined) throw new Error(`no line ${address} in ${e.lines.map((x) => x.address).join(", ")}`);
  return l;
};

const fn = (name: string, values: Record<string, unknown> = {}) => ({
  address: `aws_lambda_function.${name}`,
  values: { memory_size: 1024, architectures: ["arm64"], tracing_config: [{ mode: "PassThrough" }], ...values },
});

describe("estimateMonthlyCost: the idle estimate", () => {
  it("costs nothing for an empty plan and reports the price table it used", () => {
    const e = estimate(planOf());
    expect(e).toMatchObject({ priceTableVersion: PRICE_TABLE.version, priceTableDate: PRICE_TABLE.effectiveDate, region: "eu-west-1", currency: "USD", freeTier: false });
    expect(e.idle).toEqual({ total: 0, lines: [] });
    expect(e.load).toEqual({ total: 0, lines: [] });
    expect(e.unpriced).toEqual([]);
  });

  it("refuses a region without prices, naming the region and the fix", () => {
    expect(() => estimateMonthlyCost(planOf(), { region: "ap-south-2", loadProfile: NO_LOAD })).toThrow(/region "ap-south-2".*eu-west-1, us-east-1.*cost\/prices\.ts/s);
  });

  it("prices a KMS key at $1/month and its alias as free (no line, counted as free)", () => {
    const e = estimate(planOf({ address: "aws_kms_key.k", values: { enable_key_rotation: true } }, { address: "aws_kms_alias.a", values: {} }));
    expect(e.idle.total).toBeCloseTo(1.0, 10);
    expect(e.idle.lines.map((l) => l.type)).toEqual(["aws_kms_key"]);
    expect(line(e.idle, "aws_kms_key.k").basis).toMatch(/rotation on/);
    expect(e.freeResources).toBe(1);
    expect(e.unpriced).toEqual([]);
  });

  it("prices standard alarms per metric, high-resolution and metric-math alarms by their metrics, composite alarms and dashboards", () => {
    const e = estimate(
      planOf(
        { address: "aws_cloudwatch_metric_alarm.std", values: { period: 300, metric_query: [] } },
        { address: "aws_cloudwatch_metric_alarm.fast", values: { period: 10, metric_query: [] } },
        {
          address: "aws_cloudwatch_metric_alarm.math",
          values: {
            metric_query: [
              { id: "e", expression: "m1 / m2", metric: [] },
              { id: "m1", metric: [{ metric_name: "Errors", period: 60 }] },
              { id: "m2", metric: [{ metric_name: "Invocations", period: 60 }] },
            ],
          },
        },
        { address: "aws_cloudwatch_composite_alarm.c", values: {} },
        { address: "aws_cloudwatch_dashboard.d", values: {} },
      ),
    );
    expect(line(e.idle, "aws_cloudwatch_metric_alarm.std").usd).toBeCloseTo(0.1, 10);
    expect(line(e.idle, "aws_cloudwatch_metric_alarm.fast").usd).toBeCloseTo(0.3, 10);
    expect(line(e.idle, "aws_cloudwatch_metric_alarm.math").usd).toBeCloseTo(0.2, 10);
    expect(line(e.idle, "aws_cloudwatch_composite_alarm.c").usd).toBeCloseTo(0.5, 10);
    expect(line(e.idle, "aws_cloudwatch_dashboard.d").usd).toBeCloseTo(3.0, 10);
    expect(e.idle.total).toBeCloseTo(4.1, 10);
  });

  it("prices Secrets Manager secrets per secret-month, replicas included", () => {
    const e = estimate(planOf({ address: "aws_secretsmanager_secret.s", values: { replica: [{ region: "us-east-1" }] } }, { address: "aws_secretsmanager_secret_version.v" }));
    expect(e.idle.total).toBeCloseTo(0.8, 10);
  });

  it("prices a Kinesis on-demand stream per stream-hour and a provisioned stream per shard-hour; extended retention is reported as not priced", () => {
    const e = estimate(
      planOf(
        { address: "aws_kinesis_stream.od", values: { stream_mode_details: [{ stream_mode: "ON_DEMAND" }], retention_period: 24 } },
        { address: "aws_kinesis_stream.prov", values: { stream_mode_details: [{ stream_mode: "PROVISIONED" }], shard_count: 2, retention_period: 48 } },
      ),
    );
    expect(line(e.idle, "aws_kinesis_stream.od").usd).toBeCloseTo(730 * 0.04, 10);
    expect(line(e.idle, "aws_kinesis_stream.prov").usd).toBeCloseTo(2 * 730 * 0.015, 10);
    expect(e.unpricedResources).toEqual([{ address: "aws_kinesis_stream.prov", type: "aws_kinesis_stream", reason: "not priced: extended retention (48 h)" }]);
  });

  describe("Aurora Serverless v2", () => {
    const cluster = (min: number, extra: Record<string, unknown> = {}) => ({
      address: "aws_rds_cluster.analytics",
      values: {
        engine: "aurora-postgresql",
        engine_mode: "provisioned",
        manage_master_user_password: true,
        serverlessv2_scaling_configuration: [{ min_capacity: min, max_capacity: 4, seconds_until_auto_pause: 300 }],
        ...extra,
      },
    });
    const instance = (instanceClass = "db.serverless") => ({
      address: "aws_rds_cluster_instance.writer",
      values: { instance_class: instanceClass, engine: "aurora-postgresql" },
      expressions: { cluster_identifier: ref("aws_rds_cluster.analytics", "id") },
    });

    it("costs no ACU idle with min capacity 0 (auto-pause), 0.5 ACU all month at load, and the managed master secret", () => {
      const e = estimate(planOf(cluster(0), instance()), load({ functionInvocationsPerMonth: 1 }));
      expect(line(e.idle, "aws_rds_cluster_instance.writer").usd).toBe(0);
      expect(line(e.idle, "aws_rds_cluster_instance.writer").basis).toMatch(/auto-paused/);
      expect(line(e.idle, "aws_rds_cluster.analytics").usd).toBeCloseTo(0.4, 10);
      expect(line(e.load, "aws_rds_cluster_instance.writer").usd).toBeCloseTo(0.5 * 730 * EU["aurora.serverlessV2AcuHours"].usd, 10);
    });

    it("bills the min capacity every hour when it is above 0", () => {
      const e = estimate(planOf(cluster(1), instance()));
      expect(line(e.idle, "aws_rds_cluster_instance.writer").usd).toBeCloseTo(730 * 0.14, 10);
      expect(line(e.load, "aws_rds_cluster_instance.writer").usd).toBeCloseTo(730 * 0.14, 10);
    });

    it("reports provisioned instance classes and the I/O-Optimized configuration as not priced", () => {
      const e = estimate(planOf(cluster(0, { storage_type: "aurora-iopt1" }), instance("db.r6g.large")));
      expect(e.unpriced).toEqual(["aws_rds_cluster", "aws_rds_cluster_instance"]);
      expect(e.idle.lines).toEqual([]);
    });
  });
});

describe("estimateMonthlyCost: traffic at load", () => {
  it("prices Lambda requests and GB-seconds from the planned memory and architecture: arm64 below x86_64", () => {
    const plan = planOf(fn("arm", { architectures: ["arm64"] }), fn("x86", { architectures: ["x86_64"] }));
    const e = estimate(plan, load({ functionInvocationsPerMonth: 2_000_000, averageFunctionDurationMs: 100 }));
    // 1M invocations each × 0.1 s × 1 GB = 100,000 GB-s each
    expect(line(e.load, "aws_lambda_function.arm").usd).toBeCloseTo(0.2 + 100_000 * 0.0000133334, 8);
    expect(line(e.load, "aws_lambda_function.x86").usd).toBeCloseTo(0.2 + 100_000 * 0.0000166667, 8);
    expect(line(e.load, "aws_lambda_function.arm").basis).toMatch(/1,000,000 invocations.*100,000 GB-s arm64/);
    expect(e.idle.total).toBe(0);
  });

  it("splits invocations evenly over the functions and scales GB-seconds with each function's memory_size", () => {
    const e = estimate(
      planOf(fn("small", { memory_size: 512 }), fn("big", { memory_size: 2048 })),
      load({ functionInvocationsPerMonth: 1_000_000, averageFunctionDurationMs: 200 }),
    );
    const small = 500_000 * 0.2 * 0.5;
    const big = 500_000 * 0.2 * 2;
    expect(line(e.load, "aws_lambda_function.small").usd).toBeCloseTo(0.1 + small * 0.0000133334, 8);
    expect(line(e.load, "aws_lambda_function.big").usd).toBeCloseTo(0.1 + big * 0.0000133334, 8);
  });

  it("takes x86_64 when the architecture is unknown at plan time, and says so", () => {
    const e = estimate(planOf({ address: "aws_lambda_function.f", values: { memory_size: 1024 } }), load({ functionInvocationsPerMonth: 1000, averageFunctionDurationMs: 1000 }));
    expect(line(e.load, "aws_lambda_function.f").usd).toBeCloseTo((1000 * 0.2) / 1e6 + 1000 * 0.0000166667, 10);
    expect(line(e.load, "aws_lambda_function.f").basis).toMatch(/architecture unknown: x86_64/);
  });

  it("adds X-Ray traces for active tracing by the default sampling rule (1 request/s + 5 %)", () => {
    const seconds = 730 * 3600;
    expect(sampledTraces(1000)).toBeCloseTo(1000, 6);
    expect(sampledTraces(3 * seconds)).toBeCloseTo(seconds * (1 + 0.05 * 2), 3);
    const e = estimate(
      planOf(fn("traced", { tracing_config: [{ mode: "Active" }] }), fn("plain")),
      load({ functionInvocationsPerMonth: 6 * seconds, averageFunctionDurationMs: 1 }),
    );
    const diff = line(e.load, "aws_lambda_function.traced").usd - line(e.load, "aws_lambda_function.plain").usd;
    expect(diff).toBeCloseTo((sampledTraces(3 * seconds) / 1e6) * 5.0, 6);
  });

  it("prices HTTP API requests at the region's rate and reports WebSocket APIs as not priced", () => {
    const plan = planOf(
      { address: "aws_apigatewayv2_api.http", values: { protocol_type: "HTTP" } },
      { address: "aws_apigatewayv2_api.ws", values: { protocol_type: "WEBSOCKET" } },
      { address: "aws_apigatewayv2_route.r" },
      { address: "aws_apigatewayv2_stage.s" },
    );
    const eu = estimate(plan, load({ apiRequestsPerMonth: 10_000_000 }));
    const us = estimate(plan, load({ apiRequestsPerMonth: 10_000_000 }), { region: "us-east-1" });
    expect(eu.load.total).toBeCloseTo(11.1, 8);
    expect(us.load.total).toBeCloseTo(10.0, 8);
    expect(eu.unpricedResources).toEqual([{ address: "aws_apigatewayv2_api.ws", type: "aws_apigatewayv2_api", reason: expect.stringMatching(/WEBSOCKET/) }]);
    expect(eu.freeResources).toBe(2);
  });

  it("splits table reads, writes and storage over the tables: one RRU per read, one WRU per write plus one per GSI, PITR only where enabled", () => {
    const plan = planOf(
      { address: "aws_dynamodb_table.a", values: { billing_mode: "PAY_PER_REQUEST", point_in_time_recovery: [{ enabled: true }], global_secondary_index: [{ name: "byEmail" }] } },
      { address: "aws_dynamodb_table.b", values: { billing_mode: "PAY_PER_REQUEST", point_in_time_recovery: [{ enabled: false }], global_secondary_index: [] } },
    );
    const e = estimate(plan, load({ tableReadsPerMonth: 2_000_000, tableWritesPerMonth: 2_000_000, tableStorageGb: 10 }));
    const reads = 1 * EU["dynamodb.readRequestUnits"].usd;
    const storage = 5 * EU["dynamodb.storageGbMonth"].usd;
    expect(line(e.load, "aws_dynamodb_table.a").usd).toBeCloseTo(reads + 2 * EU["dynamodb.writeRequestUnits"].usd + storage + 5 * EU["dynamodb.pitrGbMonth"].usd, 8);
    expect(line(e.load, "aws_dynamodb_table.b").usd).toBeCloseTo(reads + 1 * EU["dynamodb.writeRequestUnits"].usd + storage, 8);
    expect(e.idle.total).toBe(0);
  });

  it("bills provisioned tables for their capacity every hour, idle, and reports the Infrequent Access class as not priced", () => {
    const e = estimate(
      planOf(
        {
          address: "aws_dynamodb_table.prov",
          values: { billing_mode: "PROVISIONED", read_capacity: 10, write_capacity: 5, global_secondary_index: [{ read_capacity: 2, write_capacity: 1 }] },
        },
        { address: "aws_dynamodb_table.ia", values: { billing_mode: "PAY_PER_REQUEST", table_class: "STANDARD_INFREQUENT_ACCESS" } },
      ),
      load({ tableReadsPerMonth: 1_000_000 }),
    );
    expect(line(e.idle, "aws_dynamodb_table.prov").usd).toBeCloseTo(12 * 730 * 0.000147 + 6 * 730 * 0.000735, 8);
    expect(line(e.load, "aws_dynamodb_table.prov").usd).toBeCloseTo(line(e.idle, "aws_dynamodb_table.prov").usd, 10);
    expect(e.unpriced).toEqual(["aws_dynamodb_table"]);
  });

  it("treats stream reads by a Lambda event source mapping as free", () => {
    const e = estimate(
      planOf(
        { address: "aws_dynamodb_table.t", values: { billing_mode: "PAY_PER_REQUEST", stream_enabled: true } },
        { address: "aws_lambda_event_source_mapping.m", values: { enabled: true }, expressions: { event_source_arn: ref("aws_dynamodb_table.t", "stream_arn") } },
      ),
      load({ tableWritesPerMonth: 1000 }),
    );
    expect(line(e.load, "aws_dynamodb_table.t").basis).toMatch(/stream read by Lambda \(free\)/);
    expect(line(e.idle, "aws_lambda_event_source_mapping.m")).toMatchObject({ usd: 0, basis: expect.stringMatching(/free/) });
  });

  it("bills Lambda's idle long polling of an SQS event source, on the mapping", () => {
    const e = estimate(
      planOf(
        { address: "aws_sqs_queue.q", values: { fifo_queue: false } },
        { address: "aws_lambda_event_source_mapping.m", values: { enabled: true }, expressions: { event_source_arn: ref("aws_sqs_queue.q") } },
      ),
    );
    const polls = SQS_POLLERS_PER_EVENT_SOURCE * 180 * 730;
    expect(polls).toBe(657_000);
    expect(line(e.idle, "aws_lambda_event_source_mapping.m").usd).toBeCloseTo((polls / 1e6) * 0.4, 10);
  });

  it("reports an event source mapping whose source cannot be resolved as not priced", () => {
    const e = estimate(planOf({ address: "aws_lambda_event_source_mapping.m", values: { enabled: true } }));
    expect(e.unpricedResources).toEqual([
      { address: "aws_lambda_event_source_mapping.m", type: "aws_lambda_event_source_mapping", reason: expect.stringMatching(/could not be resolved/) },
    ]);
  });

  it("publishes to topics other than alarm topics; SQS deliveries free, e-mail deliveries priced; FIFO topics not priced", () => {
    const plan = planOf(
      { address: "aws_sns_topic.events", values: { fifo_topic: false } },
      { address: "aws_sns_topic.alarms", values: { fifo_topic: false } },
      { address: "aws_sns_topic.orders", values: { fifo_topic: true } },
      { address: "aws_sns_topic_subscription.toQueue", values: { protocol: "sqs" }, expressions: { topic_arn: ref("aws_sns_topic.events") } },
      { address: "aws_sns_topic_subscription.toMail", values: { protocol: "email" }, expressions: { topic_arn: ref("aws_sns_topic.events") } },
      { address: "aws_sns_topic_subscription.oncall", values: { protocol: "email" }, expressions: { topic_arn: ref("aws_sns_topic.alarms") } },
      { address: "aws_cloudwatch_metric_alarm.a", values: { period: 60 }, expressions: { alarm_actions: { references: ["aws_sns_topic.alarms.arn", "aws_sns_topic.alarms"] } } },
    );
    const e = estimate(plan, load({ snsPublishesPerMonth: 100_000 }));
    expect(line(e.load, "aws_sns_topic.events").usd).toBeCloseTo(0.1 * 0.5 + 1 * 2.0, 10);
    expect(line(e.load, "aws_sns_topic.events").basis).toMatch(/100,000 sqs deliveries × \$0\/1M deliveries = \$0/);
    expect(line(e.load, "aws_sns_topic.alarms")).toMatchObject({ usd: 0, basis: expect.stringMatching(/alarm topic/) });
    expect(e.unpriced).toEqual(["aws_sns_topic"]);
  });

  it("recognises an alarm topic by a known ARN in the alarm actions when the configuration is absent", () => {
    const arn = "arn:aws:sns:eu-west-1:111111111111:alarms";
    const plan = planOf(
      { address: "aws_sns_topic.alarms", values: { arn } },
      { address: "aws_sns_topic.events", values: { arn: "arn:aws:sns:eu-west-1:111111111111:events" } },
      { address: "aws_cloudwatch_metric_alarm.a", values: { period: 60, alarm_actions: [arn] } },
    );
    const e = estimate(plan, load({ snsPublishesPerMonth: 1_000_000 }));
    expect(line(e.load, "aws_sns_topic.events").usd).toBeCloseTo(0.5, 10);
    expect(line(e.load, "aws_sns_topic.alarms").usd).toBe(0);
  });

  it("splits SQS requests over the queues at the standard or FIFO rate", () => {
    const e = estimate(
      planOf({ address: "aws_sqs_queue.std", values: { fifo_queue: false } }, { address: "aws_sqs_queue.fifo", values: { fifo_queue: true } }),
      load({ sqsRequestsPerMonth: 4_000_000 }),
    );
    expect(line(e.load, "aws_sqs_queue.std").usd).toBeCloseTo(0.8, 10);
    expect(line(e.load, "aws_sqs_queue.fifo").usd).toBeCloseTo(1.0, 10);
  });

  it("ingests logs evenly over log groups and stores them for the retention period (12 months when they never expire); other log classes are not priced", () => {
    const e = estimate(
      planOf(
        { address: "aws_cloudwatch_log_group.twoWeeks", values: { retention_in_days: 14, log_group_class: "STANDARD" } },
        { address: "aws_cloudwatch_log_group.forever", values: { retention_in_days: 0 } },
        { address: "aws_cloudwatch_log_group.ia", values: { retention_in_days: 14, log_group_class: "INFREQUENT_ACCESS" } },
      ),
      load({ logIngestionGbPerMonth: 2 }),
    );
    expect(line(e.load, "aws_cloudwatch_log_group.twoWeeks").usd).toBeCloseTo(0.57 + (14 / (730 / 24)) * 0.03, 10);
    expect(line(e.load, "aws_cloudwatch_log_group.forever").usd).toBeCloseTo(0.57 + 12 * 0.03, 10);
    expect(e.unpriced).toEqual(["aws_cloudwatch_log_group"]);
  });

  it("prices Cognito MAUs by feature plan (Essentials when unset), list price by default", () => {
    const e = estimate(
      planOf(
        { address: "aws_cognito_user_pool.ess", values: {} },
        { address: "aws_cognito_user_pool.plus", values: { user_pool_tier: "PLUS" } },
        { address: "aws_cognito_user_pool_client.c" },
      ),
      load({ monthlyActiveUsers: 100_000 }),
    );
    expect(line(e.load, "aws_cognito_user_pool.ess").usd).toBeCloseTo(50_000 * 0.015, 8);
    expect(line(e.load, "aws_cognito_user_pool.ess").basis).toMatch(/plan unset: Essentials/);
    expect(line(e.load, "aws_cognito_user_pool.plus").usd).toBeCloseTo(50_000 * 0.02, 8);
  });

  it("prices Standard state machines per state transition ($0.025 per 1,000, $0 idle), split evenly; Express gets none", () => {
    const plan = planOf(
      { address: "aws_sfn_state_machine.a", values: { type: "STANDARD" } },
      { address: "aws_sfn_state_machine.b", values: {} },
      { address: "aws_sfn_state_machine.x", values: { type: "EXPRESS" } },
    );
    const e = estimate(plan, load({ stateTransitionsPerMonth: 200_000 }));
    expect(e.idle.total).toBe(0);
    expect(line(e.idle, "aws_sfn_state_machine.a").basis).toMatch(/Standard: no charge without executions/);
    expect(line(e.load, "aws_sfn_state_machine.a")).toMatchObject({ usd: expect.closeTo(100_000 * (0.025 / 1000), 10), basis: expect.stringMatching(/100,000 state transitions/) });
    expect(line(e.load, "aws_sfn_state_machine.b").usd).toBeCloseTo(2.5, 10);
    expect(line(e.load, "aws_sfn_state_machine.x")).toMatchObject({ usd: 0, basis: expect.stringMatching(/Express workflows .* have no load-profile metric/) });
    expect(e.load.total).toBeCloseTo(5, 10);
    expect(e.unallocated).toEqual([]);
    expect(estimate(plan, load({ stateTransitionsPerMonth: 4_000 }), { freeTier: true }).load.total).toBe(0);
    expect(estimate(planOf(), load({ stateTransitionsPerMonth: 10 })).unallocated).toEqual([
      { metric: "stateTransitionsPerMonth", amount: 10, reason: "no Step Functions Standard state machine in the plan" },
    ]);
  });

  it("prices device messages on IoT topic rules: one message, one rule triggered and one action per action block each ($0 idle); thing types and IoT policies are free", () => {
    const plan = planOf(
      { address: "aws_iot_topic_rule.r", values: { kinesis: [{ role_arn: "arn", stream_name: "s" }], error_action: [{ sqs: [{ role_arn: "arn", queue_url: "u" }] }] } },
      { address: "aws_iot_thing_type.t", values: {} },
      { address: "aws_iot_policy.p", values: {} },
    );
    const e = estimate(plan, load({ deviceMessagesPerMonth: 2_000_000 }));
    expect(e.idle.total).toBe(0);
    expect(e.freeResources).toBe(2);
    expect(e.unpriced).toEqual([]);
    expect(line(e.idle, "aws_iot_topic_rule.r").basis).toMatch(/no charge without messages/);
    // $1.00 per million messages, $0.15 per million rules triggered, $0.15 per million actions (the error action not counted)
    expect(line(e.load, "aws_iot_topic_rule.r")).toMatchObject({
      usd: expect.closeTo(2 * 1.0 + 2 * 0.15 + 2 * 0.15, 10),
      basis: expect.stringMatching(/2,000,000 device messages/),
    });
    const twoActions = planOf({ address: "aws_iot_topic_rule.r", values: { kinesis: [{ role_arn: "a", stream_name: "s" }], sqs: [{ role_arn: "a", queue_url: "u" }] } });
    expect(line(estimate(twoActions, load({ deviceMessagesPerMonth: 1_000_000 })).load, "aws_iot_topic_rule.r").usd).toBeCloseTo(1.0 + 0.15 + 2 * 0.15, 10);
    expect(estimate(planOf(), load({ deviceMessagesPerMonth: 10 })).unallocated).toEqual([
      { metric: "deviceMessagesPerMonth", amount: 10, reason: "no IoT topic rule in the plan" },
    ]);
  });

  it("applies the Cognito Lite volume tiers and, when asked, the free 10,000 MAU", () => {
    const plan = planOf({ address: "aws_cognito_user_pool.lite", values: { user_pool_tier: "LITE" } });
    const list = estimate(plan, load({ monthlyActiveUsers: 150_000 }));
    const free = estimate(plan, load({ monthlyActiveUsers: 150_000 }), { freeTier: true });
    expect(list.load.total).toBeCloseTo(100_000 * 0.0055 + 50_000 * 0.0046, 8);
    expect(free.load.total).toBeCloseTo(90_000 * 0.0055 + 50_000 * 0.0046, 8);
    expect(free.freeTier).toBe(true);
  });

  it("subtracts always-free allowances only with freeTier: true (3 dashboards, 10 alarm metrics, 1M Lambda requests)", () => {
    const plan = planOf({ address: "aws_cloudwatch_dashboard.d" }, { address: "aws_cloudwatch_metric_alarm.a", values: { period: 60 } }, fn("f"));
    const profile = load({ functionInvocationsPerMonth: 2_000_000, averageFunctionDurationMs: 1 });
    expect(estimate(plan, profile).idle.total).toBeCloseTo(3.1, 10);
    const free = estimate(plan, profile, { freeTier: true });
    expect(free.idle.total).toBe(0);
    expect(line(free.load, "aws_lambda_function.f").basis).toMatch(/less 1,000,000 free = \$0.20/);
  });

  it("prices an S3 bucket at $0 with its usage rates stated, and its configuration resources as free", () => {
    const e = estimate(planOf({ address: "aws_s3_bucket.b" }, { address: "aws_s3_bucket_versioning.v" }, { address: "aws_s3_bucket_public_access_block.p" }));
    expect(line(e.idle, "aws_s3_bucket.b")).toMatchObject({
      usd: 0,
      basis: expect.stringMatching(/usage-priced \(S3 Standard storage at \$0\.023\/GB-month, S3 PUT, COPY, POST, LIST requests at \$0\.005\/1K requests/),
    });
    expect(e.freeResources).toBe(2);
  });

  it("prices S3 storage and requests at load from objectStorageGb, objectWritesPerMonth and objectReadsPerMonth, split over the buckets", () => {
    const e = estimate(
      planOf({ address: "aws_s3_bucket.a" }, { address: "aws_s3_bucket.b" }),
      load({ objectStorageGb: 20, objectWritesPerMonth: 200_000, objectReadsPerMonth: 2_000_000 }),
    );
    // per bucket: 10 GB × $0.023 + 100K × $0.005/1K + 1M × $0.0004/1K = 0.23 + 0.5 + 0.4
    expect(line(e.load, "aws_s3_bucket.a")?.usd).toBeCloseTo(1.13, 6);
    expect(line(e.load, "aws_s3_bucket.b")?.usd).toBeCloseTo(1.13, 6);
  });

  it("reports unknown resource types as not priced instead of counting them as zero", () => {
    const e = estimate(planOf({ address: "aws_nat_gateway.n" }, { address: "aws_kms_key.k" }));
    expect(e.unpriced).toEqual(["aws_nat_gateway"]);
    expect(e.unpricedResources).toEqual([{ address: "aws_nat_gateway.n", type: "aws_nat_gateway", reason: "resource type aws_nat_gateway is not in the price table" }]);
    expect(e.idle.lines.map((l) => l.address)).toEqual(["aws_kms_key.k"]);
  });

  it("reports load that has nowhere to land", () => {
    const e = estimate(planOf(fn("f")), load({ apiRequestsPerMonth: 1000, functionInvocationsPerMonth: 10 }));
    expect(e.unallocated).toEqual([{ metric: "apiRequestsPerMonth", amount: 1000, reason: "no HTTP API in the plan" }]);
  });

  it("reads resource_changes `after` when planned_values are absent, and skips deleted resources", () => {
    const aws = "registry.terraform.io/hashicorp/aws";
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        { address: "aws_kms_key.kept", type: "aws_kms_key", name: "kept", provider_name: aws, mode: "managed", change: { actions: ["no-op"], before: {}, after: {} } },
        { address: "aws_kms_key.gone", type: "aws_kms_key", name: "gone", provider_name: aws, mode: "managed", change: { actions: ["delete"], before: {}, after: null } },
        {
          address: "data.aws_caller_identity.me",
          type: "aws_caller_identity",
          name: "me",
          provider_name: aws,
          mode: "data",
          change: { actions: ["read"], before: null, after: {} },
        },
      ],
    };
    const e = estimate(plan);
    expect(e.idle.lines.map((l) => l.address)).toEqual(["aws_kms_key.kept"]);
    expect(e.unpriced).toEqual([]);
  });

  it("never prices a resource lower at load than idle", () => {
    const plan = planOf(
      fn("f"),
      { address: "aws_kms_key.k" },
      { address: "aws_dynamodb_table.t", values: { billing_mode: "PAY_PER_REQUEST" } },
      { address: "aws_cloudwatch_log_group.l", values: { retention_in_days: 7 } },
    );
    const e = estimate(plan, load({ functionInvocationsPerMonth: 1e6, tableReadsPerMonth: 1e6, logIngestionGbPerMonth: 1 }));
    for (const idle of e.idle.lines) expect(line(e.load, idle.address).usd).toBeGreaterThanOrEqual(idle.usd);
    expect(e.load.total).toBeGreaterThan(e.idle.total);
    expect(e.load.total).toBeCloseTo(
      e.load.lines.reduce((s, l) => s + l.usd, 0),
      10,
    );
  });

  it("follows references to counted resources and inside child modules", () => {
    const counted = planOf(
      { address: "aws_sns_topic.alarms[0]", values: {} },
      { address: "aws_sns_topic.events", values: {} },
      { address: "aws_cloudwatch_metric_alarm.a[0]", values: { period: 60 }, expressions: { alarm_actions: ref("aws_sns_topic.alarms[0]") } },
    );
    expect(line(estimate(counted, load({ snsPublishesPerMonth: 1e6 })).load, "aws_sns_topic.alarms[0]").usd).toBe(0);
    const inModule: PlanJson = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          child_modules: [
            {
              resources: [
                {
                  address: "module.svc.aws_sqs_queue.q",
                  mode: "managed",
                  type: "aws_sqs_queue",
                  name: "q",
                  provider_name: "registry.terraform.io/hashicorp/aws",
                  values: { fifo_queue: true },
                },
                {
                  address: "module.svc.aws_lambda_event_source_mapping.m",
                  mode: "managed",
                  type: "aws_lambda_event_source_mapping",
                  name: "m",
                  provider_name: "registry.terraform.io/hashicorp/aws",
                  values: { enabled: true },
                },
              ],
            },
          ],
        },
      },
      configuration: {
        root_module: {
          module_calls: {
            svc: {
              module: {
                resources: [
                  { address: "aws_sqs_queue.q", mode: "managed", type: "aws_sqs_queue", name: "q", expressions: {} },
                  {
                    address: "aws_lambda_event_source_mapping.m",
                    mode: "managed",
                    type: "aws_lambda_event_source_mapping",
                    name: "m",
                    expressions: { event_source_arn: ref("aws_sqs_queue.q") },
                  },
                ],
              },
            },
          },
        },
      },
    };
    expect(line(estimate(inModule).idle, "module.svc.aws_lambda_event_source_mapping.m").usd).toBeCloseTo(0.657 * 0.5, 10);
  });

  it("estimates an environment with its own region and load profile", () => {
    const plan = planOf({ address: "aws_apigatewayv2_api.api", values: { protocol_type: "HTTP" } });
    const e = estimateEnvironmentCost(plan, { region: "us-east-1", loadProfile: load({ apiRequestsPerMonth: 2_000_000 }) });
    expect(e.region).toBe("us-east-1");
    expect(e.load.total).toBeCloseTo(2.0, 10);
  });

  it("uses us-east-1 prices for a us-east-1 environment", () => {
    const e = estimate(planOf({ address: "aws_cloudwatch_log_group.l", values: { retention_in_days: 1 } }), load({ logIngestionGbPerMonth: 1 }), { region: "us-east-1" });
    expect(e.load.total).toBeCloseTo(US["cloudwatch.logIngestionGb"].usd + (1 / (730 / 24)) * 0.03, 10);
  });
});

describe("diffCost", () => {
  const base = estimate(
    planOf({ address: "aws_kms_key.k" }, { address: "aws_cloudwatch_dashboard.old" }, fn("f")),
    load({ functionInvocationsPerMonth: 1_000_000, averageFunctionDurationMs: 100 }),
  );
  const head = estimate(
    planOf({ address: "aws_kms_key.k" }, { address: "aws_cloudwatch_metric_alarm.new", values: { period: 60 } }, fn("f", { memory_size: 2048 }), { address: "aws_nat_gateway.n" }),
    load({ functionInvocationsPerMonth: 1_000_000, averageFunctionDurationMs: 100 }),
  );

  it("gives total and per-line deltas, idle and at load, with added, removed, changed and unchanged lines", () => {
    const d = diffCost(base, head);
    expect(d.idle.base).toBeCloseTo(4.0, 10);
    expect(d.idle.head).toBeCloseTo(1.1, 10);
    expect(d.idle.delta).toBeCloseTo(-2.9, 10);
    const byAddress = Object.fromEntries(d.load.lines.map((l) => [l.address, l]));
    expect(byAddress["aws_cloudwatch_dashboard.old"]).toMatchObject({ change: "removed", base: 3, head: 0, delta: -3 });
    expect(byAddress["aws_cloudwatch_metric_alarm.new"]).toMatchObject({ change: "added", base: 0 });
    expect(byAddress["aws_cloudwatch_metric_alarm.new"].delta).toBeCloseTo(0.1, 10);
    expect(byAddress["aws_lambda_function.f"].change).toBe("changed");
    expect(byAddress["aws_lambda_function.f"].delta).toBeCloseTo(100_000 * 0.0000133334, 8);
    expect(byAddress["aws_kms_key.k"]).toMatchObject({ change: "unchanged", delta: 0 });
    expect(d.load.lines[0].address).toBe("aws_cloudwatch_dashboard.old");
    expect(d.unpriced).toEqual({ added: ["aws_nat_gateway"], removed: [] });
    expect(d.priceTableChanged).toBe(false);
  });

  it("flags a change of price table between base and head", () => {
    const d = diffCost({ ...base, priceTableVersion: "2020.1.1" }, head);
    expect(d.priceTableChanged).toBe(true);
    expect(d.priceTableVersion).toEqual({ base: "2020.1.1", head: PRICE_TABLE.version });
  });

  it("formats a PR comment section: idle / at load / delta per environment, changed lines, unpriced resources, price table", () => {
    const md = formatCostMarkdown([
      { name: "dev", base, head },
      { name: "prod", head },
    ]);
    expect(md).toContain("### Estimated monthly cost");
    expect(md).toContain("| Environment | Idle | At load | Δ idle | Δ at load |");
    expect(md).toMatch(/\| dev \(eu-west-1\) \| \$1\.10 \| \$\d+\.\d\d \| -\$2\.90 \| -\$[\d.]+ \|/);
    expect(md).toMatch(/\| prod \(eu-west-1\) \| \$1\.10 \| .* \| new \| new \|/);
    expect(md).toContain("<details><summary>dev: 3 lines changed</summary>");
    expect(md).toMatch(/\| `aws_cloudwatch_dashboard\.old` \| removed \| -\$3\.00 \| -\$3\.00 \|/);
    expect(md).toMatch(/\| `aws_cloudwatch_metric_alarm\.new` \| added \| \+\$0\.10 \| \+\$0\.10 \|/);
    expect(md).not.toContain("`aws_kms_key.k` | changed");
    expect(md).toMatch(/\*\*dev: not priced\*\*.*`aws_nat_gateway\.n` \(new\): resource type aws_nat_gateway is not in the price table/);
    expect(md).toContain(`price table ${PRICE_TABLE.version} (${PRICE_TABLE.effectiveDate})`);
    expect(md).toContain("AWS Free Tier not applied");
  });

  it("caps the changed lines per environment and escapes table cells", () => {
    const many = estimate(planOf(...Array.from({ length: 5 }, (_, i) => ({ address: `aws_cloudwatch_dashboard.d${i}` }))));
    const md = formatCostMarkdown({ name: "a|b", base: estimate(planOf()), head: many }, { maxLines: 2, title: "Cost", headingLevel: 2 });
    expect(md.startsWith("## Cost")).toBe(true);
    expect(md).toContain("a\\|b (eu-west-1)");
    expect(md).toContain("| … 3 more |");
  });
});

describe("CloudFront", () => {
  const dist = (fnOnEvery: boolean) => ({
    address: "aws_cloudfront_distribution.d",
    values: {
      default_cache_behavior: [{ function_association: [{ event_type: "viewer-request" }] }],
      ordered_cache_behavior: [{ path_pattern: "/api/*", function_association: fnOnEvery ? [{ event_type: "viewer-request" }] : [] }],
    },
  });

  it("costs nothing idle; at load prices HTTPS requests, data out and one function invocation per request", () => {
    const e = estimate(planOf(dist(true), { address: "aws_cloudfront_function.f" }), load({ cdnRequestsPerMonth: 10_000_000, cdnDataOutGbPerMonth: 100 }));
    expect(e.idle.total).toBe(0);
    const expected = 1000 * EU["cloudfront.httpsRequests"].usd + 100 * EU["cloudfront.dataTransferOutGb"].usd + 10 * EU["cloudfront.functionInvocations"].usd;
    expect(e.load.total).toBeCloseTo(expected, 6);
    expect(line(e.load, "aws_cloudfront_distribution.d").basis).toMatch(/10,000,000 function invocations \(every behaviour runs a viewer-request function\)/);
    expect(e.unpriced).toEqual([]);
    expect(e.freeResources).toBe(1);
  });

  it("counts every request as an invocation when only some behaviours run a function (an upper bound, said so)", () => {
    const e = estimate(planOf(dist(false)), load({ cdnRequestsPerMonth: 1_000_000 }));
    expect(line(e.load, "aws_cloudfront_distribution.d").basis).toMatch(/upper bound/);
  });

  it("prices the additional real-time metrics as 8 custom metrics, idle", () => {
    const e = estimate(
      planOf({
        address: "aws_cloudfront_monitoring_subscription.m",
        values: { monitoring_subscription: [{ realtime_metrics_subscription_config: [{ realtime_metrics_subscription_status: "Enabled" }] }] },
      }),
    );
    expect(e.idle.total).toBeCloseTo(8 * EU["cloudwatch.customMetrics"].usd, 10);
    expect(e.idle.total).toBeCloseTo(2.4, 10);
  });

  it("treats uploaded site objects as priced on their bucket", () => {
    const e = estimate(planOf({ address: "aws_s3_object.o", values: { key: "index.html" } }));
    expect(e.unpriced).toEqual([]);
    expect(e.freeResources).toBe(1);
  });
});
