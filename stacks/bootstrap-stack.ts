import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Bucket } from "../modules/bucket";
import { assertLeastPrivilege, policyJson } from "../modules/core/iam";
import { EnvironmentConfig, stateBackend } from "../environments";
import { AwsStack } from "../modules/stack";
import { boundaryPolicyName, boundaryStatements, partitionOf } from "./permissions-boundary-policy";

export interface BootstrapStackProps {
  /** The environment whose account and backend bucket this stack prepares. */
  readonly env: EnvironmentConfig;
  /** Other environments that keep their state in the same bucket (listed in the output's description; they get CI roles too). */
  readonly sharedWith?: readonly EnvironmentConfig[];
  readonly offline: boolean;
  /**
   * ARN of the GitHub Actions OIDC provider when the account already has one (IAM allows one provider per URL and
   * account, so a second bootstrap stack in the same account must reuse the first one's).
   * @default this stack creates the provider
   */
  readonly githubOidcProviderArn?: string;
}

/** GitHub Actions' OIDC issuer; the `iss` of every workflow token. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests by default. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/**
 * IAM path of the CI roles. The deploy role manages the environment's roles `role/<app>-<env>-*` (path `/`); the
 * CI roles live under `/ci/`, so their ARNs (`role/ci/<app>-<env>-deploy`) never match that pattern: the deploy role
 * cannot edit its own trust or permissions.
 */
export const CI_ROLE_PATH = "/ci/";

export { partitionOf };

/**
 * Data-plane reads the plan role is denied although AWS's ReadOnlyAccess grants some of them: a pull request's
 * workflow runs code from the PR branch with the plan role's credentials before anyone reviewed it, so the role
 * must not read user data or secrets. `terraform plan` refreshes resources through Describe/Get/List calls of the
 * control plane and needs none of these. Adding an `aws_s3_object`, `aws_ssm_parameter` or similar data-reading
 * resource to the platform means revisiting this list.
 */
export const PLAN_DENIED_DATA_READS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PartiQLSelect",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
  "kinesis:GetRecords",
  "kinesis:GetShardIterator",
  "kinesis:SubscribeToShard",
  "sqs:ReceiveMessage",
  "secretsmanager:GetSecretValue",
  "secretsmanager:BatchGetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ssm:GetParameterHistory",
  "kms:Decrypt",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StartLiveTail",
  "logs:GetLogRecord",
  "athena:GetQueryResults",
  "athena:GetQueryResultsStream",
  "rds-data:ExecuteStatement",
  "rds-data:BatchExecuteStatement",
  "states:DescribeExecution",
  "states:GetExecutionHistory",
  "cognito-idp:ListUsers",
  "cognito-idp:ListUsersInGroup",
  "cognito-idp:AdminGetUser",
  "xray:BatchGetTraces",
  "xray:GetTraceSummaries",
] as const;

/** What the deploy role may do to the environment's own roles (`role/<app>-<env>-*`), e.g. Lambda execution roles. */
export const DEPLOY_ROLE_ACTIONS = [
  "iam:DeleteRole",
  "iam:GetRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:ListRolePolicies",
  "iam:DetachRolePolicy",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
] as const;

/**
 * What the deploy role may do to the environment's roles only while the request carries the environment's boundary
 * (`iam:PermissionsBoundary`): a role is created with it, and a role's permissions only grow (inline policy, attached
 * policy, new boundary) when it already has it. AWS evaluates the key for these four actions.
 */
export const DEPLOY_BOUNDED_ROLE_ACTIONS = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"] as const;

/** Changes to the environment's boundary policy (`policy/<app>-<env>-boundary`) that no deploy may make. */
export const BOUNDARY_PROTECTED_ACTIONS = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
] as const;

/** What the deploy role may do to the environment's own customer-managed policies (`policy/<app>-<env>-*`). */
export const DEPLOY_POLICY_ACTIONS = [
  "iam:CreatePolicy",
  "iam:DeletePolicy",
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:ListPolicyVersions",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
  "iam:ListPolicyTags",
] as const;

/** Services the platform hands roles to (Lambda functions, the delete-user state machine, Firehose delivery). */
export const DEPLOY_PASS_ROLE_SERVICES = ["lambda.amazonaws.com", "states.amazonaws.com", "firehose.amazonaws.com"] as const;

