import { ITerraformDependable } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { Bucket, IBucket } from "../bucket";
import { Grant } from "../core/grant";
import { assertLeastPrivilege, IEnvironmentConsumer, IGrantable, PolicyDocument, PolicyStatement } from "../core/iam";
import { IStream } from "../core/interfaces";
import { envVarPrefix, Naming, physicalName } from "../core/naming";
import { PropsValidator } from "../core/validation";
import { partitionOf, providerRegion } from "../core/provider";
import { IKey } from "../kms-key";
import { LogGroup } from "../log-group";
import { LakeColumn } from "./columns";
import {
  ATHENA_BUCKET_LOCATION_ACTIONS,
  ATHENA_QUERY_ACTIONS,
  ATHENA_RESULTS_BUCKET_ACTIONS,
  ATHENA_RESULTS_OBJECT_ACTIONS,
  FIREHOSE_BUCKET_ACTIONS,
  FIREHOSE_LOGS_ACTIONS,
  GLUE_READ_ACTIONS,
} from "./perms";
import { ERROR_PREFIX_ROOT, validateDataLakeProps } from "./validate-props";
import { DEFAULT_LOG_RETENTION_DAYS } from "../log-group/defaults";

export { lakeColumnsFromZod, LAKE_COLUMN_TYPES } from "./columns";
export type { LakeColumn, LakeColumnType } from "./columns";
export { ATHENA_ENGINE_VERSIONS, MIN_BYTES_SCANNED_CUTOFF } from "./validate-props";

/** Days Athena query results are kept unless the caller sets `resultsExpirationDays`. */
export const DEFAULT_RESULTS_EXPIRATION_DAYS = 30;

/** A Firehose delivery stream (what monitoring needs of it). */
export interface IDeliveryStream extends IConstruct {
  readonly name: string;
  readonly arn: string;
}

/** A saved query of the workgroup (`aws_athena_named_query`). */
export interface NamedQueryDefinition {
  /** At most 1024 characters. */
  readonly description: string;
  /** Athena SQL, 1–262144 characters, over the lake table (the database is the named query's). */
  readonly sql: string;
}

/** What a consumer of the lake needs: where to run queries, over what, and the grant to run them. */
export interface IDataLake extends IConstruct {
  /** The Athena workgroup queries must run in (it enforces its result location, encryption and scan cutoff). */
  readonly workgroupName: string;
  /** `arn:<partition>:athena:<region>:<account>:workgroup/<name>`. */
  readonly workgroupArn: string;
  /** The Glue database holding the lake table: the query context. */
  readonly databaseName: string;
  readonly tableName: string;
  /** Ids of the workgroup's named queries, by name (empty for an imported lake unless given). */
  readonly namedQueryIds: Readonly<Record<string, string>>;
  /**
   * Exactly what running a query of the lake needs: athena:StartQueryExecution/GetQueryExecution/GetQueryResults on
   * the workgroup; glue:GetDatabase/GetTable/GetPartitions on the catalog, database and table; s3:GetObject(Version)
   * and s3:ListBucket (s3:prefix = the lake prefix) on the lake, s3:GetBucketLocation on both buckets; read, write and
   * multipart-upload listing under the results prefix; kms:Decrypt on the lake key and kms:Encrypt/Decrypt/GenerateDataKey
   * on the results key, if any.
   */
  grantQuery(grantee: IGrantable): Grant;
  /** grantQuery, and sets `<PREFIX>_WORKGROUP` and `<PREFIX>_DATABASE` on the function. */
  connect(consumer: IEnvironmentConsumer, envPrefix?: string): Grant;
}

