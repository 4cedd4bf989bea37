// terraform validate + offline terraform plan of every synthesized stack with the real AWS provider (from the
// filesystem mirror, see lib/terraform-cli.ts). One synth of the whole app, then every stack in parallel.
import { migrationsHash } from "../../lambdas/analytics/migrations-dir";
import { SynthesizedApp, synthApp } from "../support/app-synth";
import { buildWebSync } from "../../web/build";
import { countByType, plannedValues, StackPlan, validateAndPlan } from "../support/terraform";

const PLATFORM = ["platform-dev", "platform-staging", "platform-prod"] as const;
const BOOTSTRAP = ["platform-bootstrap-dev", "platform-bootstrap-staging", "platform-bootstrap-prod"] as const;

let synth: SynthesizedApp;
const plans = new Map<string, StackPlan>();

beforeAll(async () => {
  synth = synthApp({ offline: true });
  const ids = [...PLATFORM, ...BOOTSTRAP];
  const results = await Promise.all(ids.map((id) => validateAndPlan(synth.stackDir(id))));
  ids.forEach((id, i) => plans.set(id, results[i]));
}, 600_000);

const planOf = (id: string): any => {
  const p = plans.get(id)!;
  if (!p.validate.valid) throw new Error(`${id} is not valid:\n${JSON.stringify(p.validate.diagnostics, null, 2)}`);
  return p.plan;
};

describe.each([...PLATFORM, ...BOOTSTRAP])("%s", (id) => {
  it("is valid Terraform with no warnings and plans only creates from empty state", () => {
    const p = plans.get(id)!;
    expect(p.validate.diagnostics).toEqual([]);
    expect(p.validate.valid).toBe(true);
    const actions = new Set(planOf(id).resource_changes.flatMap((rc: any) => rc.change.actions));
    expect([...actions]).toEqual(["create"]);
  });
});

/** The web app's built files (web/build.ts), uploaded by every environment. */
const WEB_FILES = buildWebSync().files.length;
/** Environments whose distribution has the additional real-time metrics (environments/<env>.ts web.logging). */
const METRICS: Record<(typeof PLATFORM)[number], boolean> = { "platform-dev": false, "platform-staging": true, "platform-prod": true };

/** Analytics reader instances per environment (environments/<env>.ts analytics.readers). */
const READERS: Record<(typeof PLATFORM)[number], number> = { "platform-dev": 0, "platform-staging": 0, "platform-prod": 1 };

