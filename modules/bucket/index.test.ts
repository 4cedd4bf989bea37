import { TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { AwsStack } from "../stack";
import { asArray, roleStatements, synthStack, warnings } from "../../test/support/synth";
import { plannedValues, validateAndPlanStack } from "../../test/support/terraform";
import { Naming } from "../core/naming";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "../queue";
import { Bucket } from "./index";
import { BUCKET_DELETE_ACTIONS, BUCKET_LIST_ACTIONS, BUCKET_LIST_VERSIONS_ACTIONS, BUCKET_PUT_ACTIONS, BUCKET_READ_ACTIONS } from "./perms";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

type Out = ReturnType<typeof synthStack>;

/** The statements of a function's role policy, without the X-Ray and own-log statements every function has. */
function bucketPolicy(out: Out): any {
  return out.policies().find((p) => p.address.startsWith("aws_s3_bucket_policy"))!.document;
}

/** A pattern matching each part (regular-expression source) in this order, anything between them. */
function inOrder(...parts: string[]): RegExp {
  return new RegExp(parts.join("[\\s\\S]*"));
}

/** A stack whose naming context knows the account, as AwsStack sets it from a single allowed account. */
function withAccount(s: TerraformStack): void {
  Naming.configure(s, { app: "test", env: "dev", account: ACCOUNT });
}

describe("Bucket defaults", () => {
  it("blocks all public access, enforces owner, encrypts with SSE-S3, versions, and denies non-TLS requests on bucket and objects", () => {
    let b!: Bucket;
    const out = synthStack((s) => {
      b = new Bucket(s, "Uploads", { name: "uploads" });
      new TerraformOutput(s, "domain", { value: b.regionalDomainName });
    });
    expect(out.only("aws_s3_bucket")).toMatchObject({ bucket: "test-dev-uploads", force_destroy: false });
    expect(out.only("aws_s3_bucket").lifecycle).toBeUndefined();
    expect(out.only("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(out.only("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(out.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: false },
    ]);
    expect(out.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    const arn = out.ref("aws_s3_bucket", "arn");
    expect(bucketPolicy(out).Statement).toEqual([
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ]);
    expect(out.only("aws_s3_bucket_policy").depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
    expect(out.resources("aws_s3_bucket_cors_configuration")).toEqual({});
    expect(out.resources("aws_s3_bucket_notification")).toEqual({});
    expect(b.encryptionKey).toBeUndefined();
    expect(out.json.output.domain.value).toBe(out.ref("aws_s3_bucket", "bucket_regional_domain_name"));
    expect(warnings(b)).toEqual([]);
  });

  it("lifecycle: aborts incomplete multipart uploads after 7 days and expires noncurrent versions after 90", () => {
    const out = synthStack((s) => new Bucket(s, "Uploads", { name: "uploads" }));
    expect(out.only("aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: [{ prefix: "" }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
      { id: "expire-noncurrent-versions", status: "Enabled", filter: [{ prefix: "" }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] },
    ]);
  });

  it("lifecycle: custom abort and noncurrent days, expirations of current objects per prefix, no noncurrent rule when unversioned", () => {
    const out = synthStack(
      (s) =>
        new Bucket(s, "Uploads", {
          name: "uploads",
          abortIncompleteMultipartUploadDays: 1,
          noncurrentVersionExpirationDays: 30,
          expirations: [
            { prefix: "tmp/", days: 1 },
            { prefix: "exports/", days: 14 },
          ],
        }),
    );
    const rules = out.only("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 1 }]);
    expect(rules[1].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    expect(rules.slice(2)).toEqual([
      { id: "expire-current-objects:tmp/", status: "Enabled", filter: [{ prefix: "tmp/" }], expiration: [{ days: 1 }] },
      { id: "expire-current-objects:exports/", status: "Enabled", filter: [{ prefix: "exports/" }], expiration: [{ days: 14 }] },
    ]);

    const unversioned = synthStack((s) => new Bucket(s, "Cache", { name: "cache", versioned: false }));
    expect(unversioned.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Suspended" });
    expect(unversioned.only("aws_s3_bucket_lifecycle_configuration").rule.map((r: any) => r.id)).toEqual(["abort-incomplete-multipart-uploads"]);
  });

  it("keeps an exact name and applies prevent_destroy and force_destroy", () => {
    const out = synthStack((s) => new Bucket(s, "State", { bucketName: "my-state-bucket", preventDestroy: true, forceDestroy: true }));
    expect(out.only("aws_s3_bucket")).toMatchObject({ bucket: "my-state-bucket", force_destroy: true, lifecycle: { prevent_destroy: true } });
  });
});

describe("Bucket encryption", () => {
  it("uses SSE-KMS with the key's ARN and a bucket key when given encryptionKey", () => {
    let b!: Bucket;
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "files", accountId: ACCOUNT });
      b = new Bucket(s, "Files", { name: "files", encryptionKey: key });
      expect(b.encryptionKey).toBe(key);
    });
    expect(out.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: out.ref("aws_kms_key", "arn") }, bucket_key_enabled: true },
    ]);
    expect(warnings(b)).toEqual([]);
  });

  it("still accepts the deprecated kmsKeyArn (wrapped as a key, so grants include KMS) with a warning naming encryptionKey", () => {
    let b!: Bucket;
    const out = synthStack((s) => {
      b = new Bucket(s, "Files", { name: "files", kmsKeyArn: KEY_ARN });
      b.grantRead(new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY }));
    });
    expect(out.only("aws_s3_bucket_server_side_encryption_configuration").rule[0]).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN },
      bucket_key_enabled: true,
    });
    expect(b.encryptionKey?.arn).toBe(KEY_ARN);
    expect(roleStatements(out, "Reader")).toContainEqual({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN });
    expect(warnings(b)).toEqual([expect.stringMatching(/^Bucket "test\/Files": kmsKeyArn is deprecated\. Fix: pass encryptionKey instead/)]);
  });

  it("refuses encryptionKey and kmsKeyArn together, and a kmsKeyArn that is not a key ARN", () => {
    expect(() => synthStack((s) => new Bucket(s, "B", { name: "b", encryptionKey: Key.fromArn(s, "K", KEY_ARN), kmsKeyArn: KEY_ARN }))).toThrow(
      /Bucket "test\/B": invalid props[\s\S]*kmsKeyArn: received .*allowed: unset when encryptionKey is set\. Fix: pass the key once, as encryptionKey/,
    );
    expect(() => synthStack((s) => new Bucket(s, "B", { name: "b", kmsKeyArn: "alias/files" }))).toThrow(
      /kmsKeyArn: received "alias\/files"[\s\S]*Fix: pass encryptionKey instead/,
    );
  });
});

