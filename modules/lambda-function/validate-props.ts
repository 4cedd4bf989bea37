import { PropsValidator } from "../core/validation";
import { LOG_RETENTION_DAYS } from "../log-group";
import type { LambdaFunctionProps, SqsEventSourceOptions, StreamEventSourceOptions } from "./index";

const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const RESERVED_ENV = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

export function validateFunctionProps(path: string, props: LambdaFunctionProps): void {
  const v = new PropsValidator("LambdaFunction", path);
  v.string("name", props.name, {
    min: 1,
    max: 40,
    pattern: /^[a-z][a-z0-9-]*$/,
    describe: "1–40 characters of a-z, 0-9 and '-' starting with a letter",
    fix: 'use a short kebab-case name such as "profile-api"',
  });
  v.integer("memorySize", props.memorySize, 128, 10240, "set memorySize between 128 and 10240 MB");
  v.integer("timeoutSeconds", props.timeoutSeconds, 1, 900, "set timeoutSeconds between 1 and 900 (Lambda's limit)");
  v.integer("reservedConcurrency", props.reservedConcurrency, 0, 10000, "set reservedConcurrency to 0 (disable) or a positive limit, or leave it unset");
  v.oneOf("logRetentionDays", props.logRetentionDays, LOG_RETENTION_DAYS as readonly number[], "pick a retention CloudWatch Logs supports, e.g. 30");
  v.oneOf("architecture", props.architecture, ["arm64", "x86_64"] as const);
  v.oneOf("logLevel", props.logLevel, ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const);
  v.string("handler", props.handler, { pattern: /^[A-Za-z_$][\w$]*$/, describe: "the name of an exported function", fix: 'pass the export name only, e.g. "handler"' });
  for (const key of Object.keys(props.environment ?? {})) {
    v.check(ENV_KEY.test(key) && !RESERVED_ENV.has(key), {
      prop: `environment.${key}`,
      received: key,
      allowed: "a name matching [a-zA-Z][a-zA-Z0-9_]* that Lambda does not reserve",
      fix: "rename the variable",
    });
  }
  const asyncInvoke = props.asyncInvoke;
  if (asyncInvoke) {
    v.integer("asyncInvoke.maxRetryAttempts", asyncInvoke.maxRetryAttempts, 0, 2, "set maxRetryAttempts to 0, 1 or 2");
    v.integer("asyncInvoke.maxEventAgeSeconds", asyncInvoke.maxEventAgeSeconds, 60, 21600, "set maxEventAgeSeconds between 60 and 21600 (6 hours)");
  }
  v.throwIfInvalid();
}

export function validateSqsSource(path: string, o: SqsEventSourceOptions): void {
  const v = new PropsValidator("LambdaFunction.addSqsEventSource", path);
  v.integer("batchSize", o.batchSize, 1, 10000);
  v.integer("maxBatchingWindowSeconds", o.maxBatchingWindowSeconds, 0, 300);
  v.integer("maxConcurrency", o.maxConcurrency, 2, 1000, "set maxConcurrency between 2 and 1000, or leave it unset");
  if ((o.batchSize ?? 10) > 10) {
    v.check((o.maxBatchingWindowSeconds ?? 0) >= 1, {
      prop: "maxBatchingWindowSeconds",
      received: o.maxBatchingWindowSeconds ?? 0,
      allowed: "at least 1 when batchSize is over 10",
      fix: "set maxBatchingWindowSeconds ≥ 1 or batchSize ≤ 10",
    });
  }
  v.throwIfInvalid();
}

export function validateStreamSource(path: string, kind: string, o: StreamEventSourceOptions): void {
  const v = new PropsValidator(`LambdaFunction.add${kind}EventSource`, path);
  v.integer("batchSize", o.batchSize, 1, 10000);
  v.integer("maxBatchingWindowSeconds", o.maxBatchingWindowSeconds, 0, 300);
  v.integer("maxRetryAttempts", o.maxRetryAttempts, -1, 10000, "set maxRetryAttempts between 0 and 10000 (-1 retries until the record expires)");
  v.integer("parallelizationFactor", o.parallelizationFactor, 1, 10);
  v.oneOf("startingPosition", o.startingPosition, ["LATEST", "TRIM_HORIZON"] as const);
  const age = o.maxRecordAgeSeconds;
  if (age !== undefined) {
    v.check(age === -1 || (Number.isInteger(age) && age >= 60 && age <= 604800), {
      prop: "maxRecordAgeSeconds",
      received: age,
      allowed: "-1 (infinite) or an integer from 60 to 604800",
      fix: "set maxRecordAgeSeconds between 60 and 604800",
    });
  }
  v.throwIfInvalid();
}