/** Changes to the state bucket itself (owned by this stack, applied by an operator) that no deploy may make. */
export const STATE_BUCKET_PROTECTED_ACTIONS = [
  "s3:DeleteBucket",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:DeleteObjectVersion",
] as const;

/** Changes to the CI roles (path `/ci/`) that no deploy may make, even if the allow-list above ever grows. */
export const CI_ROLE_PROTECTED_ACTIONS = [
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:TagRole",
  "iam:UntagRole",
] as const;

type Statement = Record<string, unknown>;

/** Trust policy: only GitHub Actions tokens of `repository` with exactly this `sub`, for STS, via web identity. */
export function githubTrustPolicy(providerArn: string, subject: string): string {
  return policyJson([
    {
      Sid: "GitHubActionsOidc",
      Effect: "Allow",
      Principal: { Federated: providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subject } },
    },
  ]);
}

/** Renders statements after checking every Allow against the house least-privilege rule (no wildcard actions, no `"*"` resource). */
function inlinePolicy(owner: string, statements: readonly Statement[]): string {
  for (const s of statements) {
    const actions = ([] as string[]).concat(s.Action as string | string[]);
    for (const a of actions) {
      if (a === "*" || /:\*$/.test(a)) throw new Error(`${owner}: IAM action "${a}" is a wildcard. Fix: list the exact actions.`);
    }
    if (s.Effect === "Allow") {
      assertLeastPrivilege(owner, { actions, resources: ([] as string[]).concat(s.Resource as string | string[]) });
    }
  }
  return policyJson(statements);
}

export interface GitHubActionsAccessProps {
  /** The environment the roles deploy and plan. */
  readonly env: EnvironmentConfig;
  /** ARN of the account's GitHub Actions OIDC provider. */
  readonly oidcProviderArn: string;
}

/**
 * The two roles GitHub Actions assumes for one environment, through OIDC only (no access keys anywhere):
 *
 * - `<app>-<env>-plan` — pull requests (`sub` = `repo:<owner/repo>:pull_request`). AWS managed `ReadOnlyAccess` for
 *   the breadth a refresh needs across every service, minus data-plane reads (PLAN_DENIED_DATA_READS, and S3 objects
 *   other than this environment's state), because a PR's code runs with it before review. Read of the state object;
 *   no write at all: plans run with `-lock=false` (the workflow sets `TF_CLI_ARGS_plan`). A plan is advisory (the
 *   deploy job plans again under the lock), S3 replaces the state object atomically so a plan never reads half a
 *   state, and a role that could write `<key>.tflock` could also delete a deploy's lock.
 * - `<app>-<env>-deploy` — only jobs running in the GitHub environment `<env>` (`sub` =
 *   `repo:<owner/repo>:environment:<env>`; required reviewers and the `main`-only branch rule live in the GitHub
 *   environment's settings). AWS managed `PowerUserAccess` (every service except IAM, Organizations and Account) for
 *   the service breadth of the platform, plus an inline policy: state read/write and the S3 lock file, IAM limited
 *   to roles and policies named `<app>-<env>-*` (PassRole only to the platform's services, AttachRolePolicy only
 *   of the environment's own policies), and denies that protect the state bucket and the CI roles.
 *
 * Trade-off: a hand-written action list per service would be tighter than PowerUserAccess but breaks each time a
 * module adds a resource type. The path to administrator through IAM (a role `<app>-<env>-*` with a broad inline
 * policy handed to Lambda) is closed by the environment's permissions boundary (`<app>-<env>-boundary`, created
 * here): the deploy role may create a role, put or attach a policy, or set a boundary only with that boundary on the
 * role (`iam:PermissionsBoundary`), may never delete a role's boundary or edit the boundary policy, and PlatformStack
 * attaches it to every role. test/iam evaluates each step with an IAM simulator.
 */
