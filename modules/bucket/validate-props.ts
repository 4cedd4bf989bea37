import { PropsValidator } from "../core/validation";
import { validateKeyAlias } from "../kms-key/deprecated-arn";
import type { BucketProps } from "./index";

/** An S3 bucket name: 3–63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The HTTP methods an S3 CORS rule accepts. */
export const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;

const HTTPS_ORIGIN = /^https:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/;
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

export function validateBucketProps(path: string, props: BucketProps): void {
  const v = new PropsValidator("Bucket", path);
  v.check((props.name === undefined) !== (props.bucketName === undefined), {
    prop: "name/bucketName",
    received: { name: props.name, bucketName: props.bucketName },
    allowed: "exactly one of name or bucketName",
    fix: "pass name (derived physical name) or bucketName (exact), not both",
  });
  v.string("bucketName", props.bucketName, { pattern: BUCKET_NAME, describe: "3–63 characters of a-z, 0-9, '.' and '-'" });
  v.integer("noncurrentVersionExpirationDays", props.noncurrentVersionExpirationDays, 1, 36500);
  v.integer(
    "abortIncompleteMultipartUploadDays",
    props.abortIncompleteMultipartUploadDays,
    1,
    365,
    "set abortIncompleteMultipartUploadDays between 1 and 365 (the parts of an abandoned upload are billed until then)",
  );
  const prefixes = new Set<string>();
  (props.expirations ?? []).forEach((e, i) => {
    v.string(`expirations[${i}].prefix`, e.prefix, {
      max: 1024,
      pattern: /^(?!\/)/,
      describe: "a key prefix of at most 1024 characters without a leading '/' (\"\" for the whole bucket)",
      fix: 'pass the prefix as it starts the object keys, e.g. "tmp/"',
    });
    v.integer(`expirations[${i}].days`, e.days, 1, 36500, `set expirations[${i}].days between 1 and 36500`);
    v.check(!prefixes.has(e.prefix), {
      prop: `expirations[${i}].prefix`,
      received: e.prefix,
      allowed: "a prefix not listed before",
      fix: "keep one expiration per prefix",
    });
    prefixes.add(e.prefix);
  });
  validateKeyAlias(v, props);
  validateCors(v, props.cors ?? []);
  v.throwIfInvalid();
}

function validateCors(v: PropsValidator, cors: NonNullable<BucketProps["cors"]>): void {
  v.check(cors.length <= 100, { prop: "cors", received: cors.length, allowed: "at most 100 rules", fix: "merge rules that share methods and headers" });
  cors.forEach((rule, i) => {
    const p = `cors[${i}]`;
    v.check(rule.allowedOrigins.length > 0, {
      prop: `${p}.allowedOrigins`,
      received: rule.allowedOrigins,
      allowed: "at least one origin",
      fix: 'list the origins of the web app, e.g. "https://app.example.com"',
    });
    rule.allowedOrigins.forEach((origin, j) => {
      if (PropsValidator.isUnresolved(origin)) return;
      v.check(origin !== "*" && (HTTPS_ORIGIN.test(origin) || LOCAL_ORIGIN.test(origin)), {
        prop: `${p}.allowedOrigins[${j}]`,
        received: origin,
        allowed: "an https:// origin without a path (one leading wildcard allowed: https://*.example.com), or http://localhost[:port]",
        fix:
          origin === "*"
            ? 'name the origins of the web app (e.g. "https://app.example.com"): "*" lets every web site read the bucket\'s responses from its visitors\' browsers'
            : "use https://<host>[:port] (http:// only for localhost)",
      });
    });
    v.check(rule.allowedMethods.length > 0, {
      prop: `${p}.allowedMethods`,
      received: rule.allowedMethods,
      allowed: "at least one method",
      fix: `list the methods the browser uses, of ${CORS_METHODS.join(", ")}`,
    });
    rule.allowedMethods.forEach((m, j) => v.oneOf(`${p}.allowedMethods[${j}]`, m, CORS_METHODS));
    v.integer(`${p}.maxAgeSeconds`, rule.maxAgeSeconds, 0, 86400, `set ${p}.maxAgeSeconds between 0 and 86400 (24 hours)`);
  });
}

/** Throws when a grant's (or policy statement's) key pattern is empty or starts with "/"; tokens pass. */
export function validateKeyPattern(method: string, path: string, keyPattern: string): void {
  new PropsValidator(`Bucket.${method}`, path)
    .string("keyPattern", keyPattern, {
      min: 1,
      max: 1024,
      pattern: /^[^/]/,
      describe: 'a non-empty object key pattern without a leading \'/\', e.g. "uploads/*" ("*" for every object)',
      fix: keyPattern.startsWith("/") ? `drop the leading "/": "${keyPattern.replace(/^\/+/, "")}"` : 'pass "*" for every object, or a pattern such as "uploads/*"',
    })
    .throwIfInvalid();
}
