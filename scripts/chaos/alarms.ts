/**
 * "An alarm that would have fired": for each dead-letter queue or failure destination that holds messages at the end
 * of the campaign, the deployed CloudWatch alarms (read back from the local endpoint with DescribeAlarms, as Terraform
 * applied them) are evaluated against the queue's depth. An alarm counts when it watches that queue's
 * ApproximateNumberOfMessagesVisible (AWS/SQS, dimension QueueName), its comparison holds for the depth, and it
 * notifies someone (actions enabled, at least one alarm action). The emulator computes no SQS metrics, so the depth
 * stands in for the metric's maximum over the period.
 */
import { CloudWatchClient, DescribeAlarmsCommand, MetricAlarm } from "@aws-sdk/client-cloudwatch";

export interface AlarmCheck {
  readonly queue: string;
  readonly depth: number;
  /** Names of the alarms that would fire at this depth. */
  readonly firing: readonly string[];
}

export async function describeAllAlarms(cw: CloudWatchClient): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  let next: string | undefined;
  do {
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm"], NextToken: next, MaxRecords: 100 }));
    alarms.push(...(out.MetricAlarms ?? []));
    next = out.NextToken;
  } while (next !== undefined && next !== "");
  return alarms;
}

/** Whether `value` breaches the alarm's threshold (only the static-threshold operators; anomaly bands never match). */
export function breaches(alarm: Pick<MetricAlarm, "ComparisonOperator" | "Threshold">, value: number): boolean {
  const t = alarm.Threshold;
  if (t === undefined) return false;
  switch (alarm.ComparisonOperator) {
    case "GreaterThanThreshold":
      return value > t;
    case "GreaterThanOrEqualToThreshold":
      return value >= t;
    case "LessThanThreshold":
      return value < t;
    case "LessThanOrEqualToThreshold":
      return value <= t;
    default:
      return false;
  }
}

/** The alarms that would fire for each queue at the given depth. */
export function alarmsForQueues(alarms: readonly MetricAlarm[], depths: ReadonlyMap<string, number>): AlarmCheck[] {
  return [...depths].map(([queue, depth]) => ({
    queue,
    depth,
    firing: alarms
      .filter(
        (a) =>
          a.Namespace === "AWS/SQS" &&
          a.MetricName === "ApproximateNumberOfMessagesVisible" &&
          (a.Dimensions ?? []).some((d) => d.Name === "QueueName" && d.Value === queue) &&
          a.ActionsEnabled !== false &&
          (a.AlarmActions ?? []).length > 0 &&
          breaches(a, depth),
      )
      .map((a) => a.AlarmName ?? "(unnamed)"),
  }));
}
