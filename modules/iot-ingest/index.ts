import { Construct, IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IotPolicy } from "@cdktf/provider-aws/lib/iot-policy";
import { IotThingType } from "@cdktf/provider-aws/lib/iot-thing-type";
import { IotTopicRule } from "@cdktf/provider-aws/lib/iot-topic-rule";
import { parseArn } from "../core/arn";
import { assertLeastPrivilege, PolicyDocument, PolicyStatement, policyJson } from "../core/iam";
import { IQueue, IStream } from "../core/interfaces";
import { Naming, physicalName } from "../core/naming";
import { partitionOf, providerRegion } from "../core/provider";
import type { IKey } from "../kms-key";
import { Queue } from "../queue";
import { isAwsManagedSqsKey } from "../queue/validate-props";
import {
  DEVICE_CONNECT_ACTIONS,
  DEVICE_PUBLISH_ACTIONS,
  IOT_RULE_QUEUE_ACTIONS,
  IOT_RULE_QUEUE_KEY_ACTIONS,
  IOT_RULE_STREAM_ACTIONS,
  IOT_RULE_STREAM_KEY_ACTIONS,
  IOT_SERVICE_PRINCIPAL,
} from "./perms";
import { DEVICE_ACTIVITY_SQL, DEVICE_ACTIVITY_SQL_VERSION, DEVICE_ACTIVITY_TOPIC_FILTER, DEVICE_PARTITION_KEY, deviceActivityTopic, THING_NAME_POLICY_VARIABLE } from "./sql";
import { validateIotIngestProps } from "./validate-props";
import { DEAD_LETTER_RETENTION_SECONDS } from "../queue/defaults";

export * from "./sql";
export { IotSqlError, evaluateRule, parseRuleSql, topicMatches, formatJodaUtc } from "./iot-sql";
export type { IotSqlContext, ParsedRule, RuleOutcome } from "./iot-sql";

/** Retention of the rule's own error queue: the SQS maximum, 14 days (time to inspect and re-drive). */
export const IOT_ERROR_QUEUE_RETENTION_SECONDS = DEAD_LETTER_RETENTION_SECONDS;

/** The `ActionType` dimension of the AWS/IoT `Success`/`Failure` metrics for the rule's Kinesis action. */
export const KINESIS_ACTION_TYPE = "Kinesis";

/** A topic rule, for monitoring: its name and the action types its `Failure` metric is reported under. */
export interface IIotTopicRule extends IConstruct {
  readonly ruleName: string;
  readonly ruleArn: string;
  /** `ActionType` dimension values of the rule's actions (the error action excluded), e.g. `["Kinesis"]`. */
  readonly actionTypes: readonly string[];
}

/** Device ingestion through AWS IoT Core, created here or imported. */
export interface IIotIngest extends IIotTopicRule {
  readonly thingTypeName: string;
  /** The IoT policy to attach to each device certificate. */
  readonly policyName: string;
  /** Where the rule's error action sends failed messages; undefined when unknown (imported). */
  readonly errorQueue?: IQueue;
}

/**
 * The stream the rule writes to. Any IStream; a stream encrypted with a customer-managed key (the `stream` module's
 * `encryptionKey`) gets kms:GenerateDataKey on that key for the rule's role.
 */
export type IotIngestStream = IStream & { readonly encryptionKey?: IKey };

export interface IotIngestProps {
  /**
   * Logical name, 1–64 characters of [a-z0-9-] starting with a letter. Physical names: thing type and policy
   * `<app>-<env>-<name>`, topic rule the same with `_` for `-` (rule names allow [a-zA-Z0-9_] only), role
   * `<app>-<env>-<name>-iot-rule` (≤ 64, hashed when longer).
   */
  readonly name: string;
  /** Every device message, as an activity event, goes to this stream (one PutRecord each, partition key = thing name). */
  readonly stream: IotIngestStream;
  /**
   * Where the rule's error action sends a message whose Kinesis put failed (throttling, a missing stream, a denied
   * key): a standard queue. The rule's role gets sqs:SendMessage on it (and kms:Decrypt/GenerateDataKey on its
   * customer-managed key). Watch it (`Monitoring.monitorQueue`): what lands there is lost for analytics until re-driven.
   * @default a queue `<name>-rule-errors` created here: SSE-SQS, TLS-only policy, 14-day retention, no dead-letter
   * queue (it is the last stop)
   */
  readonly errorQueue?: IQueue;
  /**
   * 12-digit account id: the device policy's ARNs and the rule role's `aws:SourceAccount`/`aws:SourceArn` name it.
   * @default the stack's naming context account (`Naming.configure(stack, { account })`; AwsStack sets it when
   * allowedAccountIds has exactly one account)
   */
  readonly accountId?: string;
  /** Region of the IoT resources (policy and rule ARNs). @default the region of the stack's AWS provider */
  readonly region?: string;
  /** Description of the thing type, ≤ 2028 printable characters. @default "Devices that publish activity to <topic filter>" */
  readonly thingTypeDescription?: string;
  /** Thing attributes that fleet search can query, at most 3 names of 1–128 chars [a-zA-Z0-9_.,@/:#-]. @default none */
  readonly searchableAttributes?: readonly string[];
  /** Whether the rule routes messages. @default true */
  readonly enabled?: boolean;
}