export interface DataLakeProps {
  /** Logical name, 1–40 characters of [a-z0-9-]: the stream is `<app>-<env>-<name>-lake`, the workgroup `<app>-<env>-<name>`, the Glue database `<app>_<env>_<name>`. */
  readonly name: string;
  /** The Kinesis stream Firehose reads (its role gets the stream's read grant). */
  readonly source: IStream;
  /** The table's columns (one per field of the records; see `lakeColumnsFromZod`), without the partition `dt`. */
  readonly columns: readonly LakeColumn[];
  /**
   * First day of partition projection (`projection.dt.range = <date>,NOW`), YYYY-MM-DD. Athena enumerates the days from
   * here to today for a query without a `dt` predicate, so keep it close to when data starts.
   */
  readonly partitionStartDate: string;
  /** Key prefix of the lake's objects, ending in "/", not under `errors/`. @default `<name>/` */
  readonly prefix?: string;
  /** Glue table name, [a-z0-9_]. @default `<name>_events` with '-' as '_' */
  readonly tableName?: string;
  /** The bucket Firehose delivers to. @default a Bucket `<name>-lake` of this construct (private, encrypted, versioned, TLS only) */
  readonly bucket?: IBucket;
  /**
   * Customer-managed key: Firehose encrypts delivered objects with it (SSE-KMS) and Athena encrypts results with it
   * (SSE_KMS). @default the lake bucket's own key if it has one, else SSE-S3 objects and SSE_S3 results
   */
  readonly encryptionKey?: IKey;
  /** Seconds Firehose buffers before writing an object, 0–900. @default 300 */
  readonly bufferingIntervalSeconds?: number;
  /** MB Firehose buffers before writing an object, 1–128. @default 5 */
  readonly bufferingSizeMb?: number;
  /** Days query results are kept in the results bucket, 1–36500. @default 30 */
  readonly resultsExpirationDays?: number;
  /** Bytes one query may scan before Athena cancels it, ≥ 10,485,760 (10 MiB). @default 1 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Athena engine version of the workgroup. @default "Athena engine version 3" */
  readonly engineVersion?: "AUTO" | "Athena engine version 3";
  /** Saved queries of the workgroup (`aws_athena_named_query`), by name. @default none */
  readonly namedQueries?: Readonly<Record<string, NamedQueryDefinition>>;
  /** Retention of Firehose's error log group, a value CloudWatch Logs accepts. @default 30 */
  readonly logRetentionDays?: number;
  /** Region of the workgroup and catalog ARNs in grants. @default the stack's AWS provider region */
  readonly region?: string;
  /** Account of the workgroup and catalog ARNs in grants. @default the stack's naming context account */
  readonly accountId?: string;
  /** Let `terraform destroy` delete non-empty buckets and a workgroup with queries. @default false */
  readonly forceDestroy?: boolean;
  /** Terraform `prevent_destroy` on the buckets, database, table and log group. @default false */
  readonly preventDestroy?: boolean;
}

/** Attributes of `DataLake.fromAttributes`. */
export interface DataLakeAttributes {
  readonly workgroupName: string;
  readonly databaseName: string;
  readonly tableName: string;
  /** The bucket holding the lake's objects. */
  readonly bucket: IBucket;
  /** Key prefix of the lake's objects, ending in "/". */
  readonly prefix: string;
  /** The workgroup's results bucket and the prefix of its output location (ending in "/"). */
  readonly resultsBucket: IBucket;
  readonly resultsPrefix: string;
  readonly region: string;
  readonly accountId: string;
  /** @default "aws" */
  readonly partition?: string;
  /** @default {} */
  readonly namedQueryIds?: Readonly<Record<string, string>>;
}

/** Prefix of query results in the results bucket. */
export const RESULTS_PREFIX = "results/";
/** Firehose's error output: `errors/<error type>/dt=<day>/`. */
export const ERROR_OUTPUT_PREFIX = `${ERROR_PREFIX_ROOT}!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`;
/** The log stream Firehose writes delivery errors to. */
export const DELIVERY_LOG_STREAM = "DestinationDelivery";
/** The JSON SerDe of the table. */
export const JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";

