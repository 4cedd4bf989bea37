/**
 * A CloudWatch metric through the log (Embedded Metric Format): a JSON log line with an `_aws` member becomes a
 * metric in namespace `Platform/Analytics`, dimension `function`. No extra dependency, no PutMetricData call.
 */
import { logger } from "../shared/logger";

export const METRICS_NAMESPACE = "Platform/Analytics";

export function emitCount(name: string, value: number, fn: string, now: number = Date.now()): void {
  logger.info(`metric ${name}`, {
    _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [["function"]], Metrics: [{ Name: name, Unit: "Count" }] }] },
    function: fn,
    [name]: value,
  });
}
