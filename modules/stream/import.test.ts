import { Token } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { LambdaFunction } from "../lambda-function";
import { Stream } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;

describe("Stream.fromArn", () => {
  it("reads the name from a literal ARN", () => {
    synthStack((stack) => expect(Stream.fromArn(stack, "S", "arn:aws:kinesis:eu-west-1:123456789012:stream/activity").name).toBe("activity"));
  });

  it("takes a token ARN with an explicit name, and wires it like a literal one", () => {
    const out = synthStack((stack) => {
      const s = Stream.fromArn(stack, "Shared", Token.asString({ Ref: "shared_stream_arn" }), { name: "activity" });
      expect(s.name).toBe("activity");
      s.connect(new LambdaFunction(stack, "Fn", { name: "fn", entry: ENTRY }), "write");
    });
    expect(out.only("aws_lambda_function").environment.variables.SHARED_STREAM_NAME).toBe("activity");
  });

  it("refuses a token ARN without a name, and the fix it names works", () => {
    const tokenArn = () => Token.asString({ Ref: "shared_stream_arn" });
    expect(() => synthStack((stack) => Stream.fromArn(stack, "Shared", tokenArn()))).toThrow(
      'Stream.fromArn(scope, "Shared"): the ARN is a token, so the name cannot be read from it. Fix: pass it in the import options, e.g. Stream.fromArn(scope, "Shared", <arn>, { name: "<name>" }).',
    );
    expect(() => synthStack((stack) => Stream.fromArn(stack, "Shared", tokenArn(), { name: "activity" }))).not.toThrow();
  });
});
