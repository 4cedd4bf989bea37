/**
 * The reports' SQL (reports.ts) run on a real SQL engine: DuckDB over gzip JSON-lines files in Firehose's output
 * layout (`activity/dt=YYYY-MM-DD/<object>.gz`), compared with results computed independently in TypeScript from the
 * same generated events. Plus the pure parts of the reports API.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { lakeColumnsFromZod } from "../../modules/data-lake";
import { activityEventSchema, ActivityEvent } from "./activity-event";
import {
  ACTIVITY_LAKE_PREFIX,
  ACTIVITY_LAKE_TABLE,
  MOST_ACTIVE_USERS_LIMIT,
  parseExecutionId,
  parseReportName,
  REPORT_NAMES,
  REPORT_WINDOW_DAYS,
  REPORTS,
  rowsFromResultSet,
} from "./reports";
import { duckDbLakeSource, toDuckDbSql } from "./reports-duckdb";

const DAY = 86_400_000;
const COLUMNS = lakeColumnsFromZod(activityEventSchema);

/** `YYYY-MM-DD` of today (UTC) minus n days. */
const day = (n: number): string => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

/** A small deterministic PRNG, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One record as Firehose wrote it: the event and the day partition it was delivered into. */
interface Delivered {
  readonly event: ActivityEvent;
  readonly dt: string;
}

/** Events over 40 days (10 of them outside the window), some delivered twice (at-least-once), a few a day after their time. */
function generate(): Delivered[] {
  const random = rng(42);
  const users = Array.from({ length: 150 }, (_, i) => `user-${String(i).padStart(3, "0")}`);
  const types = ["page.view", "upload.done", "profile.update", "sign.in"];
  const out: Delivered[] = [];
  for (let d = 0; d < 40; d++) {
    const n = 5 + Math.floor(random() * 60);
    for (let i = 0; i < n; i++) {
      // skewed: low-numbered users are more active, so "most active" has a clear top and ties further down
      const user = users[Math.floor(random() ** 2 * users.length)];
      const event: ActivityEvent = {
        eventId: randomUUID(),
        userId: user,
        type: types[Math.floor(random() * types.length)],
        time: new Date(Date.now() - d * DAY - Math.floor(random() * 3600_000)).toISOString(),
        props: random() < 0.3 ? { path: `/p/${i}`, nested: { n: i, ok: true } } : {},
      };
      const late = random() < 0.05 && d > 0; // delivered on the next day: the partition is the arrival day
      const dt = day(late ? d - 1 : d);
      out.push({ event, dt });
      if (random() < 0.1) out.push({ event, dt }); // a replayed record
    }
  }
  return out;
}

/** Writes the records as Firehose does: per partition, a few GZIP objects of newline-terminated JSON. */
function writeLake(root: string, records: readonly Delivered[]): void {
  const byDt = new Map<string, Delivered[]>();
  for (const r of records) byDt.set(r.dt, [...(byDt.get(r.dt) ?? []), r]);
  for (const [dt, rs] of byDt) {
    const dir = join(root, ACTIVITY_LAKE_PREFIX, `dt=${dt}`);
    mkdirSync(dir, { recursive: true });
    for (let part = 0; part * 25 < rs.length; part++) {
      const lines = rs.slice(part * 25, part * 25 + 25).map((r) => `${JSON.stringify(r.event)}\n`);
      writeFileSync(join(dir, `platform-dev-activity-lake-1-${dt}-00-00-00-${randomUUID()}.gz`), gzipSync(lines.join("")));
    }
  }
}

// --- expectations computed in TypeScript, independently of SQL

const inWindow = (r: Delivered) => r.dt >= day(REPORT_WINDOW_DAYS);

function expectedDau(records: readonly Delivered[]): Array<{ day: string; users: string }> {
  const users = new Map<string, Set<string>>();
  for (const r of records.filter(inWindow)) users.set(r.dt, (users.get(r.dt) ?? new Set()).add(r.event.userId));
  return [...users.keys()].sort().map((d) => ({ day: d, users: String(users.get(d)!.size) }));
}

