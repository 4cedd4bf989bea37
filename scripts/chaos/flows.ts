/**
 * Messages in and out of each queue and stream, as the consumers saw them: every invocation of profile-events
 * (the profiles table's stream), analytics-ingest (the user-data-change queue) and activity-processor (the activity
 * stream) is observed with its records and outcome. A record counts as delivered each time a batch carries it, as
 * done once a batch carrying it succeeded without reporting it.
 */
import type { LocalPlatform } from "../../local/platform/start";

export interface Flow {
  /** Distinct records delivered. */
  readonly distinct: Set<string>;
  /** Deliveries (a record in two batches counts twice). */
  deliveries: number;
  /** Distinct records that some batch which did not fail processed without reporting them. */
  readonly done: Set<string>;
  invocations: number;
  failedInvocations: number;
  /** Records reported in batchItemFailures. */
  reported: number;
}

const newFlow = (): Flow => ({ distinct: new Set(), deliveries: 0, done: new Set(), invocations: 0, failedInvocations: 0, reported: 0 });

export type FlowName = "profiles stream → profile-events" | "user-data-change queue → analytics-ingest" | "activity stream → activity-processor";

export class Flows {
  readonly flows = new Map<FlowName, Flow>();
  private readonly stop: () => void;

  constructor(platform: LocalPlatform) {
    const ids: Record<string, [FlowName, (r: any) => string]> = {
      "platform-local-profile-events": ["profiles stream → profile-events", (r) => String(r.eventID ?? r.dynamodb?.SequenceNumber)],
      "platform-local-analytics-ingest": ["user-data-change queue → analytics-ingest", (r) => String(r.messageId)],
      "platform-local-activity-processor": ["activity stream → activity-processor", (r) => String(r.kinesis?.sequenceNumber)],
    };
    for (const [name] of Object.values(ids)) this.flows.set(name, newFlow());
    this.stop = platform.registry.observe(({ functionName, event, outcome }) => {
      const entry = ids[functionName];
      if (entry === undefined) return;
      const [name, idOf] = entry;
      const flow = this.flows.get(name)!;
      const records = ((event as { Records?: unknown[] }).Records ?? []) as any[];
      flow.invocations += 1;
      flow.deliveries += records.length;
      for (const r of records) flow.distinct.add(idOf(r));
      if (!outcome.ok) {
        flow.failedInvocations += 1;
        return;
      }
      const failures = new Set(((outcome.payload as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined)?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      flow.reported += failures.size;
      // (A stream source retries from the first reported record; the consumers store the records after it anyway,
      // idempotently, so those count as done too.)
      for (const r of records) if (!failures.has(idOf(r))) flow.done.add(idOf(r));
    });
  }

  close(): void {
    this.stop();
  }
}
