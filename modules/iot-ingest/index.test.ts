import { TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsStack } from "../stack";
import { EMULATOR_GAPS } from "../stack/local-emulation";
import { synthStack } from "../../test/support/synth";
import { countByType, plannedValues, validateAndPlanStack } from "../../test/support/terraform";
import { Naming } from "../core/naming";
import { Key } from "../kms-key";
import { Queue } from "../queue";
import { Stream } from "../stream";
import { evaluateRule } from "./iot-sql";
import { IotIngest } from "./index";
import { IOT_RULE_QUEUE_ACTIONS, IOT_RULE_STREAM_ACTIONS } from "./perms";
import { DEVICE_ACTIVITY_SQL, DEVICE_ACTIVITY_TOPIC_FILTER } from "./sql";

const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const THING = "${iot:Connection.Thing.ThingName}";

type Out = ReturnType<typeof synthStack>;

/** A stack (account 123456789012, eu-west-1) with the activity stream and what `build` adds. */
function synth(build: (s: Parameters<Parameters<typeof synthStack>[0]>[0], stream: Stream) => void): Out {
  return synthStack((s) => {
    Naming.configure(s, { app: "test", env: "dev", account: ACCOUNT });
    build(s, new Stream(s, "Activity", { name: "activity" }));
  });
}

