/**
 * One emulator process: spawned on a free port, its output appended to a log file, ready once a probe answers,
 * stopped with a signal (then SIGKILL after a grace period), and killed if this process exits first.
 */
import { ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, WriteStream } from "node:fs";
import { dirname } from "node:path";
import { freePort, stopProcess } from "../postgres";

export { freePort, stopProcess };

export interface EmulatorProcess {
  readonly name: string;
  readonly port: number;
  readonly endpoint: string;
  readonly pid: number | undefined;
  /** Where its stdout and stderr go (undefined: discarded). */
  readonly logFile: string | undefined;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Human name in errors and logs ("moto", "DynamoDB Local"). */
  readonly name: string;
  readonly command: string;
  /** Arguments, given the chosen port. */
  readonly args: (port: number) => string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
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
  /** Attempts on a fresh port when the process exits before it is ready. @default 3 */
  readonly attempts?: number;
}

class EarlyExit extends Error {}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function launchOnce(o: LaunchOptions, port: number): Promise<EmulatorProcess> {
  let log: WriteStream | undefined;
  if (o.logFile !== undefined) {
    mkdirSync(dirname(o.logFile), { recursive: true });
    log = createWriteStream(o.logFile, { flags: "a" });
  }
  const child: ChildProcess = spawn(o.command, o.args(port), { cwd: o.cwd, env: o.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
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
      exitReason = (err as NodeJS.ErrnoException).code === "ENOENT" ? `${o.name}: \`${o.command}\` was not found on PATH. ${o.missingHint}` : `${o.name} could not start: ${err.message}`;
      log?.end();
      resolveExit();
    });
  });
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));

  const endpoint = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null || spawnFailed) return;
      await stopProcess(child, exited, o.stopSignal ?? "SIGTERM", 5000);
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
export async function launchEmulator(o: LaunchOptions): Promise<EmulatorProcess> {
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

/** GET `url` and resolve on a 2xx status (no body read beyond the end). */
export async function httpOk(url: string, init?: RequestInit): Promise<void> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}