describe("Bucket validation", () => {
  it("needs exactly one of name and bucketName and a valid bucket name", () => {
    expect(() => synthStack((s) => new Bucket(s, "B", { name: "a", bucketName: "b-bucket" }))).toThrow(
      /Bucket "test\/B"[\s\S]*name\/bucketName[\s\S]*exactly one of name or bucketName[\s\S]*Fix:/,
    );
    expect(() => synthStack((s) => new Bucket(s, "B", { bucketName: "Bad_Bucket" }))).toThrow(/bucketName: received "Bad_Bucket"/);
  });

  it("collects lifecycle problems into one error naming each prop, the value and the fix", () => {
    expect(() =>
      synthStack(
        (s) =>
          new Bucket(s, "B", {
            name: "b",
            abortIncompleteMultipartUploadDays: 0,
            noncurrentVersionExpirationDays: 40000,
            expirations: [
              { prefix: "tmp/", days: 0 },
              { prefix: "tmp/", days: 3 },
              { prefix: "/abs", days: 3 },
            ],
          }),
      ),
    ).toThrow(
      inOrder(
        'Bucket "test/B": invalid props \\(5 problems\\)',
        "noncurrentVersionExpirationDays: received 40000",
        "abortIncompleteMultipartUploadDays: received 0; allowed: an integer from 1 to 365\\. Fix: set abortIncompleteMultipartUploadDays between 1 and 365",
        "expirations\\[0\\]\\.days: received 0",
        'expirations\\[1\\]\\.prefix: received "tmp/"; allowed: a prefix not listed before\\. Fix: keep one expiration per prefix',
        'expirations\\[2\\]\\.prefix: received "/abs"',
      ),
    );
  });
});

