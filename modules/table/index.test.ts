import { Token } from "cdktf";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { asArray, synthStack, warnings } from "../../test/support/synth";
import { Table } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("Table", () => {
  it("defaults to on-demand, KMS encryption, PITR and deletion protection, named <app>-<env>-<name>", () => {
    const out = synthStack((s) => new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" } }));
    const t = out.only("aws_dynamodb_table");
    expect(t.name).toBe("test-dev-profiles");
    expect(t.billing_mode).toBe("PAY_PER_REQUEST");
    expect(t.server_side_encryption).toEqual({ enabled: true });
    expect(t.point_in_time_recovery).toEqual({ enabled: true });
    expect(t.deletion_protection_enabled).toBe(true);
    expect(t.stream_enabled).toBe(false);
    expect(t.lifecycle).toBeUndefined();
  });

  it("declares each key attribute once, including GSI keys, and enables TTL, stream and prevent_destroy", () => {
    const out = synthStack(
      (s) =>
        new Table(s, "T", {
          name: "t",
          partitionKey: { name: "pk", type: "S" },
          sortKey: { name: "sk", type: "S" },
          globalSecondaryIndexes: [{ name: "byEmail", partitionKey: { name: "email", type: "S" }, sortKey: { name: "sk", type: "S" }, projection: { include: ["displayName"] } }],
          stream: "NEW_AND_OLD_IMAGES",
          ttlAttribute: "expiresAt",
          preventDestroy: true,
        }),
    );
    const t = out.only("aws_dynamodb_table");
    expect(t.attribute).toEqual([
      { name: "pk", type: "S" },
      { name: "sk", type: "S" },
      { name: "email", type: "S" },
    ]);
    expect(t.global_secondary_index[0]).toMatchObject({ name: "byEmail", hash_key: "email", range_key: "sk", projection_type: "INCLUDE", non_key_attributes: ["displayName"] });
    expect(t.stream_enabled).toBe(true);
    expect(t.stream_view_type).toBe("NEW_AND_OLD_IMAGES");
    expect(t.ttl).toEqual({ enabled: true, attribute_name: "expiresAt" });
    expect(t.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("collects every invalid prop into one error naming module, prop and fix", () => {
    expect(() =>
      synthStack(
        (s) =>
          new Table(s, "Bad", {
            name: "bad name!",
            partitionKey: { name: "pk", type: "X" as any },
            sortKey: { name: "pk", type: "S" },
          }),
      ),
    ).toThrow(/Table "test\/Bad": invalid props \(3 problems\)[\s\S]*name: received "bad name!"[\s\S]*partitionKey.type[\s\S]*sortKey.name[\s\S]*Fix:/);
  });

  it("rejects a GSI key declared with a different type than the table key", () => {
    expect(() =>
      synthStack(
        (s) => new Table(s, "T", { name: "t", partitionKey: { name: "pk", type: "S" }, globalSecondaryIndexes: [{ name: "gsi1", partitionKey: { name: "pk", type: "N" } }] }),
      ),
    ).toThrow(/globalSecondaryIndexes\[0\] key pk: received "N"; allowed: type S/);
  });

  it("grantRead scopes read actions to the table and its indexes; grantWrite to the table only", () => {
    const out = synthStack((s) => {
      const t = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" } });
      const r = new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY });
      const w = new LambdaFunction(s, "Writer", { name: "writer", entry: ENTRY });
      t.grantRead(r);
      t.grantWrite(w);
    });
    const table = out.ref("aws_dynamodb_table", "arn");
    const docs = out.policies().filter((p) => p.address.startsWith("aws_iam_role_policy"));
    const reader = docs.find((d) => d.address.includes("Reader"))!.document.Statement.find((s: any) => asArray(s.Action).includes("dynamodb:GetItem"));
    expect(asArray(reader.Action)).not.toContain("dynamodb:PutItem");
    expect(asArray(reader.Resource)).toEqual([table, `${table}/index/*`]);
    const writer = docs.find((d) => d.address.includes("Writer"))!.document.Statement.find((s: any) => asArray(s.Action).includes("dynamodb:PutItem"));
    expect(asArray(writer.Action)).not.toContain("dynamodb:Scan");
    expect(asArray(writer.Resource)).toEqual([table]);
  });

  it("connect grants read/write and sets <ID>_TABLE_NAME on the function", () => {
    const out = synthStack((s) => {
      const t = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" } });
      const fn = new LambdaFunction(s, "Api", { name: "api", entry: ENTRY });
      t.connect(fn, "readWrite");
    });
    const fn = out.only("aws_lambda_function");
    expect(fn.environment.variables.PROFILES_TABLE_NAME).toBe(out.ref("aws_dynamodb_table", "name"));
  });

  it("grantStreamRead scopes stream actions to the table's streams and throws without a stream", () => {
    const out = synthStack((s) => {
      const t = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" });
      const fn = new LambdaFunction(s, "Consumer", { name: "consumer", entry: ENTRY });
      fn.addDynamoDbStreamEventSource(t);
    });
    const st = out
      .policies()
      .find((p) => p.address.includes("Consumer"))!
      .document.Statement.find((s: any) => asArray(s.Action).includes("dynamodb:GetRecords"));
    expect(st.Resource).toBe(`${out.ref("aws_dynamodb_table", "arn")}/stream/*`);
    expect(() =>
      synthStack((s) => {
        const t = new Table(s, "NoStream", { name: "n", partitionKey: { name: "pk", type: "S" } });
        new LambdaFunction(s, "C", { name: "c", entry: ENTRY }).addDynamoDbStreamEventSource(t);
      }),
    ).toThrow(/has no stream\. Fix: set stream/);
  });

  it("fromArn imports a table by ARN and rejects an ARN of another service", () => {
    const out = synthStack((s) => {
      const t = Table.fromArn(s, "Ext", "arn:aws:dynamodb:eu-west-1:123456789012:table/shared-users");
      expect(t.name).toBe("shared-users");
      t.grantRead(new LambdaFunction(s, "R", { name: "r", entry: ENTRY }));
    });
    expect(JSON.stringify(out.policies())).toContain("arn:aws:dynamodb:eu-west-1:123456789012:table/shared-users/index/*");
    expect(() => synthStack((s) => Table.fromArn(s, "Bad", "arn:aws:s3:::bucket"))).toThrow(/is not an dynamodb ARN/);
  });
  it("fromArn of a token ARN takes the name from the options, and says how to pass it when missing; a name the ARN contradicts is refused", () => {
    const tokenArn = Token.asString({ Ref: "shared_table_arn" });
    synthStack((s) => expect(Table.fromArn(s, "Ext", tokenArn, { name: "shared-users" }).name).toBe("shared-users"));
    expect(() => synthStack((s) => Table.fromArn(s, "Ext", tokenArn))).toThrow(
      /Table\.fromArn\(scope, "Ext"\): the ARN is a token, so the name cannot be read from it\. Fix: pass it in the import options, e\.g\. Table\.fromArn\(scope, "Ext", <arn>, \{ name: "<name>" \}\)\./,
    );
    expect(() => synthStack((s) => Table.fromArn(s, "Ext", "arn:aws:dynamodb:eu-west-1:123456789012:table/a", { name: "b" }))).toThrow(
      /name "b" does not match the ARN's name "a"/,
    );
  });
  it("encrypts with encryptionKey, and grants kms:Decrypt to readers and stream consumers, Encrypt/Decrypt/GenerateDataKey to writers", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "tables", accountId: "123456789012" });
      const t = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_IMAGE", encryptionKey: key });
      expect(t.encryptionKey).toBe(key);
      t.grantRead(new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY }));
      t.grantWrite(new LambdaFunction(s, "Writer", { name: "writer", entry: ENTRY }));
      t.grantStreamRead(new LambdaFunction(s, "Consumer", { name: "consumer", entry: ENTRY }));
    });
    const keyArn = out.ref("aws_kms_key", "arn");
    expect(out.only("aws_dynamodb_table").server_side_encryption).toEqual({ enabled: true, kms_key_arn: keyArn });
    const kms = (fn: string) =>
      out
        .policies()
        .find((p) => p.address.startsWith("aws_iam_role_policy") && p.address.includes(fn))!
        .document.Statement.filter((st: any) => asArray<string>(st.Action).some((a) => a.startsWith("kms:")));
    expect(kms("Reader")).toEqual([{ Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn }]);
    expect(kms("Consumer")).toEqual([{ Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn }]);
    expect(kms("Writer")).toEqual([{ Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: keyArn }]);
  });

  it("grants no KMS action with the AWS-managed key; an imported table with encryptionKey grants on that key", () => {
    const out = synthStack((s) => {
      new Table(s, "Plain", { name: "plain", partitionKey: { name: "pk", type: "S" } }).grantReadWrite(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
      Table.fromArn(s, "Ext", "arn:aws:dynamodb:eu-west-1:123456789012:table/shared", { encryptionKey: Key.fromArn(s, "ExtKey", KEY_ARN) }).grantRead(
        new LambdaFunction(s, "ExtReader", { name: "ext-reader", entry: ENTRY }),
      );
    });
    const doc = (fn: string) => JSON.stringify(out.policies().find((p) => p.address.startsWith("aws_iam_role_policy") && p.address.includes(fn))!.document);
    expect(doc("Fn_")).not.toContain("kms:");
    expect(doc("ExtReader")).toContain(`"Action":"kms:Decrypt","Resource":"${KEY_ARN}"`);
  });

  it("still accepts the deprecated kmsKeyArn with a warning naming encryptionKey, and refuses it together with encryptionKey", () => {
    let t!: Table;
    const out = synthStack((s) => {
      t = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, kmsKeyArn: KEY_ARN });
    });
    expect(out.only("aws_dynamodb_table").server_side_encryption).toEqual({ enabled: true, kms_key_arn: KEY_ARN });
    expect(t.encryptionKey?.arn).toBe(KEY_ARN);
    const warned = warnings(t);
    expect(warned).toEqual([expect.stringMatching(/^Table "test\/Profiles": kmsKeyArn is deprecated\. Fix: pass encryptionKey instead/)]);
    expect(() =>
      synthStack((s) => new Table(s, "Bad", { name: "t", partitionKey: { name: "pk", type: "S" }, encryptionKey: Key.fromArn(s, "K", KEY_ARN), kmsKeyArn: KEY_ARN })),
    ).toThrow(/Table "test\/Bad": invalid props[\s\S]*kmsKeyArn: .*allowed: unset when encryptionKey is set\. Fix: pass the key once, as encryptionKey/);
  });
});
