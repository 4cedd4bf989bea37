/**
 * What a Task state's `Resource` does, on this machine: the local runtime runs every Task of a state machine through
 * these handlers (aws-local-stepfunctions' task overrides), so the ASL interpreter executes the deployed definition
 * against the local runtime's functions and the emulators, as Step Functions would against AWS.
 *
 * - a Lambda function ARN (or `arn:aws:states:::lambda:invoke` with FunctionName/Payload): the deployed function,
 *   run by the local runtime; a function error becomes the task error named by its `errorType`, as in Step Functions;
 * - `arn:aws:states:::dynamodb:<action>` (getItem, putItem, updateItem, deleteItem): the DynamoDB API, errors named
 *   `DynamoDB.<Exception>`;
 * - `arn:aws:states:::aws-sdk:<service>:<action>`: the AWS SDK v3 client of that service (those listed below),
 *   errors named `<Service>.<Name>Exception` (Step Functions' rule: PascalCase service, an `Exception` suffix always).
 * Anything else fails the task with `States.Runtime`, naming the resource: the local runtime does not fake a result.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import * as cognito from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import * as s3 from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import * as sqs from "@aws-sdk/client-sqs";
import { SNSClient } from "@aws-sdk/client-sns";
import * as sns from "@aws-sdk/client-sns";
import type { InvokeFunction } from "../types";

/** An error as Step Functions names it: Retry and Catch match `name`. */
export class TaskError extends Error {
  public constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface TaskEnvironment {
  /** Runs a deployed function (the local runtime's registry). */
  readonly invoke: InvokeFunction;
  /** The AWS endpoint of SDK calls: the local runtime's for all (npm start), or one per service (tests). */
  readonly endpoint: string | ((service: string) => string);
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type TaskHandler = (input: Json) => Promise<Json>;

interface SdkService {
  /** Step Functions' PascalCase service name, the prefix of its error names. */
  readonly errorPrefix: string;
  readonly client: (env: TaskEnvironment) => { send(command: unknown): Promise<unknown> };
  readonly commands: Record<string, unknown>;
}

const clientConfig = (env: TaskEnvironment, service: string) => ({
  endpoint: typeof env.endpoint === "string" ? env.endpoint : env.endpoint(service),
  region: env.region,
  credentials: env.credentials,
  forcePathStyle: true,
  maxAttempts: 1,
});

/** The `aws-sdk:<service>` names the local runtime can call (Step Functions' lower-case service names). */
export const SDK_SERVICES: Readonly<Record<string, SdkService>> = {
  cognitoidentityprovider: {
    errorPrefix: "CognitoIdentityProvider",
    client: (e) => new CognitoIdentityProviderClient(clientConfig(e, "cognitoidentityprovider")),
    commands: cognito,
  },
  dynamodb: { errorPrefix: "DynamoDb", client: (e) => new DynamoDBClient(clientConfig(e, "dynamodb")), commands: dynamodb },
  s3: { errorPrefix: "S3", client: (e) => new S3Client(clientConfig(e, "s3")), commands: s3 },
  sqs: { errorPrefix: "Sqs", client: (e) => new SQSClient(clientConfig(e, "sqs")), commands: sqs },
  sns: { errorPrefix: "Sns", client: (e) => new SNSClient(clientConfig(e, "sns")), commands: sns },
};

/** The optimized DynamoDB integration's actions. */
const DYNAMODB_ACTIONS: Readonly<Record<string, string>> = {
  getItem: "GetItemCommand",
  putItem: "PutItemCommand",
  updateItem: "UpdateItemCommand",
  deleteItem: "DeleteItemCommand",
};

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9$_-]+)?$/;
const DYNAMODB_RESOURCE = /^arn:aws[a-z-]*:states:::dynamodb:([A-Za-z]+)$/;
const SDK_RESOURCE = /^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/;
const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const withException = (name: string): string => (name.endsWith("Exception") ? name : `${name}Exception`);

