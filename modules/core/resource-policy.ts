import { Lazy, Token } from "cdktf";
import { assertLeastPrivilege, policyJson, PolicyStatement, sidPart } from "./iam";

/** Principals of a resource-policy statement. */
export interface ResourcePolicyPrincipals {
  /** AWS service principals, e.g. `events.amazonaws.com`. @default none */
  readonly Service?: string | readonly string[];
  /** IAM principal ARNs (roles, accounts), or `"*"` (allowed only with conditions). @default none */
  readonly AWS?: string | readonly string[];
}

/**
 * What every resource-policy statement says, whatever the resource (queue, topic, bucket): each module adds how a
 * statement names its resources.
 */
export interface ResourcePolicyStatementBase {
  /** Statement id. @default none */
  readonly sid?: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly principals: ResourcePolicyPrincipals | "*";
  /** Exact actions (an Allow refuses wildcards). */
  readonly actions: readonly string[];
  /** IAM condition block, e.g. `{ ArnEquals: { "aws:SourceArn": ruleArn } }`. @default none */
  readonly conditions?: PolicyStatement["conditions"];
}

/**
 * Renders one resource-policy statement on `resources` (ARNs). An Allow must list exact actions and may name principal
 * "*" only with conditions; `owner` names the module and construct in the errors.
 */
export function renderResourceStatement(owner: string, resources: readonly string[], s: ResourcePolicyStatementBase): Record<string, unknown> {
  const effect = s.effect ?? "Allow";
  if (effect === "Allow") {
    assertLeastPrivilege(owner, { actions: s.actions, resources });
    const everyone = s.principals === "*" || s.principals.AWS === "*" || (Array.isArray(s.principals.AWS) && s.principals.AWS.includes("*"));
    if (everyone && (s.conditions === undefined || Object.keys(s.conditions).length === 0)) {
      throw new Error(
        `${owner}: a resource-policy Allow for principal "*" without conditions opens the resource to every AWS account. ` +
          `Fix: name the principals (a role ARN, a service principal), or add a condition such as aws:SourceArn / aws:PrincipalOrgID.`,
      );
    }
  }
  if (s.actions.length === 0) throw new Error(`${owner}: resource-policy statement has no actions. Fix: list the actions to ${effect.toLowerCase()}.`);
  const principal = s.principals === "*" ? "*" : Object.fromEntries(Object.entries(s.principals).map(([k, v]) => [k, Array.isArray(v) && v.length === 1 ? v[0] : v]));
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = effect;
  out.Principal = principal;
  out.Action = s.actions.length === 1 ? s.actions[0] : [...s.actions];
  out.Resource = resources.length === 1 ? resources[0] : [...resources];
  if (s.conditions) out.Condition = s.conditions;
  return out;
}

/** `ArnEquals` for literal ARNs, `ArnLike` when any ARN has a wildcard. */
export function sourceArnCondition(sourceArns: readonly string[]): Record<string, Record<string, string | string[]>> {
  const like = sourceArns.some((a) => !Token.isUnresolved(a) && /[*?]/.test(a));
  return { [like ? "ArnLike" : "ArnEquals"]: { "aws:SourceArn": sourceArns.length === 1 ? sourceArns[0] : [...sourceArns] } };
}

/**
 * Statement ids for service statements: `base` the first time, then `base2`, `base3`, ... so that two statements for the
 * same service (different source accounts) keep unique Sids.
 */
export function sidAllocator(): (base: string) => string {
  const counts = new Map<string, number>();
  return (base) => {
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  };
}

/** How a resource renders the statements that let AWS services reach it (`Allow<Service><sidSuffix>`). */
export interface ServiceStatementOptions {
  /** Statement id suffix after `Allow<Service>`, e.g. `SendMessage`. */
  readonly sidSuffix: string;
  /** Actions each service gets, e.g. `["sqs:SendMessage"]`. */
  readonly actions: readonly string[];
  /**
   * The `aws:SourceAccount` of a service allowed without one (read at synth, when the policy renders).
   * @default no aws:SourceAccount condition
   */
  readonly defaultSourceAccount?: () => string;
}

/** What one service may do, for one source account (or any). */
interface ServiceAccess {
  readonly service: string;
  readonly sourceAccount?: string;
  anySource: boolean;
  readonly sourceArns: string[];
}

/**
 * A resource policy that grows as statements and services are added and renders at synth: the queue and topic policies
 * (and any resource whose policy names only itself). Statements are deduplicated; services are grouped per service and
 * source account, one statement each, whose `aws:SourceArn` condition lists every source allowed.
 */
export class ResourcePolicy {
  private readonly statements: Record<string, unknown>[] = [];
  private readonly keys = new Set<string>();
  private readonly services = new Map<string, ServiceAccess>();

  constructor(
    private readonly owner: string,
    private readonly resources: readonly string[],
    /** How services allowed with `allowService` are rendered. @default none (allowService throws) */
    private readonly serviceStatements?: ServiceStatementOptions,
  ) {}

  /** Adds a statement already rendered as IAM JSON (the TLS-only Deny, for instance). */
  public addRendered(statement: Record<string, unknown>): void {
    const key = JSON.stringify(statement);
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.statements.push(statement);
  }

  /** Adds a statement on `resources` (checked by `renderResourceStatement`). @param resources @default the policy's resources */
  public addStatement(statement: ResourcePolicyStatementBase, resources: readonly string[] = this.resources): void {
    this.addRendered(renderResourceStatement(this.owner, resources, statement));
  }

  /**
   * Allows `service` the service actions, only on behalf of `sourceArn` (any source of the account when undefined: an
   * account-wide allowance absorbs source-scoped ones) and, with `sourceAccount`, only from that account.
   */
  public allowService(service: string, sourceArn: string | undefined, sourceAccount: string | undefined): void {
    if (!this.serviceStatements) throw new Error(`${this.owner}: this resource policy takes no service statements. Fix: add the statement with addStatement.`);
    const key = `${service}|${sourceAccount ?? ""}`;
    const access = this.services.get(key) ?? { service, sourceAccount, anySource: false, sourceArns: [] };
    if (sourceArn === undefined) access.anySource = true;
    else if (!access.sourceArns.includes(sourceArn)) access.sourceArns.push(sourceArn);
    this.services.set(key, access);
  }

  /** The policy document as JSON, with every statement and service added so far. */
  public render(): string {
    const sid = sidAllocator();
    const services = [...this.services.values()].map((access) => {
      const { actions, sidSuffix, defaultSourceAccount } = this.serviceStatements!;
      const account = access.sourceAccount ?? defaultSourceAccount?.();
      const condition = {
        ...(!access.anySource && access.sourceArns.length > 0 ? sourceArnCondition(access.sourceArns) : {}),
        ...(account !== undefined ? { StringEquals: { "aws:SourceAccount": account } } : {}),
      };
      return {
        Sid: sid(`Allow${sidPart(access.service)}${sidSuffix}`),
        Effect: "Allow",
        Principal: { Service: access.service },
        Action: actions.length === 1 ? actions[0] : [...actions],
        Resource: this.resources.length === 1 ? this.resources[0] : [...this.resources],
        Condition: condition,
      };
    });
    return policyJson([...this.statements, ...services]);
  }

  /** A token that renders the policy at synth, with everything added by then. */
  public lazy(): string {
    return Lazy.stringValue({ produce: () => this.render() });
  }
}
