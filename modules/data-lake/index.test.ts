import { Testing, TerraformStack, Token } from "cdktf";
import * as z from "zod/mini";
import { AwsStack } from "../stack";
import { activityEventSchema } from "../../lambdas/analytics/activity-event";
import { asArray, synthStack } from "../../test/support/synth";
import { plannedValues, validateAndPlanStack } from "../../test/support/terraform";
import { Bucket } from "../bucket";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { Stream } from "../stream";
import { DataLake, DataLakeProps, lakeColumnsFromZod } from "./index";
import { ATHENA_QUERY_ACTIONS, GLUE_READ_ACTIONS } from "./perms";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const COLUMNS = lakeColumnsFromZod(activityEventSchema);

type Out = ReturnType<typeof synthStack>;

function lake(stack: TerraformStack, props: Partial<DataLakeProps> = {}): DataLake {
  const stream = new Stream(stack, "Activity", { name: "activity" });
  return new DataLake(stack, "Lake", { name: "activity", source: stream, columns: COLUMNS, partitionStartDate: "2026-01-01", accountId: ACCOUNT, ...props });
}

/** The statements of the role policy whose address contains `part`, Sids dropped. */
function statements(out: Out, part: string): any[] {
  const doc = out.policies().find((p) => p.address.startsWith("aws_iam_role_policy") && p.address.includes(part))!.document;
  return doc.Statement.filter((s: any) => s.Sid !== "XRayWrite" && s.Sid !== "WriteOwnLogs").map(({ Sid: _sid, ...rest }: any) => rest);
}

const ref = (out: Out, type: string, attr: string, match?: (r: any) => boolean): string => {
  const entries = Object.entries(out.resources(type)).filter(([, r]) => (match ? match(r) : true));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return `\${${type}.${entries[0][0]}.${attr}}`;
};
const lakeBucket = (r: any) => r.bucket === "test-dev-activity-lake";
const resultsBucket = (r: any) => r.bucket === "test-dev-activity-athena-results";

describe("lakeColumnsFromZod", () => {
  it("maps every field of the activity event schema to a column, in order, lower-cased, with its type (props as JSON text)", () => {
    expect(COLUMNS.map((c) => [c.name, c.field, c.type])).toEqual([
      ["eventid", "eventId", "string"],
      ["userid", "userId", "string"],
      ["type", "type", "string"],
      ["time", "time", "string"],
      ["props", "props", "string"],
    ]);
    // every schema field has a column and vice versa
    expect(COLUMNS.map((c) => c.field).sort()).toEqual(Object.keys(activityEventSchema.shape).sort());
  });

  it("a field added to the schema adds its column (numbers, integers, booleans, optional, arrays)", () => {
    const extended = z.extend(activityEventSchema, { source: z.optional(z.string()), score: z.number(), count: z.int(), ok: z.boolean(), tags: z.array(z.string()) });
    const columns = lakeColumnsFromZod(extended);
    expect(columns.slice(COLUMNS.length).map((c) => [c.name, c.type])).toEqual([
      ["source", "string"],
      ["score", "double"],
      ["count", "bigint"],
      ["ok", "boolean"],
      ["tags", "string"],
    ]);
  });

  it("throws, naming the field, for a zod type without a lake column type, and for a non-object schema", () => {
    expect(() => lakeColumnsFromZod(z.object({ when: z.date() }))).toThrow(/field "when" has zod type "date".*Fix: map it in modules\/data-lake\/columns.ts/);
    expect(() => lakeColumnsFromZod(z.string())).toThrow(/expected a zod object schema/);
  });
});

