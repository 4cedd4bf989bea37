/**
 * The analytics database for integration tests: a PostgreSQL database of the test file's own (global setup's server),
 * the local Data API endpoint over it (Serverless v2 error model), and the environment the analytics handlers read
 * (ANALYTICS_DB_* and AWS_ENDPOINT_URL_RDS_DATA), so the handlers' own unmodified RDSDataClient talks to it.
 */
import { RDSDataClient } from "@aws-sdk/client-rds-data";
import type { KinesisStreamEvent } from "aws-lambda";
import { Client } from "pg";
import { LocalDataApi, startLocalDataApi } from "../../local/data-api";
import { DataApi, DataApiTarget } from "../../lambdas/shared/data-api";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynamodb-local";
import { createTestDatabase, TestDatabase } from "./postgres";

export const TEST_CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:platform-test-analytics";
export const TEST_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-test-analytics-AbCdEf";

export interface AnalyticsTestDb {
  readonly db: TestDatabase;
  readonly api: LocalDataApi;
  readonly target: DataApiTarget;
  /** A test-side client (retries with short delays). */
  readonly dataApi: DataApi;
  readonly rdsClient: RDSDataClient;
  /** Runs SQL directly on PostgreSQL (setup and assertions), returns the rows. */
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Starts the database and endpoint and sets the handlers' environment (call before importing a handler: they
 * read it at cold start).
 */
export async function startAnalyticsDb(prefix: string): Promise<AnalyticsTestDb> {
  const db = await createTestDatabase(prefix);
  const api = await startLocalDataApi({ databaseUrl: db.url, errorModel: "serverless-v2" });
  const target: DataApiTarget = { resourceArn: TEST_CLUSTER_ARN, secretArn: TEST_SECRET_ARN, database: db.name };
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_ENDPOINT_URL;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.AWS_ENDPOINT_URL_RDS_DATA = api.endpoint;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? "SILENT";
  process.env.ANALYTICS_DB_CLUSTER_ARN = target.resourceArn;
  process.env.ANALYTICS_DB_SECRET_ARN = target.secretArn;
  process.env.ANALYTICS_DB_DATABASE = target.database;

  const rdsClient = new RDSDataClient({ endpoint: api.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const dataApi = new DataApi({ client: rdsClient, target, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    db,
    api,
    target,
    dataApi,
    rdsClient,
    sql: async <T>(text: string, values?: unknown[]) => (await pg.query(text, values)).rows as T[],
    close: async () => {
      rdsClient.destroy();
      await pg.end().catch(() => undefined);
      await api.close();
      await db.drop();
    },
  };
}

/** An SQS event of raw SNS deliveries (raw_message_delivery = true): each body is the published message. */
export { sqsEvent } from "./events";

/** A Kinesis event whose records carry the given data (objects are JSON-encoded, strings taken as raw text). */
export function kinesisEvent(items: ReadonlyArray<unknown>, firstSequence = 1000): KinesisStreamEvent {
  return {
    Records: items.map((item, i) => {
      const text = typeof item === "string" ? item : JSON.stringify(item);
      const sequenceNumber = String(BigInt("49590338271490256608559692538361571095921575989136588898") + BigInt(firstSequence + i));
      return {
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: typeof item === "object" && item !== null && "userId" in item ? String((item as { userId: unknown }).userId) : "x",
          sequenceNumber,
          data: Buffer.from(text, "utf8").toString("base64"),
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::123456789012:role/platform-test-activity-processor",
        awsRegion: LOCAL_REGION,
        eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/platform-test-activity",
      };
    }),
  };
}