interface ArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** What every lake (created or imported) offers: the query grant and wiring to a function. */
export abstract class DataLakeBase extends Construct implements IDataLake {
  public abstract readonly workgroupName: string;
  public abstract readonly databaseName: string;
  public abstract readonly tableName: string;
  public abstract readonly namedQueryIds: Readonly<Record<string, string>>;
  public abstract readonly bucket: IBucket;
  public abstract readonly prefix: string;
  public abstract readonly resultsBucket: IBucket;
  public abstract readonly resultsPrefix: string;
  protected abstract readonly arnParts: ArnParts;

  public get workgroupArn(): string {
    const p = this.arnParts;
    return `arn:${p.partition}:athena:${p.region}:${p.account}:workgroup/${this.workgroupName}`;
  }

  /** The Glue catalog, database and table ARNs Athena reads the definition from. */
  public get catalogArns(): string[] {
    const p = this.arnParts;
    const base = `arn:${p.partition}:glue:${p.region}:${p.account}`;
    return [`${base}:catalog`, `${base}:database/${this.databaseName}`, `${base}:table/${this.databaseName}/${this.tableName}`];
  }

  /**
   * Gives athena:StartQueryExecution, athena:GetQueryExecution and athena:GetQueryResults on the workgroup;
   * glue:GetDatabase, glue:GetTable and glue:GetPartitions on the catalog, database and table; s3:GetBucketLocation on
   * both buckets; the lake bucket's `grantRead` under the lake prefix (s3:GetObject, s3:GetObjectVersion, s3:ListBucket);
   * the results bucket's `grantReadWrite` under the results prefix (plus s3:PutObject, s3:AbortMultipartUpload),
   * s3:ListBucketMultipartUploads on the results bucket and s3:ListMultipartUploadParts on its results; and the KMS
   * actions of those bucket grants on their keys, if any.
   */
  public grantQuery(grantee: IGrantable): Grant {
    return Grant.combine(
      Grant.addToPrincipal(
        grantee,
        { actions: [...ATHENA_QUERY_ACTIONS], resources: [this.workgroupArn] },
        { actions: [...GLUE_READ_ACTIONS], resources: this.catalogArns },
        { actions: [...ATHENA_BUCKET_LOCATION_ACTIONS], resources: [this.bucket.arn, this.resultsBucket.arn] },
      ),
      this.bucket.grantRead(grantee, `${this.prefix}*`),
      this.resultsBucket.grantReadWrite(grantee, `${this.resultsPrefix}*`),
      Grant.addToPrincipal(
        grantee,
        { actions: [...ATHENA_RESULTS_BUCKET_ACTIONS], resources: [this.resultsBucket.arn] },
        { actions: [...ATHENA_RESULTS_OBJECT_ACTIONS], resources: [`${this.resultsBucket.arn}/${this.resultsPrefix}*`] },
      ),
    );
  }

  /**
   * @param envPrefix @default from the construct id, e.g. `ActivityLake` → ACTIVITY_LAKE (ACTIVITY_LAKE_WORKGROUP,
   * ACTIVITY_LAKE_DATABASE)
   */
  public connect(consumer: IEnvironmentConsumer, envPrefix?: string): Grant {
    const grant = this.grantQuery(consumer);
    const prefix = envPrefix ?? envVarPrefix(this.node.id);
    consumer.addEnvironment(`${prefix}_WORKGROUP`, this.workgroupName);
    consumer.addEnvironment(`${prefix}_DATABASE`, this.databaseName);
    return grant;
  }
}

class ImportedDataLake extends DataLakeBase {
  public readonly workgroupName: string;
  public readonly databaseName: string;
  public readonly tableName: string;
  public readonly namedQueryIds: Readonly<Record<string, string>>;
  public readonly bucket: IBucket;
  public readonly prefix: string;
  public readonly resultsBucket: IBucket;
  public readonly resultsPrefix: string;
  protected readonly arnParts: ArnParts;

