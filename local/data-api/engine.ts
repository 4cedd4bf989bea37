/**
 * The Data API's semantics over node-postgres: statements in autocommit on a pooled connection per database,
 * transactions on a dedicated connection each, results as Fields, errors as the Data API words them.
 */
import { randomBytes } from "node:crypto";
import { Client, ClientConfig, FieldDef, Pool, PoolClient } from "pg";
import { DataApiError, ErrorModel, formatPostgresError, isPostgresError, missingMember } from "./errors";
import { BUILTIN_TYPES, ColumnInfo, columnMetadata, toField, toJsonValue, TypeInfo } from "./results";
import { prepareStatement } from "./sql";
import type {
  BatchExecuteStatementRequest,
  BatchExecuteStatementResponse,
  BeginTransactionRequest,
  EndTransactionRequest,
  ExecuteStatementRequest,
  ExecuteStatementResponse,
  WireField,
  WireResultSetOptions,
} from "./wire";

export interface EngineOptions {
  /** PostgreSQL connection string; its database is used when a call names none. */
  readonly databaseUrl: string;
  readonly errorModel: ErrorModel;
  /** A transaction with no call for this long is rolled back and forgotten (AWS: 3 minutes). */
  readonly transactionTimeoutMs: number;
  readonly maxConnectionsPerDatabase: number;
  /** Size limit of `records` (AWS: 1 MiB) and of `formattedRecords` (AWS: 10 MiB), in bytes of JSON. */
  readonly maxRecordsBytes: number;
  readonly maxFormattedRecordsBytes: number;
  readonly log: (line: string) => void;
}

interface Transaction {
  readonly id: string;
  readonly database: string | undefined;
  readonly client: Client;
  lastUsed: number;
  busy: boolean;
  /** serverless-v1: calls on one transaction run one after the other. */
  queue: Promise<unknown>;
}

/** Every value arrives as PostgreSQL's text: the conversion to Fields happens in results.ts. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as NonNullable<ClientConfig["types"]>;

/** Session settings that make PostgreSQL's text output match what the Data API returns. */
const SESSION_OPTIONS = "-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c bytea_output=hex -c extra_float_digits=1";

type Queryable = Pick<Client, "query">;

interface RawResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: FieldDef[];
  readonly rows: (string | null)[][];
}

const BYTES = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

export class DataApiEngine {
  private readonly pools = new Map<string, Pool>();
  private readonly transactions = new Map<string, Transaction>();
  /** Catalog types per database (user-defined types have per-database OIDs). */
  private readonly types = new Map<string, Map<number, TypeInfo>>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(readonly options: EngineOptions) {
    const every = Math.min(30_000, Math.max(50, Math.floor(options.transactionTimeoutMs / 4)));
    this.sweeper = setInterval(() => void this.expireTransactions(), every);
    this.sweeper.unref();
  }

  /** Number of transactions begun and not yet ended. */
  get openTransactions(): number {
    return this.transactions.size;
  }

  // ---------------------------------------------------------------- operations

  async executeStatement(request: ExecuteStatementRequest): Promise<ExecuteStatementResponse> {
    requireMembers(request, ["resourceArn", "secretArn", "sql"]);
    const format = request.formatRecordsAs ?? "NONE";
    if (format !== "NONE" && format !== "JSON") throw enumError("formatRecordsAs", format, ["NONE", "JSON"]);
    const resultOptions = validResultSetOptions(request.resultSetOptions);
    const statement = prepareStatement(request.sql as string, request.parameters, "parameters");
    return this.withConnection(request.database, request.transactionId, async (client, database) => {
      const result = await runStatement(client, statement.text, statement.values);
      const hasResultSet = result.fields.length > 0;
      const response: ExecuteStatementResponse = {
        numberOfRecordsUpdated: hasResultSet && result.command === "SELECT" ? 0 : (result.rowCount ?? 0),
        generatedFields: [], // Aurora PostgreSQL returns no generated fields: use RETURNING
      };
      if (!hasResultSet) return response;
      const types = await this.typesOf(client, database, result.fields);
      if (format === "JSON") {
        const objects = result.rows.map((row) => {
          const object: Record<string, unknown> = {};
          result.fields.forEach((field, i) => {
            object[field.name] = toJsonValue(row[i] ?? null, types[i] as TypeInfo, resultOptions);
          });
          return object;
        });
        const formatted = JSON.stringify(objects);
        if (Buffer.byteLength(formatted) > this.options.maxFormattedRecordsBytes) throw tooLarge();
        response.formattedRecords = formatted;
        return response;
      }
      response.records = result.rows.map((row) => result.fields.map((_, i) => toField(row[i] ?? null, types[i] as TypeInfo, resultOptions)));
      if (BYTES(response.records) > this.options.maxRecordsBytes) throw tooLarge();
      if (request.includeResultMetadata === true) {
        const columns = await this.columnsOf(client, result.fields);
        response.columnMetadata = result.fields.map((field, i) => columnMetadata(field, types[i] as TypeInfo, columns.get(columnKey(field.tableID, field.columnID))));
      }
      return response;
    });
  }

