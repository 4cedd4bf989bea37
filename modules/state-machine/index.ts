import { ITerraformDependable, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { parseArn } from "../core/arn";
import { Grant } from "../core/grant";
import { assertLeastPrivilege, IEnvironmentConsumer, IGrantable, PolicyDocument, PolicyStatement } from "../core/iam";
import { envVarPrefix, Naming, physicalName } from "../core/naming";
import { PropsValidator } from "../core/validation";
import { partitionOf, providerRegion } from "../core/provider";
import { IKey } from "../kms-key";
import { LogGroup } from "../log-group";
import { Definition, renderDefinition } from "./asl";
import { LOG_DELIVERY_ACTIONS, READ_EXECUTION_ACTIONS, START_EXECUTION_ACTIONS, STATES_PRINCIPAL, XRAY_ACTIONS } from "./perms";
import { TaskGrantee } from "./tasks";
import { validateDefinition } from "./validate-definition";
import { validateStateMachineProps } from "./validate-props";
import { DEFAULT_LOG_RETENTION_DAYS } from "../log-group/defaults";

export { Retry, States, renderDefinition, renderState } from "./asl";
export type {
  Catcher,
  ChoiceCondition,
  ChoiceOptions,
  ChoiceRule,
  ChoiceState,
  Definition,
  FailOptions,
  FailState,
  PassOptions,
  PassState,
  Retrier,
  State,
  SucceedOptions,
  SucceedState,
  TaskOptions,
  TaskState,
  TransientRetryOptions,
  WaitOptions,
  WaitState,
} from "./asl";
export {
  AWS_SDK_SERVICES,
  DYNAMODB_TRANSIENT_ERRORS,
  INVOKE_TIMEOUT_MARGIN_SECONDS,
  LAMBDA_TRANSIENT_ERRORS,
  SDK_CALL_TIMEOUT_SECONDS,
  Tasks,
  awsSdkTransientErrors,
} from "./tasks";
export type { AwsSdkOptions, DynamoDbAction, InvokeOptions, JsonObject, JsonValue, TaskGrantee, TaskResource } from "./tasks";
export { validateDefinition, withPlaceholders } from "./validate-definition";
export { LOG_LEVELS } from "./validate-props";

/** Log level of the execution history events sent to CloudWatch Logs. */
export type StateMachineLogLevel = "ALL" | "ERROR" | "FATAL" | "OFF";

/** A Step Functions state machine, created by the `state-machine` module or imported. */
export interface IStateMachine extends IConstruct {
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  readonly arn: string;
  readonly name: string;
  /** states:StartExecution on this state machine. */
  grantStartExecution(grantee: IGrantable): Grant;
  /** states:DescribeExecution and states:GetExecutionHistory on this state machine's executions. */
  grantRead(grantee: IGrantable): Grant;
  /** Both grants, and the environment variable (default `<ID>_STATE_MACHINE_ARN`) set to the ARN. */
  connect(consumer: IEnvironmentConsumer, envVar?: string): Grant;
}

export interface StateMachineLogging {
  /** Which execution events are logged. @default "ERROR" */
  readonly level?: StateMachineLogLevel;
  /** Log each state's input and output too (they may hold personal data). @default false */
  readonly includeExecutionData?: boolean;
}

export interface StateMachineProps {
  /** Logical name, 1–80 characters of [A-Za-z0-9_-]; the physical name is `<app>-<env>-<name>` (≤ 80, hashed when longer). */
  readonly name: string;
  /** The workflow, built from `States.*` and `Tasks.*`; validated at synth. */
  readonly definition: Definition;
  /** Execution logs to the state machine's own log group. @default { level: "ERROR", includeExecutionData: false } */
  readonly logging?: StateMachineLogging;
  /** Retention of the log group, a value CloudWatch Logs accepts. @default 30 */
  readonly logRetentionDays?: number;
  /** Keep the log group when Terraform would destroy it. @default false */
  readonly preventLogGroupDestroy?: boolean;
  /**
   * Customer-managed key encrypting the log group; its policy must allow `logs.<region>.amazonaws.com` (Key's
   * `allowServices`). @default the AWS-owned key of CloudWatch Logs
   */
  readonly logEncryptionKey?: IKey;
  /** X-Ray tracing of executions. @default true */
  readonly tracing?: boolean;
  /**
   * The 12-digit account the state machine lives in: the role's trust policy requires it as `aws:SourceAccount` and
   * names the state machine's ARN as `aws:SourceArn`. @default the account of the stack's naming context (AwsStack: its only allowed account)
   */
  readonly accountId?: string;
  /** The region of the state machine (its ARN in the trust policy and the execution ARNs). @default the region of the stack's AWS provider */
  readonly region?: string;
}

/** Attributes of `StateMachine.fromAttributes`. */
export interface StateMachineAttributes {
  /** The state machine ARN; a token (another stack's output, a variable) is fine. */
  readonly arn: string;
  /** The state machine name, needed with a token ARN for `name` and `grantRead`. @default from a literal ARN */
  readonly name?: string;
  /** Region, needed with a token ARN for `grantRead`. @default from a literal ARN */
  readonly region?: string;
  /** Account, needed with a token ARN for `grantRead`. @default from a literal ARN */
  readonly accountId?: string;
}

const STATE_MACHINE_RESOURCE = /^stateMachine:([A-Za-z0-9_-]{1,80})$/;

/** What every state machine (created or imported) offers: least-privilege grants and wiring to a function. */
export abstract class StateMachineBase extends Construct implements IStateMachine {
  public abstract readonly arn: string;
  public abstract readonly name: string;

  /** The ARN pattern of this state machine's executions, `arn:…:execution:<name>:*`. */
  protected abstract executionsArn(method: string): string;

  /** Gives states:StartExecution on the state machine ARN. */
  public grantStartExecution(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...START_EXECUTION_ACTIONS], resources: [this.arn] });
  }

  /**
   * Gives states:DescribeExecution and states:GetExecutionHistory on `arn:…:execution:<name>:*` (this machine's
   * executions only).
   */
  public grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...READ_EXECUTION_ACTIONS], resources: [this.executionsArn("grantRead")] });
  }

  /**
   * Wires a function to the state machine in one call: grantStartExecution, grantRead, and the environment variable
   * holding the ARN.
   * @param envVar @default `<ID>_STATE_MACHINE_ARN` from the construct id, e.g. `DeleteUser` → DELETE_USER_STATE_MACHINE_ARN
   */
  public connect(consumer: IEnvironmentConsumer, envVar?: string): Grant {
    const grant = Grant.combine(this.grantStartExecution(consumer), this.grantRead(consumer));
    consumer.addEnvironment(envVar ?? `${envVarPrefix(this.node.id)}_STATE_MACHINE_ARN`, this.arn);
    return grant;
  }
}

