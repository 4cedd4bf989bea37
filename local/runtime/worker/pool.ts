import { randomBytes, randomUUID } from "node:crypto";
import { InvokeOptions, InvokeOutcome, RuntimeLog } from "../types";
import { logStreamName, workerEnvironment } from "./environment";
import { runtimeModulesDir } from "./runtime-modules";
import { FunctionSpec, validateSpec } from "./spec";
import { OutputStream, Worker } from "./worker";

/** Where a function's output line came from. */
export interface OutputMeta {
  readonly functionName: string;
  /** The invocation in flight when the line was printed (or the last one, for output between invocations). */
  readonly requestId?: string;
  readonly stream: OutputStream;
}

/** An invocation handed to a worker process (see `FunctionPool.onInvocationStart`). */
export type InvocationStartListener = (start: { readonly requestId: string; readonly event: unknown; readonly pid: number | undefined }) => void;

/** How a FunctionPool runs its function. */
export interface FunctionPoolOptions {
  /** Variables every worker gets before the function's own (AWS_REGION, AWS_ENDPOINT_URL, credentials ...). */
  readonly baseEnvironment?: Readonly<Record<string, string>>;
  /** Max workers (concurrent invocations) of this function. @default 4 */
  readonly maxConcurrency?: number;
  /**
   * Where function output lines go (the function's own output and the START/END/REPORT lines).
   * @default process.stdout, each line prefixed with "[<function name>] <requestId> "
   */
  readonly output?: (line: string, meta: OutputMeta) => void;
  /** Where the runtime's own messages go. @default stderr, prefixed with "[runtime] " */
  readonly log?: RuntimeLog;
}

/** Prints a function's line with its function name and request id. */
export function defaultOutput(line: string, meta: OutputMeta): void {
  const id = meta.requestId === undefined ? "" : ` ${meta.requestId}`;
  process.stdout.write(`[${meta.functionName}]${id} ${line}\n`);
}

const STDERR_LOG: RuntimeLog = {
  info: (message) => process.stderr.write(`[runtime] ${message}\n`),
  warn: (message) => process.stderr.write(`[runtime] warning: ${message}\n`),
  error: (message) => process.stderr.write(`[runtime] error: ${message}\n`),
};

interface Job {
  readonly requestId: string;
  readonly event: unknown;
  readonly eventJson: string;
  readonly resolve: (outcome: InvokeOutcome) => void;
}

function shutdownOutcome(requestId: string): InvokeOutcome {
  return {
    ok: false,
    errorType: "Runtime.Shutdown",
    errorMessage: `RequestId: ${requestId} Error: the local runtime stopped the function before the invocation ran`,
    requestId,
    durationMs: 0,
  };
}

