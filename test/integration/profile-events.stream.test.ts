/**
 * The change path end to end, locally: profile-api writes DynamoDB Local; the records are read from the
 * table's REAL stream (DescribeStream / GetShardIterator / GetRecords), converted to Lambda's
 * DynamoDBStreamEvent and fed to profile-events, whose real SNSClient publishes to a local SNS Query endpoint.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient, _Record as StreamsRecord } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { supersedes } from "../../lambdas/analytics/user-events";
import { PARTITION_KEY, PROFILE_SORT_KEY, SORT_KEY, VERSION_FLOOR_SORT_KEY, userPartitionKey } from "../../lambdas/profile/schema";
import { partitionKeyOf, testStreamsClient, toStreamEvent, waitForStreamRecords } from "../support/dynamodb-streams";
import { cognitoClaims, httpApiEvent, lambdaContext, postConfirmationEvent } from "../support/events";
import { deleteProfile } from "../../lambdas/profile/repository";
import { createProfilesTable, deleteTable, testDynamoDbClient, uniqueTableName, useLocalAws } from "../support/local-aws";
import { ReceivedEntry, SnsQueryServer } from "../support/sns-query-server";

type ApiModule = typeof import("../../lambdas/profile/profile-api");
type EventsModule = typeof import("../../lambdas/profile/profile-events");
type BootstrapModule = typeof import("../../lambdas/profile/profile-bootstrap");
type DomainModule = typeof import("../../lambdas/profile/domain");

const tableName = uniqueTableName("profiles-events-it");
const topicArn = "arn:aws:sns:us-east-1:123456789012:platform-test-user-data-change";
const sns = new SnsQueryServer();
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let streams: DynamoDBStreamsClient;
let streamArn: string;
let api: ApiModule;
let events: EventsModule;
let bootstrap: BootstrapModule;
let domain: DomainModule;

beforeAll(async () => {
  const snsEndpoint = await sns.start();
  // DELETE /profiles/me (which starts the delete-user workflow) is not called: profiles are deleted as its
  // DeleteProfile step does (repository.deleteProfile), so the state machine ARN is never used.
  useLocalAws({
    PROFILES_TABLE_NAME: tableName,
    USER_DATA_CHANGE_TOPIC_ARN: topicArn,
    AWS_ENDPOINT_URL_SNS: snsEndpoint,
    DELETE_USER_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:unused",
  });
  raw = testDynamoDbClient();
  doc = DynamoDBDocumentClient.from(raw);
  streams = testStreamsClient();
  streamArn = await createProfilesTable(raw, tableName);
  api = await import("../../lambdas/profile/profile-api");
  events = await import("../../lambdas/profile/profile-events");
  bootstrap = await import("../../lambdas/profile/profile-bootstrap");
  domain = await import("../../lambdas/profile/domain");
});

afterAll(async () => {
  // Each step runs even when an earlier one (or beforeAll) failed: a leaked server or socket keeps jest alive.
  try {
    if (raw !== undefined) await deleteTable(raw, tableName);
  } finally {
    raw?.destroy();
    streams?.destroy();
    await sns.stop();
  }
});

beforeEach(() => sns.reset());

interface PublishedEvent {
  eventId: string;
  type: string;
  userId: string;
  version: number;
  changedFields: string[];
  occurredAt: string;
  profile?: Record<string, unknown>;
}

const parse = (entry: ReceivedEntry): PublishedEvent => JSON.parse(entry.message) as PublishedEvent;

/** The profile delete of the delete-user workflow's DeleteProfile step (with the version floor), as 204 when done. */
async function deleteProfileOf(userId: string): Promise<number> {
  await deleteProfile({ client: doc, tableName }, userId, { kind: "none" });
  return 204;
}

