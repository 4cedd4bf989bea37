/**
 * Profile items in DynamoDB. Every write is a single conditional request, so concurrent writers never lose
 * an update: the version is incremented by DynamoDB itself, and `If-Match` becomes a condition on it.
 * Only the DynamoDB client is imported here, never SNS: changes leave through the table's stream.
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { IfMatch, Profile, ProfileInput, profileFromItem } from "./domain";
import { PARTITION_KEY, profileKey } from "./schema";

/** A conditional write found the profile at another version than `If-Match` asked for (or absent). */
export class VersionConflictError extends Error {
  public constructor(
    public readonly expected: IfMatch,
    /** The version stored when the write was refused; undefined when there is no profile. */
    public readonly currentVersion: number | undefined,
  ) {
    super(
      currentVersion === undefined
        ? "If-Match was given but the profile does not exist"
        : `If-Match ${expected.kind === "version" ? `"${expected.version}"` : "*"} does not match the current version "${currentVersion}"`,
    );
    this.name = "VersionConflictError";
  }
}

/** A stored item that is not a readable profile: a bug or a manual edit, reported as a server error. */
export class CorruptProfileError extends Error {
  public constructor(userId: string) {
    super(`The stored profile item of user ${userId} is not a valid profile (missing or mistyped attributes)`);
    this.name = "CorruptProfileError";
  }
}

export interface ProfileStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The ConditionalCheckFailedException (with the old item when requested), or undefined for any other error. */
function conditionalCheckFailure(err: unknown): { Item?: Record<string, unknown> } | undefined {
  if (err instanceof Error && err.name === "ConditionalCheckFailedException") return err as { Item?: Record<string, unknown> };
  return undefined;
}

function versionOf(item: Record<string, unknown> | undefined): number | undefined {
  const version = item?.version;
  if (typeof version === "number") return version;
  // The exception carries the item in wire format ({ N: "3" }): lib-dynamodb does not unmarshall errors.
  if (version !== null && typeof version === "object" && "N" in version) {
    const parsed = Number((version as { N: unknown }).N);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

function conditionFor(ifMatch: IfMatch): { expression?: string; values: Record<string, unknown> } {
  switch (ifMatch.kind) {
    case "none":
      return { values: {} };
    case "any":
      return { expression: "attribute_exists(#pk)", values: {} };
    case "version":
      return { expression: "#version = :expectedVersion", values: { ":expectedVersion": ifMatch.version } };
  }
}

function readProfile(userId: string, item: Record<string, unknown> | undefined): Profile | undefined {
  if (item === undefined) return undefined;
  const profile = profileFromItem(item);
  if (profile === undefined) throw new CorruptProfileError(userId);
  return profile;
}

/** The user's profile, read with strong consistency (a client reads its own writes); undefined when absent. */
export async function getProfile(store: ProfileStore, userId: string): Promise<Profile | undefined> {
  const out = await store.client.send(
    new GetCommand({ TableName: store.tableName, Key: profileKey(userId), ConsistentRead: true }),
  );
  return readProfile(userId, out.Item);
}

/**
 * Creates or replaces the user's profile in one atomic update: fields absent from `input` are removed,
 * `version` goes up by one (1 on creation), `createdAt` is set only on creation.
 * @throws VersionConflictError when `ifMatch` does not hold.
 */
export async function saveProfile(
  store: ProfileStore,
  userId: string,
  input: ProfileInput,
  ifMatch: IfMatch,
  now: string,
): Promise<Profile> {
  const names: Record<string, string> = {
    "#pk": PARTITION_KEY,
    "#userId": "userId",
    "#displayName": "displayName",
    "#version": "version",
    "#createdAt": "createdAt",
    "#updatedAt": "updatedAt",
  };
  const values: Record<string, unknown> = {
    ":userId": userId,
    ":displayName": input.displayName,
    ":now": now,
    ":zero": 0,
    ":one": 1,
  };
  const set = [
    "#userId = :userId",
    "#displayName = :displayName",
    "#updatedAt = :now",
    "#createdAt = if_not_exists(#createdAt, :now)",
    "#version = if_not_exists(#version, :zero) + :one",
  ];
  const remove: string[] = [];
  for (const field of ["locale", "bio"] as const) {
    names[`#${field}`] = field;
    const value = input[field];
    if (value === undefined) {
      remove.push(`#${field}`);
    } else {
      set.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  const condition = conditionFor(ifMatch);
  const usedNames = condition.expression?.includes("#pk") === true ? names : withoutKey(names, "#pk");
  try {
    const out = await store.client.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: profileKey(userId),
        UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: usedNames,
        ExpressionAttributeValues: { ...values, ...condition.values },
        ReturnValues: "ALL_NEW",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    const profile = readProfile(userId, out.Attributes);
    if (profile === undefined) throw new CorruptProfileError(userId);
    return profile;
  } catch (err) {
    const failed = conditionalCheckFailure(err);
    if (failed !== undefined) throw new VersionConflictError(ifMatch, versionOf(failed.Item));
    throw err;
  }
}

/**
 * Deletes the user's profile. Without `If-Match` it is idempotent (deleting nothing succeeds).
 * @throws VersionConflictError when `ifMatch` does not hold.
 */
export async function deleteProfile(store: ProfileStore, userId: string, ifMatch: IfMatch): Promise<void> {
  const condition = conditionFor(ifMatch);
  try {
    await store.client.send(
      new DeleteCommand({
        TableName: store.tableName,
        Key: profileKey(userId),
        ConditionExpression: condition.expression,
        ExpressionAttributeNames:
          condition.expression === undefined
            ? undefined
            : condition.expression.includes("#pk")
              ? { "#pk": PARTITION_KEY }
              : { "#version": "version" },
        ExpressionAttributeValues: Object.keys(condition.values).length > 0 ? condition.values : undefined,
        ReturnValuesOnConditionCheckFailure: condition.expression === undefined ? undefined : "ALL_OLD",
      }),
    );
  } catch (err) {
    const failed = conditionalCheckFailure(err);
    if (failed !== undefined) throw new VersionConflictError(ifMatch, versionOf(failed.Item));
    throw err;
  }
}

/**
 * Creates the profile unless one exists (conditional put on the key). Returns false when it already existed:
 * a retried Cognito trigger changes nothing and does not fail.
 */
export async function createProfileIfAbsent(store: ProfileStore, profile: Profile): Promise<boolean> {
  try {
    await store.client.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...profileKey(profile.userId), ...profile },
        ConditionExpression: "attribute_not_exists(#pk)",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY },
      }),
    );
    return true;
  } catch (err) {
    if (conditionalCheckFailure(err) !== undefined) return false;
    throw err;
  }
}

function withoutKey(record: Record<string, string>, key: string): Record<string, string> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}
