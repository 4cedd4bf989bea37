/**
 * profile-api and profile-bootstrap against DynamoDB Local, through their real handlers and the real SDK
 * clients (endpoint set only through AWS_ENDPOINT_URL_DYNAMODB, as in a local run), and the profile delete the
 * delete-user workflow runs (repository.deleteProfile). `DELETE /profiles/me` itself, which starts that workflow, is
 * tested with the workflow in test/integration/account-deletion.test.ts.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { HttpResponse } from "../../lambdas/shared/http";
import { PARTITION_KEY, PROFILE_SORT_KEY, SORT_KEY, VERSION_FLOOR_SORT_KEY, profileKey, userPartitionKey, versionFloorKey } from "../../lambdas/profile/schema";
import { parseIfMatch } from "../../lambdas/profile/domain";
import { HttpRequest, cognitoClaims, httpApiEvent, lambdaContext, postConfirmationEvent } from "../support/events";
import { createProfilesTable, deleteTable, testDynamoDbClient, uniqueTableName, useLocalAws } from "../support/local-aws";

type ApiModule = typeof import("../../lambdas/profile/profile-api");
type BootstrapModule = typeof import("../../lambdas/profile/profile-bootstrap");
type RepositoryModule = typeof import("../../lambdas/profile/repository");

const tableName = uniqueTableName("profiles-api-it");
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let api: ApiModule;
let bootstrap: BootstrapModule;
let repository: RepositoryModule;

beforeAll(async () => {
  // DELETE /profiles/me (which starts the workflow) is not called here: the state machine ARN is never used.
  useLocalAws({ PROFILES_TABLE_NAME: tableName, DELETE_USER_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:unused" });
  raw = testDynamoDbClient();
  doc = DynamoDBDocumentClient.from(raw);
  await createProfilesTable(raw, tableName);
  // Loaded after the environment is set: the handlers read it at cold start.
  api = await import("../../lambdas/profile/profile-api");
  bootstrap = await import("../../lambdas/profile/profile-bootstrap");
  repository = await import("../../lambdas/profile/repository");
});

afterAll(async () => {
  try {
    if (raw !== undefined) await deleteTable(raw, tableName);
  } finally {
    raw?.destroy();
  }
});

interface TestUser {
  readonly userId: string;
  readonly email: string;
}

function newUser(): TestUser {
  const userId = randomUUID();
  return { userId, email: `user-${userId.slice(0, 8)}@example.com` };
}

function request(user: TestUser, req: Omit<HttpRequest, "claims">): APIGatewayProxyEventV2WithJWTAuthorizer {
  return httpApiEvent({ ...req, claims: cognitoClaims(user.userId, user.email) });
}

async function call(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResponse> {
  return api.handler(event, lambdaContext("profile-api"));
}

function json(response: HttpResponse): Record<string, unknown> {
  return JSON.parse(response.body ?? "null") as Record<string, unknown>;
}

function errorOf(response: HttpResponse): { code: string; message: string } {
  return (json(response) as { error: { code: string; message: string } }).error;
}

async function put(user: TestUser, body: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return call(request(user, { method: "PUT", body: JSON.stringify(body), headers }));
}

async function storedItem(userId: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: profileKey(userId), ConsistentRead: true }))).Item;
}

async function storedFloor(userId: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: versionFloorKey(userId), ConsistentRead: true }))).Item;
}

/**
 * The profile delete of the delete-user workflow's DeleteProfile step (repository.deleteProfile, which also writes the
 * version floor), with If-Match parsed as the API parses it: "deleted", or "refused" when If-Match does not hold.
 */
async function del(user: TestUser, headers: Record<string, string> = {}): Promise<"deleted" | "refused"> {
  const ifMatch = parseIfMatch(headers["if-match"]);
  if (!ifMatch.ok) throw new Error(`bad If-Match in the test: ${headers["if-match"]}`);
  try {
    await repository.deleteProfile({ client: doc, tableName }, user.userId, ifMatch.value);
    return "deleted";
  } catch (err) {
    if (err instanceof repository.VersionConflictError) return "refused";
    throw err;
  }
}

