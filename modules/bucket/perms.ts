/** Object reads. */
export const BUCKET_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;
/** Listing (granted on the bucket ARN, not its objects). */
export const BUCKET_LIST_ACTIONS = ["s3:ListBucket"] as const;
/** Object writes. */
export const BUCKET_WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload"] as const;
/** Object deletes. */
export const BUCKET_DELETE_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion"] as const;
