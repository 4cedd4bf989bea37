/**
 * Presigned requests for the files bucket: the upload form (POST) and the download URL (GET). Only files-api signs, so
 * only its bundle carries the presigners.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { FilesBucket } from "./objects";
import { OWNER_METADATA, PRESIGNED_URL_SECONDS } from "./schema";

export interface PresignedUpload {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * A presigned POST for exactly one key: exact Content-Type, size within [1, maxSizeBytes], the owner as metadata,
 * valid PRESIGNED_URL_SECONDS. S3 refuses an upload that breaks any condition.
 */
export async function presignUpload(bucket: FilesBucket, key: string, contentType: string, ownerId: string, maxSizeBytes: number): Promise<PresignedUpload> {
  const ownerField = `x-amz-meta-${OWNER_METADATA}`;
  const { url, fields } = await createPresignedPost(bucket.client, {
    Bucket: bucket.name,
    Key: key,
    Conditions: [
      ["eq", "$Content-Type", contentType],
      ["content-length-range", 1, maxSizeBytes],
      ["eq", `$${ownerField}`, ownerId],
    ],
    Fields: { "Content-Type": contentType, [ownerField]: ownerId },
    Expires: PRESIGNED_URL_SECONDS,
  });
  return { url, fields };
}

/** A presigned GET of one version that makes the browser save the file under its original name. */
export async function presignDownload(bucket: FilesBucket, key: string, versionId: string | undefined, disposition: string, contentType: string): Promise<string> {
  return getSignedUrl(
    bucket.client,
    new GetObjectCommand({ Bucket: bucket.name, Key: key, VersionId: versionId, ResponseContentDisposition: disposition, ResponseContentType: contentType }),
    { expiresIn: PRESIGNED_URL_SECONDS },
  );
}
