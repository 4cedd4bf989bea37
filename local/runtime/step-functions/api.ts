/**
 * The part of the Step Functions API the local runtime answers itself (service `states`): StartExecution,
 * DescribeExecution, ListExecutions and StopExecution, run by ./executions.ts; and ValidateStateMachineDefinition,
 * which the AWS provider calls before it creates a state machine and moto 5.2.1 does not implement (it answers 500
 * and the provider retries until its timeout), checked here with asl-validator as the module checks at synth; and
 * ListStateMachineVersions, which the provider reads after every create and moto lacks too: the platform never
 * publishes versions (`publish` is off), so the list is empty, as AWS answers for such a machine.
 * Everything else (the state machines Terraform creates, updates and reads) goes on to moto, which stores them.
 */
import { awsError, Forward, GatewayHandler, GatewayResponse } from "../gateway";
import { validateDefinitionResponse } from "../../../modules/state-machine/validate-definition";
import { Execution, ExecutionAlreadyExistsError, ExecutionStore } from "./executions";

const TARGET_PREFIX = "AWSStepFunctions.";

const epochSeconds = (d: Date | undefined): number | undefined => (d === undefined ? undefined : d.getTime() / 1000);

function json(status: number, body: unknown): GatewayResponse {
  return { status, headers: { "content-type": "application/x-amz-json-1.0" }, body: Buffer.from(JSON.stringify(body)) };
}

function describe(e: Execution): Record<string, unknown> {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    ...(e.stopDate !== undefined ? { stopDate: epochSeconds(e.stopDate) } : {}),
    input: e.input,
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}

/** The state machine as moto stores it (its definition is what Terraform applied). */
async function describeStateMachine(
  forward: Forward,
  stateMachineArn: string,
): Promise<{ readonly machine: { name: string; definition: string; roleArn?: string } } | { readonly refused: GatewayResponse }> {
  const res = await forward({ body: Buffer.from(JSON.stringify({ stateMachineArn })), target: `${TARGET_PREFIX}DescribeStateMachine` });
  if (res.status !== 200) return { refused: res };
  return { machine: JSON.parse(res.body.toString("utf8")) as { name: string; definition: string; roleArn?: string } };
}

export function stepFunctionsApi(store: ExecutionStore): GatewayHandler {
  return async (req, forward) => {
    if (req.service !== "states" || req.target === undefined || !req.target.startsWith(TARGET_PREFIX)) return undefined;
    const operation = req.target.slice(TARGET_PREFIX.length);
    if (!["StartExecution", "DescribeExecution", "ListExecutions", "StopExecution", "ValidateStateMachineDefinition", "ListStateMachineVersions"].includes(operation))
      return undefined;
    let body: Record<string, unknown>;
    try {
      body = req.body.length === 0 ? {} : (JSON.parse(req.body.toString("utf8")) as Record<string, unknown>);
    } catch {
      return awsError(400, "SerializationException", "The request body is not JSON");
    }
    switch (operation) {
      case "ValidateStateMachineDefinition":
        return json(200, validateDefinitionResponse(body.definition));
      case "ListStateMachineVersions": {
        // Only for a machine moto knows (a wrong ARN gets moto's own error).
        const described = await describeStateMachine(forward, String(body.stateMachineArn ?? ""));
        if ("refused" in described) return described.refused;
        return json(200, { stateMachineVersions: [] });
      }
      case "StartExecution": {
        const stateMachineArn = String(body.stateMachineArn ?? "");
        const described = await describeStateMachine(forward, stateMachineArn);
        if ("refused" in described) return described.refused;
        const machine = described.machine;
        try {
          const e = store.start({
            stateMachineArn,
            stateMachineName: machine.name,
            definition: machine.definition,
            roleArn: machine.roleArn,
            name: typeof body.name === "string" ? body.name : undefined,
            input: typeof body.input === "string" ? body.input : undefined,
          });
          return json(200, { executionArn: e.executionArn, startDate: epochSeconds(e.startDate) });
        } catch (err) {
          if (err instanceof ExecutionAlreadyExistsError) return awsError(400, "ExecutionAlreadyExists", err.message);
          return awsError(400, "InvalidDefinition", err instanceof Error ? err.message : String(err));
        }
      }
      case "DescribeExecution": {
        const e = store.get(String(body.executionArn ?? ""));
        if (e === undefined) return awsError(400, "ExecutionDoesNotExist", `Execution Does Not Exist: '${String(body.executionArn)}'`);
        return json(200, describe(e));
      }
      case "ListExecutions": {
        const filter = typeof body.statusFilter === "string" ? body.statusFilter : undefined;
        const executions = store.list(String(body.stateMachineArn ?? "")).filter((e) => filter === undefined || e.status === filter);
        return json(200, {
          executions: executions.map((e) => ({
            executionArn: e.executionArn,
            stateMachineArn: e.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: epochSeconds(e.startDate),
            ...(e.stopDate !== undefined ? { stopDate: epochSeconds(e.stopDate) } : {}),
          })),
        });
      }
      case "StopExecution": {
        const e = store.get(String(body.executionArn ?? ""));
        if (e === undefined) return awsError(400, "ExecutionDoesNotExist", `Execution Does Not Exist: '${String(body.executionArn)}'`);
        if (e.status === "RUNNING") e.abort();
        await e.done;
        return json(200, { stopDate: epochSeconds(e.stopDate) });
      }
    }
    return undefined;
  };
}
