/**
 * Account deletion on real emulators: the delete-user workflow's task functions against moto (S3, Cognito), DynamoDB
 * Local and the local Data API over PostgreSQL; the workflow itself — the definition the dev stack synthesizes — run
 * on aws-local-stepfunctions (a real ASL interpreter) through the local runtime's Step Functions endpoint, with the
 * real handlers as its Lambda tasks, and with failures injected so its Retry and Catch paths are taken; and
 * profile-api's DELETE /profiles/me and GET /profiles/me/deletion over that endpoint.
 *
 * moto's own executions cannot run this workflow: its Lambda tasks only echo their input (the DeleteFiles loop would
 * never see `done`), and every StartExecution after the first in a region answers 500 (moto #10077).
 */
import { randomUUID } from "node:crypto";
import { AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, CreateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CreateBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { migrate } from "../../lambdas/analytics/migrations";
import { MIGRATIONS } from "../../lambdas/analytics/migrations/index";
import { deleteUserFiles, InvalidTaskInputError, parseDeleteFilesInput, userUploadsPrefix } from "../../lambdas/deletion/files";
import { anonymiseUser, parseAnonymiseInput } from "../../lambdas/deletion/analytics";
import { DeleteUserInput, PSEUDONYM_PREFIX, deletionExecutionName } from "../../lambdas/deletion/schema";
import { AccountDeletedError, DeletionInProgressError, ProfileStore, saveProfile } from "../../lambdas/profile/repository";
import { profileKey, versionFloorKey } from "../../lambdas/profile/schema";
import type { InvokeOutcome } from "../../local/runtime/types";
import { resourcesOf, synthApp } from "../support/app-synth";
import { AnalyticsTestDb, startAnalyticsDb } from "../support/analytics";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";
import { cognitoClaims, httpApiEvent, lambdaContext } from "../support/events";
import { createFilesTable, createProfilesTable, testDynamoDbClient, uniqueTableName, useLocalAws } from "../support/local-aws";
import { motoEndpoint } from "../support/moto";
import { failure, invokeHandlers, LocalStepFunctions, startLocalStepFunctions } from "../support/step-functions";

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
type ProfileApi = typeof import("../../lambdas/profile/profile-api");

const suffix = randomUUID().slice(0, 8);
const bucket = `deletion-it-${suffix}`;
const filesTable = uniqueTableName("deletion-files");
const profilesTable = uniqueTableName("deletion-profiles");
const aws = () => ({ endpoint: motoEndpoint(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });

let s3: S3Client;
let cognito: CognitoIdentityProviderClient;
let documents: DynamoDBDocumentClient;
let analytics: AnalyticsTestDb;
let userPoolId: string;
let profiles: ProfileStore;
let sfnLocal: LocalStepFunctions;
let sfn: SFNClient;
let stateMachineArn: string;
let profileApi: ProfileApi;
/** The task functions by their deployed names (as the synthesized definition's Lambda ARNs name them). */
let handlers: Record<string, Handler>;
/** Injected failures: function name → outcomes to answer instead of running it, one per invocation. */
const injected = new Map<string, InvokeOutcome[]>();
/** Run before an invocation of a function (once), e.g. to let an event arrive while the workflow runs. */
const onInvoke = new Map<string, () => Promise<void>>();
/** Every invocation of a task function (including injected failures), by function name. */
const invocations = new Map<string, number>();

/** The definition the dev stack ships, with its Terraform references resolved to this test's resources. */
function shippedDefinition(): string {
  const dev = synthApp({ offline: true }).stack("platform-dev");
  const machines = resourcesOf(dev, "aws_sfn_state_machine");
  expect(machines).toHaveLength(1);
  const definition = machines[0].definition as string;
  const names: Record<string, string> = { DeleteUserFiles: "delete-user-files", AnonymiseAnalytics: "anonymise-analytics", DeleteUserProfile: "delete-user-profile" };
  const resolved = definition.replace(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_]+)\.([a-z_]+)\}/g, (token, type: string, id: string, attribute: string) => {
    if (type === "aws_lambda_function" && attribute === "arn") {
      const name = Object.entries(names).find(([prefix]) => id.startsWith(prefix))?.[1];
      if (name !== undefined) return `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:${name}`;
    }
    if (type === "aws_dynamodb_table" && id.startsWith("Profiles_") && attribute === "name") return profilesTable;
    if (type === "aws_cognito_user_pool" && attribute === "id") return userPoolId;
    throw new Error(`The test does not resolve ${token}`);
  });
  expect(resolved).not.toContain("${");
  return resolved;
}

