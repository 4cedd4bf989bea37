/**
 * Step Functions executions on this machine. moto stores the state machines Terraform creates, but its executions are
 * not usable by the platform: moto 5.2.1 answers 500 to every StartExecution after the first in a region (moto
 * #10077) and its Lambda tasks only echo their input. So the local runtime answers StartExecution, DescribeExecution,
 * ListExecutions and StopExecution itself: it reads the deployed definition from moto and runs it on
 * aws-local-stepfunctions (an ASL interpreter: Task, Choice, Pass, Wait, Map, Parallel, Retry, Catch, intrinsic
 * functions), every Task through ./tasks.ts. Executions live in memory: a restart of `npm start` forgets them.
 */
import "./promise-with-resolvers";
import { StateMachine as AslInterpreter } from "aws-local-stepfunctions";
import { randomUUID } from "node:crypto";
import { executionArn } from "../../../lambdas/deletion/schema";
import type { RuntimeLog } from "../types";
import { taskHandlers, TaskEnvironment } from "./tasks";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /**
   * Each state failure, retried or caught or not (state, error, cause; the latest 50): what Step Functions' execution
   * history would show, to tell which step failed when the execution ends in a Fail state.
   */
  readonly stateFailures: Array<{ readonly state: string; readonly error: string; readonly cause: string; readonly at: Date }>;
  /** Settles when the execution stops. */
  readonly done: Promise<void>;
  abort(): void;
}

/** A second execution of a name with another input (Step Functions' rule for STANDARD machines). */
export class ExecutionAlreadyExistsError extends Error {
  public constructor(arn: string) {
    super(`Execution Already Exists: '${arn}'`);
    this.name = "ExecutionAlreadyExists";
  }
}

export interface StartExecutionRequest {
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly definition: string;
  readonly roleArn?: string;
  readonly name?: string;
  readonly input?: string;
}

export interface ExecutionStoreOptions {
  readonly tasks: TaskEnvironment;
  readonly log?: RuntimeLog;
  /** Milliseconds every Retry waits instead of its IntervalSeconds/BackoffRate (tests). @default the definition's */
  readonly retryIntervalMs?: number;
  /** Milliseconds every Wait state waits instead of its Seconds (tests). @default the definition's */
  readonly waitMs?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export class ExecutionStore {
  private readonly executions = new Map<string, Execution>();

  public constructor(private readonly options: ExecutionStoreOptions) {}

  public get(arn: string): Execution | undefined {
    return this.executions.get(arn);
  }

  public list(stateMachineArn: string): Execution[] {
    return [...this.executions.values()].filter((e) => e.stateMachineArn === stateMachineArn).sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** Starts an execution; the same name and input again returns the existing one (idempotent, as in AWS). */
  public start(req: StartExecutionRequest): Execution {
    const name = req.name ?? randomUUID();
    if (!NAME.test(name)) throw new Error(`InvalidName: ${name}`);
    const input = req.input ?? "{}";
    const arn = executionArn(req.stateMachineArn, name);
    const existing = this.executions.get(arn);
    if (existing !== undefined) {
      if (existing.input === input) return existing;
      throw new ExecutionAlreadyExistsError(arn);
    }
    const definition = JSON.parse(req.definition) as { States: Record<string, { Type: string; Resource?: string; Retry?: unknown[] }> };
    const parsedInput: unknown = JSON.parse(input);
    const startDate = new Date();
    const interpreter = new AslInterpreter(definition as never, { validationOptions: { checkArn: false } });
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.options.retryIntervalMs !== undefined) for (const state of Object.keys(definition.States)) retryIntervalOverrides[state] = this.options.retryIntervalMs;
    const waitTimeOverrides: Record<string, number> = {};
    if (this.options.waitMs !== undefined) {
      for (const [state, def] of Object.entries(definition.States)) if (def.Type === "Wait") waitTimeOverrides[state] = this.options.waitMs;
    }
    const run = interpreter.run(parsedInput as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers(definition, this.options.tasks) as never,
        ...(this.options.retryIntervalMs !== undefined ? { retryIntervalOverrides } : {}),
        ...(this.options.waitMs !== undefined ? { waitTimeOverrides } : {}),
      },
      context: {
        Execution: { Id: arn, Name: name, Input: parsedInput, StartTime: startDate.toISOString(), RoleArn: req.roleArn ?? "" },
        StateMachine: { Id: req.stateMachineArn, Name: req.stateMachineName },
      } as never,
    });
    const execution: Execution = {
      executionArn: arn,
      stateMachineArn: req.stateMachineArn,
      name,
      input,
      startDate,
      status: "RUNNING",
      stateFailures: [],
      done: run.result
        .then(
          (output) => {
            execution.status = "SUCCEEDED";
            execution.output = JSON.stringify(output ?? null);
          },
          (err: unknown) => {
            const e = err as { name?: string; message?: string; cause?: { name?: string; message?: string } };
            execution.status = e.name === "ExecutionAbortedError" ? "ABORTED" : e.name === "ExecutionTimeoutError" ? "TIMED_OUT" : "FAILED";
            // ExecutionError wraps the error that ended the run (a Fail state's Error/Cause, or an uncaught task error).
            execution.error = e.cause?.name ?? e.name;
            execution.cause = e.cause?.message ?? e.message;
            this.options.log?.warn(`execution ${name} ${execution.status}: ${execution.error}: ${execution.cause}`);
          },
        )
        .finally(() => {
          execution.stopDate = new Date();
        }),
      abort: () => run.abort(),
    };
    this.executions.set(arn, execution);
    void (async () => {
      for await (const event of run.eventLogs) {
        if (event.type !== "StateFailed") continue;
        const cause = typeof event.Cause === "string" ? event.Cause : JSON.stringify(event.Cause ?? null);
        execution.stateFailures.push({ state: event.state.name, error: event.Error, cause: cause.slice(0, 500), at: new Date(event.timestamp) });
        if (execution.stateFailures.length > 50) execution.stateFailures.shift();
      }
    })().catch(() => undefined);
    this.options.log?.info(`execution ${name} of ${req.stateMachineName} started`);
    return execution;
  }

  /** Waits until the execution stops (tests). */
  public async waitFor(arn: string): Promise<Execution> {
    const e = this.executions.get(arn);
    if (e === undefined) throw new Error(`No execution ${arn}`);
    await e.done;
    return e;
  }

  /** Aborts every running execution and waits for them to stop. */
  public async stop(): Promise<void> {
    for (const e of this.executions.values()) if (e.status === "RUNNING") e.abort();
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
  }
}
