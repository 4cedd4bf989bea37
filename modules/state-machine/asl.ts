import { JsonObject, JsonValue, TaskResource } from "./tasks";

/** A retrier (ASL `Retry` entry). */
export interface Retrier {
  /** Error names it matches (ErrorEquals), e.g. `["Lambda.ServiceException"]`; `States.ALL` alone matches every error. */
  readonly errors: readonly string[];
  /** Seconds before the first retry, ≥ 1. @default 1 (ASL) */
  readonly intervalSeconds?: number;
  /** Retries at most, ≥ 0 (0 never retries). @default 3 (ASL) */
  readonly maxAttempts?: number;
  /** Multiplier of the interval after each retry, ≥ 1. @default 2 (ASL) */
  readonly backoffRate?: number;
  /** Cap of the interval in seconds. @default none */
  readonly maxDelaySeconds?: number;
  /** "FULL" randomises each interval between 0 and its value. @default "NONE" (ASL) */
  readonly jitter?: "FULL" | "NONE";
}

/** A catcher (ASL `Catch` entry). */
export interface Catcher {
  readonly errors: readonly string[];
  /** The state to go to. */
  readonly next: string;
  /** Where the error output goes in the input; null discards it. @default "$" (ASL: the error replaces the input) */
  readonly resultPath?: string | null;
}

interface Transition {
  /** The next state. @default none: the state ends the execution (End) */
  readonly next?: string;
}

interface Common {
  readonly comment?: string;
  /** @default "$" */
  readonly inputPath?: string | null;
  /** @default "$" */
  readonly outputPath?: string | null;
}

/** Options of `States.task`. */
export interface TaskOptions extends Common, Transition {
  /** Where the task's result goes in the input; null discards it (the input passes on). @default "$" */
  readonly resultPath?: string | null;
  /** Reshapes the result before resultPath. @default none */
  readonly resultSelector?: JsonObject;
  /** Retriers, tried in order. Every transient error of the task's service must be retried with backoff. */
  readonly retry?: readonly Retrier[];
  /** Catchers, tried in order; a Task needs at least one. */
  readonly catch?: readonly Catcher[];
  /**
   * Seconds before the task fails with States.Timeout. @default the task resource's: a Lambda function's timeout + 60 s
   * (INVOKE_TIMEOUT_MARGIN_SECONDS), 60 s for DynamoDB and AWS SDK calls. Always written out: AWS's default when absent
   * (99999999) and the ASL specification's (60, what local interpreters apply) differ.
   */
  readonly timeoutSeconds?: number;
  /** Seconds between heartbeats before States.HeartbeatTimeout. @default none */
  readonly heartbeatSeconds?: number;
}

/** Options of `States.pass`. */
export interface PassOptions extends Common, Transition {
  readonly parameters?: JsonObject;
  readonly result?: JsonValue;
  readonly resultPath?: string | null;
}

/** Options of `States.wait`: exactly one of seconds, secondsPath, timestamp, timestampPath. */
export interface WaitOptions extends Common, Transition {
  readonly seconds?: number;
  readonly secondsPath?: string;
  readonly timestamp?: string;
  readonly timestampPath?: string;
}

/** A Choice condition: a variable compared one way, or And / Or / Not of conditions. */
export interface ChoiceCondition {
  readonly variable?: string;
  readonly stringEquals?: string;
  readonly stringEqualsPath?: string;
  readonly stringMatches?: string;
  readonly stringLessThan?: string;
  readonly stringGreaterThan?: string;
  readonly numericEquals?: number;
  readonly numericEqualsPath?: string;
  readonly numericLessThan?: number;
  readonly numericLessThanEquals?: number;
  readonly numericGreaterThan?: number;
  readonly numericGreaterThanEquals?: number;
  readonly booleanEquals?: boolean;
  readonly booleanEqualsPath?: string;
  readonly timestampEquals?: string;
  readonly timestampLessThan?: string;
  readonly timestampGreaterThan?: string;
  readonly isPresent?: boolean;
  readonly isNull?: boolean;
  readonly isString?: boolean;
  readonly isNumeric?: boolean;
  readonly isBoolean?: boolean;
  readonly isTimestamp?: boolean;
  readonly and?: readonly ChoiceCondition[];
  readonly or?: readonly ChoiceCondition[];
  readonly not?: ChoiceCondition;
}

