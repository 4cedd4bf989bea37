/**
 * The files bucket: what the handlers ask of S3 (head, delete every version; presigning is in presign.ts, which only
 * files-api bundles). One client per container.
 * The endpoint follows the SDK's standard configuration (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`) for local runs.
 */
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectVersionsCommand, ListObjectVersionsCommandOutput, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { ObjectHead } from "./domain";
import { OWNER_METADATA } from "./schema";

export interface FilesBucket {
  readonly client: S3Client;
  readonly name: string;
}

export function createS3Client(): S3Client {
  return new S3Client({});
}

/** The object's current version, or undefined when the key has none (never uploaded, deleted, or a delete marker). */
export async function headObject(bucket: FilesBucket, key: string): Promise<ObjectHead | undefined> {
  try {
    const out = await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
    return {
      size: out.ContentLength ?? 0,
      contentType: out.ContentType ?? "",
      etag: (out.ETag ?? "").replace(/"/g, ""),
      ...(out.VersionId && out.VersionId !== "null" ? { versionId: out.VersionId } : {}),
      lastModified: (out.LastModified ?? new Date()).toISOString(),
      ...(out.Metadata?.[OWNER_METADATA] !== undefined ? { owner: out.Metadata[OWNER_METADATA] } : {}),
    };
  } catch (err) {
    if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === "NotFound" || err.name === "NoSuchKey")) return undefined;
    throw err;
  }
}

/**
 * Deletes every version and delete marker under `prefix` (only of `exactKey` when given), page by page, so nothing of
 * the file is left in a versioned bucket. Idempotent. Returns how many versions were deleted.
 */
export async function deleteAllVersions(bucket: FilesBucket, prefix: string, exactKey?: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page: ListObjectVersionsCommandOutput = await bucket.client.send(
      new ListObjectVersionsCommand({ Bucket: bucket.name, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key !== undefined && (exactKey === undefined || v.Key === exactKey))
      .map((v) => ({ Key: v.Key as string, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
    if (objects.length > 0) {
      const out = await bucket.client.send(new DeleteObjectsCommand({ Bucket: bucket.name, Delete: { Objects: objects, Quiet: true } }));
      const errors = out.Errors ?? [];
      if (errors.length > 0) {
        throw new Error(`S3 refused to delete ${errors.length} version(s) under ${prefix}: ${errors.map((e) => `${e.Key}@${e.VersionId}: ${e.Code}`).join(", ")}`);
      }
      deleted += objects.length;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
