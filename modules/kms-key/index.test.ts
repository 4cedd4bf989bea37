import { TerraformOutput, Token } from "cdktf";
import { IGrantable, PolicyStatement } from "../core/iam";
import { scope, synthStack } from "../../test/support/synth";
import { Key, KeyProps } from "./index";

const ACCOUNT = "123456789012";

/** A grantee that records what it is granted. */
class FakeGrantee implements IGrantable {
  public readonly grantPrincipalPath = "test/Fake";
  public readonly statements: PolicyStatement[] = [];
  public addToPrincipalPolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }
}

function keyPolicy(out: ReturnType<typeof synthStack>): any {
  return JSON.parse(out.only("aws_kms_key").policy);
}

function statement(policy: any, sid: string): any {
  const found = policy.Statement.find((s: any) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(policy)}`);
  return found;
}

describe("Key", () => {
  it("defaults to a symmetric key with yearly rotation, a 30-day deletion window and an alias alias/<app>-<env>-<name>", () => {
    const out = synthStack((s) => new Key(s, "Key", { name: "alarms", accountId: ACCOUNT }));
    const key = out.only("aws_kms_key");
    expect(key).toMatchObject({
      key_usage: "ENCRYPT_DECRYPT",
      customer_master_key_spec: "SYMMETRIC_DEFAULT",
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      description: "alias/test-dev-alarms (test/Key)",
    });
    const alias = out.only("aws_kms_alias");
    expect(alias.name).toBe("alias/test-dev-alarms");
    expect(alias.target_key_id).toBe(out.ref("aws_kms_key", "key_id"));
  });

  it("exposes arn, keyId and aliasArn as references, and the alias name as a literal", () => {
    let key!: Key;
    const out = synthStack((s) => {
      key = new Key(s, "Key", { name: "data", accountId: ACCOUNT });
      new TerraformOutput(s, "arn", { value: key.arn });
      new TerraformOutput(s, "key_id", { value: key.keyId });
      new TerraformOutput(s, "alias_arn", { value: key.aliasArn });
    });
    expect(key.aliasName).toBe("alias/test-dev-data");
    expect(out.json.output.arn.value).toBe(out.ref("aws_kms_key", "arn"));
    expect(out.json.output.key_id.value).toBe(out.ref("aws_kms_key", "key_id"));
    expect(out.json.output.alias_arn.value).toBe(out.ref("aws_kms_alias", "arn"));
  });

  it("applies description, rotation period and deletion window from props; rotation off leaves out the period", () => {
    const out = synthStack((s) => {
      new Key(s, "A", { name: "a", accountId: ACCOUNT, description: "mine", rotationPeriodDays: 90, deletionWindowDays: 7 });
      new Key(s, "B", { name: "b", accountId: ACCOUNT, enableKeyRotation: false });
    });
    const keys = Object.values(out.resources("aws_kms_key")) as any[];
    const a = keys.find((k) => k.description === "mine");
    const b = keys.find((k) => k.description !== "mine");
    expect(a).toMatchObject({ enable_key_rotation: true, rotation_period_in_days: 90, deletion_window_in_days: 7 });
    expect(b.enable_key_rotation).toBe(false);
    expect(b.rotation_period_in_days).toBeUndefined();
  });

  describe("key policy", () => {
    it("without services holds only the account-root statement, which lets the account's IAM policies govern the key", () => {
      const out = synthStack((s) => new Key(s, "Key", { name: "k", accountId: ACCOUNT }));
      const policy = keyPolicy(out);
      expect(policy.Version).toBe("2012-10-17");
      expect(policy.Statement).toEqual([{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]);
    });

    it("lets listed service principals decrypt and generate data keys for this account only", () => {
      const out = synthStack((s) => new Key(s, "Key", { name: "k", accountId: ACCOUNT, allowServices: ["cloudwatch.amazonaws.com", "sns.amazonaws.com"] }));
      const policy = keyPolicy(out);
      expect(statement(policy, "AllowServiceCloudwatch")).toEqual({
        Sid: "AllowServiceCloudwatch",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      });
      expect(statement(policy, "AllowServiceSns").Principal).toEqual({ Service: "sns.amazonaws.com" });
      expect(policy.Statement).toHaveLength(3);
    });

    it("gives CloudWatch Logs its documented actions, scoped by the logs encryption context of the account and region", () => {
      const out = synthStack((s) => new Key(s, "Key", { name: "k", accountId: ACCOUNT, allowServices: ["logs.eu-west-1.amazonaws.com"] }));
      const st = statement(keyPolicy(out), "AllowServiceLogsEuWest1");
      expect(st.Action).toEqual(["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]);
      expect(st.Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCOUNT}:*` } });
    });

    it("scopes a CloudWatch Logs allowance to one log group through the encryption context (Logs sends no aws:SourceArn)", () => {
      const group = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/x`;
      const out = synthStack((s) => new Key(s, "Key", { name: "k", accountId: ACCOUNT }).allowServiceUse("logs.eu-west-1.amazonaws.com", { sourceArn: group }));
      const st = statement(keyPolicy(out), "AllowServiceLogsEuWest1");
      expect(st.Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": group } });
    });

    it("includes services allowed after construction (the policy renders at synth), scoped by aws:SourceArn", () => {
      const topic = `arn:aws:sns:eu-west-1:${ACCOUNT}:t`;
      const other = `arn:aws:sns:eu-west-1:${ACCOUNT}:u`;
      const out = synthStack((s) => {
        const key = new Key(s, "Key", { name: "k", accountId: ACCOUNT });
        expect(key.allowServiceUse("events.amazonaws.com", { sourceArn: topic })).toBe(true);
        key.allowServiceUse("events.amazonaws.com", { sourceArn: other });
        key.allowServiceUse("events.amazonaws.com", { sourceArn: topic });
        expect(key.allowedServices).toEqual(["events.amazonaws.com"]);
      });
      const st = statement(keyPolicy(out), "AllowServiceEvents");
      expect(st.Condition).toEqual({ StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": [topic, other] } });
    });

    it("an account-wide allowance absorbs resource-scoped ones and is idempotent", () => {
      const out = synthStack((s) => {
        const key = new Key(s, "Key", { name: "k", accountId: ACCOUNT, allowServices: ["sns.amazonaws.com"] });
        key.allowServiceUse("sns.amazonaws.com", { sourceArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:t` });
        key.allowServiceUse("sns.amazonaws.com");
      });
      const policy = keyPolicy(out);
      expect(policy.Statement).toHaveLength(2);
      expect(statement(policy, "AllowServiceSns").Condition).toEqual({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
    });

    it("refuses a service principal that is not one (an ARN, a bare service name)", () => {
      const key = new Key(scope(), "Key", { name: "k", accountId: ACCOUNT });
      expect(() => key.allowServiceUse("sns")).toThrow(/Key\.allowServiceUse "test\/Key": invalid props \(1 problem\):\n {2}- servicePrincipal: received "sns"/);
      expect(() => key.allowServiceUse("arn:aws:iam::123456789012:root")).toThrow(/servicePrincipal/);
    });
  });

  describe("grants", () => {
    it("grantEncryptDecrypt and grantDecrypt name the key's ARN and nothing else", () => {
      const producer = new FakeGrantee();
      const consumer = new FakeGrantee();
      let key!: Key;
      synthStack((s) => {
        key = new Key(s, "Key", { name: "k", accountId: ACCOUNT });
        key.grantEncryptDecrypt(producer);
        key.grantDecrypt(consumer);
      });
      expect(producer.statements).toEqual([{ actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [key.arn] }]);
      expect(consumer.statements).toEqual([{ actions: ["kms:Decrypt"], resources: [key.arn] }]);
      expect(Token.isUnresolved(key.arn)).toBe(true);
    });
  });

  describe("fromArn", () => {
    const arn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

    it("parses the key id, grants on the ARN and cannot change the key policy", () => {
      const key = Key.fromArn(scope(), "Imported", arn);
      expect(key.arn).toBe(arn);
      expect(key.keyId).toBe("1234abcd-12ab-34cd-56ef-1234567890ab");
      const g = new FakeGrantee();
      key.grantDecrypt(g);
      expect(g.statements).toEqual([{ actions: ["kms:Decrypt"], resources: [arn] }]);
      expect(key.allowServiceUse("sns.amazonaws.com")).toBe(false);
    });

    it("refuses an alias ARN and a non-KMS ARN; accepts a token", () => {
      expect(() => Key.fromArn(scope(), "Alias", `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/x`)).toThrow(/is not a key ARN \(alias\/x\).*IAM grants cannot name an alias/);
      expect(() => Key.fromArn(scope(), "Sns", `arn:aws:sns:eu-west-1:${ACCOUNT}:t`)).toThrow(/is not an kms ARN/);
      const token = Token.asString({ Ref: "k" });
      expect(Key.fromArn(scope(), "Token", token).arn).toBe(token);
    });
  });

  describe("validation", () => {
    it("collects every invalid prop into one error", () => {
      const props: KeyProps = {
        name: "bad name",
        accountId: "1234",
        deletionWindowDays: 3,
        rotationPeriodDays: 30,
        allowServices: ["arn:aws:iam::123456789012:role/x"],
      };
      expect(() => new Key(scope(), "Bad", props)).toThrow(
        /Key "test\/Bad": invalid props \(5 problems\):\n {2}- name: received "bad name"[\s\S]*accountId: received "1234"; allowed: a 12-digit AWS account id[\s\S]*deletionWindowDays: received 3[\s\S]*rotationPeriodDays: received 30[\s\S]*allowServices\[0\]: received "arn:aws:iam::123456789012:role\/x"/,
      );
    });

    it("refuses a rotation period when rotation is off", () => {
      expect(() => new Key(scope(), "K", { name: "k", accountId: ACCOUNT, enableKeyRotation: false, rotationPeriodDays: 180 })).toThrow(
        /rotationPeriodDays: received 180; allowed: unset when enableKeyRotation is false/,
      );
    });

    it("skips unresolved tokens", () => {
      expect(() => new Key(scope(), "K", { name: "k", accountId: Token.asString({ Ref: "account" }) })).not.toThrow();
    });
  });
});
