import { ITerraformDependable } from "cdktf";
import { IGrantable, PolicyStatement } from "./iam";

/**
 * What a grant method gave a principal, as aws-cdk-lib's `Grant` does: the statements it added to the grantee's
 * policy, their actions and resources, and something to depend on so a resource that needs the permission is created
 * after it (`dependsOn: [grant]`, or `grant.dependable`).
 *
 * Every `grant*` method of every module returns one; `Grant.combine` (or `combine`) joins grants of one grantee.
 */
export class Grant implements ITerraformDependable {
  /**
   * Adds `statements` to `grantee`'s policy, in order, and returns the grant that records them. The grantee checks each
   * statement (least privilege) as it always does; a statement it refuses throws before the grant exists.
   */
  public static addToPrincipal(grantee: IGrantable, ...statements: PolicyStatement[]): Grant {
    for (const statement of statements) grantee.addToPrincipalPolicy(statement);
    return new Grant(grantee, statements);
  }

  /** A grant that added nothing (a grant that had nothing to give, e.g. a key grant on an unencrypted resource). */
  public static empty(grantee: IGrantable): Grant {
    return new Grant(grantee, []);
  }

  /**
   * Joins grants of one grantee into one (undefined entries, e.g. `key?.grantDecrypt(g)`, are skipped). Throws when
   * the grants name different grantees or when there is none.
   */
  public static combine(...grants: ReadonlyArray<Grant | undefined>): Grant {
    const present = grants.filter((g): g is Grant => g !== undefined);
    if (present.length === 0) throw new Error("Grant.combine: no grant to combine. Fix: pass at least one Grant.");
    return present.slice(1).reduce((acc, g) => acc.combine(g), present[0]);
  }

  private constructor(
    /** The principal the statements were added to. */
    public readonly grantee: IGrantable,
    /** The statements added to the grantee's policy, in the order they were added. */
    public readonly statements: readonly PolicyStatement[],
  ) {}

  /** Every action the grant gives, once each, in the order first granted. */
  public get actions(): string[] {
    return unique(this.statements.flatMap((s) => s.actions));
  }

  /** Every resource ARN (or ARN pattern) the grant names, once each, in the order first granted. */
  public get resourceArns(): string[] {
    return unique(this.statements.flatMap((s) => s.resources));
  }

  /** True when the grant added no statement. */
  public get isEmpty(): boolean {
    return this.statements.length === 0;
  }

  /**
   * The resource holding the grantee's policy (an `aws_iam_role_policy`), so a resource that uses the permission can be
   * created after it; undefined when the grantee does not expose one (a principal managed elsewhere).
   */
  public get dependable(): ITerraformDependable | undefined {
    return this.grantee.policyDependable;
  }

  /**
   * The grantee's policy resource, so `dependsOn: [grant]` works like `dependsOn: [grant.dependable]`. Throws when the
   * grantee exposes no policy resource.
   */
  public get fqn(): string {
    const d = this.dependable;
    if (d === undefined) {
      throw new Error(
        `Grant to "${this.grantee.grantPrincipalPath}": the grantee exposes no policy resource (policyDependable), so nothing can depend on the grant. ` +
          `Fix: depend on the grantee's policy resource directly, or grant to a principal of this app (a LambdaFunction, a StateMachine).`,
      );
    }
    return d.fqn;
  }

  /** This grant and `other` as one grant (same grantee). */
  public combine(other: Grant): Grant {
    if (other.grantee !== this.grantee) {
      throw new Error(
        `Grant.combine: grants to "${this.grantee.grantPrincipalPath}" and "${other.grantee.grantPrincipalPath}" cannot be combined. Fix: combine grants of one grantee only.`,
      );
    }
    return new Grant(this.grantee, [...this.statements, ...other.statements]);
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
