import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Grant } from "../core/grant";
import { IEnvironmentConsumer, IGrantable } from "../core/iam";
import { IKey, ITable, TableAccess } from "../core/interfaces";
import { envVarPrefix, physicalName } from "../core/naming";
import { nameFromArn, parseArn } from "../core/arn";
import { keyFromProps } from "../kms-key/deprecated-arn";
import { STREAM_READ_ACTIONS, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from "./perms";
import { validateTableProps } from "./validate-props";

export type { TableAccess } from "../core/interfaces";

export type AttributeType = "S" | "N" | "B";

export interface Attribute {
  /** Attribute name, 1–255 chars. */
  readonly name: string;
  /** S (string), N (number) or B (binary). */
  readonly type: AttributeType;
}

export interface GlobalSecondaryIndex {
  /** Index name, 3–255 chars, unique per table. */
  readonly name: string;
  readonly partitionKey: Attribute;
  /** @default none */
  readonly sortKey?: Attribute;
  /** Attributes copied into the index. @default "ALL" */
  readonly projection?: "ALL" | "KEYS_ONLY" | { readonly include: readonly string[] };
}

export type StreamViewType = "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES" | "KEYS_ONLY";

export interface TableProps {
  /** Logical name; the physical name is `<app>-<env>-<name>` (≤ 255). */
  readonly name: string;
  readonly partitionKey: Attribute;
  /** @default none */
  readonly sortKey?: Attribute;
  /** Up to 20 global secondary indexes. @default [] */
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndex[];
  /** Change stream view; needed by addDynamoDbStreamEventSource. @default no stream */
  readonly stream?: StreamViewType;
  /** Attribute holding an epoch-seconds expiry; expired items are deleted by DynamoDB. @default no TTL */
  readonly ttlAttribute?: string;
  /** Continuous backups with 35-day point-in-time restore. @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Refuse DeleteTable (AWS-side guard). @default true */
  readonly deletionProtection?: boolean;
  /** Terraform lifecycle `prevent_destroy` (plan fails before a destroy/replace). @default false */
  readonly preventDestroy?: boolean;
  /**
   * Customer-managed KMS key for encryption at rest. Readers and stream consumers are granted kms:Decrypt on it, writers
   * kms:Encrypt/Decrypt/GenerateDataKey (on that key only).
   * @default the AWS-managed key (alias/aws/dynamodb); no KMS grant is needed
   */
  readonly encryptionKey?: IKey;
  /**
   * Customer-managed KMS key ARN for encryption at rest.
   * @deprecated pass `encryptionKey` (a Key, or `Key.fromArn(scope, id, arn)`); still works, with a synth warning.
   * Mutually exclusive with `encryptionKey`.
   * @default AWS-managed key (alias/aws/dynamodb)
   */
  readonly kmsKeyArn?: string;
  /** Table class. @default "STANDARD" */
  readonly tableClass?: "STANDARD" | "STANDARD_INFREQUENT_ACCESS";
}

export interface TableImportOptions {
  /** The table's name. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly name?: string;
  /** The table's stream ARN, when stream consumers are wired to the imported table. @default none */
  readonly streamArn?: string;
  /** The table's customer-managed key, so grants include the KMS actions. @default none (AWS-managed key) */
  readonly encryptionKey?: IKey;
}

abstract class TableBase extends Construct implements ITable {
  public abstract readonly arn: string;
  public abstract readonly name: string;
  public abstract readonly streamArn?: string;
  /** The customer-managed key that encrypts the table; undefined with the AWS-managed key. */
  public abstract readonly encryptionKey?: IKey;

  /**
   * Item reads and queries. Gives dynamodb:BatchGetItem, dynamodb:ConditionCheckItem, dynamodb:DescribeTable,
   * dynamodb:GetItem, dynamodb:Query and dynamodb:Scan on the table ARN and `<table ARN>/index/*`; with a
   * customer-managed key also kms:Decrypt on it.
   */
  public grantRead(grantee: IGrantable): Grant {
    return Grant.combine(
      Grant.addToPrincipal(grantee, { actions: [...TABLE_READ_ACTIONS], resources: [this.arn, `${this.arn}/index/*`] }),
      this.encryptionKey?.grantDecrypt(grantee),
    );
  }

  /**
   * Item writes. Gives dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem, dynamodb:DeleteItem,
   * dynamodb:DescribeTable, dynamodb:PutItem and dynamodb:UpdateItem on the table ARN; with a customer-managed key also kms:Decrypt, kms:Encrypt and kms:GenerateDataKey on it.
   */
  public grantWrite(grantee: IGrantable): Grant {
    return Grant.combine(Grant.addToPrincipal(grantee, { actions: [...TABLE_WRITE_ACTIONS], resources: [this.arn] }), this.encryptionKey?.grantEncryptDecrypt(grantee));
  }

  /** `grantRead` and `grantWrite`: every action of both, on the same resources. */
  public grantReadWrite(grantee: IGrantable): Grant {
    return Grant.combine(this.grantRead(grantee), this.grantWrite(grantee));
  }

  /**
   * What a stream event source needs. Gives dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator
   * and dynamodb:ListStreams on `<table ARN>/stream/*`; with a customer-managed key also kms:Decrypt on it.
   */
  public grantStreamRead(grantee: IGrantable): Grant {
    if (this.streamArn === undefined) {
      throw new Error(`Table "${this.node.path}": grantStreamRead needs a stream. Fix: set stream on the Table (or streamArn on the import).`);
    }
    return Grant.combine(Grant.addToPrincipal(grantee, { actions: [...STREAM_READ_ACTIONS], resources: [`${this.arn}/stream/*`] }), this.encryptionKey?.grantDecrypt(grantee));
  }

  /**
   * Wires a function to the table in one call: grants the access and sets the environment variable that names it.
   * @param envVar @default `<NAME>_TABLE_NAME` from the table's logical id, e.g. PROFILES_TABLE_NAME
   */
  public connect(consumer: IEnvironmentConsumer, access: TableAccess, envVar?: string): Grant {
    const grant = access === "read" ? this.grantRead(consumer) : access === "write" ? this.grantWrite(consumer) : this.grantReadWrite(consumer);
    consumer.addEnvironment(envVar ?? `${envVarPrefix(this.node.id)}_TABLE_NAME`, this.name);
    return grant;
  }
}

class ImportedTable extends TableBase {
  public readonly name: string;
  public readonly streamArn?: string;
  public readonly encryptionKey?: IKey;
  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
    options: TableImportOptions,
  ) {
    super(scope, id);
    this.name = nameFromArn(`Table.fromArn(scope, "${id}")`, arn, "dynamodb", options.name);
    if (options.streamArn !== undefined) parseArn(`Table.fromArn(scope, "${id}"): streamArn`, options.streamArn, "dynamodb");
    this.streamArn = options.streamArn;
    this.encryptionKey = options.encryptionKey;
  }
}

