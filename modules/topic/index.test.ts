import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, Token } from "cdktf";
import { AwsStack } from "../stack";
import { asArray, roleStatements, synthStack, warnings } from "../../test/support/synth";
import { validateAndPlan } from "../../test/support/terraform";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "../queue";
import { Topic } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";

type Out = ReturnType<typeof synthStack>;

function topicPolicy(out: Out): any {
  return out.policies().find((p) => p.address.startsWith("aws_sns_topic_policy"))!.document;
}

function queuePolicy(out: Out, addressPart = ""): any {
  return out.policies().find((p) => p.address.startsWith("aws_sqs_queue_policy") && p.address.includes(addressPart))!.document;
}

function keyPolicy(out: Out): any {
  return out.policies().find((p) => p.address.startsWith("aws_kms_key"))!.document;
}

function mainQueueArn(out: Out): string {
  const key = Object.keys(out.resources("aws_sqs_queue")).find((k) => !k.includes("DeadLetterQueue"))!;
  return `\${aws_sqs_queue.${key}.arn}`;
}

describe("Topic", () => {
  it("defaults: named <app>-<env>-<name>, encrypted with alias/aws/sns, standard, no tracing setting", () => {
    let t!: Topic;
    const out = synthStack((s) => {
      t = new Topic(s, "UserDataChange", { name: "user-data-change" });
    });
    const topic = out.only("aws_sns_topic");
    expect(topic.name).toBe("test-dev-user-data-change");
    expect(topic.kms_master_key_id).toBe("alias/aws/sns");
    expect(topic.fifo_topic).toBeUndefined();
    expect(topic.tracing_config).toBeUndefined();
    expect(t.fifo).toBe(false);
    expect(t.encryptionKey).toBeUndefined();
    expect(out.only("aws_sns_topic_policy").arn).toBe(out.ref("aws_sns_topic", "arn"));
  });

  it("denies publishing without TLS to every principal in the topic policy", () => {
    const out = synthStack((s) => new Topic(s, "T", { name: "t" }));
    expect(topicPolicy(out)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sns:Publish",
          Resource: out.ref("aws_sns_topic", "arn"),
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  it("FIFO topic: .fifo name, fifo_topic, content-based deduplication; display name, tracing and a CMK from props", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "topics", accountId: ACCOUNT });
      new Topic(s, "Orders", { name: "orders", fifo: true, contentBasedDeduplication: true, displayName: "Orders", tracing: "Active", encryptionKey: key });
    });
    const topic = out.only("aws_sns_topic");
    expect(topic.name).toBe("test-dev-orders.fifo");
    expect(topic.fifo_topic).toBe(true);
    expect(topic.content_based_deduplication).toBe(true);
    expect(topic.display_name).toBe("Orders");
    expect(topic.tracing_config).toBe("Active");
    expect(topic.kms_master_key_id).toBe(out.ref("aws_kms_key", "arn"));
  });

  it("collects invalid props into one error naming module, prop and fix", () => {
    expect(() => synthStack((s) => new Topic(s, "Bad", { name: "bad name!", contentBasedDeduplication: true, tracing: "On" as any }))).toThrow(
      /Topic "test\/Bad": invalid props \(3 problems\)[\s\S]*name: received "bad name!"[\s\S]*Fix: use a short kebab-case name[\s\S]*tracing: received "On"[\s\S]*contentBasedDeduplication: .*Fix: set fifo: true/,
    );
    expect(() => synthStack((s) => new Topic(s, "Bad", { name: "x".repeat(257) }))).toThrow(/name: received .*1–256 characters/);
    expect(() => synthStack((s) => new Topic(s, "Bad", { name: "x".repeat(252), fifo: true }))).toThrow(/name: received .*1–251 characters/);
  });

  it("grantPublish: sns:Publish on the topic ARN only; with a CMK also exact KMS actions on the key ARN only", () => {
    const out = synthStack((s) => {
      const plain = new Topic(s, "Plain", { name: "plain" });
      const key = new Key(s, "Key", { name: "topics", accountId: ACCOUNT });
      const encrypted = new Topic(s, "Encrypted", { name: "encrypted", encryptionKey: key });
      plain.grantPublish(new LambdaFunction(s, "PlainPublisher", { name: "plain-publisher", entry: ENTRY }));
      encrypted.grantSendFailure(new LambdaFunction(s, "EncryptedPublisher", { name: "encrypted-publisher", entry: ENTRY }));
    });
    const arnOf = (id: string) => `\${aws_sns_topic.${Object.keys(out.resources("aws_sns_topic")).find((k) => k.startsWith(id))}.arn}`;
    expect(roleStatements(out, "PlainPublisher")).toEqual([{ Effect: "Allow", Action: "sns:Publish", Resource: arnOf("Plain") }]);
    const encrypted = roleStatements(out, "EncryptedPublisher");
    expect(encrypted).toEqual([
      { Effect: "Allow", Action: "sns:Publish", Resource: arnOf("Encrypted") },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: out.ref("aws_kms_key", "arn") },
    ]);
    for (const st of encrypted) {
      expect(asArray(st.Resource)).not.toContain("*");
      for (const action of asArray<string>(st.Action)) expect(action).not.toMatch(/\*/);
    }
  });

  it("connect grants publish and sets <ID>_TOPIC_ARN (or the given variable), as the platform stack uses it", () => {
    const out = synthStack((s) => {
      const t = new Topic(s, "UserDataChange", { name: "user-data-change" });
      t.connect(new LambdaFunction(s, "Events", { name: "events", entry: ENTRY }));
      t.connect(new LambdaFunction(s, "Other", { name: "other", entry: ENTRY }), "CHANGES_TOPIC");
    });
    const fns = Object.values(out.resources("aws_lambda_function")) as any[];
    const arn = out.ref("aws_sns_topic", "arn");
    expect(fns.find((f) => f.function_name === "test-dev-events").environment.variables.USER_DATA_CHANGE_TOPIC_ARN).toBe(arn);
    expect(fns.find((f) => f.function_name === "test-dev-other").environment.variables.CHANGES_TOPIC).toBe(arn);
    expect(roleStatements(out, "Events")).toEqual([{ Effect: "Allow", Action: "sns:Publish", Resource: arn }]);
  });

  it("addSqsSubscription: raw delivery by default, filter policy JSON (MessageAttributes scope), queue policy allows SNS from this topic only", () => {
    const out = synthStack((s) => {
      const t = new Topic(s, "Changes", { name: "changes" });
      const q = new Queue(s, "Analytics", { name: "analytics" });
      t.addSqsSubscription(q, { filterPolicy: { eventType: ["deleted", "updated"] } });
    });
    const sub = out.only("aws_sns_topic_subscription");
    const topicArn = out.ref("aws_sns_topic", "arn");
    const queueArn = mainQueueArn(out);
    expect(sub).toMatchObject({ protocol: "sqs", topic_arn: topicArn, endpoint: queueArn, raw_message_delivery: true, filter_policy_scope: "MessageAttributes" });
    expect(JSON.parse(sub.filter_policy)).toEqual({ eventType: ["deleted", "updated"] });
    const allow = queuePolicy(out, "Analytics_Policy").Statement.find((st: any) => st.Effect === "Allow");
    expect(allow).toEqual({
      Sid: "AllowSnsSendMessage",
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
    });
    // the DLQ gets nothing from the subscription
    expect(queuePolicy(out, "DeadLetterQueue_Policy").Statement).toHaveLength(1);
  });

  it("addSqsSubscription options: raw delivery off, MessageBody scope; no filter fields without a filter policy", () => {
    const out = synthStack((s) => {
      const t = new Topic(s, "Changes", { name: "changes" });
      t.addSqsSubscription(new Queue(s, "A", { name: "a" }), { rawMessageDelivery: false, filterPolicy: { detail: { kind: ["x"] } }, filterPolicyScope: "MessageBody" });
      t.addSqsSubscription(new Queue(s, "B", { name: "b" }));
    });
    const subs = Object.entries(out.resources("aws_sns_topic_subscription"));
    const a = subs.find(([k]) => k.includes("SubscriptionA"))![1];
    const b = subs.find(([k]) => k.includes("SubscriptionB"))![1];
    expect(a.raw_message_delivery).toBe(false);
    expect(a.filter_policy_scope).toBe("MessageBody");
    expect(b.raw_message_delivery).toBe(true);
    expect(b.filter_policy).toBeUndefined();
    expect(b.filter_policy_scope).toBeUndefined();
    expect(() =>
      synthStack((s) => new Topic(s, "T", { name: "t" }).addSqsSubscription(new Queue(s, "Q", { name: "q" }), { filterPolicy: {}, filterPolicyScope: "Body" as any })),
    ).toThrow(/Topic.addSqsSubscription "test\/T"[\s\S]*filterPolicyScope: received "Body"[\s\S]*filterPolicy: received \{\}[\s\S]*Fix:/);
  });

  it("addSqsSubscription refuses a queue encrypted with alias/aws/sqs, naming module, prop and fix", () => {
    expect(() =>
      synthStack((s) => {
        const q = Queue.fromArn(s, "Legacy", `arn:aws:sqs:eu-west-1:${ACCOUNT}:legacy`, { kmsMasterKeyId: "alias/aws/sqs" });
        new Topic(s, "T", { name: "t" }).addSqsSubscription(q);
      }),
    ).toThrow(
      /Topic.addSqsSubscription "test\/T"[\s\S]*queue\.kmsMasterKeyId: received "alias\/aws\/sqs \(queue \\"test\/Legacy\\"\)"[\s\S]*Fix: SNS cannot deliver to a queue encrypted with the AWS-managed alias\/aws\/sqs key/,
    );
  });

  it("addSqsSubscription refuses a FIFO queue on a standard topic; a FIFO topic takes FIFO and standard queues", () => {
    expect(() => synthStack((s) => new Topic(s, "T", { name: "t" }).addSqsSubscription(new Queue(s, "Q", { name: "q", fifo: true })))).toThrow(
      /queue: received "test\/Q"; allowed: a standard queue \(a standard topic cannot deliver to a FIFO queue\)/,
    );
    const out = synthStack((s) => {
      const t = new Topic(s, "T", { name: "t", fifo: true });
      t.addSqsSubscription(new Queue(s, "F", { name: "f", fifo: true }));
      t.addSqsSubscription(new Queue(s, "S", { name: "s" }));
    });
    expect(Object.keys(out.resources("aws_sns_topic_subscription"))).toHaveLength(2);
  });

  it("addSqsSubscription to an imported queue creates the subscription and warns that the queue owner must allow the topic", () => {
    let t!: Topic;
    const arn = `arn:aws:sqs:eu-west-1:${ACCOUNT}:shared`;
    const out = synthStack((s) => {
      t = new Topic(s, "T", { name: "t" });
      t.addSqsSubscription(Queue.fromArn(s, "Shared", arn));
    });
    expect(out.only("aws_sns_topic_subscription").endpoint).toBe(arn);
    expect(out.resources("aws_sqs_queue_policy")).toEqual({});
    expect(warnings(t).join("\n")).toMatch(/queue "test\/Shared" is imported[\s\S]*Fix: its owner must allow sns\.amazonaws\.com sqs:SendMessage/);
  });

  it("addSqsSubscription to a queue with a CMK allows SNS on the key for this topic only", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "queues", accountId: ACCOUNT });
      const t = new Topic(s, "T", { name: "t" });
      t.addSqsSubscription(new Queue(s, "Q", { name: "q", encryptionKey: key }));
    });
    const sns = keyPolicy(out).Statement.find((st: any) => st.Principal?.Service === "sns.amazonaws.com");
    expect(sns.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(sns.Condition).toEqual({ StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": out.ref("aws_sns_topic", "arn") } });
  });

  it("a topic and a queue sharing one CMK: the key allows SNS account-wide (a SourceArn would be a key ↔ topic cycle)", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "shared", accountId: ACCOUNT });
      new Topic(s, "T", { name: "t", encryptionKey: key }).addSqsSubscription(new Queue(s, "Q", { name: "q", encryptionKey: key }));
    });
    const sns = keyPolicy(out).Statement.find((st: any) => st.Principal?.Service === "sns.amazonaws.com");
    expect(sns.Condition).toEqual({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
    expect(out.only("aws_kms_key").policy).not.toContain("aws_sns_topic");
  });

  it("allowPublishFrom: service publish limited to the topic's account and a source ARN, and allowed on the CMK", () => {
    const alarms = `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:*`;
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "alarms", accountId: ACCOUNT });
      const t = new Topic(s, "Alarms", { name: "alarms", encryptionKey: key });
      t.allowPublishFrom("cloudwatch.amazonaws.com", { sourceArn: alarms });
      t.allowPublishFrom("events.amazonaws.com", { sourceAccount: ACCOUNT });
    });
    const topicArn = out.ref("aws_sns_topic", "arn");
    const [, cw, events] = topicPolicy(out).Statement;
    expect(cw).toEqual({
      Sid: "AllowCloudwatchPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": `\${local.${Object.keys(out.json.locals)[0]}}` },
        ArnLike: { "aws:SourceArn": alarms },
      },
    });
    expect(Object.values(out.json.locals)).toEqual([`\${element(split(":", ${topicArn.slice(2, -1)}), 4)}`]);
    expect(events.Condition).toEqual({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
    const keyCw = keyPolicy(out).Statement.find((st: any) => st.Principal?.Service === "cloudwatch.amazonaws.com");
    expect(keyCw.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(keyCw.Condition.ArnLike).toEqual({ "aws:SourceArn": alarms });
  });

  it("allowPublishFrom refuses a topic on the AWS-managed key and an invalid principal", () => {
    expect(() => synthStack((s) => new Topic(s, "T", { name: "t" }).allowPublishFrom("cloudwatch.amazonaws.com"))).toThrow(
      /Topic "test\/T": cloudwatch\.amazonaws\.com cannot publish to a topic encrypted with the AWS-managed key alias\/aws\/sns[\s\S]*Fix: pass encryptionKey/,
    );
    expect(() => synthStack((s) => new Topic(s, "T", { name: "t" }).allowPublishFrom("cloudwatch"))).toThrow(
      /Topic.allowPublishFrom "test\/T"[\s\S]*servicePrincipal: received "cloudwatch"/,
    );
  });

  it("addToResourcePolicy adds a principal statement on this topic and refuses wildcard actions", () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/publisher`;
    const out = synthStack((s) => new Topic(s, "T", { name: "t" }).addToResourcePolicy({ principals: { AWS: [role] }, actions: ["sns:Publish"] }));
    expect(topicPolicy(out).Statement[1]).toEqual({ Effect: "Allow", Principal: { AWS: role }, Action: "sns:Publish", Resource: out.ref("aws_sns_topic", "arn") });
    expect(() => synthStack((s) => new Topic(s, "T", { name: "t" }).addToResourcePolicy({ principals: { AWS: role }, actions: ["sns:*"] }))).toThrow(/is a wildcard/);
  });

  it("addEmailSubscription subscribes a valid address and refuses an invalid one or a FIFO topic", () => {
    const out = synthStack((s) => new Topic(s, "T", { name: "t" }).addEmailSubscription("Ops", "ops@example.com"));
    expect(out.only("aws_sns_topic_subscription")).toMatchObject({ protocol: "email", endpoint: "ops@example.com", topic_arn: out.ref("aws_sns_topic", "arn") });
    expect(() => synthStack((s) => new Topic(s, "T", { name: "t" }).addEmailSubscription("Ops", "ops at example"))).toThrow(
      /Topic.addEmailSubscription "test\/T"[\s\S]*email: received "ops at example"[\s\S]*Fix:/,
    );
    expect(() => synthStack((s) => new Topic(s, "T", { name: "t", fifo: true }).addEmailSubscription("Ops", "ops@example.com"))).toThrow(/FIFO topic delivers to SQS queues only/);
  });

  it("addLambdaSubscription subscribes the function and allows SNS to invoke it from this topic only", () => {
    const out = synthStack((s) => {
      const fn = new LambdaFunction(s, "Handler", { name: "handler", entry: ENTRY });
      new Topic(s, "T", { name: "t" }).addLambdaSubscription(fn, { filterPolicy: { kind: ["a"] } });
    });
    const sub = out.only("aws_sns_topic_subscription");
    expect(sub).toMatchObject({ protocol: "lambda", endpoint: out.ref("aws_lambda_function", "arn"), filter_policy_scope: "MessageAttributes" });
    expect(out.only("aws_lambda_permission")).toMatchObject({ principal: "sns.amazonaws.com", source_arn: out.ref("aws_sns_topic", "arn"), action: "lambda:InvokeFunction" });
  });

  it("addLambdaSubscription of an imported function adds the SNS permission on its ARN (the same call as for a module-made function)", () => {
    const fnArn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:shared-handler`;
    const out = synthStack((s) => {
      new Topic(s, "T", { name: "t" }).addLambdaSubscription(LambdaFunction.fromArn(s, "Shared", fnArn));
    });
    expect(out.only("aws_sns_topic_subscription")).toMatchObject({ protocol: "lambda", endpoint: fnArn });
    expect(out.only("aws_lambda_permission")).toMatchObject({ function_name: fnArn, principal: "sns.amazonaws.com", source_arn: out.ref("aws_sns_topic", "arn") });
  });

  it("fromArn imports a topic: name from the ARN, publish grants on that ARN, subscriptions allowed", () => {
    const arn = `arn:aws:sns:eu-west-1:${ACCOUNT}:shared-changes`;
    const out = synthStack((s) => {
      const t = Topic.fromArn(s, "Shared", arn);
      expect(t.name).toBe("shared-changes");
      expect(t.fifo).toBe(false);
      t.connect(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
      t.addSqsSubscription(new Queue(s, "Q", { name: "q" }));
    });
    expect(roleStatements(out, "Fn")).toEqual([{ Effect: "Allow", Action: "sns:Publish", Resource: arn }]);
    expect(out.only("aws_lambda_function").environment.variables.SHARED_TOPIC_ARN).toBe(arn);
    expect(out.resources("aws_sns_topic")).toEqual({});
    expect(queuePolicy(out, "Q_Policy").Statement[1].Condition).toEqual({ ArnEquals: { "aws:SourceArn": arn } });
    expect(() => synthStack((s) => Topic.fromArn(s, "Bad", `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`))).toThrow(/is not an sns ARN/);
  });
  it("fromArn of a token ARN takes the name (and so FIFO-ness) from the options, and says how to pass it when missing", () => {
    const tokenArn = Token.asString({ Ref: "shared_topic_arn" });
    synthStack((s) => {
      const t = Topic.fromArn(s, "Ext", tokenArn, { name: "orders.fifo" });
      expect([t.name, t.fifo]).toEqual(["orders.fifo", true]);
    });
    expect(() => synthStack((s) => Topic.fromArn(s, "Ext", tokenArn))).toThrow(
      /Topic\.fromArn\(scope, "Ext"\): the ARN is a token[\s\S]*Fix: pass it in the import options, e\.g\. Topic\.fromArn\(scope, "Ext", <arn>, \{ name: "<name>" \}\)/,
    );
  });

  it("is valid Terraform: init + validate + offline plan of an encrypted topic, a subscribed queue and service publishers", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "topic-tf", { app: "test", env: "dev", region: "eu-west-1", tags: {}, offline: true });
    const key = new Key(stack, "Key", { name: "shared", accountId: ACCOUNT });
    const topic = new Topic(stack, "Changes", { name: "changes", encryptionKey: key, tracing: "Active" });
    topic.allowPublishFrom("cloudwatch.amazonaws.com", { sourceArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:*` });
    topic.addSqsSubscription(new Queue(stack, "Analytics", { name: "analytics", encryptionKey: key }), { filterPolicy: { eventType: ["deleted"] } });
    topic.addEmailSubscription("Ops", "ops@example.com");
    new Topic(stack, "Orders", { name: "orders", fifo: true, contentBasedDeduplication: true }).addSqsSubscription(new Queue(stack, "OrdersQueue", { name: "orders", fifo: true }));
    const dir = mkdtempSync(join(tmpdir(), "topic-tf-"));
    try {
      writeFileSync(join(dir, "cdk.tf.json"), Testing.synth(stack));
      const result = await validateAndPlan(dir);
      expect(result.validate.diagnostics).toEqual([]);
      expect(result.validate.valid).toBe(true);
      const types = (result.plan.resource_changes as any[]).map((rc) => rc.type);
      expect(types.filter((t) => t === "aws_sns_topic")).toHaveLength(2);
      expect(types.filter((t) => t === "aws_sns_topic_policy")).toHaveLength(2);
      expect(types.filter((t) => t === "aws_sns_topic_subscription")).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
