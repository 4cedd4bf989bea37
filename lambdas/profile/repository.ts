/**
 * Profile items in DynamoDB. Every write is one conditional request or one transaction, so concurrent writers
 * never lose an update: an update increments the version in DynamoDB itself, and `If-Match` becomes a condition
 * on it. Versions never go back for a user: a delete stores the deleted version as the user's version floor in the
 * same transaction, and a creation starts one above the floor, checked in its own transaction.
 * Only the DynamoDB client is imported here, never SNS: changes leave through the table's stream.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { ACCOUNT_DELETED_ATTRIBUTE, DELETION_ATTRIBUTE, DELETION_AUDIT_SORT_KEY_PREFIX } from "../deletion/schema";
import { IfMatch, NewProfile, Profile, ProfileInput, profileFromItem } from "./domain";
import { PARTITION_KEY, PROFILE_SORT_KEY, SORT_KEY, VERSION_FLOOR_SORT_KEY, profileKey, userPartitionKey, versionFloorKey } from "./schema";

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

/** The account is being deleted (the delete-user workflow marked the profile): no write may change it any more. */
export class DeletionInProgressError extends Error {
  public constructor(
    userId: string,
    public readonly executionName: string | undefined,
  ) {
    super(`The account of user ${userId} is being deleted`);
    this.name = "DeletionInProgressError";
  }
}

/** The account was deleted (the version floor says so): its profile can never be created again. */
export class AccountDeletedError extends Error {
  public constructor(userId: string) {
    super(`The account of user ${userId} was deleted`);
    this.name = "AccountDeletedError";
  }
}

/** A stored item that is not a readable profile: a bug or a manual edit, reported as a server error. */
export class CorruptProfileError extends Error {
  public constructor(userId: string) {
    super(`The stored profile item of user ${userId} is not a valid profile (missing or mistyped attributes)`);
    this.name = "CorruptProfileError";
  }
}

/** A stored version floor that is not a number, or a floor not below the profile being deleted: a bug or a manual edit. */
export class CorruptVersionFloorError extends Error {
  public constructor(userId: string, detail: string) {
    super(`The version floor item of user ${userId} is inconsistent: ${detail}`);
    this.name = "CorruptVersionFloorError";
  }
}

/**
 * Concurrent writers kept winning the races of a write for all its attempts; nothing was written. profile-api answers
 * 409 `WriteConflict` with `retry-after: 1`: the same request may be sent again.
 */
export class WriteContentionError extends Error {
  public constructor(userId: string, attempts: number) {
    super(`The profile of user ${userId} could not be written: other writes won ${attempts} attempts in a row`);
    this.name = "WriteContentionError";
  }
}

/** How many times a write that lost a race (a transaction conflict, or a profile created or deleted meanwhile) runs again. */
export const MAX_WRITE_ATTEMPTS = 8;

export interface ProfileStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The ConditionalCheckFailedException (with the old item when requested), or undefined for any other error. */
function conditionalCheckFailure(err: unknown): { Item?: Record<string, unknown> } | undefined {
  if (err instanceof Error && err.name === "ConditionalCheckFailedException") return err as { Item?: Record<string, unknown> };
  return undefined;
}

interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, unknown>;
}

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
function cancellationReasons(err: unknown): readonly CancellationReason[] | undefined {
  if (err instanceof Error && err.name === "TransactionCanceledException") {
    return (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  }
  return undefined;
}

/** A write that collided with a transaction in progress on the same item: worth another attempt. */
function isTransactionConflict(err: unknown): boolean {
  if (err instanceof Error && err.name === "TransactionConflictException") return true;
  return cancellationReasons(err)?.some((r) => r.Code === "TransactionConflict") === true;
}

/** A short random pause that grows with the attempt, so racing writers stop colliding. */
async function backOff(attempt: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
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

/** A deletion marker as stored (`{ executionName, startedAt }`), read from a native or wire-format item. */
export interface DeletionMarker {
  readonly executionName?: string;
  readonly startedAt?: string;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object" && typeof (value as { S?: unknown }).S === "string") return (value as { S: string }).S;
  return undefined;
}

/** The item's deletion marker (absent: undefined). Exceptions carry items in wire format ({ M: { … } }). */
export function deletionOf(item: Record<string, unknown> | undefined): DeletionMarker | undefined {
  const raw = item?.[DELETION_ATTRIBUTE];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object") return {};
  const wire = (raw as { M?: unknown }).M;
  const map = (wire !== null && typeof wire === "object" ? wire : raw) as Record<string, unknown>;
  const executionName = stringOf(map.executionName);
  const startedAt = stringOf(map.startedAt);
  return { ...(executionName !== undefined ? { executionName } : {}), ...(startedAt !== undefined ? { startedAt } : {}) };
}

function accountDeletedIn(item: Record<string, unknown> | undefined): boolean {
  const raw = item?.[ACCOUNT_DELETED_ATTRIBUTE];
  return raw === true || (raw !== null && typeof raw === "object" && (raw as { BOOL?: unknown }).BOOL === true);
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
  const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: profileKey(userId), ConsistentRead: true }));
  return readProfile(userId, out.Item);
}

