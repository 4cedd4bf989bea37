/**
 * analytics-query end to end, locally: HTTP API (payload 2.0) events with JWT claims → the handler's own
 * RDSDataClient → local Data API endpoint → real PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { migrate } from "../../lambdas/analytics/migrations";
import { MIGRATIONS } from "../../lambdas/analytics/migrations/index";
import { cognitoClaims, httpApiEvent, lambdaContext } from "../support/events";
import { AnalyticsTestDb, startAnalyticsDb } from "../support/analytics";

type QueryModule = typeof import("../../lambdas/analytics/analytics-query");

let t: AnalyticsTestDb;
let handler: QueryModule["handler"];
const context = lambdaContext("analytics-query");
const DAY = 86_400_000;

function request(
  path: string,
  query: Record<string, string> = {},
  claims: Record<string, string> | null = cognitoClaims("me", "me@example.com"),
  method = "GET",
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const event = httpApiEvent({ method, path, claims });
  const rawQueryString = new URLSearchParams(query).toString();
  return { ...event, rawQueryString, ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}) };
}
const admin = (groups: string) => ({ ...cognitoClaims("boss", "boss@example.com"), "cognito:groups": groups });

async function call(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<{ status: number; body: any }> {
  const response = await handler(event, context);
  return { status: response.statusCode, body: response.body === undefined ? undefined : JSON.parse(response.body) };
}

async function addEvent(userId: string, type: string, at: Date | string): Promise<void> {
  await t.sql("INSERT INTO activity_events (event_id, user_id, type, occurred_at, props) VALUES ($1, $2, $3, $4, '{}')", [
    randomUUID(),
    userId,
    type,
    typeof at === "string" ? at : at.toISOString(),
  ]);
}

beforeAll(async () => {
  t = await startAnalyticsDb("analytics_query");
  await migrate(t.dataApi, MIGRATIONS);
  ({ handler } = await import("../../lambdas/analytics/analytics-query"));
  const now = Date.now();
  await addEvent("me", "page.view", new Date(now - 1 * DAY));
  await addEvent("me", "page.view", new Date(now - 2 * DAY));
  await addEvent("me", "upload.done", new Date(now - 3 * DAY));
  await addEvent("me", "page.view", new Date(now - 40 * DAY)); // outside the default 30 days
  await addEvent("someone-else", "page.view", new Date(now - 1 * DAY));
  // daily active users: 2024-03-01: a, b (a twice); 2024-03-02: none; 2024-03-03: c (23:59:59 UTC), 2024-03-04: c (00:00 UTC)
  await addEvent("a", "x", "2024-03-01T00:00:00Z");
  await addEvent("a", "y", "2024-03-01T10:00:00Z");
  await addEvent("b", "x", "2024-03-01T23:00:00+00:00");
  await addEvent("c", "x", "2024-03-03T23:59:59.999Z");
  await addEvent("c", "x", "2024-03-04T00:00:00Z");
});

afterAll(async () => {
  await t?.close();
});

describe("GET /analytics/me/summary", () => {
  it("counts the caller's own events by type over the last 30 days by default", async () => {
    const { status, body } = await call(request("/analytics/me/summary"));
    expect(status).toBe(200);
    expect(body).toEqual({ userId: "me", days: 30, since: expect.any(String), total: 3, counts: { "page.view": 2, "upload.done": 1 } });
  });

  it("honours days=N", async () => {
    expect((await call(request("/analytics/me/summary", { days: "2" }))).body.counts).toEqual({ "page.view": 1 });
    expect((await call(request("/analytics/me/summary", { days: "366" }))).body.total).toBe(4);
  });

  it.each([["0"], ["367"], ["abc"], ["1.5"], ["-1"], [""]])("answers 400 for days=%j", async (days) => {
    const { status, body } = await call(request("/analytics/me/summary", { days }));
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: "InvalidQueryParameter", message: expect.stringContaining("days") } });
  });

  it("answers 401 without a sub claim, 405 for other methods, 404 for other paths", async () => {
    expect((await call(request("/analytics/me/summary", {}, null))).status).toBe(401);
    expect((await call(request("/analytics/me/summary", {}, undefined, "POST"))).status).toBe(405);
    expect((await call(request("/analytics/nope"))).status).toBe(404);
  });
});

describe("GET /analytics/daily-active-users", () => {
  it("counts distinct users per UTC day for admins (group claim as HTTP API flattens it), days without activity included", async () => {
    const { status, body } = await call(request("/analytics/daily-active-users", { from: "2024-03-01", to: "2024-03-04" }, admin("[admins other]")));
    expect(status).toBe(200);
    expect(body).toEqual({
      from: "2024-03-01",
      to: "2024-03-04",
      days: [
        { date: "2024-03-01", users: 2 },
        { date: "2024-03-02", users: 0 },
        { date: "2024-03-03", users: 1 },
        { date: "2024-03-04", users: 1 },
      ],
    });
  });

  it("accepts the group claim with admins alone", async () => {
    expect((await call(request("/analytics/daily-active-users", { from: "2024-03-01", to: "2024-03-01" }, admin("[admins]")))).body.days).toEqual([
      { date: "2024-03-01", users: 2 },
    ]);
  });

  // `[staff,admins]` and `["admins"]`: HTTP API's flattening of one group named `staff,admins` or `"admins"` (legal
  // Cognito group names), which once read as membership of `admins`.
  it.each([[undefined], ["[users]"], ["[administrators]"], ["admins-ish"], ["[staff,admins]"], ['["admins"]'], ['[users "admins"]']])(
    "answers 403 when cognito:groups is %j",
    async (groups) => {
      const claims = groups === undefined ? cognitoClaims("me", "me@example.com") : admin(groups);
      const { status, body } = await call(request("/analytics/daily-active-users", { from: "2024-03-01", to: "2024-03-04" }, claims));
      expect(status).toBe(403);
      expect(body.error.code).toBe("Forbidden");
    },
  );

  it.each([
    [{ to: "2024-03-04" }, /from: required/],
    [{ from: "2024-03-01" }, /to: required/],
    [{ from: "2024-3-1", to: "2024-03-04" }, /from: expected a date/],
    [{ from: "2024-02-30", to: "2024-03-04" }, /not a calendar date/],
    [{ from: "2024-03-05", to: "2024-03-04" }, /must not be after/],
    [{ from: "2024-01-01", to: "2025-01-01" }, /367 days; at most 366/],
    [{ from: "2024-01-01'; DROP TABLE users; --", to: "2024-03-04" }, /from: expected a date/],
  ])("answers 400 for %j", async (query, message) => {
    const { status, body } = await call(request("/analytics/daily-active-users", query as Record<string, string>, admin("[admins]")));
    expect(status).toBe(400);
    expect(body.error.code).toBe("InvalidQueryParameter");
    expect(body.error.message).toMatch(message);
  });

  it("accepts a range of exactly 366 days", async () => {
    const { status, body } = await call(request("/analytics/daily-active-users", { from: "2024-01-01", to: "2024-12-31" }, admin("[admins]")));
    expect(status).toBe(200);
    expect(body.days).toHaveLength(366);
  });

  it("answers 500 with a reference only when the database fails", async () => {
    t.api.failNext(1, "DatabaseErrorException", "ERROR: secret detail; SQLState: XX000");
    const { status, body } = await call(request("/analytics/me/summary"));
    expect(status).toBe(500);
    expect(body.error.code).toBe("InternalError");
    expect(JSON.stringify(body)).not.toContain("secret detail");
  });
});
