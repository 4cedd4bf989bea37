import { TerraformOutput, TerraformVariable, Token } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { LambdaFunction } from "./index";

describe("LambdaFunction.fromArn", () => {
  it("reads the name (also of a qualified ARN) and the invoke ARN's region from a literal ARN", () => {
    synthStack((stack) => {
      const fn = LambdaFunction.fromArn(stack, "F", "arn:aws:lambda:eu-west-1:123456789012:function:other:live", { timeoutSeconds: 20 });
      expect(fn.name).toBe("other");
      expect(fn.timeoutSeconds).toBe(20);
      expect(fn.invokeArn).toBe("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:other:live/invocations");
      expect(fn.hasStreamEventSource).toBeUndefined();
    });
  });

  it("takes a token ARN with an explicit name; the invoke ARN's region is read from the ARN at apply", () => {
    const out = synthStack((stack) => {
      const fn = LambdaFunction.fromArn(stack, "F", new TerraformVariable(stack, "fn_arn", {}).stringValue, { name: "other" });
      expect(fn.name).toBe("other");
      new TerraformOutput(stack, "invoke_arn", { value: fn.invokeArn });
    });
    expect(out.json.output.invoke_arn.value).toBe('arn:aws:apigateway:${element(split(":", var.fn_arn), 3)}:lambda:path/2015-03-31/functions/${var.fn_arn}/invocations');
  });

  it("refuses a token ARN without a name, and the fix it names works", () => {
    const tokenArn = () => Token.asString({ Ref: "shared_fn_arn" });
    expect(() => synthStack((stack) => LambdaFunction.fromArn(stack, "F", tokenArn()))).toThrow(
      'LambdaFunction.fromArn(scope, "F"): the ARN is a token, so the name cannot be read from it. Fix: pass it in the import options, e.g. LambdaFunction.fromArn(scope, "F", <arn>, { name: "<name>" }).',
    );
    expect(() => synthStack((stack) => LambdaFunction.fromArn(stack, "F", tokenArn(), { name: "other" }))).not.toThrow();
    expect(() => synthStack((stack) => LambdaFunction.fromArn(stack, "F", "arn:aws:lambda:eu-west-1:123456789012:layer:x:1"))).toThrow(/is not a function ARN\. Fix:/);
  });
});
