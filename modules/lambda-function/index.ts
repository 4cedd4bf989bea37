import { Annotations, AssetType, Fn, ITerraformDependable, Lazy, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction as LambdaFunctionResource } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Grant } from "../core/grant";
import { assertLeastPrivilege, IGrantable, PolicyDocument, PolicyStatement } from "../core/iam";
import { uniqueChildId } from "../core/ids";
import { IFailureDestination, IFunction, IQueue, IStream, ITable } from "../core/interfaces";
import { physicalName } from "../core/naming";
import { nameFromArn, parseArn } from "../core/arn";
import { LogGroup } from "../log-group";
import { bundle, Bundle, BundlingOptions } from "./bundle";
import { INVOKE_ACTIONS, LOGS_WRITE_ACTIONS, XRAY_WRITE_ACTIONS } from "./perms";
import { validateFunctionProps, validateSqsSource, validateStreamSource } from "./validate-props";
import { DEFAULT_LOG_RETENTION_DAYS } from "../log-group/defaults";

// Public: what a caller passes in `bundling` (and its default). The bundle cache helpers (bundle, bundleAll, bundleStats,
// bundleCacheDir, clearBundleMemo) are internals of this repo's tools: import them from "modules/lambda-function/bundle".
export { LAZY_CREDENTIAL_PROVIDERS } from "./bundle";
export type { Bundle, BundleRequest, BundlingOptions } from "./bundle";

/** Asynchronous invocation settings (S3, SNS and EventBridge invoke asynchronously; Cognito triggers and API Gateway invoke synchronously, so these do not apply to them). */
export interface AsyncInvokeOptions {
  /** Where an event goes after its last failed attempt (SQS queue or SNS topic). @default none (event dropped; a warning is emitted) */
  readonly onFailure?: IFailureDestination;
  /** Retries after the first failed attempt, 0–2. @default 2 */
  readonly maxRetryAttempts?: number;
  /** Maximum age of an event before it is discarded, 60–21600 s. @default 21600 */
  readonly maxEventAgeSeconds?: number;
}

export interface LambdaFunctionProps {
  /** Logical name, kebab-case, 1–40 chars; the physical name is `<app>-<env>-<name>` (≤ 64). */
  readonly name: string;
  /** Path to the TypeScript/JavaScript entry file; bundled with esbuild at synth (once per entry per synth). */
  readonly entry: string;
  /** Exported handler function name. @default "handler" */
  readonly handler?: string;
  /** Description (≤ 256 chars). @default none */
  readonly description?: string;
  /** Memory in MB, 128–10240. @default 256 */
  readonly memorySize?: number;
  /** Timeout in seconds, 1–900. @default 10 */
  readonly timeoutSeconds?: number;
  /** CPU architecture. @default "arm64" (Graviton: cheaper per GB-second) */
  readonly architecture?: "arm64" | "x86_64";
  /** Environment variables (names must not be reserved by Lambda). More can be added with addEnvironment(). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Reserved concurrency: a hard cap (and a guaranteed share) of concurrent executions; 0 disables the function. @default unreserved */
  readonly reservedConcurrency?: number;
  /** Log retention in days (a value CloudWatch accepts). @default 30 */
  readonly logRetentionDays?: number;
  /** Application log level (Lambda advanced logging, JSON format; Powertools honours it). @default "INFO" */
  readonly logLevel?: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  /** X-Ray active tracing. @default true */
  readonly tracing?: boolean;
  /** Asynchronous invocation: failure destination, retries, max age. @default 2 retries, 6 h, no destination */
  readonly asyncInvoke?: AsyncInvokeOptions;
  /** esbuild options. @default minified, no source map, everything bundled but the SDK's lazy credential providers */
  readonly bundling?: BundlingOptions;
  /** Keep the function's log group when Terraform would destroy it. @default false */
  readonly preventLogGroupDestroy?: boolean;
}

/** Options common to Kinesis and DynamoDB stream event sources. */
export interface StreamEventSourceOptions {
  /** Records per batch, 1–10000. @default 100 */
  readonly batchSize?: number;
  /** Seconds to gather records before invoking, 0–300. @default 1 */
  readonly maxBatchingWindowSeconds?: number;
  /** Split a failing batch in two and retry each half, isolating a poison record. @default true */
  readonly bisectBatchOnError?: boolean;
  /** Retries of a failing batch, -1 (until expiry) to 10000. @default 3 */
  readonly maxRetryAttempts?: number;
  /** Discard records older than this, -1 (never) or 60–604800 s. @default 3600 */
  readonly maxRecordAgeSeconds?: number;
  /** Where metadata of discarded batches goes (SQS or SNS). @default none (a warning is emitted: failures would be lost) */
  readonly onFailure?: IFailureDestination;
  /** Concurrent batches per shard, 1–10. @default 1 */
  readonly parallelizationFactor?: number;
  /** Where a new mapping starts reading. @default "TRIM_HORIZON" (nothing written before the mapping exists is skipped) */
  readonly startingPosition?: "LATEST" | "TRIM_HORIZON";
  /** The handler returns `batchItemFailures` so only failed records are retried. @default true */
  readonly reportBatchItemFailures?: boolean;
}