/** The SDK's answer without its `$metadata`, as Step Functions returns it (dates as ISO strings, binary as base64). */
function sdkOutput(out: unknown): Json {
  const { $metadata: _metadata, ...rest } = (out ?? {}) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v))) as Json;
}

async function sdkCall(service: SdkService, env: TaskEnvironment, commandName: string, input: Json): Promise<Json> {
  const Command = service.commands[commandName] as (new (input: unknown) => unknown) | undefined;
  if (typeof Command !== "function") throw new TaskError("States.Runtime", `The ${service.errorPrefix} SDK has no ${commandName}`);
  try {
    return sdkOutput(await service.client(env).send(new Command(input ?? {})));
  } catch (err) {
    if (err instanceof TaskError) throw err;
    const e = err as { name?: string; message?: string };
    throw new TaskError(`${service.errorPrefix}.${withException(e.name ?? "Unknown")}`, e.message ?? String(err));
  }
}

async function invokeFunction(env: TaskEnvironment, functionName: string, payload: Json): Promise<Json> {
  let outcome;
  try {
    outcome = await env.invoke(functionName, payload);
  } catch (err) {
    throw new TaskError("Lambda.ResourceNotFoundException", err instanceof Error ? err.message : String(err));
  }
  if (!outcome.ok) throw new TaskError(outcome.errorType, outcome.errorMessage);
  return (outcome.payload ?? null) as Json;
}

/** The handler of one Task resource. */
export function taskHandler(resource: string, env: TaskEnvironment): TaskHandler {
  let m: RegExpExecArray | null;
  if ((m = LAMBDA_ARN.exec(resource))) {
    const name = m[1];
    return (input) => invokeFunction(env, name, input);
  }
  if (LAMBDA_INVOKE.test(resource)) {
    return async (input) => {
      const params = (input ?? {}) as { FunctionName?: string; Payload?: Json };
      if (typeof params.FunctionName !== "string") throw new TaskError("States.Runtime", "lambda:invoke needs Parameters.FunctionName");
      const payload = await invokeFunction(env, params.FunctionName.split(":function:").pop() ?? params.FunctionName, params.Payload ?? null);
      return { Payload: payload, StatusCode: 200, ExecutedVersion: "$LATEST" };
    };
  }
  if ((m = DYNAMODB_RESOURCE.exec(resource))) {
    const command = DYNAMODB_ACTIONS[m[1]];
    if (command === undefined) return async () => Promise.reject(new TaskError("States.Runtime", `${resource} is not a DynamoDB integration action`));
    const service: SdkService = { ...SDK_SERVICES.dynamodb, errorPrefix: "DynamoDB" };
    return (input) => sdkCall(service, env, command, input);
  }
  if ((m = SDK_RESOURCE.exec(resource))) {
    const service = SDK_SERVICES[m[1]];
    const action = m[2];
    if (service === undefined) {
      return async () =>
        Promise.reject(new TaskError("States.Runtime", `The local runtime cannot call aws-sdk:${m?.[1]} (known: ${Object.keys(SDK_SERVICES).join(", ")}); add it to SDK_SERVICES`));
    }
    return (input) => sdkCall(service, env, `${pascal(action)}Command`, input);
  }
  return async () => Promise.reject(new TaskError("States.Runtime", `The local runtime does not run Task resource ${resource}`));
}

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Iterator?: { readonly States: Record<string, AslState> };
  readonly ItemProcessor?: { readonly States: Record<string, AslState> };
  readonly Branches?: ReadonlyArray<{ readonly States: Record<string, AslState> }>;
}

/** Every Task state of a definition (nested Map and Parallel states too), by name, with its handler. */
export function taskHandlers(definition: { readonly States: Record<string, AslState> }, env: TaskEnvironment): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  const visit = (states: Record<string, AslState>): void => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === "Task" && state.Resource !== undefined) handlers[name] = taskHandler(state.Resource, env);
      if (state.Iterator) visit(state.Iterator.States);
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States);
  return handlers;
}
