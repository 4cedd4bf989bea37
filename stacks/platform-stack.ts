import { join } from "node:path";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments";
import { HttpApi } from "../modules/http-api";
import { LambdaFunction, LambdaFunctionProps } from "../modules/lambda-function";
import { Monitoring } from "../modules/monitoring";
import { Queue } from "../modules/queue";
import { Table } from "../modules/table";
import { Topic } from "../modules/topic";
import { UserPool } from "../modules/user-pool";
import {
  PROFILES_TABLE_NAME_ENV,
  PROFILES_TABLE_SCHEMA,
  USER_DATA_CHANGE_TOPIC_ARN_ENV,
} from "../lambdas/profile/schema";
import { AwsStack } from "./aws-stack";

const LAMBDAS = join(__dirname, "..", "lambdas");

export interface PlatformStackProps {
  readonly env: EnvironmentConfig;
  readonly offline: boolean;
}

/**
 * One environment of the platform: the profile service of DESIGN.md, composed from modules with the
 * environment's config. No raw provider resources here beyond wiring.
 */
export class PlatformStack extends AwsStack {
  public readonly functions: LambdaFunction[] = [];
  public readonly profiles: Table;
  public readonly userDataChange: Topic;
  public readonly api: HttpApi;
  public readonly userPool: UserPool;
  public readonly monitoring: Monitoring;
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
    });
    this.config = env;
    const guards = env.guards;

    this.monitoring = new Monitoring(this, "Monitoring", { accountId: env.allowedAccountIds[0], alarmEmail: env.alarmEmail });

    // --- data: the profiles table; its stream is the only way profile changes leave (no dual writes)
    this.profiles = new Table(this, "Profiles", {
      name: "profiles",
      partitionKey: PROFILES_TABLE_SCHEMA.partitionKey,
      sortKey: PROFILES_TABLE_SCHEMA.sortKey,
      stream: PROFILES_TABLE_SCHEMA.streamViewType,
      pointInTimeRecovery: guards.pointInTimeRecovery,
      deletionProtection: guards.deletionProtection,
      preventDestroy: guards.preventDestroy,
    });
    this.userDataChange = new Topic(this, "UserDataChange", { name: "user-data-change" });

    // --- functions
    const profileApi = this.fn("ProfileApi", { name: "profile-api", entry: join(LAMBDAS, "profile", "profile-api.ts"), description: "Profile HTTP API: GET/PUT/DELETE /profiles/me" });
    this.profiles.connect(profileApi, "readWrite", PROFILES_TABLE_NAME_ENV);

    const bootstrap = this.fn("ProfileBootstrap", { name: "profile-bootstrap", entry: join(LAMBDAS, "profile", "profile-bootstrap.ts"), description: "Cognito post-confirmation: creates the initial profile" });
    this.profiles.connect(bootstrap, "write", PROFILES_TABLE_NAME_ENV);

    const events = this.fn("ProfileEvents", { name: "profile-events", entry: join(LAMBDAS, "profile", "profile-events.ts"), description: "Publishes profile changes from the table stream to SNS" });
    this.userDataChange.connect(events, USER_DATA_CHANGE_TOPIC_ARN_ENV);
    // Stream batches that exhaust their retries land here (metadata to re-drive from the stream), never lost silently.
    const eventsFailures = new Queue(this, "ProfileEventsFailures", { name: "profile-events-failures", deadLetterQueue: false, retentionSeconds: 1209600 });
    events.addDynamoDbStreamEventSource(this.profiles, {
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      maxRetryAttempts: 10,
      maxRecordAgeSeconds: 86400,
      onFailure: eventsFailures,
    });

    // --- identity
    this.userPool = new UserPool(this, "Users", {
      name: "users",
      mfa: env.auth.mfa,
      deletionProtection: guards.deletionProtection,
      preventDestroy: guards.preventDestroy,
    });
    this.userPool.addPostConfirmationTrigger(bootstrap);
    const spa = this.userPool.addSpaClient("Spa", { callbackUrls: env.auth.callbackUrls, logoutUrls: env.auth.logoutUrls });

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
    for (const method of ["GET", "PUT", "DELETE"]) this.api.addRoute(`${method} /profiles/me`, profileApi, { authorizer: jwt });

    // --- monitoring
    for (const fn of this.functions) this.monitoring.monitorFunction(fn);
    this.monitoring.monitorQueue(eventsFailures);
    this.monitoring.monitorHttpApi(this.api);
    this.monitoring.monitorEventSourceIteratorAge(events);

    // --- outputs operators need (stable snake_case ids)
    new TerraformOutput(this, "api_url", { value: this.api.apiEndpoint, description: "HTTP API base URL" });
    new TerraformOutput(this, "user_pool_id", { value: this.userPool.userPoolId });
    new TerraformOutput(this, "user_pool_client_id", { value: spa.clientId });
    new TerraformOutput(this, "user_pool_issuer", { value: this.userPool.issuerUrl });
    new TerraformOutput(this, "profiles_table_name", { value: this.profiles.name });
    new TerraformOutput(this, "user_data_change_topic_arn", { value: this.userDataChange.arn });
    new TerraformOutput(this, "alarm_topic_arn", { value: this.monitoring.alarmTopic.arn });
    new TerraformOutput(this, "dashboard_name", { value: this.monitoring.dashboardName });
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
