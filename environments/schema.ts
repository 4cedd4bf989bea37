import { z } from "zod";
import { LOG_RETENTION_DAYS } from "../modules/log-group";
import { CDN_LOGGING, PRICE_CLASSES } from "../modules/cdn/validate-props";

const kebab = z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, "lower-case letters, digits and '-', starting with a letter, at most 16 characters");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region code such as eu-west-1");
const accountId = z.string().regex(/^\d{12}$/, "a 12-digit AWS account id");
const httpsUrl = z.string().refine((u) => /^https:\/\/[^\s/]+/.test(u) || /^http:\/\/localhost(:\d+)?(\/|$)/.test(u), "an https:// URL (http:// only for localhost)");

const count = z.number().int().min(0);
const port = z.number().int().min(1024).max(65535);

/** moto's account: the only account a local environment (emulators on this machine) may deploy into. */
export const LOCAL_ACCOUNT_ID = "123456789012";

/** Aurora Serverless v2 capacity: ACU from `min` to 256 in steps of 0.5. */
const acu = (min: number) =>
  z
    .number()
    .min(min)
    .max(256)
    .refine((v) => Number.isInteger(v * 2), "a multiple of 0.5");

/** Logs retention values CloudWatch accepts. */
const retention = z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of ${LOG_RETENTION_DAYS.join(", ")}`);

export const environmentSchema = z
  .object({
    /** Environment name; part of every physical name (`<app>-<env>-<name>`). */
    name: kebab,
    /** Application prefix of every physical name. */
    app: kebab,
    /** AWS region the stack deploys to. */
    region,
    /** The only accounts this stack may deploy into (the provider refuses any other). */
    allowedAccountIds: z.array(accountId).min(1, "at least one account id"),
    /** This environment serves real users: stateful guards must all be on. */
    production: z.boolean(),
    /** Remote state: S3 with native locking (use_lockfile) and encryption. Absent only for a `local` environment. */
    backend: z
      .object({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3–63 chars, lower-case, digits, '.', '-')"),
        key: z.string().regex(/^[A-Za-z0-9!_.*'()/-]+\.tfstate$/, "an object key ending in .tfstate"),
        region,
      })
      .strict()
      .optional(),
    /**
     * A local environment (`npm start`): every AWS call of its provider goes to the local runtime on this machine,
     * which answers Lambda itself and forwards the rest to the emulators; state stays on this machine.
     */
    local: z
      .object({
        /** Port of the local AWS endpoint (the local runtime). */
        endpointPort: port,
        /** Port of the local HTTP API (API Gateway's `$default` stage). */
        apiPort: port,
      })
      .strict()
      .optional(),
    /** Tags on every resource (provider default_tags). */
    tags: z
      .record(z.string().regex(/^(?!aws:)[\w .:/=+@-]{1,128}$/, "a tag key of 1–128 characters not starting with aws:"), z.string().max(256, "at most 256 characters"))
      .refine((t) => Object.keys(t).length <= 45, "at most 45 tags (AWS allows 50; 5 are kept for modules)"),
    /** Log retention for every function, API and state machine log group. */
    logRetentionDays: retention,
    /** Defaults for every function unless a service sets its own. */
    functionDefaults: z
      .object({
        memorySize: z.number().int().min(128).max(10240),
        timeoutSeconds: z.number().int().min(1).max(900),
        logLevel: z.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]),
      })
      .strict(),
    /** HTTP API stage throttling and CORS. */
    api: z
      .object({
        throttlingBurstLimit: z.number().int().min(1).max(5000),
        throttlingRateLimit: z.number().min(1).max(10000),
        corsAllowOrigins: z.array(httpsUrl).min(1),
      })
      .strict(),
    /**
     * The files service: what an upload may declare. S3 refuses anything else at upload (the presigned POST's policy),
     * and object-metadata deletes what slipped through.
     */
    files: z
      .object({
        /** Largest upload in bytes, 1 B – 5 GiB (the most one POST upload can carry). */
        maxFileSizeBytes: z
          .number()
          .int()
          .min(1)
          .max(5 * 1024 ** 3),
        /** Media types an upload may declare, lower case `type/subtype` without parameters. */
        allowedContentTypes: z
          .array(z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/, "a lower-case media type such as image/png"))
          .min(1, "at least one media type")
          .refine((types) => new Set(types).size === types.length, "no duplicates"),
      })
      .strict(),
    /**
     * Step Functions workflows (the delete-user workflow): what their executions log. `includeExecutionData` writes
     * each state's input and output to the log group, which carries personal data (user ids, e-mail addresses): only
     * where the environment holds no real users' data.
     */
    workflows: z
      .object({
        /** Events logged: ALL (every state), ERROR (failures), FATAL (execution failures only). */
        logLevel: z.enum(["ALL", "ERROR", "FATAL"]),
        /** Log each state's input and output. Never in production. */
        includeExecutionData: z.boolean(),
        /**
         * Seconds the delete-user workflow waits, after deleting the Cognito user, before it anonymises the user's
         * analytics rows a second time: activity events accepted before the deletion may still be on the stream (the
         * processor's batching window and retries), 1–86400.
         */
        inFlightWaitSeconds: z.number().int().min(1).max(86400),
      })
      .strict(),
    /** Cognito: SPA callback/logout URLs and MFA. */
    auth: z
      .object({
        callbackUrls: z.array(httpsUrl).min(1),
        logoutUrls: z.array(httpsUrl).min(1),
        mfa: z.enum(["OFF", "OPTIONAL", "ON"]),
        /**
         * Hosted UI (managed login) domain prefix: the domain is `<app>-<env>-<prefix>.auth.<region>.amazoncognito.com`
         * (1–40 characters of a-z, 0-9 and '-'; unique per region across AWS; no "aws", "amazon" or "cognito"). The web
         * app signs in through it (authorization code + PKCE) wherever the CDN is deployed. @default no hosted UI
         */
        domainPrefix: z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "1–40 characters of a-z, 0-9 and '-', not starting or ending with '-'")
          .refine((p) => !/aws|amazon|cognito/.test(p), 'a prefix without "aws", "amazon" or "cognito" (Cognito refuses them)')
          .optional(),
        /**
         * Let the SPA client sign in with username and password (USER_PASSWORD_AUTH) besides SRP: the local platform's
         * sign-in form and test users. Never in production. @default false
         */
        passwordAuth: z.boolean().optional(),
      })
      .strict(),
    /**
     * The web front end: the SPA in a private S3 bucket behind CloudFront, which also routes `/api/*` to the HTTP API
     * (services/web.ts; modules/cdn, modules/static-site).
     */
    web: z
      .object({
        /**
         * Deploy the distribution, the site bucket and the SPA's files. false only in a local environment: moto 5.2.1
         * answers 404 to CloudFront Functions, response headers policies and monitoring subscriptions (measured with
         * terraform apply), and the local web server (local/web) serves the SPA and `/api` with the same rules.
         */
        cdn: z.boolean(),
        /** Edge locations: PriceClass_100 (North America, Europe, Israel), PriceClass_200, PriceClass_All. */
        priceClass: z.enum(PRICE_CLASSES),
        /** A WAFv2 web ACL of scope CLOUDFRONT (us-east-1) in front of the distribution. @default none */
        webAclArn: z
          .string()
          .regex(
            /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}$/,
            "a WAFv2 web ACL ARN of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)",
          )
          .optional(),
        /** A custom domain: its host names and an ACM certificate in us-east-1 covering them. @default the *.cloudfront.net name */
        domain: z
          .object({
            names: z
              .array(z.string().regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case host name such as app.example.com"))
              .min(1)
              .max(100),
            certificateArn: z.string().regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN in us-east-1 (CloudFront reads no other region)"),
          })
          .strict()
          .optional(),
        /**
         * "metrics": CloudFront's additional real-time metrics (≈ $2.40/month: 8 CloudWatch custom metrics), "none":
         * the free default metrics only.
         */
        logging: z.enum(CDN_LOGGING),
      })
      .strict(),
    /** Where alarms are e-mailed (subscription confirmed by the recipient). */
    alarmEmail: z.email("an e-mail address"),
    /** Policy as code (policy/): "error" fails synth on a violated rule, "warn" reports it and synth goes on. */
    policy: z.object({ enforcement: z.enum(["error", "warn"]) }).strict(),
    /** Monthly load for the cost estimate at load (cost/); the idle estimate assumes zero of each. */
    loadProfile: z
      .object({
        apiRequestsPerMonth: count,
        functionInvocationsPerMonth: count,
        averageFunctionDurationMs: z.number().min(1).max(900000),
        tableReadsPerMonth: count,
        tableWritesPerMonth: count,
        tableStorageGb: z.number().min(0),
        snsPublishesPerMonth: count,
        sqsRequestsPerMonth: count,
        /** GB stored in S3 buckets (every version), spread over the buckets. */
        objectStorageGb: z.number().min(0),
        /** S3 PUT/POST/COPY/LIST requests a month (uploads, listings, deletes). */
        objectWritesPerMonth: count,
        /** S3 GET/HEAD requests a month (downloads, object-metadata's HeadObject). */
        objectReadsPerMonth: count,
        logIngestionGbPerMonth: z.number().min(0),
        monthlyActiveUsers: count,
        /** Step Functions Standard state transitions a month (each state entered, retries included), spread over the state machines. */
        stateTransitionsPerMonth: count,
        /**
         * Viewer requests CloudFront serves a month (site files and `/api/*`, which also count in apiRequestsPerMonth);
         * each runs one CloudFront Function (the SPA fallback or the `/api` prefix stripper). @default 0
         */
        cdnRequestsPerMonth: count.default(0),
        /** GB CloudFront sends to viewers a month (site files, API responses). @default 0 */
        cdnDataOutGbPerMonth: z.number().min(0).default(0),
        /** GB of activity records Firehose ingests a month (the lake's delivery). */
        lakeIngestGbPerMonth: z.number().min(0),
        /** TB Athena scans a month (reports). */
        athenaTbScannedPerMonth: z.number().min(0),
        /** MQTT messages devices publish a month (AWS IoT Core; each one triggers the device rule and its Kinesis action). */
        deviceMessagesPerMonth: count,
      })
      .strict(),
    /** CI/CD: the GitHub repository whose workflows may assume this account's roles through OIDC (bootstrap stack). */
    ci: z
      .object({
        githubRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/repository"),
      })
      .strict(),
    /**
     * The analytics store: Aurora Serverless v2 (PostgreSQL) behind the RDS Data API. Capacity in ACU (1 ACU ≈ 2 GiB),
     * in steps of 0.5. `minCapacity: 0` lets the cluster pause after `secondsUntilAutoPause` without connections (no
     * compute charge while paused; the first call after a pause waits ~15 s for the resume).
     */
    analytics: z
      .object({
        /** Minimum ACU, 0–256 in steps of 0.5 (0 = auto-pause when idle). */
        minCapacity: acu(0),
        /** Maximum ACU, 1–256 in steps of 0.5, ≥ minCapacity. */
        maxCapacity: acu(1),
        /** Seconds without connections before the cluster pauses, 300–86400; only with minCapacity 0. @default 300 */
        secondsUntilAutoPause: z.number().int().min(300).max(86400).optional(),
        /** Reader instances (failover targets), 0–15. */
        readers: z.number().int().min(0).max(15),
        /**
         * The Kinesis "activity" stream's capacity: ON_DEMAND (billed per GB, scales itself) or PROVISIONED with
         * `shardCount` (1–10000 shards, each 1 MB/s or 1000 records/s in; billed per shard-hour). `shardCount` is
         * required with PROVISIONED and refused with ON_DEMAND.
         */
        activityStream: z
          .object({
            capacityMode: z.enum(["ON_DEMAND", "PROVISIONED"]),
            shardCount: z.number().int().min(1).max(10000).optional(),
          })
          .strict(),
        /**
         * The activity data lake (Firehose → S3 → Glue → Athena): Firehose buffering (an object is written when either
         * limit is reached), how long Athena query results are kept, and the most one query may scan.
         */
        lake: z
          .object({
            /** Seconds Firehose buffers, 0–900. */
            bufferingSeconds: z.number().int().min(0).max(900),
            /** MB Firehose buffers, 1–128. */
            bufferingMb: z.number().int().min(1).max(128),
            /** Days query results stay in the results bucket, 1–36500. */
            resultsExpiryDays: z.number().int().min(1).max(36500),
            /** Bytes one Athena query may scan before it is cancelled, ≥ 10,485,760 (10 MiB: the Terraform provider's minimum). */
            bytesScannedCutoffPerQuery: z.number().int().min(10_485_760),
          })
          .strict(),
      })
      .strict(),
    /** Guards on stateful resources (tables, user pool, analytics cluster, log groups, state). */
    guards: z
      .object({
        deletionProtection: z.boolean(),
        pointInTimeRecovery: z.boolean(),
        preventDestroy: z.boolean(),
      })
      .strict(),
  })
  .strict()
  .superRefine((env, ctx) => {
    if (env.production) {
      for (const [guard, on] of Object.entries(env.guards)) {
        if (!on) ctx.addIssue({ code: "custom", path: ["guards", guard], message: "true (a production environment keeps every stateful guard on)" });
      }
    }
    if (env.production && env.policy.enforcement !== "error") {
      ctx.addIssue({ code: "custom", path: ["policy", "enforcement"], message: '"error" (a production environment fails synth on a policy violation)' });
    }
    if (env.analytics.maxCapacity < env.analytics.minCapacity) {
      ctx.addIssue({ code: "custom", path: ["analytics", "maxCapacity"], message: `≥ analytics.minCapacity (${env.analytics.minCapacity})` });
    }
    const stream = env.analytics.activityStream;
    if (stream.capacityMode === "PROVISIONED" && stream.shardCount === undefined) {
      ctx.addIssue({ code: "custom", path: ["analytics", "activityStream", "shardCount"], message: "a shard count 1–10000 (required with capacityMode PROVISIONED)" });
    }
    if (stream.capacityMode === "ON_DEMAND" && stream.shardCount !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["analytics", "activityStream", "shardCount"],
        message: "no value with capacityMode ON_DEMAND (on-demand streams manage their shards)",
      });
    }
    if (env.analytics.secondsUntilAutoPause !== undefined && env.analytics.minCapacity !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["analytics", "secondsUntilAutoPause"],
        message: "no value unless analytics.minCapacity is 0 (only a cluster that scales to zero pauses)",
      });
    }
    if (env.local === undefined && env.backend === undefined) {
      ctx.addIssue({ code: "custom", path: ["backend"], message: "an S3 backend { bucket, key, region } (only a local environment keeps its state on this machine)" });
    }
    if (env.local !== undefined) {
      if (env.backend !== undefined) ctx.addIssue({ code: "custom", path: ["backend"], message: "no backend (a local environment keeps its state on this machine)" });
      if (env.production) ctx.addIssue({ code: "custom", path: ["production"], message: "false (a local environment runs on emulators)" });
      if (env.allowedAccountIds.length !== 1 || env.allowedAccountIds[0] !== LOCAL_ACCOUNT_ID) {
        ctx.addIssue({ code: "custom", path: ["allowedAccountIds"], message: `["${LOCAL_ACCOUNT_ID}"] (the emulators' account: a local environment can never reach AWS)` });
      }
      if (env.local.apiPort === env.local.endpointPort) ctx.addIssue({ code: "custom", path: ["local", "apiPort"], message: "a port other than local.endpointPort" });
    }
    if (env.workflows.includeExecutionData && env.production) {
      ctx.addIssue({ code: "custom", path: ["workflows", "includeExecutionData"], message: "false (execution data holds personal data; a production environment never logs it)" });
    }
    if (env.auth.passwordAuth === true && env.production) {
      ctx.addIssue({ code: "custom", path: ["auth", "passwordAuth"], message: "false (production signs in through the hosted UI with SRP only)" });
    }
    if (env.web.cdn && env.local !== undefined) {
      ctx.addIssue({ code: "custom", path: ["web", "cdn"], message: "false (no emulator serves CloudFront; the local web server replaces it)" });
    }
    if (env.web.cdn && env.auth.domainPrefix === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["auth", "domainPrefix"],
        message: "a hosted UI domain prefix (the web app signs in through the hosted UI wherever the CDN is deployed)",
      });
    }
    if (env.auth.mfa === "OFF" && env.production) {
      ctx.addIssue({ code: "custom", path: ["auth", "mfa"], message: '"OPTIONAL" or "ON" (a production environment offers MFA)' });
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
/** What an environment file declares (validated by loadEnvironment). */
export type EnvironmentInput = z.input<typeof environmentSchema>;

export class EnvironmentConfigError extends Error {
  constructor(
    public readonly environment: string,
    public readonly issues: ReadonlyArray<{ field: string; message: string; received: unknown }>,
  ) {
    super(
      `Environment "${environment}" is invalid:\n` +
        issues.map((i) => `  - ${i.field}: received ${JSON.stringify(i.received)}; expected ${i.message}`).join("\n") +
        `\nFix: edit environments/${environment}.ts.`,
    );
    this.name = "EnvironmentConfigError";
  }
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `${issue.origin === "array" ? "at least" : "≥"} ${issue.minimum}${issue.origin === "array" ? " item(s)" : ""}`;
    case "too_big":
      return `${issue.origin === "array" ? "at most" : "≤"} ${issue.maximum}${issue.origin === "array" ? " item(s)" : ""}`;
    case "unrecognized_keys":
      return `no unknown field (remove ${issue.keys.join(", ")})`;
    case "invalid_type":
      return `a value of type ${issue.expected}`;
    default:
      return issue.message;
  }
}

/** Validates one environment's config; the error names the environment, each field and the allowed values. */
export function loadEnvironment(fileName: string, input: unknown): EnvironmentConfig {
  const result = environmentSchema.safeParse(input);
  if (result.success) {
    if (result.data.name !== fileName) {
      throw new EnvironmentConfigError(fileName, [{ field: "name", message: `"${fileName}" (the file's name)`, received: result.data.name }]);
    }
    return result.data;
  }
  const issues = result.error.issues.map((i) => ({
    field: i.path.map(String).join(".") || "(root)",
    message: describe(i),
    received: i.code === "unrecognized_keys" ? i.keys : valueAt(input, i.path),
  }));
  throw new EnvironmentConfigError(fileName, issues);
}

/** The S3 state backend of a deployed environment; throws for an environment without one (a local environment). */
export function stateBackend(env: EnvironmentConfig): NonNullable<EnvironmentConfig["backend"]> {
  if (env.backend === undefined) {
    throw new Error(`Environment "${env.name}" has no state backend (a local environment keeps its state on this machine); it has no bootstrap stack.`);
  }
  return env.backend;
}
