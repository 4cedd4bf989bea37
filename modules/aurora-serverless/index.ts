import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { parseArn } from "../core/arn";
import { Grant } from "../core/grant";
import { IEnvironmentConsumer, IGrantable } from "../core/iam";
import { DataApiConnectOptions, IDataApiDatabase, IKey } from "../core/interfaces";
import { envVarPrefix, physicalName } from "../core/naming";
import { PropsValidator } from "../core/validation";
import { DATA_API_ACTIONS, DATA_API_SECRET_ACTIONS } from "./perms";
import { checkIdentifier, validateAuroraProps } from "./validate-props";

/**
 * The default Aurora PostgreSQL version: a current 17.x minor. Every 17.x supports both the RDS Data API (17.4+) and a
 * minimum capacity of 0 ACU with automatic pause. AWS retires minor versions: bump it when AWS announces the end of
 * standard support of this one.
 */
export const DEFAULT_AURORA_POSTGRES_VERSION = "17.7";

/** The instance class of every Aurora Serverless v2 instance. */
export const SERVERLESS_INSTANCE_CLASS = "db.serverless";

export interface AuroraServerlessProps {
  /**
   * Logical name: 1–50 characters, a lower-case letter first, then lower-case letters, digits and single hyphens.
   * The cluster identifier is `<app>-<env>-<name>` (≤ 63, shortened with a hash when longer); the writer instance is
   * `<app>-<env>-<name>-writer`, readers `<app>-<env>-<name>-reader-<n>`.
   */
  readonly name: string;
  /**
   * Aurora PostgreSQL version `<major>.<minor>`. It must support the Data API on Serverless v2 (13.11+, 14.8+, 15.3+,
   * 16.1+, 17.4+) and, with `minCapacity: 0`, automatic pause (13.15+, 14.12+, 15.7+, 16.3+, any 17.x).
   * Terraform owns the version (see `autoMinorVersionUpgrade`): upgrades are a reviewed change of this prop.
   * @default DEFAULT_AURORA_POSTGRES_VERSION ("17.7")
   */
  readonly engineVersion?: string;
  /**
   * Name of the database created in the cluster: 1–63 letters, digits or underscores, starting with a letter.
   * @default the logical name with hyphens replaced by underscores (`analytics`, `user_events`)
   */
  readonly databaseName?: string;
  /**
   * Master user name (1–63 letters, digits or underscores, starting with a letter; not an RDS-reserved name). Its
   * password is generated and rotated by RDS in a Secrets Manager secret (`manage_master_user_password`): it is never in
   * Terraform state or in this code. The Data API signs in with that secret.
   * @default "postgres"
   */
  readonly masterUsername?: string;
  /**
   * Minimum capacity in ACU (1 ACU ≈ 2 GiB of memory), 0–256 in steps of 0.5. 0 lets every instance pause after
   * `secondsUntilAutoPause` without connections (no compute charge while paused); the first Data API call after a
   * pause fails with `DatabaseResumingException` for up to ~15 s and must be retried with backoff.
   * @default 0.5 (never pauses)
   */
  readonly minCapacity?: number;
  /** Maximum capacity in ACU, 1–256 in steps of 0.5, ≥ minCapacity. @default 2 */
  readonly maxCapacity?: number;
  /** Seconds without user connections before an instance pauses, 300 (5 minutes) – 86400 (1 day); only with minCapacity 0. @default 300 */
  readonly secondsUntilAutoPause?: number;
  /**
   * Reader instances (Serverless v2, promotion tier 1: they scale with the writer and are failover targets), 0–15.
   * With the Data API every statement goes to the writer; readers add failover capacity, not read scaling.
   * @default 0
   */
  readonly readers?: number;
  /**
   * Customer-managed KMS key encrypting the cluster storage and its snapshots. Storage is always encrypted.
   * @default the AWS-managed key `aws/rds`
   */
  readonly encryptionKey?: IKey;
  /**
   * Customer-managed KMS key encrypting the managed master-user secret. With one, `grantDataApi` also grants
   * kms:Decrypt on it (the Data API reads the secret with the caller's credentials).
   * @default the AWS-managed key `aws/secretsmanager` (no key grant needed)
   */
  readonly secretEncryptionKey?: IKey;
  /** Refuse DeleteDBCluster (AWS-side guard; turn it off before a planned destroy). @default true */
  readonly deletionProtection?: boolean;
  /** Days automated backups (point-in-time restore) are kept, 1–35. @default 7 */
  readonly backupRetentionDays?: number;
  /**
   * Destroy the cluster without a final snapshot (every row is lost). Meant for throw-away environments.
   * @default false (a final snapshot `finalSnapshotIdentifier` is taken on destroy)
   */
  readonly skipFinalSnapshot?: boolean;
  /**
   * The data is disposable (a development or local environment): deletion protection off together with
   * `skipFinalSnapshot` is intended, so synth does not warn about it. @default false (that combination warns)
   */
  readonly disposable?: boolean;
  /**
   * Name of the final snapshot taken on destroy (1–255 characters: lower-case letters, digits and single hyphens,
   * letter first). Snapshot names are unique per account and region: destroying a re-created cluster fails while a
   * snapshot of that name exists (delete or rename it first). Refused with `skipFinalSnapshot: true`.
   * @default `<cluster identifier>-final`
   */
  readonly finalSnapshotIdentifier?: string;
  /** IAM database authentication (database users that sign in with IAM tokens). Not needed by the Data API. @default false */
  readonly iamDatabaseAuthentication?: boolean;
  /**
   * DB subnet group the cluster and its instances live in (private subnets of your VPC). The Data API reaches the
   * cluster without any network path from the caller: Lambda functions need no VPC.
   * @default the default VPC's default subnet group (instances are never publicly accessible)
   */
  readonly dbSubnetGroupName?: string;
  /** Security group ids of the cluster (sg-...); the Data API needs no inbound rule. @default the VPC's default security group */
  readonly vpcSecurityGroupIds?: readonly string[];
  /** PostgreSQL port, 1150–65535. @default 5432 */
  readonly port?: number;
  /**
   * Let AWS apply minor engine upgrades to the instances in the maintenance window. Off by default because Terraform
   * pins `engineVersion`: an upgrade applied behind its back shows up as a downgrade in the next plan. Take minor
   * releases by bumping `engineVersion` instead. (AWS still upgrades a minor version at its end of life.)
   * @default false
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /** Terraform lifecycle `prevent_destroy` on the cluster (plan fails before a destroy or replace). @default false */
  readonly preventDestroy?: boolean;
}