/** A top-level Choice rule: a condition and the state it leads to. */
export interface ChoiceRule extends ChoiceCondition {
  readonly next: string;
}

/** Options of `States.choice`. */
export interface ChoiceOptions extends Common {
  readonly choices: readonly ChoiceRule[];
  /** The state when no rule matches. @default none (States.NoChoiceMatched fails the execution) */
  readonly default?: string;
}

/** Options of `States.fail`. */
export interface FailOptions {
  readonly comment?: string;
  readonly error?: string;
  readonly errorPath?: string;
  readonly cause?: string;
  readonly causePath?: string;
}

/** Options of `States.succeed`. */
export type SucceedOptions = Common;

export interface TaskState extends TaskOptions {
  readonly type: "Task";
  readonly task: TaskResource;
}
export interface PassState extends PassOptions {
  readonly type: "Pass";
}
export interface WaitState extends WaitOptions {
  readonly type: "Wait";
}
export interface ChoiceState extends ChoiceOptions {
  readonly type: "Choice";
}
export interface FailState extends FailOptions {
  readonly type: "Fail";
}
export interface SucceedState extends SucceedOptions {
  readonly type: "Succeed";
}

/** A typed state; make them with `States.*`. */
export type State = TaskState | PassState | WaitState | ChoiceState | FailState | SucceedState;

/** A state machine definition, rendered to Amazon States Language by `renderDefinition`. */
export interface Definition {
  readonly comment?: string;
  /** The first state. */
  readonly startAt: string;
  /** ASL TimeoutSeconds of the whole execution. @default none (a Standard execution may run a year) */
  readonly timeoutSeconds?: number;
  /** The states by name (1–80 characters each). */
  readonly states: Readonly<Record<string, State>>;
}

/** Factories of typed states. */
export class States {
  /** A Task state calling `task` (made by `Tasks.*`). */
  public static task(task: TaskResource, options: TaskOptions = {}): TaskState {
    return { ...options, type: "Task", task };
  }
  public static pass(options: PassOptions = {}): PassState {
    return { ...options, type: "Pass" };
  }
  public static wait(options: WaitOptions): WaitState {
    return { ...options, type: "Wait" };
  }
  public static choice(options: ChoiceOptions): ChoiceState {
    return { ...options, type: "Choice" };
  }
  public static fail(options: FailOptions = {}): FailState {
    return { ...options, type: "Fail" };
  }
  public static succeed(options: SucceedOptions = {}): SucceedState {
    return { ...options, type: "Succeed" };
  }
}

/** Options of `Retry.transient`. */
export interface TransientRetryOptions {
  /** @default 2 */
  readonly intervalSeconds?: number;
  /** @default 6 */
  readonly maxAttempts?: number;
  /** @default 2 */
  readonly backoffRate?: number;
  /** @default 60 */
  readonly maxDelaySeconds?: number;
  /** @default "FULL" */
  readonly jitter?: "FULL" | "NONE";
}

/** Retrier helpers. */
export class Retry {
  /**
   * A retrier over the transient errors of a task's service (throttling, 5xx), with exponential backoff and full jitter:
   * 2 s, then doubling up to 60 s, 6 retries (AWS's recommendation for Lambda service exceptions, capped).
   */
  public static transient(resourceOrTask: TaskResource | TaskState, options: TransientRetryOptions = {}): Retrier {
    const task = "task" in resourceOrTask ? resourceOrTask.task : resourceOrTask;
    return {
      errors: [...task.transientErrors],
      intervalSeconds: options.intervalSeconds ?? 2,
      maxAttempts: options.maxAttempts ?? 6,
      backoffRate: options.backoffRate ?? 2,
      maxDelaySeconds: options.maxDelaySeconds ?? 60,
      jitter: options.jitter ?? "FULL",
    };
  }
}

type Asl = Record<string, unknown>;