describe("DataLake", () => {
  it("Firehose: reads the stream, writes GZIP JSON lines to <prefix>dt=!{timestamp:yyyy-MM-dd}/, errors to errors/<type>/dt=..., logs delivery errors; defaults 300 s / 5 MB", () => {
    const out = synthStack((stack) => void lake(stack));
    const fh = out.only("aws_kinesis_firehose_delivery_stream");
    expect(fh.name).toBe("test-dev-activity-lake");
    expect(fh.destination).toBe("extended_s3");
    expect(fh.kinesis_source_configuration).toEqual({ kinesis_stream_arn: ref(out, "aws_kinesis_stream", "arn"), role_arn: ref(out, "aws_iam_role", "arn") });
    const s3 = fh.extended_s3_configuration;
    expect(s3).toMatchObject({
      bucket_arn: ref(out, "aws_s3_bucket", "arn", lakeBucket),
      role_arn: ref(out, "aws_iam_role", "arn"),
      prefix: "activity/dt=!{timestamp:yyyy-MM-dd}/",
      error_output_prefix: "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
      compression_format: "GZIP",
      buffering_interval: 300,
      buffering_size: 5,
      cloudwatch_logging_options: { enabled: true, log_group_name: ref(out, "aws_cloudwatch_log_group", "name"), log_stream_name: ref(out, "aws_cloudwatch_log_stream", "name") },
      processing_configuration: { enabled: true, processors: [{ type: "AppendDelimiterToRecord" }] },
    });
    expect(s3.kms_key_arn).toBeUndefined();
    expect(out.only("aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/kinesisfirehose/test-dev-activity-lake", retention_in_days: 30 });
    expect(out.only("aws_cloudwatch_log_stream").name).toBe("DestinationDelivery");
    expect(fh.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it("the delivery role: trusted by Firehose for this account only; exactly Kinesis read on the stream, puts under the lake and error prefixes, its log stream", () => {
    const out = synthStack((stack) => void lake(stack));
    const role = out.only("aws_iam_role");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": ACCOUNT } } },
    ]);
    const bucket = ref(out, "aws_s3_bucket", "arn", lakeBucket);
    expect(statements(out, "DeliveryRole")).toEqual([
      {
        Effect: "Allow",
        Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
        Resource: ref(out, "aws_kinesis_stream", "arn"),
      },
      { Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `${bucket}/activity/*` },
      { Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `${bucket}/errors/*` },
      { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: bucket },
      { Effect: "Allow", Action: "logs:PutLogEvents", Resource: `${ref(out, "aws_cloudwatch_log_group", "arn")}:log-stream:DestinationDelivery` },
    ]);
  });

  it("Glue: a database <app>_<env>_<name> and an external JSON table over the prefix, partition dt (string) by projection from the start date to NOW, no crawler", () => {
    const out = synthStack((stack) => void lake(stack, { tableName: "activity_events" }));
    expect(out.only("aws_glue_catalog_database").name).toBe("test_dev_activity");
    const table = out.only("aws_glue_catalog_table");
    const location = `s3://${ref(out, "aws_s3_bucket", "bucket", lakeBucket)}/activity/`;
    expect(table).toMatchObject({
      name: "activity_events",
      database_name: ref(out, "aws_glue_catalog_database", "name"),
      table_type: "EXTERNAL_TABLE",
      partition_keys: [{ name: "dt", type: "string" }],
      storage_descriptor: {
        location,
        input_format: "org.apache.hadoop.mapred.TextInputFormat",
        ser_de_info: { serialization_library: "org.openx.data.jsonserde.JsonSerDe" },
        columns: COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      },
    });
    expect(table.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "projection.dt.range": "2026-01-01,NOW",
      // $${dt} in Terraform is the literal ${dt} Athena substitutes
      "storage.location.template": `${location}dt=$\${dt}/`,
    });
    expect(out.resources("aws_glue_crawler")).toEqual({});
  });

  it("Athena: a workgroup that enforces its configuration, results in its own encrypted bucket (expired after 30 days), 1 GiB cutoff, engine v3; named queries", () => {
    let l!: DataLake;
    const out = synthStack((stack) => {
      l = lake(stack, { namedQueries: { "daily-active-users": { description: "DAU", sql: "SELECT 1" } } });
    });
    const wg = out.only("aws_athena_workgroup");
    expect(wg).toMatchObject({
      name: "test-dev-activity",
      state: "ENABLED",
      force_destroy: false,
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        bytes_scanned_cutoff_per_query: 1024 ** 3,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: `s3://${ref(out, "aws_s3_bucket", "bucket", resultsBucket)}/results/`,
          encryption_configuration: { encryption_option: "SSE_S3" },
        },
      },
    });
    const lifecycle = Object.values(out.resources("aws_s3_bucket_lifecycle_configuration")).find((c: any) => c.bucket === ref(out, "aws_s3_bucket", "id", resultsBucket)) as any;
    expect(lifecycle.rule).toEqual(expect.arrayContaining([expect.objectContaining({ id: "expire-current-objects", expiration: [{ days: 30 }] })]));
    expect(out.only("aws_athena_named_query")).toEqual({
      name: "daily-active-users",
      description: "DAU",
      database: ref(out, "aws_glue_catalog_database", "name"),
      workgroup: ref(out, "aws_athena_workgroup", "id"),
      query: "SELECT 1",
    });
    expect(Token.isUnresolved(l.namedQueryIds["daily-active-users"])).toBe(true);
    expect(l.workgroupArn).toBe(`arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/test-dev-activity`);
  });

  it("props: buffering, results expiry, scan cutoff, engine version; a key encrypts delivered objects (SSE-KMS) and results (SSE_KMS), and the role may use it", () => {
    const out = synthStack((stack) => {
      const key = new Key(stack, "LakeKey", { name: "lake", accountId: ACCOUNT });
      lake(stack, {
        encryptionKey: key,
        bufferingIntervalSeconds: 60,
        bufferingSizeMb: 64,
        resultsExpirationDays: 7,
        bytesScannedCutoffPerQuery: 10_485_760,
        engineVersion: "AUTO",
        forceDestroy: true,
      });
    });
    const key = ref(out, "aws_kms_key", "arn");
    expect(out.only("aws_kinesis_firehose_delivery_stream").extended_s3_configuration).toMatchObject({ buffering_interval: 60, buffering_size: 64, kms_key_arn: key });
    expect(out.only("aws_athena_workgroup")).toMatchObject({
      force_destroy: true,
      configuration: {
        bytes_scanned_cutoff_per_query: 10_485_760,
        engine_version: { selected_engine_version: "AUTO" },
        result_configuration: { encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: key } },
      },
    });
    expect(statements(out, "DeliveryRole")).toContainEqual({ Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: key });
  });

  it("grantQuery/connect: exactly Athena on the workgroup, Glue reads on catalog/database/table, lake reads under the prefix, results read/write, bucket locations", () => {
    const out = synthStack((stack) => {
      const l = lake(stack);
      const fn = new LambdaFunction(stack, "Query", { name: "query", entry: ENTRY });
      l.connect(fn, "ACTIVITY_LAKE");
    });
    const lakeArn = ref(out, "aws_s3_bucket", "arn", lakeBucket);
    const results = ref(out, "aws_s3_bucket", "arn", resultsBucket);
    const glue = `arn:aws:glue:${REGION}:${ACCOUNT}`;
    expect(statements(out, "Query")).toEqual([
      { Effect: "Allow", Action: [...ATHENA_QUERY_ACTIONS], Resource: `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/test-dev-activity` },
      { Effect: "Allow", Action: [...GLUE_READ_ACTIONS], Resource: [`${glue}:catalog`, `${glue}:database/test_dev_activity`, `${glue}:table/test_dev_activity/activity_events`] },
      { Effect: "Allow", Action: "s3:GetBucketLocation", Resource: [lakeArn, results] },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${lakeArn}/activity/*` },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: lakeArn, Condition: { StringLike: { "s3:prefix": ["activity/*"] } } },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${results}/results/*` },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: results, Condition: { StringLike: { "s3:prefix": ["results/*"] } } },
      { Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `${results}/results/*` },
      { Effect: "Allow", Action: "s3:ListBucketMultipartUploads", Resource: results },
      { Effect: "Allow", Action: "s3:ListMultipartUploadParts", Resource: `${results}/results/*` },
    ]);
    for (const s of statements(out, "Query")) for (const a of asArray<string>(s.Action)) expect(a).not.toMatch(/\*/);
    const env = Object.values(out.resources("aws_lambda_function"))[0].environment.variables;
    expect(env).toMatchObject({ ACTIVITY_LAKE_WORKGROUP: "test-dev-activity", ACTIVITY_LAKE_DATABASE: "test_dev_activity" });
  });

  it("fromAttributes: an imported lake grants on the names it was given", () => {
    const out = synthStack((stack) => {
      const imported = DataLake.fromAttributes(stack, "Imported", {
        workgroupName: "team-reports",
        databaseName: "team_lake",
        tableName: "clicks",
        bucket: Bucket.fromArn(stack, "LakeBucket", "arn:aws:s3:::team-lake"),
        prefix: "clicks/",
        resultsBucket: Bucket.fromArn(stack, "ResultsBucket", "arn:aws:s3:::team-results"),
        resultsPrefix: "out/",
        region: "us-east-1",
        accountId: "210987654321",
      });
      imported.connect(new LambdaFunction(stack, "Reader", { name: "reader", entry: ENTRY }), "TEAM_LAKE");
    });
    const st = statements(out, "Reader");
    expect(st[0].Resource).toBe("arn:aws:athena:us-east-1:210987654321:workgroup/team-reports");
    expect(st[1].Resource).toContain("arn:aws:glue:us-east-1:210987654321:table/team_lake/clicks");
    expect(st).toContainEqual({ Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: "arn:aws:s3:::team-lake/clicks/*" });
    expect(st).toContainEqual({ Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::team-results/out/*" });
    expect(() =>
      synthStack(
        (stack) =>
          void DataLake.fromAttributes(stack, "Bad", {
            workgroupName: "w",
            databaseName: "Bad-Name",
            tableName: "t",
            bucket: Bucket.fromArn(stack, "B", "arn:aws:s3:::b-b-b"),
            prefix: "p/",
            resultsBucket: Bucket.fromArn(stack, "R", "arn:aws:s3:::r-r-r"),
            resultsPrefix: "o/",
            region: "eu-west-1",
            accountId: ACCOUNT,
          }),
      ),
    ).toThrow(/DataLake.fromAttributes\("Bad"\).*databaseName/s);
  });

  describe("validation (module, prop, fix)", () => {
    const build = (props: Partial<DataLakeProps>) => () => synthStack((stack) => void lake(stack, props));
    it.each<[string, Partial<DataLakeProps>, RegExp]>([
      ["buffering interval above 900", { bufferingIntervalSeconds: 901 }, /bufferingIntervalSeconds: received 901.*Fix: set bufferingIntervalSeconds between 0 and 900/],
      ["buffering size 0", { bufferingSizeMb: 0 }, /bufferingSizeMb: received 0/],
      [
        "scan cutoff below 10 MiB (the provider refuses 10,000,000)",
        { bytesScannedCutoffPerQuery: 10_000_000 },
        /bytesScannedCutoffPerQuery: received 10000000; allowed: an integer ≥ 10485760/,
      ],
      ["results expiry 0", { resultsExpirationDays: 0 }, /resultsExpirationDays: received 0/],
      ["prefix under errors/", { prefix: "errors/x/" }, /prefix: received "errors\/x\/".*outside "errors\/"/],
      ["prefix without trailing slash", { prefix: "activity" }, /prefix: received "activity"/],
      ["start date that is no calendar day", { partitionStartDate: "2026-02-30" }, /partitionStartDate: received "2026-02-30"/],
      ["a column named dt", { columns: [{ name: "dt", field: "dt", type: "string", comment: "" }] }, /columns\[0\].name: received "dt"; allowed: not "dt"/],
      [
        "two columns that collide in lower case",
        { columns: [...COLUMNS, { name: "userid", field: "userID", type: "string", comment: "" }] },
        /columns\[5\].name: received "userid"; allowed: a name not used by another column/,
      ],
      ["no columns", { columns: [] }, /columns: received 0; allowed: at least one column/],
    ])("%s", (_what, props, message) => {
      expect(build(props)).toThrow(/^DataLake "test\/Lake": invalid props/);
      expect(build(props)).toThrow(message);
    });

    it("collects every problem in one error", () => {
      expect(build({ bufferingIntervalSeconds: -1, bufferingSizeMb: 500 })).toThrow(/\(2 problems\)/);
    });

    it("skips unresolved tokens", () => {
      expect(build({ bufferingIntervalSeconds: Token.asNumber({ Ref: "x" }) })).not.toThrow();
    });

    it("without an account for the grants' ARNs, throws naming the fix", () => {
      expect(build({ accountId: undefined })).toThrow(/DataLake "test\/Lake": the account .*Fix: pass accountId/);
    });
  });

  it("is valid Terraform: init + validate + offline plan of the lake with a key and a reader", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "lake-tf", { app: "test", env: "dev", region: REGION, tags: {}, offline: true, allowedAccountIds: [ACCOUNT] });
    const key = new Key(stack, "LakeKey", { name: "lake", accountId: ACCOUNT });
    const l = lake(stack, { encryptionKey: key, namedQueries: { q: { description: "d", sql: "SELECT 1" } } });
    l.connect(new LambdaFunction(stack, "Reader", { name: "reader", entry: ENTRY }));
    const result = await validateAndPlanStack(stack);
    expect(result.validate.diagnostics).toEqual([]);
    expect(result.validate.valid).toBe(true);
    expect(plannedValues(result.plan, "aws_kinesis_firehose_delivery_stream")[0]).toMatchObject({ name: "test-dev-activity-lake", destination: "extended_s3" });
    expect(plannedValues(result.plan, "aws_glue_catalog_table")[0].parameters["storage.location.template"]).toMatch(/^s3:\/\/test-dev-activity-lake\/activity\/dt=\$\{dt\}\/$/);
    expect(plannedValues(result.plan, "aws_athena_workgroup")[0].configuration[0].enforce_workgroup_configuration).toBe(true);
  });
});
