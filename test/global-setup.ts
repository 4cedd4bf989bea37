/**
 * jest global setup: one DynamoDB Local for the whole run, shared by every worker through DYNAMODB_ENDPOINT
 * (workers inherit this process's environment). An endpoint already in DYNAMODB_ENDPOINT is reused as is.
 */
import { DYNAMODB_ENDPOINT_ENV, DYNAMODB_LOCAL_HANDLE, startDynamoDbLocal, waitForDynamoDb } from "./support/dynamodb-local";
import { setUpMoto } from "./support/moto";
import { setUpPostgres } from "./support/postgres";

export default async function globalSetup(): Promise<void> {
  // The SDK warns on Node < 22 (Lambda runs nodejs22.x); the warning is noise in every test run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? "true";
  // One PostgreSQL for the whole run (local Data API tests), shared through DATABASE_URL; see support/postgres.ts.
  await setUpPostgres();
  // One moto for the whole run (S3, SQS for the files service tests); see support/moto.ts.
  await setUpMoto();
  const existing = process.env[DYNAMODB_ENDPOINT_ENV];
  if (existing !== undefined && existing !== "") {
    try {
      await waitForDynamoDb(existing, 10_000);
    } catch (err) {
      throw new Error(
        `${DYNAMODB_ENDPOINT_ENV}=${existing} is set but does not answer: ${err instanceof Error ? err.message : String(err)}. ` +
          `Fix: start that DynamoDB, or unset ${DYNAMODB_ENDPOINT_ENV} to let the tests start DynamoDB Local themselves.`,
        { cause: err },
      );
    }
    return;
  }
  const local = await startDynamoDbLocal();
  process.env[DYNAMODB_ENDPOINT_ENV] = local.endpoint;
  (globalThis as Record<symbol, unknown>)[DYNAMODB_LOCAL_HANDLE] = local;
}
