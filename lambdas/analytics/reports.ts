/**
 * The activity data lake's reports: the one place their SQL lives. The Terraform named queries
 * (services/activity-lake.ts → aws_athena_named_query) and analytics-query's `GET /analytics/reports/{name}` run this
 * text; the tests run the same text on DuckDB (reports-duckdb.ts documents the two dialect differences).
 *
 * The lake table (Glue, JSON SerDe) has one column per field of the activity event, named as the field lower-cased
 * (Glue stores column names in lower case; the OpenX JSON SerDe matches JSON keys case-insensitively), plus the
 * partition `dt` (`YYYY-MM-DD`, the UTC day Firehose delivered the record: arrival time, not the event's `time`).
 *
 * Every report reads the last REPORT_WINDOW_DAYS days and today by partition (`dt >= ...`), so Athena's partition
 * projection prunes to ~31 day prefixes instead of scanning the whole lake. Firehose and Kinesis deliver at least once,
 * so event counts are `count(DISTINCT eventid)`: a replayed record is counted once (per day).
 *
 * Pure: no AWS client, no I/O.
 */

/** The Glue table every report reads (in the environment's lake database, passed as the query's context). */
export const ACTIVITY_LAKE_TABLE = "activity_events";
/** Prefix of the lake's objects; Firehose writes `activity/dt=YYYY-MM-DD/<object>.gz`. */
export const ACTIVITY_LAKE_PREFIX = "activity/";
/** Days before today that every report covers (plus today). */
export const REPORT_WINDOW_DAYS = 30;
/** Most active users: how many rows. */
export const MOST_ACTIVE_USERS_LIMIT = 100;

/** Environment variables of analytics-query naming the lake (set by `DataLake.connect` with this prefix). */
export const ACTIVITY_LAKE_ENV_PREFIX = "ACTIVITY_LAKE";
export const ACTIVITY_LAKE_WORKGROUP_ENV = `${ACTIVITY_LAKE_ENV_PREFIX}_WORKGROUP`;
export const ACTIVITY_LAKE_DATABASE_ENV = `${ACTIVITY_LAKE_ENV_PREFIX}_DATABASE`;

const WINDOW = `dt >= date_format(current_date - INTERVAL '${REPORT_WINDOW_DAYS}' DAY, '%Y-%m-%d')`;

export interface ReportDefinition {
  /** One line, shown in the Athena console next to the named query. */
  readonly description: string;
  /** Athena (Trino) SQL over ACTIVITY_LAKE_TABLE; the lake database is the query's context. */
  readonly sql: string;
}

/** Every report, by the name the API and the named queries use. */
export const REPORTS = {
  "daily-active-users": {
    description: `Distinct active users per delivery day (UTC), last ${REPORT_WINDOW_DAYS} days and today`,
    sql: `SELECT dt AS day, count(DISTINCT userid) AS users
FROM ${ACTIVITY_LAKE_TABLE}
WHERE ${WINDOW}
GROUP BY dt
ORDER BY dt`,
  },
  "events-per-type": {
    description: `Events (distinct event ids) per type per delivery day (UTC), last ${REPORT_WINDOW_DAYS} days and today`,
    sql: `SELECT dt AS day, type, count(DISTINCT eventid) AS events
FROM ${ACTIVITY_LAKE_TABLE}
WHERE ${WINDOW}
GROUP BY dt, type
ORDER BY dt, type`,
  },
  "most-active-users": {
    description: `The ${MOST_ACTIVE_USERS_LIMIT} users with the most events (distinct event ids), last ${REPORT_WINDOW_DAYS} days and today`,
    sql: `SELECT userid AS user_id, count(DISTINCT eventid) AS events
FROM ${ACTIVITY_LAKE_TABLE}
WHERE ${WINDOW}
GROUP BY userid
ORDER BY events DESC, user_id
LIMIT ${MOST_ACTIVE_USERS_LIMIT}`,
  },
} as const satisfies Record<string, ReportDefinition>;

export type ReportName = keyof typeof REPORTS;
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[];

export const REPORTS_PATH_PREFIX = "/analytics/reports";
export const REPORT_EXECUTIONS_PATH_PREFIX = `${REPORTS_PATH_PREFIX}/executions`;
/** API routes of the reports (both GET, admins only). */
export const REPORT_ROUTES = [`GET ${REPORTS_PATH_PREFIX}/{name}`, `GET ${REPORT_EXECUTIONS_PATH_PREFIX}/{id}`] as const;

/** Error codes of the reports routes (body `{ error: { code, message } }`). */
export const REPORT_ERROR_CODES = {
  /** 400: `{name}` is not one of REPORT_NAMES (the message lists them). */
  unknownReport: "UnknownReport",
  /** 404: Athena knows no query execution with this id (or it is not a well-formed id). */
  executionNotFound: "ExecutionNotFound",
} as const;

export type ReportProblem =
  | { readonly status: 400; readonly code: typeof REPORT_ERROR_CODES.unknownReport; readonly message: string }
  | { readonly status: 404; readonly code: typeof REPORT_ERROR_CODES.executionNotFound; readonly message: string };

export type ReportResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReportProblem };

/** A report name from the path: one of REPORT_NAMES, else 400 UnknownReport listing the known names. */
export function parseReportName(raw: string | undefined): ReportResult<ReportName> {
  if (raw !== undefined && Object.prototype.hasOwnProperty.call(REPORTS, raw)) return { ok: true, value: raw as ReportName };
  const shown = raw === undefined ? "none" : JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}…` : raw);
  return {
    ok: false,
    error: { status: 400, code: REPORT_ERROR_CODES.unknownReport, message: `Unknown report ${shown}; known reports: ${REPORT_NAMES.join(", ")}` },
  };
}

/** Athena query execution ids are UUIDs; anything else cannot name an execution (404 without calling Athena). */
const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function executionNotFound(id: string): ReportProblem {
  const shown = JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}…` : id);
  return { status: 404, code: REPORT_ERROR_CODES.executionNotFound, message: `No report execution ${shown}` };
}

export function parseExecutionId(raw: string | undefined): ReportResult<string> {
  if (raw !== undefined && EXECUTION_ID.test(raw)) return { ok: true, value: raw };
  return { ok: false, error: executionNotFound(raw ?? "") };
}

/** The part of Athena's GetQueryResults ResultSet the rows come from. */
export interface ResultSetLike {
  readonly Rows?: ReadonlyArray<{ readonly Data?: ReadonlyArray<{ readonly VarCharValue?: string }> }>;
  readonly ResultSetMetadata?: { readonly ColumnInfo?: ReadonlyArray<{ readonly Name?: string }> };
}

/**
 * Rows of a SELECT's result page as objects keyed by column name. Athena's first row of the first page is the header
 * (the column labels): the names come from it; on later pages (no header) from ResultSetMetadata's ColumnInfo.
 * Values stay strings as Athena returns them (`null` for SQL NULL).
 */
export function rowsFromResultSet(resultSet: ResultSetLike | undefined, firstPage = true): Array<Record<string, string | null>> {
  const rows = resultSet?.Rows ?? [];
  const header = firstPage && rows.length > 0 ? (rows[0].Data?.map((d) => d.VarCharValue ?? "") ?? []) : [];
  const meta = resultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? "") ?? [];
  const columns = header.length > 0 ? header : meta;
  return rows.slice(firstPage ? 1 : 0).map((row) => {
    const out: Record<string, string | null> = {};
    columns.forEach((name, i) => {
      out[name] = row.Data?.[i]?.VarCharValue ?? null;
    });
    return out;
  });
}
