import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { alarmsForQueues, breaches } from "./alarms";

const dlqAlarm = (over: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: "analytics-ingest-dlq-not-empty",
  Namespace: "AWS/SQS",
  MetricName: "ApproximateNumberOfMessagesVisible",
  Dimensions: [{ Name: "QueueName", Value: "q-dlq" }],
  ComparisonOperator: "GreaterThanThreshold",
  Threshold: 0,
  ActionsEnabled: true,
  AlarmActions: ["arn:aws:sns:eu-west-1:000000000000:alarms"],
  ...over,
});

describe("breaches", () => {
  it.each([
    ["GreaterThanThreshold", 0, 1, true],
    ["GreaterThanThreshold", 1, 1, false],
    ["GreaterThanOrEqualToThreshold", 1, 1, true],
    ["LessThanThreshold", 1, 0, true],
    ["LessThanOrEqualToThreshold", 1, 2, false],
    ["LessThanLowerOrGreaterThanUpperThreshold", 0, 5, false],
  ] as const)("%s %d at %d → %s", (op, threshold, value, expected) => {
    expect(breaches({ ComparisonOperator: op, Threshold: threshold }, value)).toBe(expected);
  });
  it("an alarm without a threshold never breaches", () => expect(breaches({ ComparisonOperator: "GreaterThanThreshold" }, 10)).toBe(false));
});

describe("alarmsForQueues", () => {
  it("names the alarm that watches the queue's depth and would fire", () => {
    expect(alarmsForQueues([dlqAlarm()], new Map([["q-dlq", 3]]))).toEqual([{ queue: "q-dlq", depth: 3, firing: ["analytics-ingest-dlq-not-empty"] }]);
  });
  it.each([
    ["another queue's alarm", dlqAlarm({ Dimensions: [{ Name: "QueueName", Value: "other-dlq" }] })],
    ["another metric", dlqAlarm({ MetricName: "NumberOfMessagesSent" })],
    ["another namespace", dlqAlarm({ Namespace: "Platform/Analytics" })],
    ["actions disabled", dlqAlarm({ ActionsEnabled: false })],
    ["no alarm action", dlqAlarm({ AlarmActions: [] })],
    ["a threshold above the depth", dlqAlarm({ Threshold: 5 })],
  ])("does not count %s", (_, alarm) => {
    expect(alarmsForQueues([alarm], new Map([["q-dlq", 3]]))[0].firing).toEqual([]);
  });
});
