/**
 * Runs the Athena reports' SQL (reports.ts) on DuckDB, for tests: the same text, with the two rewrites below.
 *
 * Where Athena (Trino, engine version 3) and DuckDB differ for these queries, exactly:
 * 1. The table. Athena reads the Glue table `activity_events` (JSON SerDe over `activity/dt=.../*.gz`, partition
 *    projection for `dt`); DuckDB has no catalog, so the table name becomes
 *    `read_json('<root>/activity/dt=* /*.gz', format='newline_delimited', compression='gzip', hive_partitioning=true,
 *    hive_types={'dt': 'VARCHAR'}, columns={...})`: the same files, `dt` from the hive path as a string (Glue's `dt
 *    string`), the columns typed from the same LakeColumn list the Glue table is built from.
 * 2. `date_format(x, '%Y-%m-%d')` (Trino; MySQL-style format) is `strftime(x, '%Y-%m-%d')` in DuckDB (same format
 *    letters for %Y, %m, %d).
 * Everything else the reports use is the same in both: `current_date - INTERVAL '30' DAY`, `count(DISTINCT ...)`,
 * GROUP BY / ORDER BY on column names and aliases, LIMIT, string comparison of `dt`.
 * Identifiers: the SQL names columns lower-cased (`userid`), as Glue stores them; DuckDB resolves identifiers
 * case-insensitively, so `userid` reads the JSON key `userId` there too.
 */
import { ACTIVITY_LAKE_TABLE } from "./reports";

/** A lake column as DuckDB needs it: the JSON key and the Glue type. */
export interface DuckDbLakeColumn {
  /** The JSON key in the records (case as written by the producer). */
  readonly field: string;
  /** Glue/Hive type: string, bigint, int, double, boolean. */
  readonly type: string;
}

const DUCKDB_TYPES: Readonly<Record<string, string>> = { string: "VARCHAR", bigint: "BIGINT", int: "INTEGER", double: "DOUBLE", boolean: "BOOLEAN" };

/** A single-quoted SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The `read_json(...)` table function over the lake files under `root` (the bucket's stand-in). */
export function duckDbLakeSource(root: string, prefix: string, columns: readonly DuckDbLakeColumn[]): string {
  const cols = columns.map((c) => {
    const type = DUCKDB_TYPES[c.type];
    if (type === undefined) throw new Error(`reports-duckdb: no DuckDB type for Glue type "${c.type}" (column ${c.field})`);
    return `${literal(c.field)}: ${literal(type)}`;
  });
  const glob = `${root.replace(/\/+$/, "")}/${prefix}dt=*/*.gz`;
  return `read_json(${literal(glob)}, format='newline_delimited', compression='gzip', hive_partitioning=true, hive_types={'dt': 'VARCHAR'}, columns={${cols.join(", ")}})`;
}

/**
 * The DuckDB text of a report's Athena SQL: the table name replaced by `source` (rewrite 1) and `date_format(` by
 * `strftime(` (rewrite 2). Throws when the SQL does not read the lake table exactly once, so a report that stopped
 * matching the rewrite fails its test instead of querying something else.
 */
export function toDuckDbSql(athenaSql: string, source: string): string {
  const table = new RegExp(`\\bFROM\\s+${ACTIVITY_LAKE_TABLE}\\b`, "g");
  const matches = athenaSql.match(table) ?? [];
  if (matches.length !== 1) throw new Error(`reports-duckdb: expected one "FROM ${ACTIVITY_LAKE_TABLE}" in the SQL, found ${matches.length}`);
  return athenaSql.replace(table, `FROM ${source}`).replace(/\bdate_format\(/g, "strftime(");
}