/**
 * Creates or replaces the user's profile: fields absent from `input` are removed, `version` goes up by one,
 * `createdAt` is kept. Without `If-Match`, a missing profile is created one above the user's version floor
 * (`created: true`); with `If-Match`, the profile must exist.
 * @throws VersionConflictError when `ifMatch` does not hold.
 * @throws WriteContentionError when concurrent transactions won all MAX_WRITE_ATTEMPTS attempts.
 */
export async function saveProfile(
  store: ProfileStore,
  userId: string,
  input: ProfileInput,
  ifMatch: IfMatch,
  now: string,
): Promise<{ readonly profile: Profile; readonly created: boolean }> {
  if (ifMatch.kind !== "none") {
    // The condition is on the version, so an attempt that collided with a transaction can run again unchanged.
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      try {
        return { profile: await updateProfile(store, userId, input, ifMatch, now), created: false };
      } catch (err) {
        if (!isTransactionConflict(err)) throw err;
        await backOff(attempt);
      }
    }
    throw new WriteContentionError(userId, MAX_WRITE_ATTEMPTS);
  }
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    try {
      return { profile: await updateProfile(store, userId, input, { kind: "any" }, now), created: false };
    } catch (err) {
      if (isTransactionConflict(err)) {
        await backOff(attempt);
        continue;
      }
      if (!(err instanceof VersionConflictError)) throw err;
    }
    // No profile: create it. Should another writer create it first, the next attempt updates it.
    const created = await createAboveFloor(store, { userId, ...input, createdAt: now, updatedAt: now });
    if (created !== undefined) return { profile: created, created: true };
  }
  throw new WriteContentionError(userId, MAX_WRITE_ATTEMPTS);
}

/** Replaces an existing profile in one conditional update (`If-Match` *, or a version). */
async function updateProfile(store: ProfileStore, userId: string, input: ProfileInput, ifMatch: Exclude<IfMatch, { kind: "none" }>, now: string): Promise<Profile> {
  const names: Record<string, string> = {
    "#userId": "userId",
    "#displayName": "displayName",
    "#version": "version",
    "#updatedAt": "updatedAt",
  };
  const values: Record<string, unknown> = { ":userId": userId, ":displayName": input.displayName, ":now": now, ":one": 1 };
  const set = ["#userId = :userId", "#displayName = :displayName", "#updatedAt = :now", "#version = #version + :one"];
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
  // A profile marked for deletion takes no more writes (the workflow deletes it).
  const expression = `${condition.expression !== undefined ? `(${condition.expression}) AND ` : ""}attribute_not_exists(#deletion)`;
  names["#deletion"] = DELETION_ATTRIBUTE;
  try {
    const out = await store.client.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: profileKey(userId),
        UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ConditionExpression: expression,
        ExpressionAttributeNames: condition.expression?.includes("#pk") === true ? { ...names, "#pk": PARTITION_KEY } : names,
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
    if (failed !== undefined) {
      const marker = deletionOf(failed.Item);
      if (marker !== undefined) throw new DeletionInProgressError(userId, marker.executionName);
      throw new VersionConflictError(ifMatch, versionOf(failed.Item));
    }
    throw err;
  }
}

export interface DeleteProfileOptions {
  /**
   * The delete-user workflow deletes the account: the floor also records that (and which execution did it), so the
   * profile can never be created again, not even by a request with a token issued before the Cognito user was deleted.
   */
  readonly accountDeletion?: { readonly executionName: string };
}

/** The floor of a user whose profile is already gone records the account deletion (a re-run of the workflow). */
async function markAccountDeleted(store: ProfileStore, userId: string, executionName: string): Promise<void> {
  await store.client.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: versionFloorKey(userId),
      UpdateExpression: "SET #deleted = :true, #deletion = if_not_exists(#deletion, :deletion), #version = if_not_exists(#version, :zero)",
      ExpressionAttributeNames: { "#deleted": ACCOUNT_DELETED_ATTRIBUTE, "#deletion": DELETION_ATTRIBUTE, "#version": "version" },
      ExpressionAttributeValues: { ":true": true, ":deletion": { executionName }, ":zero": 0 },
    }),
  );
}