/**
 * A DynamoDB table: on-demand, encrypted with KMS, point-in-time recovery and deletion protection on by default,
 * optional TTL, stream and GSIs, with least-privilege grants.
 */
export class Table extends TableBase {
  /** Imports an existing table by ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`). */
  public static fromArn(scope: Construct, id: string, arn: string, options: TableImportOptions = {}): ITable {
    return new ImportedTable(scope, id, arn, options);
  }

  public readonly arn: string;
  public readonly name: string;
  public readonly streamArn?: string;
  public readonly encryptionKey?: IKey;
  public readonly partitionKey: Attribute;
  public readonly sortKey?: Attribute;
  public readonly resource: DynamodbTable;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    validateTableProps(this.node.path, props);
    this.encryptionKey = keyFromProps(this, "Table", props);
    this.partitionKey = props.partitionKey;
    this.sortKey = props.sortKey;

    const attributes = new Map<string, AttributeType>();
    const declare = (a?: Attribute) => {
      if (a) attributes.set(a.name, a.type);
    };
    declare(props.partitionKey);
    declare(props.sortKey);
    for (const g of props.globalSecondaryIndexes ?? []) {
      declare(g.partitionKey);
      declare(g.sortKey);
    }

    this.resource = new DynamodbTable(this, "Resource", {
      name: physicalName(this, props.name, { maxLength: 255, extraChars: "_." }),
      billingMode: "PAY_PER_REQUEST",
      hashKey: props.partitionKey.name,
      rangeKey: props.sortKey?.name,
      attribute: [...attributes.entries()].map(([name, type]) => ({ name, type })),
      globalSecondaryIndex: (props.globalSecondaryIndexes ?? []).map((g) => {
        const projection = g.projection ?? "ALL";
        return {
          name: g.name,
          hashKey: g.partitionKey.name,
          rangeKey: g.sortKey?.name,
          projectionType: typeof projection === "object" ? "INCLUDE" : projection,
          nonKeyAttributes: typeof projection === "object" ? [...projection.include] : undefined,
        };
      }),
      streamEnabled: props.stream !== undefined,
      streamViewType: props.stream,
      ttl: props.ttlAttribute ? { enabled: true, attributeName: props.ttlAttribute } : undefined,
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      deletionProtectionEnabled: props.deletionProtection ?? true,
      serverSideEncryption: { enabled: true, kmsKeyArn: this.encryptionKey?.arn },
      tableClass: props.tableClass ?? "STANDARD",
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });
    this.arn = this.resource.arn;
    this.name = this.resource.name;
    this.streamArn = props.stream !== undefined ? this.resource.streamArn : undefined;
  }
}