export interface SqsEventSourceOptions {
  /** Messages per batch, 1–10000 (above 10 needs a batching window). @default 10 */
  readonly batchSize?: number;
  /** Seconds to gather messages, 0–300. @default 0 */
  readonly maxBatchingWindowSeconds?: number;
  /** Maximum concurrent invocations for this source, 2–1000. @default unlimited */
  readonly maxConcurrency?: number;
  /** The handler returns `batchItemFailures` so only failed messages return to the queue. @default true */
  readonly reportBatchItemFailures?: boolean;
}

/** Options of `LambdaFunction.fromArn`. */
export interface FunctionImportOptions {
  /** The function's name. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly name?: string;
  /** The function's timeout in seconds, so HTTP API routes and SQS sources can check it. @default unknown (not checked) */
  readonly timeoutSeconds?: number;
}

/** An imported Lambda function (grants cannot be added to a role this app does not own). */
class ImportedFunction extends Construct implements IFunction {
  public readonly grantPrincipalPath: string;
  public readonly name: string;
  public readonly invokeArn: string;
  public readonly timeoutSeconds?: number;
  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
    options: FunctionImportOptions,
  ) {
    super(scope, id);
    const importer = `LambdaFunction.fromArn(scope, "${id}")`;
    const parsed = parseArn(importer, arn, "lambda");
    if (parsed && (!/^function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/.test(parsed.resource) || parsed.region === "")) {
      throw new Error(`${importer}: "${arn}" is not a function ARN. Fix: pass arn:aws:lambda:<region>:<account>:function:<name>.`);
    }
    // A qualified ARN (`function:<name>:<alias>`) names the function by its second segment, not its last.
    this.name = nameFromArn(importer, arn, "lambda", options.name, { resourceName: (resource) => resource.split(":")[1] });
    // The region: at synth from a literal ARN, by Terraform at apply from a token.
    const region = parsed?.region ?? Token.asString(Fn.element(Fn.split(":", arn), 3));
    this.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
    this.timeoutSeconds = options.timeoutSeconds;
    this.grantPrincipalPath = this.node.path;
  }
  public addToPrincipalPolicy(): void {
    throw new Error(`LambdaFunction.fromArn("${this.node.id}"): cannot add permissions to an imported function's role. Fix: grant them in the app that owns the function.`);
  }
  public addEnvironment(): void {
    throw new Error(`LambdaFunction.fromArn("${this.node.id}"): cannot set environment variables on an imported function.`);
  }
  /** The permission on the imported function's ARN, added by this app (its deploy role needs lambda:AddPermission there). */
  public allowInvoke(id: string, principal: string, sourceArn: string, sourceAccount?: string): LambdaPermission {
    return new LambdaPermission(this, `Allow${id}`, { statementId: `Allow${id}`, action: INVOKE_ACTIONS[0], functionName: this.arn, principal, sourceArn, sourceAccount });
  }
  /** Gives lambda:InvokeFunction on this function's ARN. */
  public grantInvoke(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...INVOKE_ACTIONS], resources: [this.arn] });
  }
}

/**
 * A Node.js 22 Lambda function bundled from a TypeScript entry with esbuild, with its own least-privilege role,
 * a log group with retention (created first), X-Ray tracing, JSON logs, and helpers to wire event sources.
 */
export class LambdaFunction extends Construct implements IFunction {
  /**
   * Imports an existing function by ARN (`arn:aws:lambda:<region>:<account>:function:<name>`), for invoke permissions,
   * routes and subscriptions. A token ARN (another stack's output) needs `options.name`.
   */
  public static fromArn(scope: Construct, id: string, arn: string, options: FunctionImportOptions = {}): IFunction {
    return new ImportedFunction(scope, id, arn, options);
  }

  public readonly name: string;
  public readonly arn: string;
  public readonly invokeArn: string;
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly timeoutSeconds: number;
  public readonly memorySize: number;
  public readonly logGroup: LogGroup;
  public readonly bundle: Bundle;
  public readonly resource: LambdaFunctionResource;
  public readonly grantPrincipalPath: string;
  /** The role's policy resource: what a `Grant` to this function lets a caller depend on. */
  public readonly policyDependable: ITerraformDependable;
  private readonly policy = new PolicyDocument();
  private readonly rolePolicy: IamRolePolicy;
  private readonly env: Record<string, string>;
  private streamSources = 0;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    validateFunctionProps(this.node.path, props);
    this.grantPrincipalPath = this.node.path;
    this.timeoutSeconds = props.timeoutSeconds ?? 10;
    this.memorySize = props.memorySize ?? 256;
    const functionName = physicalName(this, props.name, { maxLength: 64 });
    const tracing = props.tracing ?? true;

