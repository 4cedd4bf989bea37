/**
 * AWS's DynamoDB Local (Java), as shipped in the npm package `amplify-dynamodb-simulator` (folder `emulator/`),
 * on a free port: in memory for tests (jest's global setup; integration tests read the endpoint from
 * `DYNAMODB_ENDPOINT`), or persisted to a folder for the local platform (`npm start`).
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, WriteStream } from "node:fs";
import { freePort, stopProcess } from "../postgres";
import { dirname, join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

/** Environment variable through which the endpoint reaches the test workers. */
export const DYNAMODB_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";

/** Key on globalThis under which global setup leaves the started instance for global teardown (same process). */
export const DYNAMODB_LOCAL_HANDLE = Symbol.for("platform.test.dynamodbLocal");

/** Static credentials and region for local services: DynamoDB Local accepts any. */
export const LOCAL_REGION = "us-east-1";
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How long to wait for ListTables to answer. @default 60000 */
  readonly readyTimeoutMs?: number;
  /** Attempts on a fresh port when the JVM exits before it is ready (e.g. the port was taken meanwhile). @default 3 */
  readonly attempts?: number;
  /** Keep tables in this folder (created) across restarts instead of in memory. @default in memory */
  readonly dbPath?: string;
  /** Append the JVM's output to this file. @default discarded */
  readonly logFile?: string;
}

const JAVA_FIX = "Fix: install a Java 17 runtime (apt-get install -y openjdk-17-jre-headless) and put its `java` on PATH";
const JAVA_MISSING = `DynamoDB Local needs Java, and \`java\` was not found on PATH. ${JAVA_FIX}`;

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib. */
export function emulatorDirectory(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve("amplify-dynamodb-simulator/package.json");
  } catch {
    throw new Error("DynamoDB Local: the npm package amplify-dynamodb-simulator is not installed. Fix: npm ci");
  }
  const dir = join(dirname(packageJson), "emulator");
  if (!existsSync(join(dir, "DynamoDBLocal.jar"))) {
    throw new Error(`DynamoDB Local: ${join(dir, "DynamoDBLocal.jar")} is missing. Fix: reinstall amplify-dynamodb-simulator (npm ci)`);
  }
  return dir;
}

/** Throws the install hint when no `java` runs: not on PATH, or present but failing (`java -version`). */
export function assertJavaAvailable(): void {
  const result = spawnSync("java", ["-version"], {
    // Explicitly this module's `process.env` (in a jest test file, the test's copy, not the worker's).
    env: process.env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error !== undefined) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(JAVA_MISSING);
    throw new Error(`DynamoDB Local needs Java, and \`java -version\` could not run: ${result.error.message}. ${JAVA_FIX}`);
  }
  if (result.status !== 0) {
    const output = (result.stderr ?? "").trim().slice(0, 1000);
    throw new Error(
      `DynamoDB Local needs Java, and \`java -version\` failed (exit code ${result.status ?? "none"}, signal ${result.signal ?? "none"})` +
        `${output === "" ? "" : `: ${output}`}. ${JAVA_FIX}`,
    );
  }
}

export { freePort };

/** A DynamoDB client for local endpoints: static credentials, one attempt, short timeouts. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
  });
}

/** The JVM ended before it answered (typically: the port was taken between choosing and binding it). */
class EarlyExitError extends Error {}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls ListTables until the endpoint answers. Rejects after `timeoutMs`, or as soon as `exited()` reports
 * that the process serving it is gone.
 */
export async function waitForDynamoDb(
  endpoint: string,
  timeoutMs: number,
  exited: () => string | undefined = () => undefined,
): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      const exitReason = exited();
      if (exitReason !== undefined) throw new Error(exitReason);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        const reason = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
        throw new Error(`DynamoDB at ${endpoint} did not answer ListTables within ${timeoutMs} ms (last error: ${reason})`);
      }
      await delay(200);
    }
  } finally {
    client.destroy();
  }
}

function startOnce(directory: string, port: number, readyTimeoutMs: number, options: StartOptions): Promise<DynamoDbLocal> {
  if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
  const storage = options.dbPath === undefined ? ["-inMemory"] : ["-dbPath", options.dbPath];
  const child: ChildProcess = spawn(
    "java",
    ["-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", ...storage, "-sharedDb", "-disableTelemetry", "-port", String(port)],
    { cwd: directory, env: process.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  let log: WriteStream | undefined;
  if (options.logFile !== undefined) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: "a" });
    child.once("exit", () => log?.end());
  }
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  };
  const toLog = (chunk: Buffer): void => void log?.write(chunk);
  child.stdout?.on("data", toLog);
  child.stderr?.on("data", toLog);
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitReason: string | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", (code, signal) => {
      exitReason = `DynamoDB Local exited before it was ready (code ${code ?? "none"}, signal ${signal ?? "none"}). Output:\n${output}`;
      resolveExit();
    });
    child.once("error", (err) => {
      spawnError = err;
      exitReason = (err as NodeJS.ErrnoException).code === "ENOENT" ? JAVA_MISSING : `DynamoDB Local could not start: ${err.message}`;
      resolveExit();
    });
  });

  // Safety net: if this process exits without global teardown (process.exit after a crash, --forceExit),
  // take the JVM down with it instead of leaving it listening. (SIGKILL of jest itself cannot be caught.)
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || spawnError !== undefined) return;
    await stopProcess(child, exited, "SIGTERM", 5000);
  };
  return waitForDynamoDb(endpoint, readyTimeoutMs, () => exitReason).then(
    () => {
      // Once ready, its output is of no further use; do not let buffered pipes keep anything alive.
      child.stdout?.removeListener("data", keep);
      child.stderr?.removeListener("data", keep);
      child.stdout?.resume();
      child.stderr?.resume();
      // Do not let the JVM keep jest's process alive: global teardown stops it, the exit hook above covers the rest.
      child.unref();
      (child.stdout as { unref?: () => void } | null)?.unref?.();
      (child.stderr as { unref?: () => void } | null)?.unref?.();
      return { endpoint, port, pid: child.pid, stop };
    },
    async (err: unknown) => {
      await stop();
      if (exitReason !== undefined && spawnError === undefined) throw new EarlyExitError(exitReason);
      throw err;
    },
  );
}

/** Starts DynamoDB Local in memory on a free port and resolves once it answers ListTables. */
export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const directory = emulatorDirectory();
  const attempts = options.attempts ?? 3;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await startOnce(directory, await freePort(), readyTimeoutMs, options);
    } catch (err) {
      lastError = err;
      if (!(err instanceof EarlyExitError)) throw err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
