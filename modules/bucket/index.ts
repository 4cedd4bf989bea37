import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { denyInsecureTransport, IGrantable } from "../core/iam";
import { physicalName } from "../core/naming";
import { PropsValidator } from "../core/validation";
import { BUCKET_DELETE_ACTIONS, BUCKET_LIST_ACTIONS, BUCKET_READ_ACTIONS, BUCKET_WRITE_ACTIONS } from "./perms";

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
  /** Days after which non-current versions are deleted (1–36500). @default 90 when versioned */
  readonly noncurrentVersionExpirationDays?: number;
  /** KMS key ARN for SSE-KMS (with an S3 bucket key). @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Terraform lifecycle `prevent_destroy`. @default false */
  readonly preventDestroy?: boolean;
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** Extra statements for the bucket policy (resource policy JSON objects). @default [] */
  readonly policyStatements?: ReadonlyArray<Record<string, unknown>>;
}

/**
 * A private S3 bucket: all public access blocked, owner-enforced object ownership (no ACLs), encrypted at rest,
 * versioned, TLS-only bucket policy, incomplete multipart uploads cleaned up after 7 days.
 */
export class Bucket extends Construct {
  public readonly name: string;
  public readonly arn: string;
  public readonly resource: S3Bucket;
  private readonly statements: Array<Record<string, unknown>> = [];

  constructor(scope: Construct, id: string, props: BucketProps) {
    super(scope, id);
    const v = new PropsValidator("Bucket", this.node.path);
    v.check((props.name === undefined) !== (props.bucketName === undefined), {
      prop: "name/bucketName",
      received: { name: props.name, bucketName: props.bucketName },
      allowed: "exactly one of name or bucketName",
      fix: "pass name (derived physical name) or bucketName (exact), not both",
    });
    v.string("bucketName", props.bucketName, { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, describe: "3–63 characters of a-z, 0-9, '.' and '-'" });
    v.integer("noncurrentVersionExpirationDays", props.noncurrentVersionExpirationDays, 1, 36500);
    v.throwIfInvalid();

    const bucketName = props.bucketName ?? physicalName(this, props.name ?? id, { maxLength: 63, lowerCase: true, extraChars: "" });
    this.resource = new S3Bucket(this, "Resource", {
      bucket: bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ?? false ? { preventDestroy: true } : undefined,
    });
    this.name = this.resource.bucket;
    this.arn = this.resource.arn;

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
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });
    const versioned = props.versioned ?? true;
    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.resource.id,
      versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" },
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.resource.id,
      rule: [
        { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: [{ prefix: "" }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
        ...(versioned
          ? [{ id: "expire-noncurrent-versions", status: "Enabled", filter: [{ prefix: "" }], noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }] }]
          : []),
      ],
    });
    this.statements.push(denyInsecureTransport("s3:*", [this.arn, `${this.arn}/*`]), ...(props.policyStatements ?? []));
    new S3BucketPolicy(this, "Policy", {
      bucket: this.resource.id,
      policy: Lazy.stringValue({ produce: () => JSON.stringify({ Version: "2012-10-17", Statement: this.statements }) }),
      dependsOn: [block],
    });
  }

  /** Adds a statement to the bucket policy (rendered at synth). */
  public addToResourcePolicy(statement: Record<string, unknown>): void {
    this.statements.push(statement);
  }

  /** Object reads under an optional key prefix, plus listing of that prefix. */
  public grantRead(grantee: IGrantable, keyPrefix = ""): void {
    grantee.addToPrincipalPolicy({ actions: [...BUCKET_READ_ACTIONS], resources: [`${this.arn}/${keyPrefix}*`] });
    grantee.addToPrincipalPolicy({
      actions: [...BUCKET_LIST_ACTIONS],
      resources: [this.arn],
      conditions: keyPrefix ? { StringLike: { "s3:prefix": [`${keyPrefix}*`] } } : undefined,
    });
  }

  /** Object writes under an optional key prefix. */
  public grantWrite(grantee: IGrantable, keyPrefix = ""): void {
    grantee.addToPrincipalPolicy({ actions: [...BUCKET_WRITE_ACTIONS], resources: [`${this.arn}/${keyPrefix}*`] });
  }

  /** Object deletes under an optional key prefix. */
  public grantDelete(grantee: IGrantable, keyPrefix = ""): void {
    grantee.addToPrincipalPolicy({ actions: [...BUCKET_DELETE_ACTIONS], resources: [`${this.arn}/${keyPrefix}*`] });
  }
}
