import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { AwsStack } from "../stack";
import { OFFLINE_CREDENTIALS } from "../stack/offline";
import { asArray, roleStatements, synthStack, warnings } from "../../test/support/synth";
import { validateAndPlan } from "../../test/support/terraform";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "./index";
import { QUEUE_CONSUME_ACTIONS, QUEUE_SEND_ACTIONS } from "./perms";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

type Out = ReturnType<typeof synthStack>;

function queues(out: Out): Record<string, any> {
  return Object.fromEntries(Object.values(out.resources("aws_sqs_queue")).map((q: any) => [q.name, q]));
}

function ref(out: Out, type: string, match: (key: string) => boolean, attr: string): string {
  const key = Object.keys(out.resources(type)).find(match);
  if (!key) throw new Error(`no ${type} matching`);
  return `\${${type}.${key}.${attr}}`;
}

function queuePolicy(out: Out, addressPart: string): any {
  const p = out.policies().find((d) => d.address.startsWith("aws_sqs_queue_policy") && d.address.includes(addressPart));
  if (!p) throw new Error(`no queue policy ${addressPart}`);
  return p.document;
}

/** The statements of a function's role policy, without the X-Ray statement (the only one allowed on "*"). */
describe("Queue", () => {
  it("defaults: SSE-SQS, 60 s visibility, 4-day retention, long polling, named <app>-<env>-<name>", () => {
    let q!: Queue;
    const out = synthStack((s) => {
      q = new Queue(s, "Events", { name: "events" });
    });
    const main = queues(out)["test-dev-events"];
    expect(main.sqs_managed_sse_enabled).toBe(true);
    expect(main.kms_master_key_id).toBeUndefined();
    expect(main.visibility_timeout_seconds).toBe(60);
    expect(main.message_retention_seconds).toBe(345600);
    expect(main.receive_wait_time_seconds).toBe(20);
    expect(main.delay_seconds).toBe(0);
    expect(main.fifo_queue).toBeUndefined();
    expect(main.lifecycle).toBeUndefined();
    expect(q.visibilityTimeoutSeconds).toBe(60);
    expect(q.fifo).toBe(false);
    expect(q.encryptionKey).toBeUndefined();
  });

  it("creates its own DLQ <name>-dlq (14 days, same encryption) with maxReceiveCount 5 and a redrive allow policy for this queue only", () => {
    let q!: Queue;
    const out = synthStack((s) => {
      q = new Queue(s, "Events", { name: "events" });
    });
    const all = queues(out);
    expect(Object.keys(all).sort()).toEqual(["test-dev-events", "test-dev-events-dlq"]);
    const dlq = all["test-dev-events-dlq"];
    expect(dlq.message_retention_seconds).toBe(1209600);
    expect(dlq.sqs_managed_sse_enabled).toBe(true);
    expect(dlq.redrive_policy).toBeUndefined();
    const dlqArn = ref(out, "aws_sqs_queue", (k) => k.includes("DeadLetterQueue"), "arn");
    const mainArn = ref(out, "aws_sqs_queue", (k) => !k.includes("DeadLetterQueue"), "arn");
    expect(JSON.parse(all["test-dev-events"].redrive_policy)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 });
    const allow = out.only("aws_sqs_queue_redrive_allow_policy");
    expect(allow.queue_url).toBe(ref(out, "aws_sqs_queue", (k) => k.includes("DeadLetterQueue"), "url"));
    expect(JSON.parse(allow.redrive_allow_policy)).toEqual({ redrivePermission: "byQueue", sourceQueueArns: [mainArn] });
    expect(q.deadLetterQueue).toBeInstanceOf(Queue);
    expect(q.maxReceiveCount).toBe(5);
    expect((q.deadLetterQueue as Queue).deadLetterQueue).toBeUndefined();
  });

  it("uses maxReceiveCount, a given dead-letter queue, or none with deadLetterQueue: false", () => {
    const custom = synthStack((s) => new Queue(s, "Events", { name: "events", maxReceiveCount: 3 }));
    expect(JSON.parse(queues(custom)["test-dev-events"].redrive_policy).maxReceiveCount).toBe(3);

    const given = synthStack((s) => {
      const parking = new Queue(s, "Parking", { name: "parking", deadLetterQueue: false });
      const q = new Queue(s, "Events", { name: "events", deadLetterQueue: parking });
      expect(q.deadLetterQueue).toBe(parking);
    });
    expect(Object.keys(queues(given)).sort()).toEqual(["test-dev-events", "test-dev-parking"]);
    expect(JSON.parse(queues(given)["test-dev-events"].redrive_policy).deadLetterTargetArn).toBe(ref(given, "aws_sqs_queue", (k) => k.startsWith("Parking"), "arn"));

    let none!: Queue;
    const out = synthStack((s) => {
      none = new Queue(s, "Failures", { name: "failures", deadLetterQueue: false, retentionSeconds: 1209600 });
    });
    expect(out.only("aws_sqs_queue").redrive_policy).toBeUndefined();
    expect(out.only("aws_sqs_queue").message_retention_seconds).toBe(1209600);
    expect(out.resources("aws_sqs_queue_redrive_allow_policy")).toEqual({});
    expect(out.only("aws_sqs_queue_policy").queue_url).toBe(out.ref("aws_sqs_queue", "url"));
    expect(none.deadLetterQueue).toBeUndefined();
    expect(none.maxReceiveCount).toBeUndefined();
  });

  it("denies every request without TLS in the queue policy and in the DLQ's own policy", () => {
    const out = synthStack((s) => new Queue(s, "Events", { name: "events" }));
    for (const [part, match] of [
      ["Events_Policy", (k: string) => !k.includes("DeadLetterQueue")],
      ["DeadLetterQueue_Policy", (k: string) => k.includes("DeadLetterQueue")],
    ] as const) {
      const doc = queuePolicy(out, part);
      expect(doc.Version).toBe("2012-10-17");
      expect(doc.Statement).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: ref(out, "aws_sqs_queue", match, "arn"),
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    }
  });

  it("encrypts the queue and its DLQ with a customer-managed key instead of SSE-SQS", () => {
    let q!: Queue;
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "queues", accountId: ACCOUNT });
      q = new Queue(s, "Events", { name: "events", encryptionKey: key, kmsDataKeyReusePeriodSeconds: 600 });
      expect(q.encryptionKey).toBe(key);
    });
    const keyArn = out.ref("aws_kms_key", "arn");
    for (const queue of Object.values(queues(out))) {
      expect(queue.kms_master_key_id).toBe(keyArn);
      expect(queue.kms_data_key_reuse_period_seconds).toBe(600);
      expect(queue.sqs_managed_sse_enabled).toBeUndefined();
    }
    expect(q.kmsMasterKeyId).toBe(q.encryptionKey!.arn);
  });

  it("grants exact consume / send actions on the queue ARN only, plus exact KMS actions on the key ARN only", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "queues", accountId: ACCOUNT });
      const q = new Queue(s, "Events", { name: "events", encryptionKey: key });
      q.grantConsumeMessages(new LambdaFunction(s, "Consumer", { name: "consumer", entry: ENTRY }));
      q.grantSendMessages(new LambdaFunction(s, "Producer", { name: "producer", entry: ENTRY }));
    });
    const queueArn = ref(out, "aws_sqs_queue", (k) => !k.includes("DeadLetterQueue"), "arn");
    const keyArn = out.ref("aws_kms_key", "arn");
    const consumer = roleStatements(out, "Consumer");
    expect(consumer).toEqual([
      { Effect: "Allow", Action: [...QUEUE_CONSUME_ACTIONS], Resource: queueArn },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn },
    ]);
    const producer = roleStatements(out, "Producer");
    expect(producer).toEqual([
      { Effect: "Allow", Action: [...QUEUE_SEND_ACTIONS], Resource: queueArn },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: keyArn },
    ]);
    for (const st of [...consumer, ...producer]) {
      expect(asArray(st.Resource)).not.toContain("*");
      for (const action of asArray<string>(st.Action)) expect(action).not.toMatch(/\*/);
    }
    expect(asArray(producer[0].Action)).not.toContain("sqs:ReceiveMessage");
    expect(asArray(consumer[0].Action)).not.toContain("sqs:SendMessage");
  });

  it("grants no KMS action on an SSE-SQS queue; grantSendFailure is the send grant", () => {
    const out = synthStack((s) => {
      const q = new Queue(s, "Failures", { name: "failures", deadLetterQueue: false });
      q.grantSendFailure(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
    });
    expect(roleStatements(out, "Fn")).toEqual([{ Effect: "Allow", Action: [...QUEUE_SEND_ACTIONS], Resource: out.ref("aws_sqs_queue", "arn") }]);
  });

  it("connect grants access and sets <ID>_QUEUE_URL (or the given variable) to the queue URL", () => {
    const out = synthStack((s) => {
      const q = new Queue(s, "ProfileEvents", { name: "profile-events", deadLetterQueue: false });
      q.connect(new LambdaFunction(s, "Producer", { name: "producer", entry: ENTRY }), "send");
      q.connect(new LambdaFunction(s, "Worker", { name: "worker", entry: ENTRY }), "consume", "WORK_QUEUE_URL");
    });
    const fns = Object.values(out.resources("aws_lambda_function")) as any[];
    const url = out.ref("aws_sqs_queue", "url");
    expect(fns.find((f) => f.function_name === "test-dev-producer").environment.variables.PROFILE_EVENTS_QUEUE_URL).toBe(url);
    expect(fns.find((f) => f.function_name === "test-dev-worker").environment.variables.WORK_QUEUE_URL).toBe(url);
    expect(asArray(roleStatements(out, "Worker")[0].Action)).toContain("sqs:ReceiveMessage");
    expect(asArray(roleStatements(out, "Producer")[0].Action)).toContain("sqs:SendMessage");
  });

  it("collects invalid props into one error naming module, prop and fix", () => {
    expect(() => synthStack((s) => new Queue(s, "Bad", { name: "bad name!", visibilityTimeoutSeconds: 50000, receiveWaitTimeSeconds: 30 }))).toThrow(
      /Queue "test\/Bad": invalid props \(3 problems\)[\s\S]*name: received "bad name!"[\s\S]*Fix: use a short kebab-case name[\s\S]*visibilityTimeoutSeconds: received 50000[\s\S]*receiveWaitTimeSeconds: received 30/,
    );
    expect(() => synthStack((s) => new Queue(s, "Bad", { name: "events.fifo" }))).toThrow(/name: received "events.fifo".*Fix: .*set fifo: true instead of a \.fifo suffix/);
    expect(() => synthStack((s) => new Queue(s, "Bad", { name: "q", contentBasedDeduplication: true }))).toThrow(/contentBasedDeduplication: .*Fix: set fifo: true/);
    expect(() => synthStack((s) => new Queue(s, "Bad", { name: "q", deadLetterQueue: false, maxReceiveCount: 3 }))).toThrow(/maxReceiveCount: .*set only with a dead-letter queue/);
  });

  it("refuses the AWS-managed alias/aws/sqs key and a key id that is not an ARN", () => {
    expect(() => synthStack((s) => new Queue(s, "Bad", { name: "q", kmsMasterKeyId: "alias/aws/sqs" }))).toThrow(
      /Queue "test\/Bad"[\s\S]*kmsMasterKeyId: received "alias\/aws\/sqs"[\s\S]*Fix: leave encryption unset \(SSE-SQS\) or pass a customer-managed Key/,
    );
    expect(() => synthStack((s) => new Queue(s, "Bad", { name: "q", kmsMasterKeyId: "1234abcd-12ab" }))).toThrow(/kmsMasterKeyId: .*a customer-managed key ARN/);
  });

  it("refuses a dead-letter queue of the other type (FIFO vs standard)", () => {
    expect(() =>
      synthStack((s) => {
        const dlq = new Queue(s, "Dlq", { name: "dlq", deadLetterQueue: false });
        new Queue(s, "Bad", { name: "q", fifo: true, deadLetterQueue: dlq });
      }),
    ).toThrow(/deadLetterQueue: received "test\/Dlq"; allowed: a FIFO queue/);
  });

  it("grants KMS actions on a key given by ARN (kmsMasterKeyId), and warns that its policy must allow services", () => {
    let q!: Queue;
    const out = synthStack((s) => {
      q = new Queue(s, "Events", { name: "events", kmsMasterKeyId: KEY_ARN, deadLetterQueue: false });
      q.grantConsumeMessages(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
      q.allowServiceSend("sns.amazonaws.com", `arn:aws:sns:eu-west-1:${ACCOUNT}:t`);
    });
    expect(out.only("aws_sqs_queue").kms_master_key_id).toBe(KEY_ARN);
    expect(roleStatements(out, "Fn")[1]).toEqual({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN });
    expect(warnings(q).join("\n")).toMatch(/key policy must allow sns\.amazonaws\.com kms:GenerateDataKey\* and kms:Decrypt/);
  });

  it("FIFO: names end in .fifo (≤ 80 characters, long names hashed), the DLQ is FIFO too", () => {
    const out = synthStack((s) => new Queue(s, "Orders", { name: "orders", fifo: true, contentBasedDeduplication: true }));
    const all = queues(out);
    expect(Object.keys(all).sort()).toEqual(["test-dev-orders-dlq.fifo", "test-dev-orders.fifo"]);
    for (const q of Object.values(all)) {
      expect(q.fifo_queue).toBe(true);
      expect(q.content_based_deduplication).toBe(true);
    }
    const long = synthStack((s) => new Queue(s, "Long", { name: "x".repeat(80), fifo: true }));
    for (const name of Object.keys(queues(long))) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^test-dev-x+-[0-9a-f]{8}\.fifo$/);
    }
    expect(new Set(Object.keys(queues(long))).size).toBe(2);
  });

  it("applies prevent_destroy to the queue and its own DLQ", () => {
    const out = synthStack((s) => new Queue(s, "Events", { name: "events", preventDestroy: true }));
    for (const q of Object.values(queues(out))) expect(q.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("works as a Lambda SQS event source and refuses a visibility timeout below 6 × the function timeout", () => {
    const out = synthStack((s) => {
      const q = new Queue(s, "Work", { name: "work" });
      new LambdaFunction(s, "Worker", { name: "worker", entry: ENTRY, timeoutSeconds: 10 }).addSqsEventSource(q);
    });
    const mapping = out.only("aws_lambda_event_source_mapping");
    expect(mapping.event_source_arn).toBe(ref(out, "aws_sqs_queue", (k) => !k.includes("DeadLetterQueue"), "arn"));
    expect(mapping.function_response_types).toEqual(["ReportBatchItemFailures"]);
    expect(asArray(roleStatements(out, "Worker")[0].Action)).toEqual([...QUEUE_CONSUME_ACTIONS]);

    expect(() =>
      synthStack((s) => {
        const q = new Queue(s, "Work", { name: "work" });
        new LambdaFunction(s, "Worker", { name: "worker", entry: ENTRY, timeoutSeconds: 30 }).addSqsEventSource(q);
      }),
    ).toThrow(/visibilityTimeoutSeconds is 60 s but consuming function "test\/Worker" has a 30 s timeout[\s\S]*Fix: set the queue's visibilityTimeoutSeconds to 180 or more/);
    expect(() =>
      synthStack((s) => {
        const q = new Queue(s, "Work", { name: "work", visibilityTimeoutSeconds: 180 });
        new LambdaFunction(s, "Worker", { name: "worker", entry: ENTRY, timeoutSeconds: 30 }).addSqsEventSource(q);
      }),
    ).not.toThrow();
  });

  it("allowServiceSend allows sqs:SendMessage for one service per source ARN (ArnEquals, ArnLike with wildcards) and on the CMK", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "queues", accountId: ACCOUNT });
      const q = new Queue(s, "Events", { name: "events", encryptionKey: key, deadLetterQueue: false });
      expect(q.allowServiceSend("events.amazonaws.com", `arn:aws:events:eu-west-1:${ACCOUNT}:rule/a`)).toBe(true);
      q.allowServiceSend("events.amazonaws.com", `arn:aws:events:eu-west-1:${ACCOUNT}:rule/b`);
      q.allowServiceSend("s3.amazonaws.com", "arn:aws:s3:::uploads-*");
    });
    const arn = out.ref("aws_sqs_queue", "arn");
    const doc = queuePolicy(out, "Events_Policy");
    expect(doc.Statement.slice(1)).toEqual([
      {
        Sid: "AllowEventsSendMessage",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: arn,
        Condition: { ArnEquals: { "aws:SourceArn": [`arn:aws:events:eu-west-1:${ACCOUNT}:rule/a`, `arn:aws:events:eu-west-1:${ACCOUNT}:rule/b`] } },
      },
      {
        Sid: "AllowS3SendMessage",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: arn,
        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::uploads-*" } },
      },
    ]);
    const keyPolicy = out.policies().find((p) => p.address.startsWith("aws_kms_key"))!.document;
    const events = keyPolicy.Statement.find((st: any) => st.Principal?.Service === "events.amazonaws.com");
    expect(events.Condition.ArnLike["aws:SourceArn"]).toEqual([`arn:aws:events:eu-west-1:${ACCOUNT}:rule/a`, `arn:aws:events:eu-west-1:${ACCOUNT}:rule/b`]);
    expect(() => synthStack((s) => new Queue(s, "Q", { name: "q" }).allowServiceSend("sns", "arn:aws:sns:eu-west-1:123456789012:t"))).toThrow(
      /Queue.allowServiceSend "test\/Q"[\s\S]*servicePrincipal: received "sns"/,
    );
  });

  it("allowServiceSend with sourceAccount adds aws:SourceAccount (StringEquals), one statement per service and account, senders without one unchanged", () => {
    const other = "210987654321";
    const out = synthStack((s) => {
      const q = new Queue(s, "Events", { name: "events", deadLetterQueue: false });
      q.allowServiceSend("s3.amazonaws.com", "arn:aws:s3:::a-bucket", { sourceAccount: ACCOUNT });
      q.allowServiceSend("s3.amazonaws.com", "arn:aws:s3:::b-bucket", { sourceAccount: ACCOUNT });
      q.allowServiceSend("s3.amazonaws.com", "arn:aws:s3:::c-bucket", { sourceAccount: other });
      q.allowServiceSend("sns.amazonaws.com", `arn:aws:sns:eu-west-1:${ACCOUNT}:t`);
    });
    const arn = out.ref("aws_sqs_queue", "arn");
    const send = { Effect: "Allow", Action: "sqs:SendMessage", Resource: arn };
    expect(queuePolicy(out, "Events_Policy").Statement.slice(1)).toEqual([
      {
        Sid: "AllowS3SendMessage",
        ...send,
        Principal: { Service: "s3.amazonaws.com" },
        Condition: { ArnEquals: { "aws:SourceArn": ["arn:aws:s3:::a-bucket", "arn:aws:s3:::b-bucket"] }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
      },
      {
        Sid: "AllowS3SendMessage2",
        ...send,
        Principal: { Service: "s3.amazonaws.com" },
        Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::c-bucket" }, StringEquals: { "aws:SourceAccount": other } },
      },
      { Sid: "AllowSnsSendMessage", ...send, Principal: { Service: "sns.amazonaws.com" }, Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:eu-west-1:${ACCOUNT}:t` } } },
    ]);
    expect(() => synthStack((s) => new Queue(s, "Q", { name: "q" }).allowServiceSend("s3.amazonaws.com", "arn:aws:s3:::b", { sourceAccount: "12345" }))).toThrow(
      /Queue.allowServiceSend "test\/Q"[\s\S]*sourceAccount: received "12345"; allowed: a 12-digit AWS account id/,
    );
  });

  it("exposes its queue policy as policyResource (what senders depend on); an imported queue has none", () => {
    synthStack((s) => {
      const q = new Queue(s, "Events", { name: "events", deadLetterQueue: false });
      expect(q.policyResource).toBe(q.policy);
      expect(Queue.fromArn(s, "Shared", `arn:aws:sqs:eu-west-1:${ACCOUNT}:shared`).policyResource).toBeUndefined();
    });
  });

  it("addToResourcePolicy adds principal statements on this queue; wildcard actions and an unconditioned '*' Allow are refused", () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/reader`;
    const out = synthStack((s) => {
      const q = new Queue(s, "Events", { name: "events", deadLetterQueue: false });
      q.addToResourcePolicy({ sid: "Reader", principals: { AWS: role }, actions: ["sqs:ReceiveMessage"] });
      q.addToResourcePolicy({ sid: "Reader", principals: { AWS: role }, actions: ["sqs:ReceiveMessage"] });
    });
    const doc = queuePolicy(out, "Events_Policy");
    expect(doc.Statement).toHaveLength(2);
    expect(doc.Statement[1]).toEqual({ Sid: "Reader", Effect: "Allow", Principal: { AWS: role }, Action: "sqs:ReceiveMessage", Resource: out.ref("aws_sqs_queue", "arn") });
    expect(() => synthStack((s) => new Queue(s, "Q", { name: "q" }).addToResourcePolicy({ principals: { AWS: role }, actions: ["sqs:*"] }))).toThrow(/is a wildcard/);
    expect(() => synthStack((s) => new Queue(s, "Q", { name: "q" }).addToResourcePolicy({ principals: "*", actions: ["sqs:SendMessage"] }))).toThrow(
      /principal "\*" without conditions[\s\S]*Fix:/,
    );
  });

  it("fromArn imports a queue: name, URL and FIFO from the ARN, grants on that ARN, key grants when a key is named", () => {
    const arn = `arn:aws:sqs:eu-west-1:${ACCOUNT}:shared-events.fifo`;
    const out = synthStack((s) => {
      const q = Queue.fromArn(s, "Shared", arn, { visibilityTimeoutSeconds: 120, kmsMasterKeyId: KEY_ARN });
      expect(q.name).toBe("shared-events.fifo");
      expect(q.url).toBe(`https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/shared-events.fifo`);
      expect(q.fifo).toBe(true);
      expect(q.visibilityTimeoutSeconds).toBe(120);
      expect(q.allowServiceSend("sns.amazonaws.com", "arn:aws:sns:eu-west-1:123456789012:t")).toBe(false);
      q.connect(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }), "send");
    });
    expect(roleStatements(out, "Fn")).toEqual([
      { Effect: "Allow", Action: [...QUEUE_SEND_ACTIONS], Resource: arn },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: KEY_ARN },
    ]);
    expect(out.only("aws_lambda_function").environment.variables.SHARED_QUEUE_URL).toBe(`https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/shared-events.fifo`);
    expect(out.resources("aws_sqs_queue")).toEqual({});
    expect(() => synthStack((s) => Queue.fromArn(s, "Bad", "arn:aws:sns:eu-west-1:123456789012:t"))).toThrow(/is not an sqs ARN/);
    expect(() => synthStack((s) => Queue.fromArn(s, "Bad", "arn:aws:sqs:eu-west-1::q"))).toThrow(/is not a queue ARN/);
  });

  it("is valid Terraform: init + validate + offline plan of a queue with a CMK, its DLQ and a service allowance", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "queue-tf", { app: "test", env: "dev", region: "eu-west-1", tags: {}, offline: true });
    expect(OFFLINE_CREDENTIALS.accessKey).toMatch(/^AKIA/);
    const key = new Key(stack, "Key", { name: "queues", accountId: ACCOUNT });
    const q = new Queue(stack, "Events", { name: "events", encryptionKey: key });
    q.allowServiceSend("events.amazonaws.com", `arn:aws:events:eu-west-1:${ACCOUNT}:rule/*`);
    new Queue(stack, "Orders", { name: "orders", fifo: true, contentBasedDeduplication: true });
    const dir = mkdtempSync(join(tmpdir(), "queue-tf-"));
    try {
      writeFileSync(join(dir, "cdk.tf.json"), Testing.synth(stack));
      const result = await validateAndPlan(dir);
      expect(result.validate.diagnostics).toEqual([]);
      expect(result.validate.valid).toBe(true);
      const types = (result.plan.resource_changes as any[]).map((rc) => rc.type).sort();
      expect(types.filter((t) => t === "aws_sqs_queue")).toHaveLength(4);
      expect(types.filter((t) => t === "aws_sqs_queue_policy")).toHaveLength(4);
      expect(types.filter((t) => t === "aws_sqs_queue_redrive_allow_policy")).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