beforeAll(async () => {
  analytics = await startAnalyticsDb("deletion");
  await migrate(analytics.dataApi, MIGRATIONS);
  useLocalAws({
    AWS_ENDPOINT_URL_S3: motoEndpoint(),
    FILES_BUCKET_NAME: bucket,
    FILES_TABLE_NAME: filesTable,
    PROFILES_TABLE_NAME: profilesTable,
  });
  s3 = new S3Client(aws());
  cognito = new CognitoIdentityProviderClient(aws());
  const ddb = testDynamoDbClient();
  documents = DynamoDBDocumentClient.from(ddb);
  profiles = { client: documents, tableName: profilesTable };
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  await createProfilesTable(ddb, profilesTable);
  await createFilesTable(ddb, filesTable);
  userPoolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: `deletion-${suffix}`, UsernameAttributes: ["email"] }))).UserPool?.Id as string;

  // The handlers read their environment at cold start: load them now.
  handlers = {
    "delete-user-files": (await import("../../lambdas/deletion/delete-user-files")).handler as Handler,
    "anonymise-analytics": (await import("../../lambdas/deletion/anonymise-analytics")).handler as Handler,
    "delete-user-profile": (await import("../../lambdas/deletion/delete-user-profile")).handler as Handler,
  };
  sfnLocal = await startLocalStepFunctions({
    retryIntervalMs: 0,
    waitMs: 0,
    invoke: invokeHandlers(
      Object.fromEntries(
        Object.entries(handlers).map(([name, handler]) => [
          name,
          async (event: unknown, context: ReturnType<typeof lambdaContext>) => {
            const hook = onInvoke.get(name);
            onInvoke.delete(name);
            await hook?.();
            return handler(event, context);
          },
        ]),
      ),
      (name) => {
        invocations.set(name, (invocations.get(name) ?? 0) + 1);
        return injected.get(name)?.shift();
      },
    ),
  });
  stateMachineArn = await sfnLocal.createStateMachine(`platform-test-delete-user-${suffix}`, shippedDefinition());
  sfn = new SFNClient({ endpoint: sfnLocal.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  process.env.DELETE_USER_STATE_MACHINE_ARN = stateMachineArn;
  process.env.AWS_ENDPOINT_URL_SFN = sfnLocal.endpoint;
  profileApi = await import("../../lambdas/profile/profile-api");
}, 60_000);

afterAll(async () => {
  await sfnLocal?.close();
  await analytics?.close();
});

beforeEach(() => {
  injected.clear();
  invocations.clear();
  onInvoke.clear();
});

/** A user as the platform knows them: Cognito user (username = sub), profile, uploads, file items, analytics rows. */
async function seedUser(options: { objects?: number; versionsOfFirst?: number; activity?: number } = {}): Promise<{ userId: string; email: string }> {
  const email = `user-${randomUUID().slice(0, 8)}@example.com`;
  const created = await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: email, MessageAction: "SUPPRESS" }));
  const userId = created.User?.Username as string;
  const now = new Date().toISOString();
  await saveProfile(profiles, userId, { displayName: "Ada" }, { kind: "none" }, now);
  await saveProfile(profiles, userId, { displayName: "Ada L." }, { kind: "any" }, now);
  const objects = options.objects ?? 3;
  const keys = Array.from({ length: objects }, (_, i) => `${userUploadsPrefix(userId)}f${String(i).padStart(5, "0")}/doc.txt`);
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x" }))));
  }
  for (let v = 1; v < (options.versionsOfFirst ?? 1); v++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys[0], Body: `v${v}` }));
  if (keys.length > 1) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys[1] })); // a delete marker
  for (let i = 0; i < Math.min(objects, 30); i++) {
    await documents.send(new PutCommand({ TableName: filesTable, Item: { ownerId: userId, fileId: `f${String(i).padStart(5, "0")}`, status: "ready" } }));
  }
  for (let i = 0; i < (options.activity ?? 4); i++) {
    await analytics.sql(`INSERT INTO activity_events (event_id, user_id, type, occurred_at, props) VALUES ($1, $2, 'page.view', now(), '{"path":"/me"}')`, [randomUUID(), userId]);
  }
  await analytics.sql(`INSERT INTO users (user_id, email, display_name, locale, version, updated_at) VALUES ($1, $2, 'Ada L.', 'en', 2, now())`, [userId, email]);
  return { userId, email };
}

