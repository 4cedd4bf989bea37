/**
 * A CloudWatch metric through the log (Embedded Metric Format): a JSON log line with an `_aws` member becomes a
 * metric in the given namespace, dimension `function`. No extra dependency, no PutMetricData call.
 */
import { logger } from "./logger";

export function emitCount(namespace: string, name: string, value: number, fn: string, now: number = Date.now()): void {
  logger.info(`metric ${name}`, {
    _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [["function"]], Metrics: [{ Name: name, Unit: "Count" }] }] },
    function: fn,
    [name]: value,
  });
}