export type { DataApiConnectOptions, IDataApiDatabase } from "../core/interfaces";

/** Attributes of an existing Data API-enabled Aurora cluster, for `AuroraServerless.fromAttributes`. */
export interface AuroraServerlessAttributes {
  /** `arn:aws:rds:<region>:<account>:cluster:<identifier>`. The cluster must have the Data API (HTTP endpoint) on. */
  readonly clusterArn: string;
  /** ARN of the secret holding the credentials the Data API uses (`arn:aws:secretsmanager:...:secret:...`). */
  readonly secretArn: string;
  readonly databaseName: string;
  /** The secret's customer-managed key, so grants include kms:Decrypt on it. @default none (AWS-managed key) */
  readonly secretEncryptionKey?: IKey;
}

/** Grants and wiring shared by created and imported clusters. */
export abstract class AuroraServerlessBase extends Construct implements IDataApiDatabase {
  public abstract readonly clusterArn: string;
  public abstract readonly secretArn: string;
  public abstract readonly databaseName: string;
  /** The customer-managed key of the secret; undefined for the AWS-managed key. */
  public abstract readonly secretEncryptionKey?: IKey;

  /**
   * What a function needs to run SQL through the Data API. Gives rds-data:BatchExecuteStatement,
   * rds-data:BeginTransaction, rds-data:CommitTransaction, rds-data:ExecuteStatement and rds-data:RollbackTransaction on
   * this cluster's ARN only, secretsmanager:GetSecretValue on its secret only, and kms:Decrypt on the secret's
   * customer-managed key, if any.
   */
  public grantDataApi(grantee: IGrantable): Grant {
    return Grant.combine(
      Grant.addToPrincipal(grantee, { actions: [...DATA_API_ACTIONS], resources: [this.clusterArn] }, { actions: [...DATA_API_SECRET_ACTIONS], resources: [this.secretArn] }),
      this.secretEncryptionKey?.grantDecrypt(grantee),
    );
  }

