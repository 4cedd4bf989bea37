/**
 * Points the AWS SDK of the code under test at local services, through the SDK's standard environment
 * variables only (the handlers are not told they run locally), and creates the profiles table.
 */
import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { FILES_TABLE_SCHEMA } from "../../lambdas/files/schema";
import { PROFILES_TABLE_SCHEMA } from "../../lambdas/profile/schema";
import { DYNAMODB_ENDPOINT_ENV, LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynamodb-local";

/** The DynamoDB Local endpoint that jest's global setup started (or reused). */
export function dynamoDbEndpoint(): string {
  const endpoint = process.env[DYNAMODB_ENDPOINT_ENV];
  if (endpoint === undefined || endpoint === "") {
    throw new Error(`${DYNAMODB_ENDPOINT_ENV} is not set. Run the integration tests through jest (its global setup, test/global-setup.ts, starts DynamoDB Local).`);
  }
  return endpoint;
}

/**
 * Sets region, static credentials and endpoint overrides in `process.env` (jest gives each test file its own
 * copy). Must run before the handler modules are loaded: they read their environment at cold start.
 */
export function useLocalAws(extra: Readonly<Record<string, string>> = {}): void {
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_ENDPOINT_URL;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoDbEndpoint();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  // Handlers log through Powertools; keep test output readable unless a developer asks for logs.
  process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? "SILENT";
  for (const [name, value] of Object.entries(extra)) process.env[name] = value;
}

/** A table name no other test file (or earlier run against a reused endpoint) uses. */
export function uniqueTableName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A DynamoDB client for the test's own setup and assertions (not the one the handlers use). */
export function testDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamoDbEndpoint(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** Creates an on-demand table with the schema's hash and range keys (and a stream when given), and waits for it. */
async function createKeyedTable(
  client: DynamoDBClient,
  tableName: string,
  schema: { readonly partitionKey: { readonly name: string; readonly type: "S" | "N" | "B" }; readonly sortKey: { readonly name: string; readonly type: "S" | "N" | "B" } },
  streamViewType?: "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES" | "KEYS_ONLY",
): Promise<string | undefined> {
  const { partitionKey, sortKey } = schema;
  const out = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
        { AttributeName: sortKey.name, AttributeType: sortKey.type },
      ],
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: "HASH" },
        { AttributeName: sortKey.name, KeyType: "RANGE" },
      ],
      ...(streamViewType !== undefined ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType } } : {}),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  return out.TableDescription?.LatestStreamArn;
}

/**
 * Creates the profiles table as the stack does: key attributes from lambdas/profile/schema.ts, on-demand,
 * stream with both images. Returns the stream ARN.
 */
export async function createProfilesTable(client: DynamoDBClient, tableName: string): Promise<string> {
  const streamArn = await createKeyedTable(client, tableName, PROFILES_TABLE_SCHEMA, PROFILES_TABLE_SCHEMA.streamViewType);
  if (streamArn === undefined) throw new Error(`CreateTable ${tableName} returned no LatestStreamArn`);
  return streamArn;
}

/** Creates the files table as the stack does (key attributes from lambdas/files/schema.ts, on-demand). */
export async function createFilesTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createKeyedTable(client, tableName, FILES_TABLE_SCHEMA);
}

export async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}
