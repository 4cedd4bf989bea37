import { Construct } from "constructs";
import { parseArn } from "../core/arn";
import { Grant } from "../core/grant";
import { IEnvironmentConsumer, IGrantable, PolicyStatement } from "../core/iam";
import { envVarPrefix } from "../core/naming";
import { dnsSuffixOf } from "../core/provider";
import { PropsValidator } from "../core/validation";
import { IKey } from "../kms-key";
import type { BucketAccess, BucketAttributes, BucketImportOptions, BucketPolicyStatement, IBucket } from "./index";
import { BUCKET_DELETE_ACTIONS, BUCKET_LIST_ACTIONS, BUCKET_LIST_VERSIONS_ACTIONS, BUCKET_PUT_ACTIONS, BUCKET_READ_ACTIONS } from "./perms";
import { BUCKET_NAME, validateKeyPattern } from "./validate-props";

/**
 * What every bucket (created or imported) offers: least-privilege grants on the objects that match a key pattern (and
 * on the bucket's key), and wiring to a function.
 */
export abstract class BucketBase extends Construct implements IBucket {
  public abstract readonly arn: string;
  public abstract readonly name: string;
  public abstract readonly regionalDomainName: string;
  /** The customer-managed key of the bucket's default encryption (SSE-KMS); undefined with SSE-S3. */
  public abstract readonly encryptionKey?: IKey;

  /**
   * Reads the objects whose key matches `keyPattern`: s3:GetObject and s3:GetObjectVersion on `<bucket ARN>/<keyPattern>`,
   * and s3:ListBucket on the bucket ARN (limited by `s3:prefix` StringLike `keyPattern` unless it is `"*"`); with a
   * customer-managed key also kms:Decrypt on that key.
   * @param keyPattern object keys, `*` wildcards allowed, no leading "/", e.g. `"uploads/*"` @default "*" (every object)
   */
  public grantRead(grantee: IGrantable, keyPattern = "*"): Grant {
    return Grant.combine(
      Grant.addToPrincipal(
        grantee,
        { actions: [...BUCKET_READ_ACTIONS], resources: [this.objectsArn("grantRead", keyPattern)] },
        this.listStatement(BUCKET_LIST_ACTIONS, keyPattern),
      ),
      this.encryptionKey?.grantDecrypt(grantee),
    );
  }

  /**
   * Writes the objects whose key matches `keyPattern`: s3:PutObject and s3:AbortMultipartUpload on
   * `<bucket ARN>/<keyPattern>`; with a customer-managed key also kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on
   * that key (PutObject with SSE-KMS needs a data key, a multipart upload decrypts it again for every part).
   * @param keyPattern object keys, `*` wildcards allowed, no leading "/" @default "*" (every object)
   */
  public grantPut(grantee: IGrantable, keyPattern = "*"): Grant {
    return Grant.combine(
      Grant.addToPrincipal(grantee, { actions: [...BUCKET_PUT_ACTIONS], resources: [this.objectsArn("grantPut", keyPattern)] }),
      this.encryptionKey?.grantEncryptDecrypt(grantee),
    );
  }

  /**
   * `grantRead` and `grantPut` on the same key pattern: s3:GetObject, s3:GetObjectVersion, s3:PutObject and
   * s3:AbortMultipartUpload on the objects, s3:ListBucket on the bucket; with a key, kms:Encrypt/Decrypt/GenerateDataKey.
   * @param keyPattern @default "*" (every object)
   */
  public grantReadWrite(grantee: IGrantable, keyPattern = "*"): Grant {
    return Grant.combine(this.grantRead(grantee, keyPattern), this.grantPut(grantee, keyPattern));
  }

  /**
   * Deletes the objects whose key matches `keyPattern`, every version: s3:DeleteObject and s3:DeleteObjectVersion on
   * `<bucket ARN>/<keyPattern>`, and s3:ListBucketVersions on the bucket ARN (with the same `s3:prefix` condition) to
   * find the versions. No KMS action: deleting never decrypts.
   * @param keyPattern object keys, `*` wildcards allowed, no leading "/" @default "*" (every object)
   */
  public grantDelete(grantee: IGrantable, keyPattern = "*"): Grant {
    return Grant.addToPrincipal(
      grantee,
      { actions: [...BUCKET_DELETE_ACTIONS], resources: [this.objectsArn("grantDelete", keyPattern)] },
      this.listStatement(BUCKET_LIST_VERSIONS_ACTIONS, keyPattern),
    );
  }

