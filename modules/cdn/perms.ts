/** The service principal CloudFront signs origin requests as (Origin Access Control). */
export const CLOUDFRONT_PRINCIPAL = "cloudfront.amazonaws.com";

/** What the distribution may read from its site bucket, granted on `<bucket ARN>/*` only to this distribution's ARN. */
export const SITE_OBJECT_READ_ACTIONS = ["s3:GetObject"] as const;

/**
 * Listing the site bucket, granted on the bucket ARN to this distribution only: without it S3 answers a missing key
 * with 403 (it will not say whether a key exists), with it 404, so a missing asset is an honest, short-cached 404.
 * The distribution never lets a viewer list: the site behaviour forwards no query string to S3 (CachingOptimized)
 * and the default root object / SPA function send `/` to `/index.html`.
 */
export const SITE_LIST_ACTIONS = ["s3:ListBucket"] as const;
