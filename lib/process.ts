/**
 * One server process (an emulator, PostgreSQL): spawned on a free port, its output appended to a log file, ready once
 * a probe answers, stopped with a signal (then SIGKILL after a grace period), and killed if this process exits first.
 * Shared by local/ (emulators, PostgreSQL) and the tests (lib/ sits below both).
 */
import { ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, WriteStream } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";

/** Sends `signal`, waits up to `graceMs` for `exited`, then SIGKILLs and waits for the exit. */
export async function stopProcess(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  // A started server is unref'd (it must not keep its parent alive). While we wait for it to exit, it must: otherwise,
  // with nothing else pending, Node ends the whole process with code 0 before the exit event arrives, and the caller's
  // exit code (jest's failures, a script's mismatches) is lost. Measured: jest's global teardown and `npm run chaos`
  // both exited 0 this way after failing.
  child.ref();
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), graceMs);
  });
  const done = await Promise.race([exited.then(() => true), timedOut]);
  clearTimeout(timer);
  if (!done) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolvePort(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

export interface ManagedProcess {
  readonly name: string;
  readonly port: number;
  readonly endpoint: string;
  readonly pid: number | undefined;
  /** Where its stdout and stderr go (undefined: discarded). */
  readonly logFile: string | undefined;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Human name in errors and logs ("moto", "DynamoDB Local", "postgres"). */
  readonly name: string;
  readonly command: string;
  /** Arguments, given the chosen port. */
  readonly args: (port: number) => string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this OS user (PostgreSQL refuses root). @default the current user */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** The endpoint the probe and the caller reach, given the port. @default `http://127.0.0.1:<port>` */
  readonly endpoint?: (port: number) => string;
  /** Fixed port; @default a free one */
  readonly port?: number;
  /** Resolves once the endpoint answers; rejected probes are retried until `readyTimeoutMs`. */
  readonly probe: (endpoint: string) => Promise<void>;
  /** @default 60000 */
  readonly readyTimeoutMs?: number;
  /** Append stdout/stderr here. @default discarded (the last 4 KB are kept for the start-up error) */
  readonly logFile?: string;
  /** What to say when the command is not found. */
  readonly missingHint: string;
  /** Signal for a graceful stop. @default SIGTERM */
  readonly stopSignal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL. @default 5000 */
  readonly stopGraceMs?: number;
  /** Signal sent if this process exits while the server still runs. @default SIGKILL */
  readonly exitSignal?: NodeJS.Signals;
  /** Attempts on a fresh port when the process exits before it is ready. @default 3 */
  readonly attempts?: number;
}

class EarlyExit extends Error {}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function launchOnce(o: LaunchOptions, port: number): Promise<ManagedProcess> {
  let log: WriteStream | undefined;
  if (o.logFile !== undefined) {
    mkdirSync(dirname(o.logFile), { recursive: true });
    log = createWriteStream(o.logFile, { flags: "a" });
  }
  const child: ChildProcess = spawn(o.command, o.args(port), {
    cwd: o.cwd,
    env: o.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(o.user === undefined ? {} : { uid: o.user.uid, gid: o.user.gid }),
  });
  let tail = "";
  const onData = (chunk: Buffer): void => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
    log?.write(chunk);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let exitReason: string | undefined;
  let spawnFailed = false;
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", (code, signal) => {
      exitReason ??= `${o.name} exited (code ${code ?? "none"}, signal ${signal ?? "none"}). Last output:\n${tail}`;
      log?.end();
      resolveExit();
    });
    child.once("error", (err) => {
      spawnFailed = true;
      exitReason =
        (err as NodeJS.ErrnoException).code === "ENOENT" ? `${o.name}: \`${o.command}\` was not found on PATH. ${o.missingHint}` : `${o.name} could not start: ${err.message}`;
      log?.end();
      resolveExit();
    });
  });
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(o.exitSignal ?? "SIGKILL");
  };
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));

  const endpoint = o.endpoint?.(port) ?? `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null || spawnFailed) return;
      await stopProcess(child, exited, o.stopSignal ?? "SIGTERM", o.stopGraceMs ?? 5000);
    })();
    return stopping;
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    if (exitReason !== undefined) {
      await stop();
      if (spawnFailed) throw new Error(exitReason);
      throw new EarlyExit(exitReason);
    }
    try {
      await o.probe(endpoint);
      break;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      await stop();
      const why = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${o.name} on ${endpoint} was not ready within ${o.readyTimeoutMs ?? 60_000} ms (last probe: ${why}). Log: ${o.logFile ?? "(none)"}\n${tail}`);
    }
    await delay(100);
  }
  child.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return { name: o.name, port, endpoint, pid: child.pid, logFile: o.logFile, stop };
}

/** Starts the process and resolves once `probe` succeeds; retries on a fresh port if it dies first. */
export async function launchProcess(o: LaunchOptions): Promise<ManagedProcess> {
  const attempts = o.port === undefined ? (o.attempts ?? 3) : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await launchOnce(o, o.port ?? (await freePort()));
    } catch (err) {
      lastError = err;
      if (!(err instanceof EarlyExit)) throw err;
    }
  }
  throw lastError instanceof Error ? new Error(lastError.message) : new Error(String(lastError));
}

// ---- one-shot commands (terraform, synth) ----

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the process after this many milliseconds (Infinity: never). @default 15 minutes */
  readonly timeoutMs?: number;
  /** Sees every chunk of stdout and stderr as it arrives (a log file, a tail). */
  readonly onOutput?: (chunk: Buffer) => void;
  /** Added to the error when the command cannot start (how to install it). */
  readonly missingHint?: string;
}

/** Runs a command, collects stdout/stderr; resolves with the exit code (never rejects on a non-zero exit). */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => {
      out.push(d);
      options.onOutput?.(d);
    });
    child.stderr.on("data", (d: Buffer) => {
      err.push(d);
      options.onOutput?.(d);
    });
    const limit = options.timeoutMs ?? 15 * 60_000;
    const timer = Number.isFinite(limit) ? setTimeout(() => child.kill("SIGTERM"), limit) : undefined;
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start (${e.message})${options.missingHint ? `. ${options.missingHint}` : ""}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** GET `url` and resolve on a 2xx status (no body read beyond the end). */
export async function httpOk(url: string, init?: RequestInit): Promise<void> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}
