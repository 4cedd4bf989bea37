import { TerraformStack } from "cdktf";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { asArray, roleStatements, synthStack } from "../../test/support/synth";
import { AuroraServerless } from "../aurora-serverless";
import { Bucket } from "../bucket";
import { Grant } from "../core/grant";
import { DataLake } from "../data-lake";
import { Key } from "../kms-key";
import { LogGroup } from "../log-group";
import { Queue } from "../queue";
import { StateMachine } from "../state-machine";
import { Stream } from "../stream";
import { Table } from "../table";
import { Topic } from "../topic";
import { UserPool } from "../user-pool";
import { LambdaFunction } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const ARN = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT}:${resource}`;
const KEY_ARN = ARN("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");

type GrantCase = [string, (stack: TerraformStack, fn: LambdaFunction) => Grant];

const key = (stack: TerraformStack) => Key.fromArn(stack, "Key", KEY_ARN);

/** Every grant method (and every `connect`, which returns its grant) of every block, on a customer-managed key where the block takes one. */
const CASES: GrantCase[] = [
  ["Key.grantEncryptDecrypt", (s, fn) => key(s).grantEncryptDecrypt(fn)],
  ["Key.grantDecrypt", (s, fn) => key(s).grantDecrypt(fn)],
  ...(["grantRead", "grantWrite", "grantReadWrite", "grantStreamRead"] as const).map((m): GrantCase => [
    `Table.${m}`,
    (s, fn) => Table.fromArn(s, "T", ARN("dynamodb", "table/profiles"), { encryptionKey: key(s), streamArn: ARN("dynamodb", "table/profiles/stream/2024") })[m](fn),
  ]),
  ["Table.connect", (s, fn) => Table.fromArn(s, "T", ARN("dynamodb", "table/profiles"), { encryptionKey: key(s) }).connect(fn, "readWrite")],
  ...(["grantConsumeMessages", "grantSendMessages", "grantSendFailure"] as const).map((m): GrantCase => [
    `Queue.${m}`,
    (s, fn) => Queue.fromArn(s, "Q", ARN("sqs", "jobs"), { encryptionKey: key(s) })[m](fn),
  ]),
  ["Queue.connect", (s, fn) => Queue.fromArn(s, "Q", ARN("sqs", "jobs"), { encryptionKey: key(s) }).connect(fn, "consume")],
  ["Topic.grantPublish", (s, fn) => Topic.fromArn(s, "T", ARN("sns", "events"), { encryptionKey: key(s) }).grantPublish(fn)],
  ["Topic.grantSendFailure", (s, fn) => Topic.fromArn(s, "T", ARN("sns", "events"), { encryptionKey: key(s) }).grantSendFailure(fn)],
  ["Topic.connect", (s, fn) => Topic.fromArn(s, "T", ARN("sns", "events"), { encryptionKey: key(s) }).connect(fn)],
  ...(["grantRead", "grantWrite", "grantReadWrite"] as const).map((m): GrantCase => [
    `Stream.${m}`,
    (s, fn) => Stream.fromArn(s, "S", ARN("kinesis", "stream/activity"), { encryptionKey: key(s) })[m](fn),
  ]),
  ["Stream.connect", (s, fn) => Stream.fromArn(s, "S", ARN("kinesis", "stream/activity"), { encryptionKey: key(s) }).connect(fn, "write")],
  ["LambdaFunction.grantInvoke", (s, fn) => LambdaFunction.fromArn(s, "Other", ARN("lambda", "function:other")).grantInvoke(fn)],
  ["LogGroup.grantWrite", (s, fn) => LogGroup.fromArn(s, "L", ARN("logs", "log-group:/custom/app")).grantWrite(fn)],
  ["UserPool.grantReadUsers", (s, fn) => UserPool.fromArn(s, "P", ARN("cognito-idp", "userpool/eu-west-1_AbC123")).grantReadUsers(fn)],
  ["UserPool.grantManageGroupMembership", (s, fn) => UserPool.fromArn(s, "P", ARN("cognito-idp", "userpool/eu-west-1_AbC123")).grantManageGroupMembership(fn)],
  [
    "AuroraServerless.grantDataApi",
    (s, fn) =>
      AuroraServerless.fromAttributes(s, "Db", {
        clusterArn: ARN("rds", "cluster:analytics"),
        secretArn: ARN("secretsmanager", "secret:db-AbCdEf"),
        databaseName: "analytics",
        secretEncryptionKey: key(s),
      }).grantDataApi(fn),
  ],
  ...(["grantRead", "grantPut", "grantReadWrite", "grantDelete"] as const).map((m): GrantCase => [
    `Bucket.${m}`,
    (s, fn) => Bucket.fromArn(s, "B", "arn:aws:s3:::uploads", { encryptionKey: key(s) })[m](fn, "uploads/*"),
  ]),
  ["Bucket.connect", (s, fn) => Bucket.fromArn(s, "B", "arn:aws:s3:::uploads", { encryptionKey: key(s) }).connect(fn, "full")],
  ["StateMachine.grantStartExecution", (s, fn) => StateMachine.fromArn(s, "Sm", ARN("states", "stateMachine:delete-user")).grantStartExecution(fn)],
  ["StateMachine.grantRead", (s, fn) => StateMachine.fromArn(s, "Sm", ARN("states", "stateMachine:delete-user")).grantRead(fn)],
  ["StateMachine.connect", (s, fn) => StateMachine.fromArn(s, "Sm", ARN("states", "stateMachine:delete-user")).connect(fn)],
  [
    "DataLake.grantQuery",
    (s, fn) =>
      DataLake.fromAttributes(s, "Lake", {
        workgroupName: "wg",
        databaseName: "db",
        tableName: "events",
        bucket: Bucket.fromArn(s, "LakeBucket", "arn:aws:s3:::lake", { encryptionKey: key(s) }),
        prefix: "events/",
        resultsBucket: Bucket.fromArn(s, "Results", "arn:aws:s3:::results"),
        resultsPrefix: "results/",
        region: "eu-west-1",
        accountId: ACCOUNT,
      }).grantQuery(fn),
  ],
];

describe("every grant returns a Grant that matches what lands in the grantee's policy", () => {
  it.each(CASES)("%s: the grant's actions and resources are exactly the role policy's, and dependsOn [grant] waits for that policy", (_name, make) => {
    let grant!: Grant;
    const out = synthStack((stack) => {
      const fn = new LambdaFunction(stack, "Fn", { name: "fn", entry: ENTRY });
      grant = make(stack, fn);
      expect(grant.grantee).toBe(fn);
      new SqsQueue(stack, "NeedsTheGrant", { name: "after", dependsOn: [grant] });
    });
    const statements = roleStatements(out, "Fn");
    const sorted = (xs: string[]) => [...new Set(xs)].sort();
    expect(sorted(grant.actions)).toEqual(sorted(statements.flatMap((s) => asArray<string>(s.Action))));
    expect(sorted(grant.resourceArns)).toEqual(sorted(statements.flatMap((s) => asArray<string>(s.Resource))));
    const policyAddress = out.policies().find((p) => p.address.startsWith("aws_iam_role_policy.") && p.address.includes("Fn"))!.address;
    expect(out.only("aws_sqs_queue").depends_on).toEqual([policyAddress]);
  });
});