  constructor(scope: Construct, id: string, attrs: DataLakeAttributes) {
    super(scope, id);
    const importer = `DataLake.fromAttributes("${id}")`;
    new PropsValidator(importer, this.node.path)
      .string("workgroupName", attrs.workgroupName, { pattern: /^[a-zA-Z0-9._-]{1,128}$/, describe: "1–128 characters of [a-zA-Z0-9._-]" })
      .string("databaseName", attrs.databaseName, { pattern: /^[a-z0-9_]{1,255}$/, describe: "1–255 characters of [a-z0-9_]" })
      .string("tableName", attrs.tableName, { pattern: /^[a-z0-9_]{1,255}$/, describe: "1–255 characters of [a-z0-9_]" })
      .string("prefix", attrs.prefix, { pattern: /^[^/].*\/$/, describe: "a key prefix ending in '/' without a leading '/'" })
      .string("resultsPrefix", attrs.resultsPrefix, { pattern: /^[^/].*\/$/, describe: "a key prefix ending in '/' without a leading '/'" })
      .string("region", attrs.region, { pattern: /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, describe: 'an AWS region such as "eu-west-1"' })
      .string("accountId", attrs.accountId, { pattern: /^\d{12}$/, describe: "a 12-digit AWS account id" })
      .throwIfInvalid();
    this.workgroupName = attrs.workgroupName;
    this.databaseName = attrs.databaseName;
    this.tableName = attrs.tableName;
    this.namedQueryIds = { ...(attrs.namedQueryIds ?? {}) };
    this.bucket = attrs.bucket;
    this.prefix = attrs.prefix;
    this.resultsBucket = attrs.resultsBucket;
    this.resultsPrefix = attrs.resultsPrefix;
    this.arnParts = { partition: attrs.partition ?? "aws", region: attrs.region, account: attrs.accountId };
  }
}

/** The delivery stream's role: trusted by Firehose for this account only; its policy renders at synth. */
class DeliveryRole extends Construct implements IGrantable {
  public readonly grantPrincipalPath: string;
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;
  public readonly policyDependable: ITerraformDependable;
  private readonly document = new PolicyDocument();

