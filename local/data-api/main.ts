/**
 * `npm run data-api:local`: a local RDS Data API endpoint for development. Uses the PostgreSQL server in
 * DATABASE_URL, or starts a throwaway one (initdb in a temporary directory, removed on exit). Prints the endpoint
 * and how to point the AWS SDK at it; Ctrl-C stops everything.
 *
 * Options (environment): DATABASE_URL, DATA_API_PORT (default: a free port), DATA_API_ERROR_MODEL
 * (`serverless-v1` | `serverless-v2`, default serverless-v1).
 */
import { startPostgres, PostgresServer } from "../postgres";
import type { ErrorModel } from "./errors";
import { startLocalDataApi } from "./server";

async function main(): Promise<void> {
  let postgres: PostgresServer | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === "") {
    postgres = await startPostgres();
    databaseUrl = postgres.url;
  }
  const errorModel = (process.env.DATA_API_ERROR_MODEL ?? "serverless-v1") as ErrorModel;
  if (errorModel !== "serverless-v1" && errorModel !== "serverless-v2") throw new Error(`DATA_API_ERROR_MODEL must be serverless-v1 or serverless-v2, got ${String(errorModel)}`);
  const api = await startLocalDataApi({ databaseUrl, port: Number(process.env.DATA_API_PORT ?? 0), errorModel });
  const lines = [
    `Local RDS Data API endpoint: ${api.endpoint}`,
    `PostgreSQL: ${databaseUrl}${postgres === undefined ? " (from DATABASE_URL)" : ` (throwaway server, data in ${postgres.directory})`}`,
    "",
    "Point the AWS SDK at it (any credentials, resourceArn and secretArn are accepted):",
    `  export AWS_ENDPOINT_URL_RDS_DATA=${api.endpoint}`,
    `  new RDSDataClient({ endpoint: "${api.endpoint}", region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } })`,
    "",
    "Make the next 3 calls fail as an auto-paused cluster does while it resumes:",
    `  curl -s -X POST ${api.endpoint}/_local/fail-next -d '{"count": 3, "errorType": "DatabaseResumingException"}'`,
    "",
    "Ctrl-C stops it.",
  ];
  console.log(lines.join("\n"));
  // The server is unref'd (so tests never hang on it); keep this process alive until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    await api.close();
    await postgres?.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
