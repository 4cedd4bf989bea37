/**
 * analytics-query: read endpoints over the analytics database, behind the HTTP API (payload 2.0, JWT authorizer).
 * - `GET /analytics/me/summary?days=N` (1–366, default 30): the caller's own event counts by type.
 * - `GET /analytics/daily-active-users?from=YYYY-MM-DD&to=YYYY-MM-DD` (from ≤ to, ≤ 366 days): distinct active users
 *   per UTC day; only for members of the Cognito group `admins` (403 otherwise).
 * - `GET /analytics/reports/{name}` and `GET /analytics/reports/executions/{id}`: the activity lake's reports over
 *   Athena (reports-api.ts); admins only, like daily-active-users.
 * Parameterised SQL only; 400 `{error:{code,message}}` on bad input.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { DataApi, analyticsDbTargetFromEnv, createRdsDataClient } from "../shared/data-api";
import { HttpError, HttpResponse, errorToResponse, jsonResponse, requestPath } from "../shared/http";
import { logger } from "../shared/logger";
import { LakeTarget, createAthenaClient, handleReports, isReportsPath, lakeTargetFromEnv } from "./reports-api";
import { ADMIN_GROUP, DAU_PATH, DAU_SQL, QueryResult, SUMMARY_PATH, SUMMARY_SQL, dauParams, groupsFromClaim, parseDateRange, parseDays, summaryParams } from "./query";

const db = new DataApi({
  client: createRdsDataClient(),
  target: analyticsDbTargetFromEnv(),
  // A reader waits less: an API call should not hang for the whole resume of a paused cluster.
  retry: { safetyMarginMs: 1000, maxDelayMs: 2000 },
  onRetry: ({ attempt, delayMs, error }) => logger.warn("Retrying a Data API call", { attempt, delayMs, error: String(error) }),
});

/** Athena for the reports routes; the lake's names are read on the first report request (the other routes run without them). */
export interface ReportsContext {
  readonly athena: Pick<ReturnType<typeof createAthenaClient>, "send">;
  lake(): LakeTarget;
}
let lakeTarget: LakeTarget | undefined;
const reports: ReportsContext = { athena: createAthenaClient(), lake: () => (lakeTarget ??= lakeTargetFromEnv()) };

export type AnalyticsQueryEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type Claims = Readonly<Record<string, unknown>>;

export const handler = async (event: AnalyticsQueryEvent, context: Context): Promise<HttpResponse> => {
  logger.addContext(context);
  try {
    return await route(event, db.forInvocation(context), new Date(), reports);
  } catch (err) {
    return errorToResponse(err, { awsRequestId: context.awsRequestId, apiRequestId: event.requestContext?.requestId }, logger);
  }
};

/**
 * The path the request addresses: a literal route key's path when API Gateway matched one (whatever prefix
 * `rawPath` carries), else `rawPath` without the stage prefix (for `$default` and greedy routes).
 */
export function routedPath(event: Pick<AnalyticsQueryEvent, "routeKey" | "rawPath" | "requestContext">): string {
  const routePath = /^[A-Z]+ (\/\S*)$/.exec(event.routeKey ?? "")?.[1];
  if (routePath !== undefined && !routePath.includes("{")) return routePath;
  return requestPath(event.rawPath, event.requestContext.stage);
}

function orBadRequest<T>(result: QueryResult<T>): T {
  if (!result.ok) throw new HttpError(400, result.error.code, result.error.message);
  return result.value;
}

function claimsOf(event: AnalyticsQueryEvent): Claims {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } };
  return context.authorizer?.jwt?.claims ?? {};
}

function requireUserId(claims: Claims): string {
  const sub = claims.sub;
  if (typeof sub !== "string" || sub.trim() === "") {
    throw new HttpError(401, "Unauthorized", "The access token lacks the claim(s): sub", { "www-authenticate": "Bearer" });
  }
  return sub;
}

export async function route(event: AnalyticsQueryEvent, db: DataApi, now: Date, reportsContext: ReportsContext = reports): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const path = routedPath(event);
  if (isReportsPath(path)) {
    if (method !== "GET") throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on ${path}; use GET`, { allow: "GET" });
    const claims = claimsOf(event);
    requireUserId(claims);
    if (!groupsFromClaim(claims["cognito:groups"]).includes(ADMIN_GROUP)) {
      throw new HttpError(403, "Forbidden", `Only members of the "${ADMIN_GROUP}" group may run reports`);
    }
    return handleReports(path, reportsContext.athena, reportsContext.lake());
  }
  if (path !== SUMMARY_PATH && path !== DAU_PATH) throw new HttpError(404, "RouteNotFound", `No route for ${method} ${path}`);
  if (method !== "GET") throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on ${path}; use GET`, { allow: "GET" });
  const claims = claimsOf(event);
  const userId = requireUserId(claims);
  const query = event.queryStringParameters ?? {};

  if (path === SUMMARY_PATH) {
    const days = orBadRequest(parseDays(query.days));
    const { params, since } = summaryParams(userId, days, now);
    const { rows } = await db.execute(SUMMARY_SQL, params);
    const counts: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      const n = Number(row.count);
      counts[String(row.type)] = n;
      total += n;
    }
    return jsonResponse(200, { userId, days, since, total, counts });
  }

  if (!groupsFromClaim(claims["cognito:groups"]).includes(ADMIN_GROUP)) {
    throw new HttpError(403, "Forbidden", `Only members of the "${ADMIN_GROUP}" group may read daily active users`);
  }
  const range = orBadRequest(parseDateRange(query.from, query.to));
  const { rows } = await db.execute(DAU_SQL, dauParams(range));
  return jsonResponse(200, { from: range.from, to: range.to, days: rows.map((r) => ({ date: String(r.date), users: Number(r.users) })) });
}
