import { Fn, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { parseArn } from "../core/arn";
import { Grant } from "../core/grant";
import { IGrantable, policyJson, sidPart } from "../core/iam";
import { IKey, ServiceUseOptions } from "../core/interfaces";
import { physicalName } from "../core/naming";
import { PropsValidator } from "../core/validation";
import { ACCOUNT_ROOT_KEY_ACTIONS, KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_DECRYPT_ACTIONS, LOGS_SERVICE_KEY_ACTIONS, SERVICE_KEY_ACTIONS } from "./perms";
import { SERVICE_PRINCIPAL, validateKeyProps } from "./validate-props";

export type { IKey, ServiceUseOptions } from "../core/interfaces";

export interface KeyProps {
  /** Logical name, 1–200 chars of [a-zA-Z0-9_-]; the alias is `alias/<app>-<env>-<name>` (≤ 256 with the prefix). */
  readonly name: string;
  /**
   * The 12-digit id of the account the key lives in. The key policy names `arn:aws:iam::<accountId>:root`
   * (so IAM policies of that account govern the key) and scopes service principals with `aws:SourceAccount`.
   * Required: a key policy cannot reference the key's own account, and looking it up would need a data source
   * that calls AWS (offline plans have none). Pass it from the environment config.
   */
  readonly accountId: string;
  /** Description, ≤ 8192 chars. @default "<alias name> (<construct path>)" */
  readonly description?: string;
  /** Automatic rotation of the key material. @default true */
  readonly enableKeyRotation?: boolean;
  /** Days between automatic rotations, 90–2560; only with rotation on. @default 365 */
  readonly rotationPeriodDays?: number;
  /** Waiting period before a scheduled deletion takes effect, 7–30 days. @default 30 */
  readonly deletionWindowDays?: number;
  /**
   * AWS service principals allowed to use the key for resources of this account, e.g. `cloudwatch.amazonaws.com`
   * (alarms publishing to an encrypted topic), `sns.amazonaws.com` (delivery to an encrypted queue),
   * `logs.<region>.amazonaws.com` (an encrypted log group). They get kms:Decrypt and kms:GenerateDataKey*
   * with `aws:SourceAccount` = accountId (CloudWatch Logs: its documented actions, scoped with the
   * `kms:EncryptionContext:aws:logs:arn` of the account and region). More can be added with allowServiceUse().
   * @default [] (no service principal)
   */
  readonly allowServices?: readonly string[];
}

abstract class KeyBase extends Construct implements IKey {
  public abstract readonly arn: string;
  public abstract readonly keyId: string;

  /** Gives kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on this key's ARN. */
  public grantEncryptDecrypt(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...KEY_ENCRYPT_DECRYPT_ACTIONS], resources: [this.arn] });
  }

  /** Gives kms:Decrypt on this key's ARN. */
  public grantDecrypt(grantee: IGrantable): Grant {
    return Grant.addToPrincipal(grantee, { actions: [...KEY_DECRYPT_ACTIONS], resources: [this.arn] });
  }

  public abstract allowServiceUse(servicePrincipal: string, options?: ServiceUseOptions): boolean;
}

class ImportedKey extends KeyBase {
  public readonly keyId: string;
  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
  ) {
    super(scope, id);
    const importer = `Key.fromArn("${id}")`;
    const parsed = parseArn(importer, arn, "kms");
    if (parsed && !parsed.resource.startsWith("key/")) {
      throw new Error(
        `${importer}: "${arn}" is not a key ARN (${parsed.resource}). Fix: pass the key's ARN (arn:aws:kms:<region>:<account>:key/<key id>); IAM grants cannot name an alias.`,
      );
    }
    // A token ARN (another stack's output): the id is its last `/` segment, read by Terraform at apply.
    this.keyId = parsed ? parsed.resource.slice("key/".length) : Token.asString(Fn.element(Fn.split("/", arn), 1));
  }

  public allowServiceUse(): boolean {
    return false;
  }
}

interface ServiceAccess {
  anySource: boolean;
  readonly sourceArns: string[];
}

/**
 * A customer-managed symmetric KMS key with an alias `alias/<app>-<env>-<name>`, automatic rotation and a 30-day
 * deletion window by default. Its policy lets the account's IAM policies govern it and lets the listed AWS service
 * principals use it for this account only; the policy renders at synth, so services allowed later still land in it.
 */
