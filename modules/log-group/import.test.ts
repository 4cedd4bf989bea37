import { Token } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { LogGroup } from "./index";

describe("LogGroup.fromArn", () => {
  it("reads the name (slashes included) from a literal ARN, with or without the :* suffix", () => {
    synthStack((stack) => {
      const a = LogGroup.fromArn(stack, "A", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn");
      const b = LogGroup.fromArn(stack, "B", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*");
      expect(a.name).toBe("/aws/lambda/fn");
      expect(b.name).toBe("/aws/lambda/fn");
      expect(b.arn).toBe("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn");
    });
  });

  it("takes a token ARN with an explicit name", () => {
    synthStack((stack) => expect(LogGroup.fromArn(stack, "L", Token.asString({ Ref: "lg_arn" }), { name: "/custom/app" }).name).toBe("/custom/app"));
  });

  it("refuses a token ARN without a name (the fix it names works) and an ARN that is not a log group's", () => {
    const tokenArn = () => Token.asString({ Ref: "lg_arn" });
    expect(() => synthStack((stack) => LogGroup.fromArn(stack, "L", tokenArn()))).toThrow(
      'LogGroup.fromArn(scope, "L"): the ARN is a token, so the name cannot be read from it. Fix: pass it in the import options, e.g. LogGroup.fromArn(scope, "L", <arn>, { name: "<name>" }).',
    );
    expect(() => synthStack((stack) => LogGroup.fromArn(stack, "L", tokenArn(), { name: "/custom/app" }))).not.toThrow();
    expect(() => synthStack((stack) => LogGroup.fromArn(stack, "L", "arn:aws:logs:eu-west-1:123456789012:destination:d"))).toThrow(/is not a log group ARN\. Fix:/);
  });
});
