// The deploy role's path to administrator, closed step by step, evaluated the way AWS decides (identity policies:
// PowerUserAccess + the inline policy; conditions), over the synthesized bootstrap stack of every environment.
import { resourcesOf, synthApp } from "../support/app-synth";
import { decide, POWER_USER_ACCESS } from "./simulate";

const synth = synthApp({ offline: true });
const ENVS = ["dev", "staging", "prod"] as const;

function deployPolicies(env: string) {
  const s = synth.stack(`platform-bootstrap-${env}`);
  const config = synth.built.environments.find((e) => e.name === env)!;
  const [roleId] = Object.entries<any>(s.resource.aws_iam_role).find(([, r]) => r.name === `platform-${env}-deploy`)!;
  const inline = resourcesOf(s, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
  const account = config.allowedAccountIds[0];
  return {
    account,
    config,
    principal: `arn:aws:iam::${account}:role/ci/platform-${env}-deploy`,
    boundary: `arn:aws:iam::${account}:policy/platform-${env}-boundary`,
    identity: [
      { name: "PowerUserAccess", policy: POWER_USER_ACCESS },
      { name: "inline", policy: JSON.parse(inline.policy) },
    ],
  };
}

const cases = ENVS.map((env) => [env, deployPolicies(env)] as const);

describe.each(cases)("%s deploy role: the escalation path is denied step by step", (env, d) => {
  const role = (name: string): string => `arn:aws:iam::${d.account}:role/platform-${env}-${name}`;
  const as = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    decide({ identity: d.identity }, { principal: d.principal, action, resource, context });
  const otherBoundary = `arn:aws:iam::${d.account}:policy/platform-${env}-other`;

  it("1. CreateRole without a boundary is explicitly denied", async () => {
    expect(await as("iam:CreateRole", role("escalate"))).toBe("ExplicitlyDenied");
  });
  it("1b. CreateRole with another boundary (even one of the environment's own policies) is explicitly denied", async () => {
    expect(await as("iam:CreateRole", role("escalate"), { "iam:PermissionsBoundary": otherBoundary })).toBe("ExplicitlyDenied");
  });
  it("2. PutRolePolicy on a role without the boundary is explicitly denied", async () => {
    expect(await as("iam:PutRolePolicy", role("legacy"))).toBe("ExplicitlyDenied");
  });
  it("2b. AttachRolePolicy of an environment policy to a role without the boundary is explicitly denied", async () => {
    expect(await as("iam:AttachRolePolicy", role("legacy"), { "iam:PolicyARN": `arn:aws:iam::${d.account}:policy/platform-${env}-x` })).toBe("ExplicitlyDenied");
  });
  it("2c. PutRolePermissionsBoundary with another policy is explicitly denied", async () => {
    expect(await as("iam:PutRolePermissionsBoundary", role("fn"), { "iam:PermissionsBoundary": otherBoundary })).toBe("ExplicitlyDenied");
  });
  it("3. DeleteRolePermissionsBoundary is explicitly denied, on the environment's roles and any other", async () => {
    expect(await as("iam:DeleteRolePermissionsBoundary", role("fn"))).toBe("ExplicitlyDenied");
    expect(await as("iam:DeleteRolePermissionsBoundary", `arn:aws:iam::${d.account}:role/anything`)).toBe("ExplicitlyDenied");
  });
  it.each(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"])(
    "4. %s on the boundary policy is explicitly denied",
    async (action) => {
      expect(await as(action, d.boundary)).toBe("ExplicitlyDenied");
    },
  );
  it.each(["ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "codebuild.amazonaws.com", "glue.amazonaws.com", "iam.amazonaws.com"])(
    "5. PassRole of an environment role to %s (not listed) is denied",
    async (service) => {
      expect(await as("iam:PassRole", role("fn"), { "iam:PassedToService": service })).not.toBe("Allowed");
    },
  );
  it("6. no IAM change on roles outside the environment, nor on the CI roles", async () => {
    const bound = { "iam:PermissionsBoundary": d.boundary };
    expect(await as("iam:CreateRole", `arn:aws:iam::${d.account}:role/admin`, bound)).not.toBe("Allowed");
    expect(await as("iam:PutRolePolicy", `arn:aws:iam::${d.account}:role/ci/platform-${env}-deploy`, bound)).toBe("ExplicitlyDenied");
    expect(await as("iam:UpdateAssumeRolePolicy", `arn:aws:iam::${d.account}:role/ci/platform-${env}-deploy`)).toBe("ExplicitlyDenied");
    expect(await as("iam:CreateUser", `arn:aws:iam::${d.account}:user/platform-${env}-x`)).not.toBe("Allowed");
    expect(await as("iam:CreateAccessKey", `arn:aws:iam::${d.account}:user/admin`)).not.toBe("Allowed");
  });
});

// What a deploy needs: each row is one IAM call Terraform makes for the platform's roles and policies.
const ALLOWED: ReadonlyArray<[string, (env: string, account: string) => string, (boundary: string, env: string, account: string) => Record<string, string>]> = [
  ["iam:CreateRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, (b) => ({ "iam:PermissionsBoundary": b })],
  ["iam:PutRolePermissionsBoundary", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, (b) => ({ "iam:PermissionsBoundary": b })],
  ["iam:PutRolePolicy", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, (b) => ({ "iam:PermissionsBoundary": b })],
  [
    "iam:AttachRolePolicy",
    (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`,
    (b, e, a) => ({ "iam:PermissionsBoundary": b, "iam:PolicyARN": `arn:aws:iam::${a}:policy/platform-${e}-shared` }),
  ],
  ["iam:GetRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, () => ({})],
  ["iam:DeleteRolePolicy", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, () => ({})],
  ["iam:DeleteRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, () => ({})],
  ["iam:TagRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, () => ({})],
  ["iam:UpdateAssumeRolePolicy", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, () => ({})],
  ["iam:PassRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-profile-api-fn`, () => ({ "iam:PassedToService": "lambda.amazonaws.com" })],
  ["iam:PassRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-delete-user-sm`, () => ({ "iam:PassedToService": "states.amazonaws.com" })],
  ["iam:PassRole", (e, a) => `arn:aws:iam::${a}:role/platform-${e}-lake-delivery`, () => ({ "iam:PassedToService": "firehose.amazonaws.com" })],
  ["iam:CreatePolicy", (e, a) => `arn:aws:iam::${a}:policy/platform-${e}-shared`, () => ({})],
  ["iam:GetPolicy", (e, a) => `arn:aws:iam::${a}:policy/platform-${e}-boundary`, () => ({})],
  ["iam:GetPolicyVersion", (e, a) => `arn:aws:iam::${a}:policy/platform-${e}-boundary`, () => ({})],
  ["iam:CreatePolicyVersion", (e, a) => `arn:aws:iam::${a}:policy/platform-${e}-shared`, () => ({})],
  ["lambda:CreateFunction", (e, a) => `arn:aws:lambda:eu-west-1:${a}:function:platform-${e}-profile-api`, () => ({})],
  ["dynamodb:CreateTable", (e, a) => `arn:aws:dynamodb:eu-west-1:${a}:table/platform-${e}-profiles`, () => ({})],
  ["s3:PutObject", () => "", () => ({})], // the state object (resolved below)
  ["s3:PutObject", () => ".tflock", () => ({})],
  ["s3:DeleteObject", () => ".tflock", () => ({})],
];

describe.each(cases)("%s deploy role: what a deploy needs is allowed", (env, d) => {
  const stateArn = `arn:aws:s3:::${d.config.backend!.bucket}/${d.config.backend!.key}`;
  it.each(ALLOWED.map(([action, resource, context], i) => [i, action, resource(env, d.account), context(d.boundary, env, d.account)] as const))(
    "row %i: %s on %s",
    async (_i, action, resource, context) => {
      const arn = action.startsWith("s3:") ? `${stateArn}${resource}` : resource;
      expect(await decide({ identity: d.identity }, { principal: d.principal, action, resource: arn, context })).toBe("Allowed");
    },
  );
});
