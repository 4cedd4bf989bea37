import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { migrationsHash } from "../../lambdas/analytics/migrations-dir";
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../../modules/core/iam";
import { DATA_API_ACTIONS } from "../../modules/aurora-serverless/perms";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { asArray } from "../support/synth";
import { allResources, policyDocuments, resourcesOf, SynthesizedApp, synthApp } from "../support/app-synth";

const ENVS = ["dev", "staging", "prod"] as const;
const isAccountRoot = (principal: any): boolean => asArray<string>(principal?.AWS).every((p) => /^arn:aws:iam::\d{12}:root$/.test(p)) && asArray(principal?.AWS).length === 1;
let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({ offline: true });
});

const platform = (env: string): any => synth.stack(`platform-${env}`);
/** The 13 functions: profile (3), analytics (5), files (2) and the delete-user workflow's tasks (3). */
const FUNCTIONS = [
  "profile-api",
  "profile-bootstrap",
  "profile-events",
  "analytics-migrate",
  "analytics-ingest",
  "activity-ingest",
  "activity-processor",
  "analytics-query",
  "files-api",
  "object-metadata",
  "delete-user-files",
  "anonymise-analytics",
  "delete-user-profile",
] as const;
const ROUTES = [
  "DELETE /profiles/me",
  "GET /profiles/me",
  "GET /profiles/me/deletion",
  "PUT /profiles/me",
  "POST /events",
  "GET /analytics/me/summary",
  "GET /analytics/daily-active-users",
  "GET /analytics/reports/{name}",
  "GET /analytics/reports/executions/{id}",
  "POST /files",
  "GET /files",
  "GET /files/{id}",
  "DELETE /files/{id}",
];
/** [logical id, config] of the function whose name ends with `-<suffix>`. */
const fnByName = (s: any, suffix: string): [string, any] => {
  const entry = Object.entries<any>(s.resource.aws_lambda_function).find(([, f]) => f.function_name.endsWith(`-${suffix}`));
  if (!entry) throw new Error(`no function ${suffix}`);
  return entry;
};
/** [logical id, config] of the resource of `type` whose construct path ends with `/<pathSuffix>`. */
const byPath = (s: any, type: string, pathSuffix: string): [string, any] => {
  const entry = Object.entries<any>(s.resource[type] ?? {}).find(([, r]) => r["//"]?.metadata?.path?.endsWith(`/${pathSuffix}`));
  if (!entry) throw new Error(`no ${type} at */${pathSuffix}`);
  return entry;
};
/** Logical id of the function a route's integration invokes. */
const routeTarget = (s: any, routeKey: string): string => {
  const route = resourcesOf(s, "aws_apigatewayv2_route").find((r) => r.route_key === routeKey);
  const integrationId = /^integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}$/.exec(route.target)![1];
  const uri: string = s.resource.aws_apigatewayv2_integration[integrationId].integration_uri;
  return /^\$\{aws_lambda_function\.([^.]+)\.(invoke_arn|arn)\}$/.exec(uri)![1];
};
const roleStatements = (s: any, fnId: string): any[] => {
  const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(s.resource.aws_lambda_function[fnId].role)![1];
  const policies = resourcesOf(s, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
  expect(policies).toHaveLength(1);
  return asArray<any>(JSON.parse(policies[0].policy).Statement);
};

describe("the app", () => {
  it("synthesizes one platform stack per environment and the state bootstrap stacks", () => {
    const ids = synth.built.app.node.children.map((c) => c.node.id).sort();
    expect(ids).toEqual(["platform-bootstrap-dev", "platform-bootstrap-prod", "platform-bootstrap-staging", "platform-dev", "platform-prod", "platform-staging"]);
  });

  it("bundles each function entry once for all three environments", () => {
    const bundles = new Set(synth.built.platformStacks.flatMap((s) => s.functions.map((f) => f.bundle)));
    const entries = new Set(synth.built.platformStacks.flatMap((s) => s.functions.map((f) => f.bundle.entry)));
    expect(bundles.size).toBe(entries.size);
    expect(entries.size).toBe(FUNCTIONS.length);
  });
});

describe.each(ENVS)("platform-%s secure defaults", (env) => {
  it("runs every function on nodejs22.x arm64 with X-Ray, JSON logs to its own log group with the environment's retention", () => {
    const s = platform(env);
    const config = synth.built.environments.find((e) => e.name === env)!;
    const fns = resourcesOf(s, "aws_lambda_function");
    expect(fns.map((f) => f.function_name).sort()).toEqual(FUNCTIONS.map((n) => `platform-${env}-${n}`).sort());
    const groups: Record<string, any> = s.resource.aws_cloudwatch_log_group;
    for (const fn of fns) {
      expect(fn.runtime).toBe("nodejs22.x");
      expect(fn.architectures).toEqual(["arm64"]);
      expect(fn.tracing_config).toEqual({ mode: "Active" });
      expect(fn.logging_config.log_format).toBe("JSON");
      const groupId = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(fn.logging_config.log_group)?.[1];
      expect(groupId).toBeDefined();
      expect(groups[groupId!].retention_in_days).toBe(config.logRetentionDays);
    }
    for (const g of Object.values<any>(groups)) expect(g.retention_in_days).toBe(config.logRetentionDays);
  });

  it("encrypts every table, bucket, queue and topic, keeps the profiles stream and expires file items by TTL", () => {
    const s = platform(env);
    const tables = resourcesOf(s, "aws_dynamodb_table");
    expect(tables.map((t) => t.name).sort()).toEqual([`platform-${env}-files`, `platform-${env}-profiles`]);
    for (const t of tables) {
      expect(t.server_side_encryption.enabled).toBe(true);
      expect(t.billing_mode).toBe("PAY_PER_REQUEST");
    }
    const profiles = tables.find((t) => t.name.endsWith("-profiles"));
    expect(profiles).toMatchObject({ stream_enabled: true, stream_view_type: "NEW_AND_OLD_IMAGES" });
    expect(tables.find((t) => t.name.endsWith("-files"))?.ttl).toEqual({ attribute_name: "expiresAt", enabled: true });
    const buckets = resourcesOf(s, "aws_s3_bucket");
    expect(buckets.map((b) => b.bucket).sort()).toEqual([
      `platform-${env}-activity-athena-results`,
      `platform-${env}-activity-lake`,
      `platform-${env}-files`,
      `platform-${env}-site`,
    ]);
    for (const e of resourcesOf(s, "aws_s3_bucket_server_side_encryption_configuration")) {
      expect(e.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toMatch(/^(AES256|aws:kms)$/);
    }
    const queues = resourcesOf(s, "aws_sqs_queue");
    expect(queues.length).toBeGreaterThan(0);
    for (const q of queues) expect(q.sqs_managed_sse_enabled === true || typeof q.kms_master_key_id === "string").toBe(true);
    const topics = resourcesOf(s, "aws_sns_topic");
    expect(topics.length).toBe(2); // user-data-change + alarms
    for (const t of topics) expect(typeof t.kms_master_key_id).toBe("string");
    for (const k of resourcesOf(s, "aws_kms_key")) expect(k.enable_key_rotation).toBe(true);
  });

  it("gives every queue and topic a TLS-only policy", () => {
    const s = platform(env);
    const policies = [...resourcesOf(s, "aws_sqs_queue_policy"), ...resourcesOf(s, "aws_sns_topic_policy")];
    expect(policies.length).toBe(resourcesOf(s, "aws_sqs_queue").length + resourcesOf(s, "aws_sns_topic").length);
    for (const [type, id, config] of allResources(s)) {
      if (type !== "aws_sqs_queue_policy" && type !== "aws_sns_topic_policy") continue;
      const doc = JSON.parse(config.policy);
      const deny = asArray<any>(doc.Statement).find((st) => st.Effect === "Deny" && st.Condition?.Bool?.["aws:SecureTransport"] === "false");
      expect({ address: `${type}.${id}`, deny: deny !== undefined }).toEqual({ address: `${type}.${id}`, deny: true });
    }
  });

  it('grants no wildcard action and no data-plane action on "*" in any policy', () => {
    const docs = policyDocuments(platform(env));
    expect(docs.length).toBeGreaterThan(5);
    for (const { address, document } of docs) {
      for (const st of asArray<any>(document.Statement)) {
        if (st.Effect !== "Allow") continue;
        // AWS's default key-policy statement: the account root gets kms:* so IAM policies of the account govern the
        // key and it can never become unmanageable. It grants nothing by itself; everything else must be exact.
        if (address.startsWith("aws_kms_key") && isAccountRoot(st.Principal) && st.Action === "kms:*") continue;
        const actions = asArray<string>(st.Action);
        for (const a of actions) {
          expect({ address, action: a, wildcard: a === "*" || /:\*$/.test(a) }).toEqual({ address, action: a, wildcard: false });
        }
        // Key policies name the key itself as "*" (the only resource a key policy can refer to); everything else must be scoped.
        if (address.startsWith("aws_kms_key")) continue;
        if (asArray<string>(st.Resource).includes("*")) {
          const scoped = actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.has(a));
          expect({ address, scopedOnStar: scoped }).toEqual({ address, scopedOnStar: [] });
        }
      }
    }
  });

  it("puts every route behind the Cognito JWT authorizer, throttles the stage and logs access as JSON", () => {
    const s = platform(env);
    const config = synth.built.environments.find((e) => e.name === env)!;
    const routes = resourcesOf(s, "aws_apigatewayv2_route");
    expect(routes.map((r) => r.route_key).sort()).toEqual([...ROUTES].sort());
    expect(resourcesOf(s, "aws_apigatewayv2_authorizer")).toHaveLength(1);
    for (const r of routes) {
      expect(r.authorization_type).toBe("JWT");
      expect(r.authorizer_id).toMatch(/aws_apigatewayv2_authorizer\./);
    }
    const authorizer = resourcesOf(s, "aws_apigatewayv2_authorizer")[0];
    expect(authorizer.authorizer_type).toBe("JWT");
    expect(authorizer.jwt_configuration.issuer).toMatch(/^https:\/\/\$\{aws_cognito_user_pool\.[^.]+\.endpoint\}$/);
    const stage = resourcesOf(s, "aws_apigatewayv2_stage")[0];
    expect(stage.default_route_settings).toMatchObject({ throttling_burst_limit: config.api.throttlingBurstLimit, throttling_rate_limit: config.api.throttlingRateLimit });
    expect(JSON.parse(stage.access_log_settings.format)).toHaveProperty("requestId");
    for (const i of resourcesOf(s, "aws_apigatewayv2_integration")) expect(i.payload_format_version).toBe("2.0");
    for (const p of resourcesOf(s, "aws_lambda_permission").filter((p) => p.principal === "apigateway.amazonaws.com")) {
      expect(p.source_arn).toMatch(
        /\/\*\/((GET|PUT|DELETE)\/profiles\/me|GET\/profiles\/me\/deletion|GET\/analytics\/reports\/(executions\/)?\*|POST\/events|GET\/analytics\/me\/summary|GET\/analytics\/daily-active-users|(GET|POST)\/files|(GET|DELETE)\/files\/\*)$/,
      );
    }
  });

  it("wires the profile slice: API → profile-api, user pool → profile-bootstrap, stream → profile-events → topic", () => {
    const s = platform(env);
    const [apiId, apiFn] = fnByName(s, "profile-api");
    const [bootId] = fnByName(s, "profile-bootstrap");
    const [eventsId, eventsFn] = fnByName(s, "profile-events");
    expect(apiFn.environment.variables).toHaveProperty("PROFILES_TABLE_NAME");
    expect(JSON.stringify(apiFn.environment.variables)).not.toMatch(/TOPIC/); // rule 1: no SNS from the API
    expect(eventsFn.environment.variables).toHaveProperty("USER_DATA_CHANGE_TOPIC_ARN");
    const pool = resourcesOf(s, "aws_cognito_user_pool")[0];
    expect(pool.lambda_config.post_confirmation).toBe(`\${aws_lambda_function.${bootId}.arn}`);
    for (const method of ["GET", "PUT", "DELETE"]) expect(routeTarget(s, `${method} /profiles/me`)).toBe(apiId);
    const mappings = resourcesOf(s, "aws_lambda_event_source_mapping").filter((m) => m.function_name.includes(eventsId));
    expect(mappings).toHaveLength(1);
    expect(mappings[0].function_name).toContain(eventsId);
    expect(mappings[0].event_source_arn).toMatch(/aws_dynamodb_table\.[^.]+\.stream_arn/);
    expect(mappings[0].function_response_types).toEqual(["ReportBatchItemFailures"]);
    expect(mappings[0].bisect_batch_on_function_error).toBe(true);
    expect(mappings[0].destination_config.on_failure.destination_arn).toMatch(/aws_sqs_queue\./);
  });

  it("alarms on every function, every failure and dead-letter queue, API 5xx and both stream consumers' iterator age, all on one dashboard", () => {
    const s = platform(env);
    const alarms = resourcesOf(s, "aws_cloudwatch_metric_alarm");
    const metric = (name: string): any[] => alarms.filter((a) => a.metric_name === name);
    const fnIds = FUNCTIONS.map((n) => fnByName(s, n)[0]);
    for (const name of ["Errors", "Throttles"]) {
      expect(
        metric(name)
          .map((a) => /aws_lambda_function\.([^.]+)\./.exec(a.dimensions.FunctionName)?.[1])
          .sort(),
      ).toEqual([...fnIds].sort());
    }
    expect(metric("5xx")).toHaveLength(1);
    // the activity lake's delivery stream: failed S3 deliveries and stale data
    const [firehoseId] = Object.keys(s.resource.aws_kinesis_firehose_delivery_stream);
    for (const m of ["DeliveryToS3.Success", "DeliveryToS3.DataFreshness"]) {
      expect(metric(m).map((a) => a.dimensions.DeliveryStreamName)).toEqual([`\${aws_kinesis_firehose_delivery_stream.${firehoseId}.name}`]);
    }
    // the profiles stream consumer and the activity stream consumer
    const [eventsId] = fnByName(s, "profile-events");
    const [processorId] = fnByName(s, "activity-processor");
    expect(
      metric("IteratorAge")
        .map((a) => a.dimensions.FunctionName)
        .sort(),
    ).toEqual([`\${aws_lambda_function.${eventsId}.function_name}`, `\${aws_lambda_function.${processorId}.function_name}`].sort());
    // failed work waits in: the profile-events failure queue, analytics-ingest's DLQ, the activity-processor failure
    // queue, and the DLQ of the files service's S3 event queue
    const [dlqId] = byPath(s, "aws_sqs_queue", "AnalyticsIngest/DeadLetterQueue/Resource");
    const [activityFailuresId] = byPath(s, "aws_sqs_queue", "ActivityProcessorFailures/Resource");
    const [eventsFailuresId] = byPath(s, "aws_sqs_queue", "ProfileEventsFailures/Resource");
    const [fileEventsDlqId] = byPath(s, "aws_sqs_queue", "Files/Events/DeadLetterQueue/Resource");
    // and the IoT rule's error queue (device messages the rule could not put on the stream)
    const [deviceErrorsId] = byPath(s, "aws_sqs_queue", "DeviceIngest/Devices/Errors/Resource");
    expect(
      metric("ApproximateNumberOfMessagesVisible")
        .map((a) => a.dimensions.QueueName)
        .sort(),
    ).toEqual([dlqId, activityFailuresId, eventsFailuresId, fileEventsDlqId, deviceErrorsId].map((id) => `\${aws_sqs_queue.${id}.name}`).sort());
    const dashboard = resourcesOf(s, "aws_cloudwatch_dashboard")[0].dashboard_body as string;
    for (const id of [...fnIds, dlqId, activityFailuresId, fileEventsDlqId]) expect(dashboard).toContain(id);
    expect(dashboard.match(/"IteratorAge"/g)).toHaveLength(2);
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\./)]);
    expect(resourcesOf(s, "aws_cloudwatch_dashboard")).toHaveLength(1);
    const subs = resourcesOf(s, "aws_sns_topic_subscription").filter((x) => x.protocol === "email");
    expect(subs.map((x) => x.endpoint)).toEqual([synth.built.environments.find((e) => e.name === env)!.alarmEmail]);
  });

  it("wires the analytics slice: Data API env vars and grants, stream writer, routes, SQS and Kinesis consumers", () => {
    const s = platform(env);
    const [clusterId] = byPath(s, "aws_rds_cluster", "AnalyticsDb/Resource");
    const [streamId, stream] = byPath(s, "aws_kinesis_stream", "Activity/Resource");
    const dbVars = {
      ANALYTICS_DB_CLUSTER_ARN: `\${aws_rds_cluster.${clusterId}.arn}`,
      ANALYTICS_DB_SECRET_ARN: `\${aws_rds_cluster.${clusterId}.master_user_secret[0].secret_arn}`,
      ANALYTICS_DB_DATABASE: "analytics",
    };
    for (const name of ["analytics-migrate", "analytics-ingest", "activity-processor", "analytics-query"]) {
      const [, fn] = fnByName(s, name);
      expect({ name, vars: fn.environment.variables }).toEqual({ name, vars: expect.objectContaining(dbVars) });
      expect({ name, stream: fn.environment.variables.ACTIVITY_STREAM_NAME }).toEqual({ name, stream: undefined });
    }
    // activity-ingest writes the stream and nothing else: no database access
    const [ingestId, activityIngest] = fnByName(s, "activity-ingest");
    expect(activityIngest.environment.variables.ACTIVITY_STREAM_NAME).toBe(`\${aws_kinesis_stream.${streamId}.name}`);
    expect(JSON.stringify(activityIngest.environment.variables)).not.toMatch(/ANALYTICS_DB/);
    const ingestData = roleStatements(s, ingestId).filter((st) => st.Sid === undefined);
    expect(ingestData).toEqual([{ Effect: "Allow", Action: ["kinesis:PutRecord", "kinesis:PutRecords"], Resource: `\${aws_kinesis_stream.${streamId}.arn}` }]);
    // capacity from the environment (analytics.activityStream): dev one provisioned shard, staging and prod on-demand
    const capacity = env === "dev" ? { stream_mode_details: { stream_mode: "PROVISIONED" }, shard_count: 1 } : { stream_mode_details: { stream_mode: "ON_DEMAND" } };
    expect(stream).toMatchObject({ ...capacity, retention_period: 24, encryption_type: "KMS" });
    if (env !== "dev") expect(stream.shard_count).toBeUndefined();

    // routes: POST /events → activity-ingest; both analytics routes → analytics-query
    expect(routeTarget(s, "POST /events")).toBe(ingestId);
    const [queryId, query] = fnByName(s, "analytics-query");
    expect(routeTarget(s, "GET /analytics/me/summary")).toBe(queryId);
    expect(routeTarget(s, "GET /analytics/daily-active-users")).toBe(queryId);
    expect(routeTarget(s, "GET /analytics/reports/{name}")).toBe(queryId);
    expect(routeTarget(s, "GET /analytics/reports/executions/{id}")).toBe(queryId);
    expect(query.environment.variables).toMatchObject({ ACTIVITY_LAKE_WORKGROUP: `platform-${env}-activity`, ACTIVITY_LAKE_DATABASE: `platform_${env}_activity` });
    expect(query.timeout).toBeLessThanOrEqual(29); // within the HTTP API's 30 s integration timeout

    // SNS user-data-change → SQS analytics-ingest (raw) → analytics-ingest: batch 10, partial failures, visibility ≥ 6 × timeout
    const [queueId, queue] = byPath(s, "aws_sqs_queue", "AnalyticsIngest/Resource");
    const [dlqId] = byPath(s, "aws_sqs_queue", "AnalyticsIngest/DeadLetterQueue/Resource");
    expect(JSON.parse(queue.redrive_policy).deadLetterTargetArn).toBe(`\${aws_sqs_queue.${dlqId}.arn}`);
    const [analyticsIngestId, analyticsIngest] = fnByName(s, "analytics-ingest");
    expect(queue.visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * analyticsIngest.timeout);
    const sqsMapping = resourcesOf(s, "aws_lambda_event_source_mapping").find((m) => m.event_source_arn === `\${aws_sqs_queue.${queueId}.arn}`);
    expect(sqsMapping).toMatchObject({
      function_name: `\${aws_lambda_function.${analyticsIngestId}.function_name}`,
      batch_size: 10,
      function_response_types: ["ReportBatchItemFailures"],
    });

    // Kinesis activity → activity-processor: batching window, bisect, bounded retries and age, failure queue
    const [processorId, processor] = fnByName(s, "activity-processor");
    const [failuresId] = byPath(s, "aws_sqs_queue", "ActivityProcessorFailures/Resource");
    const kinesisMapping = resourcesOf(s, "aws_lambda_event_source_mapping").find((m) => m.event_source_arn === `\${aws_kinesis_stream.${streamId}.arn}`);
    expect(kinesisMapping).toMatchObject({
      function_name: `\${aws_lambda_function.${processorId}.function_name}`,
      bisect_batch_on_function_error: true,
      function_response_types: ["ReportBatchItemFailures"],
      destination_config: { on_failure: { destination_arn: `\${aws_sqs_queue.${failuresId}.arn}` } },
    });
    expect(kinesisMapping.maximum_batching_window_in_seconds).toBeGreaterThan(0);
    expect(kinesisMapping.maximum_retry_attempts).toBeGreaterThanOrEqual(0);
    expect(kinesisMapping.maximum_record_age_in_seconds).toBeGreaterThanOrEqual(60);
    expect(kinesisMapping.maximum_record_age_in_seconds).toBeLessThanOrEqual(stream.retention_period * 3600);
    expect(processor.timeout).toBeGreaterThan(15); // outlasts a paused cluster's resume
  });

  it("scopes the Data API grant: rds-data actions only on the cluster ARN, GetSecretValue only on its managed secret", () => {
    const s = platform(env);
    const [clusterId] = byPath(s, "aws_rds_cluster", "AnalyticsDb/Resource");
    const clusterArn = `\${aws_rds_cluster.${clusterId}.arn}`;
    const secretArn = `\${aws_rds_cluster.${clusterId}.master_user_secret[0].secret_arn}`;
    const withDataApi: string[] = [];
    for (const [fnId, fn] of Object.entries<any>(s.resource.aws_lambda_function)) {
      for (const st of roleStatements(s, fnId)) {
        const actions = asArray<string>(st.Action);
        const resources = asArray<string>(st.Resource);
        expect(actions.some((a) => /^rds-data:\*$|^\*$|^secretsmanager:\*$/.test(a))).toBe(false);
        if (actions.some((a) => a.startsWith("rds-data:"))) {
          withDataApi.push(fn.function_name.replace(`platform-${env}-`, ""));
          expect(actions.sort()).toEqual([...DATA_API_ACTIONS].sort());
          expect(resources).toEqual([clusterArn]);
        }
        if (actions.some((a) => a.startsWith("secretsmanager:"))) {
          expect(actions).toEqual(["secretsmanager:GetSecretValue"]);
          expect(resources).toEqual([secretArn]);
        }
        if (resources.includes("*")) expect(actions.every((a) => a.startsWith("xray:"))).toBe(true);
      }
    }
    expect(withDataApi.sort()).toEqual(["activity-processor", "analytics-ingest", "analytics-migrate", "analytics-query", "anonymise-analytics"]);
  });

  it("subscribes the analytics-ingest queue to user-data-change with raw delivery, the queue policy scoped to that topic", () => {
    const s = platform(env);
    const [topicId] = byPath(s, "aws_sns_topic", "UserDataChange/Resource");
    const [queueId] = byPath(s, "aws_sqs_queue", "AnalyticsIngest/Resource");
    const subs = resourcesOf(s, "aws_sns_topic_subscription").filter((x) => x.protocol === "sqs");
    expect(subs).toEqual([expect.objectContaining({ topic_arn: `\${aws_sns_topic.${topicId}.arn}`, endpoint: `\${aws_sqs_queue.${queueId}.arn}`, raw_message_delivery: true })]);
    const [, policy] = byPath(s, "aws_sqs_queue_policy", "AnalyticsIngest/Policy");
    const allows = asArray<any>(JSON.parse(policy.policy).Statement).filter((st) => st.Effect === "Allow");
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: `\${aws_sqs_queue.${queueId}.arn}`,
        Condition: { ArnEquals: { "aws:SourceArn": `\${aws_sns_topic.${topicId}.arn}` } },
      }),
    ]);
  });

  it("runs analytics-migrate on deploy: once the writer exists, again whenever the migration files change", () => {
    const s = platform(env);
    const invocations = Object.values<any>(s.resource.aws_lambda_invocation);
    expect(invocations).toHaveLength(1);
    const [migrateId] = fnByName(s, "analytics-migrate");
    const [writerId] = byPath(s, "aws_rds_cluster_instance", "AnalyticsDb/Writer");
    expect(invocations[0]).toMatchObject({
      function_name: `\${aws_lambda_function.${migrateId}.function_name}`,
      lifecycle_scope: "CREATE_ONLY",
      triggers: { migrations: migrationsHash() },
      depends_on: [`aws_rds_cluster_instance.${writerId}`],
    });
    expect(invocations[0].triggers.migrations).toMatch(/^[0-9a-f]{64}$/);
  });

  it("exposes the outputs operators need", () => {
    expect(Object.keys(platform(env).output).sort()).toEqual(
      [
        "activity_lake_bucket_name",
        "activity_lake_database",
        "activity_lake_workgroup",
        "activity_stream_name",
        "alarm_topic_arn",
        "analytics_cluster_arn",
        "api_url",
        "dashboard_name",
        "delete_user_state_machine_arn",
        "distribution_id",
        "files_bucket_name",
        "files_table_name",
        "iot_device_policy_name",
        "iot_device_topic_pattern",
        "iot_thing_type_name",
        "iot_topic_rule_name",
        "profiles_table_name",
        "site_bucket_name",
        "user_data_change_topic_arn",
        "user_pool_client_id",
        "user_pool_id",
        "user_pool_issuer",
        "web_url",
      ].sort(),
    );
  });

  it("wires the delete-user workflow: one STANDARD state machine, logging from the environment, tracing, profile-api may start and read it, failures alarmed", () => {
    const s = platform(env);
    const config = synth.built.environments.find((e) => e.name === env)!;
    const machines = resourcesOf(s, "aws_sfn_state_machine");
    expect(machines).toHaveLength(1);
    const [machineId, machine] = Object.entries<any>(s.resource.aws_sfn_state_machine)[0];
    expect(machine).toMatchObject({ name: `platform-${env}-delete-user`, type: "STANDARD", tracing_configuration: { enabled: true } });
    expect(machine.logging_configuration).toMatchObject({ level: config.workflows.logLevel, include_execution_data: config.workflows.includeExecutionData });
    if (config.production) expect(machine.logging_configuration.include_execution_data).toBe(false);
    const asl = JSON.parse(machine.definition);
    expect(Object.keys(asl.States)).toEqual([
      "MarkProfile",
      "InitFiles",
      "DeleteFiles",
      "FilesDone",
      "AnonymiseAnalytics",
      "DeleteProfile",
      "DeleteCognitoUser",
      "WaitForInFlightEvents",
      "SweepAnalytics",
      "WriteAudit",
      "Done",
      "Failed",
    ]);
    expect(asl.States.WaitForInFlightEvents.Seconds).toBe(config.workflows.inFlightWaitSeconds);
    const [, api] = fnByName(s, "profile-api");
    expect(api.environment.variables.DELETE_USER_STATE_MACHINE_ARN).toBe(`\${aws_sfn_state_machine.${machineId}.arn}`);
    const apiPolicy = JSON.parse(resourcesOf(s, "aws_iam_role_policy").find((p) => String(p.role).includes("ProfileApi"))!.policy);
    const states = apiPolicy.Statement.filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith("states:")));
    expect(states.map((st: any) => [[st.Action].flat().sort(), st.Resource])).toEqual([
      [["states:StartExecution"], `\${aws_sfn_state_machine.${machineId}.arn}`],
      [["states:DescribeExecution", "states:GetExecutionHistory"], `arn:aws:states:${config.region}:${config.allowedAccountIds[0]}:execution:platform-${env}-delete-user:*`],
    ]);
    const alarms = resourcesOf(s, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/States");
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"]);
    for (const a of alarms) expect(a.dimensions.StateMachineArn).toBe(`\${aws_sfn_state_machine.${machineId}.arn}`);
  });

  it("wires device telemetry: IoT rule devices/+/activity → the activity stream, errors to an alarmed queue, rule alarms, outputs, no policy finding", () => {
    const s = platform(env);
    const [streamId] = byPath(s, "aws_kinesis_stream", "Activity/Resource");
    const rule = resourcesOf(s, "aws_iot_topic_rule")[0];
    expect(resourcesOf(s, "aws_iot_topic_rule")).toHaveLength(1);
    expect(rule.name).toBe(`platform_${env}_devices`);
    expect(rule.kinesis).toEqual([expect.objectContaining({ stream_name: `\${aws_kinesis_stream.${streamId}.name}`, partition_key: "$${topic(2)}" })]);
    const [queueId, queue] = byPath(s, "aws_sqs_queue", "DeviceIngest/Devices/Errors/Resource");
    expect(queue.name).toBe(`platform-${env}-devices-rule-errors`);
    expect(rule.error_action.sqs.queue_url).toBe(`\${aws_sqs_queue.${queueId}.url}`);
    const alarmsOf = resourcesOf(s, "aws_cloudwatch_metric_alarm");
    const iot = alarmsOf
      .filter((a) => a.namespace === "AWS/IoT")
      .map((a) => a.metric_name)
      .sort();
    expect(iot).toEqual(["Failure", "ParseError", "RuleMessageThrottled"]);
    expect(alarmsOf.some((a) => a.namespace === "AWS/SQS" && a.dimensions.QueueName === `\${aws_sqs_queue.${queueId}.name}`)).toBe(true);
    expect(s.output.iot_topic_rule_name.value).toBe(`platform_${env}_devices`);
    expect(s.output.iot_device_topic_pattern.value).toBe("devices/+/activity");
    expect(s.output.iot_thing_type_name.value).toBe(`platform-${env}-devices`);
    expect(s.output.iot_device_policy_name.value).toBe(`platform-${env}-devices`);
    const report = JSON.parse(readFileSync(join(synth.stackDir(`platform-${env}`), "policy-report.json"), "utf8"));
    expect(report.findings.filter((f: any) => /^aws_(iot_|sqs_queue\.DeviceIngest|iam_role(_policy)?\.DeviceIngest)/.test(f.address))).toEqual([]);
  });

  it("uses a local backend and fake credentials offline (no data source calls AWS)", () => {
    const s = platform(env);
    expect(s.terraform.backend).toHaveProperty("local");
    expect(s.data ?? {}).toEqual({});
    const provider = s.provider.aws[0];
    expect(provider).toMatchObject({ skip_credentials_validation: true, skip_requesting_account_id: true });
  });
});