  constructor(scope: Construct, id: string, name: string, account: string) {
    super(scope, id);
    this.grantPrincipalPath = this.node.path;
    this.role = new IamRole(this, "Resource", {
      name,
      description: `Role of the Firehose delivery stream of ${scope.node.path}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        // sts:ExternalId = the account: Firehose passes it, so no other account's stream can use this role.
        Statement: [{ Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": account } } }],
      }),
    });
    this.policy = new IamRolePolicy(this, "Policy", { name: "least-privilege", role: this.role.id, policy: this.document.lazy() });
    this.policyDependable = this.policy;
  }

  public addToPrincipalPolicy(statement: PolicyStatement): void {
    assertLeastPrivilege(`DataLake delivery role "${this.node.path}"`, statement);
    this.document.add(statement);
  }
}

/**
 * A data lake fed by a Kinesis stream, queried with Athena:
 * - Firehose reads the stream (its own role: the stream's read grant, puts under the lake and error prefixes, its log
 *   stream) and writes GZIP JSON lines (a newline appended to each record) to `<prefix>dt=YYYY-MM-DD/` (Firehose's
 *   arrival day, UTC), SSE-KMS with the key or the bucket's default encryption, failed records to
 *   `errors/<type>/dt=YYYY-MM-DD/`, delivery errors to CloudWatch Logs;
 * - a Glue database and table over the prefix: JSON SerDe, partition key `dt` (string) resolved by partition projection
 *   (no crawler, no partitions to add);
 * - an Athena workgroup that enforces its configuration: results in its own bucket (encrypted, expired after N days),
 *   a per-query scan cutoff, a pinned engine version; named queries.
 * `grantQuery` gives a function exactly what running those queries needs.
 */
export class DataLake extends DataLakeBase {
  /** Imports a lake created elsewhere, for `grantQuery`/`connect`. */
  public static fromAttributes(scope: Construct, id: string, attrs: DataLakeAttributes): IDataLake {
    return new ImportedDataLake(scope, id, attrs);
  }

  public readonly workgroupName: string;
  public readonly databaseName: string;
  public readonly tableName: string;
  public readonly namedQueryIds: Readonly<Record<string, string>>;
  public readonly bucket: IBucket;
  public readonly prefix: string;
  public readonly resultsBucket: Bucket;
  public readonly resultsPrefix = RESULTS_PREFIX;
  /** The key of delivered objects and query results, if any. */
  public readonly encryptionKey?: IKey;
  /** The Firehose delivery stream (an IDeliveryStream: name and arn). */
  public readonly deliveryStream: KinesisFirehoseDeliveryStream;
  public readonly deliveryLogGroup: LogGroup;
  public readonly database: GlueCatalogDatabase;
  public readonly table: GlueCatalogTable;
  public readonly workgroup: AthenaWorkgroup;
  public readonly namedQueries: Readonly<Record<string, AthenaNamedQuery>>;
  public readonly deliveryRole: IamRole;
  protected readonly arnParts: ArnParts;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    validateDataLakeProps(this.node.path, props);
    const resultsExpirationDays = props.resultsExpirationDays ?? DEFAULT_RESULTS_EXPIRATION_DAYS;
    const region = props.region ?? providerRegion(this);
    const account = props.accountId ?? Naming.accountOf(this);
    if (region === undefined || account === undefined) {
      throw new Error(
        `DataLake "${this.node.path}": the ${region === undefined ? "region" : "account"} of the workgroup and Glue ARNs is unknown ` +
          `(grants name them). Fix: pass ${region === undefined ? 'region (e.g. "eu-west-1")' : "accountId (12 digits)"} in the props, ` +
          `or configure the stack's ${region === undefined ? "AWS provider with a literal region" : "naming context with one account (AwsStack allowedAccountIds)"}.`,
      );
    }
    this.arnParts = { partition: partitionOf(region), region, account };
    this.prefix = props.prefix ?? `${props.name}/`;
    const forceDestroy = props.forceDestroy ?? false;
    const preventDestroy = props.preventDestroy ?? false;
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;

    this.bucket = props.bucket ?? new Bucket(this, "Bucket", { name: `${props.name}-lake`, encryptionKey: props.encryptionKey, forceDestroy, preventDestroy });
    this.encryptionKey = props.encryptionKey ?? this.bucket.encryptionKey;
    this.resultsBucket = new Bucket(this, "Results", {
      name: `${props.name}-athena-results`,
      // Results are re-creatable: no versions to keep, every object expires.
      versioned: false,
      expirations: [{ prefix: "", days: resultsExpirationDays }],
      encryptionKey: this.encryptionKey,
      forceDestroy,
      preventDestroy,
    });

    // --- Firehose: Kinesis → S3
    const streamName = physicalName(this, `${props.name}-lake`, { maxLength: 64 });
    this.deliveryLogGroup = new LogGroup(this, "DeliveryLogs", {
      logGroupName: `/aws/kinesisfirehose/${streamName}`,
      retentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      preventDestroy,
    });
    const logStream = new CloudwatchLogStream(this, "DeliveryLogStream", { name: DELIVERY_LOG_STREAM, logGroupName: this.deliveryLogGroup.name });
    const role = new DeliveryRole(this, "DeliveryRole", physicalName(this, `${props.name}-lake-firehose`, { maxLength: 64 }), account);
    this.deliveryRole = role.role;
    props.source.grantRead(role);
    for (const pattern of [`${this.prefix}*`, `${ERROR_PREFIX_ROOT}*`]) {
      // bucket.grantPut adds the bucket key's encrypt/decrypt when the bucket has one
      this.bucket.grantPut(role, pattern);
    }
    role.addToPrincipalPolicy({ actions: [...FIREHOSE_BUCKET_ACTIONS], resources: [this.bucket.arn] });
    role.addToPrincipalPolicy({ actions: [...FIREHOSE_LOGS_ACTIONS], resources: [`${this.deliveryLogGroup.arn}:log-stream:${DELIVERY_LOG_STREAM}`] });
    if (props.encryptionKey !== undefined) props.encryptionKey.grantEncryptDecrypt(role);

    this.deliveryStream = new KinesisFirehoseDeliveryStream(this, "DeliveryStream", {
      name: streamName,
      destination: "extended_s3",
      kinesisSourceConfiguration: { kinesisStreamArn: props.source.arn, roleArn: role.role.arn },
      extendedS3Configuration: {
        roleArn: role.role.arn,
        bucketArn: this.bucket.arn,
        prefix: `${this.prefix}dt=!{timestamp:yyyy-MM-dd}/`,
        errorOutputPrefix: ERROR_OUTPUT_PREFIX,
        bufferingInterval: props.bufferingIntervalSeconds ?? 300,
        bufferingSize: props.bufferingSizeMb ?? 5,
        compressionFormat: "GZIP",
        kmsKeyArn: props.encryptionKey?.arn,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: this.deliveryLogGroup.name, logStreamName: logStream.name },
        // Producers put one JSON object per record without a newline: Firehose appends one, so every object is JSON
        // lines, which the JSON SerDe reads line by line.
        processingConfiguration: { enabled: true, processors: [{ type: "AppendDelimiterToRecord" }] },
      },
      // Firehose checks at creation that it can assume the role and read the stream.
      dependsOn: [role.policy],
    });

