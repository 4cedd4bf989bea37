/**
 * The local platform: emulators, the local runtime as the AWS endpoint, the `local` environment synthesized and
 * applied by Terraform through it, then every function served from what was deployed (HTTP API routes, event source
 * mappings, Cognito triggers, Invoke). `stop()` ends everything it started.
 */
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { buildApp } from "../../app";
import { LOCAL_ENVIRONMENT_INPUTS } from "../../environments";
import type { PlatformStack } from "../../stacks/platform-stack";
import { DynamoDbLocal, startDynamoDbLocal } from "../emulators/dynamodb-local";
import { Moto, startMoto } from "../emulators/moto";
import { LocalDataApi, startLocalDataApi } from "../data-api";
import { PostgresServer, startPostgres } from "../postgres";
import { cognitoTriggers } from "../runtime/cognito-triggers";
import { Deployment, readDeployment } from "../runtime/deployment";
import { EventSourceMappingStore } from "../runtime/esm-store";
import { dynamoDbMetadata } from "../runtime/dynamodb-metadata";
import { motoLane } from "../runtime/moto-lanes";
import { MotoJournal, seedMoto } from "../runtime/moto-journal";
import { stackHash, stateMismatch } from "./restore";
import { declaredDatabases, ensureDatabases } from "./databases";
import { fileCheckpointStore } from "../runtime/event-sources";
import { FunctionRegistry } from "../runtime/functions";
import { Gateway, GatewayHandler, startGateway } from "../runtime/gateway";
import { LocalHttpApi, startHttpApi } from "../runtime/http-api";
import { lambdaApi } from "../runtime/lambda-api";
import { ExecutionStore } from "../runtime/step-functions/executions";
import { stepFunctionsApi } from "../runtime/step-functions/api";
import { LOCAL_AWS, RuntimeLog } from "../runtime/types";
import { EventSourceSupervisor } from "./event-sources";
import { HotReload, watchHandlers } from "./hot-reload";
import { LocalPaths, localPaths } from "./paths";
import { apply, initOnce } from "./terraform";
import { ensureUser, TestUser } from "./users";
import { buildWebSync } from "../../web/build";
import { DEFAULT_WEB_PORT, LocalWebServer, localWebConfig, startLocalWebServer } from "../web";

export interface LocalPlatformOptions {
  /** Folder for state, data, logs and synth output. @default <checkout>/.local */
  readonly root?: string;
  /** Start from empty state and data. @default false */
  readonly reset?: boolean;
  /** Port of the local AWS endpoint. @default environments/local.ts local.endpointPort */
  readonly endpointPort?: number;
  /** Port of the HTTP API. @default environments/local.ts local.apiPort */
  readonly apiPort?: number;
  /**
   * Port of the web app (the built SPA, `/api/*` to the HTTP API as CloudFront routes it); `false`: no web server.
   * The local bucket's CORS rules and the SPA client's callback URLs name `http://localhost:4568`, so uploads from the
   * browser work on the default port only. @default DEFAULT_WEB_PORT (4568)
   */
  readonly webPort?: number | false;
  /** Re-bundle and restart a function's workers when its source changes (and rebuild the web app on reload). @default false */
  readonly hotReload?: boolean;
  /**
   * A failed SQS message is visible again after this many seconds instead of the queue's visibility timeout
   * (a local acceleration for tests). @default undefined (Lambda's behaviour)
   */
  readonly sqsRetryDelaySeconds?: number;
  /** Function output lines. @default the console, prefixed with the function name and request id */
  readonly functionOutput?: (line: string, meta: { functionName: string; requestId?: string; stream: "stdout" | "stderr" }) => void;
  readonly log?: RuntimeLog;
  /** Create this user (signed up and confirmed, so post-confirmation runs). @default dev@example.com */
  readonly testUser?: { readonly email: string; readonly password: string } | false;
}

export interface LocalPlatform {
  readonly endpoint: string;
  readonly apiUrl: string;
  /** The web app (`http://localhost:<webPort>`), undefined with `webPort: false`. */
  readonly webUrl: string | undefined;
  readonly moto: string;
  readonly dynamodb: string;
  readonly dataApi: string;
  readonly postgresUrl: string;
  /** The analytics cluster's database (its `database_name`) in that PostgreSQL. */
  readonly analyticsDatabaseUrl: string;
  readonly paths: LocalPaths;
  readonly deployment: Deployment;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly testUser: TestUser | undefined;
  readonly registry: FunctionRegistry;
  /** Step Functions executions, run by the local runtime on the deployed definitions. */
  readonly executions: ExecutionStore;
  readonly eventSources: EventSourceSupervisor;
  readonly hotReload: HotReload | undefined;
  /**
   * Puts a handler in front of the endpoint's own (fault injection: the reliability campaign answers a share of
   * DynamoDB calls with throttling errors). Returns the function that removes it.
   */
  addGatewayHandler(handler: GatewayHandler): () => void;
  /** Milliseconds of each start-up phase. */
  readonly timings: Readonly<Record<string, number>>;
  /** Terraform applied changes (false: a warm start with nothing to change). */
  readonly applied: boolean;
  stop(): Promise<void>;
}

