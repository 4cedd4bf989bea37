/**
 * The files service's layout, shared by its handlers, the tests and the stack: the table's keys, the object keys,
 * the environment variables. Pure constants: importing this file pulls in no AWS SDK code.
 */

/** Partition key: the owner's user id (the JWT `sub`). A user's files are one partition: nobody else's are reachable. */
export const FILES_PARTITION_KEY = "ownerId";
/** Sort key: the file id, time-ordered (a ULID), so a descending query lists the newest first. */
export const FILES_SORT_KEY = "fileId";
/** Epoch seconds after which DynamoDB deletes an item (pending uploads never completed, tombstones, rejections). */
export const FILES_TTL_ATTRIBUTE = "expiresAt";

export const FILES_TABLE_SCHEMA = {
  partitionKey: { name: FILES_PARTITION_KEY, type: "S" },
  sortKey: { name: FILES_SORT_KEY, type: "S" },
  ttlAttribute: FILES_TTL_ATTRIBUTE,
} as const;

/** Every uploaded object lives under `uploads/<owner>/<fileId>/<safe file name>`; S3 notifies on this prefix only. */
export const UPLOADS_PREFIX = "uploads/";

/** Object metadata (`x-amz-meta-owner`) that names the uploader; signed into the POST policy. */
export const OWNER_METADATA = "owner";

/** Seconds a presigned POST or GET stays valid. */
export const PRESIGNED_URL_SECONDS = 300;

export const FILES_TABLE_NAME_ENV = "FILES_TABLE_NAME";
export const FILES_BUCKET_NAME_ENV = "FILES_BUCKET_NAME";
/** Largest upload in bytes (environment config `files.maxFileSizeBytes`). */
export const FILES_MAX_SIZE_ENV = "FILES_MAX_SIZE_BYTES";
/** Comma-separated media types an upload may declare (environment config `files.allowedContentTypes`). */
export const FILES_CONTENT_TYPES_ENV = "FILES_ALLOWED_CONTENT_TYPES";

/** The metric namespace of the files service (EMF). */
export const FILES_METRICS_NAMESPACE = "Platform/Files";
/** Objects object-metadata deleted because they broke a rule (forged key, owner mismatch, size or type mismatch). */
export const REJECTED_OBJECTS_METRIC = "RejectedObjects";
