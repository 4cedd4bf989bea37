import { Token } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ARN = "arn:aws:sqs:eu-west-1:123456789012:shared-jobs.fifo";

describe("Queue.fromArn", () => {
  it("reads the name, URL and FIFO from a literal ARN; its policy is not managed here", () => {
    synthStack((stack) => {
      const q = Queue.fromArn(stack, "Shared", ARN);
      expect(q.name).toBe("shared-jobs.fifo");
      expect(q.url).toBe("https://sqs.eu-west-1.amazonaws.com/123456789012/shared-jobs.fifo");
      expect(q.fifo).toBe(true);
      expect(q.deadLetterQueue).toBeUndefined();
      expect(q.allowServiceSend("sns.amazonaws.com", "arn:aws:sns:eu-west-1:123456789012:t")).toBe(false);
    });
  });

  it("takes a token ARN with an explicit name; Terraform derives the URL from the ARN at apply", () => {
    const out = synthStack((stack) => {
      const q = Queue.fromArn(stack, "Shared", Token.asString({ Ref: "shared_queue_arn" }), { name: "shared-jobs" });
      expect(q.name).toBe("shared-jobs");
      expect(q.fifo).toBe(false);
      q.connect(new LambdaFunction(stack, "Fn", { name: "fn", entry: ENTRY }), "send");
    });
    const env = out.only("aws_lambda_function").environment.variables;
    expect(env.SHARED_QUEUE_URL).toMatch(/^https:\/\/sqs\.\$\{element\(split\(":", .*\), 3\)\}\.amazonaws\.com\/\$\{element\(split\(":", .*\), 4\)\}\/shared-jobs$/);
  });

  it("refuses a token ARN without a name, and the fix it names works", () => {
    const tokenArn = () => Token.asString({ Ref: "shared_queue_arn" });
    expect(() => synthStack((stack) => Queue.fromArn(stack, "Shared", tokenArn()))).toThrow(
      'Queue.fromArn(scope, "Shared"): the ARN is a token, so the name cannot be read from it. Fix: pass it in the import options, e.g. Queue.fromArn(scope, "Shared", <arn>, { name: "<name>" }).',
    );
    expect(() => synthStack((stack) => Queue.fromArn(stack, "Shared", tokenArn(), { name: "jobs" }))).not.toThrow();
    expect(() => synthStack((stack) => Queue.fromArn(stack, "Bad", "arn:aws:sqs:eu-west-1:123456789012:bad/name"))).toThrow(
      /Queue\.fromArn\(scope, "Bad"\): .* is not a queue ARN\. Fix:/,
    );
  });
});
