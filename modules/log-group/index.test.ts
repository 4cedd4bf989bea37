import { TerraformOutput } from "cdktf";
import { scope, synthStack, warnings } from "../../test/support/synth";
import { Key } from "../kms-key";
import { LOG_RETENTION_DAYS, LogGroup } from "./index";

describe("LogGroup", () => {
  it("defaults to a 30-day retention, the AWS-owned key and no prevent_destroy", () => {
    const out = synthStack((s) => new LogGroup(s, "Logs", { logGroupName: "/aws/lambda/test-dev-fn" }));
    const group = out.only("aws_cloudwatch_log_group");
    expect(group.name).toBe("/aws/lambda/test-dev-fn");
    expect(group.retention_in_days).toBe(30);
    expect(group.kms_key_id).toBeUndefined();
    expect(group.lifecycle).toBeUndefined();
  });

  it("applies retention, encryptionKey (kms_key_id = the key's ARN) and prevent_destroy from props", () => {
    let g!: LogGroup;
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "logs", accountId: "123456789012", allowServices: ["logs.eu-west-1.amazonaws.com"] });
      g = new LogGroup(s, "Logs", { logGroupName: "/aws/apigateway/x/access", retentionDays: 365, encryptionKey: key, preventDestroy: true });
      expect(g.encryptionKey).toBe(key);
    });
    const group = out.only("aws_cloudwatch_log_group");
    expect(group.retention_in_days).toBe(365);
    expect(group.kms_key_id).toBe(out.ref("aws_kms_key", "arn"));
    expect(group.lifecycle).toEqual({ prevent_destroy: true });
    expect(warnings(g)).toEqual([]);
  });

  it("still accepts the deprecated kmsKeyArn with a warning naming encryptionKey, and refuses it together with encryptionKey", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let g!: LogGroup;
    const out = synthStack((s) => {
      g = new LogGroup(s, "Logs", { logGroupName: "/aws/apigateway/x/access", kmsKeyArn: key });
    });
    expect(out.only("aws_cloudwatch_log_group").kms_key_id).toBe(key);
    expect(g.encryptionKey?.arn).toBe(key);
    const warned = warnings(g);
    expect(warned).toEqual([expect.stringMatching(/^LogGroup "test\/Logs": kmsKeyArn is deprecated\. Fix: pass encryptionKey instead/)]);
    expect(() => synthStack((s) => new LogGroup(s, "Bad", { logGroupName: "/x", encryptionKey: Key.fromArn(s, "K", key), kmsKeyArn: key }))).toThrow(
      /LogGroup "test\/Bad": invalid props[\s\S]*kmsKeyArn: .*allowed: unset when encryptionKey is set/,
    );
    expect(() => new LogGroup(scope(), "Alias", { logGroupName: "/x", kmsKeyArn: "alias/logs" })).toThrow(/kmsKeyArn: received "alias\/logs"/);
  });

  it("exposes name and arn as references to the log group", () => {
    const out = synthStack((s) => {
      const g = new LogGroup(s, "Logs", { logGroupName: "/app/x" });
      new TerraformOutput(s, "name", { value: g.name });
      new TerraformOutput(s, "arn", { value: g.arn });
    });
    expect(out.json.output.name.value).toBe(out.ref("aws_cloudwatch_log_group", "name"));
    expect(out.json.output.arn.value).toBe(out.ref("aws_cloudwatch_log_group", "arn"));
  });

  it("accepts every retention CloudWatch Logs supports", () => {
    for (const days of LOG_RETENTION_DAYS) {
      expect(() => new LogGroup(scope(), "Logs", { logGroupName: "/x", retentionDays: days })).not.toThrow();
    }
  });

  it("refuses an unsupported retention and a bad name in one error", () => {
    expect(() => new LogGroup(scope(), "Bad", { logGroupName: "has spaces", retentionDays: 10 })).toThrow(
      /LogGroup "test\/Bad": invalid props \(2 problems\):\n {2}- retentionDays: received 10; allowed: one of 1, 3, 5, [\s\S]*pick a retention CloudWatch Logs supports[\s\S]*\n {2}- logGroupName: received "has spaces"/,
    );
    expect(() => new LogGroup(scope(), "Empty", { logGroupName: "" })).toThrow(/logGroupName: received ""/);
    expect(() => new LogGroup(scope(), "Long", { logGroupName: `/${"a".repeat(512)}` })).toThrow(/logGroupName/);
  });
});