export const DEFAULT_TEST_USER = { email: "dev@example.com", password: "Local-Passw0rd!2026" } as const;

const consoleLog: RuntimeLog = {
  info: (m) => console.log(`[local] ${m}`),
  warn: (m) => console.warn(`[local] ${m}`),
  error: (m) => console.error(`[local] ${m}`),
};

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const log = options.log ?? consoleLog;
  const paths = localPaths(options.root);
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const mark = (phase: string, since: number): void => {
    timings[phase] = Date.now() - since;
  };
  if (options.reset) {
    for (const dir of [
      paths.statePath,
      paths.mappings,
      paths.motoJournal,
      paths.dynamodbMetadata,
      paths.checkpoints,
      paths.dynamodb,
      paths.postgres,
      paths.codeCache,
      paths.hotBundles,
    ]) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const input = LOCAL_ENVIRONMENT_INPUTS.local as { local: { endpointPort: number; apiPort: number } };
  const endpointPort = options.endpointPort ?? input.local.endpointPort;
  const apiPort = options.apiPort ?? input.local.apiPort;

  const cleanups: Array<() => Promise<void>> = [];
  const starting: Array<Promise<unknown>> = [];
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(starting); // an emulator still starting is stopped too, once it is up

    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => log.error(`stop: ${err instanceof Error ? err.message : String(err)}`));
  };
  try {
    // PostgreSQL runs as an unprivileged user when started as root: it must be able to reach its data folder.
    for (const dir of [paths.root, dirname(paths.postgres)]) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
    }
    // Emulators start in the background while the app synthesizes.
    const emulatorsStart = Date.now();
    const motoP = startMoto({ logFile: `${paths.logs}/moto.log` });
    const ddbP = startDynamoDbLocal({ dbPath: paths.dynamodb, logFile: `${paths.logs}/dynamodb-local.log` });
    const pgP = startPostgres({ directory: paths.postgres });
    for (const p of [motoP, ddbP, pgP] as Array<Promise<{ stop(): Promise<void> }>>) {
      starting.push(p.then((e) => cleanups.push(() => e.stop())).catch(() => undefined));
    }

    const synthStart = Date.now();
    const built = buildApp({
      environments: { local: { ...input, local: { endpointPort, apiPort } } },
      outdir: paths.outdir,
      localStatePath: paths.statePath,
      offline: false,
    });
    built.app.synth();
    const stack = built.platformStacks[0] as PlatformStack;
    mark("synth", synthStart);

    const [moto, dynamodb, postgres] = (await Promise.all([motoP, ddbP, pgP])) as [Moto, DynamoDbLocal, PostgresServer];
    const databases = declaredDatabases(paths.stackDir);
    await ensureDatabases(postgres.url, databases);
    const dataApi: LocalDataApi = await startLocalDataApi({ databaseUrl: postgres.url, port: 0, errorModel: "serverless-v2" });
    cleanups.push(() => dataApi.close());
    mark("emulators", emulatorsStart);

    const mappings = new EventSourceMappingStore(paths.mappings);
    // Every call that can reach moto goes through the endpoint, so the journal sees (and orders) all of them.
    const endpoint = `http://127.0.0.1:${endpointPort}`;
    const journal = MotoJournal.open(paths.motoJournal);
    await seedMoto(moto.endpoint);
    const registry = new FunctionRegistry({
      moto: endpoint,
      assetDirs: () => [paths.stackDir],
      codeCacheDir: paths.codeCache,
      baseEnvironment: {
        AWS_REGION: LOCAL_AWS.region,
        AWS_DEFAULT_REGION: LOCAL_AWS.region,
        AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${endpointPort}`,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      pool: { output: options.functionOutput },
      log,
    });
    cleanups.push(() => registry.stop());
    const executions = new ExecutionStore({
      tasks: { invoke: registry.invoke, endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials },
      log,
    });
    cleanups.push(() => executions.stop());
    const runtimeHandlers: GatewayHandler[] = [
      dynamoDbMetadata(paths.dynamodbMetadata),
      lambdaApi({ registry, mappings, moto: endpoint, log }),
      cognitoTriggers({ moto: endpoint, invoke: registry.invoke, log }),
      stepFunctionsApi(executions),
    ];
    const gw: Gateway = await startGateway({
      port: endpointPort,
      upstreams: { moto: moto.endpoint, dynamodb: dynamodb.endpoint, rdsData: dataApi.endpoint },
      handlers: runtimeHandlers,
      motoForward: (base, req) => journal.forward(base, req),
      lane: motoLane,
      log,
    });
    cleanups.push(() => gw.close());

    // moto starts empty on every start: replay what earlier deploys sent it; apply only what is missing or changed.
    const hash = stackHash(paths.stackDir);
    let restored = false;
    if (journal.size > 0) {
      const replayStart = Date.now();
      await journal.replay(moto.endpoint);
      journal.recording = true; // the checks below are part of what a later replay must repeat
      const mismatch = await stateMismatch(paths.statePath, moto.endpoint, journal);
      restored = mismatch === undefined;
      mark("moto-replay", replayStart);
      if (!restored) {
        log.warn(`the replayed moto does not match the Terraform state (${mismatch}): starting moto afresh and applying everything`);
        await moto.reset();
        await seedMoto(moto.endpoint);
        journal.clear();
      }
    }
    const applied = !(restored && journal.stackHash === hash);
    if (applied) {
      const deployStart = Date.now();
      await initOnce(paths.stackDir, `${paths.logs}/terraform.log`);
      mark("terraform-init", deployStart);
      const applyStart = Date.now();
      journal.recording = true;
      try {
        await apply(paths.stackDir, `${paths.logs}/terraform.log`);
      } finally {
        journal.recording = false;
      }
      journal.save(hash);
      mark("terraform-apply", applyStart);
    }
    journal.recording = false;

    const deployment = readDeployment(paths.statePath);
    if (deployment === undefined) throw new Error(`Terraform wrote no state at ${paths.statePath}`);
    const eventSources = new EventSourceSupervisor(mappings, {
      invoke: registry.invoke,
      endpoints: { sqs: moto.endpoint, sns: moto.endpoint, kinesis: moto.endpoint, dynamodbStreams: dynamodb.endpoint },
      log,
      checkpoints: fileCheckpointStore(paths.checkpoints),
      sqsRetryDelaySeconds: options.sqsRetryDelaySeconds,
    });
    cleanups.push(() => eventSources.stop());

    const apiConfig = deployment.httpApis[0];
    if (apiConfig === undefined) throw new Error("The local deployment has no HTTP API");
    const httpApi: LocalHttpApi = await startHttpApi({
      config: apiConfig,
      invoke: registry.invoke,
      jwksUrl: (issuer) => `${moto.endpoint}/${issuer.split("/").pop()}/.well-known/jwks.json`,
      port: apiPort,
      log,
    });
    cleanups.push(() => httpApi.close());

    const userPoolId = String(deployment.outputs.user_pool_id ?? "");
    const userPoolClientId = String(deployment.outputs.user_pool_client_id ?? "");
    let testUser: TestUser | undefined;
    if (options.testUser !== false) {
      const wanted = options.testUser ?? DEFAULT_TEST_USER;
      testUser = await ensureUser(gw.endpoint, userPoolClientId, wanted.email, wanted.password);
    }

    let web: LocalWebServer | undefined;
    if (options.webPort !== false) {
      const webStart = Date.now();
      const site = buildWebSync().outDir;
      web = await startLocalWebServer({
        port: options.webPort ?? DEFAULT_WEB_PORT,
        apiUrl: httpApi.url,
        awsEndpoint: gw.endpoint,
        config: localWebConfig({ region: LOCAL_AWS.region, userPoolId, userPoolClientId, filesOrigin: gw.endpoint }),
        // With hot reload, every index.html rebuilds what changed in web/src (a warm build costs only hashing).
        site: options.hotReload ? () => buildWebSync().outDir : site,
        log,
      });
      const server = web;
      cleanups.push(() => server.close());
      mark("web", webStart);
      // The files bucket's CORS rules and the SPA client's URLs come from environments/local.ts: another origin can load
      // the app but not upload from it.
      const origin = new URL(web.url).origin;
      const allowed = (LOCAL_ENVIRONMENT_INPUTS.local as { api: { corsAllowOrigins: readonly string[] } }).api.corsAllowOrigins;
      if (!allowed.includes(origin)) {
        log.warn(
          `the web app is at ${origin}, which environments/local.ts does not allow (api.corsAllowOrigins: ${allowed.join(", ")}): the browser can load it ` +
            `but uploads to the files bucket will fail CORS. Fix: use --web-port ${DEFAULT_WEB_PORT}, or add ${origin} to api.corsAllowOrigins, auth.callbackUrls and auth.logoutUrls there.`,
        );
      }
    }

    let hotReload: HotReload | undefined;
    if (options.hotReload) {
      hotReload = watchHandlers(stack, registry, log);
      const hr = hotReload;
      cleanups.push(async () => hr.close());
    }
    mark("ready", t0);
    const extraHandlers: GatewayHandler[] = [];
    return {
      endpoint: gw.endpoint,
      apiUrl: httpApi.url,
      webUrl: web?.url,
      moto: moto.endpoint,
      dynamodb: dynamodb.endpoint,
      dataApi: dataApi.endpoint,
      postgresUrl: postgres.url,
      analyticsDatabaseUrl: postgres.url.replace(/\/[^/]*$/, `/${databases[0] ?? "postgres"}`),
      paths,
      deployment,
      userPoolId,
      userPoolClientId,
      testUser,
      registry,
      executions,
      eventSources,
      hotReload,
      timings,
      applied,
      addGatewayHandler: (handler) => {
        extraHandlers.push(handler);
        gw.setHandlers([...extraHandlers, ...runtimeHandlers]);
        return () => {
          const at = extraHandlers.indexOf(handler);
          if (at >= 0) extraHandlers.splice(at, 1);
          gw.setHandlers([...extraHandlers, ...runtimeHandlers]);
        };
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
