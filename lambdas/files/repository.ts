/**
 * File items in DynamoDB: one partition per owner, one item per file. Every state change is a conditional write, so
 * concurrent or out-of-order events (S3 delivers at least once and in no particular order) never move a file backwards.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FileItem, KeyParts, ObjectHead, RejectionReason } from "./domain";
import { FILES_PARTITION_KEY, FILES_SORT_KEY, FILES_TTL_ATTRIBUTE } from "./schema";

export interface FileStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** A signed upload that never arrives is forgotten after a day. */
export const PENDING_TTL_SECONDS = 86400;
/** Tombstones and rejections are kept a week: long enough for any late S3 event, then removed by TTL. */
export const TOMBSTONE_TTL_SECONDS = 7 * 86400;

const epochSeconds = (now: Date): number => Math.floor(now.getTime() / 1000);

function key(ownerId: string, fileId: string): Record<string, string> {
  return { [FILES_PARTITION_KEY]: ownerId, [FILES_SORT_KEY]: fileId };
}

function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === "ConditionalCheckFailedException";
}

/** Records a signed upload (`pending`); its id is new, so an existing item means a bug, not a retry. */
export async function putPending(store: FileStore, item: Omit<FileItem, "status" | "expiresAt">, now: Date): Promise<FileItem> {
  const pending: FileItem = { ...item, status: "pending", expiresAt: epochSeconds(now) + PENDING_TTL_SECONDS };
  await store.client.send(new PutCommand({ TableName: store.tableName, Item: { ...pending }, ConditionExpression: `attribute_not_exists(${FILES_SORT_KEY})` }));
  return pending;
}

export async function getFile(store: FileStore, ownerId: string, fileId: string): Promise<FileItem | undefined> {
  const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: key(ownerId, fileId), ConsistentRead: true }));
  return out.Item as FileItem | undefined;
}

export interface FilePage {
  readonly items: FileItem[];
  /** The id to continue after, when there may be more. */
  readonly lastFileId?: string;
}

/** The owner's ready files, newest first (file ids are time-ordered), `limit` at most, after `afterFileId`. */
export async function listReadyFiles(store: FileStore, ownerId: string, limit: number, afterFileId?: string): Promise<FilePage> {
  const items: FileItem[] = [];
  let startKey: Record<string, unknown> | undefined = afterFileId !== undefined ? key(ownerId, afterFileId) : undefined;
  for (;;) {
    const out = await store.client.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: "#owner = :owner",
        FilterExpression: "#status = :ready",
        ExpressionAttributeNames: { "#owner": FILES_PARTITION_KEY, "#status": "status" },
        ExpressionAttributeValues: { ":owner": ownerId, ":ready": "ready" },
        ScanIndexForward: false,
        Limit: limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (out.Items ?? []) as FileItem[]) {
      if (items.length === limit) return { items, lastFileId: items[items.length - 1].fileId };
      items.push(item);
    }
    if (out.LastEvaluatedKey === undefined) return { items };
    startKey = out.LastEvaluatedKey;
  }
}

/**
 * The guard of every event-driven write: the item exists, was not rejected, and (when the event has a sequencer) the
 * stored sequencer is older. Events without a sequencer (moto) rely on HeadObject's answer, which is the current truth.
 */
function eventGuard(sequencer: string | undefined): { condition: string; values: Record<string, unknown> } {
  const base = `attribute_exists(${FILES_SORT_KEY}) AND #status <> :rejected`;
  if (sequencer === undefined) return { condition: base, values: { ":rejected": "rejected" } };
  return {
    condition: `${base} AND (attribute_not_exists(sequencer) OR sequencer < :sequencer)`,
    values: { ":rejected": "rejected", ":sequencer": sequencer },
  };
}

/** true when the write was applied, false when the guard refused it (stale or duplicate event, unknown file). */
async function guardedUpdate(store: FileStore, parts: KeyParts, set: Record<string, unknown>, remove: string[], sequencer: string | undefined): Promise<boolean> {
  const guard = eventGuard(sequencer);
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = { ...guard.values };
  const assignments: string[] = [];
  for (const [i, [name, value]] of Object.entries(set).entries()) {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    assignments.push(`#s${i} = :s${i}`);
  }
  const removals = remove.map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  try {
    await store.client.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: key(parts.ownerId, parts.fileId),
        UpdateExpression: `SET ${assignments.join(", ")}${removals.length > 0 ? ` REMOVE ${removals.join(", ")}` : ""}`,
        ConditionExpression: guard.condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The object arrived and passed the checks: the file is ready, with what S3 says about it. */
export function markReady(store: FileStore, parts: KeyParts, head: ObjectHead, sequencer: string | undefined): Promise<boolean> {
  const set: Record<string, unknown> = { status: "ready", size: head.size, contentType: head.contentType.toLowerCase(), etag: head.etag, createdAt: head.lastModified };
  if (head.versionId !== undefined) set.versionId = head.versionId;
  if (sequencer !== undefined) set.sequencer = sequencer;
  return guardedUpdate(store, parts, set, [FILES_TTL_ATTRIBUTE], sequencer);
}

/** The object is gone: a tombstone that TTL removes, so a late, older event changes nothing. */
export function markRemoved(store: FileStore, parts: KeyParts, sequencer: string | undefined, now: Date): Promise<boolean> {
  const set: Record<string, unknown> = { status: "deleted", deletedAt: now.toISOString(), [FILES_TTL_ATTRIBUTE]: epochSeconds(now) + TOMBSTONE_TTL_SECONDS };
  if (sequencer !== undefined) set.sequencer = sequencer;
  return guardedUpdate(store, parts, set, [], sequencer);
}

/** The object broke a rule and was deleted; the file shows why until TTL removes it. Applies to a known file only. */
export async function markRejected(store: FileStore, parts: KeyParts, reason: RejectionReason, now: Date): Promise<boolean> {
  try {
    await store.client.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: key(parts.ownerId, parts.fileId),
        UpdateExpression: `SET #status = :rejected, reason = :reason, rejectedAt = :now, #ttl = :ttl`,
        ConditionExpression: `attribute_exists(${FILES_SORT_KEY})`,
        ExpressionAttributeNames: { "#status": "status", "#ttl": FILES_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ":rejected": "rejected", ":reason": reason, ":now": now.toISOString(), ":ttl": epochSeconds(now) + TOMBSTONE_TTL_SECONDS },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** DELETE /files/{id}: the owner deleted the file (after its objects are gone). Idempotent. */
export async function markDeletedByOwner(store: FileStore, ownerId: string, fileId: string, now: Date): Promise<void> {
  await store.client
    .send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: key(ownerId, fileId),
        UpdateExpression: "SET #status = :deleted, deletedAt = :now, #ttl = :ttl",
        ConditionExpression: `attribute_exists(${FILES_SORT_KEY})`,
        ExpressionAttributeNames: { "#status": "status", "#ttl": FILES_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ":deleted": "deleted", ":now": now.toISOString(), ":ttl": epochSeconds(now) + TOMBSTONE_TTL_SECONDS },
      }),
    )
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
}
