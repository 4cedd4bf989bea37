// The estimate on the platform's real plans: the whole app synthesized offline, platform-dev and platform-prod
// planned with the real AWS provider (test/support/terraform.ts), each estimated with its own environment file.
import { synthApp } from "../support/app-synth";
import { validateAndPlan } from "../support/terraform";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import { EnvironmentInput, loadEnvironment } from "../../environments/schema";
import { CostEstimate, estimateMonthlyCost, formatCostMarkdown } from "../../cost/estimate";

const ENVIRONMENTS: Record<string, EnvironmentInput> = { dev, prod };
const estimates = new Map<string, CostEstimate>();

beforeAll(async () => {
  const synth = synthApp({ offline: true });
  await Promise.all(
    Object.entries(ENVIRONMENTS).map(async ([name, env]) => {
      const { validate, plan } = await validateAndPlan(synth.stackDir(`platform-${name}`));
      if (!validate.valid) throw new Error(`platform-${name} is not valid Terraform:\n${JSON.stringify(validate.diagnostics, null, 2)}`);
      estimates.set(name, estimateMonthlyCost(plan, { region: env.region, loadProfile: loadEnvironment(name, env).loadProfile }));
    }),
  );
}, 600_000);

const estimateOf = (name: string): CostEstimate => estimates.get(name)!;

describe.each(Object.keys(ENVIRONMENTS))("platform-%s cost estimate", (name) => {
  it("prices every planned resource type: nothing unpriced, all load allocated", () => {
    const e = estimateOf(name);
    expect(e.unpricedResources).toEqual([]);
    expect(e.unpriced).toEqual([]);
    expect(e.unallocated).toEqual([]);
    expect(e.freeResources).toBeGreaterThan(0);
  });

  it("idle: the alarm key, every alarm, the dashboard, the on-demand stream, SQS polling and the RDS-managed secret; nothing traffic-priced", () => {
    const e = estimateOf(name);
    const idleTypes = new Set(e.idle.lines.filter((l) => l.usd > 0).map((l) => l.type));
    // (the lake's Glue database and table are two catalog objects at list price: $0.00002 a month, within the free million)
    const expected = [
      "aws_kms_key",
      "aws_cloudwatch_metric_alarm",
      "aws_cloudwatch_dashboard",
      "aws_kinesis_stream",
      "aws_lambda_event_source_mapping",
      "aws_rds_cluster",
      "aws_glue_catalog_database",
      "aws_glue_catalog_table",
    ];
    // dev scales the analytics cluster to zero (auto-pause): no ACU charge idle; prod keeps its minimum ACUs
    if (name === "prod") expected.push("aws_rds_cluster_instance");
    // CloudFront's additional real-time metrics (environments/<env>.ts web.logging "metrics": prod, not dev)
    if (name === "prod") expected.push("aws_cloudfront_monitoring_subscription");
    expect(idleTypes).toEqual(new Set(expected));
    const alarms = e.idle.lines.filter((l) => l.type === "aws_cloudwatch_metric_alarm");
    expect(alarms.length).toBeGreaterThanOrEqual(22);
    const monitoring = e.idle.lines.filter((l) => ["aws_kms_key", "aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard"].includes(l.type)).reduce((n, l) => n + l.usd, 0);
    // $1 key + $3 dashboard + $0.10 per standard alarm
    expect(monitoring).toBeCloseTo(1 + 3 + 0.1 * alarms.length, 6);
    // the managed master-user secret ($0.40) is the cluster's only idle charge
    expect(e.idle.lines.filter((l) => l.type === "aws_rds_cluster").reduce((n, l) => n + l.usd, 0)).toBeCloseTo(0.4, 6);
    expect(e.idle.total).toBeCloseTo(
      e.idle.lines.reduce((n, l) => n + l.usd, 0),
      6,
    );
  });

  it("at load costs more than idle, with the functions, API, table, user pool and logs priced", () => {
    const e = estimateOf(name);
    expect(e.load.total).toBeGreaterThan(e.idle.total);
    const loadTypes = new Set(e.load.lines.filter((l) => l.usd > 0).map((l) => l.type));
    for (const type of ["aws_lambda_function", "aws_apigatewayv2_api", "aws_dynamodb_table", "aws_cognito_user_pool", "aws_cloudwatch_log_group", "aws_sns_topic"]) {
      expect({ type, priced: loadTypes.has(type) }).toEqual({ type, priced: true });
    }
    for (const fn of e.load.lines.filter((l) => l.type === "aws_lambda_function")) expect(fn.basis).toMatch(/GB-s arm64/);
  });
});

describe("platform environments compared", () => {
  it("prod at load costs more than dev at load; idle they differ only by prod's warm analytics instances (dev pauses), the activity stream's capacity mode and prod's CloudFront metrics", () => {
    expect(estimateOf("prod").load.total).toBeGreaterThan(estimateOf("dev").load.total * 10);
    const idleOf = (name: string, type: string) =>
      estimateOf(name)
        .idle.lines.filter((l) => l.type === type)
        .reduce((n, l) => n + l.usd, 0);
    const acu = (name: string) => idleOf(name, "aws_rds_cluster_instance");
    expect(acu("dev")).toBe(0);
    expect(acu("prod")).toBeGreaterThan(0);
    // dev: one provisioned shard; prod: an on-demand stream (per stream-hour), both environment config
    const stream = (name: string) => idleOf(name, "aws_kinesis_stream");
    expect(stream("dev")).toBeLessThan(stream("prod"));
    const cdnMetrics = (name: string) => idleOf(name, "aws_cloudfront_monitoring_subscription");
    expect(cdnMetrics("dev")).toBe(0);
    expect(cdnMetrics("prod")).toBeCloseTo(2.4, 6);
    expect(estimateOf("prod").idle.total - acu("prod") - stream("prod") - cdnMetrics("prod")).toBeCloseTo(estimateOf("dev").idle.total - stream("dev"), 6);
  });

  it("renders a PR section for both environments", () => {
    const md = formatCostMarkdown([
      { name: "dev", head: estimateOf("dev"), base: estimateOf("dev") },
      { name: "prod", head: estimateOf("prod"), base: estimateOf("prod") },
    ]);
    expect(md).toMatch(/\| dev \(eu-west-1\) \| \$\d+\.\d\d \| \$\d+\.\d\d \| \$0\.00 \| \$0\.00 \|/);
    expect(md).toMatch(/\| prod \(eu-west-1\) \| \$\d+\.\d\d \| \$[\d,]+\.\d\d \| \$0\.00 \| \$0\.00 \|/);
    expect(md).not.toContain("<details>");
    expect(md).not.toContain("not priced");
  });
});
