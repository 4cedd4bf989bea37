import { Annotations, ITerraformDependable, Lazy } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketNotification, S3BucketNotificationQueue, s3BucketNotificationQueueToTerraform } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Grant } from "../core/grant";
import { denyInsecureTransport, IEnvironmentConsumer, IGrantable } from "../core/iam";
import { IQueue } from "../core/interfaces";
import { Naming, physicalName } from "../core/naming";
import { ResourcePolicy, ResourcePolicyStatementBase } from "../core/resource-policy";
import { IKey } from "../kms-key";
import { keyFromProps } from "../kms-key/deprecated-arn";
import { BucketBase, importBucketFromArn, importBucketFromAttributes } from "./base";
import { BucketNotifyOptions, dependsOnAddress, QueueNotification, validateNotify } from "./notifications";
import { BUCKET_TLS_DENY_ACTIONS } from "./perms";
import { validateBucketProps, validateKeyPattern } from "./validate-props";

export { BucketBase } from "./base";
export { S3_EVENT_TYPES } from "./notifications";
export type { BucketNotifyOptions, S3EventType } from "./notifications";

/** What a function may do with a bucket's objects through `connect`; `full` is read, put and delete. */
export type BucketAccess = "read" | "put" | "readWrite" | "delete" | "full";

/** An S3 bucket, created by the `bucket` module or imported. */
export interface IBucket extends IConstruct {
  /** `arn:aws:s3:::<name>`. */
  readonly arn: string;
  readonly name: string;
  /** `<name>.s3.<region>.amazonaws.com` (a CloudFront origin, for instance). */
  readonly regionalDomainName: string;
  /** The customer-managed key of the bucket's default encryption; undefined with SSE-S3. */
  readonly encryptionKey?: IKey;
  /** s3:GetObject/GetObjectVersion on the matching objects, s3:ListBucket on their prefix; kms:Decrypt with a key. */
  grantRead(grantee: IGrantable, keyPattern?: string): Grant;
  /** s3:PutObject/AbortMultipartUpload on the matching objects; kms:Encrypt/Decrypt/GenerateDataKey with a key. */
  grantPut(grantee: IGrantable, keyPattern?: string): Grant;
  /** grantRead + grantPut. */
  grantReadWrite(grantee: IGrantable, keyPattern?: string): Grant;
  /** s3:DeleteObject/DeleteObjectVersion on the matching objects, s3:ListBucketVersions on their prefix. */
  grantDelete(grantee: IGrantable, keyPattern?: string): Grant;
  /** Grants `access` on `keyPattern` and sets the environment variable (default `<ID>_BUCKET_NAME`) to the bucket name. */
  connect(consumer: IEnvironmentConsumer, access: BucketAccess, envVar?: string, keyPattern?: string): Grant;
  /**
   * Adds a statement to the bucket policy (S3 allows one policy per bucket, so every module that needs one adds to it,
   * e.g. a CloudFront distribution's read access). Returns false when the policy is not managed here (imported bucket):
   * its owner must add the statement.
   */
  addToResourcePolicy(statement: BucketPolicyStatement): boolean;
}

/** Options of `Bucket.fromArn`. */
export interface BucketImportOptions {
  /** The customer-managed key of the bucket's default encryption, so grants include the KMS actions. @default none (SSE-S3) */
  readonly encryptionKey?: IKey;
  /** The bucket's regional domain name. @default `<name>.s3.<region>.amazonaws.com` when `region` is given */
  readonly regionalDomainName?: string;
  /** The bucket's region, e.g. `eu-west-1`, for its regional domain name. @default unknown (reading regionalDomainName throws) */
  readonly region?: string;
}

/** Attributes of `Bucket.fromAttributes`. */
export interface BucketAttributes extends BucketImportOptions {
  /** The bucket name; a token (another stack's output, a variable) is fine. */
  readonly bucketName: string;
  /** The ARN partition. @default "aws" */
  readonly partition?: string;
}

/** What a bucket-policy statement applies to: the bucket itself, every object, or the objects whose key matches a pattern. */
export type BucketPolicyResource = "bucket" | "objects" | { readonly keyPattern: string };

