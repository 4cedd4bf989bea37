/**
 * A small client for the RDS Data API (Aurora PostgreSQL) over @aws-sdk/client-rds-data:
 * `execute(sql, params)`, `batchExecute(sql, paramSets)`, `transaction(fn)`, with named parameters
 * (`:name` in the SQL, a plain object in the call) and the Data API's type hints (`param.uuid(...)`, ...).
 *
 * Retries. Every call is retried on errors that say "not now" rather than "no":
 * - `DatabaseResumingException` (an auto-paused Aurora Serverless v2 cluster resumes for up to ~15 s),
 * - throttling (`ThrottlingException`, `TooManyRequestsException`, HTTP 429),
 * - server-side errors (HTTP 5xx, `ServiceUnavailableError`, `InternalServerErrorException`,
 *   `DatabaseUnavailableException`) and network errors (connection reset/refused, timeouts),
 * with capped exponential backoff and full jitter (delay = random(0, min(cap, base * 2^attempt))), for as long as the
 * Lambda invocation has time left: a retry is only scheduled when the invocation's remaining time minus a safety
 * margin still covers the delay. Everything else (`BadRequestException`, `DatabaseErrorException` — the answer of
 * Serverless v2 to a SQL error —, `ForbiddenException`, ...) is thrown at once.
 *
 * Statements must therefore be idempotent (upserts, `ON CONFLICT DO NOTHING`), because a 5xx or a network error can
 * hide a statement that did run. A transaction is retried as a whole: its statements are not retried one by one
 * (PostgreSQL aborts a transaction after a failed statement); on a retryable error it is rolled back and `fn` runs
 * again in a new transaction.
 *
 * The SDK client's own retries are off (`maxAttempts: 1` in `createRdsDataClient`): this policy is the only one,
 * so attempts do not multiply.
 */
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  Field,
  RDSDataClient,
  RollbackTransactionCommand,
  SqlParameter,
  TypeHint,
} from "@aws-sdk/client-rds-data";
import { requireEnv } from "./env";

// ---------------------------------------------------------------------------------------------------------------------
// Configuration

/** Environment variables every function that talks to the analytics database reads. */
export const ANALYTICS_DB_CLUSTER_ARN_ENV = "ANALYTICS_DB_CLUSTER_ARN";
export const ANALYTICS_DB_SECRET_ARN_ENV = "ANALYTICS_DB_SECRET_ARN";
export const ANALYTICS_DB_DATABASE_ENV = "ANALYTICS_DB_DATABASE";
export const ANALYTICS_DB_ENV = [ANALYTICS_DB_CLUSTER_ARN_ENV, ANALYTICS_DB_SECRET_ARN_ENV, ANALYTICS_DB_DATABASE_ENV] as const;

/** Which cluster, secret and database the calls address. */
export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

/** The analytics database from the environment; throws at cold start when a variable is missing. */
export function analyticsDbTargetFromEnv(): DataApiTarget {
  return {
    resourceArn: requireEnv(ANALYTICS_DB_CLUSTER_ARN_ENV),
    secretArn: requireEnv(ANALYTICS_DB_SECRET_ARN_ENV),
    database: requireEnv(ANALYTICS_DB_DATABASE_ENV),
  };
}

/**
 * An RDS Data client without SDK-level retries (this module retries). The endpoint follows the SDK's standard
 * configuration: `AWS_ENDPOINT_URL_RDS_DATA` points it at the local endpoint (local/data-api) in local runs.
 */
export function createRdsDataClient(): RDSDataClient {
  return new RDSDataClient({ maxAttempts: 1 });
}

// ---------------------------------------------------------------------------------------------------------------------
// Parameters

/** A parameter with an explicit Data API field and type hint. Build one with `param.*`. */
export class TypedParam {
  public constructor(
    public readonly value: Field,
    public readonly typeHint?: TypeHint,
  ) {}
}

/** What a named parameter may be: plain values map to the obvious field, `TypedParam` gives a type hint. */
export type ParamValue = string | number | bigint | boolean | null | undefined | Uint8Array | TypedParam;
export type SqlParams = Readonly<Record<string, ParamValue>>;

