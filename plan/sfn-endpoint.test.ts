import { DescribeStateMachineCommand, SFNClient, ValidateStateMachineDefinitionCommand } from "@aws-sdk/client-sfn";
import { OfflineSfnEndpoint, startOfflineSfnEndpoint } from "./sfn-endpoint";

describe("the offline plan's Step Functions endpoint (AWS_ENDPOINT_URL_SFN of terraform plan), through the real SDK client", () => {
  let endpoint: OfflineSfnEndpoint;
  let sfn: SFNClient;
  beforeAll(async () => {
    endpoint = await startOfflineSfnEndpoint();
    sfn = new SFNClient({ endpoint: endpoint.url, region: "eu-west-1", credentials: { accessKeyId: "offline", secretAccessKey: "offline" }, maxAttempts: 1 });
  });
  afterAll(async () => {
    sfn.destroy();
    await endpoint.close();
  });

  it("answers ValidateStateMachineDefinition OK for a valid definition", async () => {
    const definition = JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } });
    expect(await sfn.send(new ValidateStateMachineDefinitionCommand({ definition }))).toMatchObject({ result: "OK", diagnostics: [] });
  });

  it("answers FAIL with asl-validator's diagnostics for an invalid one", async () => {
    const out = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify({ StartAt: "Missing", States: { A: { Type: "Pass", End: true } } }) }));
    expect(out.result).toBe("FAIL");
    expect(out.diagnostics?.length).toBeGreaterThan(0);
    expect(out.diagnostics?.[0]).toMatchObject({ severity: "ERROR" });
  });

  it("fakes nothing else: another operation is an error naming it and the fix", async () => {
    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:x" }))).rejects.toThrow(
      /answers only ValidateStateMachineDefinition .*AWSStepFunctions\.DescribeStateMachine needs AWS/,
    );
  });
});
