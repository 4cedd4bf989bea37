/**
 * DeleteFiles, the core: every object version and delete marker under the user's uploads prefix, then every file item
 * of the user's partition. Bounded per invocation (the state machine loops until `done`), so it finishes for a user
 * with any number of files; each call starts from what is left, so a retried or re-run invocation only continues.
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { FILES_PARTITION_KEY, FILES_SORT_KEY, UPLOADS_PREFIX } from "../files/schema";
import { DeleteFilesInput, DeleteFilesOutput, FilesTotals, NO_FILES_DELETED } from "./schema";

export interface FilesTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly table: string;
}

/** The task's input is not what the state machine sends: retrying cannot help, the execution fails. */
export class InvalidTaskInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "InvalidTaskInput";
  }
}

/** S3 or DynamoDB kept refusing part of a batch: a transient error the state machine retries with backoff. */
export class PartialDeleteError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "PartialDeleteError";
  }
}

/** S3 lists and deletes at most 1,000 keys per request. */
export const S3_PAGE = 1000;
/** BatchWriteItem takes at most 25 requests. */
const DYNAMODB_BATCH = 25;

/** A user id as a key prefix segment: non-empty, no `/` (it would reach into another user's prefix). */
export function parseDeleteFilesInput(input: unknown): DeleteFilesInput {
  const value = input as Partial<DeleteFilesInput> | null;
  const userId = value?.userId;
  if (typeof userId !== "string" || userId === "" || userId.includes("/") || userId.length > 128) {
    throw new InvalidTaskInputError("DeleteFiles: input.userId must be a user id of 1–128 characters without '/'");
  }
  const totals = value?.totals;
  if (totals !== undefined && totals !== null) {
    for (const field of ["objectVersions", "fileItems", "invocations"] as const) {
      if (!Number.isInteger(totals[field]) || (totals[field] as number) < 0) {
        throw new InvalidTaskInputError(`DeleteFiles: input.totals.${field} must be a non-negative integer`);
      }
    }
    return { userId, totals };
  }
  return { userId };
}

/** The prefix of every object the user uploaded (lambdas/files/domain.ts objectKey). */
export function userUploadsPrefix(userId: string): string {
  return `${UPLOADS_PREFIX}${userId}/`;
}

/**
 * Deletes pages of the user's object versions, then of their file items, while `more()` says there is time for
 * another page. Returns the new totals and whether nothing is left.
 */
export async function deleteUserFiles(target: FilesTarget, input: DeleteFilesInput, more: () => boolean): Promise<DeleteFilesOutput> {
  const before: FilesTotals = input.totals ?? NO_FILES_DELETED;
  let objectVersions = 0;
  let fileItems = 0;
  const prefix = userUploadsPrefix(input.userId);

  // 1. Objects: always list from the start; what was deleted is gone, so the list is what is left.
  let objectsLeft = true;
  while (objectsLeft && more()) {
    const page = await target.s3.send(new ListObjectVersionsCommand({ Bucket: target.bucket, Prefix: prefix, MaxKeys: S3_PAGE }));
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key !== undefined)
      .map((v) => ({ Key: v.Key as string, ...(v.VersionId !== undefined ? { VersionId: v.VersionId } : {}) }));
    if (versions.length === 0) {
      objectsLeft = false;
      break;
    }
    const out = await target.s3.send(new DeleteObjectsCommand({ Bucket: target.bucket, Delete: { Objects: versions, Quiet: true } }));
    const errors = out.Errors ?? [];
    objectVersions += versions.length - errors.length;
    if (errors.length > 0) {
      throw new PartialDeleteError(`S3 refused to delete ${errors.length} of ${versions.length} object versions (${errors[0]?.Code ?? "unknown"}); retry`);
    }
  }

  // 2. File items: only once no object is left (a late S3 event finds no item and changes nothing).
  let itemsLeft = true;
  // eslint-disable-next-line no-unmodified-loop-condition -- objectsLeft is a guard fixed by step 1 (no item is deleted while an object is left), not a loop variable
  while (!objectsLeft && itemsLeft && more()) {
    const page = await target.dynamodb.send(
      new QueryCommand({
        TableName: target.table,
        KeyConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": FILES_PARTITION_KEY, "#file": FILES_SORT_KEY },
        ExpressionAttributeValues: { ":owner": input.userId },
        ProjectionExpression: "#owner, #file",
        ConsistentRead: true,
        Limit: DYNAMODB_BATCH * 4,
      }),
    );
    const keys = (page.Items ?? []).map((item) => ({ [FILES_PARTITION_KEY]: item[FILES_PARTITION_KEY], [FILES_SORT_KEY]: item[FILES_SORT_KEY] }));
    if (keys.length === 0) {
      itemsLeft = false;
      break;
    }
    for (let i = 0; i < keys.length; i += DYNAMODB_BATCH) {
      const batch = keys.slice(i, i + DYNAMODB_BATCH);
      const out = await target.dynamodb.send(new BatchWriteCommand({ RequestItems: { [target.table]: batch.map((Key) => ({ DeleteRequest: { Key } })) } }));
      const unprocessed = out.UnprocessedItems?.[target.table]?.length ?? 0;
      fileItems += batch.length - unprocessed;
      // Throttled: the next query finds them again; the state machine's retry (with backoff) or the next loop deletes them.
      if (unprocessed > 0) throw new PartialDeleteError(`DynamoDB left ${unprocessed} file item deletes unprocessed (throttled); retry`);
    }
  }

  return {
    done: !objectsLeft && !itemsLeft,
    totals: {
      objectVersions: before.objectVersions + objectVersions,
      fileItems: before.fileItems + fileItems,
      invocations: before.invocations + 1,
    },
  };
}
