/**
 * The admin reports routes of analytics-query, over Athena:
 * - `GET /analytics/reports/{name}` starts the report's query (its SQL from reports.ts, the same text as the
 *   workgroup's named query) in the lake's workgroup, with the lake database as context → 202 `{ executionId, report }`;
 * - `GET /analytics/reports/executions/{id}` → 200 `{ executionId, report, state, ... }`, with the first page of rows
 *   (column names from the header row) once the state is SUCCEEDED.
 * Errors: 400 UnknownReport (lists the known names), 404 ExecutionNotFound (Athena's InvalidRequestException for an
 * unknown id, an id that is not a UUID, or an execution of another workgroup). The caller checks the admin group.
 */
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, InvalidRequestException, QueryExecution, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { requireEnv } from "../shared/env";
import { HttpError, HttpResponse, jsonResponse } from "../shared/http";
import {
  ACTIVITY_LAKE_DATABASE_ENV,
  ACTIVITY_LAKE_WORKGROUP_ENV,
  REPORT_EXECUTIONS_PATH_PREFIX,
  REPORTS,
  REPORTS_PATH_PREFIX,
  ReportName,
  ReportResult,
  executionNotFound,
  parseExecutionId,
  parseReportName,
  rowsFromResultSet,
} from "./reports";

/** Rows returned with a SUCCEEDED execution: Athena's largest page (the header row counts as one). */
export const REPORT_PAGE_SIZE = 1000;

export interface LakeTarget {
  readonly workgroup: string;
  readonly database: string;
}

/** The lake analytics-query runs reports in, from ACTIVITY_LAKE_WORKGROUP / ACTIVITY_LAKE_DATABASE. */
export function lakeTargetFromEnv(): LakeTarget {
  return { workgroup: requireEnv(ACTIVITY_LAKE_WORKGROUP_ENV), database: requireEnv(ACTIVITY_LAKE_DATABASE_ENV) };
}

/** The Athena client; endpoint from `AWS_ENDPOINT_URL_ATHENA` when set (local runs, tests). */
export function createAthenaClient(): AthenaClient {
  return new AthenaClient({});
}

/** True when the path is one of the reports routes' (the caller routes it here). */
export function isReportsPath(path: string): boolean {
  return path.startsWith(`${REPORTS_PATH_PREFIX}/`);
}

/** What a reports path addresses: an execution (`executions/{id}`) or a report (`{name}`). */
export type ReportsRequest = { readonly kind: "execution"; readonly id: ReportResult<string> } | { readonly kind: "report"; readonly name: ReportResult<ReportName> };

function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Parses a reports path (pure). `/analytics/reports/executions/<id>` is an execution, any other single segment a report name. */
export function parseReportsPath(path: string): ReportsRequest | undefined {
  if (path.startsWith(`${REPORT_EXECUTIONS_PATH_PREFIX}/`)) {
    const rest = path.slice(REPORT_EXECUTIONS_PATH_PREFIX.length + 1);
    if (rest === "" || rest.includes("/")) return undefined;
    return { kind: "execution", id: parseExecutionId(segment(rest)) };
  }
  const rest = path.slice(REPORTS_PATH_PREFIX.length + 1);
  if (rest === "" || rest.includes("/")) return undefined;
  return { kind: "report", name: parseReportName(segment(rest)) };
}

function orError<T>(result: ReportResult<T>): T {
  if (!result.ok) throw new HttpError(result.error.status, result.error.code, result.error.message);
  return result.value;
}

/** The report whose SQL an execution ran (the API only starts reports), or null for anything else. */
export function reportOfQuery(query: string | undefined): ReportName | null {
  const text = query?.trim();
  for (const [name, report] of Object.entries(REPORTS)) if (report.sql.trim() === text) return name as ReportName;
  return null;
}

function iso(date: Date | undefined): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

/** The execution as the API shows it (no result location: results are read through the API). */
export function executionView(execution: QueryExecution): Record<string, unknown> {
  const status = execution.Status ?? {};
  return {
    executionId: execution.QueryExecutionId,
    report: reportOfQuery(execution.Query),
    state: status.State ?? "UNKNOWN",
    ...(status.StateChangeReason !== undefined ? { stateChangeReason: status.StateChangeReason } : {}),
    submittedAt: iso(status.SubmissionDateTime),
    completedAt: iso(status.CompletionDateTime),
    dataScannedBytes: execution.Statistics?.DataScannedInBytes ?? null,
  };
}

/** Handles a reports path for an admin (the caller checked the group). */
export async function handleReports(path: string, athena: Pick<AthenaClient, "send">, lake: LakeTarget): Promise<HttpResponse> {
  const request = parseReportsPath(path);
  if (request === undefined) throw new HttpError(404, "RouteNotFound", `No route for GET ${path}`);

  if (request.kind === "report") {
    const report = orError(request.name);
    const started = await athena.send(
      new StartQueryExecutionCommand({ QueryString: REPORTS[report].sql, QueryExecutionContext: { Database: lake.database }, WorkGroup: lake.workgroup }),
    );
    return jsonResponse(202, { executionId: started.QueryExecutionId, report });
  }

  const id = orError(request.id);
  let execution: QueryExecution | undefined;
  try {
    execution = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
  } catch (err) {
    if (err instanceof InvalidRequestException || (err as { name?: string }).name === "InvalidRequestException") orError({ ok: false, error: executionNotFound(id) });
    throw err;
  }
  // Only executions of the lake's workgroup (IAM allows no other, this keeps the answer a 404 rather than a 500).
  if (execution === undefined || (execution.WorkGroup !== undefined && execution.WorkGroup !== lake.workgroup)) orError({ ok: false, error: executionNotFound(id) });
  const view = executionView(execution as QueryExecution);
  if (view.state !== "SUCCEEDED") return jsonResponse(200, view);
  const results = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: REPORT_PAGE_SIZE }));
  const rows = rowsFromResultSet(results.ResultSet);
  return jsonResponse(200, { ...view, rows, truncated: results.NextToken !== undefined });
}
