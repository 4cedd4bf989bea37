import { TerraformStack, Testing } from "cdktf";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Grant } from "./grant";
import { IGrantable, PolicyStatement } from "./iam";
import { uniqueChildId } from "./ids";

class FakeGrantee implements IGrantable {
  public readonly added: PolicyStatement[] = [];
  constructor(
    public readonly grantPrincipalPath = "test/Fake",
    public readonly policyDependable?: IamRolePolicy,
  ) {}
  public addToPrincipalPolicy(statement: PolicyStatement): void {
    this.added.push(statement);
  }
}

describe("Grant", () => {
  it("addToPrincipal adds each statement to the grantee and records them, with actions and resources deduplicated", () => {
    const g = new FakeGrantee();
    const a = { actions: ["sqs:SendMessage", "sqs:GetQueueUrl"], resources: ["arn:q"] };
    const b = { actions: ["sqs:SendMessage"], resources: ["arn:q", "arn:q2"] };
    const grant = Grant.addToPrincipal(g, a, b);
    expect(g.added).toEqual([a, b]);
    expect(grant.grantee).toBe(g);
    expect(grant.statements).toEqual([a, b]);
    expect(grant.actions).toEqual(["sqs:SendMessage", "sqs:GetQueueUrl"]);
    expect(grant.resourceArns).toEqual(["arn:q", "arn:q2"]);
    expect(grant.isEmpty).toBe(false);
  });

  it("combine joins grants of one grantee, skips undefined ones, and refuses two grantees or none", () => {
    const g = new FakeGrantee();
    const one = Grant.addToPrincipal(g, { actions: ["a:One"], resources: ["r1"] });
    const two = Grant.addToPrincipal(g, { actions: ["a:Two"], resources: ["r2"] });
    expect(Grant.combine(one, undefined, two).actions).toEqual(["a:One", "a:Two"]);
    expect(one.combine(two).resourceArns).toEqual(["r1", "r2"]);
    expect(Grant.empty(g).isEmpty).toBe(true);
    const other = Grant.empty(new FakeGrantee("test/Other"));
    expect(() => one.combine(other)).toThrow(/grants to "test\/Fake" and "test\/Other" cannot be combined\. Fix: combine grants of one grantee only/);
    expect(() => Grant.combine(undefined)).toThrow(/Grant\.combine: no grant to combine\. Fix:/);
  });

  it("is dependable through the grantee's policy resource: dependsOn [grant] renders depends_on on it", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const policy = new IamRolePolicy(stack, "Policy", { role: "r", policy: "{}" });
    const grant = Grant.addToPrincipal(new FakeGrantee("test/Fn", policy), { actions: ["a:B"], resources: ["r"] });
    expect(grant.dependable).toBe(policy);
    new IamRolePolicy(stack, "After", { role: "r", policy: "{}", dependsOn: [grant] });
    const after = JSON.parse(Testing.synth(stack)).resource.aws_iam_role_policy.After;
    expect(after.depends_on).toEqual(["aws_iam_role_policy.Policy"]);
  });

  it("a grantee without a policy resource gives nothing to depend on, and depending on it says so", () => {
    const grant = Grant.addToPrincipal(new FakeGrantee(), { actions: ["a:B"], resources: ["r"] });
    expect(grant.dependable).toBeUndefined();
    expect(() => grant.fqn).toThrow(/Grant to "test\/Fake": the grantee exposes no policy resource \(policyDependable\).*Fix:/);
  });
});

describe("uniqueChildId", () => {
  it("returns the base id while it is free, then base2, base3, ...", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = uniqueChildId(stack, "Sub");
      ids.push(id);
      new IamRolePolicy(stack, id, { role: "r", policy: "{}" });
    }
    expect(ids).toEqual(["Sub", "Sub2", "Sub3"]);
  });
});
