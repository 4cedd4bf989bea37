import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PropsValidator } from "../core/validation";
import { bundleCacheDir } from "../lambda-function/bundle";
import { ChoiceCondition, Definition, renderDefinition, Retrier, State } from "./asl";
import { isFactoryMade } from "./tasks";

interface AslValidationError {
  readonly "Error code": string;
  readonly Message: string;
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errors: AslValidationError[] };

/** In this process: the errors of each definition already checked, by content key. */
const checked = new Map<string, AslValidationError[]>();

/**
 * Step Functions' ValidateStateMachineDefinition answer for a definition string: OK, or FAIL with one ERROR diagnostic
 * per asl-validator error. The AWS provider calls that API before it creates or changes a state machine; the local
 * runtime (moto lacks it) and the offline plan (no AWS) answer it with this.
 */
export function validateDefinitionResponse(definition: unknown): { result: "OK" | "FAIL"; diagnostics: Array<Record<string, string>>; truncated: boolean } {
  let parsed: unknown;
  try {
    parsed = typeof definition === "string" ? JSON.parse(definition) : undefined;
  } catch (err) {
    return {
      result: "FAIL",
      diagnostics: [{ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION", message: `The definition is not JSON: ${(err as Error).message}` }],
      truncated: false,
    };
  }
  if (parsed === undefined) return { result: "FAIL", diagnostics: [{ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION", message: "No definition" }], truncated: false };
  const errors = aslErrors(parsed);
  if (errors.length === 0) return { result: "OK", diagnostics: [], truncated: false };
  return { result: "FAIL", diagnostics: errors.map((e) => ({ severity: "ERROR", code: e["Error code"], message: e.Message })), truncated: false };
}

/**
 * asl-validator's errors for an ASL definition (tokens already replaced by placeholders). asl-validator builds a new
 * Ajv and compiles its JSON schemas on every call (~200 ms, ~450 ms for the first), so results are kept by content:
 * in this process (the environments share one definition) and on disk next to the function bundles
 * (`<bundle cache>/asl-validation/<sha256>.json`, keyed by the definition and asl-validator's version), so a warm synth
 * of an unchanged definition does not even load it. Any change to the definition is validated again.
 */
function aslErrors(asl: unknown): AslValidationError[] {
  const text = JSON.stringify(asl);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file read only on a cache miss
  const version = (require("asl-validator/package.json") as { version: string }).version;
  const key = createHash("sha256").update(`asl-validator@${version}\n${text}`).digest("hex");
  const known = checked.get(key);
  if (known !== undefined) return known;
  const file = join(bundleCacheDir(), "asl-validation", `${key}.json`);
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, "utf8")) as AslValidationError[];
    checked.set(key, cached);
    return cached;
  }
  // asl-validator ships no type declarations; loaded only when a definition is not in the cache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped package, loaded lazily (see above)
  const aslValidator = require("asl-validator") as AslValidator;
  const errors = aslValidator(JSON.parse(text), { checkArn: true, checkPaths: true }).errors ?? [];
  checked.set(key, errors);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(errors));
  } catch {
    // A read-only cache folder only costs the next synth another validation.
  }
  return errors;
}

/** Errors that match every error of a Task (and so cover its transient errors). */
const CATCH_ALL = new Set(["States.ALL", "States.TaskFailed"]);

const TOKEN = /\$\{TfToken\[[^\]]+\]\}/g;

/**
 * The ASL with every cdktf token replaced by a placeholder (a Lambda function ARN, which is also a valid string
 * anywhere else), for asl-validator, which checks Resource ARNs.
 */
export function withPlaceholders(asl: unknown): unknown {
  let n = 0;
  const text = JSON.stringify(asl).replace(TOKEN, () => `arn:aws:lambda:us-east-1:123456789012:function:token-${++n}`);
  return JSON.parse(text);
}

/** The states a state can go to, each with the field that names it. */
function targets(state: State): Array<{ field: string; target: string }> {
  const out: Array<{ field: string; target: string }> = [];
  if (state.type === "Task" || state.type === "Pass" || state.type === "Wait") {
    if (state.next !== undefined) out.push({ field: "next", target: state.next });
  }
  if (state.type === "Task") (state.catch ?? []).forEach((c, i) => out.push({ field: `catch[${i}].next`, target: c.next }));
  if (state.type === "Choice") {
    state.choices.forEach((c, i) => out.push({ field: `choices[${i}].next`, target: c.next }));
    if (state.default !== undefined) out.push({ field: "default", target: state.default });
  }
  return out;
}

function hasComparison(c: ChoiceCondition): boolean {
  return Object.entries(c).some(([k, v]) => v !== undefined && k !== "variable" && k !== "next");
}

/** The retrier Step Functions uses for `error`: the first whose ErrorEquals names it or matches every error. */
function firstRetrierFor(error: string, retry: readonly Retrier[]): Retrier | undefined {
  return retry.find((r) => r.errors.includes(error) || r.errors.some((e) => CATCH_ALL.has(e)));
}

