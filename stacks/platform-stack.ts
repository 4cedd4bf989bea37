import { join } from "node:path";
import { Lazy, TerraformOutput } from "cdktf";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments";
import { AuroraServerless } from "../modules/aurora-serverless";
import { HttpApi } from "../modules/http-api";
import { BundlingOptions, LambdaFunction, LambdaFunctionProps } from "../modules/lambda-function";
import { bundleAll } from "../modules/lambda-function/bundle";
import { Monitoring } from "../modules/monitoring";
import { Stream } from "../modules/stream";
import { Table } from "../modules/table";
import { Topic } from "../modules/topic";
import { UserPool } from "../modules/user-pool";
import { MIGRATIONS_LOADER } from "../lambdas/analytics/migrations-dir";
import { AnalyticsService } from "../services/analytics";
import { FilesService } from "../services/files";
import { DeviceIngestService } from "../services/device-ingest";
import { AccountDeletion } from "../services/account-deletion";
import { ActivityLakeService } from "../services/activity-lake";
import { ProfileService } from "../services/profile";
import { BuiltSite, WebService } from "../services/web";
import { buildWebSync } from "../web/build";
import { PermissionsBoundary } from "../modules/core/permissions-boundary";
import { AwsStack } from "../modules/stack";
import { boundaryPolicyArn } from "./permissions-boundary-policy";

const LAMBDAS = join(__dirname, "..", "lambdas");

/**
 * One set of bundling options for every handler (the .sql migrations import as text; no other handler imports .sql,
 * so their bundles are unaffected), so all of them build in a single esbuild run.
 */
const BUNDLING: BundlingOptions = { loader: MIGRATIONS_LOADER };

/** Every handler of the stack and its bundling: bundled up front in one esbuild run per synth, shared by all environments. */
export const HANDLERS = {
  profileApi: { entry: join(LAMBDAS, "profile", "profile-api.ts"), bundling: BUNDLING },
  profileBootstrap: { entry: join(LAMBDAS, "profile", "profile-bootstrap.ts"), bundling: BUNDLING },
  profileEvents: { entry: join(LAMBDAS, "profile", "profile-events.ts"), bundling: BUNDLING },
  analyticsMigrate: { entry: join(LAMBDAS, "analytics", "analytics-migrate.ts"), bundling: BUNDLING },
  analyticsIngest: { entry: join(LAMBDAS, "analytics", "analytics-ingest.ts"), bundling: BUNDLING },
  activityIngest: { entry: join(LAMBDAS, "analytics", "activity-ingest.ts"), bundling: BUNDLING },
  activityProcessor: { entry: join(LAMBDAS, "analytics", "activity-processor.ts"), bundling: BUNDLING },
  analyticsQuery: { entry: join(LAMBDAS, "analytics", "analytics-query.ts"), bundling: BUNDLING },
  filesApi: { entry: join(LAMBDAS, "files", "files-api.ts"), bundling: BUNDLING },
  objectMetadata: { entry: join(LAMBDAS, "files", "object-metadata.ts"), bundling: BUNDLING },
  deleteUserFiles: { entry: join(LAMBDAS, "deletion", "delete-user-files.ts"), bundling: BUNDLING },
  anonymiseAnalytics: { entry: join(LAMBDAS, "deletion", "anonymise-analytics.ts"), bundling: BUNDLING },
  deleteUserProfile: { entry: join(LAMBDAS, "deletion", "delete-user-profile.ts"), bundling: BUNDLING },
} satisfies Record<string, { readonly entry: string; readonly bundling?: BundlingOptions }>;

/** The SPA's build, once per synth (every environment uploads the same files; a warm build costs only a hash). */
let builtSite: BuiltSite | undefined;
function siteBuild(): BuiltSite {
  builtSite ??= buildWebSync();
  return builtSite;
}

/** OAuth scopes of the SPA client, which config.json asks the hosted UI for. */
const SPA_SCOPES = ["openid", "email", "profile"] as const;

/** Days of automated Aurora backups (point-in-time restore) where the environment keeps point-in-time recovery. */
const ANALYTICS_BACKUP_RETENTION_DAYS = 7;

export interface PlatformStackProps {
  readonly env: EnvironmentConfig;
  readonly offline: boolean;
  /** A local environment's state file. @default `terraform.<stack id>.tfstate` in the stack's folder */
  readonly localStatePath?: string;
}

/**
 * One environment of the platform: the profile and analytics services of DESIGN.md, composed from modules with the
 * environment's config. No raw provider resources here beyond wiring.
 */
