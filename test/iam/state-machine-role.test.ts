// The delete-user state machine's role, evaluated with its boundary: allowed exactly what its Task states call (the
// three task functions, the two DynamoDB integrations on the profiles table, Cognito's AdminDeleteUser on the pool),
// denied the same on another environment's resources, and granting nothing beyond that plus logs delivery and X-Ray.
import { resourcesOf, synthApp } from "../support/app-synth";
import { arnOfResource, decide, resolveDocument } from "./simulate";

const synth = synthApp({ offline: true });
const ENVS = ["dev", "staging", "prod"] as const;

function environment(env: string) {
  const s = synth.stack(`platform-${env}`);
  const config = synth.built.environments.find((e) => e.name === env)!;
  const boot = synth.stack(`platform-bootstrap-${env}`);
  const boundary = JSON.parse(resourcesOf(boot, "aws_iam_policy").find((p) => p.name === `platform-${env}-boundary`).policy);
  const machine = resourcesOf(s, "aws_sfn_state_machine")[0];
  const roleId = /aws_iam_role\.([^.]+)\.arn/.exec(machine.role_arn)![1];
  const role = s.resource.aws_iam_role[roleId];
  expect(role.permissions_boundary).toBe(`arn:aws:iam::${config.allowedAccountIds[0]}:policy/platform-${env}-boundary`);
  const policies = resourcesOf(s, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
  const arn = (type: string, match: (r: any) => boolean) => arnOfResource(s, config, type, match);
  const fn = (name: string) => arn("aws_lambda_function", (r) => r.function_name === `platform-${env}-${name}`);
  return {
    boundary,
    roleArn: `arn:aws:iam::${config.allowedAccountIds[0]}:role/${role.name}`,
    policies: policies.map((p, i) => ({ name: `p${i}`, policy: resolveDocument(s, config, p.policy) })),
    trust: JSON.parse(role.assume_role_policy),
    calls: [
      ["lambda:InvokeFunction", fn("delete-user-files")],
      ["lambda:InvokeFunction", fn("anonymise-analytics")],
      ["lambda:InvokeFunction", fn("delete-user-profile")],
      ["dynamodb:UpdateItem", arn("aws_dynamodb_table", (r) => r.name === `platform-${env}-profiles`)],
      ["dynamodb:PutItem", arn("aws_dynamodb_table", (r) => r.name === `platform-${env}-profiles`)],
      ["cognito-idp:AdminDeleteUser", arn("aws_cognito_user_pool", (r) => r.name === `platform-${env}-users`)],
    ] as const,
  };
}

const envs = Object.fromEntries(ENVS.map((e) => [e, environment(e)]));
const other = (env: string) => (env === "prod" ? "staging" : "prod");
const rows = ENVS.flatMap((env) => envs[env].calls.map(([action, resource], i) => [env, action, resource, i] as const));

describe("the delete-user state machine's role, evaluated with its boundary", () => {
  it.each(rows)("%s: %s on %s is allowed", async (env, action, resource) => {
    const e = envs[env];
    expect(await decide({ identity: e.policies, boundary: e.boundary }, { principal: e.roleArn, action, resource })).toBe("Allowed");
  });

  it.each(rows)("%s: %s on another environment's resource is denied", async (env, action, _resource, i) => {
    const e = envs[env];
    const elsewhere = envs[other(env)].calls[i][1];
    expect(await decide({ identity: e.policies, boundary: e.boundary }, { principal: e.roleArn, action, resource: elsewhere })).not.toBe("Allowed");
  });

  it.each(ENVS)("%s: grants nothing beyond its tasks, log delivery and X-Ray", (env) => {
    const granted = new Set<string>();
    for (const p of envs[env].policies) for (const st of [p.policy.Statement].flat()) if (st.Effect === "Allow") for (const a of [st.Action].flat()) granted.add(a);
    const tasks = new Set<string>(envs[env].calls.map(([a]) => a));
    const delivery = /^logs:((Create|Get|Update|Delete)LogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/;
    const extra = [...granted].filter((a) => !tasks.has(a) && !delivery.test(a) && !a.startsWith("xray:"));
    expect(extra).toEqual([]);
  });

  it.each(ENVS)("%s: only Step Functions of this account, for this state machine, may assume the role", (env) => {
    const st = envs[env].trust.Statement[0];
    expect(st.Principal).toEqual({ Service: "states.amazonaws.com" });
    expect(JSON.stringify(st.Condition)).toContain(`:stateMachine:platform-${env}-delete-user`);
    expect(JSON.stringify(st.Condition)).toContain("aws:SourceAccount");
  });
});