/**
 * Deletes the user's profile and, in the same transaction, stores its version as the user's version floor (the
 * stream still carries the profile's REMOVE, so profile.deleted is published at that version). Without `If-Match`
 * it is idempotent (deleting nothing succeeds). Returns the deleted version, undefined when there was no profile.
 * @throws VersionConflictError when `ifMatch` does not hold.
 */
export async function deleteProfile(store: ProfileStore, userId: string, ifMatch: IfMatch, options: DeleteProfileOptions = {}): Promise<number | undefined> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await store.client.send(
      new GetCommand({
        TableName: store.tableName,
        Key: profileKey(userId),
        ConsistentRead: true,
        ProjectionExpression: "#pk, #version",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY, "#version": "version" },
      }),
    );
    const version = versionOf(current.Item);
    if (current.Item !== undefined && version === undefined) throw new CorruptProfileError(userId);
    if (version === undefined) {
      if (ifMatch.kind !== "none") throw new VersionConflictError(ifMatch, undefined);
      if (options.accountDeletion !== undefined) await markAccountDeleted(store, userId, options.accountDeletion.executionName);
      return undefined;
    }
    if (ifMatch.kind === "version" && ifMatch.version !== version) throw new VersionConflictError(ifMatch, version);
    try {
      await store.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // The version just read: the If-Match check above holds for exactly this item.
              Delete: {
                TableName: store.tableName,
                Key: profileKey(userId),
                ConditionExpression: "#version = :version",
                ExpressionAttributeNames: { "#version": "version" },
                ExpressionAttributeValues: { ":version": version },
              },
            },
            {
              Put: {
                TableName: store.tableName,
                Item: {
                  ...versionFloorKey(userId),
                  version,
                  ...(options.accountDeletion !== undefined
                    ? { [ACCOUNT_DELETED_ATTRIBUTE]: true, [DELETION_ATTRIBUTE]: { executionName: options.accountDeletion.executionName } }
                    : {}),
                },
                ConditionExpression: "attribute_not_exists(#pk) OR #version < :version",
                ExpressionAttributeNames: { "#pk": PARTITION_KEY, "#version": "version" },
                ExpressionAttributeValues: { ":version": version },
              },
            },
          ],
        }),
      );
      return version;
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (reasons === undefined) throw err;
      // The profile changed or vanished since it was read: read it again (and check If-Match against it).
      if (reasons[0]?.Code === "ConditionalCheckFailed") continue;
      if (reasons[1]?.Code === "ConditionalCheckFailed") {
        throw new CorruptVersionFloorError(userId, `the floor is not below the profile version ${version} being deleted`);
      }
      if (!isTransactionConflict(err)) throw err;
      await backOff(attempt);
    }
  }
  throw new WriteContentionError(userId, MAX_WRITE_ATTEMPTS);
}

/**
 * Creates the profile unless one exists, one above the user's version floor (version 1 for a user who never
 * deleted a profile). Returns the stored profile, or undefined when one already existed: a retried Cognito trigger
 * changes nothing and does not fail.
 */
export async function createProfileIfAbsent(store: ProfileStore, profile: NewProfile): Promise<Profile | undefined> {
  return createAboveFloor(store, profile);
}

/**
 * Puts the new profile item and checks, in the same transaction, that the user's version floor is the one its version
 * was computed from. The first attempt assumes no floor (no read, so the Cognito trigger needs no read access); a
 * failed floor check returns the stored floor, and the next attempt starts above it. A lost race with a delete (the
 * floor moved) runs again, bounded; a profile that exists ends it.
 */
async function createAboveFloor(store: ProfileStore, fields: NewProfile): Promise<Profile | undefined> {
  let floor: number | undefined;
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const profile: Profile = { ...fields, version: (floor ?? 0) + 1 };
    try {
      await store.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: store.tableName,
                Item: { ...profileKey(profile.userId), ...profile },
                ConditionExpression: "attribute_not_exists(#pk)",
                ExpressionAttributeNames: { "#pk": PARTITION_KEY },
              },
            },
            {
              ConditionCheck: {
                TableName: store.tableName,
                Key: versionFloorKey(profile.userId),
                ...(floor === undefined
                  ? { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": PARTITION_KEY } }
                  : {
                      ConditionExpression: "#version = :floor AND attribute_not_exists(#deleted)",
                      ExpressionAttributeNames: { "#version": "version", "#deleted": ACCOUNT_DELETED_ATTRIBUTE },
                      ExpressionAttributeValues: { ":floor": floor },
                    }),
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      );
      return profile;
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (reasons === undefined) throw err;
      if (reasons[0]?.Code === "ConditionalCheckFailed") return undefined;
      if (reasons[1]?.Code === "ConditionalCheckFailed") {
        const stored = reasons[1].Item;
        if (accountDeletedIn(stored)) throw new AccountDeletedError(profile.userId);
        floor = versionOf(stored);
        if (stored !== undefined && floor === undefined) {
          throw new CorruptVersionFloorError(profile.userId, "its version is not a number");
        }
        continue;
      }
      if (!isTransactionConflict(err)) throw err;
      await backOff(attempt);
    }
  }
  throw new WriteContentionError(fields.userId, MAX_WRITE_ATTEMPTS);
}

