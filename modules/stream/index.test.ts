import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, Token } from "cdktf";
import { AwsStack } from "../stack";
import { asArray, expectNoWildcards, roleStatements, synthStack } from "../../test/support/synth";
import { plannedValues, validateAndPlan } from "../../test/support/terraform";
import { IStream } from "../core/interfaces";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "../queue";
import { AWS_MANAGED_KINESIS_KEY, Stream } from "./index";
import { STREAM_READ_ACTIONS, STREAM_WRITE_ACTIONS } from "./perms";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/shared-activity`;

/** The statements of a function's role policy, without its own log and X-Ray statements. */
describe("Stream", () => {
  it("defaults: on-demand, KMS-encrypted with alias/aws/kinesis, 24-hour retention, named <app>-<env>-<name>, no prevent_destroy", () => {
    let s!: Stream;
    const out = synthStack((stack) => {
      s = new Stream(stack, "Activity", { name: "activity" });
    });
    const r = out.only("aws_kinesis_stream");
    expect(r.name).toBe("test-dev-activity");
    expect(r.stream_mode_details).toEqual({ stream_mode: "ON_DEMAND" });
    expect(r.shard_count).toBeUndefined();
    expect(r.encryption_type).toBe("KMS");
    expect(r.kms_key_id).toBe(AWS_MANAGED_KINESIS_KEY);
    expect(r.retention_period).toBe(24);
    expect(r.lifecycle).toBeUndefined();
    expect(s.capacityMode).toBe("ON_DEMAND");
    expect(s.encryptionKey).toBeUndefined();
    const typed: IStream = s;
    expect(Token.isUnresolved(typed.arn) && Token.isUnresolved(typed.name)).toBe(true);
  });

  it("provisioned mode with shards, a customer-managed key, longer retention and prevent_destroy", () => {
    const out = synthStack((stack) => {
      const key = new Key(stack, "Key", { name: "streams", accountId: ACCOUNT });
      new Stream(stack, "Activity", { name: "activity", capacityMode: "PROVISIONED", shardCount: 2, encryptionKey: key, retentionHours: 168, preventDestroy: true });
    });
    const r = out.only("aws_kinesis_stream");
    expect(r.stream_mode_details).toEqual({ stream_mode: "PROVISIONED" });
    expect(r.shard_count).toBe(2);
    expect(r.encryption_type).toBe("KMS");
    expect(r.kms_key_id).toBe(out.ref("aws_kms_key", "arn"));
    expect(r.retention_period).toBe(168);
    expect(r.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("grantWrite: PutRecord/PutRecords on the stream ARN only, kms:GenerateDataKey on its CMK only", () => {
    const out = synthStack((stack) => {
      const key = new Key(stack, "Key", { name: "streams", accountId: ACCOUNT });
      const s = new Stream(stack, "Activity", { name: "activity", encryptionKey: key });
      s.grantWrite(new LambdaFunction(stack, "Producer", { name: "producer", entry: ENTRY }));
    });
    const statements = roleStatements(out, "Producer");
    expect(statements).toEqual([
      { Effect: "Allow", Action: ["kinesis:PutRecord", "kinesis:PutRecords"], Resource: out.ref("aws_kinesis_stream", "arn") },
      { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: out.ref("aws_kms_key", "arn") },
    ]);
    expect(STREAM_WRITE_ACTIONS).toEqual(["kinesis:PutRecord", "kinesis:PutRecords"]);
    expectNoWildcards(statements);
  });

  it("grantRead: what a Lambda event source needs on the stream ARN only (no ListStreams, no SubscribeToShard), kms:Decrypt on its CMK", () => {
    const out = synthStack((stack) => {
      const key = new Key(stack, "Key", { name: "streams", accountId: ACCOUNT });
      const s = new Stream(stack, "Activity", { name: "activity", encryptionKey: key });
      s.grantRead(new LambdaFunction(stack, "Reader", { name: "reader", entry: ENTRY }));
    });
    const statements = roleStatements(out, "Reader");
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
        Resource: out.ref("aws_kinesis_stream", "arn"),
      },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: out.ref("aws_kms_key", "arn") },
    ]);
    expect(STREAM_READ_ACTIONS).not.toContain("kinesis:ListStreams");
    expectNoWildcards(statements);
  });

  it("with the AWS-managed key no KMS statement is granted (its key policy already allows the account through Kinesis)", () => {
    const out = synthStack((stack) => {
      const s = new Stream(stack, "Activity", { name: "activity" });
      s.grantReadWrite(new LambdaFunction(stack, "Fn", { name: "fn", entry: ENTRY }));
    });
    const statements = roleStatements(out, "Fn");
    expect(statements).toHaveLength(2);
    expect(statements.flatMap((s: any) => asArray<string>(s.Action)).filter((a: string) => a.startsWith("kms:"))).toEqual([]);
    expect(new Set(statements.map((s: any) => s.Resource))).toEqual(new Set([out.ref("aws_kinesis_stream", "arn")]));
  });

  it("connect sets <ID>_STREAM_NAME and grants the chosen access; an unknown access throws", () => {
    const out = synthStack((stack) => {
      const s = new Stream(stack, "ActivityEvents", { name: "activity" });
      s.connect(new LambdaFunction(stack, "Ingest", { name: "ingest", entry: ENTRY }), "write");
      s.connect(new LambdaFunction(stack, "Other", { name: "other", entry: ENTRY }), "read", "EVENTS");
      expect(() => s.connect(new LambdaFunction(stack, "Bad", { name: "bad", entry: ENTRY }), "admin" as any)).toThrow(
        /Stream "test\/ActivityEvents": connect access "admin" is unknown\. Fix:/,
      );
    });
    const fns = Object.values(out.resources("aws_lambda_function")) as any[];
    const ingest = fns.find((f) => f.function_name === "test-dev-ingest");
    const other = fns.find((f) => f.function_name === "test-dev-other");
    expect(ingest.environment.variables.ACTIVITY_EVENTS_STREAM_NAME).toBe(out.ref("aws_kinesis_stream", "name"));
    expect(other.environment.variables.EVENTS).toBe(out.ref("aws_kinesis_stream", "name"));
    expect(roleStatements(out, "Ingest")[0].Action).toEqual([...STREAM_WRITE_ACTIONS]);
    expect(roleStatements(out, "Other")[0].Action).toEqual([...STREAM_READ_ACTIONS]);
  });

  it("LambdaFunction.addKinesisEventSource consumes the Stream: mapping on the stream ARN, read granted, mapping waits for the grant", () => {
    const out = synthStack((stack) => {
      const key = new Key(stack, "Key", { name: "streams", accountId: ACCOUNT });
      const s = new Stream(stack, "Activity", { name: "activity", encryptionKey: key });
      const dlq = new Queue(stack, "Failures", { name: "activity-failures", deadLetterQueue: false });
      new LambdaFunction(stack, "Processor", { name: "activity-processor", entry: ENTRY }).addKinesisEventSource(s, { onFailure: dlq });
    });
    const mapping = out.only("aws_lambda_event_source_mapping");
    expect(mapping.event_source_arn).toBe(out.ref("aws_kinesis_stream", "arn"));
    expect(mapping.starting_position).toBe("TRIM_HORIZON");
    expect(mapping.bisect_batch_on_function_error).toBe(true);
    expect(mapping.depends_on.some((d: string) => d.startsWith("aws_iam_role_policy."))).toBe(true);
    const statements = roleStatements(out, "Processor");
    expect(statements).toContainEqual({ Effect: "Allow", Action: [...STREAM_READ_ACTIONS], Resource: out.ref("aws_kinesis_stream", "arn") });
    expect(statements).toContainEqual({ Effect: "Allow", Action: "kms:Decrypt", Resource: out.ref("aws_kms_key", "arn") });
    expectNoWildcards(statements);
  });

  it("fromArn imports a stream: name from the ARN, grants on that ARN and on the named key; bad ARNs are refused", () => {
    const out = synthStack((stack) => {
      const s = Stream.fromArn(stack, "Shared", STREAM_ARN, { encryptionKey: Key.fromArn(stack, "SharedKey", KEY_ARN) });
      expect(s.name).toBe("shared-activity");
      s.connect(new LambdaFunction(stack, "Fn", { name: "fn", entry: ENTRY }), "readWrite");
      new LambdaFunction(stack, "Consumer", { name: "consumer", entry: ENTRY }).addKinesisEventSource(s);
    });
    expect(out.resources("aws_kinesis_stream")).toEqual({});
    expect(roleStatements(out, "Fn")).toEqual([
      { Effect: "Allow", Action: [...STREAM_READ_ACTIONS], Resource: STREAM_ARN },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
      { Effect: "Allow", Action: [...STREAM_WRITE_ACTIONS], Resource: STREAM_ARN },
      { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: KEY_ARN },
    ]);
    expect(out.only("aws_lambda_event_source_mapping").event_source_arn).toBe(STREAM_ARN);
    expect(() => synthStack((stack) => Stream.fromArn(stack, "Bad", `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`))).toThrow(/Stream.fromArn\(scope, "Bad"\): .* is not an kinesis ARN/);
    expect(() => synthStack((stack) => Stream.fromArn(stack, "Bad", `arn:aws:kinesis:eu-west-1:${ACCOUNT}:activity`))).toThrow(/is not a stream ARN\. Fix:/);
    expect(() => synthStack((stack) => Stream.fromArn(stack, "Bad", Token.asString({ Ref: "x" })))).toThrow(/the ARN is a token[\s\S]*Fix:/);
  });

  describe("validation names the module, the prop and the fix", () => {
    const build = (props: any) => () => synthStack((stack) => new Stream(stack, "S", { name: "s", ...props }));

    it("provisioned mode needs shardCount; on-demand refuses it", () => {
      expect(build({ capacityMode: "PROVISIONED" })).toThrow(
        /Stream "test\/S": invalid props \(1 problem\):\n {2}- shardCount: received undefined; allowed: an integer ≥ 1 with capacityMode "PROVISIONED"\. Fix: set shardCount/,
      );
      expect(build({ shardCount: 2 })).toThrow(
        /- shardCount: received 2; allowed: unset with capacityMode "ON_DEMAND".*Fix: remove shardCount, or set capacityMode: "PROVISIONED"/,
      );
      expect(build({ capacityMode: "PROVISIONED", shardCount: 0 })).toThrow(/- shardCount: received 0; allowed: an integer from 1 to 10000/);
    });

    it("retention, name and mode out of range are reported together", () => {
      expect(build({ name: "bad name!", retentionHours: 12, capacityMode: "SOMETIMES" })).toThrow(
        /Stream "test\/S": invalid props \(3 problems\):\n {2}- name: received "bad name!"[\s\S]*- capacityMode: received "SOMETIMES"[\s\S]*- retentionHours: received 12; allowed: an integer from 24 to 8760\. Fix: set retentionHours between 24 \(1 day\) and 8760 \(365 days\)\./,
      );
      expect(build({ retentionHours: 8761 })).toThrow(/retentionHours: received 8761/);
    });

    it("skips unresolved tokens", () => {
      expect(build({ retentionHours: Token.asNumber({ Ref: "h" }) })).not.toThrow();
    });
  });

  it("is valid Terraform: init + validate + offline plan of an on-demand stream, a provisioned CMK stream and a consumer", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "stream-tf", { app: "test", env: "dev", region: "eu-west-1", tags: {}, offline: true });
    const key = new Key(stack, "Key", { name: "streams", accountId: ACCOUNT });
    const activity = new Stream(stack, "Activity", { name: "activity" });
    new Stream(stack, "Audit", { name: "audit", capacityMode: "PROVISIONED", shardCount: 1, encryptionKey: key, retentionHours: 168, preventDestroy: true });
    const failures = new Queue(stack, "Failures", { name: "activity-failures", deadLetterQueue: false });
    new LambdaFunction(stack, "Processor", { name: "activity-processor", entry: ENTRY }).addKinesisEventSource(activity, { onFailure: failures });
    const dir = mkdtempSync(join(tmpdir(), "stream-tf-"));
    try {
      writeFileSync(join(dir, "cdk.tf.json"), Testing.synth(stack));
      const result = await validateAndPlan(dir);
      expect(result.validate.diagnostics).toEqual([]);
      expect(result.validate.valid).toBe(true);
      const streams = plannedValues(result.plan, "aws_kinesis_stream").sort((a, b) => a.name.localeCompare(b.name));
      expect(streams.map((s) => s.name)).toEqual(["test-dev-activity", "test-dev-audit"]);
      expect(streams[0]).toMatchObject({ encryption_type: "KMS", kms_key_id: "alias/aws/kinesis", retention_period: 24, stream_mode_details: [{ stream_mode: "ON_DEMAND" }] });
      expect(streams[1]).toMatchObject({ encryption_type: "KMS", retention_period: 168, shard_count: 1, stream_mode_details: [{ stream_mode: "PROVISIONED" }] });
      expect(plannedValues(result.plan, "aws_lambda_event_source_mapping")).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