  /**
   * Wires a function to the database in one call: grants Data API access and sets the three environment variables a
   * Data API client needs (`resourceArn`, `secretArn`, `database`).
   */
  public connect(consumer: IEnvironmentConsumer, options: DataApiConnectOptions = {}): Grant {
    const prefix = options.envVarPrefix ?? envVarPrefix(this.node.id);
    const grant = this.grantDataApi(consumer);
    consumer.addEnvironment(`${prefix}_CLUSTER_ARN`, this.clusterArn);
    consumer.addEnvironment(`${prefix}_SECRET_ARN`, this.secretArn);
    consumer.addEnvironment(`${prefix}_DATABASE`, this.databaseName);
    return grant;
  }
}

class ImportedAuroraServerless extends AuroraServerlessBase {
  public readonly clusterArn: string;
  public readonly secretArn: string;
  public readonly databaseName: string;
  public readonly secretEncryptionKey?: IKey;

  constructor(scope: Construct, id: string, attrs: AuroraServerlessAttributes) {
    super(scope, id);
    const importer = `AuroraServerless.fromAttributes("${id}")`;
    const cluster = parseArn(importer, attrs.clusterArn, "rds");
    if (cluster && !/^cluster:[a-z][a-z0-9-]*$/.test(cluster.resource)) {
      throw new Error(`${importer}: "${attrs.clusterArn}" is not a DB cluster ARN. Fix: pass arn:aws:rds:<region>:<account>:cluster:<identifier>.`);
    }
    const secret = parseArn(`${importer}.secretArn`, attrs.secretArn, "secretsmanager");
    if (secret && !secret.resource.startsWith("secret:")) {
      throw new Error(`${importer}: "${attrs.secretArn}" is not a secret ARN. Fix: pass arn:aws:secretsmanager:<region>:<account>:secret:<name>.`);
    }
    new PropsValidator("AuroraServerless.fromAttributes", this.node.path)
      .string("databaseName", attrs.databaseName, { min: 1, max: 63, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, describe: "1–63 letters, digits or underscores, starting with a letter" })
      .throwIfInvalid();
    this.clusterArn = attrs.clusterArn;
    this.secretArn = attrs.secretArn;
    this.databaseName = attrs.databaseName;
    this.secretEncryptionKey = attrs.secretEncryptionKey;
  }
}

/**
 * An Aurora PostgreSQL Serverless v2 cluster reached through the RDS Data API (no VPC, NAT or connection pool for the
 * callers). Secure by default: storage encrypted, the master password generated and kept by RDS in Secrets Manager
 * (never in state), instances never publicly accessible, deletion protection on, 7-day backups, a final snapshot on
 * destroy, tags copied to snapshots. `minCapacity: 0` lets an idle cluster pause (dev environments).
 * Grants are least-privilege on this cluster's ARN and its secret's ARN.
 */
export class AuroraServerless extends AuroraServerlessBase {
  /** Imports an existing Data API-enabled cluster, for grants and `connect`. */
  public static fromAttributes(scope: Construct, id: string, attrs: AuroraServerlessAttributes): IDataApiDatabase {
    return new ImportedAuroraServerless(scope, id, attrs);
  }

  public readonly clusterArn: string;
  /** The cluster identifier `<app>-<env>-<name>` (known at synth). */
  public readonly clusterIdentifier: string;
  /** ARN of the RDS-managed master-user secret (`master_user_secret[0].secret_arn`, known after apply). */
  public readonly secretArn: string;
  public readonly databaseName: string;
  /** Writer endpoint (for clients that connect over the network; Data API callers do not need it). */
  public readonly endpoint: string;
  public readonly readerEndpoint: string;
  public readonly engineVersion: string;
  public readonly minCapacity: number;
  public readonly maxCapacity: number;
  /** Seconds until an idle instance pauses; undefined when minCapacity is above 0 (never pauses). */
  public readonly secondsUntilAutoPause?: number;
  public readonly encryptionKey?: IKey;
  public readonly secretEncryptionKey?: IKey;
  public readonly resource: RdsCluster;
  public readonly writer: RdsClusterInstance;
  public readonly readers: readonly RdsClusterInstance[];