describe.each(ENVS)("platform-%s web front end", (env) => {
  const ref = (s: any, type: string, attr: string): string => `\${${type}.${Object.keys(s.resource[type])[0]}.${attr}}`;

  it("serves the SPA from a private site bucket through one distribution with Origin Access Control, readable only by that distribution", () => {
    const s = platform(env);
    expect(resourcesOf(s, "aws_cloudfront_distribution")).toHaveLength(1);
    const [siteId] = byPath(s, "aws_s3_bucket", "Web/Site/Resource");
    const dist = resourcesOf(s, "aws_cloudfront_distribution")[0];
    const site = dist.origin.find((o: any) => o.origin_id === "site");
    expect(site.domain_name).toBe(`\${aws_s3_bucket.${siteId}.bucket_regional_domain_name}`);
    expect(site.origin_access_control_id).toBe(ref(s, "aws_cloudfront_origin_access_control", "id"));
    expect(resourcesOf(s, "aws_cloudfront_origin_access_control")[0]).toMatchObject({ signing_behavior: "always", signing_protocol: "sigv4" });
    const [, block] = byPath(s, "aws_s3_bucket_public_access_block", "Web/Site/PublicAccessBlock");
    expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const policy = policyDocuments(s).find((p) => p.address.includes("Web_Site_Policy"))!.document;
    const allows = policy.Statement.filter((st: any) => st.Effect === "Allow");
    expect(allows.map((st: any) => [st.Principal, st.Action, st.Condition])).toEqual([
      [{ Service: "cloudfront.amazonaws.com" }, "s3:GetObject", { StringEquals: { "AWS:SourceArn": ref(s, "aws_cloudfront_distribution", "arn") } }],
      [{ Service: "cloudfront.amazonaws.com" }, "s3:ListBucket", { StringEquals: { "AWS:SourceArn": ref(s, "aws_cloudfront_distribution", "arn") } }],
    ]);
  });

  it("is HTTPS-only with the SPA fallback on the site and /api/* to the HTTP API (no cache, all viewer headers but Host, /api stripped)", () => {
    const s = platform(env);
    const dist = resourcesOf(s, "aws_cloudfront_distribution")[0];
    expect(dist.default_cache_behavior.viewer_protocol_policy).toBe("redirect-to-https");
    expect(dist.custom_error_response).toBeUndefined();
    const fns = s.resource.aws_cloudfront_function;
    const fnId = (suffix: string) => Object.keys(fns).find((k) => fns[k].name === `platform-${env}-web-${suffix}`)!;
    expect(dist.default_cache_behavior.function_association).toEqual([{ event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${fnId("spa-fallback")}.arn}` }]);
    const [api] = dist.ordered_cache_behavior;
    expect(api).toMatchObject({
      path_pattern: "/api/*",
      target_origin_id: "api",
      viewer_protocol_policy: "redirect-to-https",
      cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      origin_request_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
      function_association: [{ event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${fnId("api-prefix")}.arn}` }],
    });
    const apiOrigin = dist.origin.find((o: any) => o.origin_id === "api");
    expect(apiOrigin.domain_name).toContain(ref(s, "aws_apigatewayv2_api", "api_endpoint").slice(2, -1));
    expect(apiOrigin.custom_origin_config.origin_protocol_policy).toBe("https-only");
  });

  it("sends security headers whose CSP allows exactly the hosted UI and the files bucket besides itself", () => {
    const s = platform(env);
    const csp: string = resourcesOf(s, "aws_cloudfront_response_headers_policy")[0].security_headers_config.content_security_policy.content_security_policy;
    const [filesId] = byPath(s, "aws_s3_bucket", "Files/Bucket/Resource");
    const files = `https://\${aws_s3_bucket.${filesId}.bucket_regional_domain_name}`;
    expect(csp).toContain(`img-src 'self' data: ${files};`);
    const hostedUi = /connect-src 'self' (https:\/\/\$\{aws_cognito_user_pool_domain\.[^}]+\.domain\}\.auth\..*?\.amazoncognito\.com) ([^ ;]+);/.exec(csp);
    expect(hostedUi?.[2]).toBe(files);
    expect(csp).toContain(`form-action 'self' ${hostedUi?.[1]};`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("uploads the built app (hashed assets immutable, index.html no-cache) and a config.json built from the stack's attributes", () => {
    const s = platform(env);
    const objects = resourcesOf(s, "aws_s3_object");
    const index = objects.find((o) => o.key === "index.html");
    expect(index).toMatchObject({ content_type: "text/html; charset=utf-8", cache_control: "no-cache" });
    const js = objects.filter((o) => /^main-[A-Z0-9]{8}\.js$/.test(o.key));
    expect(js).toHaveLength(1);
    expect(js[0]).toMatchObject({ content_type: "text/javascript; charset=utf-8", cache_control: "public, max-age=31536000, immutable" });
    expect(js[0].etag).toMatch(/^[0-9a-f]{32}$/);
    const config = objects.find((o) => o.key === "config.json");
    expect(config).toMatchObject({ cache_control: "no-cache", content_type: "application/json; charset=utf-8" });
    expect(config.content).toContain('"apiBaseUrl" = "/api"');
    // references inside jsonencode(...) are bare expressions
    expect(config.content).toContain(`"userPoolId" = ${ref(s, "aws_cognito_user_pool", "id").slice(2, -1)},`);
    expect(config.content).toContain(`"userPoolClientId" = ${ref(s, "aws_cognito_user_pool_client", "id").slice(2, -1)},`);
    expect(config.content).toContain('"mode" = "hosted-ui"');
    expect(config.content).toContain('"redirectPath" = "/auth/callback"');
  });

  it("gives the user pool a hosted UI domain, and adds the distribution's origin to the SPA client's redirect URLs and the files bucket's CORS", () => {
    const s = platform(env);
    expect(resourcesOf(s, "aws_cognito_user_pool_domain")[0].domain).toBe(`platform-${env}-login`);
    const origin = `https://${ref(s, "aws_cloudfront_distribution", "domain_name")}`;
    const webOrigin = env === "prod" ? "https://app.example.com" : origin;
    const client = resourcesOf(s, "aws_cognito_user_pool_client")[0];
    expect(client.callback_urls).toContain(`${webOrigin}/auth/callback`);
    expect(client.logout_urls).toContain(`${webOrigin}/`);
    const [, cors] = byPath(s, "aws_s3_bucket_cors_configuration", "Files/Bucket/Cors");
    expect(cors.cors_rule[0].allowed_origins).toContain(webOrigin);
    // Never twice (prod's environment already lists its custom domain).
    for (const list of [client.callback_urls, client.logout_urls, cors.cors_rule[0].allowed_origins]) expect(new Set(list).size).toBe(list.length);
    expect(platform(env).output.web_url.value).toBe(webOrigin);
    expect(platform(env).output.distribution_id.value).toBe(ref(s, "aws_cloudfront_distribution", "id"));
  });

  it("takes price class, custom domain and logging from the environment", () => {
    const s = platform(env);
    const dist = resourcesOf(s, "aws_cloudfront_distribution")[0];
    const config = synth.built.environments.find((e) => e.name === env)!;
    expect(dist.price_class).toBe(config.web.priceClass);
    if (env === "prod") {
      expect(dist.aliases).toEqual(["app.example.com"]);
      expect(dist.viewer_certificate).toMatchObject({ ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" });
    } else {
      expect(dist.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    }
    expect(resourcesOf(s, "aws_cloudfront_monitoring_subscription")).toHaveLength(config.web.logging === "metrics" ? 1 : 0);
  });
});

describe("stateful guards", () => {
  it("prod: deletion protection, PITR and prevent_destroy on the table, the user pool and log groups", () => {
    const s = platform("prod");
    const table = resourcesOf(s, "aws_dynamodb_table")[0];
    expect(table.deletion_protection_enabled).toBe(true);
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.lifecycle).toEqual({ prevent_destroy: true });
    const pool = resourcesOf(s, "aws_cognito_user_pool")[0];
    expect(pool.deletion_protection).toBe("ACTIVE");
    expect(pool.lifecycle).toEqual({ prevent_destroy: true });
    for (const g of resourcesOf(s, "aws_cloudwatch_log_group")) expect(g.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("analytics cluster: dev and staging scale to zero with auto-pause, prod keeps 0.5 ACU and a reader", () => {
    const scaling = (env: string) => resourcesOf(platform(env), "aws_rds_cluster")[0].serverlessv2_scaling_configuration;
    expect(scaling("dev")).toEqual({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 300 });
    expect(scaling("staging")).toMatchObject({ min_capacity: 0, seconds_until_auto_pause: expect.any(Number) });
    expect(scaling("prod").min_capacity).toBe(0.5);
    expect(scaling("prod").seconds_until_auto_pause).toBeUndefined();
    expect(resourcesOf(platform("dev"), "aws_rds_cluster_instance")).toHaveLength(1);
    expect(resourcesOf(platform("prod"), "aws_rds_cluster_instance")).toHaveLength(2);
    for (const env of ENVS) {
      const cluster = resourcesOf(platform(env), "aws_rds_cluster")[0];
      expect(cluster).toMatchObject({ storage_encrypted: true, enable_http_endpoint: true, manage_master_user_password: true, engine: "aurora-postgresql" });
      expect(cluster.master_password).toBeUndefined();
      for (const i of resourcesOf(platform(env), "aws_rds_cluster_instance")) expect(i.publicly_accessible).toBe(false);
    }
  });

  it("prod analytics cluster: deletion protection, 7-day backups, a final snapshot and prevent_destroy; the stream too", () => {
    const s = platform("prod");
    const cluster = resourcesOf(s, "aws_rds_cluster")[0];
    expect(cluster).toMatchObject({
      deletion_protection: true,
      backup_retention_period: 7,
      skip_final_snapshot: false,
      final_snapshot_identifier: "platform-prod-analytics-final",
      lifecycle: { prevent_destroy: true },
    });
    expect(resourcesOf(s, "aws_kinesis_stream")[0].lifecycle).toEqual({ prevent_destroy: true });
    expect(resourcesOf(platform("staging"), "aws_rds_cluster")[0]).toMatchObject({ deletion_protection: true, skip_final_snapshot: false });
  });

  it("dev: no prevent_destroy, so the environment can be torn down", () => {
    const s = platform("dev");
    for (const [type, id, config] of allResources(s))
      expect({ r: `${type}.${id}`, lifecycle: config.lifecycle?.prevent_destroy ?? false }).toEqual({ r: `${type}.${id}`, lifecycle: false });
    expect(resourcesOf(s, "aws_dynamodb_table")[0].deletion_protection_enabled).toBe(false);
    expect(resourcesOf(s, "aws_rds_cluster")[0]).toMatchObject({ deletion_protection: false, skip_final_snapshot: true });
  });
});

describe("online mode", () => {
  it("keeps state in the environment's S3 bucket with encryption and S3-native locking, and pins the account", () => {
    const online = synthApp({ offline: false });
    for (const config of online.built.environments) {
      const s = online.stack(`platform-${config.name}`);
      expect(s.terraform.backend.s3).toEqual({ bucket: config.backend!.bucket, key: config.backend!.key, region: config.backend!.region, encrypt: true, use_lockfile: true });
      expect(s.provider.aws[0].allowed_account_ids).toEqual(config.allowedAccountIds);
      expect(s.provider.aws[0].access_key).toBeUndefined();
      expect(s.provider.aws[0].default_tags[0].tags).toEqual(config.tags);
    }
  });
});

describe("bootstrap stack", () => {
  const bootstrap = (env: string): any => synth.stack(`platform-bootstrap-${env}`);
  const configOf = (env: string) => synth.built.environments.find((e) => e.name === env)!;
  const roleNamed = (s: any, name: string): [string, any] => {
    const entry = Object.entries<any>(s.resource.aws_iam_role ?? {}).find(([, r]) => r.name === name);
    if (!entry) throw new Error(`no role ${name}`);
    return entry;
  };
  const inlinePolicyOf = (s: any, roleId: string): any => {
    const policies = resourcesOf(s, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
    expect(policies).toHaveLength(1);
    return JSON.parse(policies[0].policy);
  };
  const managedPoliciesOf = (s: any, roleId: string): string[] =>
    resourcesOf(s, "aws_iam_role_policy_attachment")
      .filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`)
      .map((a) => a.policy_arn)
      .sort();
  const statement = (doc: any, sid: string): any => {
    const st = asArray<any>(doc.Statement).find((x) => x.Sid === sid);
    if (!st) throw new Error(`no statement ${sid}`);
    return st;
  };
  const allowedActions = (doc: any): string[] =>
    asArray<any>(doc.Statement)
      .filter((st) => st.Effect === "Allow")
      .flatMap((st) => asArray<string>(st.Action));

  it.each(ENVS)("creates the %s state bucket: versioned, encrypted, public access blocked, TLS-only, prevent_destroy, local state", (env) => {
    const s = synth.stack(`platform-bootstrap-${env}`);
    const config = synth.built.environments.find((e) => e.name === env)!;
    const bucket = resourcesOf(s, "aws_s3_bucket")[0];
    expect(bucket.bucket).toBe(config.backend!.bucket);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(resourcesOf(s, "aws_s3_bucket_versioning")[0].versioning_configuration.status).toBe("Enabled");
    expect(resourcesOf(s, "aws_s3_bucket_server_side_encryption_configuration")[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm).toMatch(/aws:kms|AES256/);
    expect(resourcesOf(s, "aws_s3_bucket_public_access_block")[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = JSON.parse(resourcesOf(s, "aws_s3_bucket_policy")[0].policy);
    expect(asArray<any>(policy.Statement).some((st) => st.Effect === "Deny" && st.Condition?.Bool?.["aws:SecureTransport"] === "false")).toBe(true);
    expect(s.terraform.backend).toHaveProperty("local");
  });

  it.each(ENVS)("%s: one GitHub Actions OIDC provider for the sts.amazonaws.com audience, no pinned thumbprint", (env) => {
    const providers = resourcesOf(bootstrap(env), "aws_iam_openid_connect_provider");
    expect(providers).toHaveLength(1);
    expect(providers[0].url).toBe("https://token.actions.githubusercontent.com");
    expect(providers[0].client_id_list).toEqual(["sts.amazonaws.com"]);
    expect(providers[0].thumbprint_list).toBeUndefined();
  });

  it.each(ENVS)("%s: the plan role trusts only pull requests of the environment's repository (StringEquals aud + sub, web identity)", (env) => {
    const s = bootstrap(env);
    const [, role] = roleNamed(s, `platform-${env}-plan`);
    expect(role.path).toBe("/ci/");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHubActionsOidc",
          Effect: "Allow",
          Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\.[^.]+\.arn\}$/) },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": `repo:${configOf(env).ci.githubRepository}:pull_request`,
            },
          },
        },
      ],
    });
  });

  it.each(ENVS)("%s: the deploy role trusts only the GitHub environment of the same name (exact sub, no wildcard)", (env) => {
    const s = bootstrap(env);
    const [, role] = roleNamed(s, `platform-${env}-deploy`);
    expect(role.path).toBe("/ci/");
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement).toHaveLength(1);
    const [st] = trust.Statement;
    expect(st.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(st.Principal).toEqual({ Federated: expect.stringMatching(/aws_iam_openid_connect_provider/) });
    expect(st.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": `repo:${configOf(env).ci.githubRepository}:environment:${env}`,
      },
    });
    expect(JSON.stringify(st.Condition)).not.toMatch(/\*/);
  });

  it.each(ENVS)('%s: no wildcard action in any policy and no scoped action allowed on "*"', (env) => {
    const docs = policyDocuments(bootstrap(env)).filter((d) => d.address.startsWith("aws_iam_"));
    expect(docs.length).toBe(5); // 2 trust policies + 2 inline policies + the environment's permissions boundary
    for (const { address, document } of docs) {
      // The boundary's Deny of whole services (iam:*, organizations:* ...) denies, it grants nothing: its Allows are checked.
      const isBoundary = address.startsWith("aws_iam_policy.");
      for (const st of asArray<any>(document.Statement).filter((x) => !isBoundary || x.Effect === "Allow")) {
        const actions = asArray<string>(st.Action);
        for (const a of actions) expect({ address, action: a, wildcard: a === "*" || /:\*$/.test(a) }).toEqual({ address, action: a, wildcard: false });
        expect(st.NotAction).toBeUndefined();
        if (st.Effect === "Allow" && asArray<string>(st.Resource).includes("*")) {
          expect({ address, scopedOnStar: actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.has(a)) }).toEqual({ address, scopedOnStar: [] });
        }
      }
    }
  });

  it.each(ENVS)("%s: the plan role reads (ReadOnlyAccess + its own state object), writes nothing and is denied data-plane reads", (env) => {
    const s = bootstrap(env);
    const config = configOf(env);
    const [roleId] = roleNamed(s, `platform-${env}-plan`);
    expect(managedPoliciesOf(s, roleId)).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    const doc = inlinePolicyOf(s, roleId);
    const stateArn = `arn:aws:s3:::${config.backend!.bucket}/${config.backend!.key}`;
    expect(statement(doc, "ReadOwnState")).toMatchObject({ Effect: "Allow", Action: "s3:GetObject", Resource: stateArn });
    expect(allowedActions(doc).sort()).toEqual(["s3:GetObject", "s3:ListBucket"]);
    // -lock=false: no lock file write, no write of any kind
    expect(JSON.stringify(doc)).not.toMatch(/tflock|Put|Delete/);
    expect(statement(doc, "NoObjectReadsBeyondOwnState")).toEqual({
      Sid: "NoObjectReadsBeyondOwnState",
      Effect: "Deny",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      NotResource: stateArn,
    });
    const denied = statement(doc, "NoDataPlaneReads");
    expect(denied.Effect).toBe("Deny");
    expect(asArray<string>(denied.Action)).toEqual(
      expect.arrayContaining([
        "dynamodb:GetItem",
        "dynamodb:Scan",
        "dynamodb:Query",
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
        "kms:Decrypt",
        "sqs:ReceiveMessage",
        "kinesis:GetRecords",
        "logs:GetLogEvents",
        "cognito-idp:ListUsers",
      ]),
    );
  });

  it.each(ENVS)("%s: the deploy role has PowerUserAccess, state read/write + lock, and IAM only on roles/policies named platform-%s-*", (env) => {
    const s = bootstrap(env);
    const config = configOf(env);
    const [account] = config.allowedAccountIds;
    const [roleId, role] = roleNamed(s, `platform-${env}-deploy`);
    expect(role.max_session_duration).toBe(7200);
    expect(managedPoliciesOf(s, roleId)).toEqual(["arn:aws:iam::aws:policy/PowerUserAccess"]);
    const doc = inlinePolicyOf(s, roleId);
    const bucketArn = `arn:aws:s3:::${config.backend!.bucket}`;
    const stateArn = `${bucketArn}/${config.backend!.key}`;
    expect(statement(doc, "StateReadWrite")).toMatchObject({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [stateArn, `${stateArn}.tflock`] });
    expect(statement(doc, "StateLockRelease")).toMatchObject({ Effect: "Allow", Action: "s3:DeleteObject", Resource: `${stateArn}.tflock` });
    const roles = [`arn:aws:iam::${account}:role/platform-${env}-*`];
    const policies = [`arn:aws:iam::${account}:policy/platform-${env}-*`];
    for (const st of asArray<any>(doc.Statement).filter((x) => x.Effect === "Allow" && asArray<string>(x.Action).some((a) => a.startsWith("iam:")))) {
      expect(asArray<string>(st.Resource).every((r) => roles.includes(r) || policies.includes(r))).toBe(true);
    }
    const boundary = [`arn:aws:iam::${account}:policy/platform-${env}-boundary`];
    expect(statement(doc, "ManageEnvironmentRoles").Action).toEqual(expect.arrayContaining(["iam:DeleteRole", "iam:GetRole"]));
    // Roles are created or widened only with the environment's boundary attached (test/iam evaluates it).
    expect(statement(doc, "ManageEnvironmentRoles").Action).not.toEqual(expect.arrayContaining(["iam:CreateRole"]));
    expect(statement(doc, "ManageEnvironmentRoles").Action).not.toEqual(expect.arrayContaining(["iam:PutRolePolicy"]));
    expect(statement(doc, "CreateOrGrowRolesOnlyWithBoundary")).toMatchObject({
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"],
      Resource: roles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    });
    expect(statement(doc, "AttachEnvironmentPolicies")).toMatchObject({
      Action: "iam:AttachRolePolicy",
      Resource: roles,
      Condition: { ArnLike: { "iam:PolicyARN": policies }, StringEquals: { "iam:PermissionsBoundary": boundary } },
    });
    expect(statement(doc, "NoRoleWithoutBoundary")).toMatchObject({ Effect: "Deny", Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } } });
    expect(statement(doc, "NoBoundaryRemoval")).toMatchObject({ Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary" });
    expect(statement(doc, "ProtectBoundaryPolicy")).toMatchObject({ Effect: "Deny", Resource: boundary });
    expect(statement(doc, "ProtectBoundaryPolicy").Action).toEqual(
      expect.arrayContaining(["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]),
    );
    expect(statement(doc, "PassEnvironmentRoles")).toMatchObject({
      Action: "iam:PassRole",
      Resource: roles,
      Condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "states.amazonaws.com", "firehose.amazonaws.com"] } },
    });
    // The CI roles live under /ci/: the role pattern cannot match them, and an explicit deny keeps it so.
    expect(roles.some((r) => new RegExp(`^${r.replace(/\*/g, ".*")}$`).test(`arn:aws:iam::${account}:role/ci/platform-${env}-deploy`))).toBe(false);
    expect(statement(doc, "ProtectCiRoles")).toMatchObject({ Effect: "Deny", Resource: [`arn:aws:iam::${account}:role/ci/*`] });
    expect(statement(doc, "ProtectCiRoles").Action).toEqual(expect.arrayContaining(["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy"]));
    expect(statement(doc, "ProtectStateBucket")).toMatchObject({ Effect: "Deny", Resource: [bucketArn, `${bucketArn}/*`] });
    expect(statement(doc, "ProtectStateBucket").Action).toEqual(expect.arrayContaining(["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteObjectVersion"]));
  });

  it.each(ENVS)("%s: outputs the role ARNs the workflows are configured with, and reads nothing from AWS (offline plan)", (env) => {
    const s = bootstrap(env);
    const [planId] = roleNamed(s, `platform-${env}-plan`);
    const [deployId] = roleNamed(s, `platform-${env}-deploy`);
    expect(Object.keys(s.output).sort()).toEqual([`${env}_deploy_role_arn`, `${env}_plan_role_arn`, "github_oidc_provider_arn", "state_bucket"].sort());
    expect(s.output[`${env}_plan_role_arn`].value).toBe(`\${aws_iam_role.${planId}.arn}`);
    expect(s.output[`${env}_deploy_role_arn`].value).toBe(`\${aws_iam_role.${deployId}.arn}`);
    expect(s.output[`${env}_plan_role_arn`].description).toContain(`PLAN_ROLE_ARN_${env.toUpperCase()}`);
    expect(s.data ?? {}).toEqual({});
  });

  it("a state bucket shared by two environments gets one OIDC provider and plan/deploy roles for each", () => {
    const { ENVIRONMENT_INPUTS } = require("../../environments");
    const shared = {
      ...ENVIRONMENT_INPUTS,
      staging: {
        ...ENVIRONMENT_INPUTS.staging,
        allowedAccountIds: ENVIRONMENT_INPUTS.dev.allowedAccountIds,
        backend: { ...ENVIRONMENT_INPUTS.staging.backend, bucket: ENVIRONMENT_INPUTS.dev.backend.bucket },
      },
    };
    const app = synthApp({ offline: true, environments: shared });
    expect(app.built.bootstrapStacks.map((b) => b.node.id).sort()).toEqual(["platform-bootstrap-dev", "platform-bootstrap-prod"]);
    const s = app.stack("platform-bootstrap-dev");
    expect(resourcesOf(s, "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(
      resourcesOf(s, "aws_iam_role")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["platform-dev-deploy", "platform-dev-plan", "platform-staging-deploy", "platform-staging-plan"]);
    const [stagingPlan] = roleNamed(s, "platform-staging-plan");
    expect(statement(inlinePolicyOf(s, stagingPlan), "ReadOwnState").Resource).toBe(
      `arn:aws:s3:::${ENVIRONMENT_INPUTS.dev.backend.bucket}/${ENVIRONMENT_INPUTS.staging.backend.key}`,
    );
    expect(Object.keys(s.output)).toEqual(expect.arrayContaining(["dev_plan_role_arn", "staging_plan_role_arn", "staging_deploy_role_arn"]));
  });

  it("reuses an existing OIDC provider when given its ARN (one provider per account)", () => {
    const app = Testing.app();
    const env = configOf("dev");
    const arn = `arn:aws:iam::${env.allowedAccountIds[0]}:oidc-provider/token.actions.githubusercontent.com`;
    const s = JSON.parse(Testing.synth(new BootstrapStack(app, "bootstrap", { env, offline: true, githubOidcProviderArn: arn })));
    expect(resourcesOf(s, "aws_iam_openid_connect_provider")).toHaveLength(0);
    for (const role of resourcesOf(s, "aws_iam_role")) expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Federated: arn });
  });
});

describe("bad environment config", () => {
  it("fails synth naming the environment, the field and the allowed values", () => {
    const { ENVIRONMENT_INPUTS } = require("../../environments");
    const broken = {
      ...ENVIRONMENT_INPUTS,
      staging: { ...ENVIRONMENT_INPUTS.staging, region: "mars-1", functionDefaults: { ...ENVIRONMENT_INPUTS.staging.functionDefaults, memorySize: 64 } },
    };
    expect(() => synthApp({ offline: true, environments: broken })).toThrow(
      /Environment "staging" is invalid[\s\S]*region[\s\S]*eu-west-1[\s\S]*functionDefaults\.memorySize[\s\S]*128/,
    );
  });
});