export class Key extends KeyBase {
  /**
   * Imports an existing key by ARN (`arn:aws:kms:<region>:<account>:key/<id>`), for grants. A token ARN is fine: the key
   * id is then read from it at apply. An alias ARN is refused (IAM grants cannot name an alias).
   */
  public static fromArn(scope: Construct, id: string, arn: string): IKey {
    return new ImportedKey(scope, id, arn);
  }

  public readonly arn: string;
  public readonly keyId: string;
  /** `alias/<app>-<env>-<name>` (known at synth). */
  public readonly aliasName: string;
  public readonly aliasArn: string;
  public readonly accountId: string;
  public readonly resource: KmsKey;
  public readonly alias: KmsAlias;
  private readonly services = new Map<string, ServiceAccess>();

  constructor(scope: Construct, id: string, props: KeyProps) {
    super(scope, id);
    validateKeyProps(this.node.path, props);
    this.accountId = props.accountId;
    this.aliasName = `alias/${physicalName(this, props.name, { maxLength: 250 })}`;
    for (const service of props.allowServices ?? []) this.allowServiceUse(service);

    const rotation = props.enableKeyRotation ?? true;
    this.resource = new KmsKey(this, "Resource", {
      description: props.description ?? `${this.aliasName} (${this.node.path})`,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: rotation,
      rotationPeriodInDays: rotation ? (props.rotationPeriodDays ?? 365) : undefined,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: Lazy.stringValue({ produce: () => this.renderPolicy() }),
    });
    this.alias = new KmsAlias(this, "Alias", { name: this.aliasName, targetKeyId: this.resource.keyId });
    this.arn = this.resource.arn;
    this.keyId = this.resource.keyId;
    this.aliasArn = this.alias.arn;
  }

  /**
   * Lets an AWS service principal use the key for this account's resources (optionally only for `sourceArn`).
   * Idempotent; an account-wide allowance absorbs resource-scoped ones. Always returns true.
   */
  public allowServiceUse(servicePrincipal: string, options: ServiceUseOptions = {}): boolean {
    new PropsValidator("Key.allowServiceUse", this.node.path)
      .string("servicePrincipal", servicePrincipal, { pattern: SERVICE_PRINCIPAL, describe: 'an AWS service principal such as "sns.amazonaws.com"' })
      .throwIfInvalid();
    const access = this.services.get(servicePrincipal) ?? { anySource: false, sourceArns: [] };
    if (options.sourceArn === undefined) access.anySource = true;
    else if (!access.sourceArns.includes(options.sourceArn)) access.sourceArns.push(options.sourceArn);
    this.services.set(servicePrincipal, access);
    return true;
  }

  /** Service principals currently allowed (for tests and diagnostics). */
  public get allowedServices(): readonly string[] {
    return [...this.services.keys()];
  }

  private renderPolicy(): string {
    const statements: Array<Record<string, unknown>> = [
      {
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${this.accountId}:root` },
        Action: ACCOUNT_ROOT_KEY_ACTIONS[0],
        // In a key policy "*" means "this key".
        Resource: "*",
      },
    ];
    for (const [service, access] of this.services) {
      const logs = /^logs\.([a-z0-9-]+)\.amazonaws\.com/.exec(service);
      const scoped = !access.anySource && access.sourceArns.length > 0;
      const sources = access.sourceArns.length === 1 ? access.sourceArns[0] : [...access.sourceArns];
      let condition: Record<string, Record<string, string | string[]>>;
      if (logs) {
        // CloudWatch Logs sends no aws:SourceArn to KMS: a log group is identified by the encryption context only.
        condition = { ArnLike: { "kms:EncryptionContext:aws:logs:arn": scoped ? sources : `arn:aws:logs:${logs[1]}:${this.accountId}:*` } };
      } else {
        condition = { StringEquals: { "aws:SourceAccount": this.accountId } };
        if (scoped) condition.ArnLike = { "aws:SourceArn": sources };
      }
      statements.push({
        Sid: `AllowService${sidPart(service)}`,
        Effect: "Allow",
        Principal: { Service: service },
        Action: logs ? [...LOGS_SERVICE_KEY_ACTIONS] : [...SERVICE_KEY_ACTIONS],
        Resource: "*",
        Condition: condition,
      });
    }
    return policyJson(statements);
  }
}
