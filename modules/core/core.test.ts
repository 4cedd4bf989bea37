import { TerraformStack, Testing, Token } from "cdktf";
import { assertLeastPrivilege, PolicyDocument } from "./iam";
import { Naming, physicalName } from "./naming";
import { PropsValidator } from "./validation";

describe("physicalName", () => {
  it("builds <app>-<env>-<name> from the stack's naming context", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    Naming.configure(stack, { app: "shop", env: "prod" });
    expect(physicalName(stack, "orders")).toBe("shop-prod-orders");
  });

  it("shortens long names with a stable hash suffix so two long names never collide", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    Naming.configure(stack, { app: "shop", env: "prod" });
    const a = physicalName(stack, "a-very-long-function-name-that-goes-on-and-on-and-on-forever-1", { maxLength: 64 });
    const b = physicalName(stack, "a-very-long-function-name-that-goes-on-and-on-and-on-forever-2", { maxLength: 64 });
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(a).toBe(physicalName(stack, "a-very-long-function-name-that-goes-on-and-on-and-on-forever-1", { maxLength: 64 }));
  });

  it("keeps an optional 12-digit account in the naming context (Naming.accountOf), and rejects any other account value", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(Naming.accountOf(stack)).toBeUndefined();
    Naming.configure(stack, { app: "shop", env: "prod", account: "123456789012" });
    expect(Naming.accountOf(stack)).toBe("123456789012");
    expect(physicalName(stack, "orders")).toBe("shop-prod-orders");
    expect(() => Naming.configure(stack, { app: "shop", env: "prod", account: "1234" })).toThrow(/Naming: account "1234" must be a 12-digit AWS account id/);
  });

  it("falls back to the stack id when no naming context is set, with one synth warning naming the fix; rejects bad context values", () => {
    const stack = new TerraformStack(Testing.app(), "Orders-Dev");
    expect(physicalName(stack, "t")).toBe("orders-dev-t");
    expect(physicalName(stack, "u")).toBe("orders-dev-u");
    const warnings = stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Naming: stack "Orders-Dev" has no naming context, so physical names start with its id \("orders-dev-…"\)\. Fix: call Naming\.configure\(stack, \{ app, env \}\)/,
      ),
    ]);
    expect(() => Naming.configure(stack, { app: "Shop", env: "dev" })).toThrow(/Naming: app "Shop" must start with a lower-case letter/);
  });

  it("gives a configured stack no naming warning", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    Naming.configure(stack, { app: "shop", env: "prod" });
    physicalName(stack, "orders");
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
  });
});

describe("PropsValidator", () => {
  it("skips unresolved tokens and collects all problems into one error", () => {
    const token = Token.asNumber({ Ref: "x" });
    const v = new PropsValidator("Mod", "s/M").integer("a", token, 1, 2).integer("b", 5, 1, 2).oneOf("c", "z", ["x", "y"]);
    expect(v.hasProblems).toBe(true);
    expect(() => v.throwIfInvalid()).toThrow(
      /Mod "s\/M": invalid props \(2 problems\):\n {2}- b: received 5; allowed: an integer from 1 to 2\. Fix: set b to a value between 1 and 2\.\n {2}- c: received "z"/,
    );
  });
});

describe("IAM", () => {
  it("allows only actions without resource-level permissions on *", () => {
    expect(() => assertLeastPrivilege("F", { actions: ["xray:PutTraceSegments"], resources: ["*"] })).not.toThrow();
    expect(() => assertLeastPrivilege("F", { actions: ["sns:Publish"], resources: ["*"] })).toThrow(/sns:Publish on resource "\*"/);
    expect(() => assertLeastPrivilege("F", { actions: ["*"], resources: ["arn:aws:s3:::b"] })).toThrow(/wildcard/);
    expect(() => assertLeastPrivilege("F", { actions: ["s3:GetObject"], resources: [] })).toThrow(/has no resources/);
  });

  it("PolicyDocument drops duplicate statements regardless of order", () => {
    const d = new PolicyDocument();
    d.add({ actions: ["a:B", "a:A"], resources: ["r"] });
    d.add({ actions: ["a:A", "a:B"], resources: ["r"] });
    expect(d.statementCount).toBe(1);
    expect(JSON.parse(d.render()).Statement[0]).toEqual({ Effect: "Allow", Action: ["a:B", "a:A"], Resource: "r" });
  });
});
