import { ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { InvokeOutcome, RuntimeLog } from "../types";
import { LineSplitter } from "./line-splitter";
import { InvokeMessage, isWorkerMessage, ResultMessage } from "./protocol";
import { endLine, reportLine, startLine } from "./report";
import { FunctionSpec } from "./spec";

/** Which of a worker's streams a line came from. */
export type OutputStream = "stdout" | "stderr";

/** How a Worker is started and where its output goes. */
export interface WorkerOptions {
  readonly spec: FunctionSpec;
  /** The complete environment of the process (environment.ts). */
  readonly env: Readonly<Record<string, string>>;
  /** One line of the function's log (its output or a platform line), with the request it belongs to. */
  readonly emit: (line: string, stream: OutputStream, requestId: string | undefined) => void;
  readonly log: RuntimeLog;
}

const BOOTSTRAP = join(__dirname, "bootstrap.js");
/** Lambda's limit on the init phase; a slower init continues under the function's timeout. */
const INIT_LIMIT_MS = 10_000;
/** SIGTERM, then SIGKILL after this long. */
const STOP_GRACE_MS = 2_000;
/** How long to wait for the output markers once the result is in. */
const MARKER_GRACE_MS = 1_000;
/** How long to wait for the output of a process that exited (a grandchild may hold its pipes open). */
const DRAIN_GRACE_MS = 1_000;

/** Every live worker process, killed if this process exits without stopping its pools. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

interface Inflight {
  readonly requestId: string;
  readonly resolve: (outcome: InvokeOutcome) => void;
  /** performance.now() when the handler started (after init on a cold start). */
  startedAt: number | undefined;
  initDurationMs: number | undefined;
  result: ResultMessage | undefined;
  /** Markers seen on stdout and stderr (complete at 2). */
  markers: number;
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
}

type Ending =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly trace?: readonly string[]; readonly status?: "timeout" | "error" };

/** Go's os.ProcessState wording, which Lambda's "Runtime exited with error: ..." messages use. */
const SIGNAL_WORDS: Readonly<Record<string, string>> = {
  SIGKILL: "killed",
  SIGTERM: "terminated",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGBUS: "bus error",
  SIGINT: "interrupt",
  SIGILL: "illegal instruction",
  SIGFPE: "floating point exception",
};

function exitStatus(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `signal: ${SIGNAL_WORDS[signal] ?? signal}`;
  return `exit status ${code ?? "unknown"}`;
}

/**
 * One worker process of a function (bootstrap.js), running one invocation at a time: it reports each outcome as
 * Lambda does (function errors, Sandbox.Timedout after killing the process, Runtime.ExitError when the process
 * dies), prints START/END/REPORT around each invocation, and attributes every output line to the request in flight.
 * It does not keep this process alive while idle.
 */
export class Worker {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output has been read. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly stdout: LineSplitter;
  private readonly stderr: LineSplitter;
  private readonly spawnedAt = performance.now();
  private initialized = false;
  private inflight: Inflight | undefined;
  private lastRequestId: string | undefined;
  private stopRequested = false;
  /** The worker said it exits after its last answer. */
  private exiting = false;
  private gone = false;
  private status: string | undefined;
  private spawnError: Error | undefined;
  private maxRssKb: number | undefined;