export class GitHubActionsAccess extends Construct {
  public readonly planRole: IamRole;
  public readonly deployRole: IamRole;
  /** The environment's permissions boundary (`<app>-<env>-boundary`). */
  public readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: GitHubActionsAccessProps) {
    super(scope, id);
    const { env } = props;
    const partition = partitionOf(env.region);
    // `<app>-<env>` as the naming helper builds it; the role names and the ARN patterns below both need it per
    // environment (a shared bootstrap stack serves several), so it is derived here from the same two fields.
    const prefix = `${env.app}-${env.name}`;
    const repo = env.ci.githubRepository;
    const backend = stateBackend(env);
    const bucketArn = `arn:${partition}:s3:::${backend.bucket}`;
    const stateArn = `${bucketArn}/${backend.key}`;
    const lockArn = `${stateArn}.tflock`;
    const iamArns = (kind: "role" | "policy", pattern: string): string[] => env.allowedAccountIds.map((account) => `arn:${partition}:iam::${account}:${kind}/${pattern}`);

    // The environment's permissions boundary: the ceiling of every role the platform creates (PlatformStack applies
    // it to each), and the condition on which the deploy role may create or widen a role.
    this.boundary = new IamPolicy(this, "Boundary", {
      name: boundaryPolicyName(env),
      description: `Permissions boundary of every role of ${prefix}: the environment's own resources, no IAM, Organizations, account or billing`,
      policy: policyJson(boundaryStatements(env)),
    });
    const boundaryArns = iamArns("policy", boundaryPolicyName(env));

    this.planRole = new IamRole(this, "PlanRole", {
      name: `${prefix}-plan`,
      path: CI_ROLE_PATH,
      description: `GitHub Actions: terraform plan of ${env.name} for pull requests of ${repo} (read-only, no data-plane reads)`,
      assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, `repo:${repo}:pull_request`),
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "PlanReadOnly", {
      role: this.planRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
    });
    new IamRolePolicy(this, "PlanPolicy", {
      name: "plan-state-read-no-data",
      role: this.planRole.id,
      policy: inlinePolicy(`${this.node.path}/PlanPolicy`, [
        { Sid: "ReadOwnState", Effect: "Allow", Action: "s3:GetObject", Resource: stateArn },
        { Sid: "ListStateBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
        { Sid: "NoObjectReadsBeyondOwnState", Effect: "Deny", Action: ["s3:GetObject", "s3:GetObjectVersion"], NotResource: stateArn },
        { Sid: "NoDataPlaneReads", Effect: "Deny", Action: [...PLAN_DENIED_DATA_READS], Resource: "*" },
      ]),
    });

    this.deployRole = new IamRole(this, "DeployRole", {
      name: `${prefix}-deploy`,
      path: CI_ROLE_PATH,
      description: `GitHub Actions: cdktf deploy of ${env.name} from the GitHub environment "${env.name}" of ${repo}`,
      assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, `repo:${repo}:environment:${env.name}`),
      // A first deploy (user pool, KMS key, log groups, ...) can outlast the 1 h default.
      maxSessionDuration: 7200,
    });
    new IamRolePolicyAttachment(this, "DeployPowerUser", {
      role: this.deployRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/PowerUserAccess`,
    });
    new IamRolePolicy(this, "DeployPolicy", {
      name: "deploy-state-and-environment-iam",
      role: this.deployRole.id,
      policy: inlinePolicy(`${this.node.path}/DeployPolicy`, [
        { Sid: "StateReadWrite", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [stateArn, lockArn] },
        { Sid: "StateLockRelease", Effect: "Allow", Action: "s3:DeleteObject", Resource: lockArn },
        { Sid: "ListStateBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
        { Sid: "ManageEnvironmentRoles", Effect: "Allow", Action: [...DEPLOY_ROLE_ACTIONS], Resource: iamArns("role", `${prefix}-*`) },
        {
          Sid: "CreateOrGrowRolesOnlyWithBoundary",
          Effect: "Allow",
          Action: DEPLOY_BOUNDED_ROLE_ACTIONS.filter((a) => a !== "iam:AttachRolePolicy"),
          Resource: iamArns("role", `${prefix}-*`),
          Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArns } },
        },
        {
          Sid: "AttachEnvironmentPolicies",
          Effect: "Allow",
          Action: "iam:AttachRolePolicy",
          Resource: iamArns("role", `${prefix}-*`),
          Condition: { ArnLike: { "iam:PolicyARN": iamArns("policy", `${prefix}-*`) }, StringEquals: { "iam:PermissionsBoundary": boundaryArns } },
        },
        { Sid: "ManageEnvironmentPolicies", Effect: "Allow", Action: [...DEPLOY_POLICY_ACTIONS], Resource: iamArns("policy", `${prefix}-*`) },
        {
          Sid: "PassEnvironmentRoles",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: iamArns("role", `${prefix}-*`),
          Condition: { StringEquals: { "iam:PassedToService": [...DEPLOY_PASS_ROLE_SERVICES] } },
        },
        { Sid: "ProtectStateBucket", Effect: "Deny", Action: [...STATE_BUCKET_PROTECTED_ACTIONS], Resource: [bucketArn, `${bucketArn}/*`] },
        {
          Sid: "NoRoleWithoutBoundary",
          Effect: "Deny",
          Action: [...DEPLOY_BOUNDED_ROLE_ACTIONS],
          Resource: "*",
          Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundaryArns } },
        },
        { Sid: "NoBoundaryRemoval", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
        { Sid: "ProtectBoundaryPolicy", Effect: "Deny", Action: [...BOUNDARY_PROTECTED_ACTIONS], Resource: boundaryArns },
        { Sid: "ProtectCiRoles", Effect: "Deny", Action: [...CI_ROLE_PROTECTED_ACTIONS], Resource: iamArns("role", `${CI_ROLE_PATH.slice(1)}*`) },
      ]),
    });
  }
}

/**
 * Creates the S3 bucket that holds an environment's Terraform state, in that environment's account and backend
 * region, with local state (the bucket must exist before any stack can use it). Versioned (every state revision
 * is kept a year), encrypted, public access blocked, TLS-only; `prevent_destroy` always.
 * Also the account's GitHub Actions OIDC provider and, per environment, the `plan` and `deploy` roles the workflows
 * in `.github/workflows/` assume (see GitHubActionsAccess). Nothing here reads AWS at plan time (no data source), so
 * the stack plans offline too.
 * Deploy once per account: `cdktf deploy platform-bootstrap-<env>`.
 */
export class BootstrapStack extends AwsStack {
  public readonly stateBucket: Bucket;
  public readonly githubOidcProviderArn: string;
  /** CI roles by environment name. */
  public readonly ciAccess: Readonly<Record<string, GitHubActionsAccess>>;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    const env = props.env;
    super(scope, id, {
      app: env.app,
      env: env.name,
      region: stateBackend(env).region,
      allowedAccountIds: env.allowedAccountIds,
      tags: { ...env.tags, Purpose: "terraform-state" },
      offline: props.offline,
    });
    this.stateBucket = new Bucket(this, "StateBucket", {
      bucketName: stateBackend(env).bucket,
      versioned: true,
      noncurrentVersionExpirationDays: 365,
      preventDestroy: true,
    });
    const users = [env, ...(props.sharedWith ?? [])].map((e) => e.name).join(", ");
    new TerraformOutput(this, "state_bucket", { value: this.stateBucket.name, description: `Terraform state bucket of: ${users}` });

    // AWS validates GitHub's certificate against its own trusted CAs, so no thumbprint_list (optional since
    // hashicorp/aws 5.81; a pinned thumbprint would only break at GitHub's next certificate rotation).
    this.githubOidcProviderArn =
      props.githubOidcProviderArn ?? new IamOpenidConnectProvider(this, "GitHubOidc", { url: GITHUB_OIDC_URL, clientIdList: [GITHUB_OIDC_AUDIENCE] }).arn;
    new TerraformOutput(this, "github_oidc_provider_arn", { value: this.githubOidcProviderArn, description: "GitHub Actions OIDC identity provider" });

    const access: Record<string, GitHubActionsAccess> = {};
    for (const e of [env, ...(props.sharedWith ?? [])]) {
      const a = new GitHubActionsAccess(this, `GitHubActions-${e.name}`, { env: e, oidcProviderArn: this.githubOidcProviderArn });
      access[e.name] = a;
      const key = e.name.replace(/-/g, "_");
      new TerraformOutput(this, `${key}_plan_role_arn`, {
        value: a.planRole.arn,
        description: `Role for pull-request plans of ${e.name}: repository variable PLAN_ROLE_ARN_${key.toUpperCase()}`,
      });
      new TerraformOutput(this, `${key}_deploy_role_arn`, {
        value: a.deployRole.arn,
        description: `Role for deploys of ${e.name}: variable DEPLOY_ROLE_ARN of the GitHub environment "${e.name}"`,
      });
    }
    this.ciAccess = access;
  }
}