/** A user whose profile reached `version` and was then deleted (so the version floor is `version`). */
async function deletedAt(version: number): Promise<TestUser> {
  const user = newUser();
  for (let v = 1; v <= version; v++) expect(json(await put(user, { displayName: `first life v${v}` })).version).toBe(v);
  expect(await del(user)).toBe("deleted");
  return user;
}

describe("GET /profiles/me", () => {
  it("answers 404 NotFound as JSON when the user has no profile", async () => {
    const response = await call(request(newUser(), { method: "GET" }));
    expect(response.statusCode).toBe(404);
    expect(errorOf(response).code).toBe("NotFound");
  });

  it("returns the stored profile with the e-mail from the claims and its version as ETag", async () => {
    const user = newUser();
    await put(user, { displayName: "Ada", locale: "en-GB", bio: "Analyst" });
    const response = await call(request(user, { method: "GET" }));
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(json(response)).toEqual({
      userId: user.userId,
      email: user.email,
      displayName: "Ada",
      locale: "en-GB",
      bio: "Analyst",
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it("serves only the caller's own profile: the identity comes from the claims, not the request", async () => {
    const owner = newUser();
    const other = newUser();
    await put(owner, { displayName: "Owner" });
    const event = request(other, {
      method: "GET",
      headers: { "x-user-id": owner.userId },
    });
    event.queryStringParameters = { userId: owner.userId };
    expect((await call(event)).statusCode).toBe(404);
  });

  it("routes requests made through a named stage", async () => {
    const user = newUser();
    await put(user, { displayName: "Staged" });
    const response = await call(request(user, { method: "GET", stage: "prod" }));
    expect(response.statusCode).toBe(200);
    expect(json(response).displayName).toBe("Staged");
  });
});

describe("PUT /profiles/me", () => {
  it("creates the profile: 201, version 1, createdAt = updatedAt, item under USER#<sub> / PROFILE", async () => {
    const user = newUser();
    const before = Date.now();
    const response = await put(user, { displayName: "Grace", locale: "en-us" });
    expect(response.statusCode).toBe(201);
    expect(response.headers.etag).toBe('"1"');
    const body = json(response);
    expect(body).toMatchObject({ userId: user.userId, email: user.email, displayName: "Grace", locale: "en-US", bio: null, version: 1 });
    expect(body.createdAt).toBe(body.updatedAt);
    expect(Date.parse(String(body.createdAt))).toBeGreaterThanOrEqual(before - 1000);

    const item = await storedItem(user.userId);
    expect(item).toEqual({
      [PARTITION_KEY]: userPartitionKey(user.userId),
      [SORT_KEY]: PROFILE_SORT_KEY,
      userId: user.userId,
      displayName: "Grace",
      locale: "en-US",
      version: 1,
      createdAt: body.createdAt,
      updatedAt: body.updatedAt,
    });
    expect(item).not.toHaveProperty("email");
  });

  it("replaces the profile on update: version +1, createdAt kept, omitted optional fields removed", async () => {
    const user = newUser();
    const created = json(await put(user, { displayName: "Linus", locale: "fi", bio: "Kernel" }));
    await new Promise((r) => setTimeout(r, 5));
    const response = await put(user, { displayName: "Linus T." });
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    const updated = json(response);
    expect(updated).toMatchObject({ displayName: "Linus T.", locale: null, bio: null, version: 2, createdAt: created.createdAt });
    expect(Date.parse(String(updated.updatedAt))).toBeGreaterThan(Date.parse(String(created.updatedAt)));
    const item = await storedItem(user.userId);
    expect(item).not.toHaveProperty("locale");
    expect(item).not.toHaveProperty("bio");
    expect(item?.version).toBe(2);
  });

  it("increments the version atomically without If-Match: 8 concurrent writes give versions 1..8", async () => {
    const user = newUser();
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => put(user, { displayName: `Writer ${i}` })));
    expect(responses.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
    const versions = responses.map((r) => json(r).version as number).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await storedItem(user.userId))?.version).toBe(8);
    const createdAts = new Set(responses.map((r) => json(r).createdAt));
    expect(createdAts.size).toBe(1);
  });

  it.each(['"1"', 'W/"1"', "1"])("writes when If-Match %s names the current version", async (ifMatch) => {
    const user = newUser();
    await put(user, { displayName: "First" });
    const response = await put(user, { displayName: "Second" }, { "If-Match": ifMatch });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ displayName: "Second", version: 2 });
  });

  it("refuses a stale If-Match with 412 PreconditionFailed and leaves the item unchanged", async () => {
    const user = newUser();
    await put(user, { displayName: "v1" });
    await put(user, { displayName: "v2" });
    const response = await put(user, { displayName: "lost update" }, { "if-match": '"1"' });
    expect(response.statusCode).toBe(412);
    const error = errorOf(response);
    expect(error.code).toBe("PreconditionFailed");
    expect(error.message).toContain('current version "2"');
    expect(await storedItem(user.userId)).toMatchObject({ displayName: "v2", version: 2 });
  });

  it("refuses If-Match on a profile that does not exist with 412 and creates nothing", async () => {
    const user = newUser();
    const response = await put(user, { displayName: "Ghost" }, { "if-match": '"1"' });
    expect(response.statusCode).toBe(412);
    expect(errorOf(response).code).toBe("PreconditionFailed");
    expect(await storedItem(user.userId)).toBeUndefined();
  });

  it("treats If-Match * as 'only if it exists'", async () => {
    const user = newUser();
    expect((await put(user, { displayName: "x" }, { "if-match": "*" })).statusCode).toBe(412);
    await put(user, { displayName: "exists" });
    expect((await put(user, { displayName: "updated" }, { "if-match": "*" })).statusCode).toBe(200);
  });

  it("lets exactly one of two writers holding the same ETag win", async () => {
    const user = newUser();
    await put(user, { displayName: "base" });
    const [a, b] = await Promise.all([put(user, { displayName: "writer A" }, { "if-match": '"1"' }), put(user, { displayName: "writer B" }, { "if-match": '"1"' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
    const winner = a.statusCode === 200 ? "writer A" : "writer B";
    expect(await storedItem(user.userId)).toMatchObject({ displayName: winner, version: 2 });
  });

  describe("400 cases (nothing is written)", () => {
    const cases: Array<[string, Omit<HttpRequest, "claims" | "method">, string, RegExp]> = [
      ["missing body", {}, "MissingBody", /^body: /],
      ["empty body", { body: "" }, "MissingBody", /^body: /],
      ["malformed JSON", { body: '{"displayName": "Ada",' }, "MalformedJson", /^body: malformed JSON/],
      ["a JSON array", { body: "[]" }, "ValidationFailed", /^body: expected a JSON object, received array$/],
      ["JSON null", { body: "null" }, "ValidationFailed", /^body: expected a JSON object, received null$/],
      ["no displayName", { body: JSON.stringify({ bio: "hi" }) }, "ValidationFailed", /^displayName: is required$/],
      ["an empty displayName", { body: JSON.stringify({ displayName: "" }) }, "ValidationFailed", /^displayName: must not be empty$/],
      ["a displayName of 65 characters", { body: JSON.stringify({ displayName: "d".repeat(65) }) }, "ValidationFailed", /^displayName: must be at most 64/],
      ["a bio of 501 characters", { body: JSON.stringify({ displayName: "Ada", bio: "b".repeat(501) }) }, "ValidationFailed", /^bio: must be at most 500/],
      ["a malformed locale", { body: JSON.stringify({ displayName: "Ada", locale: "en_US" }) }, "ValidationFailed", /^locale: must be a BCP 47/],
      ["a numeric displayName", { body: JSON.stringify({ displayName: 7 }) }, "ValidationFailed", /^displayName: expected string, received number$/],
      ["a boolean bio", { body: JSON.stringify({ displayName: "Ada", bio: true }) }, "ValidationFailed", /^bio: expected string, received boolean$/],
      ["a numeric locale", { body: JSON.stringify({ displayName: "Ada", locale: 1 }) }, "ValidationFailed", /^locale: expected string, received number$/],
      ["an unknown field", { body: JSON.stringify({ displayName: "Ada", version: 9 }) }, "ValidationFailed", /^version: unknown field/],
      ["an attempt to set another user id", { body: JSON.stringify({ displayName: "Ada", userId: "victim" }) }, "ValidationFailed", /^userId: unknown field/],
      ["a malformed If-Match", { body: JSON.stringify({ displayName: "Ada" }), headers: { "if-match": "abc" } }, "InvalidIfMatch", /^If-Match: /],
    ];

    it.each(cases)("answers 400 for %s with the code and the field in the message", async (_label, req, code, message) => {
      const user = newUser();
      const response = await call(request(user, { method: "PUT", ...req }));
      expect(response.statusCode).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      const error = errorOf(response);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await storedItem(user.userId)).toBeUndefined();
    });

    it("leaves an existing profile untouched when the update is invalid", async () => {
      const user = newUser();
      await put(user, { displayName: "Valid" });
      expect((await put(user, { displayName: "x".repeat(65) })).statusCode).toBe(400);
      expect(await storedItem(user.userId)).toMatchObject({ displayName: "Valid", version: 1 });
    });
  });
});

describe("deleting the profile (the workflow's DeleteProfile step)", () => {
  it("deletes the profile; GET then answers 404", async () => {
    const user = newUser();
    await put(user, { displayName: "Temp" });
    expect(await del(user)).toBe("deleted");
    expect(await storedItem(user.userId)).toBeUndefined();
    expect((await call(request(user, { method: "GET" }))).statusCode).toBe(404);
  });

  it("is idempotent: deleting a missing profile succeeds", async () => {
    const user = newUser();
    expect(await del(user)).toBe("deleted");
    expect(await del(user)).toBe("deleted");
  });

  it("refuses a stale If-Match and keeps the profile", async () => {
    const user = newUser();
    await put(user, { displayName: "v1" });
    await put(user, { displayName: "v2" });
    expect(await del(user, { "if-match": 'W/"1"' })).toBe("refused");
    expect(await storedItem(user.userId)).toMatchObject({ version: 2 });
  });

  it("deletes when If-Match names the current version", async () => {
    const user = newUser();
    await put(user, { displayName: "v1" });
    expect(await del(user, { "if-match": '"1"' })).toBe("deleted");
    expect(await storedItem(user.userId)).toBeUndefined();
  });

  it("deletes only the profile item, not the user's other items", async () => {
    const user = newUser();
    await put(user, { displayName: "Has files" });
    await doc.send(new PutCommand({ TableName: tableName, Item: { [PARTITION_KEY]: userPartitionKey(user.userId), [SORT_KEY]: "FILE#a.pdf", size: 1 } }));
    expect(await del(user)).toBe("deleted");
    const left = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY },
        ExpressionAttributeValues: { ":pk": userPartitionKey(user.userId) },
      }),
    );
    expect(left.Items?.map((i) => i[SORT_KEY])).toEqual(["FILE#a.pdf", VERSION_FLOOR_SORT_KEY]);
  });
});