function put(out: Asl, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

function common(out: Asl, s: Common): void {
  put(out, "Comment", s.comment);
  put(out, "InputPath", s.inputPath);
  put(out, "OutputPath", s.outputPath);
}

function transition(out: Asl, s: Transition): void {
  if (s.next !== undefined) out.Next = s.next;
  else out.End = true;
}

function renderRetrier(r: Retrier): Asl {
  const out: Asl = { ErrorEquals: [...r.errors] };
  put(out, "IntervalSeconds", r.intervalSeconds);
  put(out, "MaxAttempts", r.maxAttempts);
  put(out, "BackoffRate", r.backoffRate);
  put(out, "MaxDelaySeconds", r.maxDelaySeconds);
  put(out, "JitterStrategy", r.jitter);
  return out;
}

function renderCatcher(c: Catcher): Asl {
  const out: Asl = { ErrorEquals: [...c.errors], Next: c.next };
  put(out, "ResultPath", c.resultPath);
  return out;
}

/** `booleanEquals` → `BooleanEquals`; And/Or/Not recurse. */
function renderCondition(c: ChoiceCondition): Asl {
  const out: Asl = {};
  for (const [key, value] of Object.entries(c)) {
    if (value === undefined || key === "next") continue;
    const name = key.charAt(0).toUpperCase() + key.slice(1);
    if (key === "and" || key === "or") out[name] = (value as ChoiceCondition[]).map(renderCondition);
    else if (key === "not") out[name] = renderCondition(value as ChoiceCondition);
    else out[name] = value;
  }
  return out;
}

/** One state in ASL. */
export function renderState(s: State): Asl {
  const out: Asl = { Type: s.type };
  switch (s.type) {
    case "Task":
      put(out, "Comment", s.comment);
      out.Resource = s.task.resource;
      put(out, "Parameters", s.task.parameters);
      put(out, "InputPath", s.inputPath);
      put(out, "ResultSelector", s.resultSelector);
      put(out, "ResultPath", s.resultPath);
      put(out, "OutputPath", s.outputPath);
      put(out, "TimeoutSeconds", s.timeoutSeconds ?? s.task.defaultTimeoutSeconds);
      put(out, "HeartbeatSeconds", s.heartbeatSeconds);
      if (s.retry && s.retry.length > 0) out.Retry = s.retry.map(renderRetrier);
      if (s.catch && s.catch.length > 0) out.Catch = s.catch.map(renderCatcher);
      transition(out, s);
      break;
    case "Pass":
      common(out, s);
      put(out, "Parameters", s.parameters);
      put(out, "Result", s.result);
      put(out, "ResultPath", s.resultPath);
      transition(out, s);
      break;
    case "Wait":
      common(out, s);
      put(out, "Seconds", s.seconds);
      put(out, "SecondsPath", s.secondsPath);
      put(out, "Timestamp", s.timestamp);
      put(out, "TimestampPath", s.timestampPath);
      transition(out, s);
      break;
    case "Choice":
      common(out, s);
      out.Choices = s.choices.map((rule) => ({ ...renderCondition(rule), Next: rule.next }));
      put(out, "Default", s.default);
      break;
    case "Fail":
      put(out, "Comment", s.comment);
      put(out, "Error", s.error);
      put(out, "ErrorPath", s.errorPath);
      put(out, "Cause", s.cause);
      put(out, "CausePath", s.causePath);
      break;
    case "Succeed":
      common(out, s);
      break;
    default:
      throw new Error(`renderDefinition: unknown state type ${JSON.stringify((s as { type?: unknown }).type)}. Fix: build states with States.task/pass/wait/choice/fail/succeed.`);
  }
  return out;
}

/**
 * The definition as an Amazon States Language object (PascalCase, `End: true` where a state has no `next`). Pure: cdktf
 * tokens (function ARNs, table names) stay in place as strings, so the object can also run on a local interpreter once
 * they are known.
 */
export function renderDefinition(definition: Definition): Asl {
  const out: Asl = {};
  put(out, "Comment", definition.comment);
  out.StartAt = definition.startAt;
  put(out, "TimeoutSeconds", definition.timeoutSeconds);
  out.States = Object.fromEntries(Object.entries(definition.states).map(([name, state]) => [name, renderState(state)]));
  return out;
}