    // --- Glue: database + table with partition projection (no crawler)
    this.databaseName = physicalName(this, props.name, { maxLength: 255, lowerCase: true }).replace(/-/g, "_");
    this.tableName = props.tableName ?? `${props.name.replace(/-/g, "_")}_events`;
    this.database = new GlueCatalogDatabase(this, "Database", {
      name: this.databaseName,
      description: `Data lake of ${this.node.path}: s3://<lake bucket>/${this.prefix}`,
      lifecycle,
    });
    const location = `s3://${this.bucket.name}/${this.prefix}`;
    this.table = new GlueCatalogTable(this, "Table", {
      name: this.tableName,
      databaseName: this.database.name,
      tableType: "EXTERNAL_TABLE",
      description: "Records delivered by Firehose, GZIP JSON lines, partitioned by delivery day (dt, UTC)",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "json",
        compressionType: "gzip",
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": `${props.partitionStartDate},NOW`,
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        // `$${dt}`: a literal ${dt} for Athena, not a Terraform interpolation.
        "storage.location.template": `${location}dt=$\${dt}/`,
      },
      partitionKeys: [{ name: "dt", type: "string", comment: "Delivery day (UTC) from Firehose's prefix, YYYY-MM-DD" }],
      storageDescriptor: {
        location,
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        compressed: true,
        serDeInfo: { name: "json", serializationLibrary: JSON_SERDE, parameters: { "case.insensitive": "TRUE" } },
        columns: props.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      },
      lifecycle,
    });

    // --- Athena: workgroup (enforced configuration) + named queries
    this.workgroupName = physicalName(this, props.name, { maxLength: 128 });
    const key = this.encryptionKey;
    this.workgroup = new AthenaWorkgroup(this, "Workgroup", {
      name: this.workgroupName,
      description: `Queries of the ${props.name} data lake (results expire after ${resultsExpirationDays} days)`,
      state: "ENABLED",
      forceDestroy,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 1024 ** 3,
        engineVersion: { selectedEngineVersion: props.engineVersion ?? "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.name}/${RESULTS_PREFIX}`,
          encryptionConfiguration: key ? { encryptionOption: "SSE_KMS", kmsKeyArn: key.arn } : { encryptionOption: "SSE_S3" },
        },
      },
    });
    const queries: Record<string, AthenaNamedQuery> = {};
    const ids: Record<string, string> = {};
    for (const [name, q] of Object.entries(props.namedQueries ?? {})) {
      queries[name] = new AthenaNamedQuery(this, `Query-${name}`, {
        name,
        description: q.description,
        database: this.database.name,
        workgroup: this.workgroup.id,
        query: q.sql,
      });
      ids[name] = queries[name].id;
    }
    this.namedQueries = queries;
    this.namedQueryIds = ids;
  }
}