describe("versions stay monotonic across delete and re-creation (the user's version floor)", () => {
  it("a delete stores the deleted version as the floor item, holding nothing but its keys and the version", async () => {
    const user = await deletedAt(3);
    expect(await storedItem(user.userId)).toBeUndefined();
    expect(await storedFloor(user.userId)).toEqual({ [PARTITION_KEY]: userPartitionKey(user.userId), [SORT_KEY]: VERSION_FLOOR_SORT_KEY, version: 3 });
  });

  it('PUT after a delete at version 3 creates the profile at version 4: 201, ETag "4", new createdAt; the next PUT is 200 at 5', async () => {
    const user = await deletedAt(3);
    const before = Date.now();
    const created = await put(user, { displayName: "second life" });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"4"');
    const body = json(created);
    expect(body).toMatchObject({ displayName: "second life", version: 4, locale: null, bio: null });
    expect(body.createdAt).toBe(body.updatedAt);
    expect(Date.parse(String(body.createdAt))).toBeGreaterThanOrEqual(before - 1000);
    const updated = await put(user, { displayName: "second life v5" }, { "if-match": '"4"' });
    expect(updated.statusCode).toBe(200);
    expect(json(updated)).toMatchObject({ version: 5, createdAt: body.createdAt });
    expect((await call(request(user, { method: "GET" }))).headers.etag).toBe('"5"');
  });

  it("each further delete raises the floor to the deleted version: 2, then 4, then 6", async () => {
    const user = newUser();
    const floors: unknown[] = [];
    for (let life = 0; life < 3; life++) {
      expect((await put(user, { displayName: `life ${life}` })).statusCode).toBe(201);
      expect((await put(user, { displayName: `life ${life} updated` })).statusCode).toBe(200);
      expect(await del(user)).toBe("deleted");
      floors.push((await storedFloor(user.userId))?.version);
    }
    expect(floors).toEqual([2, 4, 6]);
  });

  it("a delete with If-Match names the deleted version in the floor", async () => {
    const user = newUser();
    await put(user, { displayName: "v1" });
    await put(user, { displayName: "v2" });
    expect(await del(user, { "if-match": '"2"' })).toBe("deleted");
    expect((await storedFloor(user.userId))?.version).toBe(2);
  });

  it("a delete refused for a stale If-Match writes no floor (the floor is part of the delete's transaction)", async () => {
    const user = newUser();
    await put(user, { displayName: "v1" });
    await put(user, { displayName: "v2" });
    expect(await del(user, { "if-match": '"1"' })).toBe("refused");
    expect(await storedFloor(user.userId)).toBeUndefined();
    expect(await storedItem(user.userId)).toMatchObject({ version: 2 });
    // and after a refused delete, a later floor still comes from the real delete
    expect(await del(user)).toBe("deleted");
    expect((await storedFloor(user.userId))?.version).toBe(2);
  });

  it("deleting a missing profile writes no floor, and a second delete leaves the floor as it was", async () => {
    const never = newUser();
    expect(await del(never)).toBe("deleted");
    expect(await storedFloor(never.userId)).toBeUndefined();
    const user = await deletedAt(2);
    expect(await del(user)).toBe("deleted");
    expect((await storedFloor(user.userId))?.version).toBe(2);
  });

  it("If-Match on a deleted profile is 412 and creates nothing, floor or not", async () => {
    const user = await deletedAt(2);
    expect((await put(user, { displayName: "x" }, { "if-match": '"2"' })).statusCode).toBe(412);
    expect((await put(user, { displayName: "x" }, { "if-match": "*" })).statusCode).toBe(412);
    expect(await storedItem(user.userId)).toBeUndefined();
  });

  it("8 concurrent PUTs after a delete at 3: exactly one creates (201, version 4), the others update; versions 4..11, each once", async () => {
    const user = await deletedAt(3);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => put(user, { displayName: `racer ${i}` })));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(json(responses.find((r) => r.statusCode === 201) as HttpResponse).version).toBe(4);
    expect(responses.map((r) => json(r).version as number).sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Set(responses.map((r) => json(r).createdAt)).size).toBe(1);
    expect((await storedItem(user.userId))?.version).toBe(11);
  });

  it("concurrent creations after a delete (repository): exactly one wins at floor + 1, the others find it and change nothing", async () => {
    const user = await deletedAt(3);
    const store = { client: doc, tableName };
    const now = new Date().toISOString();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => repository.createProfileIfAbsent(store, { userId: user.userId, displayName: `racer ${i}`, createdAt: now, updatedAt: now })),
    );
    const winners = results.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.version).toBe(4);
    expect(await storedItem(user.userId)).toMatchObject({ version: 4, displayName: winners[0]?.displayName });
  });

  it("a re-created profile races its own delete: versions still never repeat (each life starts above the last deleted)", async () => {
    const user = newUser();
    const seen: number[] = [];
    for (let round = 0; round < 4; round++) {
      const [a, b] = await Promise.all([put(user, { displayName: `a${round}` }), put(user, { displayName: `b${round}` }), del(user)]);
      for (const r of [a, b]) seen.push(json(r).version as number);
      const floor = (await storedFloor(user.userId))?.version as number | undefined;
      const current = (await storedItem(user.userId))?.version as number | undefined;
      if (floor !== undefined && current !== undefined) expect(current).toBeGreaterThan(floor);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("an account being deleted or deleted takes no profile writes", () => {
  it("a profile marked by the delete-user workflow answers 409 DeletionInProgress to every PUT, and keeps its version", async () => {
    const user = newUser();
    await put(user, { displayName: "Leaving" });
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: profileKey(user.userId),
        UpdateExpression: "SET deletion = :d",
        ExpressionAttributeValues: { ":d": { executionName: "delete-x-v1" } },
      }),
    );
    for (const headers of [{}, { "if-match": "*" }, { "if-match": '"1"' }]) {
      const response = await put(user, { displayName: "Staying?" }, headers as Record<string, string>);
      expect(response.statusCode).toBe(409);
      expect(errorOf(response).code).toBe("DeletionInProgress");
    }
    expect(await storedItem(user.userId)).toMatchObject({ displayName: "Leaving", version: 1 });
    // GET still shows it until the workflow deletes it.
    expect((await call(request(user, { method: "GET" }))).statusCode).toBe(200);
  });

  it("after the account deletion (floor accountDeleted), neither PUT nor the sign-up trigger re-creates the profile", async () => {
    const user = newUser();
    await put(user, { displayName: "Gone soon" });
    await repository.deleteProfile({ client: doc, tableName }, user.userId, { kind: "none" }, { accountDeletion: { executionName: "delete-y-v1" } });
    expect(await storedFloor(user.userId)).toMatchObject({ version: 1, accountDeleted: true, deletion: { executionName: "delete-y-v1" } });
    const response = await put(user, { displayName: "Back" });
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).code).toBe("AccountDeleted");
    const now = new Date().toISOString();
    await expect(repository.createProfileIfAbsent({ client: doc, tableName }, { userId: user.userId, displayName: "x", createdAt: now, updatedAt: now })).rejects.toThrow(
      repository.AccountDeletedError,
    );
    expect(await storedItem(user.userId)).toBeUndefined();
  });

  it("an account deletion re-run after the profile is gone still records it on the floor (version kept)", async () => {
    const user = await deletedAt(3);
    await repository.deleteProfile({ client: doc, tableName }, user.userId, { kind: "none" }, { accountDeletion: { executionName: "delete-z-v3" } });
    expect(await storedFloor(user.userId)).toMatchObject({ version: 3, accountDeleted: true, deletion: { executionName: "delete-z-v3" } });
    const never = newUser();
    await repository.deleteProfile({ client: doc, tableName }, never.userId, { kind: "none" }, { accountDeletion: { executionName: "delete-n-v1" } });
    expect(await storedFloor(never.userId)).toMatchObject({ version: 0, accountDeleted: true });
    expect((await put(never, { displayName: "x" })).statusCode).toBe(409);
  });
});