  constructor(private readonly options: WorkerOptions) {
    const { spec } = options;
    this.child = fork(BOOTSTRAP, [], {
      cwd: resolve(spec.codeDir),
      env: { ...options.env },
      execArgv: [`--max-old-space-size=${spec.memorySize}`, "--enable-source-maps"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    this.pid = this.child.pid;
    track(this.child);
    const lineTo = (stream: OutputStream) => (line: string) => options.emit(line, stream, this.lastRequestId);
    this.stdout = new LineSplitter(lineTo("stdout"), () => this.onMarker());
    this.stderr = new LineSplitter(lineTo("stderr"), () => this.onMarker());
    this.child.stdout?.on("data", (chunk: Buffer) => this.stdout.write(chunk));
    this.child.stderr?.on("data", (chunk: Buffer) => this.stderr.write(chunk));
    this.child.on("message", (message: unknown) => this.onMessage(message));
    this.child.on("error", (err) => {
      this.spawnError ??= err;
    });
    this.child.once("exit", (code, signal) => {
      this.status ??= exitStatus(code, signal);
      // The output is read until the pipes close; a grandchild holding them open must not hold us up.
      setTimeout(() => {
        this.child.stdout?.destroy();
        this.child.stderr?.destroy();
      }, DRAIN_GRACE_MS).unref();
    });
    this.exited = new Promise((resolveExited) => {
      this.child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
        this.status ??= exitStatus(code, signal);
        this.onGone();
        resolveExited();
      });
    });
    this.hold(false);
  }

  /** An idle worker does not keep this process alive; one running an invocation or stopping does. */
  private hold(on: boolean): void {
    // The IPC channel and the stdout/stderr sockets have ref()/unref() too (net.Socket), though not in their types.
    const handles = [this.child, this.child.channel, this.child.stdout, this.child.stderr] as unknown as Array<{ ref?(): void; unref?(): void } | null | undefined>;
    for (const handle of handles) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** Whether the worker can take another invocation. */
  get usable(): boolean {
    return !this.gone && !this.exiting && !this.stopRequested && this.child.exitCode === null && this.child.signalCode === null;
  }

  get busy(): boolean {
    return this.inflight !== undefined;
  }

  /**
   * Runs one invocation. Never rejects: every ending (function error, timeout, crash, stop) is an outcome.
   * Throws if the worker is busy or no longer usable (a caller's bug: check `busy` and `usable`).
   */
  invoke(requestId: string, eventJson: string): Promise<InvokeOutcome> {
    if (this.inflight !== undefined) throw new Error(`worker ${this.pid} is busy with ${this.inflight.requestId}`);
    if (!this.usable) throw new Error(`worker ${this.pid} has exited or is stopping`);
    const { spec } = this.options;
    return new Promise<InvokeOutcome>((resolveOutcome) => {
      const marker = `\u0000invocation-end:${randomBytes(12).toString("hex")}\u0000`;
      this.stdout.expect(marker);
      this.stderr.expect(marker);
      this.lastRequestId = requestId;
      const timeoutMs = spec.timeoutSeconds * 1000;
      const inv: Inflight = {
        requestId,
        resolve: resolveOutcome,
        startedAt: this.initialized ? performance.now() : undefined,
        initDurationMs: undefined,
        result: undefined,
        markers: 0,
        timer: undefined,
        timedOut: false,
      };
      this.inflight = inv;
      this.hold(true);
      this.platformLine(startLine(requestId));
      this.arm(inv, this.initialized ? timeoutMs : INIT_LIMIT_MS + timeoutMs);
      const message: InvokeMessage = { type: "invoke", requestId, event: eventJson, timeoutMs, invokedFunctionArn: spec.arn, marker };
      // A closed channel means the process is exiting: its close event ends the invocation.
      this.child.send(message, () => undefined);
    });
  }

  /** SIGTERM, then SIGKILL after 2 s; an invocation in flight ends with Runtime.Shutdown. Resolves once gone. */
  stop(): Promise<void> {
    if (!this.stopRequested && !this.gone) {
      this.stopRequested = true;
      this.hold(true);
      this.child.kill("SIGTERM");
      const kill = setTimeout(() => {
        this.options.log.warn(`${this.options.spec.name}: worker ${this.pid} ignored SIGTERM for ${STOP_GRACE_MS} ms; killing it`);
        this.child.kill("SIGKILL");
      }, STOP_GRACE_MS);
      void this.exited.then(() => clearTimeout(kill));
    }
    this.stopRequested = true;
    return this.exited;
  }

  private platformLine(line: string): void {
    this.options.emit(line, "stdout", this.inflight?.requestId ?? this.lastRequestId);
  }

  private arm(inv: Inflight, ms: number): void {
    clearTimeout(inv.timer);
    inv.timer = setTimeout(() => this.onTimer(inv), ms);
  }

  private onMessage(message: unknown): void {
    const inv = this.inflight;
    if (!isWorkerMessage(message) || inv === undefined) return;
    if (message.type === "initialized") {
      this.initialized = true;
      inv.initDurationMs = message.initDurationMs;
      inv.startedAt = performance.now();
      this.arm(inv, this.options.spec.timeoutSeconds * 1000);
      return;
    }
    if (message.requestId !== inv.requestId) return;
    inv.result = message;
    this.maxRssKb = message.maxRssKb;
    if (message.exiting) this.exiting = true;
    if (inv.markers >= 2) this.finishWithResult(inv, message);
    else this.arm(inv, MARKER_GRACE_MS);
  }

  private onMarker(): void {
    const inv = this.inflight;
    if (inv === undefined) return;
    inv.markers += 1;
    if (inv.markers >= 2 && inv.result !== undefined) this.finishWithResult(inv, inv.result);
  }

  private onTimer(inv: Inflight): void {
    if (this.inflight !== inv) return;
    if (inv.result !== undefined) {
      this.finishWithResult(inv, inv.result); // the markers never came: report what the function answered
      return;
    }
    inv.timedOut = true;
    this.platformLine(`Task timed out after ${this.options.spec.timeoutSeconds.toFixed(2)} seconds`);
    this.child.kill("SIGKILL");
  }

  /** The process has exited and its output is read: end the invocation in flight, if any. */
  private onGone(): void {
    this.gone = true;
    this.stdout.end();
    this.stderr.end();
    live.delete(this.child);
    const inv = this.inflight;
    if (inv === undefined) {
      if (!this.stopRequested && !this.exiting) {
        this.options.log.warn(`${this.options.spec.name}: idle worker ${this.pid ?? "(not started)"} exited (${this.describeExit()})`);
      }
      return;
    }
    const id = inv.requestId;
    if (inv.result !== undefined) this.finishWithResult(inv, inv.result);
    else if (inv.timedOut) {
      const errorMessage = `RequestId: ${id} Error: Task timed out after ${this.options.spec.timeoutSeconds.toFixed(2)} seconds`;
      this.finish(inv, { ok: false, errorType: "Sandbox.Timedout", errorMessage, status: "timeout" });
    } else if (this.stopRequested) {
      const errorMessage = `RequestId: ${id} Error: the local runtime stopped the function before the invocation finished`;
      this.finish(inv, { ok: false, errorType: "Runtime.Shutdown", errorMessage, status: "error" });
    } else {
      const errorMessage = `RequestId: ${id} Error: Runtime exited with error: ${this.describeExit()}`;
      this.platformLine(errorMessage);
      this.platformLine("Runtime.ExitError");
      this.finish(inv, { ok: false, errorType: "Runtime.ExitError", errorMessage, status: "error" });
    }
  }

  private describeExit(): string {
    if (this.spawnError !== undefined) return `could not start (${this.spawnError.message}; code folder ${resolve(this.options.spec.codeDir)})`;
    return this.status ?? "unknown";
  }

  private finishWithResult(inv: Inflight, result: ResultMessage): void {
    // The worker's own clock: this process may have been slow to read its messages.
    const durationMs = result.durationMs;
    if (result.ok) this.finish(inv, { ok: true, payload: JSON.parse(result.payload) as unknown }, durationMs);
    else this.finish(inv, { ok: false, ...result.error }, durationMs);
  }

  /** Ends the invocation: END and REPORT lines, then the outcome. `measuredMs`: the worker's duration, if it answered. */
  private finish(inv: Inflight, ending: Ending, measuredMs?: number): void {
    if (this.inflight !== inv) return;
    this.inflight = undefined;
    clearTimeout(inv.timer);
    if (!this.stopRequested) this.hold(false);
    const now = performance.now();
    let initDurationMs = inv.initDurationMs;
    let durationMs = measuredMs ?? 0;
    if (inv.startedAt === undefined)
      initDurationMs = now - this.spawnedAt; // init never finished: all of it was init
    else if (measuredMs === undefined) durationMs = now - inv.startedAt;
    const { spec } = this.options;
    this.platformLine(endLine(inv.requestId));
    this.platformLine(
      reportLine({
        requestId: inv.requestId,
        durationMs,
        memorySizeMb: spec.memorySize,
        maxMemoryUsedMb: this.maxRssKb === undefined ? undefined : Math.ceil(this.maxRssKb / 1024),
        initDurationMs,
        status: ending.ok ? undefined : ending.status,
        errorType: !ending.ok && ending.status === "error" ? ending.errorType : undefined,
      }),
    );
    const rounded = Math.round(durationMs * 100) / 100;
    if (ending.ok) inv.resolve({ ok: true, payload: ending.payload, requestId: inv.requestId, durationMs: rounded });
    else {
      const { errorType, errorMessage, trace } = ending;
      inv.resolve({ ok: false, errorType, errorMessage, ...(trace === undefined ? {} : { trace }), requestId: inv.requestId, durationMs: rounded });
    }
  }
}