  async batchExecuteStatement(request: BatchExecuteStatementRequest): Promise<BatchExecuteStatementResponse> {
    requireMembers(request, ["resourceArn", "secretArn", "sql"]);
    const sets = request.parameterSets ?? [];
    const statements = sets.map((set, i) => prepareStatement(request.sql as string, set, `parameterSets.${i + 1}.member`));
    const run = async (client: Queryable, database: string): Promise<BatchExecuteStatementResponse> => {
      const updateResults: BatchExecuteStatementResponse["updateResults"] = [];
      for (const statement of statements) {
        const result = await runStatement(client, statement.text, statement.values);
        const first = result.rows[0];
        let generatedFields: WireField[] = [];
        if (first !== undefined) {
          const types = await this.typesOf(client, database, result.fields);
          generatedFields = result.fields.map((_, i) => toField(first[i] ?? null, types[i] as TypeInfo, {}));
        }
        updateResults.push({ generatedFields });
      }
      return { updateResults };
    };
    if (request.transactionId !== undefined && request.transactionId !== null) return this.withConnection(request.database, request.transactionId, run);
    // Outside a transaction a batch is all or nothing.
    return this.withConnection(request.database, undefined, async (client, database) => {
      await client.query("BEGIN");
      try {
        const response = await run(client, database);
        await client.query("COMMIT");
        return response;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  async beginTransaction(request: BeginTransactionRequest): Promise<{ transactionId: string }> {
    requireMembers(request, ["resourceArn", "secretArn"]);
    const client = new Client(this.connectionConfig(request.database));
    client.on("error", (err) => this.options.log(`local Data API: transaction connection error: ${err.message}`));
    try {
      await client.connect();
      await client.query("BEGIN");
    } catch (err) {
      await client.end().catch(() => undefined);
      throw this.connectError(err, request.database);
    }
    const id = randomBytes(96).toString("base64");
    this.transactions.set(id, { id, database: request.database ?? undefined, client, lastUsed: Date.now(), busy: false, queue: Promise.resolve() });
    return { transactionId: id };
  }

  async commitTransaction(request: EndTransactionRequest): Promise<{ transactionStatus: string }> {
    requireMembers(request, ["resourceArn", "secretArn", "transactionId"]);
    await this.endTransaction(request.transactionId as string, "COMMIT");
    return { transactionStatus: "Transaction Committed" };
  }

  async rollbackTransaction(request: EndTransactionRequest): Promise<{ transactionStatus: string }> {
    requireMembers(request, ["resourceArn", "secretArn", "transactionId"]);
    await this.endTransaction(request.transactionId as string, "ROLLBACK");
    return { transactionStatus: "Rollback Complete" };
  }

  /** Rolls back open transactions and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    const open = [...this.transactions.values()];
    this.transactions.clear();
    await Promise.all(open.map((tx) => discard(tx)));
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  }

  // ---------------------------------------------------------------- connections and transactions

  /** The database a call without `database` uses: the one in the connection string. */
  get defaultDatabase(): string {
    const path = new URL(this.options.databaseUrl).pathname.replace(/^\//, "");
    return path === "" ? "postgres" : decodeURIComponent(path);
  }

  private connectionConfig(database: string | undefined): ClientConfig {
    const url = new URL(this.options.databaseUrl);
    if (database !== undefined && database !== null && database !== "") url.pathname = `/${encodeURIComponent(database)}`;
    return { connectionString: url.toString(), options: SESSION_OPTIONS, application_name: "local-data-api" };
  }

  private pool(database: string): Pool {
    let pool = this.pools.get(database);
    if (pool === undefined) {
      pool = new Pool({ ...this.connectionConfig(database), max: this.options.maxConnectionsPerDatabase, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
      pool.on("error", (err) => this.options.log(`local Data API: idle connection error (${database}): ${err.message}`));
      this.pools.set(database, pool);
    }
    return pool;
  }

  private notFound(transactionId: string): DataApiError {
    return new DataApiError(this.options.errorModel === "serverless-v2" ? "TransactionNotFoundException" : "BadRequestException", `Transaction ${transactionId} is not found`);
  }

  /** A failed connect: an unknown database is the caller's error; anything else is the service's. */
  private connectError(err: unknown, database: string | undefined): unknown {
    if (isPostgresError(err) && err.code === "3D000") {
      if (this.options.errorModel === "serverless-v2") return new DataApiError("DatabaseNotFoundException", `Database ${database ?? this.defaultDatabase} not found`);
      return new DataApiError("BadRequestException", formatPostgresError(err));
    }
    return err;
  }

  /**
   * Runs `work` on the transaction's connection, or on a pooled connection in autocommit. A SQL error inside a
   * transaction aborts it, as the Data API does: later calls with its id get "Transaction ... is not found".
   */
  private async withConnection<T>(database: string | undefined, transactionId: string | undefined, work: (client: Queryable, database: string) => Promise<T>): Promise<T> {
    if (this.closed) throw new DataApiError("ServiceUnavailableError", "The local Data API endpoint is closed");
    if (transactionId !== undefined && transactionId !== null) {
      const tx = this.transactions.get(transactionId);
      if (tx === undefined) throw this.notFound(transactionId);
      return this.onTransaction(tx, async () => {
        try {
          return await work(tx.client, tx.database ?? this.defaultDatabase);
        } catch (err) {
          if (this.transactions.get(tx.id) === tx) {
            this.transactions.delete(tx.id);
            await discard(tx);
          }
          throw err;
        }
      });
    }
    const name = database === undefined || database === null || database === "" ? this.defaultDatabase : database;
    let client: PoolClient;
    try {
      client = await this.pool(name).connect();
    } catch (err) {
      throw this.connectError(err, name);
    }
    let broken: Error | undefined;
    try {
      return await work(client, name);
    } catch (err) {
      if (!isPostgresError(err) && !(err instanceof DataApiError)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async onTransaction<T>(tx: Transaction, work: () => Promise<T>): Promise<T> {
    if (this.options.errorModel === "serverless-v2") {
      if (tx.busy) throw new DataApiError("DatabaseErrorException", "Transaction is still running a query");
      tx.busy = true;
      try {
        return await work();
      } finally {
        tx.busy = false;
        tx.lastUsed = Date.now();
      }
    }
    const run = tx.queue.then(async () => {
      if (this.transactions.get(tx.id) !== tx) throw this.notFound(tx.id);
      tx.busy = true;
      try {
        return await work();
      } finally {
        tx.busy = false;
        tx.lastUsed = Date.now();
      }
    });
    tx.queue = run.catch(() => undefined);
    return run;
  }

  private async endTransaction(transactionId: string, command: "COMMIT" | "ROLLBACK"): Promise<void> {
    const tx = this.transactions.get(transactionId);
    if (tx === undefined) throw this.notFound(transactionId);
    await this.onTransaction(tx, async () => {
      if (this.transactions.get(tx.id) !== tx) throw this.notFound(tx.id);
      this.transactions.delete(tx.id);
      try {
        await tx.client.query(command);
      } finally {
        await tx.client.end().catch(() => undefined);
      }
    });
  }

  private async expireTransactions(): Promise<void> {
    const now = Date.now();
    for (const tx of [...this.transactions.values()]) {
      if (!tx.busy && now - tx.lastUsed > this.options.transactionTimeoutMs) {
        this.transactions.delete(tx.id);
        await discard(tx);
      }
    }
  }

  // ---------------------------------------------------------------- catalog

  private async typesOf(client: Queryable, database: string, fields: readonly FieldDef[]): Promise<TypeInfo[]> {
    let cache = this.types.get(database);
    if (cache === undefined) {
      cache = new Map();
      this.types.set(database, cache);
    }
    const known = cache;
    const missing = [...new Set(fields.map((f) => f.dataTypeID))].filter((oid) => !BUILTIN_TYPES.has(oid) && !known.has(oid));
    if (missing.length > 0) {
      const result = await client.query<{ oid: number; name: string; elem: number; is_array: boolean }>(
        "SELECT t.oid::int AS oid, t.typname AS name, t.typelem::int AS elem, (t.typcategory = 'A') AS is_array FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])",
        [missing],
      );
      for (const row of result.rows) known.set(row.oid, { oid: row.oid, name: row.name, elementOid: row.is_array ? row.elem : 0, isArray: row.is_array });
    }
    return fields.map((f) => BUILTIN_TYPES.get(f.dataTypeID) ?? known.get(f.dataTypeID) ?? { oid: f.dataTypeID, name: String(f.dataTypeID), elementOid: 0, isArray: false });
  }

  private async columnsOf(client: Queryable, fields: readonly FieldDef[]): Promise<Map<string, ColumnInfo>> {
    const columns = new Map<string, ColumnInfo>();
    const tables = fields.filter((f) => f.tableID !== 0 && f.columnID > 0);
    if (tables.length === 0) return columns;
    const result = await client.query<{ table_oid: number; attnum: number; relname: string; attnotnull: boolean; auto: boolean }>(
      `SELECT a.attrelid::int AS table_oid, a.attnum::int AS attnum, c.relname, a.attnotnull,
              (a.attidentity <> '' OR COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)) AS auto
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ANY($1::oid[]) AND a.attnum = ANY($2::int2[])`,
      [[...new Set(tables.map((f) => f.tableID))], [...new Set(tables.map((f) => f.columnID))]],
    );
    for (const row of result.rows) columns.set(columnKey(row.table_oid, row.attnum), { tableName: row.relname, notNull: row.attnotnull, autoIncrement: row.auto });
    return columns;
  }
}

function columnKey(tableId: number, columnId: number): string {
  return `${tableId}:${columnId}`;
}

async function runStatement(client: Queryable, text: string, values: unknown[]): Promise<RawResult> {
  // Extended protocol always (as JDBC prepares statements): several statements in one call are refused by the server.
  const config = { text, values, rowMode: "array" as const, types: RAW_TEXT, queryMode: "extended" };
  const result = await client.query(config);
  return { command: result.command, rowCount: result.rowCount, fields: result.fields, rows: result.rows as (string | null)[][] };
}

async function discard(tx: Transaction): Promise<void> {
  await tx.client.query("ROLLBACK").catch(() => undefined);
  await tx.client.end().catch(() => undefined);
}

function requireMembers(request: object, members: readonly string[]): void {
  for (const member of members) {
    const value = (request as Record<string, unknown>)[member];
    if (value === undefined || value === null) throw missingMember(member);
  }
}

function enumError(member: string, value: unknown, allowed: readonly string[]): DataApiError {
  return new DataApiError(
    "BadRequestException",
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`,
  );
}

function validResultSetOptions(options: WireResultSetOptions | undefined): WireResultSetOptions {
  if (options === undefined || options === null) return {};
  if (options.decimalReturnType !== undefined && !["STRING", "DOUBLE_OR_LONG"].includes(options.decimalReturnType)) {
    throw enumError("resultSetOptions.decimalReturnType", options.decimalReturnType, ["STRING", "DOUBLE_OR_LONG"]);
  }
  if (options.longReturnType !== undefined && !["LONG", "STRING"].includes(options.longReturnType)) {
    throw enumError("resultSetOptions.longReturnType", options.longReturnType, ["STRING", "LONG"]);
  }
  return options;
}

function tooLarge(): DataApiError {
  return new DataApiError("BadRequestException", "Database returned more than the allowed response size limit");
}
