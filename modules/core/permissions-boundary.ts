import { Aspects, IAspect, TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

/** The Terraform resource types that take a `permissions_boundary` and that the platform (or a team) may create. */
const ROLE_TYPES: ReadonlySet<string> = new Set(["aws_iam_role"]);

/** Sets (or removes) the permissions boundary of every role below the scope it was added to. */
class PermissionsBoundaryAspect implements IAspect {
  constructor(private readonly policyArn: string | undefined) {}

  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node) || !ROLE_TYPES.has(node.terraformResourceType)) return;
    // A role that names its own boundary keeps it (as aws-cdk-lib's PermissionsBoundary does for an explicit one).
    const own = (node as unknown as { permissionsBoundaryInput?: string }).permissionsBoundaryInput;
    if (own !== undefined) return;
    if (this.policyArn === undefined) node.addOverride("permissions_boundary", undefined);
    else node.addOverride("permissions_boundary", this.policyArn);
  }
}

/**
 * A permissions boundary for every IAM role of a scope (a stack, or any construct below it), as aws-cdk-lib's
 * `PermissionsBoundary.of(scope).apply(policy)`: modules that create roles (LambdaFunction's execution role, and any
 * role a team adds with the provider's IamRole) need no prop for it. Applied at synth through an aspect, so roles
 * created before or after the call get it alike; a role that sets `permissionsBoundary` itself keeps its own, and
 * `clear()` on a child scope removes the inherited boundary there.
 *
 * ```ts
 * PermissionsBoundary.of(stack).apply(`arn:aws:iam::${account}:policy/${app}-${env}-boundary`);
 * ```
 */
export class PermissionsBoundary {
  /** The permissions boundary setting of this scope and everything below it. */
  public static of(scope: IConstruct): PermissionsBoundary {
    return new PermissionsBoundary(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Every role below the scope gets this managed policy (ARN) as its permissions boundary. */
  public apply(policyArn: string): void {
    if (!/^arn:[a-z-]+:iam::(\d{12}|\$\{.+\}):policy\/.+$/.test(policyArn) && !policyArn.startsWith("${")) {
      throw new Error(
        `PermissionsBoundary.of(${this.scope.node.path || "app"}).apply: "${policyArn}" is not a managed policy ARN. Fix: pass arn:<partition>:iam::<account>:policy/<name>.`,
      );
    }
    Aspects.of(this.scope).add(new PermissionsBoundaryAspect(policyArn));
  }

  /** Roles below the scope get no boundary from an enclosing scope (a role's own `permissionsBoundary` stays). */
  public clear(): void {
    Aspects.of(this.scope).add(new PermissionsBoundaryAspect(undefined));
  }
}