async function objectVersionsOf(userId: string): Promise<number> {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: userUploadsPrefix(userId) }));
  return (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
}

async function fileItemsOf(userId: string): Promise<number> {
  const out = await documents.send(new QueryCommand({ TableName: filesTable, KeyConditionExpression: "ownerId = :o", ExpressionAttributeValues: { ":o": userId } }));
  return out.Count ?? 0;
}

async function cognitoUserExists(userId: string): Promise<boolean> {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: userId }));
    return true;
  } catch (err) {
    if ((err as Error).name === "UserNotFoundException") return false;
    throw err;
  }
}

async function runWorkflow(
  userId: string,
  name = `${deletionExecutionName(userId, 2)}-${randomUUID().slice(0, 6)}`,
): Promise<{ status?: string; error?: string; cause?: string; name: string }> {
  const input: DeleteUserInput = { userId, profileVersion: 2, pseudonym: `${PSEUDONYM_PREFIX}${randomUUID()}` };
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  await sfnLocal.executions.waitFor(started.executionArn as string);
  const out = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
  return { status: out.status, error: out.error, cause: out.cause, name };
}

async function auditOf(userId: string, executionName: string): Promise<Record<string, unknown> | undefined> {
  const out = await documents.send(new GetCommand({ TableName: profilesTable, Key: { pk: `USER#${userId}`, sk: `DELETION_AUDIT#${executionName}` } }));
  return out.Item;
}

