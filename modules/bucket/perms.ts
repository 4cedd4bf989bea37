/** Object reads (grantRead), granted on `<bucket ARN>/<key pattern>`. */
export const BUCKET_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;

/** Listing (grantRead), granted on the bucket ARN, limited to the key pattern by an `s3:prefix` condition. */
export const BUCKET_LIST_ACTIONS = ["s3:ListBucket"] as const;

/** Object writes, multipart uploads included (grantPut), granted on `<bucket ARN>/<key pattern>`. */
export const BUCKET_PUT_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload"] as const;

/** Object and object-version deletes (grantDelete), granted on `<bucket ARN>/<key pattern>`. */
export const BUCKET_DELETE_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion"] as const;

/**
 * Listing object versions (grantDelete), granted on the bucket ARN with the same `s3:prefix` condition: a versioned
 * bucket keeps every version, so deleting an object for good means finding each version first.
 */
export const BUCKET_LIST_VERSIONS_ACTIONS = ["s3:ListBucketVersions"] as const;

/** Denied to every principal on requests without TLS (a Deny: the wildcard widens the refusal, grants nothing). */
export const BUCKET_TLS_DENY_ACTIONS = "s3:*";