describe("Bucket CORS", () => {
  it("renders each rule into aws_s3_bucket_cors_configuration", () => {
    const out = synthStack(
      (s) =>
        new Bucket(s, "Files", {
          name: "files",
          cors: [
            {
              allowedOrigins: ["https://app.example.com", "https://*.example.com", "http://localhost:5173"],
              allowedMethods: ["GET", "POST"],
              allowedHeaders: ["content-type"],
              exposeHeaders: ["ETag"],
              maxAgeSeconds: 3000,
            },
            { allowedOrigins: ["https://admin.example.com"], allowedMethods: ["DELETE"] },
          ],
        }),
    );
    const cors = out.only("aws_s3_bucket_cors_configuration");
    expect(cors.bucket).toBe(out.ref("aws_s3_bucket", "id"));
    expect(cors.cors_rule).toEqual([
      {
        allowed_origins: ["https://app.example.com", "https://*.example.com", "http://localhost:5173"],
        allowed_methods: ["GET", "POST"],
        allowed_headers: ["content-type"],
        expose_headers: ["ETag"],
        max_age_seconds: 3000,
      },
      { allowed_origins: ["https://admin.example.com"], allowed_methods: ["DELETE"] },
    ]);
  });

  it('refuses origin "*", plain-http origins other than localhost, no methods, an unknown method and a max age above a day', () => {
    expect(() =>
      synthStack(
        (s) =>
          new Bucket(s, "B", {
            name: "b",
            cors: [
              { allowedOrigins: ["*", "http://app.example.com"], allowedMethods: [], maxAgeSeconds: 90000 },
              { allowedOrigins: [], allowedMethods: ["PATCH" as any] },
            ],
          }),
      ),
    ).toThrow(
      inOrder(
        'Bucket "test/B": invalid props \\(6 problems\\)',
        'cors\\[0\\]\\.allowedOrigins\\[0\\]: received "\\*"; allowed: an https:// origin[^\\n]*Fix: name the origins of the web app',
        'cors\\[0\\]\\.allowedOrigins\\[1\\]: received "http://app.example.com"[^\\n]*Fix: use https://',
        "cors\\[0\\]\\.allowedMethods: received \\[\\]; allowed: at least one method",
        "cors\\[0\\]\\.maxAgeSeconds: received 90000",
        "cors\\[1\\]\\.allowedOrigins: received \\[\\]",
        'cors\\[1\\]\\.allowedMethods\\[0\\]: received "PATCH"',
      ),
    );
  });
});

