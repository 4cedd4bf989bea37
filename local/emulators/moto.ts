/**
 * moto_server (moto 5.2.1, Python): the AWS emulator for every service of the local platform except DynamoDB
 * (DynamoDB Local) and rds-data (local/data-api). Started on a free port with AWS managed IAM policies loaded,
 * Docker-less Lambda, and Step Functions executing state machines. What it does and does not do is in DESIGN.md and
 * in local/platform/gaps.ts.
 */
import { httpOk, launchProcess, ManagedProcess } from "../../lib/process";

export const MOTO_MISSING_HINT =
  "The local platform needs moto_server (moto 5.2.1, `pip install 'moto[server]==5.2.1'`), which machines of this kind " +
  "carry; where no Python package index is reachable it cannot be installed, so use a machine that has it.";

export interface StartMotoOptions {
  readonly port?: number;
  readonly logFile?: string;
  readonly readyTimeoutMs?: number;
}

export interface Moto extends ManagedProcess {
  /** POST /moto-api/config */
  configure(config: Record<string, unknown>): Promise<void>;
  /** POST /moto-api/reset: empties every backend. */
  reset(): Promise<void>;
}

export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const proc = await launchProcess({
    name: "moto",
    command: "moto_server",
    args: (port) => ["-H", "127.0.0.1", "-p", String(port)],
    env: {
      ...process.env,
      // AWS managed policies (e.g. AWSLambdaBasicExecutionRole) exist only when loaded at start.
      MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
      // Docker-less: Lambda Invoke never runs code in moto (the local runtime answers Invoke itself).
      MOTO_DOCKER_NETWORK_MODE: "",
      PYTHONUNBUFFERED: "1",
    },
    port: options.port,
    logFile: options.logFile,
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    missingHint: MOTO_MISSING_HINT,
    probe: (endpoint) => httpOk(`${endpoint}/moto-api/config`),
  });
  const post = async (path: string, body?: unknown): Promise<void> => {
    const res = await fetch(`${proc.endpoint}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`moto ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  };
  const moto: Moto = {
    ...proc,
    configure: (config) => post("/moto-api/config", config),
    reset: () => post("/moto-api/reset"),
  };
  // Before any resource exists: no Docker for Lambda; Step Functions run their definitions.
  await moto.configure({ lambda: { use_docker: false }, stepfunctions: { execute_state_machine: true } });
  return moto;
}