    this.logGroup = new LogGroup(this, "LogGroup", {
      logGroupName: `/aws/lambda/${functionName}`,
      retentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      preventDestroy: props.preventLogGroupDestroy ?? false,
    });

    const role = new IamRole(this, "Role", {
      name: physicalName(this, `${props.name}-fn`, { maxLength: 64 }),
      description: `Execution role of ${functionName}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
    this.addToPrincipalPolicy({ sid: "WriteOwnLogs", actions: [...LOGS_WRITE_ACTIONS], resources: [`${this.logGroup.arn}:*`] });
    if (tracing) this.addToPrincipalPolicy({ sid: "XRayWrite", actions: [...XRAY_WRITE_ACTIONS], resources: ["*"] });
    this.rolePolicy = new IamRolePolicy(this, "Policy", {
      name: "least-privilege",
      role: role.id,
      policy: this.policy.lazy(),
    });
    this.policyDependable = this.rolePolicy;

    this.bundle = bundle(props.entry, props.bundling);
    // The bundle's own deterministic zip, copied as a file asset: no archiving process per stack at synth.
    const asset = new TerraformAsset(this, "Code", { path: this.bundle.zipPath, type: AssetType.FILE, assetHash: this.bundle.hash });

    this.env = { POWERTOOLS_SERVICE_NAME: props.name, ...(props.environment ?? {}) };
    if (props.bundling?.sourceMap ?? false) this.env.NODE_OPTIONS = "--enable-source-maps";

    this.resource = new LambdaFunctionResource(this, "Resource", {
      functionName,
      description: props.description,
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: [props.architecture ?? "arm64"],
      handler: `index.${props.handler ?? "handler"}`,
      filename: asset.path,
      sourceCodeHash: this.bundle.zipSha256,
      memorySize: this.memorySize,
      timeout: this.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: Lazy.anyValue({ produce: () => ({ ...this.env }) }) as unknown as Record<string, string> },
      tracingConfig: { mode: tracing ? "Active" : "PassThrough" },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: this.logGroup.name,
        applicationLogLevel: props.logLevel ?? "INFO",
        systemLogLevel: "WARN",
      },
      dependsOn: [this.logGroup.resource, this.rolePolicy],
    });
    this.name = this.resource.functionName;
    this.arn = this.resource.arn;
    this.invokeArn = this.resource.invokeArn;

    const asyncInvoke = props.asyncInvoke ?? {};
    if (asyncInvoke.onFailure) asyncInvoke.onFailure.grantSendFailure(this);
    new LambdaFunctionEventInvokeConfig(this, "AsyncInvoke", {
      functionName: this.resource.functionName,
      maximumRetryAttempts: asyncInvoke.maxRetryAttempts ?? 2,
      maximumEventAgeInSeconds: asyncInvoke.maxEventAgeSeconds ?? 21600,
      destinationConfig: asyncInvoke.onFailure ? { onFailure: { destination: asyncInvoke.onFailure.arn } } : undefined,
    });
  }

  /** Adds a least-privilege statement to the function's role; wildcard actions and scoped actions on "*" throw. */
  public addToPrincipalPolicy(statement: PolicyStatement): void {
    assertLeastPrivilege(`LambdaFunction "${this.node.path}"`, statement);
    this.policy.add(statement);
  }

  /** Sets an environment variable (used by resource modules to wire their name/ARN in). */
  public addEnvironment(name: string, value: string): void {
    const existing = this.env[name];
    if (existing !== undefined && existing !== value) {
      throw new Error(`LambdaFunction "${this.node.path}": environment variable ${name} is already set to a different value. Fix: wire each resource under its own variable name.`);
    }
    this.env[name] = value;
  }

  /** Current environment variables (a copy). */
  public get environment(): Readonly<Record<string, string>> {
    return { ...this.env };
  }

  /** Allows an AWS service to invoke the function, only from the given source ARN. */
  public allowInvoke(id: string, principal: string, sourceArn: string, sourceAccount?: string): LambdaPermission {
    return new LambdaPermission(this, `Allow${id}`, {
      statementId: `Allow${id}`,
      action: INVOKE_ACTIONS[0],
      functionName: this.resource.functionName,
      principal,
      sourceArn,
      sourceAccount,
    });
  }

  /** Gives another principal lambda:InvokeFunction on this function's ARN. */
  public grantInvoke(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...INVOKE_ACTIONS], resources: [this.arn] });
  }

  /** The name of the function's log group. */
  public get logGroupName(): string {
    return this.logGroup.name;
  }

  /** True once a Kinesis or DynamoDB stream event source was added (Lambda then emits IteratorAge). */
  public hasStreamEventSource(): boolean {
    return this.streamSources > 0;
  }

  /** Consumes an SQS queue with partial batch responses; the queue's visibility timeout must be ≥ 6 × this timeout. */
  public addSqsEventSource(queue: IQueue, options: SqsEventSourceOptions = {}): LambdaEventSourceMapping {
    validateSqsSource(this.node.path, options);
    const vis = queue.visibilityTimeoutSeconds;
    if (vis !== undefined && vis < 6 * this.timeoutSeconds) {
      throw new Error(
        `Queue "${queue.node.path}": visibilityTimeoutSeconds is ${vis} s but consuming function "${this.node.path}" has a ${this.timeoutSeconds} s timeout; ` +
          `Lambda needs a visibility timeout of at least 6 × the function timeout (${6 * this.timeoutSeconds} s). ` +
          `Fix: set the queue's visibilityTimeoutSeconds to ${6 * this.timeoutSeconds} or more, or lower the function's timeoutSeconds.`,
      );
    }
    queue.grantConsumeMessages(this);
    return new LambdaEventSourceMapping(this, this.sourceId("Sqs", queue.node.id), {
      functionName: this.resource.functionName,
      eventSourceArn: queue.arn,
      batchSize: options.batchSize ?? 10,
      maximumBatchingWindowInSeconds: options.maxBatchingWindowSeconds ?? 0,
      functionResponseTypes: (options.reportBatchItemFailures ?? true) ? ["ReportBatchItemFailures"] : undefined,
      scalingConfig: options.maxConcurrency !== undefined ? { maximumConcurrency: options.maxConcurrency } : undefined,
      dependsOn: [this.rolePolicy],
    });
  }

  /** Consumes a Kinesis stream: batches, bisect on error, bounded retries and age, on-failure destination. */
  public addKinesisEventSource(stream: IStream, options: StreamEventSourceOptions = {}): LambdaEventSourceMapping {
    validateStreamSource(this.node.path, "Kinesis", options);
    stream.grantRead(this);
    return this.streamMapping("Kinesis", stream.node.id, stream.arn, options);
  }

  /** Consumes a DynamoDB table's stream (the table must have a stream enabled). */
  public addDynamoDbStreamEventSource(table: ITable, options: StreamEventSourceOptions = {}): LambdaEventSourceMapping {
    validateStreamSource(this.node.path, "DynamoDbStream", options);
    if (table.streamArn === undefined) {
      throw new Error(`LambdaFunction "${this.node.path}": table "${table.node.path}" has no stream. Fix: set stream: "NEW_AND_OLD_IMAGES" (or another view type) on the Table.`);
    }
    table.grantStreamRead(this);
    return this.streamMapping("DynamoDb", table.node.id, table.streamArn, options);
  }

  private streamMapping(kind: string, sourceId: string, arn: string, o: StreamEventSourceOptions): LambdaEventSourceMapping {
    if (o.onFailure) {
      o.onFailure.grantSendFailure(this);
    } else {
      Annotations.of(this).addWarning(
        `LambdaFunction "${this.node.path}": the ${kind} event source has no onFailure destination; batches that exhaust their retries are discarded without a trace. Fix: pass onFailure: <queue>.`,
      );
    }
    this.streamSources++;
    return new LambdaEventSourceMapping(this, this.sourceId(kind, sourceId), {
      functionName: this.resource.functionName,
      eventSourceArn: arn,
      startingPosition: o.startingPosition ?? "TRIM_HORIZON",
      batchSize: o.batchSize ?? 100,
      maximumBatchingWindowInSeconds: o.maxBatchingWindowSeconds ?? 1,
      bisectBatchOnFunctionError: o.bisectBatchOnError ?? true,
      maximumRetryAttempts: o.maxRetryAttempts ?? 3,
      maximumRecordAgeInSeconds: o.maxRecordAgeSeconds ?? 3600,
      parallelizationFactor: o.parallelizationFactor ?? 1,
      functionResponseTypes: (o.reportBatchItemFailures ?? true) ? ["ReportBatchItemFailures"] : undefined,
      destinationConfig: o.onFailure ? { onFailure: { destinationArn: o.onFailure.arn } } : undefined,
      dependsOn: [this.rolePolicy],
    });
  }

  private sourceId(kind: string, id: string): string {
    return uniqueChildId(this, `${kind}Source${id}`);
  }
}