function expectedEventsPerType(records: readonly Delivered[]): Array<{ day: string; type: string; events: string }> {
  const ids = new Map<string, Set<string>>();
  for (const r of records.filter(inWindow)) {
    const key = `${r.dt}\u0000${r.event.type}`;
    ids.set(key, (ids.get(key) ?? new Set()).add(r.event.eventId));
  }
  return [...ids.keys()]
    .map((k) => k.split("\u0000"))
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([d, type]) => ({ day: d, type, events: String(ids.get(`${d}\u0000${type}`)!.size) }));
}

function expectedMostActive(records: readonly Delivered[]): Array<{ user_id: string; events: string }> {
  const ids = new Map<string, Set<string>>();
  for (const r of records.filter(inWindow)) ids.set(r.event.userId, (ids.get(r.event.userId) ?? new Set()).add(r.event.eventId));
  return [...ids.entries()]
    .map(([user, set]) => ({ user, n: set.size }))
    .sort((a, b) => b.n - a.n || (a.user < b.user ? -1 : 1))
    .slice(0, MOST_ACTIVE_USERS_LIMIT)
    .map(({ user, n }) => ({ user_id: user, events: String(n) }));
}

describe("reports on DuckDB over Firehose's output layout", () => {
  let root: string;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  let records: Delivered[];
  const run = async (sql: string): Promise<Array<Record<string, unknown>>> => {
    const reader = await db.runAndReadAll(sql);
    // counts come back as BIGINT: compare as strings, as Athena returns every value
    return reader.getRowObjectsJson().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));
  };
  const source = () => duckDbLakeSource(root, ACTIVITY_LAKE_PREFIX, COLUMNS);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "activity-lake-"));
    records = generate();
    writeLake(root, records);
    instance = await DuckDBInstance.create(":memory:");
    db = await instance.connect();
    // Athena's session time zone is UTC: current_date is the UTC day there, so here too.
    await db.run("SET TimeZone = 'UTC'");
  });

  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
    rmSync(root, { recursive: true, force: true });
  });

  it("the generated lake has what the reports must handle: days outside the window, replayed records, late deliveries", () => {
    expect(records.some((r) => !inWindow(r))).toBe(true);
    expect(new Set(records.map((r) => r.event.eventId)).size).toBeLessThan(records.length);
    expect(records.some((r) => r.event.time.slice(0, 10) !== r.dt)).toBe(true);
  });

  it("reads every record back through the Glue columns (props kept as JSON text), dt from the path as a string", async () => {
    const rows = await run(`SELECT count(*) AS n, count(DISTINCT dt) AS days, min(typeof(dt)) AS dt_type FROM ${source()}`);
    expect(rows).toEqual([{ n: String(records.length), days: String(new Set(records.map((r) => r.dt)).size), dt_type: "VARCHAR" }]);
    const withProps = records.find((r) => Object.keys(r.event.props).length > 0)!;
    const [row] = await run(`SELECT props FROM ${source()} WHERE eventid = '${withProps.event.eventId}' LIMIT 1`);
    expect(JSON.parse(String(row.props))).toEqual(withProps.event.props);
  });

  it("daily-active-users: distinct users per delivery day over the window", async () => {
    const rows = await run(toDuckDbSql(REPORTS["daily-active-users"].sql, source()));
    expect(rows).toEqual(expectedDau(records));
    expect(rows.length).toBeGreaterThan(REPORT_WINDOW_DAYS - 2);
  });

  it("events-per-type: distinct event ids per type per day (a replayed record counts once)", async () => {
    const rows = await run(toDuckDbSql(REPORTS["events-per-type"].sql, source()));
    expect(rows).toEqual(expectedEventsPerType(records));
    const total = rows.reduce((sum, r) => sum + Number(r.events), 0);
    expect(total).toBeLessThan(records.filter(inWindow).length); // duplicates were removed
  });

  it("most-active-users: the top users by distinct events, ties by user id, at most the limit", async () => {
    const rows = await run(toDuckDbSql(REPORTS["most-active-users"].sql, source()));
    expect(rows).toEqual(expectedMostActive(records));
    expect(rows).toHaveLength(MOST_ACTIVE_USERS_LIMIT);
  });
});