/** A statement of the bucket policy. */
export interface BucketPolicyStatement extends ResourcePolicyStatementBase {
  /**
   * `"bucket"` (the bucket ARN: s3:ListBucket, s3:GetBucketLocation), `"objects"` (`<bucket ARN>/*`), or
   * `{ keyPattern: "uploads/*" }` (the matching objects; no leading "/").
   * @default ["bucket", "objects"]
   */
  readonly resources?: readonly BucketPolicyResource[];
}

/** A CORS rule of the bucket (browsers calling S3 directly: presigned uploads and downloads). */
export interface BucketCorsRule {
  /** Origins allowed, `https://<host>[:port]` (one leading `*.` wildcard allowed) or `http://localhost[:port]`; `"*"` is refused. */
  readonly allowedOrigins: readonly string[];
  /** HTTP methods allowed, at least one. */
  readonly allowedMethods: readonly ("GET" | "PUT" | "POST" | "DELETE" | "HEAD")[];
  /** Request headers allowed in a preflight (`Access-Control-Request-Headers`), e.g. `["content-type"]`. @default none */
  readonly allowedHeaders?: readonly string[];
  /** Response headers the browser may read, e.g. `["ETag"]` (multipart uploads need it). @default none */
  readonly exposeHeaders?: readonly string[];
  /** Seconds a browser caches the preflight response, 0–86400. @default unset (browser default) */
  readonly maxAgeSeconds?: number;
}

/** Expiry of current objects under a prefix. */
export interface BucketExpiration {
  /** Key prefix, e.g. `"tmp/"`, at most 1024 characters, no leading "/"; `""` for the whole bucket. Unique per bucket. */
  readonly prefix: string;
  /** Days after creation, 1–36500. On a versioned bucket the object becomes a noncurrent version (then expires as such). */
  readonly days: number;
}

export interface BucketProps {
  /**
   * Logical name; the physical name is `<app>-<env>-<name>`, lower-cased (3–63 chars).
   * Mutually exclusive with `bucketName`.
   */
  readonly name?: string;
  /** Exact physical name (3–63 chars, lower-case, globally unique), for buckets named outside the app (state buckets). @default derived from `name` */
  readonly bucketName?: string;
  /** Keep every version of every object (recover from overwrite/delete). @default true */
  readonly versioned?: boolean;
  /**
   * Days after which noncurrent versions are deleted, 1–36500 (also applied to an unversioned bucket when set: a bucket
   * whose versioning was suspended keeps its noncurrent versions).
   * @default 90 when versioned
   */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days after which the parts of an unfinished multipart upload are deleted, 1–365. @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Expire current objects under prefixes (temporary uploads, exports). At most one per prefix. @default none */
  readonly expirations?: readonly BucketExpiration[];
  /**
   * Customer-managed KMS key for default encryption (SSE-KMS with an S3 bucket key, which cuts KMS requests). Readers are
   * granted kms:Decrypt on it, writers kms:Encrypt/Decrypt/GenerateDataKey.
   * @default SSE-S3 (AES256, S3-managed keys)
   */
  readonly encryptionKey?: IKey;
  /**
   * KMS key ARN for SSE-KMS.
   * @deprecated pass `encryptionKey` (a Key, or `Key.fromArn(scope, id, arn)`); still works, with a synth warning.
   * Mutually exclusive with `encryptionKey`.
   * @default SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /** CORS rules (`aws_s3_bucket_cors_configuration`), at most 100. @default none (browsers cannot call the bucket cross-origin) */
  readonly cors?: readonly BucketCorsRule[];
  /** Terraform lifecycle `prevent_destroy`. @default false */
  readonly preventDestroy?: boolean;
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** Extra statements for the bucket policy (more can be added with `addToResourcePolicy`). @default [] */
  readonly policyStatements?: readonly BucketPolicyStatement[];
}

/**
 * A private S3 bucket: all public access blocked, owner-enforced object ownership (no ACLs), encrypted at rest (SSE-S3,
 * or SSE-KMS with a bucket key), versioned, TLS-only bucket policy, incomplete multipart uploads cleaned up after 7 days
 * and noncurrent versions after 90. Grants are least-privilege on the objects matching a key pattern (and on the key).
 * The bucket policy and the queue notifications render at synth, so what is added after construction still lands in them.
 */