/** What profile-api needs to answer about a deletion: the profile (with its marker) and the version floor. */
export interface AccountState {
  readonly profile?: { readonly version: number; readonly deletion?: DeletionMarker };
  readonly floor?: { readonly version: number; readonly accountDeleted: boolean; readonly deletion?: DeletionMarker };
}

/** The user's profile and floor items, read together with strong consistency (one query of the user's partition). */
export async function getAccountState(store: ProfileStore, userId: string): Promise<AccountState> {
  let profile: AccountState["profile"];
  let floor: AccountState["floor"];
  const out = await store.client.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :from AND :to",
      ExpressionAttributeNames: { "#pk": PARTITION_KEY, "#sk": SORT_KEY },
      // PROFILE < PROFILE_VERSION_FLOOR in byte order: both, and no audit item (DELETION_AUDIT#… sorts before them).
      ExpressionAttributeValues: { ":pk": userPartitionKey(userId), ":from": PROFILE_SORT_KEY, ":to": VERSION_FLOOR_SORT_KEY },
      ConsistentRead: true,
    }),
  );
  for (const item of out.Items ?? []) {
    const version = versionOf(item);
    if (version === undefined) throw new CorruptProfileError(userId);
    const deletion = deletionOf(item);
    if (item[SORT_KEY] === PROFILE_SORT_KEY) profile = { version, ...(deletion !== undefined ? { deletion } : {}) };
    else if (item[SORT_KEY] === VERSION_FLOOR_SORT_KEY) floor = { version, accountDeleted: accountDeletedIn(item), ...(deletion !== undefined ? { deletion } : {}) };
  }
  return { ...(profile !== undefined ? { profile } : {}), ...(floor !== undefined ? { floor } : {}) };
}

/** The sort key of the audit item of one execution of the delete-user workflow. */
export function deletionAuditKey(userId: string, executionName: string): Record<typeof PARTITION_KEY | typeof SORT_KEY, string> {
  return { [PARTITION_KEY]: userPartitionKey(userId), [SORT_KEY]: `${DELETION_AUDIT_SORT_KEY_PREFIX}${executionName}` };
}

/** The audit item the workflow wrote when it finished, or undefined. */
export async function getDeletionAudit(store: ProfileStore, userId: string, executionName: string): Promise<Record<string, unknown> | undefined> {
  const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: deletionAuditKey(userId, executionName), ConsistentRead: true }));
  return out.Item;
}

/**
 * Marks the profile, at exactly `version`, as being deleted by `executionName` (before the execution starts), so a
 * write sent after DELETE's 202 gets 409. "marked"; or what stopped it: the profile is gone, at another version, or
 * already marked (by this or another execution).
 */
export async function markDeletionRequested(store: ProfileStore, userId: string, version: number, executionName: string, now: string): Promise<"marked" | "changed"> {
  const applied = await updateProfileIf(store, userId, {
    UpdateExpression: "SET #deletion = :deletion",
    ConditionExpression: "attribute_exists(#pk) AND #version = :version AND attribute_not_exists(#deletion)",
    ExpressionAttributeNames: { "#deletion": DELETION_ATTRIBUTE, "#pk": PARTITION_KEY, "#version": "version" },
    ExpressionAttributeValues: { ":deletion": { executionName, startedAt: now }, ":version": version },
  });
  return applied ? "marked" : "changed";
}

/** Removes the mark of an execution that could not be started (only that execution's mark). */
export async function clearDeletionMark(store: ProfileStore, userId: string, executionName: string): Promise<void> {
  await updateProfileIf(store, userId, {
    UpdateExpression: "REMOVE #deletion",
    ConditionExpression: "#deletion.executionName = :name",
    ExpressionAttributeNames: { "#deletion": DELETION_ATTRIBUTE },
    ExpressionAttributeValues: { ":name": executionName },
  });
}

/** A conditional update of the user's profile item: true when applied, false when its condition did not hold. */
async function updateProfileIf(
  store: ProfileStore,
  userId: string,
  update: Pick<UpdateCommandInput, "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues">,
): Promise<boolean> {
  try {
    await store.client.send(new UpdateCommand({ TableName: store.tableName, Key: profileKey(userId), ...update }));
    return true;
  } catch (err) {
    if (conditionalCheckFailure(err) !== undefined) return false;
    throw err;
  }
}