describe.each(PLATFORM)("%s plan", (id) => {
  it("creates the profile and analytics slices: resource types and exact counts", () => {
    const counts = countByType(planOf(id));
    // profile: profile-api, profile-bootstrap, profile-events; analytics: analytics-migrate, analytics-ingest,
    // activity-ingest, activity-processor, analytics-query; files: files-api, object-metadata; account deletion:
    // delete-user-files, anonymise-analytics, delete-user-profile
    const functions = 3 + 5 + 2 + 3;
    expect(counts).toEqual({
      aws_lambda_function: functions,
      aws_lambda_function_event_invoke_config: functions,
      // one per function + the delete-user state machine, the lake's Firehose stream and the IoT topic rule
      aws_iam_role: functions + 3,
      // one per role, and the state machine's vended log delivery in a policy of its own
      aws_iam_role_policy: functions + 3 + 1,
      // one log group per function + API access logs + the state machine + Firehose delivery errors (with its stream)
      aws_cloudwatch_log_group: functions + 3,
      aws_cloudwatch_log_stream: 1,
      // profiles, files
      aws_dynamodb_table: 2,
      // profiles stream → profile-events, SQS analytics-ingest → analytics-ingest, Kinesis activity → activity-processor,
      // SQS file-events → object-metadata
      aws_lambda_event_source_mapping: 4,
      aws_apigatewayv2_api: 1,
      aws_apigatewayv2_stage: 1,
      aws_apigatewayv2_authorizer: 1,
      // GET/PUT/DELETE /profiles/me, GET /profiles/me/deletion, POST /events, GET /analytics/me/summary,
      // GET /analytics/daily-active-users, GET /analytics/reports/{name}, GET /analytics/reports/executions/{id},
      // POST /files, GET /files, GET /files/{id}, DELETE /files/{id}
      aws_apigatewayv2_route: 13,
      // one per function behind the API: profile-api, activity-ingest, analytics-query, files-api
      aws_apigatewayv2_integration: 4,
      // one per route + Cognito → profile-bootstrap
      aws_lambda_permission: 13 + 1,
      aws_cognito_user_pool: 1,
      aws_cognito_user_pool_client: 1,
      aws_sns_topic: 2,
      aws_sns_topic_policy: 2,
      // alarm e-mail + user-data-change → analytics-ingest queue
      aws_sns_topic_subscription: 2,
      // profile-events failures, analytics-ingest + its DLQ, activity-processor failures, file-events + its DLQ,
      // the IoT rule's error queue
      aws_sqs_queue: 7,
      aws_sqs_queue_policy: 7,
      aws_sqs_queue_redrive_allow_policy: 2,
      aws_kinesis_stream: 1,
      aws_rds_cluster: 1,
      aws_rds_cluster_instance: 1 + READERS[id],
      aws_lambda_invocation: 1,
      // the files bucket, the activity lake, the Athena results bucket and the web app's site bucket, each with its configuration
      aws_s3_bucket: 4,
      aws_s3_bucket_public_access_block: 4,
      aws_s3_bucket_ownership_controls: 4,
      aws_s3_bucket_server_side_encryption_configuration: 4,
      aws_s3_bucket_versioning: 4,
      aws_s3_bucket_lifecycle_configuration: 4,
      aws_s3_bucket_cors_configuration: 1,
      aws_s3_bucket_policy: 4,
      // the web app: every built file and the generated config.json
      aws_s3_object: WEB_FILES + 1,
      // the distribution, its OAC, the SPA fallback and /api prefix functions, the security headers; the additional
      // metrics where the environment asks for them (web.logging "metrics")
      aws_cloudfront_distribution: 1,
      aws_cloudfront_origin_access_control: 1,
      aws_cloudfront_function: 2,
      aws_cloudfront_response_headers_policy: 1,
      ...(METRICS[id] ? { aws_cloudfront_monitoring_subscription: 1 } : {}),
      // the hosted UI the web app signs in through
      aws_cognito_user_pool_domain: 1,
      aws_s3_bucket_notification: 1,
      // the delete-user workflow
      aws_sfn_state_machine: 1,
      // the activity lake: Firehose, Glue database and table (partition projection), Athena workgroup, 3 named queries
      aws_kinesis_firehose_delivery_stream: 1,
      aws_glue_catalog_database: 1,
      aws_glue_catalog_table: 1,
      aws_athena_workgroup: 1,
      aws_athena_named_query: 3,
      // device telemetry
      aws_iot_thing_type: 1,
      aws_iot_policy: 1,
      aws_iot_topic_rule: 1,
      // Errors + Throttles per function, API 5xx, iterator age of both stream consumers, depth of the 5
      // failure/dead-letter/error queues, the state machine's failed/timed-out/aborted executions, Firehose delivery
      // success and data freshness, the IoT rule's failures, parse errors and throttling
      aws_cloudwatch_metric_alarm: functions * 2 + 1 + 2 + 5 + 3 + 2 + 3,
      aws_cloudwatch_dashboard: 1,
      aws_kms_key: 1,
      aws_kms_alias: 1,
    });
  });

  it("plans the analytics store: Aurora Serverless v2 with the Data API, encrypted, managed secret; an encrypted stream in the environment's capacity mode", () => {
    const plan = planOf(id);
    const [cluster] = plannedValues(plan, "aws_rds_cluster");
    expect(cluster).toMatchObject({
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      enable_http_endpoint: true,
      storage_encrypted: true,
      manage_master_user_password: true,
      database_name: "analytics",
    });
    for (const i of plannedValues(plan, "aws_rds_cluster_instance")) expect(i).toMatchObject({ instance_class: "db.serverless", publicly_accessible: false });
    const [stream] = plannedValues(plan, "aws_kinesis_stream");
    // The capacity mode is the environment's (analytics.activityStream): dev runs one provisioned shard.
    const mode = synth.built.environments.find((e) => `platform-${e.name}` === id)!.analytics.activityStream;
    expect(stream).toMatchObject({ stream_mode_details: [{ stream_mode: mode.capacityMode }], retention_period: 24, encryption_type: "KMS", kms_key_id: "alias/aws/kinesis" });
    if (mode.capacityMode === "PROVISIONED") expect(stream.shard_count).toBe(mode.shardCount);
    const [invocation] = plannedValues(plan, "aws_lambda_invocation");
    expect(invocation).toMatchObject({ lifecycle_scope: "CREATE_ONLY", triggers: { migrations: migrationsHash() } });
  });

  it("plans the functions on nodejs22.x arm64 with X-Ray and the tables with SSE and on-demand billing, profiles with its stream", () => {
    const plan = planOf(id);
    for (const fn of plannedValues(plan, "aws_lambda_function")) {
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], tracing_config: [{ mode: "Active" }] });
    }
    const tables = plannedValues(plan, "aws_dynamodb_table");
    for (const table of tables) expect(table).toMatchObject({ billing_mode: "PAY_PER_REQUEST", server_side_encryption: [{ enabled: true }] });
    expect(tables.find((t) => t.name.endsWith("-profiles"))).toMatchObject({ stream_enabled: true, stream_view_type: "NEW_AND_OLD_IMAGES" });
    expect(tables.find((t) => t.name.endsWith("-files"))).toMatchObject({ ttl: [{ attribute_name: "expiresAt", enabled: true }] });
  });
});