describe("the task functions on the emulators", () => {
  it("DeleteFiles deletes 10,000 uploads (every version and delete marker) and the file items, page by page, and nothing of another user", async () => {
    const { userId } = await seedUser({ objects: 10_000, versionsOfFirst: 3, activity: 0 });
    const other = await seedUser({ objects: 2, activity: 0 });
    const target = { s3, bucket, dynamodb: documents, table: filesTable };
    let input = parseDeleteFilesInput({ userId });
    let out;
    let calls = 0;
    do {
      // Three pages per invocation: the state machine's loop, without the state machine.
      let pages = 0;
      out = await deleteUserFiles(target, input, () => pages++ < 3);
      input = { userId, totals: out.totals };
      calls++;
    } while (!out.done && calls < 20);
    expect(out.done).toBe(true);
    // 10,000 objects + 2 more versions of the first + 1 delete marker; 30 file items.
    expect(out.totals).toEqual({ objectVersions: 10_003, fileItems: 30, invocations: calls });
    expect(calls).toBeGreaterThan(3);
    expect(await objectVersionsOf(userId)).toBe(0);
    expect(await fileItemsOf(userId)).toBe(0);
    expect(await objectVersionsOf(other.userId)).toBe(3);
    expect(await fileItemsOf(other.userId)).toBe(2);
    // A re-run finds nothing and is done at once.
    expect(await deleteUserFiles(target, { userId }, () => true)).toEqual({ done: true, totals: { objectVersions: 0, fileItems: 0, invocations: 1 } });
    // Seeding 10,000 objects into moto takes ~100 s on a quiet 2-core machine; a clean-clone CI run on a loaded one
    // took over 120 s (timed out), so the limit leaves room for that.
  }, 600_000);

  it("DeleteFiles refuses input that could reach another user's prefix", () => {
    expect(() => parseDeleteFilesInput({ userId: "a/b" })).toThrow(InvalidTaskInputError);
    expect(() => parseDeleteFilesInput({ userId: "" })).toThrow(/input.userId/);
    expect(() => parseDeleteFilesInput({ userId: "a", totals: { objectVersions: -1, fileItems: 0, invocations: 0 } })).toThrow(/totals.objectVersions/);
    expect(() => parseDeleteFilesInput(null)).toThrow(InvalidTaskInputError);
  });

  it("AnonymiseAnalytics re-keys the user's activity to the pseudonym, clears props and the users row's personal fields, and is idempotent", async () => {
    const { userId } = await seedUser({ objects: 0, activity: 5 });
    const other = await seedUser({ objects: 0, activity: 2 });
    const pseudonym = `${PSEUDONYM_PREFIX}${randomUUID()}`;
    const input = parseAnonymiseInput({ userId, pseudonym });
    expect(await anonymiseUser(analytics.dataApi, input)).toEqual({ activityRows: 5, userRows: 1 });
    expect(await analytics.sql(`SELECT count(*)::int AS n FROM activity_events WHERE user_id = $1`, [userId])).toEqual([{ n: 0 }]);
    expect(await analytics.sql(`SELECT count(*)::int AS n, min(props::text) AS props FROM activity_events WHERE user_id = $1`, [pseudonym])).toEqual([{ n: 5, props: "{}" }]);
    expect(await analytics.sql(`SELECT email, display_name, locale FROM users WHERE user_id = $1`, [userId])).toEqual([{ email: null, display_name: null, locale: null }]);
    expect(await analytics.sql(`SELECT count(*)::int AS n FROM activity_events WHERE user_id = $1 AND props <> '{}'::jsonb`, [other.userId])).toEqual([{ n: 2 }]);
    expect(await anonymiseUser(analytics.dataApi, input)).toEqual({ activityRows: 0, userRows: 0 });
    expect(() => parseAnonymiseInput({ userId, pseudonym: "someone-else" })).toThrow(/pseudonym/);
  });

  it("DeleteProfile deletes the profile, records the account deletion on the floor, and a later write of the profile gets AccountDeletedError", async () => {
    const { userId } = await seedUser({ objects: 0, activity: 0 });
    const handler = handlers["delete-user-profile"];
    expect(await handler({ userId, executionName: "delete-x-v2" }, lambdaContext("delete-user-profile"))).toEqual({
      profileDeleted: true,
      deletedVersion: 2,
      deletedAt: expect.any(String),
    });
    expect((await documents.send(new GetCommand({ TableName: profilesTable, Key: profileKey(userId) }))).Item).toBeUndefined();
    expect((await documents.send(new GetCommand({ TableName: profilesTable, Key: versionFloorKey(userId) }))).Item).toMatchObject({
      version: 2,
      accountDeleted: true,
      deletion: { executionName: "delete-x-v2" },
    });
    expect(await handler({ userId, executionName: "delete-x-v2" }, lambdaContext("delete-user-profile"))).toEqual({
      profileDeleted: false,
      deletedVersion: null,
      deletedAt: expect.any(String),
    });
    await expect(saveProfile(profiles, userId, { displayName: "Back" }, { kind: "none" }, new Date().toISOString())).rejects.toThrow(AccountDeletedError);
    await expect(handler({ userId, executionName: "not a name" }, lambdaContext("delete-user-profile"))).rejects.toThrow(/executionName/);
  });
});

