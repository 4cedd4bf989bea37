import { Token } from "cdktf";

/** One problem found in a module's props. */
export interface PropProblem {
  readonly prop: string;
  readonly received: unknown;
  readonly allowed: string;
  readonly fix: string;
}

/**
 * Collects every problem in a module's props, then throws once with all of them.
 * Values that are unresolved tokens are skipped: they are only known at apply time.
 */
export class PropsValidator {
  private readonly problems: PropProblem[] = [];

  constructor(
    private readonly moduleName: string,
    private readonly path: string,
  ) {}

  /** True when the value is a cdktf token (unknown until apply). */
  public static isUnresolved(value: unknown): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value === "string" || typeof value === "number") return Token.isUnresolved(value);
    if (Array.isArray(value)) return Token.isUnresolved(value);
    return false;
  }

  public add(problem: PropProblem): this {
    this.problems.push(problem);
    return this;
  }

  /** Records a problem when `ok` is false and the value is known at synth time. */
  public check(ok: boolean, problem: PropProblem): this {
    if (PropsValidator.isUnresolved(problem.received)) return this;
    if (!ok) this.problems.push(problem);
    return this;
  }

  /** Integer in [min, max] (inclusive); undefined passes. */
  public integer(prop: string, value: number | undefined, min: number, max: number, fix?: string): this {
    if (value === undefined || PropsValidator.isUnresolved(value)) return this;
    return this.check(Number.isInteger(value) && value >= min && value <= max, {
      prop,
      received: value,
      allowed: `an integer from ${min} to ${max}`,
      fix: fix ?? `set ${prop} to a value between ${min} and ${max}`,
    });
  }

  /** One of the allowed values; undefined passes. */
  public oneOf<T>(prop: string, value: T | undefined, allowed: readonly T[], fix?: string): this {
    if (value === undefined || PropsValidator.isUnresolved(value)) return this;
    return this.check(allowed.includes(value), {
      prop,
      received: value,
      allowed: `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      fix: fix ?? `set ${prop} to one of the allowed values`,
    });
  }

  /** String matching a pattern with a length range; undefined passes. */
  public string(prop: string, value: string | undefined, opts: { pattern?: RegExp; min?: number; max?: number; describe: string; fix?: string }): this {
    if (value === undefined || PropsValidator.isUnresolved(value)) return this;
    const lenOk = value.length >= (opts.min ?? 0) && value.length <= (opts.max ?? Number.MAX_SAFE_INTEGER);
    const patOk = opts.pattern ? opts.pattern.test(value) : true;
    return this.check(lenOk && patOk, {
      prop,
      received: value,
      allowed: opts.describe,
      fix: opts.fix ?? `change ${prop} to ${opts.describe}`,
    });
  }

  public get hasProblems(): boolean {
    return this.problems.length > 0;
  }

  /** Throws a single error listing every problem; does nothing when there is none. */
  public throwIfInvalid(): void {
    if (this.problems.length === 0) return;
    const lines = this.problems.map((p) => `  - ${p.prop}: received ${formatValue(p.received)}; allowed: ${p.allowed}. Fix: ${p.fix}.`);
    throw new ValidationError(
      `${this.moduleName} "${this.path}": invalid props (${this.problems.length} problem${this.problems.length > 1 ? "s" : ""}):\n${lines.join("\n")}`,
      this.problems,
    );
  }
}

export class ValidationError extends Error {
  constructor(
    message: string,
    public readonly problems: readonly PropProblem[],
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

function formatValue(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
