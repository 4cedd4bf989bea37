/**
 * AWS's DynamoDB Local (Java), as shipped in the npm package `amplify-dynamodb-simulator` (folder `emulator/`),
 * on a free port: in memory for tests (jest's global setup; integration tests read the endpoint from
 * `DYNAMODB_ENDPOINT`), or persisted to a folder for the local platform (`npm start`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { launchProcess } from "../../lib/process";
import { LOCAL_AWS } from "../runtime/types";
import { dirname, join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

/** Environment variable through which the endpoint reaches the test workers. */
export const DYNAMODB_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";

/** Key on globalThis under which global setup leaves the started instance for global teardown (same process). */
export const DYNAMODB_LOCAL_HANDLE = Symbol.for("platform.test.dynamodbLocal");

/** Static credentials and region for local services: DynamoDB Local accepts any. */
export const LOCAL_REGION = LOCAL_AWS.region;
export const LOCAL_CREDENTIALS = LOCAL_AWS.credentials;

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

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls ListTables until the endpoint answers. Rejects after `timeoutMs`, or as soon as `exited()` reports
 * that the process serving it is gone.
 */
export async function waitForDynamoDb(endpoint: string, timeoutMs: number, exited: () => string | undefined = () => undefined): Promise<void> {
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

/**
 * Starts DynamoDB Local on a free port (in memory, or persisted to `dbPath`) and resolves once it answers ListTables;
 * a JVM that dies first (e.g. the port was taken meanwhile) is retried on a fresh port.
 */
export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const directory = emulatorDirectory();
  if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
  const storage = options.dbPath === undefined ? ["-inMemory"] : ["-dbPath", options.dbPath];
  const proc = await launchProcess({
    name: "DynamoDB Local",
    command: "java",
    args: (port) => ["-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", ...storage, "-sharedDb", "-disableTelemetry", "-port", String(port)],
    cwd: directory,
    // Explicitly this module's `process.env` (in a jest test file, the test's copy, not the worker's).
    env: process.env,
    probe: (endpoint) => waitForDynamoDb(endpoint, 1000),
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    attempts: options.attempts ?? 3,
    logFile: options.logFile,
    missingHint: JAVA_FIX,
  });
  return { endpoint: proc.endpoint, port: proc.port, pid: proc.pid, stop: proc.stop };
}