describe("the shipped delete-user workflow on an ASL interpreter", () => {
  it("deletes files, anonymises analytics, deletes the profile and the Cognito user, and writes the audit record", async () => {
    const { userId } = await seedUser({ objects: 40, versionsOfFirst: 2, activity: 3 });
    const run = await runWorkflow(userId);
    expect(run).toMatchObject({ status: "SUCCEEDED" });
    expect(await objectVersionsOf(userId)).toBe(0);
    expect(await fileItemsOf(userId)).toBe(0);
    expect(await analytics.sql(`SELECT count(*)::int AS n FROM activity_events WHERE user_id = $1`, [userId])).toEqual([{ n: 0 }]);
    expect((await documents.send(new GetCommand({ TableName: profilesTable, Key: profileKey(userId) }))).Item).toBeUndefined();
    expect(await cognitoUserExists(userId)).toBe(false);
    const audit = await auditOf(userId, run.name);
    expect(audit).toMatchObject({
      executionName: run.name,
      requestedAtVersion: 2,
      removed: { objectVersions: 42, fileItems: 30, activityRows: 3, activityRowsInFlight: 0, analyticsUserRows: 1, profile: true },
    });
    expect(Date.parse(String(audit?.deletedAt))).toBeGreaterThanOrEqual(Date.parse(String(audit?.startedAt)));
  }, 60_000);

  it("retries transient Lambda and partial-delete failures with backoff and still finishes", async () => {
    const { userId } = await seedUser({ objects: 5, activity: 1 });
    injected.set("delete-user-files", [failure("Lambda.TooManyRequestsException"), failure("Lambda.ServiceException"), failure("PartialDeleteError")]);
    injected.set("anonymise-analytics", [failure("Sandbox.Timedout", "Task timed out after 60.00 seconds")]);
    const run = await runWorkflow(userId);
    expect(run.status).toBe("SUCCEEDED");
    expect(invocations.get("delete-user-files")).toBe(4); // three injected failures, then the real run
    expect(invocations.get("anonymise-analytics")).toBe(3); // the injected timeout, AnonymiseAnalytics, SweepAnalytics
    expect(await objectVersionsOf(userId)).toBe(0);
    expect(await cognitoUserExists(userId)).toBe(false);
  }, 60_000);

  it("a step that keeps failing ends the execution FAILED (DeleteUserFailed); the profile stays marked; a re-run finishes the job", async () => {
    const { userId } = await seedUser({ objects: 3, activity: 2 });
    injected.set(
      "anonymise-analytics",
      Array.from({ length: 20 }, () => failure("DatabaseErrorException", "relation does not exist")),
    );
    const failedRun = await runWorkflow(userId);
    expect(failedRun).toMatchObject({ status: "FAILED", error: "DeleteUserFailed" });
    expect(failedRun.cause).toContain("relation does not exist");
    // 1 attempt + 3 retries of the catch-all retrier, then Catch → Failed.
    expect(invocations.get("anonymise-analytics")).toBe(4);
    expect(await objectVersionsOf(userId)).toBe(0); // the steps before it ran
    expect(await cognitoUserExists(userId)).toBe(true); // the steps after it did not
    await expect(saveProfile(profiles, userId, { displayName: "Sneaky" }, { kind: "any" }, new Date().toISOString())).rejects.toThrow(DeletionInProgressError);

    injected.clear();
    const rerun = await runWorkflow(userId);
    expect(rerun.status).toBe("SUCCEEDED");
    expect(await cognitoUserExists(userId)).toBe(false);
    expect(await auditOf(userId, rerun.name)).toMatchObject({ removed: { objectVersions: 0, activityRows: 2, profile: true } });
  }, 60_000);

  it("bad task input is not retried: the execution fails at once", async () => {
    const { userId } = await seedUser({ objects: 1, activity: 0 });
    injected.set("delete-user-files", [failure("InvalidTaskInput", "DeleteFiles: input.userId must be a user id")]);
    const run = await runWorkflow(userId);
    expect(run).toMatchObject({ status: "FAILED", error: "DeleteUserFailed" });
    expect(invocations.get("delete-user-files")).toBe(1);
  }, 30_000);

  it("re-running a finished deletion succeeds and removes nothing more (profile gone, Cognito user gone are caught)", async () => {
    const { userId } = await seedUser({ objects: 2, activity: 1 });
    expect((await runWorkflow(userId)).status).toBe("SUCCEEDED");
    const again = await runWorkflow(userId);
    expect(again.status).toBe("SUCCEEDED");
    expect(await auditOf(userId, again.name)).toMatchObject({
      removed: { objectVersions: 0, fileItems: 0, activityRows: 0, activityRowsInFlight: 0, analyticsUserRows: 0, profile: false },
    });
  }, 60_000);

  it("an event still on the stream when AnonymiseAnalytics ran (stored while the profile is deleted) is anonymised by SweepAnalytics", async () => {
    const { userId } = await seedUser({ objects: 1, activity: 2 });
    const late = randomUUID();
    // Arrives after AnonymiseAnalytics: activity-processor stores it under the user's id while DeleteProfile runs.
    onInvoke.set("delete-user-profile", async () => {
      await analytics.sql(`INSERT INTO activity_events (event_id, user_id, type, occurred_at, props) VALUES ($1, $2, 'page.view', now(), '{"late":true}')`, [late, userId]);
    });
    const run = await runWorkflow(userId);
    expect(run.status).toBe("SUCCEEDED");
    expect(await analytics.sql(`SELECT count(*)::int AS n FROM activity_events WHERE user_id = $1`, [userId])).toEqual([{ n: 0 }]);
    expect(await analytics.sql(`SELECT user_id LIKE 'deleted-%' AS anonymised, props::text AS props FROM activity_events WHERE event_id = $1`, [late])).toEqual([
      { anonymised: true, props: "{}" },
    ]);
    expect(await auditOf(userId, run.name)).toMatchObject({ removed: { activityRows: 2, activityRowsInFlight: 1 } });
  }, 60_000);
});