/**
 * Validates a definition at synth: every target exists, every state is reachable from StartAt, every Task comes from a
 * `Tasks` factory, retries each transient error of its service with backoff and has a Catch; then asl-validator on the
 * rendered ASL (tokens replaced by placeholders). Throws once with every problem, naming the module path and the state.
 */
export function validateDefinition(path: string, definition: Definition): void {
  const v = new PropsValidator("StateMachine", path);
  const states = definition.states ?? {};
  const names = Object.keys(states);
  const at = (name: string, field: string) => `definition.states.${name}.${field}`;

  if (names.length === 0) v.add({ prop: "definition.states", received: {}, allowed: "at least one state", fix: "add the states of the workflow" });
  for (const name of names) {
    v.string(`definition.states.${name}`, name, { min: 1, max: 80, describe: "a state name of 1–80 characters", fix: "shorten the state name" });
  }
  if (!Object.prototype.hasOwnProperty.call(states, definition.startAt)) {
    v.add({ prop: "definition.startAt", received: definition.startAt, allowed: `one of the states (${names.join(", ")})`, fix: "name the first state of the workflow" });
  }
  v.integer("definition.timeoutSeconds", definition.timeoutSeconds, 1, 99999999, "set timeoutSeconds between 1 and 99999999, or leave it unset");

  for (const [name, state] of Object.entries(states)) {
    for (const { field, target } of targets(state)) {
      if (!Object.prototype.hasOwnProperty.call(states, target)) {
        v.add({
          prop: at(name, field),
          received: target,
          allowed: `the name of a state of this definition (${names.join(", ")})`,
          fix: `add a state "${target}" or point ${field} at an existing state`,
        });
      }
    }
    if (state.type === "Choice") {
      if (state.choices.length === 0) v.add({ prop: at(name, "choices"), received: [], allowed: "at least one rule", fix: "add a rule, or use a Pass state" });
      state.choices.forEach((c, i) => {
        if (!hasComparison(c))
          v.add({ prop: at(name, `choices[${i}]`), received: c, allowed: "a comparison (e.g. booleanEquals) or and/or/not", fix: "add the comparison the rule makes" });
      });
    }
    if (state.type !== "Task") continue;
    const task = state.task;
    if (!isFactoryMade(task)) {
      v.add({
        prop: at(name, "task"),
        received: (task as { resource?: unknown } | undefined)?.resource,
        allowed: "a task resource made by Tasks.invoke, Tasks.dynamoDb or Tasks.awsSdk (they grant the role what the Task calls)",
        fix: "build the Task with a Tasks factory so the state machine's role gets exactly the access it needs",
      });
      continue;
    }
    for (const p of task.problems) v.add({ ...p, prop: at(name, `${task.description}.${p.prop}`) });
    const retry = state.retry ?? [];
    for (const error of task.transientErrors) {
      const r = firstRetrierFor(error, retry);
      if (r === undefined) {
        v.add({
          prop: at(name, "retry"),
          received: retry.map((x) => x.errors),
          allowed: `a retrier for the transient error ${error} (listed, or States.ALL / States.TaskFailed)`,
          fix: `add Retry.transient(...) for ${task.description} (retries ${task.transientErrors.join(", ")} with backoff)`,
        });
      } else if ((r.backoffRate ?? 2) <= 1 || r.maxAttempts === 0) {
        v.add({
          prop: at(name, "retry"),
          received: { errors: r.errors, backoffRate: r.backoffRate, maxAttempts: r.maxAttempts },
          allowed: `the first retrier matching ${error} backs off (backoffRate > 1) and retries (maxAttempts ≥ 1)`,
          fix: "set backoffRate to 2 (or more) and maxAttempts to at least 1 on that retrier",
        });
      }
    }
    if ((state.catch ?? []).length === 0) {
      v.add({
        prop: at(name, "catch"),
        received: state.catch,
        allowed: "at least one catcher",
        fix: "catch the errors left after the retries (e.g. States.ALL) and go to a Fail or compensation state",
      });
    }
  }

  if (!v.hasProblems) {
    const reachable = new Set<string>();
    const queue = [definition.startAt];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (reachable.has(name)) continue;
      reachable.add(name);
      for (const { target } of targets(states[name])) queue.push(target);
    }
    for (const name of names) {
      if (!reachable.has(name)) {
        v.add({
          prop: `definition.states.${name}`,
          received: "unreachable",
          allowed: `a state reachable from startAt "${definition.startAt}"`,
          fix: `point a next, default or catch at "${name}", or remove it`,
        });
      }
    }
  }

  if (!v.hasProblems) {
    for (const e of aslErrors(withPlaceholders(renderDefinition(definition)))) {
      v.add({ prop: "definition", received: e["Error code"], allowed: `valid Amazon States Language (asl-validator: ${e.Message})`, fix: "correct the state the message names" });
    }
  }
  v.throwIfInvalid();
}
