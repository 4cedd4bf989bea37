/**
 * A local RDS Data API endpoint: an HTTP server speaking the Data API's REST-JSON protocol (POST /Execute,
 * /BatchExecute, /BeginTransaction, /CommitTransaction, /RollbackTransaction) so that the unmodified
 * `@aws-sdk/client-rds-data` client, pointed at it with `endpoint`, runs its statements on a real PostgreSQL server.
 *
 * Requests are not authenticated (any credentials, resourceArn and secretArn are accepted; resourceArn, secretArn and
 * the other required members must be present, as AWS requires). A fault switch makes the next calls fail with an
 * error of your choice, by default the `DatabaseResumingException` an auto-paused Aurora Serverless v2 cluster answers
 * while it resumes: `server.failNext(3)`, or `POST /_local/fail-next {"count":3}` from another process.
 */
import { randomUUID } from "node:crypto";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DataApiEngine } from "./engine";
import { DataApiError, DataApiErrorType, defaultFaultMessage, ErrorModel, formatPostgresError, isDataApiErrorType, isPostgresError } from "./errors";
import type { BatchExecuteStatementRequest, BeginTransactionRequest, EndTransactionRequest, ExecuteStatementRequest } from "./wire";

export interface LocalDataApiOptions {
  /**
   * PostgreSQL connection string (`postgresql://user:password@host:port/database`). Its database is used for calls
   * that name none; a call's `database` selects another database on the same server.
   */
  readonly databaseUrl: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /**
   * Which Data API generation to imitate where they differ (see `ErrorModel`). The issue that introduced this
   * endpoint asks for SQL errors as `BadRequestException`, which is what Aurora Serverless v1 answers; Aurora
   * Serverless v2 answers `DatabaseErrorException` with the same message.
   * @default "serverless-v1"
   */
  readonly errorModel?: ErrorModel;
  /** Idle time after which an open transaction is rolled back and forgotten. @default 180000 (AWS: 3 minutes) */
  readonly transactionTimeoutMs?: number;
  /** Connections per database for calls outside transactions. @default 10 */
  readonly maxConnectionsPerDatabase?: number;
  /** Size limit of the records of one result, in bytes of JSON. @default 1048576 (AWS: 1 MiB) */
  readonly maxRecordsBytes?: number;
  /** Size limit of `formattedRecords`. @default 10485760 (AWS: 10 MiB) */
  readonly maxFormattedRecordsBytes?: number;
  /** Where unexpected (500) errors are reported. @default console.error */
  readonly log?: (line: string) => void;
}

/** Operations by HTTP path, as @aws-sdk/client-rds-data sends them (all POST). */
const OPERATIONS = {
  "/Execute": "ExecuteStatement",
  "/BatchExecute": "BatchExecuteStatement",
  "/BeginTransaction": "BeginTransaction",
  "/CommitTransaction": "CommitTransaction",
  "/RollbackTransaction": "RollbackTransaction",
} as const;
type Operation = (typeof OPERATIONS)[keyof typeof OPERATIONS];

interface Fault {
  readonly type: DataApiErrorType;
  readonly message: string | undefined;
  remaining: number;
}