describe("Bucket grants", () => {
  it("grantRead on every object: Get* on <arn>/*, ListBucket on the bucket without a condition, no KMS action without a key", () => {
    const out = synthStack((s) => {
      new Bucket(s, "Uploads", { name: "uploads" }).grantRead(new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY }));
    });
    const arn = out.ref("aws_s3_bucket", "arn");
    expect(roleStatements(out, "Reader")).toEqual([
      { Effect: "Allow", Action: [...BUCKET_READ_ACTIONS], Resource: `${arn}/*` },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
    ]);
    expect(BUCKET_READ_ACTIONS).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(BUCKET_LIST_ACTIONS).toEqual(["s3:ListBucket"]);
  });

  it("grantRead on a key pattern: objects under it, ListBucket with s3:prefix StringLike the pattern, kms:Decrypt on the key", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "files", accountId: ACCOUNT });
      new Bucket(s, "Uploads", { name: "uploads", encryptionKey: key }).grantRead(new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY }), "uploads/*");
    });
    const arn = out.ref("aws_s3_bucket", "arn");
    expect(roleStatements(out, "Reader")).toEqual([
      { Effect: "Allow", Action: [...BUCKET_READ_ACTIONS], Resource: `${arn}/uploads/*` },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: arn, Condition: { StringLike: { "s3:prefix": ["uploads/*"] } } },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: out.ref("aws_kms_key", "arn") },
    ]);
  });

  it("grantPut: PutObject and AbortMultipartUpload on the objects; with a key kms:Encrypt/Decrypt/GenerateDataKey, without one none", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "files", accountId: ACCOUNT });
      new Bucket(s, "Uploads", { name: "uploads", encryptionKey: key }).grantPut(new LambdaFunction(s, "Uploader", { name: "uploader", entry: ENTRY }), "uploads/*");
      new Bucket(s, "Plain", { name: "plain" }).grantPut(new LambdaFunction(s, "PlainWriter", { name: "plain-writer", entry: ENTRY }));
    });
    const arns = Object.keys(out.resources("aws_s3_bucket")).map((k) => `\${aws_s3_bucket.${k}.arn}`);
    const uploads = arns.find((a) => a.includes("Uploads"))!;
    const plain = arns.find((a) => a.includes("Plain"))!;
    expect(roleStatements(out, "Uploader")).toEqual([
      { Effect: "Allow", Action: [...BUCKET_PUT_ACTIONS], Resource: `${uploads}/uploads/*` },
      { Effect: "Allow", Action: KEY_ACTIONS, Resource: out.ref("aws_kms_key", "arn") },
    ]);
    expect(roleStatements(out, "PlainWriter")).toEqual([{ Effect: "Allow", Action: [...BUCKET_PUT_ACTIONS], Resource: `${plain}/*` }]);
    expect(BUCKET_PUT_ACTIONS).toEqual(["s3:PutObject", "s3:AbortMultipartUpload"]);
  });

  it("grantDelete: Delete* on the objects and ListBucketVersions with the s3:prefix condition; never a KMS action", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "files", accountId: ACCOUNT });
      new Bucket(s, "Uploads", { name: "uploads", encryptionKey: key }).grantDelete(new LambdaFunction(s, "Deleter", { name: "deleter", entry: ENTRY }), "uploads/*");
    });
    const arn = out.ref("aws_s3_bucket", "arn");
    expect(roleStatements(out, "Deleter")).toEqual([
      { Effect: "Allow", Action: [...BUCKET_DELETE_ACTIONS], Resource: `${arn}/uploads/*` },
      { Effect: "Allow", Action: "s3:ListBucketVersions", Resource: arn, Condition: { StringLike: { "s3:prefix": ["uploads/*"] } } },
    ]);
    expect(BUCKET_DELETE_ACTIONS).toEqual(["s3:DeleteObject", "s3:DeleteObjectVersion"]);
  });

  it('grantReadWrite is grantRead + grantPut on the same pattern; no grant uses a wildcard action or resource "*"', () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "files", accountId: ACCOUNT });
      new Bucket(s, "Uploads", { name: "uploads", encryptionKey: key }).grantReadWrite(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }), "in/*");
    });
    const statements = roleStatements(out, "Fn");
    const actions = statements.flatMap((st) => asArray<string>(st.Action));
    expect(actions.sort()).toEqual([...BUCKET_READ_ACTIONS, ...BUCKET_LIST_ACTIONS, ...BUCKET_PUT_ACTIONS, ...KEY_ACTIONS, "kms:Decrypt"].sort());
    for (const st of statements) {
      expect(asArray(st.Resource)).not.toContain("*");
      for (const action of asArray<string>(st.Action)) expect(action).not.toMatch(/\*/);
    }
    expect(actions).not.toContain("s3:DeleteObject");
  });

  it('refuses a key pattern with a leading "/" or an empty one, naming the method, the value and the fix', () => {
    const build = (grant: (b: Bucket, fn: LambdaFunction) => void) => () =>
      synthStack((s) => grant(new Bucket(s, "Uploads", { name: "uploads" }), new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY })));
    expect(build((b, fn) => b.grantRead(fn, "/uploads/*"))).toThrow(
      /Bucket\.grantRead "test\/Uploads"[\s\S]*keyPattern: received "\/uploads\/\*"[\s\S]*Fix: drop the leading "\/": "uploads\/\*"/,
    );
    expect(build((b, fn) => b.grantPut(fn, ""))).toThrow(/Bucket\.grantPut "test\/Uploads"[\s\S]*keyPattern: received ""[\s\S]*Fix: pass "\*" for every object/);
    expect(build((b, fn) => b.grantDelete(fn, "/x"))).toThrow(/Bucket\.grantDelete/);
  });

  it("connect grants the access and sets <ID>_BUCKET_NAME (or the given variable) to the bucket name", () => {
    const out = synthStack((s) => {
      const b = new Bucket(s, "UserFiles", { name: "user-files" });
      b.connect(new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY }), "read");
      b.connect(new LambdaFunction(s, "Owner", { name: "owner", entry: ENTRY }), "full", "FILES_BUCKET", "uploads/*");
      expect(() => b.connect(new LambdaFunction(s, "Bad", { name: "bad", entry: ENTRY }), "write" as any)).toThrow(
        /Bucket "test\/UserFiles": connect access "write" is unknown\. Fix: pass "read", "put", "readWrite", "delete" or "full"/,
      );
    });
    const fns = Object.values(out.resources("aws_lambda_function")) as any[];
    const name = out.ref("aws_s3_bucket", "bucket");
    expect(fns.find((f) => f.function_name === "test-dev-reader").environment.variables.USER_FILES_BUCKET_NAME).toBe(name);
    expect(fns.find((f) => f.function_name === "test-dev-owner").environment.variables.FILES_BUCKET).toBe(name);
    const owner = roleStatements(out, "Owner").flatMap((st) => asArray<string>(st.Action));
    expect(owner.sort()).toEqual([...BUCKET_READ_ACTIONS, ...BUCKET_LIST_ACTIONS, ...BUCKET_PUT_ACTIONS, ...BUCKET_DELETE_ACTIONS, ...BUCKET_LIST_VERSIONS_ACTIONS].sort());
    expect(roleStatements(out, "Owner")[0].Resource).toBe(`${out.ref("aws_s3_bucket", "arn")}/uploads/*`);
  });
});