describe("prod guards in the plan", () => {
  it("prod: table deletion protection and PITR, user pool deletion protection, prevent_destroy in the configuration", () => {
    const plan = planOf("platform-prod");
    for (const table of plannedValues(plan, "aws_dynamodb_table")) {
      expect(table.deletion_protection_enabled).toBe(true);
      expect(table.point_in_time_recovery[0].enabled).toBe(true);
    }
    // prod keeps its uploads: a non-empty bucket is never deleted by a destroy
    expect(plannedValues(plan, "aws_s3_bucket")[0].force_destroy).toBe(false);
    const [pool] = plannedValues(plan, "aws_cognito_user_pool");
    expect(pool.deletion_protection).toBe("ACTIVE");
    // prevent_destroy is a meta-argument: terraform's JSON plan does not carry it, the configuration does.
    const config = synth.stack("platform-prod");
    const prevented = Object.entries<any>(config.resource)
      .flatMap(([type, byId]) =>
        Object.values<any>(byId)
          .filter((r) => r.lifecycle?.prevent_destroy === true)
          .map(() => type),
      )
      .sort();
    expect(new Set(prevented)).toEqual(
      new Set([
        "aws_dynamodb_table",
        "aws_cognito_user_pool",
        "aws_cloudwatch_log_group",
        "aws_rds_cluster",
        "aws_kinesis_stream",
        "aws_s3_bucket",
        "aws_glue_catalog_database",
        "aws_glue_catalog_table",
      ]),
    );
    const [cluster] = plannedValues(plan, "aws_rds_cluster");
    expect(cluster).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "platform-prod-analytics-final",
      backup_retention_period: 7,
      serverlessv2_scaling_configuration: [{ min_capacity: 0.5, max_capacity: 16 }],
    });
  });

  it("dev: the same resources without deletion protection, so dev can be torn down", () => {
    const plan = planOf("platform-dev");
    for (const table of plannedValues(plan, "aws_dynamodb_table")) expect(table.deletion_protection_enabled).toBe(false);
    // a throw-away environment is destroyed with its uploads
    expect(plannedValues(plan, "aws_s3_bucket")[0].force_destroy).toBe(true);
    expect(plannedValues(plan, "aws_cognito_user_pool")[0].deletion_protection).toBe("INACTIVE");
    const [cluster] = plannedValues(plan, "aws_rds_cluster");
    expect(cluster).toMatchObject({ deletion_protection: false, skip_final_snapshot: true });
    // dev scales to zero: no ACU charge while nobody uses it
    expect(cluster.serverlessv2_scaling_configuration).toEqual([{ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 300 }]);
  });
});

