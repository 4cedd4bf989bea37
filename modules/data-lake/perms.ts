/**
 * What the delivery stream's role may do on the lake bucket, besides Kinesis read (the stream's grantRead): Firehose's
 * documented S3-destination permissions minus the reads it never needs to write: it puts objects (multipart for large
 * ones) under the lake and error prefixes only, and lists multipart uploads and gets the bucket's location on the bucket.
 */
export const FIREHOSE_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"] as const;

/** Firehose's error logging: log events into its own log stream. */
export const FIREHOSE_LOGS_ACTIONS = ["logs:PutLogEvents"] as const;

/**
 * Running a query in the workgroup: start it, poll it, read its results (Athena authorizes each on the workgroup ARN).
 * Not athena:GetNamedQuery: callers start a report by its SQL text (the same text as the named query, from one module),
 * so they never read the named query, and the environment's permissions boundary does not allow it.
 */
export const ATHENA_QUERY_ACTIONS = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"] as const;

/** Athena reads the table definition as the caller: on the catalog, the database and the table ARNs. */
export const GLUE_READ_ACTIONS = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"] as const;

/** Athena locates each bucket it reads or writes as the caller. */
export const ATHENA_BUCKET_LOCATION_ACTIONS = ["s3:GetBucketLocation"] as const;

/** Athena writes results with multipart uploads as the caller: on the results bucket (list uploads) and its objects (list parts). */
export const ATHENA_RESULTS_BUCKET_ACTIONS = ["s3:ListBucketMultipartUploads"] as const;
export const ATHENA_RESULTS_OBJECT_ACTIONS = ["s3:ListMultipartUploadParts"] as const;
