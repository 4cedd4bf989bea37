// Policy rules of the data lake's resources: PLT-FH-001 (Firehose destination encryption) and PLT-ATH-001 (Athena
// workgroups enforce their configuration and encrypt results), on raw provider resources and on the DataLake module.
import { TerraformStack, Testing } from "cdktf";
import { AthenaWorkgroup, AthenaWorkgroupConfiguration } from "@cdktf/provider-aws/lib/athena-workgroup";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { activityEventSchema } from "../../lambdas/analytics/activity-event";
import { Naming } from "../core/naming";
import { DataLake, lakeColumnsFromZod } from "../data-lake";
import { Key } from "../kms-key";
import { Stream } from "../stream";
import { applyPolicy, policyReport } from "./index";

type Build = (stack: TerraformStack) => void;

function findingsOf(build: Build, ruleId: string) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  Naming.configure(stack, { app: "test", env: "dev", account: "123456789012" });
  build(stack);
  applyPolicy(stack, { environment: "dev", production: false, enforcement: "warn" });
  return policyReport(stack).findings.filter((f) => f.ruleId === ruleId);
}

function firehose(stack: TerraformStack, o: { kmsKeyArn?: string; encryptBucket?: boolean }): void {
  const bucket = new S3Bucket(stack, "Dest", { bucket: "test-dest" });
  if (o.encryptBucket) {
    new S3BucketServerSideEncryptionConfigurationA(stack, "DestSse", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
  }
  new KinesisFirehoseDeliveryStream(stack, "Fh", {
    name: "test-fh",
    destination: "extended_s3",
    extendedS3Configuration: { bucketArn: bucket.arn, roleArn: "arn:aws:iam::123456789012:role/fh", kmsKeyArn: o.kmsKeyArn },
  });
}

function workgroup(stack: TerraformStack, configuration: AthenaWorkgroupConfiguration | undefined): void {
  new AthenaWorkgroup(stack, "Wg", { name: "test-wg", configuration });
}

const columns = lakeColumnsFromZod(activityEventSchema);

describe("PLT-FH-001 Firehose S3 destinations encrypt delivered objects", () => {
  it("flags a delivery stream without kms_key_arn whose bucket declares no encryption", () => {
    const f = findingsOf((s) => firehose(s, {}), "PLT-FH-001");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/Delivery stream "test-fh" sets no kms_key_arn and its destination bucket "test-dest" declares no default encryption/);
  });

  it("passes with kms_key_arn, or with the destination bucket's default encryption", () => {
    expect(findingsOf((s) => firehose(s, { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" }), "PLT-FH-001")).toEqual([]);
    expect(findingsOf((s) => firehose(s, { encryptBucket: true }), "PLT-FH-001")).toEqual([]);
  });

  it("passes on the DataLake module (bucket default encryption, or a key)", () => {
    const build =
      (withKey: boolean): Build =>
      (s) => {
        const stream = new Stream(s, "Activity", { name: "activity" });
        new DataLake(s, "Lake", {
          name: "activity",
          source: stream,
          columns,
          partitionStartDate: "2026-01-01",
          encryptionKey: withKey ? new Key(s, "K", { name: "lake", accountId: "123456789012" }) : undefined,
        });
      };
    expect(findingsOf(build(false), "PLT-FH-001")).toEqual([]);
    expect(findingsOf(build(true), "PLT-FH-001")).toEqual([]);
    expect(findingsOf(build(false), "PLT-ATH-001")).toEqual([]);
  });
});

describe("PLT-ATH-001 Athena workgroups enforce their configuration and encrypt query results", () => {
  const encrypted = { outputLocation: "s3://r/", encryptionConfiguration: { encryptionOption: "SSE_S3" } };

  it("flags a workgroup whose clients may override its configuration", () => {
    const f = findingsOf((s) => workgroup(s, { enforceWorkgroupConfiguration: false, resultConfiguration: encrypted }), "PLT-ATH-001");
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/Workgroup "test-wg" lets clients override its configuration/)]);
  });

  it("flags a workgroup without result encryption (no configuration at all, or no encryption option)", () => {
    expect(findingsOf((s) => workgroup(s, undefined), "PLT-ATH-001").map((x) => x.message)).toEqual([
      expect.stringMatching(/does not encrypt query results \(encryption_option unset\)/),
    ]);
    expect(findingsOf((s) => workgroup(s, { enforceWorkgroupConfiguration: true, resultConfiguration: { outputLocation: "s3://r/" } }), "PLT-ATH-001")).toHaveLength(1);
  });

  it("passes an enforced workgroup with SSE_S3, SSE_KMS or CSE_KMS results", () => {
    for (const option of ["SSE_S3", "SSE_KMS", "CSE_KMS"]) {
      const cfg = {
        enforceWorkgroupConfiguration: true,
        resultConfiguration: {
          outputLocation: "s3://r/",
          encryptionConfiguration: { encryptionOption: option, kmsKeyArn: option === "SSE_S3" ? undefined : "arn:aws:kms:eu-west-1:123456789012:key/k" },
        },
      };
      expect(findingsOf((s) => workgroup(s, cfg), "PLT-ATH-001")).toEqual([]);
    }
  });
});
