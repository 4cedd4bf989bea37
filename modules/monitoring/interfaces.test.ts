import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HttpApi } from "../http-api";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "../queue";
import { Monitoring } from "./index";

// Monitoring works on the interfaces only (IFunction, IQueue, IHttpApi): what it needs beyond them is optional on the
// interface (hasStreamEventSource, deadLetterQueue), so imported blocks are monitored without casts or instanceof.

function stackWithMonitoring(): { stack: TerraformStack; m: Monitoring } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return { stack, m: new Monitoring(stack, "Monitoring", { accountId: "123456789012" }) };
}

describe("Monitoring of imported blocks", () => {
  it("an imported function's IteratorAge alarm is not checked against stream sources it cannot know", () => {
    const { stack, m } = stackWithMonitoring();
    const fn = LambdaFunction.fromArn(stack, "Shared", "arn:aws:lambda:eu-west-1:123456789012:function:shared-consumer");
    const alarm = m.monitorEventSourceIteratorAge(fn);
    expect(alarm.dimensionsInput).toEqual({ FunctionName: "shared-consumer" });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it("an imported queue (dead-letter queue unknown) is alarmed on itself", () => {
    const { stack, m } = stackWithMonitoring();
    const alarm = m.monitorQueue(Queue.fromArn(stack, "Shared", "arn:aws:sqs:eu-west-1:123456789012:shared-failures"));
    expect(alarm.dimensionsInput).toEqual({ QueueName: "shared-failures" });
  });

  it("an imported HTTP API gets its 5xx alarm on ApiId and Stage", () => {
    const { stack, m } = stackWithMonitoring();
    const api = HttpApi.fromAttributes(stack, "SharedApi", { apiId: "a1b2c3d4e5", region: "eu-west-1", accountId: "123456789012" });
    expect(m.monitorHttpApi(api).dimensionsInput).toEqual({ ApiId: "a1b2c3d4e5", Stage: "$default" });
  });
});