describe("profile-api: DELETE /profiles/me and GET /profiles/me/deletion", () => {
  const call = (userId: string, email: string, method: string, path = "/profiles/me", headers: Record<string, string> = {}) =>
    profileApi.handler(httpApiEvent({ method, path, claims: cognitoClaims(userId, email), headers }), lambdaContext("profile-api"));

  it("answers 202 with the execution id, the same id for a repeated request, reports the status, then the profile is gone for good", async () => {
    const { userId, email } = await seedUser({ objects: 2, activity: 1 });
    expect((await call(userId, email, "GET", "/profiles/me/deletion")).statusCode).toBe(404);
    expect((await call(userId, email, "DELETE", "/profiles/me", { "if-match": '"1"' })).statusCode).toBe(412);

    const first = await call(userId, email, "DELETE");
    expect(first.statusCode).toBe(202);
    expect(first.headers.location).toBe("/profiles/me/deletion");
    const { executionId } = JSON.parse(first.body as string) as { executionId: string };
    expect(executionId).toBe(`${stateMachineArn.replace(":stateMachine:", ":execution:")}:${deletionExecutionName(userId, 2)}`);
    const again = await call(userId, email, "DELETE", "/profiles/me", { "if-match": '"2"' });
    expect(again.statusCode).toBe(202);
    expect(JSON.parse(again.body as string).executionId).toBe(executionId);
    expect(sfnLocal.executions.list(stateMachineArn).filter((e) => e.executionArn === executionId)).toHaveLength(1);

    await sfnLocal.executions.waitFor(executionId);
    const status = await call(userId, email, "GET", "/profiles/me/deletion");
    expect(status.statusCode).toBe(200);
    expect(JSON.parse(status.body as string)).toMatchObject({
      executionId,
      status: "SUCCEEDED",
      error: null,
      removed: { objectVersions: 3, fileItems: 2, activityRows: 1, activityRowsInFlight: 0, analyticsUserRows: 1, profile: true },
    });
    expect((await call(userId, email, "GET")).statusCode).toBe(404);
    const put = await profileApi.handler(
      httpApiEvent({ method: "PUT", path: "/profiles/me", claims: cognitoClaims(userId, email), body: JSON.stringify({ displayName: "Back" }) }),
      lambdaContext("profile-api"),
    );
    expect(put.statusCode).toBe(409);
    expect(JSON.parse(put.body as string).error.code).toBe("AccountDeleted");
    // Deleting again reports the same deletion; the state machine ran once.
    const third = await call(userId, email, "DELETE");
    expect(third.statusCode).toBe(202);
    expect(JSON.parse(third.body as string).executionId).toBe(executionId);
  }, 60_000);

  it("a profile being deleted takes no writes: 409 DeletionInProgress", async () => {
    const { userId, email } = await seedUser({ objects: 0, activity: 0 });
    injected.set(
      "delete-user-files",
      Array.from({ length: 20 }, () => failure("PermanentError")),
    );
    const res = await call(userId, email, "DELETE");
    const { executionId } = JSON.parse(res.body as string) as { executionId: string };
    // DELETE marked the profile before it started the execution: a write right after the 202 is refused.
    expect((await documents.send(new GetCommand({ TableName: profilesTable, Key: profileKey(userId) }))).Item?.deletion).toMatchObject({
      executionName: deletionExecutionName(userId, 2),
    });
    await sfnLocal.executions.waitFor(executionId);
    const put = await profileApi.handler(
      httpApiEvent({ method: "PUT", path: "/profiles/me", claims: cognitoClaims(userId, email), body: JSON.stringify({ displayName: "Changed" }), headers: { "if-match": "*" } }),
      lambdaContext("profile-api"),
    );
    expect(put.statusCode).toBe(409);
    expect(JSON.parse(put.body as string).error).toEqual({
      code: "DeletionInProgress",
      message: "This account is being deleted; the profile takes no more changes. Follow it with GET /profiles/me/deletion.",
    });
    const status = JSON.parse((await call(userId, email, "GET", "/profiles/me/deletion")).body as string);
    expect(status).toMatchObject({ status: "FAILED", error: "DeleteUserFailed", removed: null });
    expect((await call(userId, email, "POST", "/profiles/me/deletion")).statusCode).toBe(405);
  }, 60_000);
});