describe("Bucket importers", () => {
  it("fromArn takes the name from a literal ARN, derives the regional domain name from region, and grants on that ARN (KMS with a key)", () => {
    const arn = "arn:aws:s3:::shared-reports";
    const out = synthStack((s) => {
      const b = Bucket.fromArn(s, "Shared", arn, { region: "eu-west-1", encryptionKey: Key.fromArn(s, "SharedKey", KEY_ARN) });
      expect(b.name).toBe("shared-reports");
      expect(b.arn).toBe(arn);
      expect(b.regionalDomainName).toBe("shared-reports.s3.eu-west-1.amazonaws.com");
      b.connect(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }), "read", undefined, "reports/*");
    });
    expect(roleStatements(out, "Fn")).toEqual([
      { Effect: "Allow", Action: [...BUCKET_READ_ACTIONS], Resource: `${arn}/reports/*` },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: arn, Condition: { StringLike: { "s3:prefix": ["reports/*"] } } },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
    ]);
    expect(out.only("aws_lambda_function").environment.variables.SHARED_BUCKET_NAME).toBe("shared-reports");
    expect(out.resources("aws_s3_bucket")).toEqual({});
  });

  it("fromArn: regionalDomainName as given, or an error naming the fix when neither region nor regionalDomainName was given", () => {
    synthStack((s) => {
      expect(Bucket.fromArn(s, "A", "arn:aws:s3:::a-bucket", { regionalDomainName: "a-bucket.s3.us-east-1.amazonaws.com" }).regionalDomainName).toBe(
        "a-bucket.s3.us-east-1.amazonaws.com",
      );
      expect(Bucket.fromArn(s, "Cn", "arn:aws-cn:s3:::cn-bucket", { region: "cn-north-1" }).regionalDomainName).toBe("cn-bucket.s3.cn-north-1.amazonaws.com.cn");
      const b = Bucket.fromArn(s, "B", "arn:aws:s3:::b-bucket");
      expect(() => b.regionalDomainName).toThrow(/Bucket\.fromArn\("B"\): the bucket's regional domain name is unknown\. Fix: pass region \(or regionalDomainName\)/);
    });
  });

  it("fromArn refuses a token ARN (pointing to fromAttributes), an object ARN and another service's ARN", () => {
    expect(() => synthStack((s) => Bucket.fromArn(s, "T", Token.asString({ Ref: "arn" })))).toThrow(
      /Bucket\.fromArn\("T"\): the ARN is a token, so the bucket name cannot be derived from it\. Fix: use Bucket\.fromAttributes\(scope, id, \{ bucketName \}\)/,
    );
    expect(() => synthStack((s) => Bucket.fromArn(s, "O", "arn:aws:s3:::bucket/key.txt"))).toThrow(
      /"arn:aws:s3:::bucket\/key\.txt" is not a bucket ARN\. Fix: pass arn:aws:s3:::<bucket name>/,
    );
    expect(() => synthStack((s) => Bucket.fromArn(s, "Q", "arn:aws:sqs:eu-west-1:123456789012:q"))).toThrow(/is not an s3 ARN/);
    expect(() => synthStack((s) => Bucket.fromArn(s, "R", "arn:aws:s3:::r-bucket", { region: "Europe" }))).toThrow(/region: received "Europe"/);
  });

  it("fromAttributes builds the ARN from a bucket name, a token included, and grants on it", () => {
    const out = synthStack((s) => {
      const name = new TerraformVariable(s, "bucket_name", { type: "string" }).stringValue;
      const b = Bucket.fromAttributes(s, "Lake", { bucketName: name, region: "eu-west-1" });
      expect(b.arn).toBe(`arn:aws:s3:::${name}`);
      expect(b.name).toBe(name);
      b.grantPut(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }), "dt=*/*");
      expect(Bucket.fromAttributes(s, "Cn", { bucketName: "cn-bucket", partition: "aws-cn" }).arn).toBe("arn:aws-cn:s3:::cn-bucket");
    });
    expect(roleStatements(out, "Fn")).toEqual([{ Effect: "Allow", Action: [...BUCKET_PUT_ACTIONS], Resource: "arn:aws:s3:::${var.bucket_name}/dt=*/*" }]);
    expect(() => synthStack((s) => Bucket.fromAttributes(s, "Bad", { bucketName: "Bad_Name" }))).toThrow(
      /Bucket\.fromAttributes\("Bad"\) "test\/Bad"[\s\S]*bucketName: received "Bad_Name"/,
    );
  });
});