async function apiCall(userId: string, method: string, body?: unknown): Promise<number> {
  const response = await api.handler(
    httpApiEvent({ method, claims: cognitoClaims(userId, `${userId.slice(0, 8)}@example.com`), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
    lambdaContext("profile-api"),
  );
  return response.statusCode;
}

async function createProfiles(count: number): Promise<string[]> {
  const userIds = Array.from({ length: count }, () => randomUUID());
  for (const userId of userIds) {
    await bootstrap.handler(postConfirmationEvent({ sub: userId, email: `${userId}@example.com` }), lambdaContext("profile-bootstrap"));
  }
  return userIds;
}

/** The stream records of these users, in stream order, once `count` of them are there. */
async function streamRecordsOf(userIds: readonly string[], count: number): Promise<StreamsRecord[]> {
  const keys = new Set(userIds.map(userPartitionKey));
  const records = await waitForStreamRecords(streams, streamArn, (r) => keys.has(partitionKeyOf(r, PARTITION_KEY) ?? ""), count);
  expect(records).toHaveLength(count);
  return records;
}

async function runEvents(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return events.handler(event, lambdaContext("profile-events"));
}

const sequenceNumber = (record: StreamsRecord): string => record.dynamodb?.SequenceNumber ?? "missing";
const sortKeyOf = (record: StreamsRecord): string | undefined => record.dynamodb?.Keys?.[SORT_KEY]?.S;
const isProfileRecord = (record: StreamsRecord): boolean => sortKeyOf(record) === PROFILE_SORT_KEY;

describe("profile-events fed from the table's stream", () => {
  it("publishes created, updated and deleted events with the type attribute and every event field", async () => {
    const userId = randomUUID();
    expect(await apiCall(userId, "PUT", { displayName: "Ada" })).toBe(201);
    expect(await apiCall(userId, "PUT", { displayName: "Ada", bio: "Analyst" })).toBe(200);
    expect(await deleteProfileOf(userId)).toBe(204);
    await bootstrap.handler(postConfirmationEvent({ sub: randomUUID(), email: "no-dual-write@example.com" }), lambdaContext("profile-bootstrap"));
    // No dual write: profile-api and profile-bootstrap never called SNS (any action), although AWS_ENDPOINT_URL_SNS is set.
    expect(sns.requests).toHaveLength(0);

    // The delete also wrote the user's version floor (same transaction): its INSERT is in the stream, and skipped.
    const records = await streamRecordsOf([userId], 4);
    expect(records.filter((r) => !isProfileRecord(r)).map((r) => [r.eventName, sortKeyOf(r)])).toEqual([["INSERT", VERSION_FLOOR_SORT_KEY]]);
    const profileRecords = records.filter(isProfileRecord);
    expect(profileRecords.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    const result = await runEvents(toStreamEvent(records, streamArn));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns.requests).toHaveLength(1);
    expect(sns.requests[0].topicArn).toBe(topicArn);
    expect(sns.published.map((e) => e.attributes.type)).toEqual([
      { dataType: "String", stringValue: "profile.created" },
      { dataType: "String", stringValue: "profile.updated" },
      { dataType: "String", stringValue: "profile.deleted" },
    ]);
    const [created, updated, deleted] = sns.published.map(parse);

    expect(created).toMatchObject({
      eventId: domain.eventIdFor(profileRecords[0].eventID ?? ""),
      type: "profile.created",
      userId,
      version: 1,
      changedFields: ["createdAt", "displayName", "updatedAt", "userId", "version"],
      profile: { userId, displayName: "Ada", version: 1 },
    });
    expect(created.profile).not.toHaveProperty("bio");
    expect(updated).toMatchObject({
      type: "profile.updated",
      userId,
      version: 2,
      changedFields: ["bio", "updatedAt", "version"],
      profile: { displayName: "Ada", bio: "Analyst", version: 2 },
    });
    expect(deleted).toMatchObject({ type: "profile.deleted", userId, version: 2 });
    expect(deleted).not.toHaveProperty("profile");

    for (const [index, event] of [created, updated, deleted].entries()) {
      expect(event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const approximate = profileRecords[index].dynamodb?.ApproximateCreationDateTime;
      expect(event.occurredAt).toBe(new Date(Math.floor((approximate?.getTime() ?? 0) / 1000) * 1000).toISOString());
    }
    expect(new Set([created.eventId, updated.eventId, deleted.eventId]).size).toBe(3);
  });

  it("gives a redelivered batch the same event ids, so consumers can de-duplicate", async () => {
    const [userId] = await createProfiles(1);
    const records = await streamRecordsOf([userId], 1);
    await runEvents(toStreamEvent(records, streamArn));
    await runEvents(toStreamEvent(records, streamArn));
    expect(sns.published).toHaveLength(2);
    expect(parse(sns.published[0]).eventId).toBe(parse(sns.published[1]).eventId);
  });

  it("publishes in PublishBatch calls of at most 10 entries", async () => {
    const userIds = await createProfiles(12);
    const records = await streamRecordsOf(userIds, 12);
    const result = await runEvents(toStreamEvent(records, streamArn));
    expect(result.batchItemFailures).toEqual([]);
    expect(sns.requests.map((r) => r.entries.length)).toEqual([10, 2]);
    expect(sns.published.map((e) => parse(e).userId).sort()).toEqual([...userIds].sort());
  });

  it("reports exactly the record whose entry SNS lists as Failed", async () => {
    const userIds = await createProfiles(3);
    const records = await streamRecordsOf(userIds, 3);
    const failing = records[1];
    const failingUser = partitionKeyOf(failing, PARTITION_KEY)?.slice("USER#".length);
    sns.behave({
      failEntry: (entry) => (parse(entry).userId === failingUser ? { code: "InternalError", message: "simulated failure", senderFault: false } : undefined),
    });

    const result = await runEvents(toStreamEvent(records, streamArn));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(failing) }] });
    expect(sns.published.map((e) => parse(e).userId)).toEqual([records[0], records[2]].map((r) => partitionKeyOf(r, PARTITION_KEY)?.slice("USER#".length)));
  });

  it("reports every record of a chunk whose PublishBatch call throws, and still publishes the next chunk", async () => {
    const userIds = await createProfiles(12);
    const records = await streamRecordsOf(userIds, 12);
    let calls = 0;
    sns.behave({ rejectRequest: () => ++calls === 1 });

    const result = await runEvents(toStreamEvent(records, streamArn));

    expect(result.batchItemFailures).toEqual(records.slice(0, 10).map((r) => ({ itemIdentifier: sequenceNumber(r) })));
    expect(sns.requests.map((r) => r.entries.length)).toEqual([10, 2]);
    expect(sns.published).toHaveLength(2);
  });

  it("fails the invocation when no record of the batch was published, so Lambda retries the whole batch", async () => {
    const userIds = await createProfiles(2);
    const records = await streamRecordsOf(userIds, 2);
    sns.behave({ failEntry: () => ({ code: "KMSThrottling", message: "simulated throttling", senderFault: false }) });

    await expect(runEvents(toStreamEvent(records, streamArn))).rejects.toMatchObject({ name: "FullBatchFailureError" });
    expect(sns.requests.map((r) => r.entries.length)).toEqual([2]);
    expect(sns.published).toHaveLength(0);
  });

  it("skips items that are not profiles without publishing or failing them", async () => {
    const userId = randomUUID();
    await doc.send(new PutCommand({ TableName: tableName, Item: { [PARTITION_KEY]: userPartitionKey(userId), [SORT_KEY]: "FILE#photo.jpg", size: 12 } }));
    const records = await streamRecordsOf([userId], 1);

    const result = await runEvents(toStreamEvent(records, streamArn));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns.requests).toHaveLength(0);
  });

  it("after a delete, the re-created profile is published as profile.created one above the deleted version; floor records publish nothing", async () => {
    const userId = randomUUID();
    expect(await apiCall(userId, "PUT", { displayName: "first life" })).toBe(201);
    expect(await apiCall(userId, "PUT", { displayName: "first life v2" })).toBe(200);
    expect(await deleteProfileOf(userId)).toBe(204); // floor INSERT at 2
    expect(await apiCall(userId, "PUT", { displayName: "second life" })).toBe(201);
    expect(await deleteProfileOf(userId)).toBe(204); // floor MODIFY to 3
    await bootstrap.handler(postConfirmationEvent({ sub: userId, email: `${userId}@example.com`, name: "third life" }), lambdaContext("profile-bootstrap"));

    const records = await streamRecordsOf([userId], 8);
    expect(records.filter((r) => !isProfileRecord(r)).map((r) => [r.eventName, sortKeyOf(r)])).toEqual([
      ["INSERT", VERSION_FLOOR_SORT_KEY],
      ["MODIFY", VERSION_FLOOR_SORT_KEY],
    ]);
    const result = await runEvents(toStreamEvent(records, streamArn));

    expect(result).toEqual({ batchItemFailures: [] });
    const published = sns.published.map(parse);
    expect(published.map((e) => [e.type, e.version, e.profile?.displayName])).toEqual([
      ["profile.created", 1, "first life"],
      ["profile.updated", 2, "first life v2"],
      ["profile.deleted", 2, undefined],
      ["profile.created", 3, "second life"],
      ["profile.deleted", 3, undefined],
      ["profile.created", 4, "third life"],
    ]);
    expect(published.every((e) => e.userId === userId)).toBe(true);
    // analytics-ingest's ordering: every event supersedes the one before it, so none of them is ignored.
    const rank = (e: PublishedEvent) => ({ version: e.version, deleted: e.type === "profile.deleted" });
    expect(published.slice(1).map((e, i) => supersedes(rank(e), rank(published[i])))).toEqual(published.slice(1).map(() => true));
  });

  it("reports a record that cannot be mapped and publishes the others", async () => {
    const userIds = await createProfiles(2);
    const records = await streamRecordsOf(userIds, 2);
    const event = toStreamEvent(records, streamArn);
    const broken = event.Records[0];
    // A record from a stream configured with KEYS_ONLY carries no image: it cannot become an event.
    delete broken.dynamodb?.NewImage;

    const result = await runEvents(event);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(records[0]) }] });
    expect(sns.published.map((e) => parse(e).userId)).toEqual([partitionKeyOf(records[1], PARTITION_KEY)?.slice("USER#".length)]);
  });
});
