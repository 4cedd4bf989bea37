/**
 * The artefacts Lambda runs, not the sources: each profile function bundled by modules/lambda-function/bundle.ts
 * with the bundler's default externals (LAZY_CREDENTIAL_PROVIDERS), then loaded by a plain `node` in a folder outside this
 * repository (so no node_modules to fall back on), with credentials only in the environment, as Lambda gives
 * them. Proves that the credential providers left out of the bundles are not needed at run time.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBBatchResponse } from "aws-lambda";
import { bundle, LAZY_CREDENTIAL_PROVIDERS } from "../../modules/lambda-function/bundle";
import { PARTITION_KEY, profileKey, userPartitionKey } from "../../lambdas/profile/schema";
import { partitionKeyOf, testStreamsClient, toStreamEvent, waitForStreamRecords } from "../support/dynamodb-streams";
import { cognitoClaims, httpApiEvent, lambdaContext, postConfirmationEvent } from "../support/events";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";
import { createProfilesTable, deleteTable, dynamoDbEndpoint, testDynamoDbClient, uniqueTableName } from "../support/local-aws";
import { SnsQueryServer } from "../support/sns-query-server";

const run = promisify(execFile);
const tableName = uniqueTableName("profiles-bundle-it");
const topicArn = "arn:aws:sns:us-east-1:123456789012:platform-test-bundle-user-data-change";
const workDir = mkdtempSync(join(tmpdir(), "profile-bundles-run-"));
const sns = new SnsQueryServer();
let snsEndpoint: string;
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let streamArn: string;

/** Loads a bundle in a fresh `node`, calls its handler with each event in turn, prints the results as JSON. */
const RUNNER = `
const { readFileSync } = require("node:fs");
const [bundlePath, eventsPath] = process.argv.slice(2);
let externalResolvable;
try { require.resolve(${JSON.stringify(LAZY_CREDENTIAL_PROVIDERS[0])}, { paths: [bundlePath] }); externalResolvable = true; }
catch { externalResolvable = false; }
const { handler } = require(bundlePath);
const { events, context } = JSON.parse(readFileSync(eventsPath, "utf8"));
(async () => {
  const results = [];
  for (const event of events) results.push(await handler(event, { ...context, getRemainingTimeInMillis: () => 30000 }));
  process.stdout.write(JSON.stringify({ externalResolvable, results }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

interface RunResult<T> {
  readonly externalResolvable: boolean;
  readonly results: T[];
}

async function runBundled<T>(name: string, events: readonly unknown[]): Promise<RunResult<T>> {
  const built = bundle(join(__dirname, "..", "..", "lambdas", "profile", `${name}.ts`), { externalModules: LAZY_CREDENTIAL_PROVIDERS });
  const eventsPath = join(workDir, `${name}-events.json`);
  writeFileSync(eventsPath, JSON.stringify({ events, context: lambdaContext(name) }));
  const { stdout } = await run(process.execPath, [join(workDir, "runner.js"), join(built.directory, "index.js"), eventsPath], {
    cwd: workDir,
    timeout: 30_000,
    // Only what Lambda provides (credentials and region in the environment), plus the local endpoints.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: workDir,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: "local-session-token",
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint(),
      AWS_ENDPOINT_URL_SNS: snsEndpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      PROFILES_TABLE_NAME: tableName,
      // Read at cold start; these tests never DELETE (that starts the workflow: test/integration/account-deletion.test.ts).
      DELETE_USER_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:unused",
      USER_DATA_CHANGE_TOPIC_ARN: topicArn,
    },
  });
  return JSON.parse(stdout) as RunResult<T>;
}

beforeAll(async () => {
  process.env.PLATFORM_BUNDLE_CACHE_DIR = join(workDir, "bundles");
  writeFileSync(join(workDir, "runner.js"), RUNNER);
  snsEndpoint = await sns.start();
  raw = testDynamoDbClient();
  doc = DynamoDBDocumentClient.from(raw);
  streamArn = await createProfilesTable(raw, tableName);
});

afterAll(async () => {
  try {
    if (raw !== undefined) await deleteTable(raw, tableName);
  } finally {
    raw?.destroy();
    await sns.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
});

describe("bundled profile functions, run as Lambda runs them", () => {
  it("profile-api creates and reads a profile without the externalised credential providers", async () => {
    const userId = `bundle-${Date.now()}`;
    const claims = cognitoClaims(userId, "bundle@example.com");
    const out = await runBundled<{ statusCode: number; body?: string; headers: Record<string, string> }>("profile-api", [
      httpApiEvent({ method: "PUT", claims, body: JSON.stringify({ displayName: "Bundled" }) }),
      httpApiEvent({ method: "GET", claims }),
    ]);

    expect(out.externalResolvable).toBe(false);
    expect(out.results.map((r) => r.statusCode)).toEqual([201, 200]);
    expect(JSON.parse(out.results[1].body ?? "")).toMatchObject({ userId, displayName: "Bundled", version: 1 });
    const stored = await doc.send(new GetCommand({ TableName: tableName, Key: profileKey(userId), ConsistentRead: true }));
    expect(stored.Item).toMatchObject({ displayName: "Bundled", version: 1 });
  });

  it("profile-bootstrap creates the initial profile", async () => {
    const userId = `bundle-boot-${Date.now()}`;
    const out = await runBundled<{ triggerSource: string }>("profile-bootstrap", [postConfirmationEvent({ sub: userId, name: "Boot" })]);

    expect(out.externalResolvable).toBe(false);
    expect(out.results[0].triggerSource).toBe("PostConfirmation_ConfirmSignUp");
    const stored = await doc.send(new GetCommand({ TableName: tableName, Key: profileKey(userId), ConsistentRead: true }));
    expect(stored.Item).toMatchObject({ displayName: "Boot", version: 1 });
  });

  it("profile-events publishes stream records to SNS", async () => {
    const userId = `bundle-events-${Date.now()}`;
    await runBundled("profile-bootstrap", [postConfirmationEvent({ sub: userId, name: "Streamed" })]);
    const streams = testStreamsClient();
    try {
      const records = await waitForStreamRecords(streams, streamArn, (r) => partitionKeyOf(r, PARTITION_KEY) === userPartitionKey(userId), 1);
      sns.reset();
      const out = await runBundled<DynamoDBBatchResponse>("profile-events", [toStreamEvent(records, streamArn)]);

      expect(out.externalResolvable).toBe(false);
      expect(out.results).toEqual([{ batchItemFailures: [] }]);
      expect(sns.published.map((e) => JSON.parse(e.message) as { type: string; userId: string })).toEqual([expect.objectContaining({ type: "profile.created", userId })]);
    } finally {
      streams.destroy();
    }
  });
});
