/**
 * Errors of the RDS Data API as the service answers them: an `x-amzn-errortype` header naming the error, a JSON
 * body `{ "message": ... }`, and the HTTP status of the error in the service model (@aws-sdk/client-rds-data).
 */
import type { DatabaseError } from "pg";

/** Status codes from the service model (the `httpError` trait of each error shape). */
export const ERROR_STATUS = {
  AccessDeniedException: 403,
  BadRequestException: 400,
  DatabaseErrorException: 400,
  DatabaseNotFoundException: 404,
  DatabaseResumingException: 400,
  DatabaseUnavailableException: 504,
  ForbiddenException: 403,
  HttpEndpointNotEnabledException: 400,
  InternalServerErrorException: 500,
  InvalidResourceStateException: 400,
  InvalidSecretException: 400,
  NotFoundException: 404,
  SecretsErrorException: 400,
  ServiceUnavailableError: 503,
  StatementTimeoutException: 400,
  TransactionNotFoundException: 404,
  UnsupportedResultException: 400,
} as const;

export type DataApiErrorType = keyof typeof ERROR_STATUS;

export function isDataApiErrorType(value: unknown): value is DataApiErrorType {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

/** An error answered to the caller as the Data API answers it. */
export class DataApiError extends Error {
  readonly status: number;
  constructor(
    readonly type: DataApiErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
    this.status = ERROR_STATUS[type];
  }
}

/**
 * Which Data API generation the endpoint imitates where they differ:
 * - `"serverless-v1"`: SQL errors and unknown transaction ids are `BadRequestException`; concurrent calls on one
 *   transaction wait for each other.
 * - `"serverless-v2"` (Aurora Serverless v2 and provisioned clusters): SQL errors are `DatabaseErrorException`,
 *   unknown transaction ids `TransactionNotFoundException`, an unknown database `DatabaseNotFoundException`, and a
 *   call on a transaction that is still running another one fails at once with
 *   `DatabaseErrorException: Transaction is still running a query`.
 */
export type ErrorModel = "serverless-v1" | "serverless-v2";

/**
 * The message the Data API gives for an error PostgreSQL raised: the PostgreSQL JDBC driver's rendering of the
 * server error (severity, message, then Detail/Hint/Position/Where lines) followed by `; SQLState: <code>`, e.g.
 * `ERROR: relation "x" does not exist\n  Position: 15; SQLState: 42P01`.
 */
export function formatPostgresError(err: DatabaseError): string {
  let text = `${err.severity ?? "ERROR"}: ${err.message}`;
  if (err.detail !== undefined && err.detail !== "") text += `\n  Detail: ${err.detail}`;
  if (err.hint !== undefined && err.hint !== "") text += `\n  Hint: ${err.hint}`;
  if (err.position !== undefined && err.position !== "") text += `\n  Position: ${err.position}`;
  if (err.where !== undefined && err.where !== "") text += `\n  Where: ${err.where}`;
  return `${text}; SQLState: ${err.code ?? "XX000"}`;
}

/** True for an error the PostgreSQL server sent (it carries a SQLSTATE), as opposed to a connection failure. */
export function isPostgresError(err: unknown): err is DatabaseError {
  return err instanceof Error && typeof (err as Partial<DatabaseError>).code === "string" && /^[0-9A-Z]{5}$/.test((err as DatabaseError).code ?? "") && "severity" in err;
}

/** `Value null at '<member>' failed to satisfy constraint: Member must not be null`, as AWS validates requests. */
export function missingMember(member: string): DataApiError {
  return new DataApiError("BadRequestException", `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
}

/** The DB instance id the resuming message names, stable for one resource ARN. */
export function instanceIdFor(resourceArn: string | undefined): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let hash = 2166136261;
  let id = "";
  const source = resourceArn ?? "local";
  for (let i = 0; i < 26; i += 1) {
    for (const ch of `${source}#${i}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
    id += alphabet[hash % alphabet.length];
  }
  return `db-${id}`;
}

/** AWS's message for a call made while an auto-paused Aurora Serverless v2 instance resumes. */
export function resumingMessage(resourceArn: string | undefined): string {
  return `The Aurora DB instance ${instanceIdFor(resourceArn)} is resuming after being auto-paused. Please wait a few seconds and try again.`;
}

/** Default messages for errors the fault switch injects. */
export function defaultFaultMessage(type: DataApiErrorType, resourceArn: string | undefined): string {
  switch (type) {
    case "DatabaseResumingException":
      return resumingMessage(resourceArn);
    case "StatementTimeoutException":
      return "Statement timed out";
    case "ServiceUnavailableError":
      return "The service is unavailable. Please try again later.";
    case "InternalServerErrorException":
      return "An internal error occurred.";
    case "DatabaseUnavailableException":
      return "The database is unavailable. Please try again later.";
    default:
      return `Injected ${type}`;
  }
}