  /**
   * Wires a function to the bucket in one call: grants the access on `keyPattern` and sets the environment variable
   * holding the bucket name. `full` is read, put and delete.
   * @param envVar @default `<ID>_BUCKET_NAME` from the bucket's construct id, e.g. `Uploads` → UPLOADS_BUCKET_NAME
   * @param keyPattern @default "*" (every object)
   */
  public connect(consumer: IEnvironmentConsumer, access: BucketAccess, envVar?: string, keyPattern = "*"): Grant {
    let grant: Grant;
    switch (access) {
      case "read":
        grant = this.grantRead(consumer, keyPattern);
        break;
      case "put":
        grant = this.grantPut(consumer, keyPattern);
        break;
      case "readWrite":
        grant = this.grantReadWrite(consumer, keyPattern);
        break;
      case "delete":
        grant = this.grantDelete(consumer, keyPattern);
        break;
      case "full":
        grant = Grant.combine(this.grantReadWrite(consumer, keyPattern), this.grantDelete(consumer, keyPattern));
        break;
      default:
        throw new Error(`Bucket "${this.node.path}": connect access "${String(access)}" is unknown. Fix: pass "read", "put", "readWrite", "delete" or "full".`);
    }
    consumer.addEnvironment(envVar ?? `${envVarPrefix(this.node.id)}_BUCKET_NAME`, this.name);
    return grant;
  }

  /**
   * The policy of an imported bucket is not managed here: returns false and adds nothing (its owner must add the
   * statement). `Bucket` overrides it.
   */
  public addToResourcePolicy(_statement: BucketPolicyStatement): boolean {
    return false;
  }

  private objectsArn(method: string, keyPattern: string): string {
    validateKeyPattern(method, this.node.path, keyPattern);
    return `${this.arn}/${keyPattern}`;
  }

  private listStatement(actions: readonly string[], keyPattern: string): PolicyStatement {
    return {
      actions: [...actions],
      resources: [this.arn],
      conditions: keyPattern === "*" ? undefined : { StringLike: { "s3:prefix": [keyPattern] } },
    };
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

class ImportedBucket extends BucketBase {
  public readonly encryptionKey?: IKey;
  private readonly domainName?: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly importer: string,
    public readonly arn: string,
    public readonly name: string,
    options: BucketImportOptions,
    partition: string,
  ) {
    super(scope, id);
    new PropsValidator(importer, this.node.path).string("region", options.region, { pattern: REGION, describe: 'an AWS region such as "eu-west-1"' }).throwIfInvalid();
    this.encryptionKey = options.encryptionKey;
    const suffix = dnsSuffixOf(partition);
    this.domainName = options.regionalDomainName ?? (options.region !== undefined ? `${name}.s3.${options.region}.${suffix}` : undefined);
  }

  /** `<name>.s3.<region>.amazonaws.com`; throws when the importer was given neither region nor regionalDomainName. */
  public get regionalDomainName(): string {
    if (this.domainName === undefined) {
      throw new Error(`${this.importer}: the bucket's regional domain name is unknown. Fix: pass region (or regionalDomainName) to the importer.`);
    }
    return this.domainName;
  }
}

/** `Bucket.fromArn`: the name (and partition) from a literal bucket ARN `arn:aws:s3:::<name>`. */
export function importBucketFromArn(scope: Construct, id: string, arn: string, options: BucketImportOptions): IBucket {
  const importer = `Bucket.fromArn("${id}")`;
  const parsed = parseArn(importer, arn, "s3", "arn:aws:s3:::<bucket name>");
  if (!parsed) {
    throw new Error(
      `${importer}: the ARN is a token, so the bucket name cannot be derived from it. ` +
        `Fix: use Bucket.fromAttributes(scope, id, { bucketName }) with the bucket name (a token is fine there).`,
    );
  }
  if (parsed.region !== "" || parsed.account !== "" || !BUCKET_NAME.test(parsed.resource)) {
    throw new Error(`${importer}: "${arn}" is not a bucket ARN. Fix: pass arn:aws:s3:::<bucket name> (not an object, access point or S3 Express ARN).`);
  }
  return new ImportedBucket(scope, id, importer, arn, parsed.resource, options, arn.split(":")[1]);
}

/** `Bucket.fromAttributes`: the ARN from a bucket name, which may be a token. */
export function importBucketFromAttributes(scope: Construct, id: string, attrs: BucketAttributes): IBucket {
  const importer = `Bucket.fromAttributes("${id}")`;
  const partition = attrs.partition ?? "aws";
  new PropsValidator(importer, `${scope.node.path}/${id}`)
    .string("bucketName", attrs.bucketName, { pattern: BUCKET_NAME, describe: "3–63 characters of a-z, 0-9, '.' and '-'" })
    .string("partition", partition, { pattern: /^aws(-[a-z]+)*$/, describe: 'an AWS partition such as "aws" or "aws-cn"' })
    .throwIfInvalid();
  return new ImportedBucket(scope, id, importer, `arn:${partition}:s3:::${attrs.bucketName}`, attrs.bucketName, attrs, partition);
}
