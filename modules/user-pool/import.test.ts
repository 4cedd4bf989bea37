import { Token } from "cdktf";
import { synthStack } from "../../test/support/synth";
import { UserPool } from "./index";

describe("UserPool.fromArn", () => {
  it("reads the pool id and issuer from a literal ARN", () => {
    synthStack((stack) => {
      const p = UserPool.fromArn(stack, "P", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123");
      expect(p.userPoolId).toBe("eu-west-1_AbC123");
      expect(p.issuerUrl).toBe("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
    });
  });

  it("takes a token ARN with an explicit userPoolId; the issuer's region is the pool id's prefix", () => {
    synthStack((stack) => {
      const p = UserPool.fromArn(stack, "P", Token.asString({ Ref: "pool_arn" }), { userPoolId: "eu-west-1_AbC123" });
      expect(p.issuerUrl).toBe("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
    });
  });

  it("refuses a token ARN without a userPoolId, and the fix it names works", () => {
    const tokenArn = () => Token.asString({ Ref: "pool_arn" });
    expect(() => synthStack((stack) => UserPool.fromArn(stack, "P", tokenArn()))).toThrow(
      'UserPool.fromArn(scope, "P"): the ARN is a token, so the userPoolId cannot be read from it. Fix: pass it in the import options, e.g. UserPool.fromArn(scope, "P", <arn>, { userPoolId: "<userPoolId>" }).',
    );
    expect(() => synthStack((stack) => UserPool.fromArn(stack, "P", tokenArn(), { userPoolId: Token.asString({ Ref: "pool_id" }) }))).not.toThrow();
  });
});
