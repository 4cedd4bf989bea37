// Resource policies (queues, topics, the files bucket, keys) evaluated with their principals: only the intended service, from the
// intended source ARN and account, gets in.
import { resourcesOf, synthApp } from "../support/app-synth";
import { arnOfResource, decide, resolveDocument } from "./simulate";

const synth = synthApp({ offline: true });
const ENVS = ["dev", "staging", "prod"] as const;

function setup(env: string) {
  const s = synth.stack(`platform-${env}`);
  const config = synth.built.environments.find((e) => e.name === env)!;
  const account = config.allowedAccountIds[0];
  const named = (n: string) => (r: any) => r.name === `platform-${env}-${n}`;
  const queuePolicy = (queue: string): any => {
    const id = Object.entries<any>(s.resource.aws_sqs_queue).find(([, r]) => r.name === `platform-${env}-${queue}`)![0];
    return resolveDocument(
      s,
      config,
      resourcesOf(s, "aws_sqs_queue_policy").find((p) => p.queue_url === `\${aws_sqs_queue.${id}.id}` || p.queue_url === `\${aws_sqs_queue.${id}.url}`).policy,
    );
  };
  const topicPolicy = (topic: string): any => {
    const id = Object.entries<any>(s.resource.aws_sns_topic).find(([, r]) => r.name === `platform-${env}-${topic}`)![0];
    return resolveDocument(s, config, resourcesOf(s, "aws_sns_topic_policy").find((p) => p.arn === `\${aws_sns_topic.${id}.arn}`).policy);
  };
  const bucketId = Object.entries<any>(s.resource.aws_s3_bucket).find(([, r]) => r.bucket === `platform-${env}-files`)![0];
  const bucketPolicy = resolveDocument(
    s,
    config,
    resourcesOf(s, "aws_s3_bucket_policy").find((p) => p.bucket === `\${aws_s3_bucket.${bucketId}.id}` || p.bucket === `\${aws_s3_bucket.${bucketId}.bucket}`).policy,
  );
  const keys = resourcesOf(s, "aws_kms_key");
  return {
    account,
    region: config.region,
    bucketPolicy,
    alarmKey: { arn: arnOfResource(s, config, "aws_kms_key", (r) => r === keys[0]), policy: resolveDocument(s, config, keys[0].policy), count: keys.length },
    fileEvents: { arn: arnOfResource(s, config, "aws_sqs_queue", named("file-events")), policy: queuePolicy("file-events") },
    ingest: { arn: arnOfResource(s, config, "aws_sqs_queue", named("analytics-ingest")), policy: queuePolicy("analytics-ingest") },
    alarms: { arn: arnOfResource(s, config, "aws_sns_topic", named("monitoring-alarms")), policy: topicPolicy("monitoring-alarms") },
    bucket: arnOfResource(s, config, "aws_s3_bucket", (r) => r.bucket === `platform-${env}-files`),
    topic: arnOfResource(s, config, "aws_sns_topic", named("user-data-change")),
  };
}

const envs = Object.fromEntries(ENVS.map((e) => [e, setup(e)]));