describe("authentication and routing", () => {
  it.each([
    ["no authorizer context", null, "sub, email"],
    ["no sub claim", { email: "a@example.com" }, "sub"],
    ["no email claim", { sub: "u-without-email" }, "email"],
  ])("answers 401 Unauthorized when the request has %s", async (_label, claims, missing) => {
    const response = await call(httpApiEvent({ method: "GET", claims }));
    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toBe("Bearer");
    expect(errorOf(response)).toEqual({ code: "Unauthorized", message: `The access token lacks the claim(s): ${missing}` });
  });

  it("answers 401 for a write without claims and writes nothing", async () => {
    const response = await call(httpApiEvent({ method: "PUT", claims: { sub: "u-no-email" }, body: JSON.stringify({ displayName: "x" }) }));
    expect(response.statusCode).toBe(401);
    expect(await storedItem("u-no-email")).toBeUndefined();
  });

  it("answers 404 RouteNotFound for an unknown path", async () => {
    const response = await call(request(newUser(), { method: "GET", path: "/profiles/someone-else" }));
    expect(response.statusCode).toBe(404);
    expect(errorOf(response).code).toBe("RouteNotFound");
  });

  it("trusts the matched route key when rawPath carries a custom domain's base path", async () => {
    const user = newUser();
    await put(user, { displayName: "Mapped" });
    const response = await call(request(user, { method: "GET", basePath: "/v1" }));
    expect(response.statusCode).toBe(200);
    expect(json(response).displayName).toBe("Mapped");
  });

  it("reads the path from rawPath, without the stage, behind a $default route", async () => {
    const user = newUser();
    await put(user, { displayName: "Default route" });
    const found = await call(request(user, { method: "GET", stage: "prod", routeKey: "$default" }));
    expect(found.statusCode).toBe(200);
    expect(json(found).displayName).toBe("Default route");
    const other = await call(request(user, { method: "GET", stage: "prod", routeKey: "$default", path: "/profiles/other" }));
    expect(other.statusCode).toBe(404);
    expect(errorOf(other).code).toBe("RouteNotFound");
  });

  it("answers 405 MethodNotAllowed with an Allow header for an unsupported method", async () => {
    const response = await call(request(newUser(), { method: "POST", body: "{}" }));
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET, PUT, DELETE");
    expect(errorOf(response).code).toBe("MethodNotAllowed");
  });
});

