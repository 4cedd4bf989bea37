/**
 * Fidelity of the local Data API endpoint (local/data-api): the unmodified @aws-sdk/client-rds-data client, pointed
 * at it with fake credentials, against the run's real PostgreSQL (global setup), in a database of this file's own.
 */
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  ExecuteStatementCommandInput,
  Field,
  RDSDataClient,
  RollbackTransactionCommand,
  SqlParameter,
} from "@aws-sdk/client-rds-data";
import { LocalDataApi, startLocalDataApi } from "../../local/data-api";
import { createTestDatabase, TestDatabase } from "../support/postgres";

const RESOURCE_ARN = "arn:aws:rds:us-east-1:111111111111:cluster:platform-dev-analytics";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:platform-dev-analytics-AbCdEf";
const RESUMING = /^The Aurora DB instance db-[A-Z2-7]{26} is resuming after being auto-paused\. Please wait a few seconds and try again\.$/;

function clientFor(api: LocalDataApi): RDSDataClient {
  return new RDSDataClient({ endpoint: api.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

describe("local Data API endpoint (unmodified RDSDataClient, real PostgreSQL)", () => {
  let db: TestDatabase;
  let api: LocalDataApi;
  let client: RDSDataClient;

  const execute = (sql: string, parameters?: SqlParameter[], extra: Partial<ExecuteStatementCommandInput> = {}) =>
    client.send(new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, database: db.name, sql, parameters, ...extra }));
  const begin = async (): Promise<string> => {
    const out = await client.send(new BeginTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, database: db.name }));
    return out.transactionId as string;
  };
  const rows = async (sql: string, extra: Partial<ExecuteStatementCommandInput> = {}): Promise<Field[][]> => (await execute(sql, undefined, extra)).records ?? [];

  beforeAll(async () => {
    db = await createTestDatabase("data_api_local");
    api = await startLocalDataApi({ databaseUrl: db.url });
    client = clientFor(api);
    await execute("CREATE TYPE mood AS ENUM ('calm', 'busy')");
    await execute(`CREATE TABLE samples (
      id bigserial PRIMARY KEY,
      b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, num numeric(12,4),
      txt text, vc varchar(20) NOT NULL DEFAULT '', ch char(3), bin bytea, js json, jsb jsonb,
      ts timestamp, tstz timestamptz, d date, t time, u uuid, m mood
    )`);
  });

  afterAll(async () => {
    client?.destroy();
    await api?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    api.clearFaults();
    await execute("TRUNCATE samples RESTART IDENTITY");
  });

  describe("ExecuteStatement", () => {
    it("round-trips every Field type and typeHint: parameters in, records out as the Data API maps PostgreSQL types", async () => {
      const inserted = await execute(
        `INSERT INTO samples (b, i2, i4, i8, f4, f8, num, txt, ch, bin, js, jsb, ts, tstz, d, t, u, m)
         VALUES (:b, :i2, :i4, :i8, :f4, :f8, :num, :txt, :ch, :bin, :js, :jsb, :ts, :tstz, :d, :t, :u, CAST(:m AS mood))`,
        [
          { name: "b", value: { booleanValue: true } },
          { name: "i2", value: { longValue: -7 } },
          { name: "i4", value: { longValue: 2147483647 } },
          { name: "i8", value: { longValue: 9007199254740991 } },
          { name: "f4", value: { doubleValue: 1.5 } },
          { name: "f8", value: { doubleValue: 3.14159 } },
          { name: "num", value: { stringValue: "12345.6789" }, typeHint: "DECIMAL" },
          { name: "txt", value: { stringValue: "héllo 'world' :notaparam" } },
          { name: "ch", value: { stringValue: "ab" } },
          { name: "bin", value: { blobValue: new Uint8Array([0, 1, 2, 254, 255]) } },
          { name: "js", value: { stringValue: '{"a":1,"b":[true,null]}' }, typeHint: "JSON" },
          { name: "jsb", value: { stringValue: '{"a":1}' }, typeHint: "JSON" },
          { name: "ts", value: { stringValue: "2024-02-29 13:14:15.123456" }, typeHint: "TIMESTAMP" },
          { name: "tstz", value: { stringValue: "2024-02-29 23:59:59.5" }, typeHint: "TIMESTAMP" },
          { name: "d", value: { stringValue: "2024-02-29" }, typeHint: "DATE" },
          { name: "t", value: { stringValue: "13:14:15" }, typeHint: "TIME" },
          { name: "u", value: { stringValue: "0b9f6c4e-7f7a-4b55-9a43-3f5f0e2c1d11" }, typeHint: "UUID" },
          { name: "m", value: { stringValue: "busy" } },
        ],
      );
      expect(inserted.numberOfRecordsUpdated).toBe(1);
      expect(inserted.generatedFields).toEqual([]);
      expect(inserted.records).toBeUndefined();

      const [row] = await rows("SELECT id, b, i2, i4, i8, f4, f8, num, txt, vc, ch, bin, js, jsb, ts, tstz, d, t, u, m FROM samples");
      expect(row).toEqual([
        { longValue: 1 },
        { booleanValue: true },
        { longValue: -7 },
        { longValue: 2147483647 },
        { longValue: 9007199254740991 },
        { doubleValue: 1.5 },
        { doubleValue: 3.14159 },
        { stringValue: "12345.6789" },
        { stringValue: "héllo 'world' :notaparam" },
        { stringValue: "" },
        { stringValue: "ab " },
        { blobValue: new Uint8Array([0, 1, 2, 254, 255]) },
        { stringValue: '{"a":1,"b":[true,null]}' },
        { stringValue: '{"a": 1}' },
        { stringValue: "2024-02-29 13:14:15.123456" },
        { stringValue: "2024-02-29 23:59:59.5" },
        { stringValue: "2024-02-29" },
        { stringValue: "13:14:15" },
        { stringValue: "0b9f6c4e-7f7a-4b55-9a43-3f5f0e2c1d11" },
        { stringValue: "busy" },
      ]);
    });

    it("binds isNull as SQL NULL and answers NULL columns with isNull", async () => {
      await execute("INSERT INTO samples (txt, u, num) VALUES (:txt, :u, :num)", [
        { name: "txt", value: { isNull: true } },
        { name: "u", value: { isNull: true }, typeHint: "UUID" },
        { name: "num", value: { isNull: true } },
      ]);
      expect(await rows("SELECT txt, u, num, b, bin, ts FROM samples")).toEqual([
        [{ isNull: true }, { isNull: true }, { isNull: true }, { isNull: true }, { isNull: true }, { isNull: true }],
      ]);
      expect(await rows("SELECT count(*) AS n FROM samples WHERE txt IS NULL AND u IS NULL")).toEqual([[{ longValue: 1 }]]);
    });

    it("returns timestamptz in UTC without an offset, whatever the offset written", async () => {
      expect(await rows("SELECT '2024-01-01 12:00:00+02'::timestamptz AS a, '2024-06-30 23:30:00.25-05:30'::timestamptz AS b")).toEqual([
        [{ stringValue: "2024-01-01 10:00:00" }, { stringValue: "2024-07-01 05:00:00.25" }],
      ]);
    });

    it("answers one-dimensional arrays as arrayValue of the element type, and multidimensional ones with UnsupportedResultException", async () => {
      expect(
        await rows("SELECT ARRAY[1, NULL, 3]::int8[] AS l, ARRAY['a', 'b c', NULL]::text[] AS s, ARRAY[true, false] AS b, ARRAY[1.5, 2]::float8[] AS f, '{}'::int[] AS e"),
      ).toEqual([
        [
          { arrayValue: { longValues: [1, null, 3] } },
          { arrayValue: { stringValues: ["a", "b c", null] } },
          { arrayValue: { booleanValues: [true, false] } },
          { arrayValue: { doubleValues: [1.5, 2] } },
          { arrayValue: { longValues: [] } },
        ],
      ]);
      const err = await failure(execute("SELECT ARRAY[[1, 2], [3, 4]] AS grid"));
      expect(err.name).toBe("UnsupportedResultException");
    });

    it("refuses array parameters, as AWS does", async () => {
      const err = await failure(execute("SELECT :ids AS ids", [{ name: "ids", value: { arrayValue: { longValues: [1, 2] } } }]));
      expect(err.name).toBe("BadRequestException");
      expect(err.message).toBe("Array parameters are not supported");
    });

    it("binds a string without typeHint as varchar, so a uuid column refuses it as on AWS (the typeHint is what makes it work)", async () => {
      const err = await failure(execute("INSERT INTO samples (u) VALUES (:u)", [{ name: "u", value: { stringValue: "0b9f6c4e-7f7a-4b55-9a43-3f5f0e2c1d11" } }]));
      expect(err.name).toBe("BadRequestException");
      expect(err.message).toMatch(/^ERROR: column "u" is of type uuid but expression is of type character varying\n {2}Hint: .*\n {2}Position: \d+; SQLState: 42804$/);
    });

    it("accepts DATE, TIME and TIMESTAMP hints only in the formats AWS documents", async () => {
      for (const [typeHint, value] of [
        ["TIMESTAMP", "2024-02-29T13:14:15.000Z"],
        ["DATE", "2024-02-29 00:00:00"],
        ["TIME", "1:02 PM"],
      ] as const) {
        const err = await failure(execute("SELECT :v AS v", [{ name: "v", value: { stringValue: value }, typeHint }]));
        expect(err.name).toBe("BadRequestException");
        expect(err.message).toBe(`Cannot parse date or time "${value}"`);
      }
    });

    it("rewrites named parameters outside literals, identifiers and comments, leaves :: casts alone, and reuses a repeated name", async () => {
      const out = await execute(
        `SELECT :a::text || '-' || :a AS twice, ':a' AS literal, E'\\':a' AS escaped, $$ :a $$ AS dollar, "col:a".x AS quoted,
                /* :a */ -- :a
                :b::int + 1 AS cast, '{1,2,3}'::int[] AS arr
           FROM (SELECT 1 AS x) AS "col:a"`,
        [
          { name: "a", value: { stringValue: "v" } },
          { name: "b", value: { longValue: 41 } },
          { name: "unused", value: { longValue: 0 } },
        ],
      );
      expect(out.records).toEqual([
        [
          { stringValue: "v-v" },
          { stringValue: ":a" },
          { stringValue: "':a" },
          { stringValue: " :a " },
          { longValue: 1 },
          { longValue: 42 },
          { arrayValue: { longValues: [1, 2, 3] } },
        ],
      ]);
    });

    it("returns columnMetadata with includeResultMetadata, as the PostgreSQL JDBC driver describes the columns", async () => {
      const out = await execute("SELECT id, vc, num, tstz, u, ch AS code, 1 + 1 AS two FROM samples", undefined, { includeResultMetadata: true });
      expect(out.records).toEqual([]);
      const meta = out.columnMetadata ?? [];
      expect(meta.map((c) => [c.name, c.label, c.typeName, c.type, c.tableName, c.nullable, c.isAutoIncrement])).toEqual([
        ["id", "id", "bigserial", -5, "samples", 0, true],
        ["vc", "vc", "varchar", 12, "samples", 0, false],
        ["num", "num", "numeric", 2, "samples", 1, false],
        ["tstz", "tstz", "timestamptz", 93, "samples", 1, false],
        ["u", "u", "uuid", 1111, "samples", 1, false],
        ["code", "code", "bpchar", 1, "samples", 1, false],
        ["two", "two", "int4", 4, "", 2, false],
      ]);
      expect(meta[1]).toMatchObject({ precision: 20, scale: 0, isSigned: false, isCaseSensitive: true, isCurrency: false, schemaName: "", arrayBaseColumnType: 0 });
      expect(meta[2]).toMatchObject({ precision: 12, scale: 4, isSigned: true, isCaseSensitive: false });
      expect((await execute("SELECT 1 AS one")).columnMetadata).toBeUndefined();
    });

    it('returns formattedRecords with formatRecordsAs "JSON": one object per row keyed by column label, no records, no columnMetadata', async () => {
      await execute("INSERT INTO samples (b, i8, f8, num, txt, bin, js, d) VALUES (true, 7, 0.25, 1.5, 'x', '\\x0102', '{\"k\":2}', '2024-01-02')");
      const out = await execute("SELECT b, i8, f8, num, txt, bin, js, d, u AS missing, ARRAY[1,2] AS arr FROM samples", undefined, {
        formatRecordsAs: "JSON",
        includeResultMetadata: true,
      });
      expect(out.records).toBeUndefined();
      expect(out.columnMetadata).toBeUndefined();
      expect(out.numberOfRecordsUpdated).toBe(0);
      expect(JSON.parse(out.formattedRecords as string)).toEqual([
        { b: true, i8: 7, f8: 0.25, num: "1.5000", txt: "x", bin: "AQI=", js: '{"k":2}', d: "2024-01-02", missing: null, arr: [1, 2] },
      ]);
    });

    it("applies resultSetOptions: longReturnType STRING and decimalReturnType DOUBLE_OR_LONG", async () => {
      await execute("INSERT INTO samples (i8, num) VALUES (9007199254740993, 2.5)");
      const options = { resultSetOptions: { longReturnType: "STRING" as const, decimalReturnType: "DOUBLE_OR_LONG" as const } };
      expect(await rows("SELECT i8, num, 3::numeric AS whole FROM samples", options)).toEqual([[{ stringValue: "9007199254740993" }, { doubleValue: 2.5 }, { longValue: 3 }]]);
    });

    it("counts numberOfRecordsUpdated for INSERT, UPDATE and DELETE, and 0 for SELECT and DDL", async () => {
      expect((await execute("INSERT INTO samples (txt) VALUES ('a'), ('b'), ('c')")).numberOfRecordsUpdated).toBe(3);
      expect((await execute("UPDATE samples SET txt = 'z' WHERE txt <> :keep", [{ name: "keep", value: { stringValue: "a" } }])).numberOfRecordsUpdated).toBe(2);
      expect((await execute("SELECT * FROM samples")).numberOfRecordsUpdated).toBe(0);
      expect((await execute("DELETE FROM samples WHERE txt = 'z'")).numberOfRecordsUpdated).toBe(2);
      expect((await execute("CREATE INDEX IF NOT EXISTS samples_txt ON samples (txt)")).numberOfRecordsUpdated).toBe(0);
      const returning = await execute("INSERT INTO samples (txt) VALUES ('r') RETURNING id, txt");
      expect(returning.records).toEqual([[{ longValue: 4 }, { stringValue: "r" }]]);
    });

    it("refuses several statements in one call", async () => {
      const err = await failure(execute("SELECT 1; SELECT 2"));
      expect(err.name).toBe("BadRequestException");
      expect(err.message).toMatch(/^ERROR: cannot insert multiple commands into a prepared statement; SQLState: 42601$/);
    });
    it("is reached by a client configured only through the environment (AWS_ENDPOINT_URL_RDS_DATA), as handlers are in local runs", async () => {
      const saved = { ...process.env };
      Object.assign(process.env, { AWS_ENDPOINT_URL_RDS_DATA: api.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
      const fromEnv = new RDSDataClient({});
      try {
        const out = await fromEnv.send(
          new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, database: db.name, sql: "SELECT current_database() AS db" }),
        );
        expect(out.records).toEqual([[{ stringValue: db.name }]]);
      } finally {
        fromEnv.destroy();
        process.env = saved;
      }
    });
  });

  describe("errors", () => {
    it("answers a SQL error with BadRequestException (HTTP 400) and AWS's message: the server error, Position, SQLState", async () => {
      const err = await failure(execute("SELECT * FROM missing_table"));
      expect(err.name).toBe("BadRequestException");
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toBe('ERROR: relation "missing_table" does not exist\n  Position: 15; SQLState: 42P01');
    });

    it("includes PostgreSQL's Detail line, e.g. for a duplicate key", async () => {
      await execute("INSERT INTO samples (id) VALUES (1)");
      const err = await failure(execute("INSERT INTO samples (id) VALUES (:id)", [{ name: "id", value: { longValue: 1 } }]));
      expect(err.message).toBe('ERROR: duplicate key value violates unique constraint "samples_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505');
    });

    it("validates required members like AWS: BadRequestException naming the missing member", async () => {
      const err = await failure(client.send(new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: undefined as unknown as string, sql: "SELECT 1" })));
      expect(err.name).toBe("BadRequestException");
      expect(err.message).toBe("1 validation error detected: Value null at 'secretArn' failed to satisfy constraint: Member must not be null");
    });

    it("answers an unknown database as a SQL error (FATAL, SQLState 3D000)", async () => {
      const err = await failure(execute("SELECT 1", undefined, { database: "no_such_database" }));
      expect(err.name).toBe("BadRequestException");
      expect(err.message).toBe('FATAL: database "no_such_database" does not exist; SQLState: 3D000');
    });
  });

  describe("BatchExecuteStatement", () => {
    it("runs the statement once per parameter set and returns each RETURNING row as generatedFields", async () => {
      const out = await client.send(
        new BatchExecuteStatementCommand({
          resourceArn: RESOURCE_ARN,
          secretArn: SECRET_ARN,
          database: db.name,
          sql: "INSERT INTO samples (txt, ts) VALUES (:txt, :ts) RETURNING id, txt",
          parameterSets: ["a", "b", "c"].map((txt) => [
            { name: "txt", value: { stringValue: txt } },
            { name: "ts", value: { stringValue: "2024-01-01 00:00:00" }, typeHint: "TIMESTAMP" as const },
          ]),
        }),
      );
      expect(out.updateResults).toEqual([
        { generatedFields: [{ longValue: 1 }, { stringValue: "a" }] },
        { generatedFields: [{ longValue: 2 }, { stringValue: "b" }] },
        { generatedFields: [{ longValue: 3 }, { stringValue: "c" }] },
      ]);
      const plain = await client.send(
        new BatchExecuteStatementCommand({
          resourceArn: RESOURCE_ARN,
          secretArn: SECRET_ARN,
          database: db.name,
          sql: "UPDATE samples SET txt = upper(txt) WHERE id = :id",
          parameterSets: [[{ name: "id", value: { longValue: 1 } }], [{ name: "id", value: { longValue: 2 } }]],
        }),
      );
      expect(plain.updateResults).toEqual([{ generatedFields: [] }, { generatedFields: [] }]);
      expect(await rows("SELECT txt FROM samples ORDER BY id")).toEqual([[{ stringValue: "A" }], [{ stringValue: "B" }], [{ stringValue: "c" }]]);
    });

    it("is all or nothing outside a transaction: a failing parameter set leaves no row of the batch", async () => {
      const err = await failure(
        client.send(
          new BatchExecuteStatementCommand({
            resourceArn: RESOURCE_ARN,
            secretArn: SECRET_ARN,
            database: db.name,
            sql: "INSERT INTO samples (id, txt) VALUES (:id, 'x')",
            parameterSets: [[{ name: "id", value: { longValue: 10 } }], [{ name: "id", value: { longValue: 10 } }]],
          }),
        ),
      );
      expect(err.message).toMatch(/^ERROR: duplicate key value violates unique constraint "samples_pkey"/);
      expect(await rows("SELECT count(*) FROM samples")).toEqual([[{ longValue: 0 }]]);
    });
  });

  describe("transactions", () => {
    it("keeps uncommitted rows invisible outside the transaction, and visible to everyone after CommitTransaction", async () => {
      const transactionId = await begin();
      expect(transactionId.length).toBeGreaterThan(100);
      await execute("INSERT INTO samples (txt) VALUES (:t)", [{ name: "t", value: { stringValue: "in-tx" } }], { transactionId });
      await client.send(
        new BatchExecuteStatementCommand({
          resourceArn: RESOURCE_ARN,
          secretArn: SECRET_ARN,
          sql: "INSERT INTO samples (txt) VALUES (:t)",
          parameterSets: [[{ name: "t", value: { stringValue: "batch-in-tx" } }]],
          transactionId,
        }),
      );
      expect(await rows("SELECT count(*) FROM samples", { transactionId })).toEqual([[{ longValue: 2 }]]);
      expect(await rows("SELECT count(*) FROM samples")).toEqual([[{ longValue: 0 }]]);
      const committed = await client.send(new CommitTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, transactionId }));
      expect(committed.transactionStatus).toBe("Transaction Committed");
      expect(await rows("SELECT txt FROM samples ORDER BY id")).toEqual([[{ stringValue: "in-tx" }], [{ stringValue: "batch-in-tx" }]]);
      expect(api.openTransactions).toBe(0);
    });

    it("discards the transaction's writes on RollbackTransaction", async () => {
      const transactionId = await begin();
      await execute("INSERT INTO samples (txt) VALUES ('gone')", undefined, { transactionId });
      const rolledBack = await client.send(new RollbackTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, transactionId }));
      expect(rolledBack.transactionStatus).toBe("Rollback Complete");
      expect(await rows("SELECT count(*) FROM samples")).toEqual([[{ longValue: 0 }]]);
    });

    it("answers an unknown or ended transaction id with BadRequestException: Transaction <id> is not found", async () => {
      const unknown = await failure(execute("SELECT 1", undefined, { transactionId: "bm90LWEtdHJhbnNhY3Rpb24=" }));
      expect(unknown.name).toBe("BadRequestException");
      expect(unknown.message).toBe("Transaction bm90LWEtdHJhbnNhY3Rpb24= is not found");
      const transactionId = await begin();
      await client.send(new CommitTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, transactionId }));
      const ended = await failure(client.send(new CommitTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, transactionId })));
      expect(ended.message).toBe(`Transaction ${transactionId} is not found`);
    });

    it("aborts the transaction on a SQL error: its writes are gone and its id is no longer found", async () => {
      const transactionId = await begin();
      await execute("INSERT INTO samples (txt) VALUES ('before error')", undefined, { transactionId });
      expect((await failure(execute("SELECT * FROM missing_table", undefined, { transactionId }))).name).toBe("BadRequestException");
      expect((await failure(execute("SELECT 1", undefined, { transactionId }))).message).toBe(`Transaction ${transactionId} is not found`);
      expect(await rows("SELECT count(*) FROM samples")).toEqual([[{ longValue: 0 }]]);
      expect(api.openTransactions).toBe(0);
    });

    it("rolls back and forgets a transaction left idle longer than the transaction timeout", async () => {
      const quick = await startLocalDataApi({ databaseUrl: db.url, transactionTimeoutMs: 200 });
      const quickClient = clientFor(quick);
      try {
        const { transactionId } = await quickClient.send(new BeginTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN }));
        await quickClient.send(new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, sql: "INSERT INTO samples (txt) VALUES ('idle')", transactionId }));
        await new Promise((r) => setTimeout(r, 600));
        const err = await failure(quickClient.send(new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, sql: "SELECT 1", transactionId })));
        expect(err.message).toBe(`Transaction ${transactionId} is not found`);
        expect(await rows("SELECT count(*) FROM samples")).toEqual([[{ longValue: 0 }]]);
      } finally {
        quickClient.destroy();
        await quick.close();
      }
    });
  });

  describe("fault switch", () => {
    it("answers the next N calls with DatabaseResumingException (HTTP 400, AWS's message, not retried by the SDK), then succeeds", async () => {
      api.failNext(3);
      const before = api.requests;
      for (let call = 1; call <= 3; call += 1) {
        const err = await failure(execute("SELECT 1"));
        expect(err.name).toBe("DatabaseResumingException");
        expect(err.$metadata?.httpStatusCode).toBe(400);
        expect(err.message).toMatch(RESUMING);
      }
      // The SDK's standard retry strategy does not retry this 400: one request per call. A retry helper must.
      expect(api.requests - before).toBe(3);
      expect(await rows("SELECT 1 AS ok")).toEqual([[{ longValue: 1 }]]);
      expect(api.pendingFaults).toBe(0);
    });

    it("is reachable over HTTP for other processes, and injects other Data API errors with their status (a 503 the SDK retries itself)", async () => {
      const set = await fetch(`${api.endpoint}/_local/fail-next`, { method: "POST", body: JSON.stringify({ count: 1, errorType: "ServiceUnavailableError" }) });
      expect(await set.json()).toEqual({ pendingFaults: 1 });
      const before = api.requests;
      expect(await rows("SELECT 2 AS ok")).toEqual([[{ longValue: 2 }]]);
      expect(api.requests - before).toBe(2);

      const once = new RDSDataClient({ endpoint: api.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 });
      try {
        api.failNext(1, "ServiceUnavailableError");
        const err = await failure(once.send(new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, sql: "SELECT 1" })));
        expect([err.name, err.$metadata?.httpStatusCode]).toEqual(["ServiceUnavailableError", 503]);
      } finally {
        once.destroy();
      }
    });
  });

  describe('errorModel "serverless-v2" (Aurora Serverless v2 and provisioned clusters)', () => {
    let v2: LocalDataApi;
    let v2Client: RDSDataClient;
    beforeAll(async () => {
      v2 = await startLocalDataApi({ databaseUrl: db.url, errorModel: "serverless-v2" });
      v2Client = clientFor(v2);
    });
    afterAll(async () => {
      v2Client?.destroy();
      await v2?.close();
    });
    const v2Execute = (sql: string, extra: Partial<ExecuteStatementCommandInput> = {}) =>
      v2Client.send(new ExecuteStatementCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, sql, ...extra }));

    it("answers SQL errors with DatabaseErrorException, same message", async () => {
      const err = await failure(v2Execute("SELECT * FROM missing_table"));
      expect(err.name).toBe("DatabaseErrorException");
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toBe('ERROR: relation "missing_table" does not exist\n  Position: 15; SQLState: 42P01');
    });

    it("answers unknown transactions with TransactionNotFoundException (404) and unknown databases with DatabaseNotFoundException (404)", async () => {
      const tx = await failure(v2Execute("SELECT 1", { transactionId: "nope" }));
      expect([tx.name, tx.$metadata?.httpStatusCode, tx.message]).toEqual(["TransactionNotFoundException", 404, "Transaction nope is not found"]);
      const database = await failure(v2Execute("SELECT 1", { database: "no_such_database" }));
      expect([database.name, database.$metadata?.httpStatusCode]).toEqual(["DatabaseNotFoundException", 404]);
    });

    it("refuses a call on a transaction that is still running another one", async () => {
      const { transactionId } = await v2Client.send(new BeginTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN }));
      const slow = v2Execute("SELECT pg_sleep(0.5)", { transactionId });
      await new Promise((r) => setTimeout(r, 100));
      const err = await failure(v2Execute("SELECT 1", { transactionId }));
      expect([err.name, err.message]).toEqual(["DatabaseErrorException", "Transaction is still running a query"]);
      await slow;
      await v2Client.send(new RollbackTransactionCommand({ resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN, transactionId }));
    });
  });
});
