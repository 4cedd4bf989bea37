/**
 * Step Functions for tests, as the local platform runs them: a gateway (local/runtime/gateway.ts) whose Step Functions
 * handler runs executions on aws-local-stepfunctions (local/runtime/step-functions), state machines stored in the
 * jest run's moto, Task states reaching DynamoDB Local (dynamodb) or moto (every other SDK call), and Lambda tasks
 * running handlers in this process through `invoke`.
 */
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { Gateway, startGateway } from "../../local/runtime/gateway";
import { ExecutionStore } from "../../local/runtime/step-functions/executions";
import { stepFunctionsApi } from "../../local/runtime/step-functions/api";
import type { InvokeFunction, InvokeOutcome } from "../../local/runtime/types";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynamodb-local";
import { lambdaContext } from "./events";
import { dynamoDbEndpoint } from "./local-aws";
import { motoEndpoint } from "./moto";

export interface LocalStepFunctions {
  /** The endpoint to give an SFN client (or `AWS_ENDPOINT_URL_SFN`). */
  readonly endpoint: string;
  readonly executions: ExecutionStore;
  /** Creates a state machine in moto (as Terraform would) and returns its ARN. */
  createStateMachine(name: string, definition: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalStepFunctions(options: {
  readonly invoke: InvokeFunction;
  readonly retryIntervalMs?: number;
  readonly waitMs?: number;
}): Promise<LocalStepFunctions> {
  const moto = motoEndpoint();
  const dynamodb = dynamoDbEndpoint();
  const executions = new ExecutionStore({
    tasks: {
      invoke: options.invoke,
      endpoint: (service) => (service === "dynamodb" ? dynamodb : moto),
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    },
    retryIntervalMs: options.retryIntervalMs,
    waitMs: options.waitMs,
  });
  const gateway: Gateway = await startGateway({ upstreams: { moto, dynamodb, rdsData: moto }, handlers: [stepFunctionsApi(executions)] });
  const sfn = new SFNClient({ endpoint: gateway.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return {
    endpoint: gateway.endpoint,
    executions,
    async createStateMachine(name, definition) {
      const out = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: "arn:aws:iam::123456789012:role/platform-test-state-machine", type: "STANDARD" }));
      if (out.stateMachineArn === undefined) throw new Error("CreateStateMachine returned no ARN");
      return out.stateMachineArn;
    },
    async close() {
      await executions.stop();
      sfn.destroy();
      await gateway.close();
    },
  };
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Lambda Invoke over handlers in this process, by function name: a thrown error is a function error named by the
 * error's `name` (Lambda's `errorType`), as the Node.js runtime reports it. `before` may answer an invocation itself
 * (an injected failure), by returning an outcome.
 */
export function invokeHandlers(handlers: Readonly<Record<string, Handler>>, before?: (functionName: string, event: unknown) => InvokeOutcome | undefined): InvokeFunction {
  return async (nameOrArn, event) => {
    const name = nameOrArn.split(":function:").pop()?.split(":")[0] ?? nameOrArn;
    const injected = before?.(name, event);
    if (injected !== undefined) return injected;
    const handler = handlers[name];
    if (handler === undefined) throw new Error(`Function not found: ${name}`);
    const started = Date.now();
    try {
      const payload = await handler(JSON.parse(JSON.stringify(event ?? null)), lambdaContext(name));
      return { ok: true, payload, requestId: "test", durationMs: Date.now() - started };
    } catch (err) {
      const e = err as Error;
      return { ok: false, errorType: e.name ?? "Error", errorMessage: e.message ?? String(err), requestId: "test", durationMs: Date.now() - started };
    }
  };
}

/** An injected Lambda service or function error. */
export function failure(errorType: string, errorMessage = `injected ${errorType}`): InvokeOutcome {
  return { ok: false, errorType, errorMessage, requestId: "injected", durationMs: 0 };
}
