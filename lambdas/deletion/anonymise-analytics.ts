/** anonymise-analytics: the delete-user workflow's AnonymiseAnalytics task (see ./analytics.ts). */
import type { Context } from "aws-lambda";
import { DataApi, analyticsDbTargetFromEnv, createRdsDataClient } from "../shared/data-api";
import { logger } from "../shared/logger";
import { anonymiseUser, parseAnonymiseInput } from "./analytics";
import type { AnonymiseAnalyticsOutput } from "./schema";

const db = new DataApi({
  client: createRdsDataClient(),
  target: analyticsDbTargetFromEnv(),
  onRetry: ({ attempt, delayMs, error }) => logger.warn("Retrying a Data API call", { attempt, delayMs, error: String(error) }),
});

export const handler = async (event: unknown, context: Context): Promise<AnonymiseAnalyticsOutput> => {
  logger.addContext(context);
  const out = await anonymiseUser(db.forInvocation(context), parseAnonymiseInput(event));
  logger.info("Anonymised analytics rows", { ...out });
  return out;
};