class ImportedStateMachine extends StateMachineBase {
  private readonly knownName?: string;
  private readonly region?: string;
  private readonly account?: string;
  private readonly partition: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly importer: string,
    public readonly arn: string,
    attrs: Omit<StateMachineAttributes, "arn">,
  ) {
    super(scope, id);
    const parsed = parseArn(importer, arn, "states");
    if (parsed && (!STATE_MACHINE_RESOURCE.test(parsed.resource) || parsed.region === "" || parsed.account === "")) {
      throw new Error(`${importer}: "${arn}" is not a state machine ARN. Fix: pass arn:aws:states:<region>:<account>:stateMachine:<name>.`);
    }
    new PropsValidator(importer, this.node.path)
      .string("name", attrs.name, { pattern: /^[A-Za-z0-9_-]{1,80}$/, describe: "1–80 characters of [A-Za-z0-9_-]" })
      .string("region", attrs.region, { pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, describe: 'an AWS region such as "eu-west-1"' })
      .string("accountId", attrs.accountId, { pattern: /^\d{12}$/, describe: "a 12-digit AWS account id" })
      .throwIfInvalid();
    this.knownName = parsed ? STATE_MACHINE_RESOURCE.exec(parsed.resource)![1] : attrs.name;
    this.region = parsed?.region ?? attrs.region;
    this.account = parsed?.account ?? attrs.accountId;
    this.partition = parsed ? arn.split(":")[1] : "aws";
  }

  public get name(): string {
    if (this.knownName === undefined) throw new Error(`${this.importer}: the state machine's name is unknown (token ARN). Fix: pass name to StateMachine.fromAttributes.`);
    return this.knownName;
  }

  protected executionsArn(method: string): string {
    if (!Token.isUnresolved(this.arn)) return `${this.arn.replace(":stateMachine:", ":execution:")}:*`;
    if (this.knownName === undefined || this.region === undefined || this.account === undefined) {
      throw new Error(
        `${this.importer}: ${method} needs the executions' ARN, but the state machine ARN is a token. Fix: pass name, region and accountId to StateMachine.fromAttributes.`,
      );
    }
    return `arn:${this.partition}:states:${this.region}:${this.account}:execution:${this.knownName}:*`;
  }
}

/**
 * A STANDARD Step Functions state machine whose definition is built from typed states (`States.*`, `Tasks.*`),
 * validated at synth (targets, reachability, retries with backoff of every transient error, a Catch on every Task, and
 * asl-validator), with a role that holds only what its Tasks were granted (plus log delivery and X-Ray), assumable by
 * Step Functions for this state machine only; execution logs (level ERROR by default, no execution data) go to its own
 * log group with retention, and executions are traced with X-Ray.
 */
export class StateMachine extends StateMachineBase implements IGrantable {
  /** Imports a state machine by its literal ARN (`arn:aws:states:<region>:<account>:stateMachine:<name>`). */
  public static fromArn(scope: Construct, id: string, arn: string): IStateMachine {
    const importer = `StateMachine.fromArn("${id}")`;
    if (Token.isUnresolved(arn)) {
      throw new Error(`${importer}: the ARN is a token, so the name cannot be derived from it. Fix: use StateMachine.fromAttributes(scope, id, { arn, name, region, accountId }).`);
    }
    return new ImportedStateMachine(scope, id, importer, arn, {});
  }