export class PlatformStack extends AwsStack {
  public readonly functions: LambdaFunction[] = [];
  /** Profiles: the table, its change topic and the three profile functions. */
  public readonly profile: ProfileService;
  /** Analytics: the functions over the analytics store and the activity stream. */
  public readonly analytics: AnalyticsService;
  public readonly profiles: Table;
  public readonly userDataChange: Topic;
  public readonly api: HttpApi;
  public readonly userPool: UserPool;
  public readonly monitoring: Monitoring;
  /** The analytics store (Aurora Serverless v2, Data API). */
  public readonly analyticsDb: AuroraServerless;
  /** Kinesis "activity": POST /events → activity-processor. */
  public readonly activity: Stream;
  /** Runs analytics-migrate on a deploy whose migrations changed. */
  public readonly migration: LambdaInvocation;
  /** Uploads and downloads of user files (S3 presigned requests, S3 events → file items). */
  public readonly files: FilesService;
  /** Device telemetry: AWS IoT Core devices/+/activity → topic rule → Kinesis "activity". */
  public readonly devices: DeviceIngestService;
  /** DELETE /profiles/me → the delete-user workflow (Step Functions). */
  public readonly accountDeletion: AccountDeletion;
  /** Kinesis "activity" → Firehose → S3 data lake ← Glue ← Athena (the admin reports). */
  public readonly activityLake: ActivityLakeService;
  /** The SPA behind CloudFront (`/api/*` → the HTTP API); undefined where the environment has no CDN (local). */
  public readonly web?: WebService;
  /** The validated environment this stack deploys. */
  public readonly config: EnvironmentConfig;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    const env = props.env;
    super(scope, id, {
      app: env.app,
      env: env.name,
      region: env.region,
      allowedAccountIds: env.allowedAccountIds,
      tags: env.tags,
      backend: env.backend,
      offline: props.offline,
      local: env.local ? { endpoint: `http://127.0.0.1:${env.local.endpointPort}`, statePath: props.localStatePath } : undefined,
    });
    this.config = env;
    const guards = env.guards;
    // Every role of the environment carries its boundary (created by the bootstrap stack). A local environment has
    // no bootstrap stack, so no boundary policy to attach.
    if (env.backend !== undefined) PermissionsBoundary.of(this).apply(boundaryPolicyArn(env));

    this.monitoring = new Monitoring(this, "Monitoring", { accountId: env.allowedAccountIds[0], alarmEmail: env.alarmEmail });

    // --- functions (all bundles built together on the first stack; the others reuse them)
    bundleAll(Object.values(HANDLERS).map((h: { entry: string; bundling?: BundlingOptions }) => ({ entry: h.entry, options: h.bundling })));
    const functions = (fid: string, fprops: LambdaFunctionProps): LambdaFunction => this.fn(fid, fprops);

    // --- profiles: the table's stream is the only way profile changes leave (no dual writes)
    this.profile = new ProfileService(this, { handlers: HANDLERS, functions, guards });
    this.profiles = this.profile.table;
    this.userDataChange = this.profile.changes;

    // --- identity
    this.userPool = new UserPool(this, "Users", {
      name: "users",
      mfa: env.auth.mfa,
      domainPrefix: env.auth.domainPrefix,
      deletionProtection: guards.deletionProtection,
      preventDestroy: guards.preventDestroy,
    });
    this.userPool.addPostConfirmationTrigger(this.profile.bootstrap);
    // The distribution's own origin (created further down: it needs the API and the files bucket) joins the redirect
    // URLs and the files bucket's CORS origins; resolved at synth, it is a reference to the distribution's domain.
    // With a custom domain the origin is known now (the Cdn's url is its first name), so a URL the environment already
    // lists is not added twice.
    const webOrigins = !env.web.cdn ? [] : [env.web.domain ? `https://${env.web.domain.names[0]}` : Lazy.stringValue({ produce: () => this.web?.cdn.url })];
    const spa = this.userPool.addSpaClient("Spa", {
      callbackUrls: unique([...env.auth.callbackUrls, ...webOrigins.map((o) => `${o}/auth/callback`)]),
      logoutUrls: unique([...env.auth.logoutUrls, ...webOrigins.map((o) => `${o}/`)]),
      passwordAuth: env.auth.passwordAuth ?? false,
      oauthScopes: [...SPA_SCOPES],
    });