describe("Bucket policy statements", () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/reader`;

  it('renders typed statements on the bucket and objects by default, or on "bucket", "objects" and key patterns; duplicates once', () => {
    const out = synthStack((s) => {
      const b = new Bucket(s, "Uploads", {
        name: "uploads",
        policyStatements: [{ sid: "ReadAll", principals: { AWS: ROLE }, actions: ["s3:GetObject", "s3:ListBucket"] }],
      });
      b.addToResourcePolicy({ sid: "List", principals: { AWS: [ROLE] }, actions: ["s3:ListBucket"], resources: ["bucket"] });
      b.addToResourcePolicy({ sid: "Put", principals: { AWS: ROLE }, actions: ["s3:PutObject"], resources: [{ keyPattern: "in/*" }, "objects"] });
      b.addToResourcePolicy({ sid: "List", principals: { AWS: [ROLE] }, actions: ["s3:ListBucket"], resources: ["bucket"] });
    });
    const arn = out.ref("aws_s3_bucket", "arn");
    expect(bucketPolicy(out).Statement.slice(1)).toEqual([
      { Sid: "ReadAll", Effect: "Allow", Principal: { AWS: ROLE }, Action: ["s3:GetObject", "s3:ListBucket"], Resource: [arn, `${arn}/*`] },
      { Sid: "List", Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:ListBucket", Resource: arn },
      { Sid: "Put", Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:PutObject", Resource: [`${arn}/in/*`, `${arn}/*`] },
    ]);
  });

  it('allows principal "*" only with a condition and a Deny with a wildcard action; refuses wildcard Allow actions, no resources and bad key patterns', () => {
    const out = synthStack((s) => {
      const b = new Bucket(s, "Uploads", { name: "uploads" });
      b.addToResourcePolicy({ sid: "Org", principals: "*", actions: ["s3:GetObject"], resources: ["objects"], conditions: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } });
      b.addToResourcePolicy({ sid: "NoDeletes", effect: "Deny", principals: "*", actions: ["s3:Delete*"], resources: ["objects"] });
    });
    expect(bucketPolicy(out).Statement.map((st: any) => st.Sid)).toEqual(["DenyInsecureTransport", "Org", "NoDeletes"]);

    const add = (statement: Parameters<Bucket["addToResourcePolicy"]>[0]) => () => synthStack((s) => new Bucket(s, "B", { name: "b" }).addToResourcePolicy(statement));
    expect(add({ principals: "*", actions: ["s3:GetObject"] })).toThrow(/Bucket "test\/B": a resource-policy Allow for principal "\*" without conditions[\s\S]*Fix:/);
    expect(add({ principals: { AWS: "*" }, actions: ["s3:GetObject"], conditions: {} })).toThrow(/principal "\*" without conditions/);
    expect(add({ principals: { AWS: ROLE }, actions: ["s3:*"] })).toThrow(/IAM action "s3:\*" is a wildcard/);
    expect(add({ principals: { AWS: ROLE }, actions: ["s3:GetObject"], resources: [] })).toThrow(/has no resources\. Fix: pass "bucket", "objects" or \{ keyPattern \}/);
    expect(add({ principals: { AWS: ROLE }, actions: ["s3:GetObject"], resources: [{ keyPattern: "/x/*" }] })).toThrow(
      /Bucket\.addToResourcePolicy "test\/B"[\s\S]*keyPattern: received "\/x\/\*"/,
    );
    expect(() => synthStack((s) => new Bucket(s, "P", { name: "p", policyStatements: [{ principals: "*", actions: ["s3:GetObject"] }] }))).toThrow(
      /principal "\*" without conditions/,
    );
  });
});

describe("Bucket.notify", () => {
  it("one notification resource for two queues, created after both queue policies, each queue allowing exactly this bucket and account", () => {
    const out = synthStack((s) => {
      withAccount(s);
      const b = new Bucket(s, "Uploads", { name: "uploads" });
      const created = new Queue(s, "Created", { name: "created" });
      const removed = new Queue(s, "Removed", { name: "removed" });
      b.notify(created, { events: ["s3:ObjectCreated:*"], prefix: "uploads/", suffix: ".jpg" });
      b.notify(removed, { events: ["s3:ObjectRemoved:*"], prefix: "uploads/" });
    });
    const n = out.only("aws_s3_bucket_notification");
    const queueArn = (id: string) => `\${aws_sqs_queue.${Object.keys(out.resources("aws_sqs_queue")).find((k) => k.startsWith(`${id}_`))}.arn}`;
    expect(n.bucket).toBe(out.ref("aws_s3_bucket", "id"));
    expect(n.queue).toEqual([
      { id: "Created-1", queue_arn: queueArn("Created"), events: ["s3:ObjectCreated:*"], filter_prefix: "uploads/", filter_suffix: ".jpg" },
      { id: "Removed-2", queue_arn: queueArn("Removed"), events: ["s3:ObjectRemoved:*"], filter_prefix: "uploads/" },
    ]);
    const policies = Object.keys(out.resources("aws_sqs_queue_policy"));
    expect(n.depends_on).toEqual([
      `aws_sqs_queue_policy.${policies.find((k) => k.startsWith("Created_Policy"))}`,
      `aws_sqs_queue_policy.${policies.find((k) => k.startsWith("Removed_Policy"))}`,
    ]);
    for (const id of ["Created", "Removed"]) {
      const doc = out.policies().find((p) => p.address.startsWith(`aws_sqs_queue_policy.${id}_Policy`))!.document;
      expect(doc.Statement.find((st: any) => st.Sid === "AllowS3SendMessage")).toEqual({
        Sid: "AllowS3SendMessage",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn(id),
        Condition: { ArnEquals: { "aws:SourceArn": out.ref("aws_s3_bucket", "arn") }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
      });
    }
  });

  it("takes the account from sourceAccount over the naming context, and lets the queue's customer-managed key allow S3 for this bucket", () => {
    const other = "210987654321";
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "queues", accountId: ACCOUNT });
      const q = new Queue(s, "Events", { name: "events", encryptionKey: key, deadLetterQueue: false });
      new Bucket(s, "Uploads", { name: "uploads" }).notify(q, { events: ["s3:ObjectCreated:Put", "s3:ObjectCreated:Post"], sourceAccount: other });
    });
    const doc = out.policies().find((p) => p.address.startsWith("aws_sqs_queue_policy"))!.document;
    expect(doc.Statement[1].Condition.StringEquals).toEqual({ "aws:SourceAccount": other });
    const keyPolicy = out.policies().find((p) => p.address.startsWith("aws_kms_key"))!.document;
    const s3 = keyPolicy.Statement.find((st: any) => st.Principal?.Service === "s3.amazonaws.com");
    expect(asArray(s3.Action)).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
    expect(JSON.stringify(s3.Condition)).toContain(out.ref("aws_s3_bucket", "arn"));
  });

  it("throws without an account, naming sourceAccount as the fix", () => {
    expect(() => synthStack((s) => new Bucket(s, "Uploads", { name: "uploads" }).notify(new Queue(s, "Q", { name: "q" }), { events: ["s3:ObjectCreated:*"] }))).toThrow(
      /Bucket "test\/Uploads": notify\(queue "test\/Q"\) needs the bucket's account[\s\S]*Fix: pass sourceAccount/,
    );
  });

  it("warns that an imported queue's owner must allow s3.amazonaws.com for this bucket, and adds no depends_on", () => {
    let b!: Bucket;
    const out = synthStack((s) => {
      withAccount(s);
      b = new Bucket(s, "Uploads", { name: "uploads" });
      b.notify(Queue.fromArn(s, "Shared", `arn:aws:sqs:eu-west-1:${ACCOUNT}:shared`), { events: ["s3:ObjectRemoved:*"] });
    });
    expect(out.only("aws_s3_bucket_notification").queue[0].queue_arn).toBe(`arn:aws:sqs:eu-west-1:${ACCOUNT}:shared`);
    expect(out.only("aws_s3_bucket_notification").depends_on).toBeUndefined();
    expect(warnings(b)).toEqual([
      expect.stringMatching(/queue "test\/Shared" is imported[\s\S]*Fix: its owner must allow s3\.amazonaws\.com sqs:SendMessage .* aws:SourceAccount = 123456789012/),
    ]);
  });

  it("refuses unknown or repeated events, a FIFO queue, an alias/aws/sqs queue and a configuration overlapping an earlier one; accepts disjoint ones", () => {
    const build = (fn: (b: Bucket, s: TerraformStack) => void) => () =>
      synthStack((s) => {
        withAccount(s);
        fn(new Bucket(s, "B", { name: "b" }), s);
      });
    expect(build((b, s) => b.notify(new Queue(s, "Q", { name: "q" }), { events: ["s3:ObjectCreated:*", "s3:ObjectCreated:*", "s3:Bogus" as any] }))).toThrow(
      /Bucket\.notify "test\/B": invalid props \(2 problems\)[\s\S]*events\[1\]: received "s3:ObjectCreated:\*"; allowed: an event not listed before[\s\S]*events\[2\]: received "s3:Bogus"/,
    );
    expect(build((b, s) => b.notify(new Queue(s, "Q", { name: "q" }), { events: [] }))).toThrow(/events: received \[\]; allowed: at least one S3 event type/);
    expect(build((b, s) => b.notify(new Queue(s, "F", { name: "f", fifo: true }), { events: ["s3:ObjectCreated:*"] }))).toThrow(
      /queue: received "test\/F"; allowed: a standard queue/,
    );
    expect(build((b, s) => b.notify(Queue.fromArn(s, "M", `arn:aws:sqs:eu-west-1:${ACCOUNT}:m`, { kmsMasterKeyId: "alias/aws/sqs" }), { events: ["s3:ObjectCreated:*"] }))).toThrow(
      /S3 cannot deliver to a queue encrypted with the AWS-managed alias\/aws\/sqs key/,
    );
    expect(
      build((b, s) => {
        b.notify(new Queue(s, "A", { name: "a" }), { events: ["s3:ObjectCreated:*"], prefix: "uploads/" });
        b.notify(new Queue(s, "C", { name: "c" }), { events: ["s3:ObjectCreated:Put"], prefix: "uploads/images/" });
      }),
    ).toThrow(/events\/prefix\/suffix[\s\S]*no overlap with the configuration for queue "test\/A"[\s\S]*Fix: S3 refuses two configurations that share an event type/);
    expect(
      build((b, s) => {
        b.notify(new Queue(s, "A", { name: "a" }), { events: ["s3:ObjectCreated:*"], prefix: "uploads/" });
        b.notify(new Queue(s, "C", { name: "c" }), { events: ["s3:ObjectCreated:*"], prefix: "exports/" });
        b.notify(new Queue(s, "D", { name: "d" }), { events: ["s3:ObjectRemoved:*"], prefix: "uploads/" });
      }),
    ).not.toThrow();
    const twice = synthStack((s) => {
      withAccount(s);
      const b = new Bucket(s, "B", { name: "b" });
      const q = new Queue(s, "Q", { name: "q", deadLetterQueue: false });
      b.notify(q, { events: ["s3:ObjectCreated:*"], prefix: "in/" });
      b.notify(q, { events: ["s3:ObjectCreated:*"], prefix: "out/" });
    });
    expect(twice.only("aws_s3_bucket_notification").queue).toHaveLength(2);
    expect(twice.only("aws_s3_bucket_notification").depends_on).toEqual([`aws_sqs_queue_policy.${Object.keys(twice.resources("aws_sqs_queue_policy"))[0]}`]);
  });
});

describe("Bucket in Terraform", () => {
  it("is valid Terraform: init + validate + offline plan of a bucket with a key, CORS, expirations, a policy statement and a notification", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "bucket-tf", { app: "test", env: "dev", region: "eu-west-1", allowedAccountIds: [ACCOUNT], tags: {}, offline: true });
    // AwsStack puts its only allowed account into the naming context: notify below needs no sourceAccount.
    expect(Naming.accountOf(stack)).toBe(ACCOUNT);
    expect(
      Naming.accountOf(new AwsStack(app, "two", { app: "test", env: "qa", region: "eu-west-1", allowedAccountIds: [ACCOUNT, "210987654321"], tags: {}, offline: true })),
    ).toBeUndefined();
    const key = new Key(stack, "Key", { name: "files", accountId: ACCOUNT });
    const bucket = new Bucket(stack, "Files", {
      name: "files",
      encryptionKey: key,
      abortIncompleteMultipartUploadDays: 1,
      expirations: [{ prefix: "tmp/", days: 1 }],
      cors: [{ allowedOrigins: ["https://app.example.com"], allowedMethods: ["GET", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3000 }],
      policyStatements: [{ sid: "ReadReports", principals: { AWS: `arn:aws:iam::${ACCOUNT}:role/reports` }, actions: ["s3:GetObject"], resources: [{ keyPattern: "reports/*" }] }],
    });
    const queue = new Queue(stack, "Events", { name: "events", encryptionKey: key });
    bucket.notify(queue, { events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], prefix: "uploads/" });
    const result = await validateAndPlanStack(stack);
    expect(result.validate.diagnostics).toEqual([]);
    expect(result.validate.valid).toBe(true);
    const types = (result.plan.resource_changes as any[]).map((rc) => rc.type);
    for (const type of ["aws_s3_bucket", "aws_s3_bucket_cors_configuration", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_notification", "aws_s3_bucket_policy"]) {
      expect(types.filter((t) => t === type)).toHaveLength(1);
    }
    expect(plannedValues(result.plan, "aws_s3_bucket_notification")[0].queue[0]).toMatchObject({ events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], filter_prefix: "uploads/" });
  });
});