/** What `IotIngest.fromAttributes` takes. */
export interface IotIngestAttributes {
  /** `arn:aws:iot:<region>:<account>:rule/<rule name>`. */
  readonly ruleArn: string;
  readonly thingTypeName: string;
  readonly policyName: string;
  /** @default ["Kinesis"] */
  readonly actionTypes?: readonly string[];
  /** The rule's error queue, to monitor it. @default unknown */
  readonly errorQueue?: IQueue;
}

/** `${` is a Terraform interpolation in any string of cdk.tf.json; `$${` is a literal `${` (IoT policy variables, substitution templates). */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${");
}

class ImportedIotIngest extends Construct implements IIotIngest {
  public readonly ruleName: string;
  public readonly thingTypeName: string;
  public readonly policyName: string;
  public readonly actionTypes: readonly string[];
  public readonly errorQueue?: IQueue;

  constructor(
    scope: Construct,
    id: string,
    public readonly ruleArn: string,
    attrs: IotIngestAttributes,
  ) {
    super(scope, id);
    const importer = `IotIngest.fromAttributes("${id}")`;
    const parsed = parseArn(importer, ruleArn, "iot");
    if (!parsed) {
      throw new Error(`${importer}: the rule ARN is a token, so the rule name cannot be derived. Fix: pass the literal rule ARN (arn:aws:iot:<region>:<account>:rule/<name>).`);
    }
    const m = /^rule\/([a-zA-Z0-9_]{1,128})$/.exec(parsed.resource);
    if (!m || parsed.region === "" || parsed.account === "") {
      throw new Error(`${importer}: "${ruleArn}" is not a topic rule ARN. Fix: pass arn:aws:iot:<region>:<12-digit account>:rule/<rule name>.`);
    }
    this.ruleName = m[1];
    this.thingTypeName = attrs.thingTypeName;
    this.policyName = attrs.policyName;
    this.actionTypes = [...(attrs.actionTypes ?? [KINESIS_ACTION_TYPE])];
    this.errorQueue = attrs.errorQueue;
  }
}

/**
 * Device telemetry through AWS IoT Core, least privilege by default:
 * - a thing type for the devices;
 * - a device policy (attach it to each device certificate) that lets a device connect only as its own thing (client
 *   id = thing name, certificate attached to that thing) and publish only to `devices/<its thing name>/activity`;
 *   nothing else (no subscribe, no receive: nothing is sent down to devices);
 * - a topic rule (SQL 2016-03-23, `DEVICE_ACTIVITY_SQL`) on `devices/+/activity` that turns each message into an
 *   activity event and puts it on the stream (partition key: the thing name), with an error action to an SQS queue;
 * - the rule's role, assumable by AWS IoT for this rule only, with exactly kinesis:PutRecord on the stream and
 *   sqs:SendMessage on the error queue (plus the KMS actions their customer-managed keys need).
 */
export class IotIngest extends Construct implements IIotIngest {
  /** Imports existing device ingestion by its rule ARN (`arn:aws:iot:<region>:<account>:rule/<name>`), for monitoring. */
  public static fromAttributes(scope: Construct, id: string, attrs: IotIngestAttributes): IIotIngest {
    return new ImportedIotIngest(scope, id, attrs.ruleArn, attrs);
  }

  public readonly thingTypeName: string;
  public readonly thingTypeArn: string;
  public readonly policyName: string;
  public readonly policyArn: string;
  public readonly ruleName: string;
  /** Built from region, account and name (known at synth; the role's trust policy names it). */
  public readonly ruleArn: string;
  public readonly actionTypes: readonly string[] = [KINESIS_ACTION_TYPE];
  public readonly errorQueue: IQueue;
  /** The rule's topic filter, `devices/+/activity`. */
  public readonly topicFilter = DEVICE_ACTIVITY_TOPIC_FILTER;
  public readonly accountId: string;
  public readonly region: string;
  public readonly thingType: IotThingType;
  public readonly policy: IotPolicy;
  public readonly rule: IotTopicRule;
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;
  private readonly roleDocument = new PolicyDocument();