describe("toDuckDbSql (the Athena → DuckDB rewrite)", () => {
  it("replaces the table with the source and date_format( with strftime(, and nothing else", () => {
    const athena = REPORTS["daily-active-users"].sql;
    const duck = toDuckDbSql(athena, "SRC");
    expect(duck).toBe(athena.replace(`FROM ${ACTIVITY_LAKE_TABLE}`, "FROM SRC").replace("date_format(", "strftime("));
    expect(duck).not.toContain(ACTIVITY_LAKE_TABLE);
    expect(duck).not.toContain("date_format");
  });

  it("refuses SQL that does not read the lake table exactly once", () => {
    expect(() => toDuckDbSql("SELECT 1", "SRC")).toThrow(/expected one "FROM activity_events"/);
    expect(() => toDuckDbSql(`SELECT * FROM ${ACTIVITY_LAKE_TABLE} JOIN (SELECT * FROM ${ACTIVITY_LAKE_TABLE}) x ON true`, "SRC")).toThrow(/found 2/);
  });

  it("every report reads the lake table once, within the window (dt predicate), and uses no other Trino-only function", () => {
    for (const name of REPORT_NAMES) {
      const sql = REPORTS[name].sql;
      expect(sql.match(new RegExp(`FROM ${ACTIVITY_LAKE_TABLE}\\b`, "g"))).toHaveLength(1);
      expect(sql).toContain(`WHERE dt >= date_format(current_date - INTERVAL '${REPORT_WINDOW_DAYS}' DAY, '%Y-%m-%d')`);
      expect(sql).not.toMatch(/\b(date_add|date_parse|from_iso8601_timestamp|json_extract_scalar|approx_distinct)\(/);
    }
  });

  it("the DuckDB source reads the columns named by the schema's fields, with DuckDB types", () => {
    const src = duckDbLakeSource("/lake/", "activity/", COLUMNS);
    expect(src).toContain("'/lake/activity/dt=*/*.gz'");
    expect(src).toContain("hive_types={'dt': 'VARCHAR'}");
    expect(src).toContain("columns={'eventId': 'VARCHAR', 'userId': 'VARCHAR', 'type': 'VARCHAR', 'time': 'VARCHAR', 'props': 'VARCHAR'}");
  });
});

describe("reports API, pure parts", () => {
  it("parseReportName: known names pass; unknown ones are 400 UnknownReport listing the known names", () => {
    expect(parseReportName("most-active-users")).toEqual({ ok: true, value: "most-active-users" });
    const bad = parseReportName("toString");
    expect(bad).toEqual({ ok: false, error: { status: 400, code: "UnknownReport", message: `Unknown report "toString"; known reports: ${REPORT_NAMES.join(", ")}` } });
    expect(parseReportName(undefined).ok).toBe(false);
  });

  it("parseExecutionId: a UUID passes; anything else is 404 ExecutionNotFound", () => {
    const id = randomUUID();
    expect(parseExecutionId(id)).toEqual({ ok: true, value: id });
    expect(parseExecutionId("../etc")).toEqual({ ok: false, error: { status: 404, code: "ExecutionNotFound", message: 'No report execution "../etc"' } });
  });

  it("rowsFromResultSet: the header row of the first page becomes the column names; later pages have no header", () => {
    const data = (...v: Array<string | undefined>) => ({ Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })) });
    const set = { Rows: [data("day", "users"), data("2026-01-01", "3"), data("2026-01-02", undefined)] };
    expect(rowsFromResultSet(set)).toEqual([
      { day: "2026-01-01", users: "3" },
      { day: "2026-01-02", users: null },
    ]);
    expect(rowsFromResultSet({ ...set, ResultSetMetadata: { ColumnInfo: [{ Name: "d" }, { Name: "u" }] } }, false)).toEqual([
      { d: "day", u: "users" },
      { d: "2026-01-01", u: "3" },
      { d: "2026-01-02", u: null },
    ]);
    expect(rowsFromResultSet(undefined)).toEqual([]);
  });
});
