import { IGrantable, PolicyStatement } from "../core/iam";
import { IFunction, ITable } from "../core/interfaces";
import { DYNAMODB_TASK_ACTIONS, LAMBDA_INVOKE_ACTIONS } from "./perms";

/** JSON a state's Parameters may hold; strings may be cdktf tokens (ARNs, names), resolved at synth. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A Parameters / ResultSelector / Result object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Transient errors of Lambda's Invoke as Step Functions reports them ("Handle Lambda service exceptions", Step Functions
 * Developer Guide): 500-class service errors and throttling.
 */
export const LAMBDA_TRANSIENT_ERRORS = [
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

/** Transient errors of the DynamoDB optimized integration: throttling and internal server errors. */
export const DYNAMODB_TRANSIENT_ERRORS = [
  "DynamoDB.ThrottlingException",
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.InternalServerErrorException",
  "DynamoDB.RequestLimitExceeded",
] as const;

/**
 * AWS SDK integrations (`arn:aws:states:::aws-sdk:<service>:<action>`) this module knows: the IAM prefix of the
 * service's actions and the PascalCase service name Step Functions puts before its error names
 * (`<ServiceName>.<ErrorName>`, "AWS SDK service integrations", Step Functions Developer Guide).
 */
export const AWS_SDK_SERVICES: Readonly<Record<string, { readonly iamPrefix: string; readonly errorPrefix: string }>> = {
  cognitoidentityprovider: { iamPrefix: "cognito-idp", errorPrefix: "CognitoIdentityProvider" },
  s3: { iamPrefix: "s3", errorPrefix: "S3" },
  dynamodb: { iamPrefix: "dynamodb", errorPrefix: "DynamoDb" },
  sqs: { iamPrefix: "sqs", errorPrefix: "Sqs" },
  sns: { iamPrefix: "sns", errorPrefix: "Sns" },
  kinesis: { iamPrefix: "kinesis", errorPrefix: "Kinesis" },
  lambda: { iamPrefix: "lambda", errorPrefix: "Lambda" },
  sfn: { iamPrefix: "states", errorPrefix: "Sfn" },
  secretsmanager: { iamPrefix: "secretsmanager", errorPrefix: "SecretsManager" },
  rdsdata: { iamPrefix: "rds-data", errorPrefix: "RdsData" },
  eventbridge: { iamPrefix: "events", errorPrefix: "EventBridge" },
  firehose: { iamPrefix: "firehose", errorPrefix: "Firehose" },
  athena: { iamPrefix: "athena", errorPrefix: "Athena" },
  glue: { iamPrefix: "glue", errorPrefix: "Glue" },
  kms: { iamPrefix: "kms", errorPrefix: "Kms" },
  ssm: { iamPrefix: "ssm", errorPrefix: "Ssm" },
};

/** The transient errors of an AWS SDK integration of a service: throttling and internal errors. */
export function awsSdkTransientErrors(errorPrefix: string): string[] {
  return [`${errorPrefix}.ThrottlingException`, `${errorPrefix}.TooManyRequestsException`, `${errorPrefix}.InternalErrorException`];
}

/** Task resources made by the Tasks factories: the definition check refuses any other. */
const FACTORY_MADE = new WeakSet<object>();

/**
 * What a Task state calls: its `Resource` ARN, its `Parameters`, the transient errors of the service (what
 * `Retry.transient` retries) and the grant the state machine's role needs. Only the `Tasks` factories make them, so every
 * Task of a definition comes with its grant.
 */
export interface TaskResource {
  /** The ASL `Resource`. */
  readonly resource: string;
  /** The ASL `Parameters`; undefined passes the state input as is. */
  readonly parameters?: JsonObject;
  /** Errors of the service that a retry can cure (throttling, 5xx). */
  readonly transientErrors: readonly string[];
  /**
   * The Task's TimeoutSeconds unless the state sets one: written out, because AWS (99999999 when absent) and the ASL
   * specification (60) disagree on the default, and a call that never answers must not hold the execution.
   */
  readonly defaultTimeoutSeconds?: number;
  /** What the factory was called with, for error messages, e.g. `Tasks.dynamoDb("updateItem", …)`. */
  readonly description: string;
  /** Problems found when the factory was called (reported by the state machine, with its path and the state). */
  readonly problems: readonly { readonly prop: string; readonly received: unknown; readonly allowed: string; readonly fix: string }[];
  /** Adds what the Task needs to the state machine's role. */
  grant(grantee: TaskGrantee): void;
}

/** The state machine's role as the Tasks see it. */
export interface TaskGrantee extends IGrantable {
  /** Adds a statement on Resource "*" that the caller allowed explicitly (`allowWildcard`), bypassing the least-privilege check. */
  addWildcardToPrincipalPolicy(statement: PolicyStatement): void;
}

/** True when the task resource was made by a `Tasks` factory. */
export function isFactoryMade(resource: unknown): boolean {
  return typeof resource === "object" && resource !== null && FACTORY_MADE.has(resource);
}

function make(resource: Omit<TaskResource, "problems"> & { problems?: TaskResource["problems"] }): TaskResource {
  const made: TaskResource = Object.freeze({ ...resource, problems: resource.problems ?? [] });
  FACTORY_MADE.add(made);
  return made;
}

/** Options of `Tasks.invoke`. */
export interface InvokeOptions {
  /** The payload sent to the function (ASL Parameters: `"key.$": "$.path"` selects from the input). @default the state input */
  readonly payload?: JsonObject;
}

/** DynamoDB item actions of the optimized integration. */
export type DynamoDbAction = keyof typeof DYNAMODB_TASK_ACTIONS;

/** Options of `Tasks.awsSdk`. */
export interface AwsSdkOptions {
  /** The API's parameters, PascalCase as in the service's API reference (`"Username.$": "$.userId"`). @default none */
  readonly parameters?: JsonObject;
  /** The ARNs the role may call the action on, at least one (a user pool ARN, a bucket ARN, …). */
  readonly resources: readonly string[];
  /** The IAM action, e.g. `"cognito-idp:AdminDeleteUser"`. @default `<IAM prefix of the service>:<Action>` */
  readonly iamAction?: string;
  /** Accept `"*"` among `resources` (for actions without resource-level permissions only). @default false */
  readonly allowWildcard?: boolean;
}

/**
 * Task timeouts written by the factories: a Lambda task waits for the function's own timeout plus this margin (a cold
 * start, the invocation's overhead); a DynamoDB or SDK call gets SDK_CALL_TIMEOUT_SECONDS. An imported function whose
 * timeout is unknown gets Lambda's maximum (900 s) plus the margin.
 */
export const INVOKE_TIMEOUT_MARGIN_SECONDS = 60;
export const SDK_CALL_TIMEOUT_SECONDS = 60;
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** Factories of Task resources: each one knows its ASL Resource, its grant and its service's transient errors. */
export class Tasks {
  /**
   * Invokes a Lambda function synchronously with its plain ARN as the Resource: the task's output is the function's
   * response payload (no `Payload`/`StatusCode` wrapper). Grants lambda:InvokeFunction on the function ARN.
   */
  public static invoke(fn: IFunction, options: InvokeOptions = {}): TaskResource {
    return make({
      resource: fn.arn,
      parameters: options.payload,
      transientErrors: [...LAMBDA_TRANSIENT_ERRORS],
      defaultTimeoutSeconds: (fn.timeoutSeconds ?? LAMBDA_MAX_TIMEOUT_SECONDS) + INVOKE_TIMEOUT_MARGIN_SECONDS,
      description: `Tasks.invoke(${fn.node.path})`,
      grant: (grantee) => grantee.addToPrincipalPolicy({ actions: [...LAMBDA_INVOKE_ACTIONS], resources: [fn.arn] }),
    });
  }

  /**
   * One DynamoDB item call through the optimized integration (`arn:aws:states:::dynamodb:<action>`). `TableName` is
   * filled in from the table. Grants dynamodb:<Action> on the table ARN; when the table has a customer-managed key,
   * kms:Decrypt on it for getItem and kms:Encrypt/Decrypt/GenerateDataKey for the writes.
   */
  public static dynamoDb(action: DynamoDbAction, table: ITable, parameters: JsonObject): TaskResource {
    const iamAction = (DYNAMODB_TASK_ACTIONS as Record<string, string>)[action];
    const key = table.encryptionKey;
    return make({
      resource: `arn:aws:states:::dynamodb:${action}`,
      parameters: { ...parameters, TableName: table.name },
      transientErrors: [...DYNAMODB_TRANSIENT_ERRORS],
      defaultTimeoutSeconds: SDK_CALL_TIMEOUT_SECONDS,
      description: `Tasks.dynamoDb("${action}", ${table.node.path})`,
      problems:
        iamAction === undefined
          ? [
              {
                prop: "action",
                received: action,
                allowed: `one of ${Object.keys(DYNAMODB_TASK_ACTIONS)
                  .map((a) => `"${a}"`)
                  .join(", ")}`,
                fix: 'use one of the item actions, or Tasks.awsSdk("dynamodb", …) for other calls',
              },
            ]
          : [],
      grant: (grantee) => {
        grantee.addToPrincipalPolicy({ actions: [iamAction], resources: [table.arn] });
        if (action === "getItem") key?.grantDecrypt(grantee);
        else key?.grantEncryptDecrypt(grantee);
      },
    });
  }

  /**
   * Any AWS API through the AWS SDK integration (`arn:aws:states:::aws-sdk:<service>:<action>`), e.g.
   * `Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", { parameters, resources: [userPool.arn] })`. Grants
   * exactly `iamAction` (default: the service's IAM prefix and the action in PascalCase, cognito-idp:AdminDeleteUser) on
   * exactly `resources`; "*" is refused unless `allowWildcard`. An unknown service needs `iamAction`.
   */
  public static awsSdk(service: string, action: string, options: AwsSdkOptions): TaskResource {
    const known = Object.prototype.hasOwnProperty.call(AWS_SDK_SERVICES, service) ? AWS_SDK_SERVICES[service] : undefined;
    const pascalAction = action.charAt(0).toUpperCase() + action.slice(1);
    const iamAction = options.iamAction ?? (known ? `${known.iamPrefix}:${pascalAction}` : undefined);
    const problems: Array<TaskResource["problems"][number]> = [];
    if (!/^[a-z0-9]+$/.test(service)) {
      problems.push({
        prop: "service",
        received: service,
        allowed: 'the SDK service name in lower case, e.g. "cognitoidentityprovider"',
        fix: "use the service name of the Resource arn:aws:states:::aws-sdk:<service>:<action>",
      });
    }
    if (!/^[a-z][A-Za-z0-9]*$/.test(action)) {
      problems.push({ prop: "action", received: action, allowed: 'the API action in camelCase, e.g. "adminDeleteUser"', fix: "write the action as in the SDK (camelCase)" });
    }
    if (iamAction === undefined) {
      problems.push({
        prop: "iamAction",
        received: undefined,
        allowed: `set when the service is not one of ${Object.keys(AWS_SDK_SERVICES).join(", ")}`,
        fix: `pass iamAction (e.g. "<iam prefix>:${pascalAction}") so the role gets exactly that action`,
      });
    } else if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(iamAction)) {
      problems.push({ prop: "iamAction", received: iamAction, allowed: "one exact IAM action, <prefix>:<Action>, no wildcard", fix: "name the one action the call needs" });
    }
    if (options.resources.length === 0) {
      problems.push({ prop: "resources", received: [], allowed: "at least one ARN", fix: "pass the ARNs of the resources the call acts on (e.g. [userPool.arn])" });
    }
    if (options.resources.includes("*") && !(options.allowWildcard ?? false)) {
      problems.push({
        prop: "resources",
        received: options.resources,
        allowed: 'ARNs, not "*" (unless allowWildcard: true)',
        fix: "pass the ARNs the call acts on; for an action without resource-level permissions set allowWildcard: true",
      });
    }
    const errorPrefix = known?.errorPrefix ?? service.charAt(0).toUpperCase() + service.slice(1);
    return make({
      resource: `arn:aws:states:::aws-sdk:${service}:${action}`,
      parameters: options.parameters,
      transientErrors: awsSdkTransientErrors(errorPrefix),
      defaultTimeoutSeconds: SDK_CALL_TIMEOUT_SECONDS,
      description: `Tasks.awsSdk("${service}", "${action}")`,
      problems,
      grant: (grantee) => {
        if (iamAction === undefined) return;
        const statement = { actions: [iamAction], resources: [...options.resources] };
        if (options.resources.includes("*")) grantee.addWildcardToPrincipalPolicy(statement);
        else grantee.addToPrincipalPolicy(statement);
      },
    });
  }
}
