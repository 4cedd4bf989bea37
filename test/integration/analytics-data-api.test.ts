/**
 * lambdas/shared/data-api.ts over the unmodified RDSDataClient, against the local Data API endpoint (Serverless v2
 * error model) and real PostgreSQL: named parameters with type hints, retries of a resuming cluster, immediate
 * failure of SQL errors, transactions.
 */
import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { DataApi, param } from "../../lambdas/shared/data-api";
import { AnalyticsTestDb, startAnalyticsDb } from "../support/analytics";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";

let t: AnalyticsTestDb;

beforeAll(async () => {
  t = await startAnalyticsDb("analytics_data_api");
  await t.sql("CREATE TABLE items (id uuid PRIMARY KEY, name text NOT NULL, n bigint, at timestamptz, doc jsonb, day date)");
});

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  t.api.clearFaults();
  await t.sql("TRUNCATE items");
});

describe("DataApi over the unmodified RDSDataClient", () => {
  it("binds named parameters with type hints and returns rows keyed by column label", async () => {
    const id = "0b9f6c4e-7f7a-4b55-9a43-3f5f0e2c1d11";
    const inserted = await t.dataApi.execute("INSERT INTO items (id, name, n, at, doc, day) VALUES (:id, :name, :n, CAST(:at AS timestamptz), CAST(:doc AS jsonb), :day)", {
      id: param.uuid(id),
      name: "it's :not a param",
      n: 42,
      at: "2024-02-29T23:59:59.500Z",
      doc: param.json({ a: [1, null] }),
      day: param.date("2024-02-29"),
    });
    expect(inserted).toEqual({ rows: [], numberOfRecordsUpdated: 1 });
    const { rows } = await t.dataApi.execute("SELECT id, name, n, doc::text AS doc, to_char(day, 'YYYY-MM-DD') AS day, at = CAST(:at AS timestamptz) AS same FROM items", {
      at: "2024-02-29T23:59:59.500Z",
    });
    expect(rows).toEqual([{ id, name: "it's :not a param", n: 42, doc: '{"a": [1, null]}', day: "2024-02-29", same: true }]);
  });

  it("retries DatabaseResumingException: the first 3 calls fail as an auto-paused cluster answers, the 4th succeeds", async () => {
    const retries: number[] = [];
    const db = new DataApi({ client: t.rdsClient, target: t.target, retry: { baseDelayMs: 10, maxDelayMs: 50 }, onRetry: ({ attempt }) => retries.push(attempt) });
    t.api.failNext(3, "DatabaseResumingException");
    const { rows } = await db.execute("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
    expect(retries).toEqual([1, 2, 3]);
    expect(t.api.pendingFaults).toBe(0);
  });

  it("gives up when the invocation's remaining time (minus the safety margin) cannot cover the next backoff", async () => {
    const db = new DataApi({ client: t.rdsClient, target: t.target, retry: { baseDelayMs: 10, maxDelayMs: 50, safetyMarginMs: 3000 } });
    t.api.failNext(3, "DatabaseResumingException");
    await expect(db.forInvocation({ getRemainingTimeInMillis: () => 2500 }).execute("SELECT 1")).rejects.toMatchObject({ name: "DatabaseResumingException" });
    expect(t.api.pendingFaults).toBe(2);
  });

  it("throws a SQL error (DatabaseErrorException on Serverless v2) at once, without retrying", async () => {
    const retries: number[] = [];
    const db = new DataApi({ client: t.rdsClient, target: t.target, onRetry: ({ attempt }) => retries.push(attempt) });
    await expect(db.execute("SELECT * FROM no_such_table")).rejects.toMatchObject({ name: "DatabaseErrorException", message: expect.stringContaining("42P01") });
    expect(retries).toEqual([]);
  });

  it("batchExecute runs one statement per parameter set", async () => {
    const sets = ["a", "b", "c"].map((name, i) => ({ id: param.uuid(`00000000-0000-4000-8000-00000000000${i}`), name }));
    expect(await t.dataApi.batchExecute("INSERT INTO items (id, name) VALUES (:id, :name)", sets)).toBe(3);
    expect(await t.sql("SELECT name FROM items ORDER BY name")).toEqual([{ name: "a" }, { name: "b" }, { name: "c" }]);
  });

  it("transaction commits on success and rolls back when fn throws", async () => {
    await t.dataApi.transaction(async (tx) => {
      await tx.execute("INSERT INTO items (id, name) VALUES (:id, 'kept')", { id: param.uuid("00000000-0000-4000-8000-000000000001") });
    });
    await expect(
      t.dataApi.transaction(async (tx) => {
        await tx.execute("INSERT INTO items (id, name) VALUES (:id, 'dropped')", { id: param.uuid("00000000-0000-4000-8000-000000000002") });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await t.sql("SELECT name FROM items")).toEqual([{ name: "kept" }]);
    expect(t.api.openTransactions).toBe(0);
  });

  it("transaction survives a resuming cluster (BeginTransaction retried)", async () => {
    t.api.failNext(3, "DatabaseResumingException");
    const out = await t.dataApi.transaction(async (tx) => (await tx.execute("SELECT 7 AS seven")).rows[0].seven);
    expect(out).toBe(7);
  });

  it("works with a client built only from the SDK's standard environment (AWS_ENDPOINT_URL_RDS_DATA), as the handlers build it", async () => {
    const client = new RDSDataClient({ maxAttempts: 1 });
    try {
      const db = new DataApi({ client, target: t.target });
      expect((await db.execute("SELECT current_database() AS name")).rows).toEqual([{ name: t.db.name }]);
    } finally {
      client.destroy();
    }
    expect(LOCAL_REGION).toBe(process.env.AWS_REGION);
    expect(LOCAL_CREDENTIALS.accessKeyId).toBe(process.env.AWS_ACCESS_KEY_ID);
  });
});