  constructor(scope: Construct, id: string, props: AuroraServerlessProps) {
    super(scope, id);
    this.engineVersion = props.engineVersion ?? DEFAULT_AURORA_POSTGRES_VERSION;
    this.minCapacity = props.minCapacity ?? 0.5;
    this.maxCapacity = props.maxCapacity ?? 2;
    validateAuroraProps(this.node.path, props, { engineVersion: this.engineVersion, minCapacity: this.minCapacity, maxCapacity: this.maxCapacity });

    const idOptions = { maxLength: 63, lowerCase: true, extraChars: "" };
    this.clusterIdentifier = physicalName(this, props.name, idOptions);
    const skipFinalSnapshot = props.skipFinalSnapshot ?? false;
    const finalSnapshotIdentifier = skipFinalSnapshot ? undefined : (props.finalSnapshotIdentifier ?? physicalName(this, `${props.name}-final`, { ...idOptions, maxLength: 255 }));
    const writerIdentifier = physicalName(this, `${props.name}-writer`, idOptions);
    const readerIdentifiers = Array.from({ length: props.readers ?? 0 }, (_, i) => physicalName(this, `${props.name}-reader-${i + 1}`, idOptions));

    // The naming context (or a stack id used as prefix) could still produce an identifier RDS refuses.
    const ids = new PropsValidator("AuroraServerless", this.node.path);
    const fix = "change the name, or the stack's naming context (app/env), so the identifier starts with a letter";
    checkIdentifier(ids, "name (cluster identifier)", this.clusterIdentifier, 63, fix);
    checkIdentifier(ids, "name (instance identifier)", writerIdentifier, 63, fix);
    ids.throwIfInvalid();

    const deletionProtection = props.deletionProtection ?? true;
    if (!deletionProtection && skipFinalSnapshot && props.disposable !== true) {
      Annotations.of(this).addWarning(
        `AuroraServerless "${this.node.path}": deletionProtection is off and skipFinalSnapshot is on, so a destroy (or a replacement) deletes every row with no snapshot. ` +
          "Fix: keep a final snapshot (skipFinalSnapshot: false), or say the data is disposable (disposable: true).",
      );
    }

    this.databaseName = props.databaseName ?? props.name.replace(/-/g, "_");
    this.encryptionKey = props.encryptionKey;
    this.secretEncryptionKey = props.secretEncryptionKey;
    this.secondsUntilAutoPause = this.minCapacity === 0 ? (props.secondsUntilAutoPause ?? 300) : undefined;

    this.resource = new RdsCluster(this, "Resource", {
      clusterIdentifier: this.clusterIdentifier,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: this.engineVersion,
      databaseName: this.databaseName,
      masterUsername: props.masterUsername ?? "postgres",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.secretEncryptionKey?.arn,
      enableHttpEndpoint: true,
      storageEncrypted: true,
      kmsKeyId: props.encryptionKey?.arn,
      serverlessv2ScalingConfiguration: {
        minCapacity: this.minCapacity,
        maxCapacity: this.maxCapacity,
        secondsUntilAutoPause: this.secondsUntilAutoPause,
      },
      port: props.port ?? 5432,
      dbSubnetGroupName: props.dbSubnetGroupName,
      vpcSecurityGroupIds: props.vpcSecurityGroupIds ? [...props.vpcSecurityGroupIds] : undefined,
      iamDatabaseAuthenticationEnabled: props.iamDatabaseAuthentication ?? false,
      deletionProtection,
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      copyTagsToSnapshot: true,
      skipFinalSnapshot,
      finalSnapshotIdentifier,
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });

    const instance = (instanceId: string, identifier: string, promotionTier: number, dependsOn?: RdsClusterInstance[]) =>
      new RdsClusterInstance(this, instanceId, {
        identifier,
        clusterIdentifier: this.resource.id,
        engine: this.resource.engine,
        instanceClass: SERVERLESS_INSTANCE_CLASS,
        publiclyAccessible: false,
        dbSubnetGroupName: props.dbSubnetGroupName,
        autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? false,
        promotionTier,
        copyTagsToSnapshot: true,
        dependsOn,
      });
    // The first instance of an Aurora cluster becomes its writer: readers wait for it.
    this.writer = instance("Writer", writerIdentifier, 0);
    this.readers = readerIdentifiers.map((identifier, i) => instance(`Reader${i + 1}`, identifier, 1, [this.writer]));

    this.clusterArn = this.resource.arn;
    this.secretArn = this.resource.masterUserSecret.get(0).secretArn;
    this.endpoint = this.resource.endpoint;
    this.readerEndpoint = this.resource.readerEndpoint;
  }
}