describe("profile-bootstrap (Cognito post-confirmation)", () => {
  it("creates the profile once: a second call returns the event, fails nothing and leaves one item at version 1", async () => {
    const userId = randomUUID();
    const event = postConfirmationEvent({ sub: userId, email: "hopper@example.com", name: "Grace Hopper" });
    await expect(bootstrap.handler(event, lambdaContext("profile-bootstrap"))).resolves.toBe(event);
    const first = await storedItem(userId);
    await expect(bootstrap.handler(event, lambdaContext("profile-bootstrap"))).resolves.toBe(event);

    const items = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY },
        ExpressionAttributeValues: { ":pk": userPartitionKey(userId) },
      }),
    );
    expect(items.Items).toHaveLength(1);
    expect(items.Items?.[0]).toEqual(first);
    expect(first).toMatchObject({ userId, displayName: "Grace Hopper", version: 1, [SORT_KEY]: PROFILE_SORT_KEY });
    expect(first?.createdAt).toBe(first?.updatedAt);
  });

  it("takes the display name from the e-mail's local part when there is no name", async () => {
    const userId = randomUUID();
    await bootstrap.handler(postConfirmationEvent({ sub: userId, email: "margaret.hamilton@example.com" }), lambdaContext("profile-bootstrap"));
    expect(await storedItem(userId)).toMatchObject({ displayName: "margaret.hamilton", version: 1 });
  });

  it("does not overwrite a profile the user already changed when Cognito retries the trigger", async () => {
    const user = newUser();
    const event = postConfirmationEvent({ sub: user.userId, email: user.email, name: "Initial" });
    await bootstrap.handler(event, lambdaContext("profile-bootstrap"));
    await put(user, { displayName: "Changed by user" });
    await bootstrap.handler(event, lambdaContext("profile-bootstrap"));
    expect(await storedItem(user.userId)).toMatchObject({ displayName: "Changed by user", version: 2 });
  });

  it('gives a profile the API then serves and updates with If-Match "1"', async () => {
    const user = newUser();
    await bootstrap.handler(postConfirmationEvent({ sub: user.userId, email: user.email }), lambdaContext("profile-bootstrap"));
    const got = await call(request(user, { method: "GET" }));
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect((await put(user, { displayName: "Next" }, { "if-match": String(got.headers.etag) })).statusCode).toBe(200);
  });

  it("after a delete of the same user id at version 3, creates the profile at version 4", async () => {
    const user = await deletedAt(3);
    await bootstrap.handler(postConfirmationEvent({ sub: user.userId, email: user.email, name: "Back again" }), lambdaContext("profile-bootstrap"));
    expect(await storedItem(user.userId)).toMatchObject({ displayName: "Back again", version: 4 });
    expect((await storedFloor(user.userId))?.version).toBe(3);
  });

  it("ignores other post-confirmation triggers (forgot password) and writes nothing", async () => {
    const userId = randomUUID();
    const event = postConfirmationEvent({ sub: userId, email: "x@example.com" }, "PostConfirmation_ConfirmForgotPassword");
    await expect(bootstrap.handler(event, lambdaContext("profile-bootstrap"))).resolves.toBe(event);
    expect(await storedItem(userId)).toBeUndefined();
  });
});