export class Bucket extends BucketBase {
  /**
   * Imports a bucket by its literal ARN (`arn:aws:s3:::<name>`); the name comes from the ARN. For a bucket known only
   * as a token, use `fromAttributes`. Its policy and notifications are not managed here.
   */
  public static fromArn(scope: Construct, id: string, arn: string, options: BucketImportOptions = {}): IBucket {
    return importBucketFromArn(scope, id, arn, options);
  }

  /** Imports a bucket by name (a token is fine); the ARN is `arn:<partition>:s3:::<bucketName>`. */
  public static fromAttributes(scope: Construct, id: string, attrs: BucketAttributes): IBucket {
    return importBucketFromAttributes(scope, id, attrs);
  }

  public readonly name: string;
  public readonly arn: string;
  /** `<name>.s3.<region>.amazonaws.com`. */
  public readonly regionalDomainName: string;
  public readonly encryptionKey?: IKey;
  public readonly resource: S3Bucket;
  public readonly policy: S3BucketPolicy;
  private readonly resourcePolicy: ResourcePolicy;
  private readonly queueNotifications: QueueNotification[] = [];
  private readonly queueConfigs: S3BucketNotificationQueue[] = [];
  private readonly queuePolicies = new Set<ITerraformDependable>();
  private notification?: S3BucketNotification;

