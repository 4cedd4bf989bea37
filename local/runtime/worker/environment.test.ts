import { delimiter } from "node:path";
import { LOCAL_AWS } from "../types";
import { logStreamName, workerEnvironment } from "./environment";
import { Fixtures } from "./test-support";

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

describe("workerEnvironment", () => {
  const spec = fixtures.spec("/code", { name: "platform-local-profile-api", memorySize: 512, environment: { TABLE_NAME: "profiles", LANG: "C.UTF-8" } });
  const parentEnv = { PATH: "/usr/bin", HOME: "/home/dev", AWS_PROFILE: "prod", AWS_ACCESS_KEY_ID: "AKIAPARENT", NODE_OPTIONS: "--inspect", SECRET: "x" };

  it("layers essentials < local defaults < baseEnvironment < the function's variables < Lambda's reserved variables", () => {
    const env = workerEnvironment({
      spec: { ...spec, environment: { ...spec.environment, AWS_LAMBDA_FUNCTION_NAME: "spoofed", AWS_REGION: "eu-west-1" } },
      baseEnvironment: { AWS_ENDPOINT_URL: "http://127.0.0.1:5000", AWS_REGION: "us-west-2", TABLE_NAME: "from-base" },
      logStreamName: "2025/01/31/[$LATEST]abc",
      runtimeModules: "/tmp/runtime-modules",
      parentEnv,
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/dev",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      TABLE_NAME: "profiles",
      LANG: "C.UTF-8",
      NODE_PATH: ["/tmp/runtime-modules", "/code"].join(delimiter),
      AWS_LAMBDA_FUNCTION_NAME: "platform-local-profile-api",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/platform-local-profile-api",
      AWS_LAMBDA_LOG_STREAM_NAME: "2025/01/31/[$LATEST]abc",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      _HANDLER: "index.handler",
      LAMBDA_TASK_ROOT: "/code",
      TZ: ":UTC",
    });
  });

  it("names log streams as Lambda does", () => {
    expect(logStreamName(new Date("2025-03-04T23:59:59Z"), "0123456789abcdef0123456789abcdef")).toBe("2025/03/04/[$LATEST]0123456789abcdef0123456789abcdef");
  });
});

describe("a worker's environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("holds the function's variables and Lambda's reserved ones, but none of this process's AWS_* variables or NODE_OPTIONS", async () => {
    process.env.AWS_PROFILE = "parent-profile";
    process.env.AWS_ACCESS_KEY_ID = "AKIAPARENT";
    process.env.AWS_ENDPOINT_URL_DYNAMODB = "http://parent:8000";
    process.env.NODE_OPTIONS = "--no-warnings";
    const { pool } = fixtures.handler(`exports.handler = async () => ({ env: process.env, cwd: process.cwd(), execArgv: process.execArgv });`, {
      name: "platform-local-env",
      environment: { TABLE_NAME: "profiles" },
      memorySize: 256,
    });
    const outcome = await pool.invoke({});
    const { env, cwd, execArgv } = (outcome as { payload: { env: Record<string, string>; cwd: string; execArgv: string[] } }).payload;
    expect(env).toMatchObject({
      TABLE_NAME: "profiles",
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_REGION: LOCAL_AWS.region,
      AWS_LAMBDA_FUNCTION_NAME: "platform-local-env",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      _HANDLER: "index.handler",
      LAMBDA_TASK_ROOT: cwd,
      TZ: ":UTC",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_ENDPOINT_URL_DYNAMODB).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(env.JEST_WORKER_ID).toBeUndefined();
    expect(execArgv).toEqual(["--max-old-space-size=256", "--enable-source-maps"]);
  });

  it("limits the V8 heap to memorySize", async () => {
    const { pool } = fixtures.handler(`exports.handler = async () => require("node:v8").getHeapStatistics().heap_size_limit / 1024 / 1024;`, { memorySize: 200 });
    const limitMb = (await pool.invoke({})) as { payload: number };
    expect(limitMb.payload).toBeGreaterThanOrEqual(200);
    expect(limitMb.payload).toBeLessThan(260);
  });

  it("resolves the AWS SDK from the runtime, as Lambda's nodejs22.x does, but not the repository's other packages", async () => {
    const { pool } = fixtures.handler(`
      exports.handler = async (event) => {
        try { require(event.module); return "loaded"; } catch (err) { return err.code; }
      };`);
    expect(await pool.invoke({ module: "@aws-sdk/client-dynamodb" })).toMatchObject({ ok: true, payload: "loaded" });
    expect(await pool.invoke({ module: "zod" })).toMatchObject({ ok: true, payload: "MODULE_NOT_FOUND" });
  });
});