/** Terraform reads `$${` in cdk.tf.json as a literal `${`: what AWS receives. */
const unescape = (text: string): string => text.replace(/\$\$\{/g, "${");

function devicePolicy(out: Out): any {
  return JSON.parse(unescape(out.only("aws_iot_policy").policy));
}

function rolePolicy(out: Out): any {
  return JSON.parse(out.only("aws_iam_role_policy").policy);
}

describe("IotIngest", () => {
  it("defaults: thing type, device policy and rule named <app>-<env>-<name> (rule with _), SQL 2016-03-23, enabled", () => {
    let ingest!: IotIngest;
    const out = synth((s, stream) => {
      ingest = new IotIngest(s, "Devices", { name: "devices", stream });
    });
    const type = out.only("aws_iot_thing_type");
    expect(type.name).toBe("test-dev-devices");
    expect(type.properties).toEqual({ description: `Devices that publish activity to ${DEVICE_ACTIVITY_TOPIC_FILTER}` });
    expect(out.only("aws_iot_policy").name).toBe("test-dev-devices");
    const rule = out.only("aws_iot_topic_rule");
    expect(rule).toMatchObject({ name: "test_dev_devices", enabled: true, sql: DEVICE_ACTIVITY_SQL, sql_version: "2016-03-23" });
    expect(ingest).toMatchObject({
      thingTypeName: "test-dev-devices",
      policyName: "test-dev-devices",
      ruleName: "test_dev_devices",
      ruleArn: `arn:aws:iot:eu-west-1:${ACCOUNT}:rule/test_dev_devices`,
      actionTypes: ["Kinesis"],
      topicFilter: "devices/+/activity",
      accountId: ACCOUNT,
      region: "eu-west-1",
    });
    expect(ingest.deviceTopic("sensor-1")).toBe("devices/sensor-1/activity");
  });

  it("the device policy: connect only as its own thing (attached), publish only to its own activity topic, nothing else", () => {
    const out = synth((s, stream) => new IotIngest(s, "Devices", { name: "devices", stream }));
    expect(devicePolicy(out)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ConnectAsOwnThing",
          Effect: "Allow",
          Action: "iot:Connect",
          Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:client/${THING}`,
          Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
        },
        { Sid: "PublishOwnActivity", Effect: "Allow", Action: "iot:Publish", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/devices/${THING}/activity` },
      ],
    });
    // escaped for Terraform, so that AWS receives the policy variable and not an interpolation
    expect(out.only("aws_iot_policy").policy).toContain("client/$${iot:Connection.Thing.ThingName}");
    expect(out.only("aws_iot_policy").policy).not.toMatch(/[^$]\$\{iot:/);
  });

  it("the rule: Kinesis action on the stream, partition key = thing name, error action to its own encrypted error queue", () => {
    const out = synth((s, stream) => new IotIngest(s, "Devices", { name: "devices", stream }));
    const rule = out.only("aws_iot_topic_rule");
    const roleArn = out.ref("aws_iam_role", "arn");
    expect(rule.kinesis).toEqual([{ stream_name: out.ref("aws_kinesis_stream", "name"), partition_key: "$${topic(2)}", role_arn: roleArn }]);
    const errorQueue = Object.entries<any>(out.resources("aws_sqs_queue"));
    expect(errorQueue).toHaveLength(1);
    const [queueId, queue] = errorQueue[0];
    expect(queue).toMatchObject({ name: "test-dev-devices-rule-errors", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(queue.redrive_policy).toBeUndefined();
    expect(rule.error_action).toEqual({ sqs: { queue_url: `\${aws_sqs_queue.${queueId}.url}`, role_arn: roleArn, use_base64: false } });
    expect(rule.depends_on).toEqual([`aws_iam_role_policy.${Object.keys(out.resources("aws_iam_role_policy"))[0]}`]);
  });

  it("the rule's role: assumable by iot.amazonaws.com for this rule and account only; exactly PutRecord on the stream and SendMessage on the error queue", () => {
    const out = synth((s, stream) => new IotIngest(s, "Devices", { name: "devices", stream }));
    const role = out.only("aws_iam_role");
    expect(role.name).toBe("test-dev-devices-iot-rule");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "iot.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": `arn:aws:iot:eu-west-1:${ACCOUNT}:rule/test_dev_devices` } },
        },
      ],
    });
    expect(rolePolicy(out).Statement).toEqual([
      { Sid: "PutDeviceActivity", Effect: "Allow", Action: "kinesis:PutRecord", Resource: out.ref("aws_kinesis_stream", "arn") },
      { Sid: "SendRuleErrors", Effect: "Allow", Action: "sqs:SendMessage", Resource: out.ref("aws_sqs_queue", "arn") },
    ]);
    expect(IOT_RULE_STREAM_ACTIONS).toEqual(["kinesis:PutRecord"]);
    expect(IOT_RULE_QUEUE_ACTIONS).toEqual(["sqs:SendMessage"]);
  });

  it("adds the KMS actions a customer-managed key needs: GenerateDataKey on the stream's key, Decrypt+GenerateDataKey on the queue's", () => {
    const out = synthStack((s) => {
      Naming.configure(s, { app: "test", env: "dev", account: ACCOUNT });
      const key = new Key(s, "StreamKey", { name: "stream", accountId: ACCOUNT });
      const stream = new Stream(s, "Activity", { name: "activity", encryptionKey: key });
      const errors = new Queue(s, "Errors", { name: "errors", kmsMasterKeyId: KEY_ARN, deadLetterQueue: false });
      new IotIngest(s, "Devices", { name: "devices", stream, errorQueue: errors });
    });
    expect(rolePolicy(out).Statement).toEqual([
      { Sid: "PutDeviceActivity", Effect: "Allow", Action: "kinesis:PutRecord", Resource: out.ref("aws_kinesis_stream", "arn") },
      { Sid: "StreamKey", Effect: "Allow", Action: "kms:GenerateDataKey", Resource: out.ref("aws_kms_key", "arn") },
      { Sid: "SendRuleErrors", Effect: "Allow", Action: "sqs:SendMessage", Resource: out.ref("aws_sqs_queue", "arn") },
      { Sid: "ErrorQueueKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN },
    ]);
    // the given queue is used; no second queue is created
    expect(Object.keys(out.resources("aws_sqs_queue"))).toHaveLength(1);
  });

  it("grants no KMS action for an imported queue on the AWS-managed alias/aws/sqs key (the key policy lets the account's roles use it)", () => {
    const out = synth((s, stream) => {
      const errors = Queue.fromArn(s, "Shared", `arn:aws:sqs:eu-west-1:${ACCOUNT}:shared`, { kmsMasterKeyId: "alias/aws/sqs" });
      new IotIngest(s, "Devices", { name: "devices", stream, errorQueue: errors });
    });
    expect(rolePolicy(out).Statement.map((st: any) => st.Sid)).toEqual(["PutDeviceActivity", "SendRuleErrors"]);
    expect(out.only("aws_iot_topic_rule").error_action.sqs.queue_url).toBe(`https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/shared`);
  });

  it("takes accountId, region, description, searchable attributes and enabled from props", () => {
    const out = synthStack((s) => {
      const stream = new Stream(s, "Activity", { name: "activity" });
      new IotIngest(s, "Devices", {
        name: "devices",
        stream,
        accountId: "210987654321",
        region: "us-east-1",
        thingTypeDescription: "Door sensors",
        searchableAttributes: ["site", "floor"],
        enabled: false,
      });
    });
    expect(out.only("aws_iot_thing_type").properties).toEqual({ description: "Door sensors", searchable_attributes: ["site", "floor"] });
    expect(out.only("aws_iot_topic_rule").enabled).toBe(false);
    expect(devicePolicy(out).Statement[1].Resource).toBe(`arn:aws:iot:us-east-1:210987654321:topic/devices/${THING}/activity`);
    expect(JSON.parse(out.only("aws_iam_role").assume_role_policy).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "210987654321" },
      ArnEquals: { "aws:SourceArn": "arn:aws:iot:us-east-1:210987654321:rule/test_dev_devices" },
    });
  });

  it("collects invalid props into one error naming module, prop and fix", () => {
    expect(() =>
      synthStack((s) => {
        const stream = new Stream(s, "Activity", { name: "activity" });
        new IotIngest(s, "Bad", { name: "Bad Name", stream, region: "mars-1", searchableAttributes: ["a", "b", "c", "d"], thingTypeDescription: "tab\there" });
      }),
    ).toThrow(
      /IotIngest "test\/Bad": invalid props \(5 problems\)[\s\S]*name: received "Bad Name"[\s\S]*Fix: use a short kebab-case name[\s\S]*accountId: received undefined[\s\S]*Fix: pass accountId, or configure the stack's naming context[\s\S]*region: received "mars-1"[\s\S]*thingTypeDescription: received[\s\S]*searchableAttributes: received \["a","b","c","d"\]; allowed: at most 3/,
    );
    expect(() => synth((s, stream) => new IotIngest(s, "Bad", { name: "devices", stream, accountId: "12345", searchableAttributes: ["ok", "bad name", "ok"] }))).toThrow(
      /accountId: received "12345"; allowed: a 12-digit AWS account id[\s\S]*searchableAttributes\[1\]: received "bad name"[\s\S]*searchableAttributes: received \["ok","bad name","ok"\]; allowed: distinct names/,
    );
  });

  it("refuses a FIFO error queue (the IoT SQS action sends no MessageGroupId)", () => {
    expect(() =>
      synth((s, stream) => {
        const fifo = new Queue(s, "Fifo", { name: "errors", fifo: true, deadLetterQueue: false });
        new IotIngest(s, "Devices", { name: "devices", stream, errorQueue: fifo });
      }),
    ).toThrow(/errorQueue: received "test\/Fifo"; allowed: a standard queue[\s\S]*Fix: pass a standard queue, or leave errorQueue unset/);
  });

  it("asks for region when the stack's provider has none known at synth", () => {
    expect(() =>
      synthStack((s) => {
        Naming.configure(s, { app: "test", env: "dev", account: ACCOUNT });
        const stream = new Stream(s, "Activity", { name: "activity" });
        (s.node.findChild("aws") as AwsProvider).region = new TerraformVariable(s, "region", { type: "string" }).stringValue;
        new IotIngest(s, "Devices", { name: "devices", stream });
      }),
    ).toThrow(/region: received undefined[\s\S]*Fix: pass region, or give the stack's AWS provider a literal region/);
  });

  it("fromAttributes imports a rule by ARN (name from the ARN), for monitoring; refuses what is not a rule ARN", () => {
    synth((s) => {
      const errors = Queue.fromArn(s, "Errors", `arn:aws:sqs:eu-west-1:${ACCOUNT}:errors`);
      const imported = IotIngest.fromAttributes(s, "Imported", {
        ruleArn: `arn:aws:iot:eu-west-1:${ACCOUNT}:rule/other_devices`,
        thingTypeName: "other",
        policyName: "other-policy",
        errorQueue: errors,
      });
      expect(imported).toMatchObject({ ruleName: "other_devices", thingTypeName: "other", policyName: "other-policy", actionTypes: ["Kinesis"], errorQueue: errors });
      expect(() => IotIngest.fromAttributes(s, "Bad", { ruleArn: `arn:aws:iot:eu-west-1:${ACCOUNT}:policy/x`, thingTypeName: "t", policyName: "p" })).toThrow(
        /is not a topic rule ARN\. Fix: pass arn:aws:iot:<region>:<12-digit account>:rule\/<rule name>/,
      );
      expect(() => IotIngest.fromAttributes(s, "Bad2", { ruleArn: "arn:aws:sqs:eu-west-1:123456789012:q", thingTypeName: "t", policyName: "p" })).toThrow(/is not an iot ARN/);
    });
  });

  it("the deployed SQL turns a sample message into the activity event analytics expects", () => {
    const out = synth((s, stream) => new IotIngest(s, "Devices", { name: "devices", stream }));
    const sql = out.only("aws_iot_topic_rule").sql;
    const result = evaluateRule(sql, "devices/sensor-1/activity", JSON.stringify({ type: "door.open", props: { door: "front" } }), {
      now: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      newUuid: () => "0b6a3c1e-5f0d-4c52-9a51-3c9b8f2f4a10",
    });
    expect(result).toEqual({
      kind: "output",
      value: { eventId: "0b6a3c1e-5f0d-4c52-9a51-3c9b8f2f4a10", userId: "device:sensor-1", type: "door.open", props: { door: "front" }, time: "2026-01-02T03:04:05.006Z" },
    });
  });

  it("in a local environment the three IoT resources are emulator gaps (count 0, annotated); role, policy and error queue stay", () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "iot-local", {
      app: "test",
      env: "local",
      region: "eu-west-1",
      allowedAccountIds: [ACCOUNT],
      tags: {},
      offline: false,
      local: { endpoint: "http://127.0.0.1:1" },
    });
    const ingest = new IotIngest(stack, "Devices", { name: "devices", stream: new Stream(stack, "Activity", { name: "activity" }) });
    const json = JSON.parse(Testing.synth(stack));
    for (const type of ["aws_iot_thing_type", "aws_iot_policy", "aws_iot_topic_rule"]) {
      expect(Object.values<any>(json.resource[type]).map((r) => r.count)).toEqual([0]);
      expect(EMULATOR_GAPS.find((g) => g.resourceType === type)?.reason).toMatch(/ListTagsForResource[\s\S]*never routes an MQTT message/);
    }
    for (const type of ["aws_iam_role", "aws_iam_role_policy", "aws_sqs_queue"]) {
      expect(Object.values<any>(json.resource[type]).every((r) => r.count === undefined)).toBe(true);
    }
    // the names operators read are literals, so outputs stay valid with the resources left out
    expect([ingest.thingTypeName, ingest.policyName, ingest.ruleName]).toEqual(["test-local-devices", "test-local-devices", "test_local_devices"]);
    expect(ingest.rule.node.metadata.map((m) => String(m.data))).toContainEqual(expect.stringMatching(/^Left out of the local environment \(emulator gap\)/));
  });

  it("is valid Terraform: init + validate + offline plan, with the policy variables and the partition key reaching AWS literally", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "iot-tf", { app: "test", env: "dev", region: "eu-west-1", allowedAccountIds: [ACCOUNT], tags: {}, offline: true });
    const stream = new Stream(stack, "Activity", { name: "activity" });
    new IotIngest(stack, "Devices", { name: "devices", stream });
    const result = await validateAndPlanStack(stack);
    expect(result.validate.diagnostics).toEqual([]);
    expect(result.validate.valid).toBe(true);
    expect(countByType(result.plan)).toMatchObject({ aws_iot_thing_type: 1, aws_iot_policy: 1, aws_iot_topic_rule: 1, aws_iam_role: 1, aws_iam_role_policy: 1, aws_sqs_queue: 1 });
    const policy = JSON.parse(plannedValues(result.plan, "aws_iot_policy")[0].policy);
    expect(policy.Statement[0].Resource).toBe(`arn:aws:iot:eu-west-1:${ACCOUNT}:client/${THING}`);
    const rule = plannedValues(result.plan, "aws_iot_topic_rule")[0];
    expect(rule.kinesis[0].partition_key).toBe("${topic(2)}");
    expect(rule.sql).toBe(DEVICE_ACTIVITY_SQL);
    expect(rule.error_action[0].sqs[0].use_base64).toBe(false);
  });
});
