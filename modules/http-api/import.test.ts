import { TerraformOutput, TerraformVariable } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { HttpApi } from "./index";

describe("HttpApi.fromAttributes", () => {
  it("builds the execution ARN, endpoint and host from id, region and account; stage $default", () => {
    synthStack((stack) => {
      const api = HttpApi.fromAttributes(stack, "Api", { apiId: "a1b2c3d4e5", region: "eu-west-1", accountId: "123456789012" });
      expect(api.executionArn).toBe("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5");
      expect(api.apiEndpoint).toBe("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com");
      expect(api.endpointHost).toBe("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com");
      expect(api.stageName).toBe("$default");
    });
  });

  it("takes tokens (another stack's outputs) for every attribute", () => {
    const out = synthStack((stack) => {
      const api = HttpApi.fromAttributes(stack, "Api", {
        apiId: new TerraformVariable(stack, "api_id", {}).stringValue,
        region: "eu-west-1",
        accountId: new TerraformVariable(stack, "account", {}).stringValue,
      });
      new TerraformOutput(stack, "execution_arn", { value: api.executionArn });
    });
    expect(out.json.output.execution_arn.value).toBe("arn:aws:execute-api:eu-west-1:${var.account}:${var.api_id}");
  });

  it("refuses attributes that are not an API id, a region or an account, naming the fix", () => {
    expect(() => synthStack((stack) => HttpApi.fromAttributes(stack, "Api", { apiId: "Not An Id", region: "europe", accountId: "42" }))).toThrow(
      /HttpApi\.fromAttributes\(scope, "Api"\)[\s\S]*apiId[\s\S]*region[\s\S]*accountId/,
    );
  });
});
