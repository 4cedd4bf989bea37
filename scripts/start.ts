/**
 * `npm start [-- --reset] [--no-watch] [--endpoint-port N] [--api-port N] [--web-port N]`: the whole platform on this machine (see
 * local/platform/start.ts). Prints the URLs and a ready user; Ctrl-C stops everything it started.
 */
import { startLocalPlatform } from "../local/platform/start";

interface StartArgs {
  reset: boolean;
  watch: boolean;
  endpointPort?: number;
  apiPort?: number;
  webPort?: number;
}

function parseArgs(argv: readonly string[]): StartArgs {
  const out: StartArgs = { reset: false, watch: true };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 65535) throw new Error(`${a} needs a port number, got ${argv[i] ?? "nothing"}`);
      return v;
    };
    if (a === "--reset") out.reset = true;
    else if (a === "--no-watch") out.watch = false;
    else if (a === "--endpoint-port") out.endpointPort = num();
    else if (a === "--api-port") out.apiPort = num();
    else if (a === "--web-port") out.webPort = num();
    else throw new Error(`unknown option ${a}. Usage: npm start -- [--reset] [--no-watch] [--endpoint-port N] [--api-port N] [--web-port N]`);
  }
  return out;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const args = parseArgs(process.argv.slice(2));
  console.log(`[local] starting${args.reset ? " from empty state (--reset)" : ""}: emulators, synth, terraform apply … (logs in .local/logs/)`);
  const platform = await startLocalPlatform({ reset: args.reset, hotReload: args.watch, endpointPort: args.endpointPort, apiPort: args.apiPort, webPort: args.webPort });
  const t = platform.timings;
  const o = platform.deployment.outputs;
  const user = platform.testUser;
  console.log(
    [
      "",
      `Local platform ready in ${(t.ready / 1000).toFixed(1)} s (synth ${t.synth} ms, emulators ${t.emulators} ms` +
        `${t["moto-replay"] !== undefined ? `, moto restored from the journal in ${t["moto-replay"]} ms` : ""}` +
        `${platform.applied ? `, terraform apply ${t["terraform-apply"]} ms` : ", no infrastructure change: no terraform run"})`,
      "",
      ...(platform.webUrl !== undefined ? [`  Web app         ${platform.webUrl}         (sign in as the test user below; /api/* → the HTTP API, as behind CloudFront)`] : []),
      `  HTTP API        ${platform.apiUrl}            (GET/PUT/DELETE /profiles/me, POST /events, GET /analytics/...)`,
      `  AWS endpoint    ${platform.endpoint}          (AWS_ENDPOINT_URL for the AWS CLI/SDK; credentials: any)`,
      `  moto            ${platform.moto}`,
      `  DynamoDB Local  ${platform.dynamodb}`,
      `  Data API        ${platform.dataApi}  (PostgreSQL ${platform.postgresUrl})`,
      `  user pool       ${platform.userPoolId}   client ${platform.userPoolClientId}`,
      `  outputs         profiles table ${String(o.profiles_table_name)}, activity stream ${String(o.activity_stream_name)}`,
      ...(user
        ? [
            "",
            `Test user: ${user.email} / ${user.password}`,
            "Get a token and call the API:",
            `  TOKEN=$(${user.tokenCommand})`,
            `  curl -s ${platform.apiUrl}/profiles/me -H "authorization: Bearer $TOKEN"`,
          ]
        : []),
      "",
      `Function logs below, prefixed [function] requestId. ${platform.hotReload ? "Editing lambdas/ restarts the changed functions. " : ""}Ctrl-C stops everything.`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local] ${signal}: stopping …`);
    platform
      .stop()
      .then(() => {
        console.log("[local] stopped; nothing left running.");
        process.exit(0);
      })
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`[local] could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
