/** The analytics service's metrics (EMF, see ../shared/metrics.ts), in namespace `Platform/Analytics`. */
import { emitCount as emit } from "../shared/metrics";

export const METRICS_NAMESPACE = "Platform/Analytics";

export function emitCount(name: string, value: number, fn: string, now: number = Date.now()): void {
  emit(METRICS_NAMESPACE, name, value, fn, now);
}
