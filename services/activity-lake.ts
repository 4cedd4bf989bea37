import { Construct } from "constructs";
import { DataLake, lakeColumnsFromZod } from "../modules/data-lake";
import type { IStream } from "../modules/core/interfaces";
import type { LambdaFunction } from "../modules/lambda-function";
import type { Monitoring } from "../modules/monitoring";
import { activityEventSchema } from "../lambdas/analytics/activity-event";
import { ACTIVITY_LAKE_ENV_PREFIX, ACTIVITY_LAKE_PREFIX, ACTIVITY_LAKE_TABLE, REPORTS } from "../lambdas/analytics/reports";

export interface ActivityLakeServiceProps {
  /** The Kinesis "activity" stream Firehose reads. */
  readonly stream: IStream;
  /** The environment's lake settings (environments/<env>.ts `analytics.lake`). */
  readonly config: { readonly bufferingSeconds: number; readonly bufferingMb: number; readonly resultsExpiryDays: number; readonly bytesScannedCutoffPerQuery: number };
  readonly logRetentionDays: number;
  readonly guards: { readonly deletionProtection: boolean; readonly preventDestroy: boolean };
  /** Alarms on Firehose deliveries go here. */
  readonly monitoring: Monitoring;
}

/**
 * First day of the lake's partition projection: the day the lake was introduced. Athena enumerates the days from here
 * to today only for a query without a `dt` predicate; every report has one.
 */
export const ACTIVITY_LAKE_START_DATE = "2026-01-01";

/**
 * The activity data lake of DESIGN.md: Kinesis "activity" → Firehose → S3 (`activity/dt=YYYY-MM-DD/`, GZIP JSON lines)
 * ← Glue table (columns from the activity event's schema, partition projection) ← Athena workgroup with the reports
 * (lambdas/analytics/reports.ts) as named queries. Failed or stale deliveries alarm.
 */
export class ActivityLakeService extends Construct {
  public readonly lake: DataLake;

  constructor(scope: Construct, id: string, props: ActivityLakeServiceProps) {
    super(scope, id);
    const disposable = !props.guards.deletionProtection;
    this.lake = new DataLake(this, "Lake", {
      name: "activity",
      source: props.stream,
      // The same schema activity-ingest validates with: the table cannot drift from what producers write.
      columns: lakeColumnsFromZod(activityEventSchema),
      prefix: ACTIVITY_LAKE_PREFIX,
      tableName: ACTIVITY_LAKE_TABLE,
      partitionStartDate: ACTIVITY_LAKE_START_DATE,
      bufferingIntervalSeconds: props.config.bufferingSeconds,
      bufferingSizeMb: props.config.bufferingMb,
      resultsExpirationDays: props.config.resultsExpiryDays,
      bytesScannedCutoffPerQuery: props.config.bytesScannedCutoffPerQuery,
      namedQueries: REPORTS,
      logRetentionDays: props.logRetentionDays,
      // A throw-away environment is destroyed with its lake; every other one refuses to delete a non-empty bucket.
      forceDestroy: disposable,
      preventDestroy: props.guards.preventDestroy,
    });
    // Alarm once records wait more than three buffering intervals (at least 15 minutes).
    props.monitoring.monitorDeliveryStream(this.lake.deliveryStream, { freshnessThresholdSeconds: Math.max(900, 3 * props.config.bufferingSeconds) });
  }

  /** Lets a function run the reports: the query grant and ACTIVITY_LAKE_WORKGROUP / ACTIVITY_LAKE_DATABASE. */
  public connectReports(fn: LambdaFunction): void {
    this.lake.connect(fn, ACTIVITY_LAKE_ENV_PREFIX);
  }
}
