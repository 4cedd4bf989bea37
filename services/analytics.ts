import { ITerraformDependable } from "cdktf";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { Construct } from "constructs";
import type { IDataApiDatabase, IQueue, IStream } from "../modules/core/interfaces";
import type { HttpApi, HttpJwtAuthorizer } from "../modules/http-api";
import type { LambdaFunction } from "../modules/lambda-function";
import { Queue } from "../modules/queue";
import { DEAD_LETTER_RETENTION_SECONDS } from "../modules/queue/defaults";
import type { SqsSubscriptionOptions } from "../modules/topic";
import { MIGRATIONS_DIR, migrationsHash } from "../lambdas/analytics/migrations-dir";
import { REPORT_ROUTES } from "../lambdas/analytics/reports";
import type { FunctionFactory, HandlerEntry } from "./functions";

/** Data API consumers wait out a paused cluster's resume (~15 s) with backoff before they give up on a batch. */
const ANALYTICS_DATA_API_TIMEOUT_SECONDS = 60;
/** Below the HTTP API's 30 s integration timeout, above a paused cluster's resume. */
const ANALYTICS_QUERY_TIMEOUT_SECONDS = 25;
const ANALYTICS_MIGRATE_TIMEOUT_SECONDS = 300;

export interface AnalyticsServiceProps {
  /** The analytics store (Aurora Serverless v2 behind the Data API: no VPC for the functions). */
  readonly database: IDataApiDatabase;
  /** Kinesis "activity": `POST /events` writes it, activity-processor reads it. */
  readonly stream: IStream;
  /** The user-data-change topic analytics-ingest follows (through a queue of its own, raw delivery). */
  readonly changes: { addSqsSubscription(queue: IQueue, options?: SqsSubscriptionOptions): unknown };
  /** Entries of the five handlers (bundled by the caller's single esbuild run). */
  readonly handlers: {
    readonly analyticsMigrate: HandlerEntry;
    readonly analyticsIngest: HandlerEntry;
    readonly activityIngest: HandlerEntry;
    readonly activityProcessor: HandlerEntry;
    readonly analyticsQuery: HandlerEntry;
  };
  /** Builds each function (the caller's defaults: memory, timeout, log retention...). */
  readonly functions: FunctionFactory;
}

/** Grants a function the admin reports (ActivityLakeService.connectReports). */
export interface ReportSource {
  connectReports(fn: LambdaFunction): void;
}

/**
 * The analytics service of DESIGN.md, over a store and a stream it is given: analytics-migrate (the schema, on
 * deploy), analytics-ingest (user-data-change → SQS (+DLQ) → upsert by event id/version), activity-ingest (`POST
 * /events` → Kinesis), activity-processor (Kinesis → batch insert; bisect, failure queue) and analytics-query
 * (`GET /analytics/*`, and the admin reports over the activity lake).
 *
 * Its resources are built in `scope` under fixed ids (`AnalyticsIngest`, `ActivityProcessorFailures`,
 * `AnalyticsMigration`, and the factory's function ids), so a stack that composes it keeps the resource addresses it
 * always had; give it a scope of its own to build a second one.
 */
export class AnalyticsService {
  public readonly migrate: LambdaFunction;
  public readonly ingest: LambdaFunction;
  /** analytics-ingest's queue (subscribed to the changes topic); its dead-letter queue holds what could not be stored. */
  public readonly ingestQueue: Queue;
  public readonly activityIngest: LambdaFunction;
  public readonly processor: LambdaFunction;
  /** Stream batches activity-processor could not store after its retries. */
  public readonly processorFailures: Queue;
  public readonly query: LambdaFunction;
  private readonly scope: Construct;