export class LocalDataApi {
  /** `http://127.0.0.1:<port>`: pass it as the client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** Data API calls received (including the ones the fault switch answered). */
  requests = 0;
  private readonly faults: Fault[] = [];
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly engine: DataApiEngine,
    private readonly log: (line: string) => void,
  ) {
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.port = address.port;
    this.endpoint = `http://${host}:${address.port}`;
  }

  /** Starts the endpoint; resolves once it listens. */
  static async start(options: LocalDataApiOptions): Promise<LocalDataApi> {
    const log = options.log ?? ((line: string) => console.error(line));
    const engine = new DataApiEngine({
      databaseUrl: options.databaseUrl,
      errorModel: options.errorModel ?? "serverless-v1",
      transactionTimeoutMs: options.transactionTimeoutMs ?? 180_000,
      maxConnectionsPerDatabase: options.maxConnectionsPerDatabase ?? 10,
      maxRecordsBytes: options.maxRecordsBytes ?? 1024 * 1024,
      maxFormattedRecordsBytes: options.maxFormattedRecordsBytes ?? 10 * 1024 * 1024,
      log,
    });
    // eslint-disable-next-line prefer-const -- assigned once after the server exists (the request handler reads it before then and answers 503)
    let api: LocalDataApi | undefined;
    const server = createServer((req, res) => {
      if (api === undefined) {
        res.statusCode = 503;
        res.end();
        return;
      }
      void api.handle(req, res);
    });
    // Keep-alive sockets must not hold close() up, nor keep a test process alive.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.removeListener("error", reject);
        resolveListen();
      });
    });
    server.unref();
    api = new LocalDataApi(server, engine, log);
    return api;
  }

  /** The error model in use and the transactions currently open. */
  get openTransactions(): number {
    return this.engine.openTransactions;
  }

  /**
   * The next `count` Data API calls (any operation) fail with `errorType` and do nothing else; by default
   * `DatabaseResumingException` with AWS's message ("The Aurora DB instance db-... is resuming after being
   * auto-paused. Please wait a few seconds and try again."). Faults queue up behind ones not yet used.
   */
  failNext(count: number, errorType: DataApiErrorType = "DatabaseResumingException", message?: string): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`failNext: count must be a non-negative integer, got ${count}`);
    if (!isDataApiErrorType(errorType)) throw new Error(`failNext: unknown Data API error type ${String(errorType)}`);
    if (count > 0) this.faults.push({ type: errorType, message, remaining: count });
  }

  /** Calls still to be failed by `failNext`. */
  get pendingFaults(): number {
    return this.faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Stops listening, rolls back open transactions and closes every PostgreSQL connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolveClose) => {
        this.server.close(() => resolveClose());
        this.server.closeAllConnections();
      });
      await this.engine.close();
    })();
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const body = await readJson(req);
      if (path.startsWith("/_local/")) {
        send(res, requestId, 200, this.admin(req.method ?? "GET", path, body));
        return;
      }
      const operation = (OPERATIONS as Record<string, Operation | undefined>)[path];
      if (operation === undefined || req.method !== "POST") {
        throw new DataApiError("NotFoundException", `No operation at ${req.method ?? "?"} ${path}`);
      }
      this.requests += 1;
      const fault = this.faults[0];
      if (fault !== undefined) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) this.faults.shift();
        throw new DataApiError(fault.type, fault.message ?? defaultFaultMessage(fault.type, (body as { resourceArn?: string }).resourceArn));
      }
      send(res, requestId, 200, await this.dispatch(operation, body));
    } catch (err) {
      this.sendError(res, requestId, err);
    }
  }

  private dispatch(operation: Operation, body: Record<string, unknown>): Promise<object> {
    switch (operation) {
      case "ExecuteStatement":
        return this.engine.executeStatement(body as ExecuteStatementRequest);
      case "BatchExecuteStatement":
        return this.engine.batchExecuteStatement(body as BatchExecuteStatementRequest);
      case "BeginTransaction":
        return this.engine.beginTransaction(body as BeginTransactionRequest);
      case "CommitTransaction":
        return this.engine.commitTransaction(body as EndTransactionRequest);
      case "RollbackTransaction":
        return this.engine.rollbackTransaction(body as EndTransactionRequest);
    }
  }

  /** `POST /_local/fail-next {"count", "errorType"?, "message"?}`, `POST /_local/clear-faults`, `GET /_local/health`. */
  private admin(method: string, path: string, body: Record<string, unknown>): object {
    if (method === "POST" && path === "/_local/fail-next") {
      const count = body.count;
      const errorType = body.errorType ?? "DatabaseResumingException";
      const message = body.message;
      if (typeof count !== "number" || !isDataApiErrorType(errorType) || (message !== undefined && typeof message !== "string")) {
        throw new DataApiError("BadRequestException", 'Expected {"count": <integer>, "errorType"?: <Data API error name>, "message"?: <string>}');
      }
      try {
        this.failNext(count, errorType, message);
      } catch (err) {
        throw new DataApiError("BadRequestException", err instanceof Error ? err.message : String(err));
      }
      return { pendingFaults: this.pendingFaults };
    }
    if (method === "POST" && path === "/_local/clear-faults") {
      this.clearFaults();
      return { pendingFaults: 0 };
    }
    if (path === "/_local/health") return { ok: true, requests: this.requests, pendingFaults: this.pendingFaults, openTransactions: this.openTransactions };
    throw new DataApiError("NotFoundException", `No local admin operation at ${method} ${path}`);
  }

  private sendError(res: ServerResponse, requestId: string, err: unknown): void {
    let error: DataApiError;
    if (err instanceof DataApiError) {
      error = err;
    } else if (isPostgresError(err)) {
      error = new DataApiError(this.engine.options.errorModel === "serverless-v2" ? "DatabaseErrorException" : "BadRequestException", formatPostgresError(err));
    } else {
      this.log(`local Data API: internal error (request ${requestId}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      error = new DataApiError("InternalServerErrorException", "An internal error occurred.");
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.setHeader("x-amzn-errortype", error.type);
    send(res, requestId, error.status, { message: error.message });
  }
}

/** Starts a local Data API endpoint over the PostgreSQL server at `options.databaseUrl`. */
export function startLocalDataApi(options: LocalDataApiOptions): Promise<LocalDataApi> {
  return LocalDataApi.start(options);
}

function send(res: ServerResponse, requestId: string, status: number, body: object): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.setHeader("x-amzn-requestid", requestId);
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DataApiError("BadRequestException", "The request body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new DataApiError("BadRequestException", "The request body must be a JSON object");
  return parsed as Record<string, unknown>;
}