  constructor(scope: Construct, id: string, props: BucketProps) {
    super(scope, id);
    validateBucketProps(this.node.path, props);
    this.encryptionKey = keyFromProps(this, "Bucket", props);

    const bucketName = props.bucketName ?? physicalName(this, props.name ?? id, { maxLength: 63, lowerCase: true, extraChars: "" });
    this.resource = new S3Bucket(this, "Resource", {
      bucket: bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });
    this.name = this.resource.bucket;
    this.arn = this.resource.arn;
    this.regionalDomainName = this.resource.bucketRegionalDomainName;

    const block = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.resource.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "Ownership", { bucket: this.resource.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.resource.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: this.encryptionKey ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.encryptionKey.arn } : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: this.encryptionKey !== undefined,
        },
      ],
    });
    const versioned = props.versioned ?? true;
    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.resource.id,
      versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" },
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", { bucket: this.resource.id, rule: lifecycleRules(props, versioned) });
    if ((props.cors ?? []).length > 0) {
      new S3BucketCorsConfiguration(this, "Cors", {
        bucket: this.resource.id,
        corsRule: (props.cors ?? []).map((r) => ({
          allowedOrigins: [...r.allowedOrigins],
          allowedMethods: [...r.allowedMethods],
          allowedHeaders: r.allowedHeaders ? [...r.allowedHeaders] : undefined,
          exposeHeaders: r.exposeHeaders ? [...r.exposeHeaders] : undefined,
          maxAgeSeconds: r.maxAgeSeconds,
        })),
      });
    }

    this.resourcePolicy = new ResourcePolicy(`Bucket "${this.node.path}"`, [this.arn, `${this.arn}/*`]);
    this.resourcePolicy.addRendered(denyInsecureTransport(BUCKET_TLS_DENY_ACTIONS, [this.arn, `${this.arn}/*`]));
    for (const statement of props.policyStatements ?? []) this.addToResourcePolicy(statement);
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.resource.id,
      policy: this.resourcePolicy.lazy(),
      dependsOn: [block],
    });
  }

  /**
   * Adds a statement to the bucket policy, on the bucket, its objects or the objects matching key patterns. Allow
   * statements must list exact actions and may name principal "*" only with conditions. Returns true (the policy is
   * managed here); a statement added twice is kept once.
   */
  public override addToResourcePolicy(statement: BucketPolicyStatement): boolean {
    const owner = `Bucket "${this.node.path}"`;
    const targets = statement.resources ?? ["bucket", "objects"];
    if (targets.length === 0)
      throw new Error(`${owner}: bucket-policy statement has no resources. Fix: pass "bucket", "objects" or { keyPattern }, or leave resources unset for both.`);
    const resources = targets.map((t) => {
      if (t === "bucket") return this.arn;
      if (t === "objects") return `${this.arn}/*`;
      validateKeyPattern("addToResourcePolicy", this.node.path, t.keyPattern);
      return `${this.arn}/${t.keyPattern}`;
    });
    this.resourcePolicy.addStatement(statement, resources);
    return true;
  }

  /**
   * Sends S3 event notifications for `options.events` (on keys matching `prefix`/`suffix`) to an SQS queue. The bucket
   * has a single `aws_s3_bucket_notification` (Terraform allows one per bucket) whose queue configurations accumulate
   * across calls; it is created after each queue's policy, since S3 checks the destination when it is written. The
   * queue policy (of a Queue) allows s3.amazonaws.com sqs:SendMessage with `aws:SourceArn` = this bucket and
   * `aws:SourceAccount` = `options.sourceAccount` or the stack's account; a customer-managed queue key allows S3 too.
   * An imported queue gets a warning: its owner must allow this bucket. FIFO queues, queues encrypted with
   * `alias/aws/sqs` and configurations that overlap an earlier one (shared event type, overlapping filters) are refused.
   */
  public notify(queue: IQueue, options: BucketNotifyOptions): void {
    validateNotify(this.node.path, queue, options, this.queueNotifications);
    const account = options.sourceAccount ?? Naming.accountOf(this);
    if (account === undefined) {
      throw new Error(
        `Bucket "${this.node.path}": notify(queue "${queue.node.path}") needs the bucket's account for the queue policy's aws:SourceAccount condition ` +
          `(a bucket ARN names no account), and the stack's naming context has none. Fix: pass sourceAccount (the 12-digit account id) to notify, ` +
          `or configure the stack with exactly one account (AwsStack allowedAccountIds, or Naming.configure account).`,
      );
    }
    if (!queue.allowServiceSend("s3.amazonaws.com", this.arn, { sourceAccount: account })) {
      Annotations.of(this).addWarning(
        `Bucket "${this.node.path}": queue "${queue.node.path}" is imported, so its queue policy is not managed here. ` +
          `Fix: its owner must allow s3.amazonaws.com sqs:SendMessage on ${queue.arn} with aws:SourceArn = this bucket's ARN and aws:SourceAccount = ${account} ` +
          `(and allow S3 on its KMS key, if any), or Terraform fails to write the notification.`,
      );
    }
    this.queueNotifications.push({ queuePath: queue.node.path, events: [...options.events], prefix: options.prefix, suffix: options.suffix });
    this.queueConfigs.push({
      id: `${queue.node.id}-${this.queueNotifications.length}`,
      queueArn: queue.arn,
      events: [...options.events],
      filterPrefix: options.prefix,
      filterSuffix: options.suffix,
    });
    this.notification ??= new S3BucketNotification(this, "Notification", {
      bucket: this.resource.id,
      queue: Lazy.anyValue({ produce: () => this.queueConfigs.map((q) => s3BucketNotificationQueueToTerraform(q)) }),
    });
    if (queue.policyResource && !this.queuePolicies.has(queue.policyResource)) {
      this.queuePolicies.add(queue.policyResource);
      this.notification.dependsOn = [...(this.notification.dependsOn ?? []), dependsOnAddress(queue.policyResource)];
    }
  }
}

function lifecycleRules(props: BucketProps, versioned: boolean): S3BucketLifecycleConfigurationRule[] {
  const everything = [{ prefix: "" }];
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: everything,
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? 7 }],
    },
  ];
  // Also on an unversioned bucket when asked: a bucket whose versioning was suspended keeps its noncurrent versions.
  if (versioned || props.noncurrentVersionExpirationDays !== undefined) {
    rules.push({
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: everything,
      noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
    });
  }
  for (const e of props.expirations ?? []) {
    rules.push({
      id: e.prefix === "" ? "expire-current-objects" : `expire-current-objects:${e.prefix}`.slice(0, 255),
      status: "Enabled",
      filter: [{ prefix: e.prefix }],
      expiration: [{ days: e.days }],
    });
  }
  return rules;
}