describe("bootstrap plan", () => {
  it.each(BOOTSTRAP)("%s creates the secured state bucket, the GitHub OIDC provider and the plan + deploy roles", (id) => {
    const counts = countByType(planOf(id));
    expect(counts).toMatchObject({
      aws_s3_bucket: 1,
      aws_s3_bucket_versioning: 1,
      aws_s3_bucket_server_side_encryption_configuration: 1,
      aws_s3_bucket_public_access_block: 1,
      aws_s3_bucket_policy: 1,
      aws_iam_openid_connect_provider: 1,
      aws_iam_role: 2,
      aws_iam_policy: 1, // the environment's permissions boundary
      aws_iam_role_policy: 2,
      aws_iam_role_policy_attachment: 2,
    });
    const env = id.replace("platform-bootstrap-", "");
    const roles = plannedValues(planOf(id), "aws_iam_role");
    expect(roles.map((r) => `${r.path}${r.name}`).sort()).toEqual([`/ci/platform-${env}-deploy`, `/ci/platform-${env}-plan`]);
    const [provider] = plannedValues(planOf(id), "aws_iam_openid_connect_provider");
    expect(provider).toMatchObject({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
  });
});

describe.each(PLATFORM)("%s plan: web front end", (id) => {
  it("plans an HTTPS-only distribution with OAC to the private site bucket, /api/* uncached to the API, and security headers on every behaviour", () => {
    const plan = planOf(id);
    const [dist] = plannedValues(plan, "aws_cloudfront_distribution");
    expect(dist).toMatchObject({ default_root_object: "index.html", http_version: "http2and3", is_ipv6_enabled: true, enabled: true });
    expect(dist.custom_error_response ?? []).toEqual([]);
    expect(dist.default_cache_behavior[0].viewer_protocol_policy).toBe("redirect-to-https");
    const [api] = dist.ordered_cache_behavior;
    expect(api).toMatchObject({
      path_pattern: "/api/*",
      viewer_protocol_policy: "redirect-to-https",
      cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      origin_request_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    });
    expect(plannedValues(plan, "aws_cloudfront_origin_access_control")[0]).toMatchObject({
      origin_access_control_origin_type: "s3",
      signing_behavior: "always",
      signing_protocol: "sigv4",
    });
    const [headers] = plannedValues(plan, "aws_cloudfront_response_headers_policy");
    expect(headers.security_headers_config[0].strict_transport_security[0]).toMatchObject({ access_control_max_age_sec: 63072000, include_subdomains: true, preload: true });
    expect(headers.security_headers_config[0].frame_options[0].frame_option).toBe("DENY");
    for (const f of plannedValues(plan, "aws_cloudfront_function")) expect(f).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true });
    expect(
      plannedValues(plan, "aws_s3_bucket_public_access_block").every((b) => b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets),
    ).toBe(true);
  });

  it("plans the site's objects with their content types and cache headers, and config.json no-cache", () => {
    const objects = plannedValues(planOf(id), "aws_s3_object");
    const byKey = Object.fromEntries(objects.map((o) => [o.key, o]));
    expect(byKey["index.html"]).toMatchObject({ content_type: "text/html; charset=utf-8", cache_control: "no-cache" });
    expect(byKey["config.json"]).toMatchObject({ content_type: "application/json; charset=utf-8", cache_control: "no-cache" });
    const js = objects.filter((o) => /^main-[A-Z0-9]{8}\.js$/.test(o.key));
    expect(js.map((o) => [o.content_type, o.cache_control])).toEqual([["text/javascript; charset=utf-8", "public, max-age=31536000, immutable"]]);
    for (const o of objects.filter((x) => x.key !== "config.json")) expect(o.etag).toMatch(/^[0-9a-f]{32}$/);
  });
});