    // --- HTTP API: every route behind the Cognito JWT authorizer
    this.api = new HttpApi(this, "Api", {
      name: "api",
      throttlingBurstLimit: env.api.throttlingBurstLimit,
      throttlingRateLimit: env.api.throttlingRateLimit,
      logRetentionDays: env.logRetentionDays,
      preventLogGroupDestroy: guards.preventDestroy,
      cors: { allowOrigins: env.api.corsAllowOrigins },
    });
    const jwt = this.api.addJwtAuthorizer("Cognito", { issuer: this.userPool.issuerUrl, audience: [spa.clientId] });
    this.profile.addRoutes(this.api, jwt);

    // --- analytics: Aurora Serverless v2 behind the Data API (no VPC for the functions), fed by the user-data-change
    // topic (SNS → SQS → analytics-ingest) and by the activity stream (POST /events → Kinesis → activity-processor).
    const analytics = env.analytics;
    this.analyticsDb = new AuroraServerless(this, "AnalyticsDb", {
      name: "analytics",
      minCapacity: analytics.minCapacity,
      maxCapacity: analytics.maxCapacity,
      secondsUntilAutoPause: analytics.secondsUntilAutoPause,
      readers: analytics.readers,
      deletionProtection: guards.deletionProtection,
      backupRetentionDays: guards.pointInTimeRecovery ? ANALYTICS_BACKUP_RETENTION_DAYS : 1,
      // Throw-away environments (no deletion protection) are destroyed without a snapshot; every other one keeps a
      // final snapshot, so a destroy or replacement never loses the rows.
      skipFinalSnapshot: !guards.deletionProtection,
      disposable: !guards.deletionProtection,
      preventDestroy: guards.preventDestroy,
    });
    this.activity = new Stream(this, "Activity", {
      name: "activity",
      capacityMode: analytics.activityStream.capacityMode,
      shardCount: analytics.activityStream.shardCount,
      retentionHours: 24,
      preventDestroy: guards.preventDestroy,
    });
    // Devices publish over MQTT; the IoT rule puts their events on the same stream (DeviceIngestService).
    this.devices = new DeviceIngestService(this, "DeviceIngest", { stream: this.activity, monitoring: this.monitoring });
    this.activityLake = new ActivityLakeService(this, "ActivityLake", {
      stream: this.activity,
      config: analytics.lake,
      logRetentionDays: env.logRetentionDays,
      guards,
      monitoring: this.monitoring,
    });

    this.analytics = new AnalyticsService(this, { database: this.analyticsDb, stream: this.activity, changes: this.userDataChange, handlers: HANDLERS, functions });
    this.analytics.addRoutes(this.api, jwt, this.activityLake);

    // --- files: presigned uploads/downloads, S3 events → object-metadata → file items
    this.files = new FilesService(this, "Files", {
      api: this.api,
      authorizer: jwt,
      handlers: { filesApi: HANDLERS.filesApi, objectMetadata: HANDLERS.objectMetadata },
      functions,
      webOrigins: unique([...env.api.corsAllowOrigins, ...webOrigins]),
      maxFileSizeBytes: env.files.maxFileSizeBytes,
      allowedContentTypes: env.files.allowedContentTypes,
      guards,
    });

    // --- web front end: the SPA on S3 behind CloudFront, which also routes /api/* to the HTTP API (same origin)
    if (env.web.cdn) {
      const hostedUiUrl = this.userPool.hostedUiUrl;
      if (hostedUiUrl === undefined) throw new Error(`PlatformStack "${id}": web.cdn needs the user pool's hosted UI. Fix: set auth.domainPrefix in environments/${env.name}.ts.`);
      this.web = new WebService(this, "Web", {
        api: this.api,
        filesBucket: this.files.bucket,
        auth: {
          region: env.region,
          userPoolId: this.userPool.userPoolId,
          userPoolClientId: spa.clientId,
          hostedUiUrl,
          scopes: SPA_SCOPES,
        },
        config: env.web,
        site: siteBuild(),
      });
    }

    // --- account deletion: DELETE /profiles/me starts the delete-user workflow (files, analytics, profile, Cognito user)
    this.accountDeletion = new AccountDeletion(this, "AccountDeletion", {
      api: this.api,
      authorizer: jwt,
      profileApi: this.profile.api,
      profiles: this.profiles,
      files: this.files,
      analyticsDb: this.analyticsDb,
      userPool: this.userPool,
      handlers: { deleteFiles: HANDLERS.deleteUserFiles, anonymiseAnalytics: HANDLERS.anonymiseAnalytics, deleteProfile: HANDLERS.deleteUserProfile },
      functions,
      logging: { level: env.workflows.logLevel, includeExecutionData: env.workflows.includeExecutionData },
      inFlightWaitSeconds: env.workflows.inFlightWaitSeconds,
      logRetentionDays: env.logRetentionDays,
      preventLogGroupDestroy: guards.preventDestroy,
    });