  constructor(scope: Construct, props: AnalyticsServiceProps) {
    this.scope = scope;
    const db = props.database;
    this.migrate = props.functions("AnalyticsMigrate", {
      name: "analytics-migrate",
      ...props.handlers.analyticsMigrate,
      description: "Applies the analytics schema migrations (invoked on deploy when they change)",
      // Waits out a paused cluster's resume (~15 s) and runs every pending migration in one invocation.
      timeoutSeconds: ANALYTICS_MIGRATE_TIMEOUT_SECONDS,
    });
    db.connect(this.migrate);

    // SNS user-data-change → SQS (raw delivery, own DLQ) → analytics-ingest (upsert by event id/version).
    this.ingest = props.functions("AnalyticsIngestFunction", {
      name: "analytics-ingest",
      ...props.handlers.analyticsIngest,
      description: "Upserts user-data-change events from SQS into the analytics store",
      timeoutSeconds: ANALYTICS_DATA_API_TIMEOUT_SECONDS,
    });
    db.connect(this.ingest);
    this.ingestQueue = new Queue(scope, "AnalyticsIngest", {
      name: "analytics-ingest",
      // Lambda needs ≥ 6 × the consumer's timeout, so a batch in flight is never handed to a second consumer.
      visibilityTimeoutSeconds: 6 * this.ingest.timeoutSeconds,
    });
    props.changes.addSqsSubscription(this.ingestQueue, { rawMessageDelivery: true });
    this.ingest.addSqsEventSource(this.ingestQueue, { batchSize: 10, reportBatchItemFailures: true });

    // POST /events → activity-ingest → Kinesis "activity" (PutRecords, partition key userId).
    this.activityIngest = props.functions("ActivityIngest", {
      name: "activity-ingest",
      ...props.handlers.activityIngest,
      description: "POST /events: validates activity events and puts them on the activity stream",
    });
    props.stream.connect(this.activityIngest, "write");

    // Kinesis "activity" → activity-processor (batch insert through the Data API); exhausted batches → failure queue.
    this.processor = props.functions("ActivityProcessor", {
      name: "activity-processor",
      ...props.handlers.activityProcessor,
      description: "Inserts activity events from the stream into the analytics store",
      timeoutSeconds: ANALYTICS_DATA_API_TIMEOUT_SECONDS,
    });
    db.connect(this.processor);
    this.processorFailures = new Queue(scope, "ActivityProcessorFailures", {
      name: "activity-processor-failures",
      deadLetterQueue: false,
      retentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    this.processor.addKinesisEventSource(props.stream, {
      batchSize: 500,
      maxBatchingWindowSeconds: 5,
      bisectBatchOnError: true,
      maxRetryAttempts: 5,
      // Within the stream's 24 h retention: a record older than this is sent to the failure queue, not lost silently.
      maxRecordAgeSeconds: 21600,
      onFailure: this.processorFailures,
      reportBatchItemFailures: true,
    });

    // GET /analytics/* → analytics-query (read through the Data API).
    this.query = props.functions("AnalyticsQuery", {
      name: "analytics-query",
      ...props.handlers.analyticsQuery,
      description: "GET /analytics/me/summary, /analytics/daily-active-users and /analytics/reports/* (Athena)",
      timeoutSeconds: ANALYTICS_QUERY_TIMEOUT_SECONDS,
    });
    db.connect(this.query);
  }

  /**
   * `POST /events` → activity-ingest and `GET /analytics/...` → analytics-query, behind `authorizer`; with `reports`,
   * also the admin report routes (`/analytics/reports/*`), whose queries run in the lake's workgroup.
   */
  public addRoutes(api: HttpApi, authorizer: HttpJwtAuthorizer, reports?: ReportSource): void {
    api.addRoute("POST /events", this.activityIngest, { authorizer });
    api.addRoute("GET /analytics/me/summary", this.query, { authorizer });
    api.addRoute("GET /analytics/daily-active-users", this.query, { authorizer });
    if (reports === undefined) return;
    // Admin reports over the activity lake: start a report's query in the workgroup, then poll its execution.
    reports.connectReports(this.query);
    for (const route of REPORT_ROUTES) api.addRoute(route, this.query, { authorizer });
  }

  /**
   * Migrations on deploy: invokes analytics-migrate once `after` exists (the writer instance), and again on every
   * deploy whose migration files changed (a new triggers value replaces the invocation, which invokes the function).
   */
  public runMigrationsOnDeploy(after: ITerraformDependable): LambdaInvocation {
    return new LambdaInvocation(this.scope, "AnalyticsMigration", {
      functionName: this.migrate.name,
      input: JSON.stringify({ source: "terraform" }),
      lifecycleScope: "CREATE_ONLY",
      triggers: { migrations: migrationsHash(MIGRATIONS_DIR) },
      dependsOn: [after],
    });
  }
}
