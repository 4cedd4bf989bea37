// Monitoring.monitorDeliveryStream: the Firehose delivery alarms (failed S3 deliveries, stale data) and dashboard widget.
import { activityEventSchema } from "../../lambdas/analytics/activity-event";
import { synthStack } from "../../test/support/synth";
import { DataLake, lakeColumnsFromZod } from "../data-lake";
import { Stream } from "../stream";
import { Monitoring } from "./index";

const ACCOUNT = "123456789012";

function build(freshnessThresholdSeconds?: number) {
  let monitoring!: Monitoring;
  let lake!: DataLake;
  const out = synthStack((stack) => {
    monitoring = new Monitoring(stack, "Monitoring", { accountId: ACCOUNT });
    const stream = new Stream(stack, "Activity", { name: "activity" });
    lake = new DataLake(stack, "Lake", {
      name: "activity",
      source: stream,
      columns: lakeColumnsFromZod(activityEventSchema),
      partitionStartDate: "2026-01-01",
      accountId: ACCOUNT,
    });
    monitoring.monitorDeliveryStream(lake.deliveryStream, freshnessThresholdSeconds === undefined ? {} : { freshnessThresholdSeconds });
  });
  return { out, monitoring, lake };
}

describe("Monitoring.monitorDeliveryStream", () => {
  it("alarms when DeliveryToS3.Success (Minimum) drops below 1 and when DeliveryToS3.DataFreshness (Maximum) exceeds 900 s by default", () => {
    const { out } = build();
    const alarms = Object.values(out.resources("aws_cloudwatch_metric_alarm")) as any[];
    const byMetric = Object.fromEntries(alarms.map((a) => [a.metric_name, a]));
    const dims = {
      DeliveryStreamName: `\${${Object.keys(out.resources("aws_kinesis_firehose_delivery_stream")).map((k) => `aws_kinesis_firehose_delivery_stream.${k}`)[0]}.name}`,
    };
    expect(byMetric["DeliveryToS3.Success"]).toMatchObject({
      namespace: "AWS/Firehose",
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "notBreaching",
      dimensions: dims,
      alarm_name: "test-dev-lake-delivery-stream-delivery-failures",
    });
    expect(byMetric["DeliveryToS3.DataFreshness"]).toMatchObject({
      namespace: "AWS/Firehose",
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 900,
      dimensions: dims,
    });
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..*\.arn\}$/)]);
  });

  it("takes the freshness threshold; validates it; the same stream twice with other options throws", () => {
    const { out, monitoring, lake } = build(1800);
    expect((Object.values(out.resources("aws_cloudwatch_metric_alarm")) as any[]).find((a) => a.metric_name === "DeliveryToS3.DataFreshness").threshold).toBe(1800);
    expect(monitoring.monitorDeliveryStream(lake.deliveryStream, { freshnessThresholdSeconds: 1800 }).freshness).toBeDefined();
    expect(() => monitoring.monitorDeliveryStream(lake.deliveryStream, { freshnessThresholdSeconds: 60 })).toThrow(/monitorDeliveryStream\(.*\) was already called/);
    expect(() => build(-1)).toThrow(/Monitoring.monitorDeliveryStream "test\/Monitoring": invalid props[\s\S]*freshnessThresholdSeconds: received -1/);
  });

  it("puts records, success and freshness of the stream on the dashboard", () => {
    const { monitoring } = build();
    const body = JSON.parse(monitoring.renderDashboard());
    const widget = body.widgets.find((w: any) => String(w.properties?.title).startsWith("Firehose "));
    expect(widget.properties.metrics.map((m: any[]) => m[1])).toEqual(["DeliveryToS3.Records", "DeliveryToS3.Success", "DeliveryToS3.DataFreshness"]);
  });
});
