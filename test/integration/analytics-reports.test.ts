/**
 * analytics-query's reports routes: HTTP API (payload 2.0) events with JWT claims → the handler's own Athena client →
 * moto (its Athena runs no SQL: StartQueryExecution and GetQueryExecution work, results are what moto's result queue
 * holds). The 404 for an id Athena does not know (InvalidRequestException, which moto does not raise) is proven with
 * a client that answers as Athena does.
 */
import fc from "fast-check";
import { Documented, expectDocumented, fcParams, hostileString } from "../fuzz/support";
import { randomUUID } from "node:crypto";
import { AthenaClient, CreateWorkGroupCommand, InvalidRequestException } from "@aws-sdk/client-athena";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { ACTIVITY_LAKE_DATABASE_ENV, ACTIVITY_LAKE_WORKGROUP_ENV, REPORT_NAMES, REPORTS } from "../../lambdas/analytics/reports";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";
import { cognitoClaims, httpApiEvent, lambdaContext } from "../support/events";
import { motoEndpoint } from "../support/moto";

type QueryModule = typeof import("../../lambdas/analytics/analytics-query");

const WORKGROUP = `reports-test-${randomUUID().slice(0, 8)}`;
const DATABASE = "platform_test_activity";
const context = lambdaContext("analytics-query");
let mod: QueryModule;

const admin = { ...cognitoClaims("boss", "boss@example.com"), "cognito:groups": "[admins]" };
const member = cognitoClaims("someone", "someone@example.com");

function request(path: string, claims: Record<string, string> | null = admin, method = "GET"): APIGatewayProxyEventV2WithJWTAuthorizer {
  const routeKey = path.startsWith("/analytics/reports/executions/") ? "GET /analytics/reports/executions/{id}" : "GET /analytics/reports/{name}";
  return httpApiEvent({ method, path, claims, routeKey });
}

async function call(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<{ status: number; body: any }> {
  const response = await mod.handler(event, context);
  return { status: response.statusCode, body: response.body === undefined ? undefined : JSON.parse(response.body) };
}

beforeAll(async () => {
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.AWS_ENDPOINT_URL_ATHENA = motoEndpoint();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? "SILENT";
  // the Data API target is read at cold start; the reports routes never call it
  process.env.ANALYTICS_DB_CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:unused";
  process.env.ANALYTICS_DB_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:unused-AbCdEf";
  process.env.ANALYTICS_DB_DATABASE = "unused";
  process.env[ACTIVITY_LAKE_WORKGROUP_ENV] = WORKGROUP;
  process.env[ACTIVITY_LAKE_DATABASE_ENV] = DATABASE;
  const athena = new AthenaClient({ endpoint: motoEndpoint(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await athena.send(new CreateWorkGroupCommand({ Name: WORKGROUP, Configuration: { ResultConfiguration: { OutputLocation: "s3://reports-test-results/results/" } } }));
  mod = await import("../../lambdas/analytics/analytics-query");
});

describe("GET /analytics/reports/{name} (moto Athena)", () => {
  it.each(REPORT_NAMES)("starts %s in the workgroup and answers 202 { executionId, report }; the execution ran that report's SQL", async (name) => {
    const started = await call(request(`/analytics/reports/${name}`));
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ executionId: expect.stringMatching(/^[0-9a-f-]{36}$/), report: name });
    const polled = await call(request(`/analytics/reports/executions/${started.body.executionId}`));
    expect(polled.status).toBe(200);
    // report is recognised from the execution's SQL text: the handler ran exactly REPORTS[name].sql
    expect(polled.body).toMatchObject({ executionId: started.body.executionId, report: name, state: expect.stringMatching(/^(QUEUED|RUNNING|SUCCEEDED)$/) });
  });

  it("when SUCCEEDED, returns the first page of rows keyed by the header row's column names", async () => {
    // moto's results queue: the next GetQueryResults of a new execution returns these rows (header first, as Athena)
    const rows = [
      ["day", "users"],
      ["2026-01-01", "3"],
      ["2026-01-02", "5"],
    ].map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) }));
    const queued = await fetch(`${motoEndpoint()}/moto-api/static/athena/query-results`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ account_id: "123456789012", region: LOCAL_REGION, results: [{ rows, column_info: [] }] }),
    });
    expect(queued.status).toBe(201);
    const started = await call(request("/analytics/reports/daily-active-users"));
    let polled = await call(request(`/analytics/reports/executions/${started.body.executionId}`));
    for (let i = 0; i < 5 && polled.body.state !== "SUCCEEDED"; i++) polled = await call(request(`/analytics/reports/executions/${started.body.executionId}`));
    expect(polled.body).toMatchObject({
      state: "SUCCEEDED",
      report: "daily-active-users",
      rows: [
        { day: "2026-01-01", users: "3" },
        { day: "2026-01-02", users: "5" },
      ],
      truncated: false,
    });
  });

  it("400 UnknownReport for an unknown name, listing the known reports", async () => {
    const { status, body } = await call(request("/analytics/reports/revenue"));
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: "UnknownReport", message: `Unknown report "revenue"; known reports: ${REPORT_NAMES.join(", ")}` } });
  });

  it("403 for a signed-in user outside the admins group (no query started)", async () => {
    const { status, body } = await call(request("/analytics/reports/daily-active-users", member));
    expect(status).toBe(403);
    expect(body.error.code).toBe("Forbidden");
    expect((await call(request(`/analytics/reports/executions/${randomUUID()}`, member))).status).toBe(403);
  });

  it("404 ExecutionNotFound for an id that is not a UUID, without calling Athena", async () => {
    const { status, body } = await call(request("/analytics/reports/executions/not-an-id"));
    expect(status).toBe(404);
    expect(body.error.code).toBe("ExecutionNotFound");
  });
});

