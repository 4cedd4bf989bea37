/**
 * analytics-migrate: applies the pending analytics migrations (lambdas/analytics/migrations/*.sql, bundled as text).
 * Invoked by the stack on deploy (trigger: the migrations' hash, `migrationsHash()` in migrations-dir.ts), or by
 * hand. Returns `{ applied, skipped }`; throws (invocation error) on a SQL error or a changed applied migration.
 */
import type { Context } from "aws-lambda";
import { DataApi, analyticsDbTargetFromEnv, createRdsDataClient } from "../shared/data-api";
import { logger } from "../shared/logger";
import { MigrationResult, migrate } from "./migrations";
import { MIGRATIONS } from "./migrations/index";

const db = new DataApi({
  client: createRdsDataClient(),
  target: analyticsDbTargetFromEnv(),
  onRetry: ({ attempt, delayMs, error }) => logger.warn("Retrying a Data API call", { attempt, delayMs, error: String(error) }),
});

export const handler = async (_event: unknown, context: Context): Promise<MigrationResult> => {
  logger.addContext(context);
  const result = await migrate(db.forInvocation(context), MIGRATIONS, logger);
  logger.info("Analytics migrations done", { ...result });
  return result;
};