/** `2024-05-01T12:00:00.123Z` → `2024-05-01 12:00:00.123` (the only format the TIMESTAMP hint accepts; UTC). */
export function toDataApiTimestamp(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new Error(`param.timestamp: ${String(value)} is not a valid date`);
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Helpers for parameters that need a type hint (as on AWS, a bare string binds as varchar). */
export const param = {
  uuid: (value: string): TypedParam => new TypedParam({ stringValue: value }, "UUID"),
  /** Any JSON value, serialised; binds as json (cast to jsonb in SQL if needed). */
  json: (value: unknown): TypedParam => new TypedParam({ stringValue: JSON.stringify(value) }, "JSON"),
  /** A UTC timestamp (`timestamp`/`timestamptz` columns). */
  timestamp: (value: Date | string): TypedParam => new TypedParam({ stringValue: toDataApiTimestamp(value) }, "TIMESTAMP"),
  /** `YYYY-MM-DD`. */
  date: (value: string): TypedParam => new TypedParam({ stringValue: value }, "DATE"),
  decimal: (value: string): TypedParam => new TypedParam({ stringValue: value }, "DECIMAL"),
  text: (value: string): TypedParam => new TypedParam({ stringValue: value }),
  long: (value: number | bigint): TypedParam => new TypedParam({ longValue: Number(value) }),
  double: (value: number): TypedParam => new TypedParam({ doubleValue: value }),
} as const;

function toField(name: string, value: ParamValue): { value: Field; typeHint?: TypeHint } {
  if (value instanceof TypedParam) return value.typeHint === undefined ? { value: value.value } : { value: value.value, typeHint: value.typeHint };
  if (value === null || value === undefined) return { value: { isNull: true } };
  if (typeof value === "string") return { value: { stringValue: value } };
  if (typeof value === "boolean") return { value: { booleanValue: value } };
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      return { value: { stringValue: value.toString() }, typeHint: "DECIMAL" };
    }
    return { value: { longValue: Number(value) } };
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Parameter :${name} is ${value}; the Data API takes finite numbers only`);
    return Number.isInteger(value) ? { value: { longValue: value } } : { value: { doubleValue: value } };
  }
  if (value instanceof Uint8Array) return { value: { blobValue: value } };
  throw new Error(`Parameter :${name} has an unsupported type ${typeof value}`);
}

/** Named parameters → the Data API's `parameters` list. */
export function toSqlParameters(params: SqlParams | undefined): SqlParameter[] | undefined {
  if (params === undefined) return undefined;
  return Object.entries(params).map(([name, value]) => ({ name, ...toField(name, value) }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Results

export type Row = Record<string, unknown>;

/** The value of one result field: numbers, strings, booleans, null, Uint8Array, or arrays of them. */
export function fieldValue(field: Field): unknown {
  if (field.isNull === true) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return field.blobValue;
  if (field.arrayValue !== undefined) {
    const a = field.arrayValue;
    return a.stringValues ?? a.longValues ?? a.doubleValues ?? a.booleanValues ?? (a.arrayValues ?? []).map((inner) => fieldValue({ arrayValue: inner } as Field));
  }
  return null;
}

export interface ExecuteResult {
  /** Rows as objects keyed by column label (empty for statements without a result set). */
  readonly rows: Row[];
  readonly numberOfRecordsUpdated: number;
}

// ---------------------------------------------------------------------------------------------------------------------
// Retry policy (pure)

export interface RetryPolicy {
  /** First backoff cap, in ms. @default 100 */
  readonly baseDelayMs: number;
  /** Upper bound of one backoff, in ms. @default 5000 */
  readonly maxDelayMs: number;
  /**
   * Time kept free at the end of the invocation, in ms: no retry is scheduled that would start later than
   * remaining time minus this margin (the handler still needs time to report failures). @default 3000
   */
  readonly safetyMarginMs: number;
  /** Attempts in all, a backstop for calls without a deadline. @default 50 */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 5000, safetyMarginMs: 3000, maxAttempts: 50 };

const RETRYABLE_NAMES = new Set([
  "DatabaseResumingException",
  "ThrottlingException",
  "TooManyRequestsException",
  "ServiceUnavailableError",
  "ServiceUnavailableException",
  "InternalServerErrorException",
  "DatabaseUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET"]);

interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** True for an error worth retrying (see the file comment); false for everything a retry cannot fix. */
export function isRetryableError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const e = error as ErrorShape;
  const name = typeof e.name === "string" ? e.name : "";
  if (name === "BadRequestException" || name === "DatabaseErrorException") return false;
  if (RETRYABLE_NAMES.has(name)) return true;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500 && status <= 599)) return true;
  if (status === undefined && typeof e.message === "string" && /socket hang up|ECONNRESET|ECONNREFUSED/i.test(e.message)) return true;
  return false;
}

/** Full-jitter backoff before retry number `attempt` (0 = first retry): random(0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/** What the retry loop needs from the outside world; injected in tests. */
export interface RetryEnvironment {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Milliseconds the invocation has left (Lambda's `context.getRemainingTimeInMillis`); undefined: no deadline. */
  readonly remainingTimeMs?: () => number;
  /** Called before each retry (for logging). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, retrying retryable errors with capped exponential backoff and full jitter while the deadline allows.
 * The last error is thrown when the error is not retryable, attempts are exhausted, or the next delay would end
 * past `remainingTimeMs() - safetyMarginMs`.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, env: RetryEnvironment): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryableError(error) || attempt + 1 >= policy.maxAttempts) throw error;
      const delayMs = backoffDelay(attempt, policy, env.random);
      if (env.remainingTimeMs !== undefined && env.remainingTimeMs() - policy.safetyMarginMs < delayMs) throw error;
      env.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await env.sleep(delayMs);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Client

/** The part of Lambda's context the deadline needs. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

export interface DataApiOptions {
  readonly client: RDSDataClient;
  readonly target: DataApiTarget;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly remainingTimeMs?: () => number;
  readonly onRetry?: RetryEnvironment["onRetry"];
}

/** Statements inside a transaction (not retried one by one: the transaction is retried as a whole). */
export interface Transaction {
  readonly transactionId: string;
  execute(sql: string, params?: SqlParams): Promise<ExecuteResult>;
  batchExecute(sql: string, paramSets: readonly SqlParams[]): Promise<number>;
}

export class DataApi {
  private readonly policy: RetryPolicy;

  public constructor(private readonly options: DataApiOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...(options.retry ?? {}) };
  }

  /** The same client, with retries bounded by this invocation's remaining time. Call once per invocation. */
  public forInvocation(context: RemainingTime): DataApi {
    return new DataApi({ ...this.options, remainingTimeMs: () => context.getRemainingTimeInMillis() });
  }

  private retrying<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, this.policy, {
      sleep: this.options.sleep ?? realSleep,
      random: this.options.random ?? Math.random,
      remainingTimeMs: this.options.remainingTimeMs,
      onRetry: this.options.onRetry,
    });
  }

  private async runExecute(sql: string, params: SqlParams | undefined, transactionId: string | undefined): Promise<ExecuteResult> {
    const out = await this.options.client.send(
      new ExecuteStatementCommand({
        ...this.options.target,
        sql,
        parameters: toSqlParameters(params),
        includeResultMetadata: true,
        ...(transactionId !== undefined ? { transactionId } : {}),
      }),
    );
    const labels = (out.columnMetadata ?? []).map((c, i) => c.label ?? c.name ?? `column${i + 1}`);
    const rows = (out.records ?? []).map((record) => {
      const row: Row = {};
      record.forEach((field, i) => {
        row[labels[i] ?? `column${i + 1}`] = fieldValue(field);
      });
      return row;
    });
    return { rows, numberOfRecordsUpdated: out.numberOfRecordsUpdated ?? 0 };
  }

  private async runBatch(sql: string, paramSets: readonly SqlParams[], transactionId: string | undefined): Promise<number> {
    if (paramSets.length === 0) return 0;
    const out = await this.options.client.send(
      new BatchExecuteStatementCommand({
        ...this.options.target,
        sql,
        parameterSets: paramSets.map((set) => toSqlParameters(set) ?? []),
        ...(transactionId !== undefined ? { transactionId } : {}),
      }),
    );
    return out.updateResults?.length ?? 0;
  }

  /** One statement (retried). */
  public execute(sql: string, params?: SqlParams): Promise<ExecuteResult> {
    return this.retrying(() => this.runExecute(sql, params, undefined));
  }

  /** One statement run once per parameter set, all or nothing (retried). Returns the number of sets run. */
  public batchExecute(sql: string, paramSets: readonly SqlParams[]): Promise<number> {
    return this.retrying(() => this.runBatch(sql, paramSets, undefined));
  }

  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it throws. A retryable error anywhere
   * (begin, a statement, commit) rolls back and runs `fn` again in a new transaction, within the deadline.
   */
  public transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const { client, target } = this.options;
    return this.retrying(async () => {
      const begun = await client.send(new BeginTransactionCommand({ ...target }));
      const transactionId = begun.transactionId;
      if (transactionId === undefined || transactionId === "") throw new Error("BeginTransaction returned no transactionId");
      const tx: Transaction = {
        transactionId,
        execute: (sql, params) => this.runExecute(sql, params, transactionId),
        batchExecute: (sql, sets) => this.runBatch(sql, sets, transactionId),
      };
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        await client.send(new RollbackTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId })).catch(() => undefined);
        throw error;
      }
      await client.send(new CommitTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId }));
      return result;
    });
  }
}