describe.each(ENVS)("%s resource policies, evaluated with their principals", (env) => {
  const e = envs[env];
  const send = (policy: any, resource: string, principal: string, context: Record<string, string>) =>
    decide({ resourcePolicy: policy }, { principal, action: "sqs:SendMessage", resource, resourceAccount: e.account, context });

  it("file-events queue: s3.amazonaws.com from the files bucket of the account may SendMessage", async () => {
    expect(await send(e.fileEvents.policy, e.fileEvents.arn, "s3.amazonaws.com", { "aws:SourceArn": e.bucket, "aws:SourceAccount": e.account })).toBe("Allowed");
  });
  it("file-events queue: another bucket, another account or another service is denied", async () => {
    expect(
      await send(e.fileEvents.policy, e.fileEvents.arn, "s3.amazonaws.com", { "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket", "aws:SourceAccount": e.account }),
    ).not.toBe("Allowed");
    expect(await send(e.fileEvents.policy, e.fileEvents.arn, "s3.amazonaws.com", { "aws:SourceArn": e.bucket, "aws:SourceAccount": "999999999999" })).not.toBe("Allowed");
    expect(await send(e.fileEvents.policy, e.fileEvents.arn, "sns.amazonaws.com", { "aws:SourceArn": e.bucket, "aws:SourceAccount": e.account })).not.toBe("Allowed");
    expect(await send(e.fileEvents.policy, e.fileEvents.arn, "arn:aws:iam::999999999999:root", {})).not.toBe("Allowed");
  });
  it("file-events queue: a request without TLS is explicitly denied, even from the intended source", async () => {
    expect(
      await send(e.fileEvents.policy, e.fileEvents.arn, "s3.amazonaws.com", { "aws:SourceArn": e.bucket, "aws:SourceAccount": e.account, "aws:SecureTransport": "false" }),
    ).toBe("ExplicitlyDenied");
  });
  it("analytics-ingest queue: sns.amazonaws.com from user-data-change only", async () => {
    expect(await send(e.ingest.policy, e.ingest.arn, "sns.amazonaws.com", { "aws:SourceArn": e.topic })).toBe("Allowed");
    expect(await send(e.ingest.policy, e.ingest.arn, "sns.amazonaws.com", { "aws:SourceArn": e.alarms.arn })).not.toBe("Allowed");
    expect(await send(e.ingest.policy, e.ingest.arn, "s3.amazonaws.com", { "aws:SourceArn": e.topic })).not.toBe("Allowed");
  });
  it("files bucket: the account's own roles read objects over TLS; without TLS every principal is explicitly denied", async () => {
    const object = `${e.bucket}/uploads/u/01J00000000000000000000000/a.txt`;
    const reader = `arn:aws:iam::${e.account}:role/platform-${env}-files-api`;
    const identity = [{ name: "read", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `${e.bucket}/uploads/*` }] } }];
    const get = (principal: string, context: Record<string, string>, withIdentity = true) =>
      decide(
        { resourcePolicy: e.bucketPolicy, identity: withIdentity ? identity : [] },
        { principal, action: "s3:GetObject", resource: object, resourceAccount: e.account, context },
      );
    expect(await get(reader, {})).toBe("Allowed");
    expect(await get(reader, { "aws:SecureTransport": "false" })).toBe("ExplicitlyDenied");
    // the bucket policy grants nobody anything: another account's principal (even with its own Allow) stays out
    expect(await get("arn:aws:iam::999999999999:role/intruder", {})).not.toBe("Allowed");
    expect(await get(reader, {}, false)).not.toBe("Allowed");
  });
  it("alarm key: cloudwatch.amazonaws.com may use it for the account only; the account's IAM policies decide for its roles", async () => {
    expect(e.alarmKey.count).toBe(1);
    const use = (principal: string, action: string, context: Record<string, string>) =>
      decide({ resourcePolicy: e.alarmKey.policy }, { principal, action, resource: e.alarmKey.arn, resourceAccount: e.account, context });
    expect(await use("cloudwatch.amazonaws.com", "kms:GenerateDataKey", { "aws:SourceAccount": e.account })).toBe("Allowed");
    expect(await use("cloudwatch.amazonaws.com", "kms:Decrypt", { "aws:SourceAccount": e.account })).toBe("Allowed");
    expect(await use("cloudwatch.amazonaws.com", "kms:GenerateDataKey", { "aws:SourceAccount": "999999999999" })).not.toBe("Allowed");
    expect(await use("cloudwatch.amazonaws.com", "kms:ScheduleKeyDeletion", { "aws:SourceAccount": e.account })).not.toBe("Allowed");
    expect(await use("events.amazonaws.com", "kms:GenerateDataKey", { "aws:SourceAccount": e.account })).not.toBe("Allowed");
    expect(await use("arn:aws:iam::999999999999:root", "kms:Decrypt", {})).not.toBe("Allowed");
  });
  it("alarm topic: cloudwatch.amazonaws.com from the account's alarms only", async () => {
    const publish = (principal: string, context: Record<string, string>) =>
      decide({ resourcePolicy: e.alarms.policy }, { principal, action: "sns:Publish", resource: e.alarms.arn, resourceAccount: e.account, context });
    const alarm = `arn:aws:cloudwatch:${e.region}:${e.account}:alarm:platform-${env}-x`;
    expect(await publish("cloudwatch.amazonaws.com", { "aws:SourceArn": alarm, "aws:SourceAccount": e.account })).toBe("Allowed");
    expect(await publish("cloudwatch.amazonaws.com", { "aws:SourceArn": alarm.replace(e.account, "999999999999"), "aws:SourceAccount": "999999999999" })).not.toBe("Allowed");
    expect(await publish("events.amazonaws.com", { "aws:SourceArn": alarm, "aws:SourceAccount": e.account })).not.toBe("Allowed");
  });
});