  constructor(scope: Construct, id: string, props: IotIngestProps) {
    super(scope, id);
    const resolvedAccount = props.accountId ?? Naming.accountOf(this);
    const resolvedRegion = props.region ?? providerRegion(this);
    validateIotIngestProps(this.node.path, props, { accountId: resolvedAccount, region: resolvedRegion });
    this.accountId = resolvedAccount as string;
    this.region = resolvedRegion as string;
    const partition = partitionOf(this.region);
    const iotArn = (resource: string) => `arn:${partition}:iot:${this.region}:${this.accountId}:${resource}`;

    const baseName = physicalName(this, props.name, { maxLength: 128 });
    this.thingType = new IotThingType(this, "ThingType", {
      name: baseName,
      properties: {
        description: props.thingTypeDescription ?? `Devices that publish activity to ${DEVICE_ACTIVITY_TOPIC_FILTER}`,
        searchableAttributes: props.searchableAttributes ? [...props.searchableAttributes] : undefined,
      },
    });
    // Names known at synth (not references): outputs and alarms stay valid where the resource is left out (local).
    this.thingTypeName = baseName;
    this.thingTypeArn = this.thingType.arn;

    this.policy = new IotPolicy(this, "DevicePolicy", {
      name: baseName,
      policy: terraformLiteral(IotIngest.renderDevicePolicy(iotArn)),
    });
    this.policyName = baseName;
    this.policyArn = this.policy.arn;

    this.errorQueue =
      props.errorQueue ?? new Queue(this, "Errors", { name: `${props.name}-rule-errors`, deadLetterQueue: false, retentionSeconds: IOT_ERROR_QUEUE_RETENTION_SECONDS });

    this.ruleName = physicalName(this, props.name, { maxLength: 128 }).replace(/-/g, "_");
    this.ruleArn = iotArn(`rule/${this.ruleName}`);
    this.role = new IamRole(this, "RuleRole", {
      name: physicalName(this, `${props.name}-iot-rule`, { maxLength: 64 }),
      description: `Role of the IoT topic rule ${this.ruleName}: puts device activity on the stream, failures on the error queue`,
      assumeRolePolicy: policyJson([
        {
          Effect: "Allow",
          Principal: { Service: IOT_SERVICE_PRINCIPAL },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": this.accountId }, ArnEquals: { "aws:SourceArn": this.ruleArn } },
        },
      ]),
    });

    this.grant({ sid: "PutDeviceActivity", actions: [...IOT_RULE_STREAM_ACTIONS], resources: [props.stream.arn] });
    if (props.stream.encryptionKey) {
      this.grant({ sid: "StreamKey", actions: [...IOT_RULE_STREAM_KEY_ACTIONS], resources: [props.stream.encryptionKey.arn] });
    }
    this.grant({ sid: "SendRuleErrors", actions: [...IOT_RULE_QUEUE_ACTIONS], resources: [this.errorQueue.arn] });
    const queueKey = this.errorQueue.kmsMasterKeyId;
    if (queueKey !== undefined && !isAwsManagedSqsKey(queueKey)) {
      this.grant({ sid: "ErrorQueueKey", actions: [...IOT_RULE_QUEUE_KEY_ACTIONS], resources: [queueKey] });
    }
    this.rolePolicy = new IamRolePolicy(this, "RulePolicy", { name: "least-privilege", role: this.role.id, policy: this.roleDocument.lazy() });

    this.rule = new IotTopicRule(this, "Rule", {
      name: this.ruleName,
      description: `Device activity (${DEVICE_ACTIVITY_TOPIC_FILTER}) → activity events on the stream`,
      enabled: props.enabled ?? true,
      sql: DEVICE_ACTIVITY_SQL,
      sqlVersion: DEVICE_ACTIVITY_SQL_VERSION,
      kinesis: [{ streamName: props.stream.name, partitionKey: terraformLiteral(DEVICE_PARTITION_KEY), roleArn: this.role.arn }],
      errorAction: { sqs: { queueUrl: this.errorQueue.url, roleArn: this.role.arn, useBase64: false } },
      // The role must hold its permissions before AWS IoT validates (and first uses) the actions.
      dependsOn: [this.rolePolicy],
    });
  }

  /** The topic a thing publishes its activity to (`devices/<thing name>/activity`). */
  public deviceTopic(thingName: string): string {
    return deviceActivityTopic(thingName);
  }

  /**
   * The device policy document (with literal `${iot:...}` policy variables): connect as the own thing only
   * (certificate attached to it), publish to the own activity topic only.
   */
  public static renderDevicePolicy(iotArn: (resource: string) => string): string {
    return policyJson([
      {
        Sid: "ConnectAsOwnThing",
        Effect: "Allow",
        Action: DEVICE_CONNECT_ACTIONS[0],
        Resource: iotArn(`client/${THING_NAME_POLICY_VARIABLE}`),
        Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
      },
      {
        Sid: "PublishOwnActivity",
        Effect: "Allow",
        Action: DEVICE_PUBLISH_ACTIONS[0],
        Resource: iotArn(`topic/${deviceActivityTopic(THING_NAME_POLICY_VARIABLE)}`),
      },
    ]);
  }

  private grant(statement: PolicyStatement): void {
    assertLeastPrivilege(`IotIngest "${this.node.path}"`, statement);
    this.roleDocument.add(statement);
  }
}
