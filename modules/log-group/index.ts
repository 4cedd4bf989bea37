import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { nameFromArn } from "../core/arn";
import { Grant } from "../core/grant";
import { IGrantable } from "../core/iam";
import { IKey, ILogGroup } from "../core/interfaces";
import { PropsValidator } from "../core/validation";
import { keyFromProps, validateKeyAlias } from "../kms-key/deprecated-arn";
import { DEFAULT_LOG_RETENTION_DAYS } from "./defaults";
import { LOG_GROUP_WRITE_ACTIONS } from "./perms";

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export interface LogGroupProps {
  /** Full log group name (1–512 chars), e.g. `/aws/lambda/<function>`; built by the owning module. */
  readonly logGroupName: string;
  /** Days to keep events; one of LOG_RETENTION_DAYS. Never infinite. @default 30 */
  readonly retentionDays?: number;
  /**
   * Customer-managed KMS key that encrypts the log data (`kms_key_id`). Its policy must allow
   * `logs.<region>.amazonaws.com` (Key's `allowServices`), or creating the log group fails.
   * @default the AWS-owned key of CloudWatch Logs
   */
  readonly encryptionKey?: IKey;
  /**
   * KMS key ARN to encrypt the log data (its policy must allow logs.<region>.amazonaws.com).
   * @deprecated pass `encryptionKey` (a Key, or `Key.fromArn(scope, id, arn)`); still works, with a synth warning.
   * Mutually exclusive with `encryptionKey`.
   * @default AWS-owned key
   */
  readonly kmsKeyArn?: string;
  /** Keep the log group (and its data) when Terraform would destroy it. @default false */
  readonly preventDestroy?: boolean;
}

export type { ILogGroup } from "../core/interfaces";

export { LOG_GROUP_WRITE_ACTIONS } from "./perms";

/** Options of `LogGroup.fromArn`. */
export interface LogGroupImportOptions {
  /** The log group's name. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly name?: string;
  /** The customer-managed key that encrypts the log data. @default none (the AWS-owned key) */
  readonly encryptionKey?: IKey;
}

/** Grants shared by created and imported log groups. */
abstract class LogGroupBase extends Construct implements ILogGroup {
  public abstract readonly name: string;
  public abstract readonly arn: string;
  public abstract readonly encryptionKey?: IKey;

  /** Gives logs:CreateLogStream and logs:PutLogEvents on the group's log streams (`<group ARN>:*`). */
  public grantWrite(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...LOG_GROUP_WRITE_ACTIONS], resources: [`${this.arn}:*`] });
  }
}

class ImportedLogGroup extends LogGroupBase {
  public readonly name: string;
  public readonly arn: string;
  public readonly encryptionKey?: IKey;

  constructor(scope: Construct, id: string, arn: string, options: LogGroupImportOptions) {
    super(scope, id);
    const importer = `LogGroup.fromArn(scope, "${id}")`;
    // `log-group:<name>`, or `log-group:<name>:*` as the console shows it: the name may hold '/', never ':'.
    const resourceName = (resource: string): string => {
      const m = /^log-group:([^:]+)(:\*)?$/.exec(resource);
      if (!m) throw new Error(`${importer}: "${arn}" is not a log group ARN. Fix: pass arn:aws:logs:<region>:<account>:log-group:<name>.`);
      return m[1];
    };
    this.name = nameFromArn(importer, arn, "logs", options.name, { resourceName });
    this.arn = arn.replace(/:\*$/, "");
    this.encryptionKey = options.encryptionKey;
  }
}

/** A CloudWatch log group that always has a retention, created before whatever writes to it. */
export class LogGroup extends LogGroupBase {
  /**
   * Imports an existing log group by ARN (`arn:aws:logs:<region>:<account>:log-group:<name>`, with or without `:*`),
   * for grants. A token ARN (another stack's output) needs `options.name`.
   */
  public static fromArn(scope: Construct, id: string, arn: string, options: LogGroupImportOptions = {}): ILogGroup {
    return new ImportedLogGroup(scope, id, arn, options);
  }

  public readonly name: string;
  public readonly arn: string;
  /** The customer-managed key that encrypts the log data; undefined with the AWS-owned key. */
  public readonly encryptionKey?: IKey;
  public readonly resource: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    const retention = props.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    const v = new PropsValidator("LogGroup", this.node.path)
      .oneOf("retentionDays", retention, LOG_RETENTION_DAYS as readonly number[], "pick a retention CloudWatch Logs supports, e.g. 30 or 365")
      .string("logGroupName", props.logGroupName, { min: 1, max: 512, pattern: /^[\w\-./#]+$/, describe: "1–512 characters of [A-Za-z0-9_-./#]" });
    validateKeyAlias(v, props);
    v.throwIfInvalid();
    this.encryptionKey = keyFromProps(this, "LogGroup", props);
    this.resource = new CloudwatchLogGroup(this, "Resource", {
      name: props.logGroupName,
      retentionInDays: retention,
      kmsKeyId: this.encryptionKey?.arn,
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });
    this.name = this.resource.name;
    this.arn = this.resource.arn;
  }
}
