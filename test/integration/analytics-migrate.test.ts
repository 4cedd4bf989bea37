/**
 * analytics-migrate against real PostgreSQL through the local Data API endpoint (the handler's own RDSDataClient).
 */
import { migrate } from "../../lambdas/analytics/migrations";
import { MIGRATIONS } from "../../lambdas/analytics/migrations/index";
import { lambdaContext } from "../support/events";
import { AnalyticsTestDb, startAnalyticsDb } from "../support/analytics";

type MigrateModule = typeof import("../../lambdas/analytics/analytics-migrate");

let t: AnalyticsTestDb;
let migrateHandler: MigrateModule["handler"];

/** Tables, columns, constraints and indexes of the public schema, as text that differs when the schema does. */
async function schemaSnapshot(): Promise<string[]> {
  const columns = await t.sql<{ c: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS c
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
  );
  const indexes = await t.sql<{ c: string }>(`SELECT indexdef AS c FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
  const constraints = await t.sql<{ c: string }>(
    `SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) AS c FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
  );
  return [...columns, ...indexes, ...constraints].map((r) => r.c);
}

beforeAll(async () => {
  t = await startAnalyticsDb("analytics_migrate");
  ({ handler: migrateHandler } = await import("../../lambdas/analytics/analytics-migrate"));
});

afterAll(async () => {
  await t?.close();
});

describe("analytics-migrate", () => {
  it("applies 0001_init on an empty database and records it with its checksum", async () => {
    const result = await migrateHandler({}, lambdaContext("analytics-migrate"));
    expect(result).toEqual({ applied: ["0001_init.sql"], skipped: [] });
    const recorded = await t.sql<{ name: string; checksum: string }>("SELECT name, checksum FROM schema_migrations");
    expect(recorded).toEqual([{ name: "0001_init.sql", checksum: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const tables = await t.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(tables.map((r) => r.table_name)).toEqual(["activity_events", "schema_migrations", "users"]);
  });

  it("running again changes nothing: same schema, same ledger, nothing applied", async () => {
    const before = await schemaSnapshot();
    const ledgerBefore = await t.sql("SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name");
    const result = await migrateHandler({}, lambdaContext("analytics-migrate"));
    expect(result).toEqual({ applied: [], skipped: ["0001_init.sql"] });
    expect(await schemaSnapshot()).toEqual(before);
    expect(await t.sql("SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name")).toEqual(ledgerBefore);
    expect(before).toEqual(expect.arrayContaining([expect.stringContaining("activity_events_user_occurred_idx"), expect.stringContaining("activity_events_occurred_user_idx")]));
  });

  it("refuses to run when an applied migration's file changed (checksum), and applies nothing after it", async () => {
    const changed = [
      { name: "0001_init.sql", sql: `${MIGRATIONS[0].sql}\n-- edited` },
      { name: "0002_more.sql", sql: "CREATE TABLE more (id int)" },
    ];
    await expect(migrate(t.dataApi, changed)).rejects.toThrow(/0001_init\.sql was applied with checksum [0-9a-f]{64}, but the file now has checksum/);
    expect(await t.sql("SELECT to_regclass('public.more') AS r")).toEqual([{ r: null }]);
  });

  it("applies a new migration in one transaction with its ledger row; a failing one leaves neither", async () => {
    const broken = [...MIGRATIONS, { name: "0002_broken.sql", sql: "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;" }];
    await expect(migrate(t.dataApi, broken)).rejects.toMatchObject({ name: "DatabaseErrorException" });
    expect(await t.sql("SELECT to_regclass('public.half_done') AS r")).toEqual([{ r: null }]);
    expect(await t.sql("SELECT name FROM schema_migrations WHERE name = '0002_broken.sql'")).toEqual([]);

    const next = [...MIGRATIONS, { name: "0002_extra.sql", sql: "CREATE TABLE extra (id int);\nCREATE INDEX extra_id_idx ON extra (id);" }];
    expect(await migrate(t.dataApi, next)).toEqual({ applied: ["0002_extra.sql"], skipped: ["0001_init.sql"] });
    expect(await migrate(t.dataApi, next)).toEqual({ applied: [], skipped: ["0001_init.sql", "0002_extra.sql"] });
  });

  it("survives a resuming cluster: the first 3 calls answering DatabaseResumingException still apply the migration", async () => {
    const next = [...MIGRATIONS, { name: "0003_resume.sql", sql: "CREATE TABLE resumed (id int)" }];
    t.api.failNext(3, "DatabaseResumingException");
    expect(await migrate(t.dataApi, next)).toEqual({ applied: ["0003_resume.sql"], skipped: ["0001_init.sql"] });
    expect(t.api.pendingFaults).toBe(0);
  });
});
