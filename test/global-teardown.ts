/** jest global teardown: stops the DynamoDB Local that global setup started (never one it only reused). */
import { DYNAMODB_ENDPOINT_ENV, DYNAMODB_LOCAL_HANDLE, DynamoDbLocal } from "./support/dynamodb-local";
import { tearDownMoto } from "./support/moto";
import { tearDownPostgres } from "./support/postgres";

export default async function globalTeardown(): Promise<void> {
  // jest sets its exit code only after the teardown resolves: if Node's event loop ran empty while the teardown waits
  // (an unref'd server being stopped), the run would end with code 0 whatever failed. This timer keeps it alive.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await tearDownPostgres(); // the PostgreSQL global setup started, if any
    await tearDownMoto();
    const registry = globalThis as Record<symbol, unknown>;
    const local = registry[DYNAMODB_LOCAL_HANDLE] as DynamoDbLocal | undefined;
    if (local === undefined) return;
    delete registry[DYNAMODB_LOCAL_HANDLE];
    await local.stop();
    if (process.env[DYNAMODB_ENDPOINT_ENV] === local.endpoint) delete process.env[DYNAMODB_ENDPOINT_ENV];
  } finally {
    clearInterval(keepAlive);
  }
}