  /** Imports a state machine by ARN, a token included (pass name, region and accountId with a token ARN for grantRead). */
  public static fromAttributes(scope: Construct, id: string, attrs: StateMachineAttributes): IStateMachine {
    return new ImportedStateMachine(scope, id, `StateMachine.fromAttributes("${id}")`, attrs.arn, attrs);
  }

  public readonly arn: string;
  public readonly name: string;
  public readonly logGroup: LogGroup;
  public readonly role: IamRole;
  public readonly roleArn: string;
  public readonly resource: SfnStateMachine;
  /** The typed definition the state machine was built from. */
  public readonly definition: Definition;
  public readonly grantPrincipalPath: string;
  /** The role's least-privilege policy resource: what a `Grant` to this state machine lets a caller depend on. */
  public readonly policyDependable: ITerraformDependable;
  private readonly policy = new PolicyDocument();
  private readonly executions: string;

  constructor(scope: Construct, id: string, props: StateMachineProps) {
    super(scope, id);
    validateStateMachineProps(this.node.path, props);
    validateDefinition(this.node.path, props.definition);
    this.grantPrincipalPath = this.node.path;
    this.definition = props.definition;
    const owner = `StateMachine "${this.node.path}"`;

    const account = props.accountId ?? Naming.accountOf(this);
    const region = props.region ?? providerRegion(this);
    if (account === undefined || region === undefined) {
      throw new Error(
        `${owner}: the role's trust policy names this state machine's ARN (aws:SourceArn) and account (aws:SourceAccount), but the ${account === undefined ? "account" : "region"} is unknown. ` +
          `Fix: pass ${account === undefined ? "accountId (or configure the stack's naming account, as AwsStack does with one allowed account)" : "region (or give the stack's AWS provider a literal region)"}.`,
      );
    }
    const partition = partitionOf(region);
    const stateMachineName = physicalName(this, props.name, { maxLength: 80 });
    const ownArn = `arn:${partition}:states:${region}:${account}:stateMachine:${stateMachineName}`;
    this.executions = `arn:${partition}:states:${region}:${account}:execution:${stateMachineName}:*`;
    const tracing = props.tracing ?? true;
    const level = props.logging?.level ?? "ERROR";

    this.logGroup = new LogGroup(this, "LogGroup", {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      encryptionKey: props.logEncryptionKey,
      preventDestroy: props.preventLogGroupDestroy ?? false,
    });

    this.role = new IamRole(this, "Role", {
      name: physicalName(this, `${props.name}-sfn`, { maxLength: 64 }),
      description: `Execution role of state machine ${stateMachineName}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: STATES_PRINCIPAL },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": ownArn } },
          },
        ],
      }),
    });
    this.roleArn = this.role.arn;

    const grantee: TaskGrantee = {
      grantPrincipalPath: this.node.path,
      addToPrincipalPolicy: (statement) => this.addToPrincipalPolicy(statement),
      addWildcardToPrincipalPolicy: (statement) => this.policy.add(statement),
    };
    for (const state of Object.values(props.definition.states)) {
      if (state.type === "Task") state.task.grant(grantee);
    }
    if (tracing) this.addToPrincipalPolicy({ sid: "XRayWrite", actions: [...XRAY_ACTIONS], resources: ["*"] });
    const rolePolicy = new IamRolePolicy(this, "Policy", { name: "least-privilege", role: this.role.id, policy: this.policy.lazy() });
    this.policyDependable = rolePolicy;
    const logDelivery = new IamRolePolicy(this, "LogDeliveryPolicy", {
      name: "log-delivery",
      role: this.role.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "VendedLogDelivery", Effect: "Allow", Action: [...LOG_DELIVERY_ACTIONS], Resource: "*" }] }),
    });

    this.resource = new SfnStateMachine(this, "Resource", {
      name: stateMachineName,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: JSON.stringify(renderDefinition(props.definition)),
      loggingConfiguration: { logDestination: `${this.logGroup.arn}:*`, includeExecutionData: props.logging?.includeExecutionData ?? false, level },
      tracingConfiguration: { enabled: tracing },
      dependsOn: [rolePolicy, logDelivery, this.logGroup.resource],
    });
    this.arn = this.resource.arn;
    this.name = this.resource.name;
  }

  /** The definition in Amazon States Language (tokens unresolved), e.g. to run it on a local interpreter. */
  public toAsl(): Record<string, unknown> {
    return renderDefinition(this.definition);
  }

  /** Adds a least-privilege statement to the state machine's role; wildcard actions and scoped actions on "*" throw. */
  public addToPrincipalPolicy(statement: PolicyStatement): void {
    assertLeastPrivilege(`StateMachine "${this.node.path}"`, statement);
    this.policy.add(statement);
  }

  protected executionsArn(): string {
    return this.executions;
  }
}