    // Migrations on deploy: analytics-migrate runs once the writer instance exists, and again when the migrations change.
    this.migration = this.analytics.runMigrationsOnDeploy(this.analyticsDb.writer);

    // --- monitoring
    for (const fn of this.functions) this.monitoring.monitorFunction(fn);
    this.monitoring.monitorQueue(this.profile.eventsFailures);
    this.monitoring.monitorQueue(this.analytics.ingestQueue); // its dead-letter queue
    this.monitoring.monitorQueue(this.analytics.processorFailures);
    this.monitoring.monitorQueue(this.files.events); // its dead-letter queue
    this.monitoring.monitorHttpApi(this.api);
    this.monitoring.monitorStateMachine(this.accountDeletion.stateMachine);
    this.monitoring.monitorEventSourceIteratorAge(this.profile.events);
    this.monitoring.monitorEventSourceIteratorAge(this.analytics.processor);

    // --- outputs operators need (stable snake_case ids)
    new TerraformOutput(this, "api_url", { value: this.api.apiEndpoint, description: "HTTP API base URL" });
    new TerraformOutput(this, "user_pool_id", { value: this.userPool.userPoolId });
    new TerraformOutput(this, "user_pool_client_id", { value: spa.clientId });
    new TerraformOutput(this, "user_pool_issuer", { value: this.userPool.issuerUrl });
    new TerraformOutput(this, "profiles_table_name", { value: this.profiles.name });
    new TerraformOutput(this, "user_data_change_topic_arn", { value: this.userDataChange.arn });
    new TerraformOutput(this, "alarm_topic_arn", { value: this.monitoring.alarmTopic.arn });
    new TerraformOutput(this, "dashboard_name", { value: this.monitoring.dashboardName });
    new TerraformOutput(this, "analytics_cluster_arn", { value: this.analyticsDb.clusterArn });
    new TerraformOutput(this, "activity_stream_name", { value: this.activity.name });
    new TerraformOutput(this, "files_bucket_name", { value: this.files.bucket.name });
    new TerraformOutput(this, "files_table_name", { value: this.files.table.name });
    new TerraformOutput(this, "delete_user_state_machine_arn", { value: this.accountDeletion.stateMachine.arn });
    new TerraformOutput(this, "iot_thing_type_name", { value: this.devices.ingest.thingTypeName, description: "Thing type of the devices" });
    new TerraformOutput(this, "iot_device_policy_name", { value: this.devices.ingest.policyName, description: "IoT policy to attach to each device certificate" });
    new TerraformOutput(this, "iot_topic_rule_name", { value: this.devices.ingest.ruleName });
    new TerraformOutput(this, "iot_device_topic_pattern", { value: this.devices.ingest.topicFilter, description: "Devices publish to devices/<thing name>/activity" });
    new TerraformOutput(this, "activity_lake_bucket_name", { value: this.activityLake.lake.bucket.name });
    new TerraformOutput(this, "activity_lake_workgroup", { value: this.activityLake.lake.workgroupName });
    new TerraformOutput(this, "activity_lake_database", { value: this.activityLake.lake.databaseName });
    if (this.web) {
      new TerraformOutput(this, "web_url", { value: this.web.cdn.url, description: "The web app (CloudFront; /api/* is the HTTP API)" });
      new TerraformOutput(this, "distribution_id", { value: this.web.cdn.distributionId, description: "CloudFront distribution id (invalidations, metrics)" });
      new TerraformOutput(this, "site_bucket_name", { value: this.web.bucket.name });
    }
  }

  /** A function with this environment's defaults (memory, timeout, log level, retention, state guards). */
  private fn(id: string, props: LambdaFunctionProps): LambdaFunction {
    const d = this.config;
    const fn = new LambdaFunction(this, id, {
      memorySize: d.functionDefaults.memorySize,
      timeoutSeconds: d.functionDefaults.timeoutSeconds,
      logLevel: d.functionDefaults.logLevel,
      logRetentionDays: d.logRetentionDays,
      preventLogGroupDestroy: d.guards.preventDestroy,
      ...props,
    });
    this.functions.push(fn);
    return fn;
  }
}

/** The list without repeats, first occurrence kept (an environment's own URL and the distribution's can be the same). */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
