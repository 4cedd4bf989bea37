import { TerraformOutput, TerraformVariable } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { Key } from "./index";

describe("Key.fromArn", () => {
  it("reads the key id from a literal ARN and refuses an alias ARN", () => {
    synthStack((stack) => expect(Key.fromArn(stack, "K", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab").keyId).toBe("1234abcd-12ab"));
    expect(() => synthStack((stack) => Key.fromArn(stack, "K", "arn:aws:kms:eu-west-1:123456789012:alias/x"))).toThrow(/is not a key ARN .*Fix:/);
  });

  it("takes a token ARN (no name to give): Terraform reads the key id from it at apply", () => {
    const out = synthStack((stack) => {
      const k = Key.fromArn(stack, "K", new TerraformVariable(stack, "key_arn", {}).stringValue);
      new TerraformOutput(stack, "key_id", { value: k.keyId });
    });
    expect(out.json.output.key_id.value).toBe('${element(split("/", var.key_arn), 1)}');
  });
});