/** The event as Lambda's Invoke gets it: JSON text (no payload is `{}`). */
function eventJson(event: unknown): string {
  if (event === undefined) return "{}";
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch (err) {
    throw new Error(`the event cannot be encoded as JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (json === undefined) throw new Error(`the event cannot be encoded as JSON (a ${typeof event})`);
  return json;
}

/**
 * Runs one function's invocations in worker processes, as Lambda runs them in execution environments: one
 * invocation at a time per worker, warm workers reused (most recently used first), a new worker (a cold start)
 * only when all are busy and fewer than maxConcurrency exist, otherwise a FIFO queue.
 */
export class FunctionPool {
  private current: FunctionSpec;
  private readonly baseEnvironment: Readonly<Record<string, string>>;
  private readonly maxConcurrency: number;
  private readonly output: (line: string, meta: OutputMeta) => void;
  private readonly log: RuntimeLog;
  /** Workers of the current spec (alive). */
  private generation = new Set<Worker>();
  /** Idle workers of the current spec, most recently used last. */
  private idle: Worker[] = [];
  /** Every live worker, including those of a replaced spec finishing their invocation. */
  private readonly all = new Set<Worker>();
  private readonly queue: Job[] = [];
  private coldStarts = 0;
  private stopped = false;
  private readonly startListeners = new Set<InvocationStartListener>();

  constructor(spec: FunctionSpec, options: FunctionPoolOptions = {}) {
    validateSpec(spec);
    const maxConcurrency = options.maxConcurrency ?? 4;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new Error(`function "${spec.name}": maxConcurrency must be a positive integer, got ${maxConcurrency}`);
    }
    this.current = spec;
    this.baseEnvironment = options.baseEnvironment ?? {};
    this.maxConcurrency = maxConcurrency;
    this.output = options.output ?? defaultOutput;
    this.log = options.log ?? STDERR_LOG;
  }

  /** The code and configuration new workers start with. */
  get spec(): FunctionSpec {
    return this.current;
  }

  /**
   * Runs one invocation on an idle worker (spawning one up to maxConcurrency, else queueing FIFO). Never rejects
   * for function errors: returns an InvokeOutcome. Rejects only for an event JSON cannot encode.
   */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const requestId = options.requestId ?? randomUUID();
    let json: string;
    try {
      json = eventJson(event);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.stopped) return Promise.resolve(shutdownOutcome(requestId));
    return new Promise((resolve) => {
      this.queue.push({ requestId, event, eventJson: json, resolve });
      this.dispatch();
    });
  }

  /**
   * Replaces the code/config: idle workers are stopped at once, busy ones after their current invocation; the next
   * invocation cold-starts with the new spec. Resolves when the old workers are gone.
   */
  async reload(spec: FunctionSpec): Promise<void> {
    validateSpec(spec);
    this.current = spec;
    const old = [...this.generation];
    this.generation = new Set();
    const idle = this.idle;
    this.idle = [];
    for (const worker of idle) void worker.stop();
    this.dispatch();
    await Promise.all(old.map((worker) => worker.exited));
  }

  /** Stops every worker (SIGTERM, then SIGKILL after 2 s). Pending invocations resolve with errorType "Runtime.Shutdown". */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.queue.splice(0)) job.resolve(shutdownOutcome(job.requestId));
    this.idle = [];
    this.generation.clear();
    await Promise.all([...this.all].map((worker) => worker.stop()));
  }

  /**
   * Calls `listener` as each invocation is handed to a worker process (its pid is running it from then on until the
   * outcome): fault injection (the reliability campaign kills a worker mid-batch, expires a batch's SQS visibility).
   * A listener that throws is ignored. Returns the function that removes it.
   */
  onInvocationStart(listener: InvocationStartListener): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  /** Cold starts so far, and workers alive (for tests and the dev loop). */
  stats(): { coldStarts: number; workers: number; busy: number } {
    let busy = 0;
    for (const worker of this.all) if (worker.busy) busy += 1;
    return { coldStarts: this.coldStarts, workers: this.all.size, busy };
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.stopped) {
      const worker = this.takeIdle() ?? this.spawn();
      if (worker === undefined) return;
      const job = this.queue.shift()!;
      void this.run(worker, job);
    }
  }

  private takeIdle(): Worker | undefined {
    for (let worker = this.idle.pop(); worker !== undefined; worker = this.idle.pop()) {
      if (worker.usable) return worker;
    }
    return undefined;
  }

  private spawn(): Worker | undefined {
    if (this.generation.size >= this.maxConcurrency) return undefined;
    const spec = this.current;
    const env = workerEnvironment({
      spec,
      baseEnvironment: this.baseEnvironment,
      logStreamName: logStreamName(new Date(), randomBytes(16).toString("hex")),
      runtimeModules: runtimeModulesDir(),
    });
    const worker = new Worker({
      spec,
      env,
      log: this.log,
      emit: (line, stream, requestId) => this.output(line, { functionName: spec.name, requestId, stream }),
    });
    this.coldStarts += 1;
    this.generation.add(worker);
    this.all.add(worker);
    void worker.exited.then(() => {
      this.forget(worker);
      this.dispatch();
    });
    return worker;
  }

  private forget(worker: Worker): void {
    this.generation.delete(worker);
    this.all.delete(worker);
    this.idle = this.idle.filter((w) => w !== worker);
  }

  private async run(worker: Worker, job: Job): Promise<void> {
    let outcome: InvokeOutcome;
    try {
      const running = worker.invoke(job.requestId, job.eventJson);
      for (const listener of this.startListeners) {
        try {
          listener({ requestId: job.requestId, event: job.event, pid: worker.pid });
        } catch {
          // a fault injector's mistake never changes the invocation
        }
      }
      outcome = await running;
    } catch {
      // The worker died between being picked and being asked (it only throws when not usable): try another.
      this.forget(worker);
      this.queue.unshift(job);
      this.dispatch();
      return;
    }
    if (this.generation.has(worker) && worker.usable) this.idle.push(worker);
    else {
      // Replaced by reload(), or dead / dying (timeout, crash, failed init): never reused.
      this.generation.delete(worker);
      void worker.stop();
    }
    job.resolve(outcome);
    this.dispatch();
  }
}
