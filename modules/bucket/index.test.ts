import { LambdaFunction } from "../lambda-function";
import { asArray, synthStack } from "../../test/support/synth";
import { Bucket } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;

describe("Bucket", () => {
  it("blocks all public access, enforces owner, encrypts with SSE-S3, versions, and denies non-TLS requests", () => {
    const out = synthStack((s) => new Bucket(s, "Uploads", { name: "uploads" }));
    expect(out.only("aws_s3_bucket")).toMatchObject({ bucket: "test-dev-uploads", force_destroy: false });
    expect(out.only("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(out.only("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(out.only("aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
    expect(out.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    const policy = JSON.parse(out.only("aws_s3_bucket_policy").policy);
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const rules = out.only("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules.map((r: any) => r.id)).toEqual(["abort-incomplete-multipart-uploads", "expire-noncurrent-versions"]);
  });

  it("uses SSE-KMS with a bucket key when given a key, and keeps an exact name", () => {
    const out = synthStack((s) => new Bucket(s, "State", { bucketName: "my-state-bucket", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc", preventDestroy: true }));
    expect(out.only("aws_s3_bucket")).toMatchObject({ bucket: "my-state-bucket", lifecycle: { prevent_destroy: true } });
    expect(out.only("aws_s3_bucket_server_side_encryption_configuration").rule[0]).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "arn:aws:kms:eu-west-1:123456789012:key/abc" },
      bucket_key_enabled: true,
    });
  });

  it("needs exactly one of name and bucketName and a valid bucket name", () => {
    expect(() => synthStack((s) => new Bucket(s, "B", { name: "a", bucketName: "b-bucket" }))).toThrow(/name\/bucketName[\s\S]*exactly one of name or bucketName/);
    expect(() => synthStack((s) => new Bucket(s, "B", { bucketName: "Bad_Bucket" }))).toThrow(/bucketName: received "Bad_Bucket"/);
  });

  it("grants reads and list under a prefix only", () => {
    const out = synthStack((s) => {
      const b = new Bucket(s, "Uploads", { name: "uploads" });
      b.grantRead(new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY }), "uploads/");
    });
    const doc = out.policies().find((p) => p.address.startsWith("aws_iam_role_policy"))!.document;
    const arn = out.ref("aws_s3_bucket", "arn");
    const get = doc.Statement.find((s: any) => asArray(s.Action).includes("s3:GetObject"));
    expect(get.Resource).toBe(`${arn}/uploads/*`);
    const list = doc.Statement.find((s: any) => asArray(s.Action).includes("s3:ListBucket"));
    expect(list).toMatchObject({ Resource: arn, Condition: { StringLike: { "s3:prefix": ["uploads/*"] } } });
  });
});