describe("reports routes with Athena's own error answers", () => {
  const lake = () => ({ workgroup: "wg", database: "db" });
  const invalid = () => new InvalidRequestException({ message: "QueryExecution 1 was not found", $metadata: {} });

  it("404 ExecutionNotFound when Athena answers InvalidRequestException (unknown id)", async () => {
    const athena = { send: jest.fn(async () => Promise.reject(invalid())) };
    const id = randomUUID();
    await expect(mod.route(request(`/analytics/reports/executions/${id}`), {} as never, new Date(), { athena: athena as never, lake })).rejects.toMatchObject({
      statusCode: 404,
      code: "ExecutionNotFound",
      message: `No report execution "${id}"`,
    });
    // any other Athena failure stays a 5xx (not the caller's fault)
    const down = { send: jest.fn(async () => Promise.reject(new Error("socket hang up"))) };
    await expect(mod.route(request(`/analytics/reports/executions/${id}`), {} as never, new Date(), { athena: down as never, lake })).rejects.toThrow("socket hang up");
  });

  it("404 for an execution of another workgroup; a still-running one has no rows", async () => {
    const other = { send: jest.fn(async () => ({ QueryExecution: { QueryExecutionId: "x", WorkGroup: "someone-elses", Status: { State: "SUCCEEDED" } } })) };
    await expect(mod.route(request(`/analytics/reports/executions/${randomUUID()}`), {} as never, new Date(), { athena: other as never, lake })).rejects.toMatchObject({
      statusCode: 404,
      code: "ExecutionNotFound",
    });
    const running = {
      send: jest.fn(async () => ({ QueryExecution: { QueryExecutionId: "x", WorkGroup: "wg", Query: REPORTS["events-per-type"].sql, Status: { State: "RUNNING" } } })),
    };
    const res = await mod.route(request(`/analytics/reports/executions/${randomUUID()}`), {} as never, new Date(), { athena: running as never, lake });
    expect(JSON.parse(res.body as string)).toMatchObject({ state: "RUNNING", report: "events-per-type" });
    expect(JSON.parse(res.body as string).rows).toBeUndefined();
    expect(running.send).toHaveBeenCalledTimes(1); // no GetQueryResults before SUCCEEDED
  });

  it("starts a report with its SQL, the lake database as context and the workgroup", async () => {
    const athena = { send: jest.fn(async (_cmd: unknown) => ({ QueryExecutionId: "e-1" })) };
    const res = await mod.route(request("/analytics/reports/most-active-users"), {} as never, new Date(), { athena: athena as never, lake });
    expect(res.statusCode).toBe(202);
    expect((athena.send.mock.calls[0][0] as { input: unknown }).input).toEqual({
      QueryString: REPORTS["most-active-users"].sql,
      QueryExecutionContext: { Database: "db" },
      WorkGroup: "wg",
    });
  });

  it("405 for a method other than GET", async () => {
    await expect(
      mod.route(request("/analytics/reports/most-active-users", admin, "POST"), {} as never, new Date(), { athena: { send: jest.fn() } as never, lake }),
    ).rejects.toMatchObject({
      statusCode: 405,
      code: "MethodNotAllowed",
    });
  });
});

describe("the reports routes under bad input (property-based, fixed seed: test/fuzz/support.ts)", () => {
  const DOCUMENTED: Documented = { 400: ["UnknownReport"], 403: ["Forbidden"], 404: ["ExecutionNotFound"] };
  // A path segment as API Gateway hands it over: any string, percent-encoded (UTF-8; a lone surrogate cannot travel in
  // a URL, so it arrives as U+FFFD), or a malformed percent sequence as a client may send it.
  const encoded = fc
    .oneof(hostileString(80), fc.constantFrom(...REPORT_NAMES), fc.uuid())
    .map((s) => encodeURIComponent((s as string & { toWellFormed(): string }).toWellFormed()));
  const segment = fc.oneof(encoded, fc.constantFrom("..%2F..%2Fetc", "%E0%A4%A", "%", "%00", "%C0%AF"));
  const groups = fc.oneof(fc.constant("[admins]"), fc.constant("[staff,admins]"), fc.constant('["admins"]'), hostileString(30));

  it("GET /analytics/reports/{name} and /executions/{id}: any name, id and groups claim → 2xx or a documented 4xx, never an internal detail", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), segment, groups, async (execution, value, group) => {
        const path = execution ? `/analytics/reports/executions/${value}` : `/analytics/reports/${value}`;
        const response = await mod.handler(request(path, { ...admin, "cognito:groups": group }), context);
        expectDocumented(response, DOCUMENTED, execution ? [200] : [202]);
      }),
      fcParams(60),
    );
  });
});
